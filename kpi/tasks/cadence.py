"""Who owes a task progress report for which period (section V.3 of the plan: quarterly and yearly reports),
and who has sent it: the reporting status by lead agency and period.

The cadence is data (data/reports/brief.yaml, `cadence`): periodic tasks of the listed periods owe a report
each quarter, every other task one a year while it runs. Pure pandas over a `kpi.tasks.board.TaskBoard`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from kpi.common.data_files import read_yaml
from kpi.common.i18n import t
from kpi.common.settings import DATA_DIR
from kpi.domain.tasks import DONE, Task, TaskList
from kpi.tasks.board import TaskBoard
from kpi.tasks.rules import Reported, period_end, reported_periods

CADENCE_FILE = DATA_DIR / "reports" / "brief.yaml"
QUARTERS = (1, 2, 3, 4)
# Cell states of the reporting grid.
REPORTED, LATE, PENDING, NOT_DUE = "reported", "late", "pending", "not_due"


@dataclass(frozen=True)
class Cadence:
    """Which periodic tasks report quarterly, and how many days after a period's end a report is late."""

    quarterly_periods: frozenset[str]
    due_days: int


@cache
def _cadence(path: Path) -> Cadence:
    raw = read_yaml(path)["cadence"]
    return Cadence(frozenset(raw["quarterly"]["periods"]), int(raw["due_days"]))


def load_cadence(path: Path | None = None) -> Cadence:
    """Return the reporting cadence of the data file."""
    return _cadence(path or CADENCE_FILE)


def is_quarterly(task: Task, cadence: Cadence) -> bool:
    """Return True when the task owes a report each quarter (a periodic task of a quarterly or finer period)."""
    schedule = task.schedule
    return schedule.recurrence == "periodic" and bool(
        cadence.quarterly_periods.intersection(schedule.periods)
    )


def owes_in_year(task: Task, tasks: TaskList, year: int, reported: Reported) -> bool:
    """Return True when the task owes at least one report for `year` (see the module's rules); `reported`
    holds the task's own reports (`reported_periods`)."""
    rules, schedule = tasks.rules, task.schedule
    if schedule.recurrence in ("deadline", "period"):
        if schedule.deadline is None:
            return False
        first = schedule.start.year if schedule.start is not None else schedule.deadline.year
        if not first <= year <= schedule.deadline.year:
            return False
        return not any(status == DONE and earlier < year for earlier, _, status in reported)
    if not rules.first_yearly_report_year <= year <= rules.plan_end_year:
        return False
    if schedule.recurrence == "biennial":
        offset = year - rules.first_yearly_report_year
        return offset % 2 == 1 or year == rules.plan_end_year
    return True


def owed_periods(task: Task, tasks: TaskList, year: int, reported: Reported, cadence: Cadence) -> list:
    """Return the periods of `year` the task owes a report for: the quarters 1-4, or [None] (the year)."""
    if not owes_in_year(task, tasks, year, reported):
        return []
    return list(QUARTERS) if is_quarterly(task, cadence) else [None]


def _state(reported: bool, period: tuple[int, int | None], as_of: dt.date, cadence: Cadence) -> str:
    if reported:
        return REPORTED
    due = period_end(*period) + dt.timedelta(days=cadence.due_days)
    if period_end(*period) > as_of:
        return NOT_DUE
    return LATE if as_of > due else PENDING


def reporting_status(board: TaskBoard, year: int, cadence: Cadence | None = None) -> pd.DataFrame:
    """Return one row per (task, lead agency, owed period) of `year`: group, number, task, agency, quarter
    (None for the year), state (reported, late, pending: the period is over but not yet its grace days,
    not_due: the period has not ended on the board's day)."""
    cadence = cadence or load_cadence()
    reported_of = reported_periods(board.reports)
    rows = []
    for task in board.tasks:
        own = reported_of.get(task.key, [])
        quarters = [quarter for reported_year, quarter, _ in own if reported_year == year]  # None: yearly
        for quarter in owed_periods(task, board.tasks, year, own, cadence):
            reported = bool(quarters) if quarter is None else quarter in quarters
            state = _state(reported, (year, quarter), board.as_of, cadence)
            for agency in task.lead_agencies:
                rows.append(
                    {
                        "group": task.group,
                        "number": task.number,
                        "task": task.label,
                        "agency": agency,
                        "quarter": quarter,
                        "state": state,
                    }
                )
    columns = ["group", "number", "task", "agency", "quarter", "state"]
    return pd.DataFrame(rows, columns=columns)


def reporting_grid(
    board: TaskBoard, year: int, lang: str = "vi", cadence: Cadence | None = None
) -> pd.DataFrame:
    """Return the reporting status by lead agency (rows) and period (Quý 1-4, Năm) of `year`, as text:
    "2/3 · trễ: IV.1" (reports received / owed, the late tasks named), "chưa đến hạn", or "–" when nothing is owed."""
    status = reporting_status(board, year, cadence)
    agencies = board.tasks.agencies
    names = {a: agencies[a].short_vi if lang == "vi" else agencies[a].name_en for a in agencies}
    periods = [*QUARTERS, None]
    headers = [
        t("brief.reporting.quarter", lang, quarter=q) if q else t("tasks.period.year", lang, year=year)
        for q in periods
    ]
    order = list(dict.fromkeys(a for task in board.tasks for a in task.lead_agencies))
    # (agency, quarter) -> [(state, task)] in the status' order; plain Python, since the grid's 70-odd cells
    # cut from a frame one by one cost more than building the whole board.
    cells: dict[tuple[str, int | None], list[tuple[str, str]]] = {}
    for agency, quarter, state, task in zip(
        status["agency"], status["quarter"], status["state"], status["task"], strict=True
    ):
        period = None if pd.isna(quarter) else int(quarter)
        cells.setdefault((agency, period), []).append((state, task))
    records = []
    for agency in order:
        row = {t("tasks.col.lead", lang): names[agency]}
        for period, header in zip(periods, headers, strict=True):
            row[header] = _cell_text(cells.get((agency, period), []), lang)
        records.append(row)
    return pd.DataFrame(records)


def _cell_text(cell: list[tuple[str, str]], lang: str) -> str:
    """Return a grid cell's text from its (state, task) pairs."""
    if not cell:
        return "–"
    due = [(state, task) for state, task in cell if state != NOT_DUE]
    if not due:
        return t("brief.reporting.not_due", lang)
    done = sum(state == REPORTED for state, _ in due)
    text = f"{done}/{len(due)}"
    late = [task for state, task in due if state == LATE]
    pending = [task for state, task in due if state == PENDING]
    if late:
        text += " · " + t("brief.reporting.late", lang, tasks=", ".join(late))
    if pending:
        text += " · " + t("brief.reporting.pending", lang, tasks=", ".join(pending))
    return text
