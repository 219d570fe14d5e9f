"""Tests of the store with the kind 'tasks' (kpi/store/versions.py, kpi/workbook/tasks_kind.py): progress reports
stored as versions like the statistics, through the same code.

The stores come from tests/store/test_versions.py (`store_url`, `store`: a fresh SQLite file, and a fresh PostgreSQL
database when KPI_TEST_POSTGRES_URL is set); statistics workbooks from its `make_workbook`.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from kpi.common.access import command_line
from kpi.store.versions import TASKS, Action, Status, Store, StoreError, open_store
from kpi.tasks.rules import latest_status, overdue
from kpi.workbook.reader import WorkbookUnreadable
from kpi.workbook.task_contract import REPORT, default_tasks
from kpi.workbook.task_reports import task_workbook_bytes
from tests.builders import grid_bytes, table_rows
from tests.store import test_versions as test_store
from tests.store.test_versions import assert_rejected_unchanged, make_workbook

# The store tests' fixtures: a fresh SQLite file (and a fresh PostgreSQL database when one is configured).
store_url = test_store.store_url
store = test_store.store

TODAY = date(2026, 3, 1)

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def rows_2024(conferences: float = 18.0) -> pd.DataFrame:
    """Return clean report rows of 2024: I.4 yearly with two quantities, II.2 done in Q2, V.3 late."""
    return pd.DataFrame(
        [
            ("I", 4, 2024, None, "in_progress", "conferences", conferences, "Hội nghị", "BC 12/BC-LMHTX"),
            (
                "I",
                4,
                2024,
                None,
                "in_progress",
                "conference_participants",
                1350.0,
                "Hội nghị",
                "BC 12/BC-LMHTX",
            ),
            ("II", 2, 2024, 2, "done", None, None, "Đề án được phê duyệt", "QĐ 5/QĐ-UBND"),
            ("V", 3, 2024, 4, "late", None, None, "=Chưa xong", None),
        ],
        columns=["group", "number", "year", "quarter", "status", "metric", "quantity", "result", "evidence"],
    )


def progress_bytes(
    rows: pd.DataFrame | None = None, year: int | None = 2024, unit: str | None = "Sở KH&ĐT"
) -> bytes:
    """Return a progress workbook in the template's format."""
    rows = rows_2024() if rows is None else rows
    return task_workbook_bytes(
        reports=rows, info={"year": year, "reporting_unit": unit}, tasks=default_tasks()
    )


def imported(store: Store, data: bytes, name: str = "bao-cao-nhiem-vu-2024.xlsx", **kw):
    """Import a progress workbook that must be stored; return the outcome."""
    kw.setdefault("by", "Trần Văn Minh")
    outcome = store.import_workbook(
        data, name, kw.pop("year", None), kind=TASKS, today=TODAY, **kw, identity=OPERATOR
    )
    assert outcome.status == Status.STORED, [p.line() for p in outcome.problems]
    return outcome


def test_an_import_stores_version_1_of_its_year_under_the_tasks_kind(store: Store) -> None:
    outcome = imported(store, progress_bytes(), note="Báo cáo quý IV")
    assert (outcome.year, outcome.version) == (2024, 1)
    assert outcome.message() == "Đã lưu báo cáo tiến độ nhiệm vụ năm 2024, phiên bản 1 (4 dòng báo cáo)."
    assert store.current_versions(TASKS) == {2024: 1}
    assert store.current_versions() == {}  # the statistics are another kind
    (info,) = store.versions(2024, kind=TASKS)
    assert (info.kind, info.imported_by, info.note, info.row_counts) == (
        "tasks",
        "Trần Văn Minh",
        "Báo cáo quý IV",
        {REPORT.id: 4},
    )
    events = store.history(kind=TASKS)
    assert events[["action", "kind", "year", "version", "by"]].values.tolist() == [
        ["import", "tasks", 2024, 1, "Trần Văn Minh"]
    ]


def test_the_stored_rows_come_back_as_imported(store: Store) -> None:
    imported(store, progress_bytes())
    rows = store.load_rows(TASKS, REPORT.id)
    assert rows["_row"].tolist() == [2, 3, 4, 5]
    assert rows[["group", "number", "quarter", "status", "metric", "quantity"]].astype(object).where(
        rows[["group", "number", "quarter", "status", "metric", "quantity"]].notna(), None
    ).values.tolist() == [
        ["I", 4, None, "in_progress", "conferences", 18.0],
        ["I", 4, None, "in_progress", "conference_participants", 1350.0],
        ["II", 2, 2, "done", None, None],
        ["V", 3, 4, "late", None, None],
    ]
    assert rows["result"].tolist()[3] == "=Chưa xong"
    assert str(rows["year"].dtype) == "Int64" and str(rows["quantity"].dtype) == "float64"
    assert store.load_version(2024, kind=TASKS).info["reporting_unit"] == "Sở KH&ĐT"


def test_the_stored_rows_feed_the_report_rules(store: Store) -> None:
    imported(store, progress_bytes())
    tasks = default_tasks()
    reports = store.load_rows(TASKS, REPORT.id)
    latest = latest_status(tasks, reports).set_index(["group", "number"])
    assert latest.loc[("II", 2), "status"] == "done"
    flags = overdue(tasks, reports, TODAY).set_index(["group", "number"])
    assert not flags.loc[("II", 2), "overdue"]  # done (after its deadline Q1/2021)
    assert flags.loc[("V", 3), "overdue"]  # "late" is not done, and Q4/2020 has passed


def test_the_same_file_imported_again_creates_no_version_and_says_so(store: Store) -> None:
    data = progress_bytes()
    imported(store, data)
    before = store.dump()
    outcome = store.import_workbook(
        data, "lan-2.xlsx", None, "Lan", kind=TASKS, today=TODAY, identity=OPERATOR
    )
    assert (outcome.status, outcome.version, outcome.current_version) == (Status.DUPLICATE, 1, 1)
    assert "đã được nhập cho năm 2024 (phiên bản 1)" in outcome.message()
    assert store.dump() == before


def test_a_second_file_becomes_version_2_and_rollback_brings_version_1_back(store: Store) -> None:
    imported(store, progress_bytes())
    second = imported(store, progress_bytes(rows_2024(conferences=20.0)))
    assert second.version == 2
    assert store.load_rows(TASKS, REPORT.id)["quantity"].tolist()[0] == 20.0
    assert store.load_rows(TASKS, REPORT.id, {2024: 1})["quantity"].tolist()[0] == 18.0

    outcome = store.rollback(2024, 1, "Lan", "Số liệu quý IV chưa đúng", kind=TASKS, identity=OPERATOR)
    assert (outcome.version, outcome.previous, outcome.changed) == (1, 2, True)
    assert store.current_versions(TASKS) == {2024: 1}
    assert store.load_rows(TASKS, REPORT.id)["quantity"].tolist()[0] == 18.0
    assert store.history(kind=TASKS)["action"].tolist() == [Action.IMPORT, Action.IMPORT, Action.ROLLBACK]
    assert [v.current for v in store.versions(2024, kind=TASKS)] == [True, False]


def test_rollback_to_a_version_that_does_not_exist_is_refused(store: Store) -> None:
    imported(store, progress_bytes())
    with pytest.raises(StoreError) as raised:
        store.rollback(2024, 5, "Lan", kind=TASKS, identity=OPERATOR)
    assert raised.value.problem.code == "unknown_version"


def test_tasks_and_statistics_of_one_year_are_numbered_apart(store: Store) -> None:
    stats = store.import_workbook(make_workbook(2024), "htx-2024.xlsx", None, "Lan", identity=OPERATOR)
    tasks = imported(store, progress_bytes())
    assert (stats.version, tasks.version) == (1, 1)
    assert store.current_versions() == {2024: 1} and store.current_versions(TASKS) == {2024: 1}
    assert store.history()["kind"].tolist() == ["stats"]
    assert store.history(kind=TASKS)["kind"].tolist() == ["tasks"]


def _unknown_task() -> bytes:
    return grid_bytes(
        {REPORT.name: table_rows([{"task": "VI.4", "year": 2024, "status": "Hoàn thành"}], REPORT)}
    )


REJECTED = {
    "unknown_task": (_unknown_task, {}, {}, "unknown_task"),
    "mixed_years": (lambda: progress_bytes(year=2023), {}, {}, "mixed_years"),
    "other_year": (progress_bytes, {"year": 2023}, {}, "year_mismatch"),
    "too_large": (progress_bytes, {}, {"max_file_mb": 0.001}, "too_large"),
    "too_many_rows": (progress_bytes, {}, {"max_rows": 2}, "too_many_rows"),
    "no_importer_name": (progress_bytes, {"by": " "}, {}, "importer_required"),
}


@pytest.mark.parametrize("case", REJECTED, ids=str)
def test_a_rejected_workbook_leaves_the_store_exactly_as_it_was(store_url: str, case: str) -> None:
    build, import_kw, limits, code = REJECTED[case]
    with open_store(store_url) as first:
        imported(first, progress_bytes(rows_2024().iloc[:1]))
    assert_rejected_unchanged(
        store_url, limits, build(), f"{case}.xlsx", code, kind=TASKS, today=TODAY, **import_kw
    )


def test_a_file_that_is_no_workbook_raises_unreadable_and_leaves_the_store_unchanged(store: Store) -> None:
    imported(store, progress_bytes())
    before = store.dump()
    with pytest.raises(WorkbookUnreadable):
        store.import_workbook(
            b"Ma;Nam\nI.1;2024\n", "tien-do.csv", None, "Lan", kind=TASKS, identity=OPERATOR
        )
    assert store.dump() == before


def test_removing_sample_data_removes_sample_task_versions_and_their_rows(store: Store) -> None:
    imported(store, progress_bytes(), is_sample=True)
    imported(store, progress_bytes(rows_2024(conferences=19.0)))
    removed = store.delete_sample("Lan", identity=OPERATOR)
    assert removed == [("tasks", 2024, 1)]
    assert store.current_versions(TASKS) == {2024: 2}
    assert [v.version for v in store.versions(2024, kind=TASKS)] == [2]
    dump = store.dump()
    assert {r["version_id"] for r in dump["tasks_reports"]} == {r["id"] for r in dump["versions"]}


def test_the_first_real_import_can_replace_the_sample(store: Store) -> None:
    imported(store, progress_bytes(), is_sample=True)
    outcome = imported(
        store, progress_bytes(), replace_sample=True
    )  # the same bytes: not a duplicate of a sample
    assert outcome.removed_sample == [("tasks", 2024, 1)]
    assert outcome.version == 2 and not store.has_sample()


def test_an_export_imported_again_gives_the_same_rows(store: Store) -> None:
    # Typed by hand (openpyxl), so that it is never byte-identical to the export written by the template.
    rows = [
        {
            "task": "I.4",
            "year": 2024,
            "status": "Đang thực hiện",
            "metric": "Hội nghị tuyên truyền",
            "quantity": 18,
        },
        {"task": "V.3", "year": 2024, "quarter": "Quý IV", "status": "Chậm tiến độ", "result": "=Chưa xong"},
    ]
    imported(store, grid_bytes({REPORT.name: table_rows(rows, REPORT)}))
    buffer = io.BytesIO()
    assert store.export_year(2024, buffer, kind=TASKS) == 1
    again = imported(store, buffer.getvalue(), "xuat-lai.xlsx")
    assert again.version == 2
    columns = ["group", "number", "year", "quarter", "status", "metric", "quantity", "result", "evidence"]
    first, second = store.load_rows(TASKS, REPORT.id, {2024: 1}), store.load_rows(TASKS, REPORT.id, {2024: 2})
    pd.testing.assert_frame_equal(first[columns], second[columns])


def test_a_sample_export_carries_the_sample_notice(store: Store) -> None:
    from openpyxl import load_workbook

    imported(store, progress_bytes(), is_sample=True)
    buffer = io.BytesIO()
    store.export_year(2024, buffer, kind=TASKS)
    first = load_workbook(io.BytesIO(buffer.getvalue()))["Hướng dẫn"]["A1"].value
    assert first.startswith("SỐ LIỆU MẪU")


def test_a_year_without_reports_is_refused_on_export(store: Store) -> None:
    with pytest.raises(StoreError) as raised:
        store.export_year(2022, io.BytesIO(), kind=TASKS)
    assert raised.value.problem.code == "unknown_year"


def test_a_confirmation_whose_preview_saw_another_version_is_refused_and_writes_nothing(store: Store) -> None:
    imported(store, progress_bytes())
    imported(store, progress_bytes(rows_2024(conferences=20.0)), name="second.xlsx")
    before = (store.current_versions(TASKS), len(store.history(kind=TASKS)))
    outcome = store.import_workbook(
        progress_bytes(rows_2024(conferences=30.0)),
        "late.xlsx",
        None,
        "Trần Văn Minh",
        kind=TASKS,
        today=TODAY,
        expected_version=1,
        identity=OPERATOR,
    )
    assert outcome.status == Status.STALE
    assert (store.current_versions(TASKS), len(store.history(kind=TASKS))) == before
    assert (
        "đã thay đổi kể từ khi xem trước (phiên bản đang dùng lúc xem trước: 1, bây giờ: 2)"
        in outcome.message()
    )


def test_a_confirmation_whose_preview_saw_the_version_in_force_is_stored(store: Store) -> None:
    imported(store, progress_bytes())
    outcome = imported(
        store, progress_bytes(rows_2024(conferences=20.0)), name="second.xlsx", expected_version=1
    )
    assert outcome.version == 2


def test_a_store_made_before_the_difficulties_column_is_migrated_and_keeps_its_reports(tmp_path):
    """A database at revision 0002 (no column of difficulties) opens at the head with its rows intact."""
    import sqlalchemy as sa

    from kpi.store.versions import head_revision, open_store
    from tests.store.test_versions import at_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    at_revision(
        url,
        "0002",
        (
            "INSERT INTO versions (id, kind, year, version, imported_at, imported_by, file_name, sha256,"
            " row_counts, is_sample) VALUES (1, 'tasks', 2021, 1, '2026-01-01', 'x', 'a.xlsx', 'h', '{}', 0)",
            {},
        ),
        (
            'INSERT INTO tasks_reports (version_id, _row, "group", number, year, status)'
            " VALUES (1, 2, 'V', 3, 2021, 'done')",
            {},
        ),
    )
    with open_store(url) as store:
        assert store.revision() == head_revision()  # 0004 and every later migration applied
        with store.read_transaction() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("tasks_reports")}
            rows = conn.execute(sa.text('SELECT "group", number, difficulties FROM tasks_reports')).all()
    assert "difficulties" in columns
    assert [tuple(r) for r in rows] == [("V", 3, None)]


def test_the_register_is_stored_with_its_year_and_exported_again(tmp_path):
    """The V.1 register of a progress workbook comes back from the store, and in the exported workbook."""
    from kpi.store.versions import open_store
    from kpi.workbook.task_contract import PLANS
    from kpi.workbook.task_reports import check_task_bytes

    plans = pd.DataFrame(
        [
            {
                "unit": "Sở Công Thương",
                "issued": True,
                "plan_number": "=12/KH-SCT",
                "plan_date": "02/11/2020",
                "note": None,
            }
        ]
    )
    rows = pd.DataFrame(
        [
            {
                "group": "II",
                "number": 2,
                "year": 2021,
                "quarter": 1,
                "status": "done",
                "metric": None,
                "quantity": None,
            }
        ]
    )
    data = task_workbook_bytes(reports=rows, info={"year": 2021}, tasks=default_tasks(), plans=plans)
    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as store:
        outcome = store.import_workbook(data, "t.xlsx", None, "Lan", kind=TASKS, identity=OPERATOR)
        assert outcome.ok and outcome.row_counts[PLANS.id] == 1
        back = store.load_rows(TASKS, PLANS.id)
        assert back.to_dict("records") == [{"year": 2021, **plans.iloc[0].to_dict()}]
        out = tmp_path / "export.xlsx"
        store.export_year(2021, out, kind=TASKS)
    again = check_task_bytes(out.read_bytes(), default_tasks())
    assert again.ok
    assert again.clean.plans["plan_number"].tolist() == ["=12/KH-SCT"]  # a formula-like text stays text


def test_a_rollback_to_no_data_leaves_the_year_without_reports_and_the_statistics_alone(store: Store) -> None:
    imported(store, progress_bytes())
    test_store.stored(store, make_workbook(2024))
    outcome = store.rollback(2024, None, "Lan", kind=TASKS, identity=OPERATOR)
    assert (outcome.version, outcome.previous, outcome.changed) == (None, 1, True)
    assert store.current_versions(TASKS) == {}
    assert store.load_rows(TASKS, REPORT.id).empty
    assert store.current_versions() == {2024: 1}  # the statistics of 2024 are another kind
    assert store.history(kind=TASKS)["action"].tolist() == [Action.IMPORT, Action.ROLLBACK]
    assert store.stored_years(TASKS) == [2024]


def test_a_sample_progress_report_is_restored_as_a_current_sample_version(store: Store) -> None:
    imported(store, progress_bytes(), is_sample=True)
    store.delete_sample("Lan", identity=OPERATOR)
    sample = store.sample_version(progress_bytes(), "mau-2024.xlsx", TASKS, today=TODAY)
    assert store.restore_sample("Lan", [sample], identity=OPERATOR) == [("tasks", 2024, 2)]
    assert store.current_versions(TASKS) == {2024: 2} and store.has_sample()
    assert store.load_rows(TASKS, REPORT.id)["quantity"].tolist()[0] == 18.0
    assert store.history(kind=TASKS)["action"].tolist()[-1] == Action.RESTORE_SAMPLE
