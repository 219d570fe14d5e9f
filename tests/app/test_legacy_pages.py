"""Why ui/legacy_pages.py patches Streamlit: with a pages/ folder beside the entry point, Streamlit 1.67 runs
the page a first request names on its own, whatever the entry point does. When these tests about Streamlit
fail after an upgrade, check whether the patch is still needed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.app.apptest_helpers import ENTRY, latest_year

ENTRY_POINT = """
import streamlit as st

st.markdown("the entry point ran")
st.navigation([st.Page("home.py", default=True), st.Page("pages/chart.py")], position="{position}").run()
"""
PAGE = 'import streamlit as st\n\nst.markdown("the page ran")\n'


@pytest.fixture
def fresh_server() -> Iterator[None]:
    """Streamlit's process-wide mode as a newly started server has it (set by the first PagesManager)."""
    before = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    yield
    PagesManager.uses_pages_directory = before


def _app(tmp_path: Path, position: str = "sidebar") -> Path:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "chart.py").write_text(PAGE, encoding="utf-8")
    (tmp_path / "home.py").write_text(PAGE.replace("page ran", "home ran"), encoding="utf-8")
    entry = tmp_path / "app.py"
    entry.write_text(ENTRY_POINT.replace("{position}", position), encoding="utf-8")
    return entry


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.mark.parametrize("position", ["sidebar", "hidden", "top"])
def test_streamlit_runs_a_page_named_by_the_first_request_without_the_entry_point(
    fresh_server, tmp_path: Path, position: str
) -> None:
    """Calling st.navigation in the entry point (any position) does not help: it never runs."""
    at = AppTest.from_file(str(_app(tmp_path, position)))
    at.switch_page("pages/chart.py").run()
    assert _texts(at) == ["the page ran"]
    assert PagesManager.uses_pages_directory is True  # and the whole process stays in the legacy mode


def test_streamlit_decides_the_legacy_mode_from_the_folder_alone(fresh_server, tmp_path: Path) -> None:
    entry = _app(tmp_path)
    PagesManager(str(entry))
    assert PagesManager.uses_pages_directory is True
    PagesManager.uses_pages_directory = None
    (tmp_path / "pages" / "chart.py").rename(tmp_path / "chart.py")
    (tmp_path / "pages").rmdir()
    PagesManager(str(entry))
    assert PagesManager.uses_pages_directory is False


def test_the_dashboard_runs_a_page_named_by_the_first_request_through_the_entry_point(
    fresh_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ui/legacy_pages.py: the page's first import of ui turns the mode off and reruns through dashboard.py,
    whose sidebar (language choice, menu) and page configuration then frame the page."""
    for name in ("ui", "ui.legacy_pages"):  # as in a new server process, where no page has imported ui yet
        monkeypatch.delitem(sys.modules, name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=180)
    at.switch_page("pages/2_Chi_tieu.py").run()
    assert not at.exception
    assert PagesManager.uses_pages_directory is False
    assert at.title[0].value == f"Chỉ tiêu, năm {latest_year()}"
    assert [r.label for r in at.sidebar.radio][:1] == ["Ngôn ngữ"]  # drawn by dashboard.py
