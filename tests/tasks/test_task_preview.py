"""The preview of a task progress-report import: the year, the version compared with, rows per status, the
periods, whether anything changes, and the sample data it removes or must not join."""

from __future__ import annotations

import pytest

from kpi.common.access import command_line
from kpi.store.versions import TASKS, open_store
from kpi.tasks.preview import check_task_upload, periods_text, preview_task_import, task_status_table
from kpi.workbook.task_reports import check_task_bytes
from tests.builders import coop, group, task_workbook, workbook

SAMPLE_UNIT = "Đơn vị minh họa (dữ liệu mẫu, không phải số liệu chính thức)"
ROWS_2021 = [
    ("II", 2, 2021, 1, "done", None, None, "Đề án được phê duyệt", "QĐ 45/QĐ-UBND"),
    ("V", 3, 2021, 2, "in_progress", None, None, "Dự thảo", None),
    ("IV", 17, 2021, None, "late", None, None, "Chưa giải thể xong", "BC 9/BC-UBND"),
    ("I", 4, 2021, None, "in_progress", "conferences", 18.0, "18 hội nghị", "BC 3/BC-LMHTX"),
]

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def _bytes(rows: list[tuple], unit: str | None = None) -> bytes:
    return task_workbook(rows, 2021, **({"reporting_unit": unit} if unit else {}))


def _clean(rows: list[tuple], unit: str | None = None):
    return check_task_bytes(_bytes(rows, unit)).clean


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as opened:
        yield opened


def test_a_first_report_of_a_year_counts_its_rows_per_status_and_names_its_periods(store) -> None:
    preview = preview_task_import(store, _clean(ROWS_2021))
    assert (preview.year, preview.is_new_year, preview.has_changes) == (2021, True, True)
    assert preview.statuses["after"].to_dict() == {
        "not_started": 0,
        "in_progress": 2,
        "done": 1,
        "late": 1,
    }  # IV.17 late
    assert preview.statuses["before"].sum() == 0
    assert (preview.rows_after, preview.tasks_after) == (4, 4)
    assert periods_text(preview) == "Quý 1/2021, Quý 2/2021, Năm 2021"
    table = task_status_table(preview)
    assert table.columns.tolist() == ["Tình trạng", "Trong tệp mới"]
    assert table.iloc[-1].tolist() == ["Tổng số dòng", "4"]


def test_the_same_report_again_changes_nothing_and_another_is_compared_with_the_version_in_force(
    store,
) -> None:
    assert store.import_workbook(
        _bytes(ROWS_2021), "v1.xlsx", None, "Kiểm thử", kind=TASKS, identity=OPERATOR
    ).ok
    same = preview_task_import(store, _clean(ROWS_2021))
    assert (same.current_version, same.has_changes) == (1, False)
    done = [(*r[:4], "done", *r[5:]) if r[1] == 3 else r for r in ROWS_2021]  # V.3 now done
    changed = preview_task_import(store, _clean(done))
    assert changed.has_changes
    assert changed.statuses.loc["done"].tolist() == [1, 2]  # before, after
    assert task_status_table(changed).columns.tolist() == [
        "Tình trạng",
        "Đang dùng (phiên bản 1)",
        "Trong tệp mới",
    ]


def test_a_real_report_lists_every_sample_version_it_removes(store) -> None:
    stats = workbook(year=2023, coops=[coop("A1")], groups=[group()])
    assert store.import_workbook(stats, "mau.xlsx", 2023, by="Mẫu", is_sample=True, identity=OPERATOR).ok
    assert store.import_workbook(
        _bytes(ROWS_2021), "mau-nv.xlsx", None, "Mẫu", is_sample=True, kind=TASKS, identity=OPERATOR
    ).ok
    preview = preview_task_import(store, _clean(ROWS_2021))
    assert sorted(preview.sample_to_remove) == [("stats", 2023, 1), ("tasks", 2021, 1)]
    assert preview.is_new_year  # the sample version of 2021 is not what a real report replaces
    assert not preview.is_sample and not preview.mixes_with_real


@pytest.mark.parametrize(("real_stats", "mixes"), [(False, False), (True, True)])
def test_a_report_marked_as_sample_must_not_join_real_data(store, real_stats: bool, mixes: bool) -> None:
    if real_stats:
        stats = workbook(year=2023, coops=[coop("A1")], groups=[group()])
        assert store.import_workbook(stats, "2023.xlsx", 2023, by="Kiểm thử", identity=OPERATOR).ok
    preview = preview_task_import(store, _clean(ROWS_2021, unit=SAMPLE_UNIT))
    assert preview.is_sample
    assert preview.mixes_with_real is mixes
    assert preview.sample_to_remove == []


def test_the_upload_check_refuses_a_file_over_the_size_limit_without_reading_it() -> None:
    check = check_task_upload(b"x" * 2048, max_file_mb=0.001, max_rows=10)
    assert check.unreadable and not check.ok
    assert check.errors[0].code == "too_large"


def test_the_preview_keeps_the_version_in_force_for_the_confirmation_to_check(store) -> None:
    assert preview_task_import(store, _clean(ROWS_2021)).store_version is None
    assert store.import_workbook(
        _bytes(ROWS_2021), "mau-nv.xlsx", None, "Mẫu", is_sample=True, kind=TASKS, identity=OPERATOR
    ).ok
    over_sample = preview_task_import(store, _clean(ROWS_2021))
    # Compared with no real report, while the sample version 1 is the one in force.
    assert (over_sample.current_version, over_sample.store_version) == (None, 1)
