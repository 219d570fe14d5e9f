"""Who owes a progress report for which period (kpi/tasks/cadence.py): quarterly for the tasks done "định kỳ
hàng tháng, quý", yearly for the others while they run; late 15 days after the period (data/reports/brief.yaml)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.tasks.board import build_board
from kpi.tasks.cadence import LATE, NOT_DUE, PENDING, REPORTED, is_quarterly, load_cadence, reporting_grid
from kpi.tasks.cadence import reporting_status as status_of
from kpi.workbook.task_contract import default_tasks

TASKS = default_tasks()


def board(rows: list[tuple[str, int, int, int | None, str]], as_of: dt.date):
    """Return the board of (group, number, year, quarter, status id) report rows on `as_of`."""
    frame = pd.DataFrame(rows, columns=["group", "number", "year", "quarter", "status"])
    return build_board(TASKS, frame, as_of)


def state(b, task: str, year: int, quarter: int | None) -> str:
    rows = status_of(b, year)
    rows = rows[rows["task"] == task]
    rows = rows[rows["quarter"].isna()] if quarter is None else rows[rows["quarter"] == quarter]
    (value,) = set(rows["state"])
    return value


def test_only_the_task_done_monthly_or_quarterly_reports_every_quarter():
    # In the appendix only I.5 reads "Định kỳ hàng tháng, quý".
    assert [t.label for t in TASKS if is_quarterly(t, load_cadence())] == ["I.5"]


def test_the_grace_period_is_read_from_the_data_file():
    assert load_cadence().due_days == 15


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2024, 6, 30), NOT_DUE),  # the year has not ended
        (dt.date(2025, 1, 10), PENDING),  # ended, within the 15 days
        (dt.date(2025, 3, 1), LATE),  # more than 15 days after 31/12/2024
    ],
)
def test_a_yearly_task_without_a_report_is_not_due_then_awaited_then_late(as_of, expected):
    assert state(board([], as_of), "III.2", 2024, None) == expected


def test_any_report_of_the_year_covers_a_yearly_task():
    b = board([("III", 2, 2024, 2, "in_progress")], dt.date(2025, 3, 1))
    assert state(b, "III.2", 2024, None) == REPORTED


def test_the_quarterly_task_owes_each_quarter_on_its_own():
    b = board([("I", 5, 2024, 1, "in_progress")], dt.date(2024, 8, 1))
    assert [state(b, "I.5", 2024, q) for q in (1, 2, 3, 4)] == [REPORTED, LATE, NOT_DUE, NOT_DUE]


def test_a_task_with_a_period_owes_nothing_after_it_was_reported_done():
    # IV.17 runs 2020-2021: reported done in 2020, it owes no report for 2021.
    done = board([("IV", 17, 2020, None, "done")], dt.date(2022, 3, 1))
    assert status_of(done, 2021).query("task == 'IV.17'").empty
    assert state(board([], dt.date(2022, 3, 1)), "IV.17", 2021, None) == LATE


def test_a_task_outside_its_years_owes_nothing():
    # V.3 is due in quarter IV/2020: nothing is owed for 2024.
    assert status_of(board([], dt.date(2025, 3, 1)), 2024).query("task == 'V.3'").empty


def test_the_grid_counts_received_over_owed_and_names_the_late_tasks():
    b = board([("I", 5, 2024, 1, "in_progress")], dt.date(2024, 8, 1))
    grid = reporting_grid(b, 2024)
    row = grid[grid["Cơ quan chủ trì"] == "Liên minh HTX tỉnh"].iloc[0]
    assert (row["Quý 1"], row["Quý 2"], row["Quý 3"]) == ("1/1", "0/1 · trễ: I.5", "chưa đến hạn")
    assert row["Năm 2024"] == "chưa đến hạn"
    thanh_tra = grid[grid["Cơ quan chủ trì"] == "Thanh tra tỉnh"].iloc[0]
    assert thanh_tra["Năm 2024"] == "–"  # its only task (V.3) was due in 2020
