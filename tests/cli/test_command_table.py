"""Tests of the command table of `python -m kpi` (kpi/cli/main.py): every command keeps its name, `--help` starts
without loading the heavy libraries, and the verbs of the workbooks take a kind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli.main import COMMANDS, EXIT_OK, EXIT_REJECTED, main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pandera", "sqlalchemy", "alembic", "plotly", "openpyxl", "xlsxwriter")

# Every command name the command line has had (contract: never renamed or dropped).
NAMES = [
    "template",
    "check",
    "report",
    "import",
    "history",
    "rollback",
    "export",
    "tasks",
    "tasks-template",
    "tasks-check",
    "tasks-import",
    "tasks-history",
    "tasks-rollback",
    "sample",
    "tasks-sample",
    "users",
    "brief",
]


def _imported_by(*argv: str) -> set[str]:
    """Return the top-level packages imported by `python -X importtime -m kpi ARGV...`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kpi", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_help_names_every_command_without_loading_pandas_sqlalchemy_or_pandera() -> None:
    loaded = _imported_by("--help")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_help_of_one_command_loads_only_what_that_command_needs_to_list_its_options() -> None:
    assert not _imported_by("tasks-import", "--help") & {"plotly", "docx"}


@pytest.mark.parametrize("name", NAMES)
def test_every_command_name_is_still_there_with_its_help(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert name in COMMANDS
    assert main([name, "--help"]) == EXIT_OK
    assert "usage: python -m kpi " + name in capsys.readouterr().out


def test_an_unknown_command_is_a_wrong_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks-frobnicate"]) == 2


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        (
            ["check", "--kind", "tasks"],
            "Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2: Sheet không có dòng số liệu nào.",
        ),
        (["tasks-check"], "Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2: Sheet không có dòng số liệu nào."),
    ],
)
def test_the_verbs_take_a_kind_and_the_old_names_are_the_same_verb(
    argv: list[str], first_line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "mau.xlsx"
    assert main(["template", "--kind", "tasks", str(template)]) == EXIT_OK
    capsys.readouterr()
    assert main([*argv, str(template)]) == EXIT_REJECTED
    assert first_line in capsys.readouterr().out.splitlines()
