"""The store's side of every kind's import preview (kpi.store.preview): the sample versions and the real
versions that stay, what a real or a sample workbook is compared with, the version the confirmation expects,
and the interface both kinds' previews implement."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.common.access import command_line
from kpi.stats.preview import StatsPreview, preview_import
from kpi.store.preview import Count, ImportPreview, PreviewBasis, Section, StoreMix, preview_basis, store_mix
from kpi.store.versions import STATS, TASKS, open_store
from kpi.tasks.preview import TaskImportPreview, preview_task_import
from kpi.workbook.task_reports import check_task_bytes
from kpi.workbook.validate import check_bytes
from tests.builders import coop, group, task_workbook, workbook

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does
Y2021 = dict(year=2021, coops=[coop("A1", members=18)], groups=[group()])
Y2022 = dict(year=2022, coops=[coop("A1", members=20), coop("A2", members=30)], groups=[group()])
Y2022_NEW = dict(year=2022, coops=[coop("A1", members=25)], groups=[group()])
REPORTS_2021 = [("V", 3, 2021, 2, "in_progress", None, None, "Dự thảo", None)]


@pytest.fixture
def store(tmp_path):
    """An empty store of its own (SQLite in the test's folder)."""
    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as opened:
        yield opened


def _put(store, fields: dict | None = None, *, is_sample: bool = False) -> None:
    """Import a statistics workbook of `fields`, or (None) the progress report of 2021."""
    kind = STATS if fields is not None else TASKS
    data = workbook(**fields) if fields is not None else task_workbook(REPORTS_2021, 2021)
    outcome = store.import_workbook(
        data, "t.xlsx", None, "Test", is_sample=is_sample, kind=kind, identity=OPERATOR
    )
    assert outcome.ok, outcome.message()


def test_a_store_without_sample_data_is_all_real(store) -> None:
    _put(store, Y2021)
    _put(store, Y2022)
    _put(store, Y2022_NEW)
    assert store_mix(store) == StoreMix(sample=[], real={2021: 1, 2022: 2})


def test_the_sample_versions_and_the_real_versions_that_stay(store) -> None:
    _put(store, Y2021, is_sample=True)  # 2021: sample only
    _put(store, Y2022)  # 2022 v1 real
    _put(store, Y2022_NEW, is_sample=True)  # 2022 v2 sample, current
    mix = store_mix(store)
    assert mix.sample == [(2021, 1), (2022, 2)]
    assert mix.real == {2022: 1}  # 2021 disappears; 2022 falls back to its real version 1
    assert mix.sample_years == [2021, 2022]
    assert store_mix(store, TASKS) == StoreMix(sample=[], real={})  # no task report stored


def test_a_real_workbook_is_compared_with_the_real_versions_and_removes_every_kinds_sample(store) -> None:
    _put(store, Y2022)  # 2022 v1 real
    _put(store, Y2022_NEW, is_sample=True)  # 2022 v2 sample, in force
    _put(store, is_sample=True)  # tasks 2021 v1 sample
    assert preview_basis(store, STATS, 2022, is_sample=False) == PreviewBasis(
        is_sample=False,
        compared={2022: 1},
        store_version=2,  # in force now: the confirmation expects it
        sample_to_remove=[("stats", 2022, 2), ("tasks", 2021, 1)],
        mixes_with_real=False,
    )


@pytest.mark.parametrize(("real_stats", "mixes"), [(False, False), (True, True)], ids=["sample", "real"])
def test_a_sample_workbook_is_compared_with_what_is_in_force_and_must_not_join_real_data(
    store, real_stats: bool, mixes: bool
) -> None:
    _put(store, Y2022, is_sample=not real_stats)
    basis = preview_basis(store, TASKS, 2021, is_sample=True)  # a sample report over the statistics of 2022
    assert basis == PreviewBasis(is_sample=True, compared={}, store_version=None, mixes_with_real=mixes)


def test_a_year_rolled_back_to_no_data_is_a_new_year_for_every_kind(store) -> None:
    _put(store, Y2022)
    _put(store)
    store.rollback(2022, None, "Test", identity=OPERATOR)
    store.rollback(2021, None, "Test", kind=TASKS, identity=OPERATOR)
    assert preview_basis(store, STATS, 2022, is_sample=False).compared == {}
    reports = check_task_bytes(task_workbook(REPORTS_2021, 2021)).clean
    assert preview_task_import(store, reports).is_new_year
    assert preview_import(store, check_bytes(workbook(**Y2022)).clean).is_new_year


def test_both_kinds_previews_are_import_previews_with_a_summary_and_titled_sections(store) -> None:
    _put(store, Y2022)
    _put(store)
    stats = preview_import(store, check_bytes(workbook(**Y2022_NEW)).clean)
    reports = preview_task_import(store, check_task_bytes(task_workbook(REPORTS_2021, 2021)).clean)
    assert isinstance(stats, StatsPreview) and isinstance(reports, TaskImportPreview)
    assert all(isinstance(p, ImportPreview) for p in (stats, reports))
    # 2022: A1 changed (20 -> 25 members), A2 gone, nothing added.
    assert stats.summary() == [
        Count("HTX thêm mới", "0"),
        Count("HTX không còn trong tệp", "1"),
        Count("HTX có số liệu thay đổi", "1"),
        Count("HTX không đổi", "0"),
    ]
    assert [(s.key, s.folded, s.opened) for s in stats.sections()] == [
        ("removed", True, True),
        ("changed", True, False),
        ("cells", True, False),
        ("kpis", False, False),
    ]
    assert stats.sections()[0].title == "HTX có trong phiên bản đang dùng nhưng không có trong tệp (1)"
    assert stats.year_checked and not reports.year_checked
    # The same report again: nothing changes; its period and its one row "in progress" before and after.
    assert not reports.has_changes and reports.summary() == []
    periods, statuses = reports.sections()
    assert (periods.text, periods.table) == ("Kỳ báo cáo trong tệp: Quý 2/2021.", None)
    assert statuses.title == "Số dòng báo cáo năm 2021 theo tình trạng" and statuses.narrow
    assert isinstance(statuses.table, pd.DataFrame)
    assert statuses.table.set_index("Tình trạng").loc["Đang thực hiện"].tolist() == ["1", "1"]
    assert all(isinstance(s, Section) for s in (*stats.sections(), *reports.sections()))
