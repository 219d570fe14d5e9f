"""The rules that judge stored task progress reports: each task's latest status, overdue tasks, and promised
versus achieved quantities, plus the JSON records of `python -m kpi tasks`.

The rules work on clean rows only (the columns of `kpi.domain.tasks.REPORT_COLUMNS`, status and metric as ids,
quarter blank for a yearly report), as `kpi.workbook.task_reports` gives them after checking a workbook and the
store gives them back: a row is checked once, where it is read, with located and translatable problems.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpi.domain.tasks import DONE, REPORT_COLUMNS, Quantity, ScheduleRules, Task, TaskList


def report_rows(reports: pd.DataFrame | None) -> pd.DataFrame:
    """Return clean report rows with every column of REPORT_COLUMNS (blank where absent); empty for None.

    The rows are not checked again: they come from a checked workbook or from the store.
    """
    if reports is None:
        reports = pd.DataFrame()
    absent = {
        c: pd.Series(None, index=reports.index, dtype=object) for c in REPORT_COLUMNS if c not in reports
    }
    return reports.assign(**absent) if absent else reports


# A task's reports as (year, quarter or None for a yearly report, status id), in their order.
Reported = list[tuple[int, int | None, object]]


def reported_periods(reports: pd.DataFrame) -> dict[tuple[str, int], Reported]:
    """Return the reports of each task, keyed by `Task.key`: one pass over the rows, which the overdue
    rule, the timeline and the reporting status read as plain tuples (a frame filter per task and period
    cost more than the rest of the tasks page)."""
    reported: dict[tuple[str, int], Reported] = {}
    columns = (reports[c].tolist() for c in ("group", "number", "year", "quarter", "status"))
    for group, number, year, quarter, status in zip(*columns, strict=True):
        period = (int(year), None if pd.isna(quarter) else int(quarter), status)
        reported.setdefault((str(group), int(number)), []).append(period)
    return reported


def _missing(value: object) -> bool:
    """Return whether a cell of clean rows is blank (None, NaN or <NA>)."""
    return value is None or bool(pd.isna(value))


def _period_rank(clean: pd.DataFrame) -> pd.Series:
    """Return year*10 + quarter, a yearly report (no quarter) ranking after the fourth quarter."""
    return clean["year"].astype("int64") * 10 + clean["quarter"].fillna(5).astype("int64")


def period_end(year: int, quarter: int | None) -> date:
    """Return the last day of a report's period: 31/12 for a yearly report, else its quarter's last day."""
    month = 12 if quarter is None else 3 * quarter
    return date(year, month, calendar.monthrange(year, month)[1])


def latest_status(tasks: TaskList, reports: pd.DataFrame | None) -> pd.DataFrame:
    """Return one row per task (plan order) with its latest report: group, number, year, quarter, status,
    result, evidence. The latest is the highest (year, quarter), a yearly report counting as the end of its
    year; between reports of the same period the last row wins. Tasks never reported get empty values."""
    clean = report_rows(reports)
    columns = ["group", "number", "year", "quarter", "status", "result", "evidence"]
    latest_rows: dict[tuple[str, int], dict[str, Any]] = {}
    if not clean.empty:
        ranked = clean.assign(_rank=_period_rank(clean), _pos=range(len(clean)))
        ranked = ranked.sort_values(["_rank", "_pos"], kind="stable")
        latest = ranked.groupby(["group", "number"], sort=False).tail(1)
        latest_rows = {(r["group"], int(r["number"])): r for r in latest.to_dict("records")}
    records = []
    for task in tasks:
        row = latest_rows.get(task.key, {})
        records.append(
            {
                "group": task.group,
                "number": task.number,
                "year": row.get("year"),
                "quarter": None if _missing(row.get("quarter")) else row.get("quarter"),
                "status": row.get("status"),
                "result": row.get("result"),
                "evidence": row.get("evidence"),
            }
        )
    frame = pd.DataFrame(records, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    frame["quarter"] = frame["quarter"].astype("Int64")
    for column in ("status", "result", "evidence"):
        frame[column] = _objects_or_none(frame[column])
    return frame


def _objects_or_none(column: pd.Series) -> pd.Series:
    """Return `column` as dtype object with None (not NaN) for missing values."""
    return column.astype(object).where(column.notna(), None)


def _due_windows(task: Task, rules: ScheduleRules, last_past_year: int) -> list[tuple[int, int]]:
    """Return the (first, last) year windows a repeating task owes a report for, up to last_past_year."""
    first, end = rules.first_yearly_report_year, rules.plan_end_year
    step = 2 if task.schedule.recurrence == "biennial" else 1
    windows = [(y, min(y + step - 1, end)) for y in range(first, end + 1, step)]
    return [w for w in windows if w[1] <= last_past_year]


def overdue(tasks: TaskList, reports: pd.DataFrame | None, today: date) -> pd.DataFrame:
    """Return one row per task (plan order): group, number, recurrence, deadline, overdue, reason,
    missing_years, completed_after_deadline.

    Rules:
    - deadline and period tasks are overdue when their deadline is before `today` and no report of the task
      says "Hoàn thành". A "Hoàn thành" report of any period clears the flag, even one after the deadline;
      `completed_after_deadline` then tells that the first such report's period ends after the deadline.
    - yearly, periodic (monthly/quarterly, so at least yearly) and biennial tasks are overdue when a past
      year of the plan (schedule_rules.first_yearly_report_year .. min(today.year - 1, plan_end_year)) has
      no report at all (any status); a biennial task owes one report per two-year window from the first
      year, the last window clipped at the plan's end year. `missing_years` lists the uncovered years.
    - ongoing tasks ("Thường xuyên") are never overdue by rule.
    """
    clean = report_rows(reports)
    rules = tasks.rules
    last_past_year = min(today.year - 1, rules.plan_end_year)
    records = []
    reported_of = reported_periods(clean)
    for task in tasks:
        mine = reported_of.get(task.key, [])
        schedule = task.schedule
        is_overdue, reason, missing, after = False, None, [], False
        if schedule.recurrence in ("deadline", "period") and schedule.deadline is not None:
            done = [(year, quarter) for year, quarter, status in mine if status == DONE]
            if not done:
                if schedule.deadline < today:
                    is_overdue, reason = True, "deadline_passed"
            else:
                first_done = min(period_end(year, quarter) for year, quarter in done)
                after = first_done > schedule.deadline
        elif schedule.recurrence in ("yearly", "periodic", "biennial"):
            reported = {year for year, _, _ in mine}
            for first, last in _due_windows(task, rules, last_past_year):
                window = range(first, last + 1)
                if not reported.intersection(window):
                    missing.extend(window)
            if missing:
                is_overdue, reason = True, "missing_reports"
        records.append(
            {
                "group": task.group,
                "number": task.number,
                "recurrence": schedule.recurrence,
                "deadline": schedule.deadline,
                "overdue": is_overdue,
                "reason": reason,
                "missing_years": missing,
                "completed_after_deadline": after,
            }
        )
    frame = pd.DataFrame(records)
    frame["overdue"] = frame["overdue"].astype(bool)
    frame["reason"] = _objects_or_none(frame["reason"])
    return frame


def _quantity_years(task: Task, quantity: Quantity, rules: ScheduleRules) -> list[int]:
    if quantity.year is not None:
        return [quantity.year]
    schedule = task.schedule
    if schedule.start is not None and schedule.deadline is not None:
        return list(range(schedule.start.year, schedule.deadline.year + 1))
    return list(range(rules.first_yearly_report_year, rules.plan_end_year + 1))


def _achieved(clean: pd.DataFrame) -> dict[tuple[str, int, str, int], float]:
    """Return the amount achieved per (group, number, metric, year) reported: the sum of the year's yearly
    reports (no quarter) when there are any, else of its quarterly reports. One pass over the rows (a filter
    per task, quantity and year cost more than the rest of the tasks page)."""
    yearly: dict[tuple[str, int, str, int], list[float]] = {}
    quarterly: dict[tuple[str, int, str, int], list[float]] = {}
    columns = (clean[c].tolist() for c in ("group", "number", "metric", "year", "quarter", "quantity"))
    for group, number, metric, year, quarter, quantity in zip(*columns, strict=True):
        if _missing(metric) or _missing(quantity):
            continue
        into = yearly if _missing(quarter) else quarterly
        into.setdefault((str(group), int(number), metric, int(year)), []).append(quantity)
    # numpy's sum, as a column's sum adds them (pairwise), over the same values in the same order.
    return {key: float(np.sum(amounts)) for key, amounts in (quarterly | yearly).items()}


def quantities_by_year(tasks: TaskList, reports: pd.DataFrame | None) -> pd.DataFrame:
    """Return promised versus achieved quantities per task, metric and year.

    Columns: group, number, metric, label_vi, label_en, unit, per, at_least, year, promised, promised_max,
    achieved, achieved_cumulative. Years: the quantity's own year, else the task's date range, else
    first_yearly_report_year .. plan_end_year. Report quantities are amounts of their own period: a year's
    achieved value is the sum of its yearly reports (no quarter) when there are any, else the sum of its
    quarterly reports; NaN when nothing was reported. For per="total" compare achieved_cumulative with
    promised (the total due by the last year).
    """
    achieved_of = _achieved(report_rows(reports))
    columns = [
        "group", "number", "metric", "label_vi", "label_en", "unit", "per", "at_least",
        "year", "promised", "promised_max", "achieved", "achieved_cumulative",
    ]  # fmt: skip
    records = []
    for task in tasks:
        for quantity in task.quantities:
            cumulative: float | None = None
            for year in _quantity_years(task, quantity, tasks.rules):
                achieved = achieved_of.get((task.group, task.number, quantity.metric, year))
                if achieved is not None:
                    cumulative = (cumulative or 0.0) + achieved
                records.append(
                    {
                        "group": task.group,
                        "number": task.number,
                        "metric": quantity.metric,
                        "label_vi": quantity.label_vi,
                        "label_en": quantity.label_en,
                        "unit": quantity.unit,
                        "per": quantity.per,
                        "at_least": quantity.at_least,
                        "year": year,
                        "promised": float(quantity.value),
                        "promised_max": None if quantity.value_max is None else float(quantity.value_max),
                        "achieved": achieved,
                        "achieved_cumulative": cumulative,
                    }
                )
    frame = pd.DataFrame(records, columns=columns)
    for column in ("promised", "promised_max", "achieved", "achieved_cumulative"):
        frame[column] = frame[column].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    frame["number"] = frame["number"].astype("int64")
    return frame


def tasks_to_records(tasks: TaskList, latest: pd.DataFrame, overdue: pd.DataFrame) -> list[dict[str, Any]]:
    """Return one JSON-ready dict per task (plan order): group, number, lead_agency (short name; several
    joined with "; "), deadline (ISO date or None), recurrence, status (id or None), overdue (bool), inferred
    (field names), text, output, time_frame. This is the contract of `python -m kpi tasks --format json`."""
    status_of = {
        (str(r["group"]), int(r["number"])): None if _missing(r["status"]) else str(r["status"])
        for r in latest.to_dict("records")
    }
    overdue_of = {(str(r["group"]), int(r["number"])): bool(r["overdue"]) for r in overdue.to_dict("records")}
    records = []
    for task in tasks:
        deadline = task.schedule.deadline
        records.append(
            {
                "group": task.group,
                "number": task.number,
                "lead_agency": "; ".join(tasks.agencies[a].short_vi for a in task.lead_agencies),
                "deadline": deadline.isoformat() if deadline else None,
                "recurrence": task.schedule.recurrence,
                "status": status_of.get(task.key),
                "overdue": overdue_of.get(task.key, False),
                "inferred": list(task.inferred),
                "text": task.text,
                "output": task.output,
                "time_frame": task.time_frame,
            }
        )
    return records
