"""Tests of the kinds of workbook (kpi/workbook/kind.py, stats_kind.py, tasks_kind.py and the registry kinds.py)."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.workbook import kinds
from kpi.workbook.contract import COOP, GROUP
from kpi.workbook.kind import StoredType
from kpi.workbook.reader import read_workbook
from kpi.workbook.stats_kind import STATS_KIND
from kpi.workbook.task_contract import PLANS, REPORT
from kpi.workbook.task_reports import read_task_workbook
from kpi.workbook.tasks_kind import TASKS_KIND
from kpi.workbook.upload import check_upload
from tests.builders import coop, group, workbook
from tests.store.test_task_versions import progress_bytes


def test_both_kinds_are_registered_under_the_ids_the_store_records() -> None:
    assert [k.id for k in kinds.all_kinds()][:2] == ["stats", "tasks"]
    assert kinds.kind("stats") is STATS_KIND and kinds.kind("tasks") is TASKS_KIND


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(kinds.UnknownKind):
        kinds.kind("district_forms")


def test_a_kind_registered_can_be_found_and_removed_again() -> None:
    toy = kinds.register(TASKS_KIND.__class__(**{**TASKS_KIND.__dict__, "id": "toy_copy"}))
    try:
        assert kinds.kind("toy_copy") is toy and toy in kinds.all_kinds()
    finally:
        kinds.unregister("toy_copy")
    assert "toy_copy" not in [k.id for k in kinds.all_kinds()]


def test_the_statistics_keep_every_column_of_their_table_sheets_typed_by_kind() -> None:
    coops = STATS_KIND.stored_sheet(COOP.id)
    assert coops.table == "stats_coops" and coops.per_row
    assert coops.names == COOP.ids
    members = next(c for c in coops.columns if c.name == "members")
    assert members.type == StoredType.NUMBER
    assert STATS_KIND.stored_sheet(GROUP.id).names == GROUP.ids
    info = STATS_KIND.stored_sheet("info")
    assert (info.per_row, info.names) == (
        False,
        ["reporting_unit", "fund_capital"],
    )  # the year is the version's


def test_the_task_reports_keep_their_rows_with_ids_split_and_the_register_as_declared() -> None:
    reports = TASKS_KIND.stored_sheet(REPORT.id)
    types = {c.name: (c.type, c.required) for c in reports.columns}
    assert types["number"] == (StoredType.INTEGER, True)
    assert types["quarter"] == (StoredType.INTEGER, False)
    assert types["quantity"] == (StoredType.NUMBER, False)
    assert types["difficulties"] == (StoredType.TEXT, False)
    assert "task_text" not in types  # never kept
    plans = {c.name: (c.type, c.required) for c in TASKS_KIND.stored_sheet(PLANS.id).columns}
    assert plans == {
        "unit": (StoredType.TEXT, True),
        "issued": (StoredType.BOOLEAN, True),
        "plan_number": (StoredType.TEXT, False),
        "plan_date": (StoredType.TEXT, False),
        "note": (StoredType.TEXT, False),
    }


@pytest.mark.parametrize(
    ("kind", "template_read"),
    [(STATS_KIND, read_workbook), (TASKS_KIND, read_task_workbook)],
    ids=["stats", "tasks"],
)
def test_the_template_of_each_kind_has_the_sheets_its_reader_finds(kind, template_read) -> None:
    raw = template_read(kind.template_bytes())
    required = {s.id for s in kind.sheets if s.required}
    assert required <= set(raw.sheet_names)


@pytest.mark.parametrize(
    ("kind", "data", "rows"),
    [
        (
            STATS_KIND,
            lambda: workbook(year=2024, coops=[coop("A1"), coop("A2")], groups=[group()]),
            {"coops": 2, "groups": 1},
        ),
        (TASKS_KIND, progress_bytes, {"task_reports": 4}),
    ],
    ids=["stats", "tasks"],
)
def test_one_upload_check_reads_validates_and_counts_either_kind(kind, data, rows) -> None:
    checked = check_upload(data(), kind, today=date(2026, 3, 1))
    assert checked.ok, [p.line() for p in checked.problems]
    assert kind.row_counts(checked.clean) == rows
    assert set(kind.frames(checked.clean)) <= {s.sheet_id for s in kind.stored}


@pytest.mark.parametrize("kind", [STATS_KIND, TASKS_KIND], ids=["stats", "tasks"])
def test_a_file_above_the_size_limit_is_refused_before_it_is_read_for_either_kind(kind) -> None:
    checked = check_upload(b"x" * 4096, kind, max_file_mb=0.001)
    assert checked.unreadable and checked.refused is None
    assert [p.code for p in checked.errors] == ["too_large"]
