"""Tests of kpi.tasks.rules: the rules that judge clean task progress reports (overdue tasks, the latest status,
promised versus achieved quantities) and the JSON records of `python -m kpi tasks`."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest

from kpi.domain.tasks import TaskList, load_tasks
from kpi.tasks.rules import latest_status, overdue, quantities_by_year, reported_periods, tasks_to_records
from tests.builders import task_reports


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    """The real task list of data/tasks/kh-485-2020-tasks.yaml."""
    return load_tasks()


def reports(*rows: tuple) -> pd.DataFrame:
    """Build clean report rows from (group, number, year, quarter, status id[, metric id, quantity]) tuples."""
    return task_reports((*row[:5], *(*row[5:], None, None)[:2], "Kết quả", "Báo cáo số 1/BC") for row in rows)


def row_of(frame: pd.DataFrame, group: str, number: int) -> pd.Series:
    """Return the single row of `frame` for task (group, number)."""
    rows = frame[(frame["group"] == group) & (frame["number"] == number)]
    assert len(rows) == 1
    return rows.iloc[0]


# ------------------------------------------------------------------------------------- reported periods


def test_the_reports_of_each_task_read_as_year_quarter_and_status_in_their_order():
    table = reports(
        ("II", 2, 2021, 1, "in_progress"),
        ("I", 4, 2022, None, "done"),  # a yearly report: no quarter
        ("II", 2, 2021, 3, "done"),
        ("II", 2, 2022, None, "late"),
    )
    assert reported_periods(table) == {
        ("II", 2): [(2021, 1, "in_progress"), (2021, 3, "done"), (2022, None, "late")],
        ("I", 4): [(2022, None, "done")],
    }
    assert reported_periods(reports()) == {}


# ------------------------------------------------------------------------------------------ overdue


@pytest.mark.parametrize(
    "case,rows,today,expected",
    [
        ("deadline passed, work in progress", [("II", 2, 2021, 1, "in_progress")], date(2021, 6, 1), True),
        ("deadline passed, no report", [], date(2021, 4, 1), True),
        ("deadline day itself", [], date(2021, 3, 31), False),
        ("deadline in the future", [], date(2021, 3, 15), False),
        ("done on time", [("II", 2, 2021, 1, "done")], date(2022, 1, 1), False),
        ("done late", [("II", 2, 2021, 3, "done")], date(2022, 1, 1), False),
        ("reported late", [("II", 2, 2021, 2, "late")], date(2022, 1, 1), True),
    ],
)
def test_a_deadline_task_is_overdue_only_when_its_deadline_passed_without_a_done_report(
    tasks, case, rows, today, expected
):
    result = row_of(overdue(tasks, reports(*rows), today), "II", 2)
    assert bool(result["overdue"]) is expected, case
    assert result["reason"] == ("deadline_passed" if expected else None)


@pytest.mark.parametrize(
    "quarter,after",
    [(1, False), (None, True), (3, True)],
)
def test_a_done_report_after_the_deadline_is_flagged_as_completed_late(tasks, quarter, after):
    result = row_of(overdue(tasks, reports(("II", 2, 2021, quarter, "done")), date(2022, 1, 1)), "II", 2)
    assert (bool(result["overdue"]), bool(result["completed_after_deadline"])) == (False, after)


@pytest.mark.parametrize(
    "case,years,today,missing",
    [
        ("a past year has no report", [2021, 2023], date(2024, 2, 1), [2022]),
        ("every past year reported", [2021, 2022, 2023], date(2024, 2, 1), []),
        ("the current year is not due yet", [2021], date(2022, 6, 30), []),
        ("2020 is not due: the plan came in September", [], date(2021, 6, 30), []),
        ("nothing reported by 2023", [], date(2023, 1, 1), [2021, 2022]),
        ("years after the plan's end are not due", [2021, 2022, 2023, 2024, 2025], date(2030, 1, 1), []),
    ],
)
def test_a_yearly_task_is_overdue_when_a_past_plan_year_has_no_report(tasks, case, years, today, missing):
    table = reports(*[("III", 2, year, None, "in_progress") for year in years])
    result = row_of(overdue(tasks, table, today), "III", 2)
    assert result["missing_years"] == missing, case
    assert bool(result["overdue"]) is bool(missing), case


def test_a_quarterly_report_is_enough_for_a_yearly_task(tasks):
    table = reports(("III", 2, 2021, 3, "in_progress"))
    assert not row_of(overdue(tasks, table, date(2022, 5, 1)), "III", 2)["overdue"]


@pytest.mark.parametrize(
    "case,years,today,missing",
    [
        ("first window covered", [2022], date(2024, 1, 10), []),
        ("second window not over yet", [2021], date(2024, 12, 31), []),
        ("second window missed", [2022], date(2025, 1, 10), [2023, 2024]),
        ("last window clipped at the plan's end", [2021, 2023], date(2026, 1, 10), [2025]),
    ],
)
def test_a_biennial_task_owes_one_report_every_two_years(tasks, case, years, today, missing):
    table = reports(*[("IV", 12, year, None, "done") for year in years])
    assert row_of(overdue(tasks, table, today), "IV", 12)["missing_years"] == missing, case


def test_an_ongoing_task_is_never_overdue(tasks):
    assert not row_of(overdue(tasks, reports(), date(2030, 1, 1)), "I", 1)["overdue"]


def test_the_first_yearly_report_year_comes_from_the_task_file(tasks):
    rules = dataclasses.replace(tasks.rules, first_yearly_report_year=2020)
    earlier = dataclasses.replace(tasks, rules=rules)
    assert row_of(overdue(earlier, reports(), date(2021, 6, 1)), "III", 2)["missing_years"] == [2020]


def test_the_task_file_keeps_the_schedule_years(tasks):
    assert (tasks.rules.first_yearly_report_year, tasks.rules.plan_end_year) == (2021, 2025)


# ------------------------------------------------------------------------------------ latest status


@pytest.mark.parametrize(
    "rows,expected",
    [
        ([("I", 4, 2021, 4, "in_progress"), ("I", 4, 2021, None, "done")], ("done", 2021, None)),
        ([("I", 4, 2021, None, "done"), ("I", 4, 2021, 4, "in_progress")], ("done", 2021, None)),
        ([("I", 4, 2021, None, "done"), ("I", 4, 2022, 1, "late")], ("late", 2022, 1)),
        ([("I", 4, 2022, 2, "late"), ("I", 4, 2021, 3, "not_started")], ("late", 2022, 2)),
        ([("I", 4, 2021, 2, "late"), ("I", 4, 2021, 2, "in_progress")], ("in_progress", 2021, 2)),
    ],
)
def test_the_latest_report_counts_a_yearly_report_as_the_end_of_its_year(tasks, rows, expected):
    result = row_of(latest_status(tasks, reports(*rows)), "I", 4)
    quarter = None if pd.isna(result["quarter"]) else int(result["quarter"])
    assert (result["status"], int(result["year"]), quarter) == expected


def test_latest_status_has_one_row_per_task_and_none_for_tasks_never_reported(tasks):
    result = latest_status(tasks, reports(("I", 4, 2021, None, "done")))
    assert len(result) == 34
    assert row_of(result, "I", 1)["status"] is None


# ------------------------------------------------------------------------------------- quantities


def test_quantities_compare_promised_and_achieved_per_year(tasks):
    table = reports(
        ("I", 4, 2021, 1, "in_progress", "conferences", 4),
        ("I", 4, 2021, None, "done", "conferences", 21),  # the yearly figure supersedes the quarters
        ("I", 4, 2022, 1, "in_progress", "conferences", 5),
        ("I", 4, 2022, 2, "in_progress", "conferences", 6),
        ("I", 4, 2022, 2, "in_progress", "conference_participants", 1400),
    )
    result = quantities_by_year(tasks, table)
    conferences = result[
        (result["group"] == "I") & (result["number"] == 4) & (result["metric"] == "conferences")
    ]
    assert list(conferences["year"]) == [2021, 2022, 2023, 2024, 2025]
    assert list(conferences["promised"]) == [20.0] * 5
    assert list(conferences["achieved"].iloc[:2]) == [21.0, 11.0]
    assert conferences["achieved"].iloc[2:].isna().all()
    participants = result[(result["metric"] == "conference_participants") & (result["year"] == 2022)]
    assert participants["achieved"].iloc[0] == 1400.0


def test_a_total_over_the_period_is_compared_cumulatively(tasks):
    table = reports(
        ("IV", 7, 2021, None, "in_progress", "cooperatives_supported", 3),
        ("IV", 7, 2022, None, "in_progress", "cooperatives_supported", 5),
    )
    result = quantities_by_year(tasks, table)
    supported = result[result["metric"] == "cooperatives_supported"]
    assert list(supported["year"]) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert list(supported["achieved_cumulative"].iloc[1:])[:2] == [3.0, 8.0]
    assert pd.isna(supported["achieved_cumulative"].iloc[0])
    assert (supported["promised"] == 16.0).all() and supported["at_least"].all()


def test_a_one_off_quantity_has_a_single_year(tasks):
    result = quantities_by_year(tasks, reports())
    trainees = result[result["metric"] == "farmer_trainees"]
    assert list(trainees["year"]) == [2021] and list(trainees["promised"]) == [1200.0]


def test_a_range_keeps_its_maximum(tasks):
    result = quantities_by_year(tasks, reports())
    columns = result[(result["metric"] == "columns_and_reports") & (result["year"] == 2021)].iloc[0]
    assert (columns["promised"], columns["promised_max"]) == (3.0, 5.0)


# --------------------------------------------------------------------------------------- records


def test_records_follow_the_json_contract_of_the_command_line(tasks):
    table = reports(("II", 2, 2021, 1, "done"), ("III", 2, 2021, None, "in_progress"))
    today = date(2023, 1, 10)
    records = tasks_to_records(tasks, latest_status(tasks, table), overdue(tasks, table, today))
    assert len(records) == 34
    assert list(records[0]) == [
        "group", "number", "lead_agency", "deadline", "recurrence", "status", "overdue", "inferred",
        "text", "output", "time_frame",
    ]  # fmt: skip
    by_label = {f"{r['group']}.{r['number']}": r for r in records}
    assert by_label["I.1"]["lead_agency"] == "Các Sở, Ban, ngành; UBND các huyện, TP"
    assert by_label["II.2"] | {"text": ""} == {
        "group": "II",
        "number": 2,
        "lead_agency": "Liên minh HTX tỉnh",
        "deadline": "2021-03-31",
        "recurrence": "deadline",
        "status": "done",
        "overdue": False,
        "inferred": ["lead_agency"],
        "text": "",
        "output": "Quyết định phê duyệt Đề án",
        "time_frame": "Quý I/2021",
    }
    assert (by_label["III.2"]["status"], by_label["III.2"]["overdue"]) == ("in_progress", True)
    assert (by_label["V.5"]["status"], by_label["V.5"]["overdue"]) == (None, True)
    assert json.loads(json.dumps(records, ensure_ascii=False)) == records
