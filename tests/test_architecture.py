"""The house rules of docs/architecture.md, checked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kpi.i18n import load_catalog

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted((ROOT / "kpi").rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_plan_figure_is_typed_into_the_core(path: Path) -> None:
    """Targets of the plan (264 HTX, 27.379 members, 12.079 triệu, 504 managers...) live in data/plans/."""
    plan_figures = {
        264,
        27379,
        12079,
        370,
        504,
        129,
        145,
        20000,
    }  # the distinctive ones; small numbers collide
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literals = {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) in (int, float)
    }
    assert not literals & plan_figures


def test_every_text_of_the_catalogs_exists_in_vietnamese_and_english() -> None:
    catalog = load_catalog()
    assert catalog, "the catalogs are empty"
    for key, entry in catalog.items():
        assert entry["vi"].strip() and entry["en"].strip(), key
