"""Tests of kpi.tasks.sample: the sample progress reports are valid, marked, deterministic and tell their story."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi.store.versions import TASKS
from kpi.tasks.rules import latest_status, overdue, quantities_by_year
from kpi.tasks.sample import SAMPLE_BY, generate, load_task_samples, sample_files, workbook_bytes
from kpi.workbook.task_contract import REPORT, default_tasks
from kpi.workbook.task_reports import check_task_bytes
from tests.store import test_versions as test_store

store_url = test_store.store_url
store = test_store.store

AFTER_THE_PLAN = date(2026, 6, 1)


@pytest.fixture(scope="module")
def reports() -> pd.DataFrame:
    """Every year of the committed sample files, read and validated as a user's upload would be."""
    frames = []
    for path in sample_files():
        result = check_task_bytes(path.read_bytes(), today=AFTER_THE_PLAN)
        assert result.ok, (path.name, [p.line() for p in result.problems])
        frames.append(result.clean.reports)
    return pd.concat(frames, ignore_index=True)


def test_there_is_one_committed_workbook_per_year_of_the_plan():
    assert [p.name for p in sample_files()] == [f"bao-cao-nhiem-vu-{y}.xlsx" for y in range(2020, 2026)]


def test_the_committed_files_are_what_the_generator_writes():
    for path, (year, rows) in zip(sample_files(), generate().items(), strict=True):
        assert path.read_bytes() == workbook_bytes(year, rows), path.name


def test_every_workbook_says_it_is_sample_data_on_top_and_on_every_row():
    book = load_workbook(io.BytesIO(sample_files()[-1].read_bytes()))
    assert book["Hướng dẫn"]["A1"].value.startswith("DỮ LIỆU MẪU — KHÔNG PHẢI BÁO CÁO CHÍNH THỨC")
    notes = [row[-1] for row in book[REPORT.name].iter_rows(min_row=2, values_only=True)]
    assert notes and set(notes) == {"Dữ liệu mẫu"}


def test_most_tasks_are_in_progress_and_every_status_occurs(reports):
    latest = latest_status(default_tasks(), reports)["status"].value_counts()
    assert latest.idxmax() == "in_progress"
    assert set(reports["status"]) == {"not_started", "in_progress", "done", "late"}


def test_two_deadlines_passed_without_completion_and_one_yearly_report_is_missing(reports):
    flags = overdue(default_tasks(), reports, AFTER_THE_PLAN)
    late = flags[flags["overdue"]]
    assert sorted(zip(late["group"] + "." + late["number"].astype(str), late["reason"], strict=True)) == [
        ("III.2", "missing_reports"),
        ("IV.17", "deadline_passed"),
        ("V.5", "deadline_passed"),
    ]
    assert late.set_index("group").loc["III", "missing_years"] == [2023]


def test_some_deadline_tasks_were_completed_late(reports):
    flags = overdue(default_tasks(), reports, AFTER_THE_PLAN)
    done_late = flags[flags["completed_after_deadline"]]
    assert sorted(done_late["group"] + "." + done_late["number"].astype(str)) == ["IV.6", "V.3"]


def test_quantities_are_near_their_promise_but_not_always_at_it(reports):
    q = quantities_by_year(default_tasks(), reports)
    yearly = q[(q["per"] == "year") & q["achieved"].notna()]
    ratio = yearly["achieved"] / yearly["promised"]
    assert ratio.between(0.75, 1.5).all()
    assert (ratio < 1).any() and (ratio >= 1).any()
    iv_7 = q[q["metric"] == "cooperatives_supported"]
    assert iv_7["achieved_cumulative"].iloc[-1] >= 16  # "từ 16 HTX trở lên" by 2025


def test_loading_the_samples_stores_one_sample_version_per_year_once(store):
    outcomes = load_task_samples(store)
    assert [o.status.value for o in outcomes] == ["stored"] * 6
    assert store.current_versions(TASKS) == {y: 1 for y in range(2020, 2026)}
    assert all(v.is_sample and v.imported_by == SAMPLE_BY for v in store.versions(2023, kind=TASKS))
    again = load_task_samples(store)
    assert [o.status.value for o in again] == ["duplicate"] * 6
