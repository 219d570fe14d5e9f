"""What the page "Nhiệm vụ" shows, as plain tables: counts by status, overdue tasks with their reason, the
timeline of deadline tasks, promised against achieved quantities, and the filterable list with the reports.

Pure pandas over `kpi.tasks.rules` (latest status, overdue rule, quantities); texts through `kpi.common.i18n.t` and
numbers and dates through `kpi.common.formatting`, so that the page only lays out what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd

from kpi.common.formatting import format_date, format_number, format_percent
from kpi.common.i18n import t
from kpi.common.safe_text import fold
from kpi.domain.tasks import DONE, Task, TaskList
from kpi.tasks.rules import (
    latest_status,
    overdue,
    period_end,
    quantities_by_year,
    report_rows,
    reported_periods,
)

NO_REPORT = "none"  # the pseudo-status of a task that has no report yet
OVERDUE, TOTAL = "overdue", "total"
# The order statuses are shown in: done first, then those that need attention, the tasks never reported last.
STATUS_DISPLAY_ORDER = ("done", "in_progress", "late", "not_started", NO_REPORT)

# Timeline states of a task with a deadline.
DONE_ON_TIME, DONE_LATE, LATE, OPEN = "done_on_time", "done_late", "overdue", "open"
TIMELINE_STATES = (DONE_ON_TIME, DONE_LATE, LATE, OPEN)


@dataclass(frozen=True)
class TaskBoard:
    """The tasks judged on one day: clean reports, latest status, overdue flags and quantities per year."""

    tasks: TaskList
    reports: pd.DataFrame  # clean report rows (kpi.domain.tasks.REPORT_COLUMNS), up to the day's year
    latest: pd.DataFrame  # kpi.tasks.rules.latest_status
    flags: pd.DataFrame  # kpi.tasks.rules.overdue
    quantities: pd.DataFrame  # kpi.tasks.rules.quantities_by_year
    as_of: date

    @property
    def years(self) -> list[int]:
        """Return the years that have reports, ascending."""
        return sorted({int(y) for y in self.reports["year"].dropna()})

    @property
    def is_empty(self) -> bool:
        """Return True when no report has been made."""
        return self.reports.empty

    @cached_property
    def task_rows(self) -> list[dict]:
        """Return one dict per task (plan order): the task, its latest status (NO_REPORT when none), its
        overdue flag and its latest report. Made once per board (every table and figure of the page reads
        them); read-only."""
        latest = {(r["group"], int(r["number"])): r for r in self.latest.to_dict("records")}
        flags = {(r["group"], int(r["number"])): r for r in self.flags.to_dict("records")}
        return [
            {
                "task": task,
                "status": latest[task.key]["status"] or NO_REPORT,
                "flag": flags[task.key],
                "latest": latest[task.key],
            }
            for task in self.tasks
        ]


def as_of_date(today: date, year: int | None) -> date:
    """Return the day the tasks are judged on: today, or 31/12 of an earlier year chosen to look back."""
    if year is None or year >= today.year:
        return today
    return date(year, 12, 31)


def build_board(tasks: TaskList, reports: pd.DataFrame | None, as_of: date) -> TaskBoard:
    """Return the board of `tasks` on `as_of`, using only the reports of years up to as_of's year."""
    clean = report_rows(reports)
    clean = clean[clean["year"] <= as_of.year].reset_index(drop=True)
    return TaskBoard(
        tasks=tasks,
        reports=clean,
        latest=latest_status(tasks, clean),
        flags=overdue(tasks, clean, as_of),
        quantities=quantities_by_year(tasks, clean),
        as_of=as_of,
    )


# --- labels -------------------------------------------------------------------------------------------------


def status_ids(tasks: TaskList) -> list[str]:
    """Return the status ids in the task file's order, then NO_REPORT."""
    return [s.id for s in tasks.statuses] + [NO_REPORT]


def status_label(tasks: TaskList, status: str | None, lang: str = "vi") -> str:
    """Return the label of a status id (NO_REPORT or None: "Chưa có báo cáo")."""
    if status is None or status == NO_REPORT:
        return t("tasks.status.none", lang)
    return tasks.status_label(status, lang)


def lead_names(tasks: TaskList, task: Task, lang: str = "vi") -> str:
    """Return the short names of a task's lead agencies ("Sở KH&ĐT"; English names in English)."""
    agencies = tasks.agencies
    return "; ".join(
        agencies[a].short_vi if lang == "vi" else agencies[a].name_en for a in task.lead_agencies
    )


def group_label(tasks: TaskList, group_id: str, lang: str = "vi") -> str:
    """Return "I. Về tuyên truyền ..." for a group id."""
    group = next(g for g in tasks.groups if g.id == group_id)
    return f"{group.id}. {group.title_en if lang == 'en' else group.title_vi}"


def period_text(year: object, quarter: object, lang: str = "vi") -> str:
    """Return "Quý 2/2021" or "Năm 2021" ("" when there is no year)."""
    if year is None or pd.isna(year):
        return ""
    if quarter is None or pd.isna(quarter):
        return t("tasks.period.year", lang, year=int(year))
    return t("tasks.period.quarter", lang, quarter=int(quarter), year=int(year))


def overdue_reason(flag: dict, lang: str = "vi") -> str:
    """Return why a task is overdue ("Hạn 31/03/2021 đã qua, chưa hoàn thành"), or "" when it is not."""
    if not flag["overdue"]:
        return ""
    if flag["reason"] == "deadline_passed":
        return t("tasks.overdue.deadline", lang, deadline=format_date(flag["deadline"], lang))
    return t("tasks.overdue.missing", lang, years=", ".join(str(y) for y in flag["missing_years"]))


# --- counts -------------------------------------------------------------------------------------------------


def summary_counts(board: TaskBoard) -> dict[str, int]:
    """Return {status id: tasks whose latest report has it, NO_REPORT: ..., "overdue": ..., "total": ...}."""
    rows = board.task_rows
    counts = {s: sum(r["status"] == s for r in rows) for s in status_ids(board.tasks)}
    counts[OVERDUE] = sum(bool(r["flag"]["overdue"]) for r in rows)
    counts[TOTAL] = len(rows)
    return counts


def status_counts(board: TaskBoard, by: str, lang: str = "vi") -> pd.DataFrame:
    """Return tasks counted by latest status, one row per group ("group") or lead agency ("agency").

    Columns: the status ids (NO_REPORT last), "overdue", "total"; the index holds the row labels. Groups
    come in plan order; agencies by number of tasks, most first. A task with several lead agencies counts
    for each of them.
    """
    if by not in ("group", "agency"):
        raise ValueError(f"by must be 'group' or 'agency', not {by!r}")
    columns = [*status_ids(board.tasks), OVERDUE, TOTAL]
    table: dict[str, dict[str, int]] = {}
    for row in board.task_rows:
        task = row["task"]
        if by == "group":
            labels = [group_label(board.tasks, task.group, lang)]
        else:
            agencies = board.tasks.agencies
            labels = [
                agencies[a].short_vi if lang == "vi" else agencies[a].name_en for a in task.lead_agencies
            ]
        for label in labels:
            counts = table.setdefault(label, dict.fromkeys(columns, 0))
            counts[row["status"]] += 1
            counts[OVERDUE] += int(bool(row["flag"]["overdue"]))
            counts[TOTAL] += 1
    labels = list(table)
    if by == "agency":
        labels.sort(key=lambda name: (-table[name][TOTAL], name))
    rows = [[table[label][c] for c in columns] for label in labels]
    return pd.DataFrame(rows, index=pd.Index(labels), columns=columns, dtype="int64")


def status_count_table(board: TaskBoard, by: str, lang: str = "vi", drop_empty: bool = False) -> pd.DataFrame:
    """Return status_counts with readable column names: the group or agency, the total, the overdue count,
    then each status (done first, the tasks never reported last); `drop_empty` leaves out the statuses no
    task has."""
    counts = status_counts(board, by, lang)
    ids = status_ids(board.tasks)
    order = [s for s in STATUS_DISPLAY_ORDER if s in ids] + [s for s in ids if s not in STATUS_DISPLAY_ORDER]
    if drop_empty:
        order = [s for s in order if counts[s].any()]
    counts = counts[[TOTAL, OVERDUE, *order]]
    names = {s: status_label(board.tasks, s, lang) for s in status_ids(board.tasks)}
    names |= {OVERDUE: t("tasks.col.overdue", lang), TOTAL: t("tasks.col.total", lang)}
    first = t("tasks.col.group" if by == "group" else "tasks.col.lead", lang)
    return counts.rename(columns=names).rename_axis(first).reset_index()


# --- overdue ------------------------------------------------------------------------------------------------


def overdue_table(board: TaskBoard, lang: str = "vi") -> pd.DataFrame:
    """Return the overdue tasks in plan order: Mã, Cơ quan chủ trì, Lý do, Tình trạng mới nhất, Thời gian
    thực hiện, Nội dung nhiệm vụ (whose and why first: the text is long)."""
    columns = ["task", "lead", "reason", "status", "time_frame", "text"]
    records = []
    for row in board.task_rows:
        if not row["flag"]["overdue"]:
            continue
        task = row["task"]
        latest = row["latest"]
        status = status_label(board.tasks, row["status"], lang)
        when = period_text(latest["year"], latest["quarter"], lang)
        records.append(
            {
                "task": task.label,
                "text": task.text,
                "lead": lead_names(board.tasks, task, lang),
                "time_frame": task.time_frame,
                "reason": overdue_reason(row["flag"], lang),
                "status": f"{status} ({when})" if when else status,
            }
        )
    frame = pd.DataFrame(records, columns=columns)
    return frame.rename(columns={c: t(f"tasks.col.{c}", lang) for c in columns})


# --- timeline -----------------------------------------------------------------------------------------------


def timeline_rows(board: TaskBoard, lang: str = "vi") -> pd.DataFrame:
    """Return the tasks with a deadline (plan order): task, lead, text, time_frame, start, deadline, state,
    done_on (end of the period of the first "Hoàn thành" report, or None) and done_period (its text).

    state: done_on_time, done_late (first "Hoàn thành" report's period ends after the deadline), overdue,
    or open (not done, deadline not passed).
    """
    reported_of = reported_periods(board.reports)
    records = []
    for row in board.task_rows:
        task, flag = row["task"], row["flag"]
        schedule = task.schedule
        if schedule.deadline is None:
            continue
        done_on, done_period = None, ""
        reported = reported_of.get(task.key, [])
        periods = sorted((year, quarter) for year, quarter, status in reported if status == DONE)
        if periods:
            firsts = sorted(periods, key=lambda p: period_end(*p))
            done_on = period_end(*firsts[0])
            done_period = period_text(*firsts[0], lang)
        if done_on is not None:
            state = DONE_LATE if flag["completed_after_deadline"] else DONE_ON_TIME
        else:
            state = LATE if flag["overdue"] else OPEN
        records.append(
            {
                "task": task.label,
                "lead": lead_names(board.tasks, task, lang),
                "text": task.text,
                "time_frame": task.time_frame,
                "start": schedule.start or schedule.deadline,
                "deadline": schedule.deadline,
                "state": state,
                "done_on": done_on,
                "done_period": done_period,
            }
        )
    columns = ["task", "lead", "text", "time_frame", "start", "deadline", "state", "done_on", "done_period"]
    return pd.DataFrame(records, columns=columns)


# --- quantities ---------------------------------------------------------------------------------------------


def quantity_table(board: TaskBoard, lang: str = "vi") -> pd.DataFrame:
    """Return promised against achieved per task, quantity and year, as text in the language's format.

    Columns: Mã, Chỉ tiêu số lượng, Năm, Cam kết, Đạt được, Tỉ lệ đạt. Whole-period quantities compare the
    cumulative amount with the total promised.
    """
    q = board.quantities
    records = []
    for r in q.to_dict("records"):
        total = r["per"] == "total"
        achieved = r["achieved_cumulative"] if total else r["achieved"]
        promised = _promise_text(r, lang)
        share = (
            None
            if achieved is None or pd.isna(achieved) or not r["promised"]
            else 100 * achieved / r["promised"]
        )
        label = r["label_en"] if lang == "en" else r["label_vi"]
        records.append(
            {
                "task": f"{r['group']}.{int(r['number'])}",
                "quantity": f"{label} ({t('tasks.quantities.cumulative', lang)})" if total else label,
                "year": str(int(r["year"])),
                "promised": promised,
                "achieved": format_number(achieved, 0, lang),
                "share": format_percent(share, 0, lang),
            }
        )
    columns = ["task", "quantity", "year", "promised", "achieved", "share"]
    frame = pd.DataFrame(records, columns=columns)
    return frame.rename(columns={c: t(f"tasks.col.{c}", lang) for c in columns})


def _promise_text(r: dict, lang: str) -> str:
    value = format_number(r["promised"], 0, lang)
    if r["promised_max"] is not None and not pd.isna(r["promised_max"]):
        value = f"{value}–{format_number(r['promised_max'], 0, lang)}"
    if r["at_least"]:
        value = t("tasks.quantities.at_least", lang, value=value)
    return f"{value} {r['unit']}" if lang == "vi" else value


# --- the list -----------------------------------------------------------------------------------------------


def filter_tasks(
    board: TaskBoard,
    *,
    groups: Iterable[str] = (),
    agencies: Iterable[str] = (),
    statuses: Iterable[str] = (),
    overdue_only: bool = False,
    search: str = "",
) -> list[tuple[str, int]]:
    """Return the (group, number) of the tasks that pass every filter given, in plan order.

    `groups` are group ids, `agencies` agency ids (a lead agency of the task), `statuses` status ids
    (NO_REPORT for tasks without a report); `search` is a phrase matched without case, diacritics, spaces or
    punctuation in the task's id, text and output ("giai the" finds "Giải thể").
    """
    groups, agencies, statuses = set(groups), set(agencies), set(statuses)
    needle = fold(search)
    keys = []
    for row in board.task_rows:
        task = row["task"]
        if groups and task.group not in groups:
            continue
        if agencies and not agencies.intersection(task.lead_agencies):
            continue
        if statuses and row["status"] not in statuses:
            continue
        if overdue_only and not row["flag"]["overdue"]:
            continue
        if needle and needle not in fold(f"{task.label} {task.text} {task.output}"):  # folded only to search
            continue
        keys.append(task.key)
    return keys


def task_table(board: TaskBoard, keys: Sequence[tuple[str, int]], lang: str = "vi") -> pd.DataFrame:
    """Return the tasks `keys` in full: Mã, Nội dung, Cơ quan chủ trì, phối hợp, Sản phẩm, Thời gian,
    Tình trạng mới nhất, Kỳ báo cáo, Quá hạn (the reason), Kết quả (of the latest report)."""
    wanted = set(keys)
    agencies = board.tasks.agencies
    records = []
    for row in board.task_rows:
        task = row["task"]
        if task.key not in wanted:
            continue
        latest = row["latest"]
        records.append(
            {
                "task": task.label,
                "text": task.text,
                "lead": lead_names(board.tasks, task, lang),
                "co": "; ".join(
                    agencies[a].short_vi if lang == "vi" else agencies[a].name_en for a in task.co_agencies
                ),
                "output": task.output,
                "time_frame": task.time_frame,
                "status": status_label(board.tasks, row["status"], lang),
                "period": period_text(latest["year"], latest["quarter"], lang),
                "overdue": overdue_reason(row["flag"], lang),
                "result": latest["result"] or "",
            }
        )
    columns = ["task", "text", "lead", "co", "output", "time_frame", "status", "period", "overdue", "result"]
    frame = pd.DataFrame(records, columns=columns)
    return frame.rename(columns={c: t(f"tasks.col.{c}", lang) for c in columns})


def report_table(board: TaskBoard, keys: Sequence[tuple[str, int]], lang: str = "vi") -> pd.DataFrame:
    """Return every report row of the tasks `keys`: Mã, Kỳ báo cáo, Tình trạng, Chỉ tiêu số lượng, Đạt được,
    Kết quả, Văn bản; in plan order, then by period."""
    order = {task.key: i for i, task in enumerate(board.tasks)}
    labels = {
        q.metric: (q.label_en if lang == "en" else q.label_vi)
        for task in board.tasks
        for q in task.quantities
    }
    wanted = set(keys)
    clean = board.reports
    records = []
    for r in clean.to_dict("records"):
        key = (r["group"], int(r["number"]))
        if key not in wanted:
            continue
        quarter = None if pd.isna(r["quarter"]) else int(r["quarter"])
        records.append(
            {
                "_order": (order[key], int(r["year"]), 5 if quarter is None else quarter),
                "task": f"{key[0]}.{key[1]}",
                "period": period_text(r["year"], quarter, lang),
                "report_status": status_label(board.tasks, r["status"], lang),
                "quantity": labels.get(r["metric"], "") if isinstance(r["metric"], str) else "",
                "achieved": "" if pd.isna(r["quantity"]) else format_number(r["quantity"], 0, lang),
                "result": r["result"] or "",
                "evidence": r["evidence"] or "",
            }
        )
    columns = ["task", "period", "report_status", "quantity", "achieved", "result", "evidence"]
    frame = pd.DataFrame(records, columns=["_order", *columns])
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    return frame.rename(columns={c: t(f"tasks.col.{c}", lang) for c in columns})


def inferred_notes(task: Task) -> list[str]:
    """Return "field: reason" for every value of the task inferred while cleaning the plan's text."""
    return [f"{field}: {reason}" for field, reason in task.inferred.items()]


__all__ = [
    "DONE_LATE",
    "DONE_ON_TIME",
    "LATE",
    "NO_REPORT",
    "OPEN",
    "OVERDUE",
    "STATUS_DISPLAY_ORDER",
    "TIMELINE_STATES",
    "TOTAL",
    "TaskBoard",
    "as_of_date",
    "build_board",
    "filter_tasks",
    "group_label",
    "inferred_notes",
    "lead_names",
    "overdue_reason",
    "overdue_table",
    "period_text",
    "quantity_table",
    "report_table",
    "status_count_table",
    "status_counts",
    "status_ids",
    "status_label",
    "summary_counts",
    "task_table",
    "timeline_rows",
]
