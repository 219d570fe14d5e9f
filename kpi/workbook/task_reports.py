"""The task progress workbook: reading and checking it with located Vietnamese messages, and writing it.

Reading reuses `kpi.workbook.reader` (sheets found by folded name, header row below title rows, Excel row numbers)
and the cell parsing of `kpi.workbook.validate` (Vietnamese text numbers, closed lists), so that a progress report is
judged exactly like a statistics workbook: every problem at once, each with its sheet, Excel row, column,
the value found and what was expected.

Rules beyond the cells: the task id must be one of the appendix ("I.1".."V.6"); the quarter 1-4 or blank (the
whole year); the year within the plan's reporting years and the same on every row (one workbook reports one
year, the year of its stored version); a quantity only for a quantity the task promises; one row per task,
period and quantity.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from kpi.common import problems as pb
from kpi.common.formatting import format_number
from kpi.common.i18n import t, texts
from kpi.common.number_text import parse_number_text
from kpi.common.safe_text import fold, strip_diacritics
from kpi.common.settings import ReadLimits
from kpi.domain.tasks import ROMAN_QUARTERS, Quantity, TaskList
from kpi.workbook.contract import NO, YES, Sheet
from kpi.workbook.reader import ROW, RawWorkbook, read_bytes, read_sheets
from kpi.workbook.task_contract import (
    INFO,
    PLAN_COLUMNS,
    PLANS,
    REPORT,
    STORED_COLUMNS,
    TASK_LIST_SHEET,
    TEXT_COLUMNS,
    default_tasks,
    report_sheet,
    task_ids,
)
from kpi.workbook.validate import Validation, above_maximum, beneath_maximum, parse_table
from kpi.workbook.writer import (
    INSTRUCTIONS_SHEET,
    Layout,
    Line,
    ReferenceSheet,
    catalog_lines,
    layout_bytes,
    write_layout,
)


@dataclass
class TaskReportWorkbook:
    """A progress workbook that passed validation: its year, the info values, the clean report rows.

    `reports` has the columns of `kpi.workbook.task_contract.STORED_COLUMNS` plus `_row` (status and metric as ids,
    quarter <NA> for a yearly report), ready for the rules of `kpi.tasks.rules` and the store.
    """

    year: int
    info: dict[str, object]
    reports: pd.DataFrame
    plans: pd.DataFrame | None = (
        None  # the V.1 register (columns PLAN_COLUMNS + _row), None without the sheet
    )


@dataclass
class TaskValidation(Validation):
    """The outcome of checking one progress workbook (same problems, errors, ok and table as Validation)."""

    problems: list[pb.Problem] = field(default_factory=list)
    clean: TaskReportWorkbook | None = None  # type: ignore[assignment]


# --- reading ------------------------------------------------------------------------------------------------


def read_task_workbook(
    source: bytes | str | Path | BinaryIO, tasks: TaskList | None = None, limits: ReadLimits | None = None
) -> RawWorkbook:
    """Return the raw sheets of a progress workbook; raise WorkbookUnreadable if it is no workbook at all
    or passes a limit checked before parsing (`limits`, default: the settings)."""
    raw = read_sheets(read_bytes(source), (INFO, report_sheet(tasks), PLANS), limits)
    # The info sheet and the register are optional here and nothing depends on them: no warning when absent,
    # nor when the register is left blank as the template gives it.
    raw.problems = [
        p
        for p in raw.problems
        if not (p.code == "missing_optional_sheet" and p.sheet in (INFO.name, PLANS.name))
        and not (p.code == "no_rows" and p.sheet == raw.sheet_names.get(PLANS.id, PLANS.name))
    ]
    return raw


def check_task_bytes(
    data: bytes | str | Path | BinaryIO, tasks: TaskList | None = None, today: date | None = None
) -> TaskValidation:
    """Return the validation of a progress workbook; raise WorkbookUnreadable when it is no workbook."""
    tasks = tasks or default_tasks()
    return validate_task_workbook(read_task_workbook(data, tasks), tasks, today)


def reporting_years(tasks: TaskList, today: date | None = None) -> tuple[int, int]:
    """Return (first, last) year a progress report may cover: the plan's years, none after this year."""
    today = today or date.today()
    rules = tasks.rules
    return rules.plan_start_year, max(rules.plan_start_year, min(rules.plan_end_year, today.year))


def validate_task_workbook(
    raw: RawWorkbook, tasks: TaskList | None = None, today: date | None = None
) -> TaskValidation:
    """Return every problem of a raw progress workbook and, if there is no error, its clean rows."""
    tasks = tasks or default_tasks()
    sheet = report_sheet(tasks)
    low, high = reporting_years(tasks, today)
    problems = list(raw.problems)
    info, info_year = _validate_info(raw, low, high, problems)

    clean_rows: pd.DataFrame | None = None
    file_year: int | None = info_year
    if sheet.id in raw.tables:
        name = raw.sheet_names[sheet.id]
        clean_rows, file_year = _validate_reports(
            raw.tables[sheet.id], raw.problems, sheet, name, tasks, low, high, info_year, problems
        )

    plans = _validate_plans(raw, problems) if PLANS.id in raw.tables else None
    if plans is not None and plans.empty:  # the template's blank register: nothing recorded
        plans = None

    problems.sort(key=_problem_order)
    problems = pb.with_cells(problems, raw.letters)
    if any(p.severity == pb.Severity.ERROR for p in problems) or clean_rows is None or file_year is None:
        return TaskValidation(problems)
    info["year"] = file_year
    clean = TaskReportWorkbook(year=file_year, info=info, reports=clean_rows, plans=plans)
    return TaskValidation(problems, clean)


def _validate_plans(raw: RawWorkbook, problems: list[pb.Problem]) -> pd.DataFrame:
    """Return the clean rows of the V.1 register (texts None when blank, issued as bool); problems appended."""
    name = raw.sheet_names[PLANS.id]
    typed, unreadable = parse_table(raw.tables[PLANS.id], PLANS, name, None, problems)  # type: ignore[arg-type]
    out = typed[[*PLAN_COLUMNS, ROW]].copy()
    for column in PLAN_COLUMNS:
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    for record in out.to_dict("records"):
        row = int(record[ROW])
        for col in PLANS.columns:
            if col.required and record[col.id] is None and (row, col.id) not in unreadable:
                problems.append(pb.error("required", sheet=name, row=row, column=col.header))
    out[ROW] = out[ROW].astype("int64")
    return out.reset_index(drop=True)


def _problem_order(p: pb.Problem) -> tuple:
    rank = {INFO.name: 0, REPORT.name: 1, PLANS.name: 2}
    return (rank.get(p.sheet or "", 3 if p.sheet else -1), p.row or 0, p.severity != pb.Severity.ERROR)


def _number(value: object) -> tuple[float | None, bool]:
    """Return (number, readable) of a cell: numbers as they are, texts read the Vietnamese way."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value), True
    if not isinstance(value, str):
        return None, False
    parsed = parse_number_text(value)
    return parsed.value, parsed.problem is None


def _as_year(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _validate_info(
    raw: RawWorkbook, low: int, high: int, problems: list[pb.Problem]
) -> tuple[dict[str, object], int | None]:
    name = raw.sheet_names.get(INFO.id, INFO.name)
    info: dict[str, object] = {"year": None, "reporting_unit": None}
    unit = raw.info.get("reporting_unit", (None, None))[0]
    info["reporting_unit"] = None if unit is None or not str(unit).strip() else str(unit).strip()
    if "year" not in raw.info or raw.info["year"][0] is None:
        return info, None
    value, row = raw.info["year"]
    where = {"sheet": name, "row": row, "column": INFO.column("year").header}
    number, readable = _number(value)
    if not readable or number is None:
        problems.append(
            pb.error("not_a_number", value=value, expected=texts("workbook.expected.year"), **where)
        )
        return info, None
    if not number.is_integer() or not low <= number <= high:
        problems.append(pb.error("year_outside_plan", value=_as_year(number), low=low, high=high, **where))
        return info, None
    info["year"] = int(number)
    return info, int(number)


def _quarter_of(value: object) -> tuple[object, bool]:
    """Return (quarter as a number or the cell unchanged, recognised): "Quý II", "II", "Q2" -> 2."""
    if not isinstance(value, str):
        return value, True
    text = re.sub(r"^(?:quy|q)\s*", "", strip_diacritics(value).strip().lower())
    if text in ROMAN_QUARTERS:
        return ROMAN_QUARTERS[text], True
    parsed = parse_number_text(text)
    if parsed.problem is None and parsed.value is not None:
        return parsed.value, True
    return value, False


def _task_lookup(tasks: TaskList) -> dict[str, tuple[str, int]]:
    # "IV.7", "iv 7", "IV-7" all fold to "iv7"; the group is always a Roman numeral, so no clash.
    return {fold(task.label): task.key for task in tasks}


def _validate_reports(
    raw_rows: pd.DataFrame,
    read_problems: list[pb.Problem],
    sheet: Sheet,
    name: str,
    tasks: TaskList,
    low: int,
    high: int,
    info_year: int | None,
    problems: list[pb.Problem],
) -> tuple[pd.DataFrame | None, int | None]:
    """Check the report rows; return (clean rows or None when a column is missing, the workbook's year)."""
    header = {c.id: c.header for c in sheet.columns}
    missing = {
        c.id
        for c in sheet.columns
        if any(p.code == "missing_column" and p.column == c.header for p in read_problems)
    }
    raw_rows = raw_rows.copy()
    rows = raw_rows[ROW].astype("int64")
    bad_quarter: set[int] = set()
    quarters: list[object] = []
    for idx, value in raw_rows["quarter"].items():
        converted, ok = _quarter_of(value)
        if not ok:
            problems.append(
                pb.error("bad_quarter", sheet=name, row=int(rows[idx]), column=header["quarter"], value=value)
            )
            bad_quarter.add(int(rows[idx]))
            converted = None
        quarters.append(converted)
    raw_rows["quarter"] = pd.Series(quarters, index=raw_rows.index, dtype=object)

    typed, unreadable = parse_table(raw_rows, sheet, name, None, problems)  # type: ignore[arg-type]
    unreadable |= {(int(r), c) for r in rows for c in missing}
    unreadable |= {(r, "quarter") for r in bad_quarter}

    where_year = {"sheet": name, "column": header["year"]}
    lookup = _task_lookup(tasks)
    status_id = {s.vi: s.id for s in tasks.statuses}
    metric_of_label = {q.label_vi: q.metric for t in tasks for q in t.quantities}
    records: list[dict[str, Any]] = []
    for idx in typed.index:
        row = int(typed.at[idx, ROW])

        def where(col: str, _row: int = row) -> dict[str, object]:
            return {"sheet": name, "row": _row, "column": header[col]}

        def blank(col: str, _idx: int = idx) -> bool:
            value = typed.at[_idx, col]
            return value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value)

        for col in ("task", "year", "status"):
            if blank(col) and (row, col) not in unreadable:
                problems.append(pb.error("required", **where(col)))

        key: tuple[str, int] | None = None
        if not blank("task"):
            key = lookup.get(fold(typed.at[idx, "task"]))
            if key is None:
                problems.append(
                    pb.error(
                        "unknown_task",
                        value=typed.at[idx, "task"],
                        expected=_task_range(tasks),
                        **where("task"),
                    )
                )
        task = tasks.get(*key) if key else None

        year: int | None = None
        if not blank("year"):
            number = float(typed.at[idx, "year"])
            if not number.is_integer() or not low <= number <= high:
                problems.append(
                    pb.error("year_outside_plan", value=_as_year(number), low=low, high=high, **where("year"))
                )
            else:
                year = int(number)

        quarter: int | None = None
        period_ok = year is not None and row not in bad_quarter
        if not blank("quarter"):
            number = float(typed.at[idx, "quarter"])
            if number.is_integer() and 1 <= number <= 4:
                quarter = int(number)
            else:
                problems.append(pb.error("bad_quarter", value=_as_year(number), **where("quarter")))
                period_ok = False

        quantity: float | None = None
        quantity_given = not blank("quantity") or (row, "quantity") in unreadable
        if not blank("quantity"):
            quantity = float(typed.at[idx, "quantity"])
            if quantity < 0:
                problems.append(pb.error("negative", value=quantity, **where("quantity")))
                quantity = None
            elif not quantity.is_integer():
                expected = texts("workbook.expected.count")
                problems.append(pb.error("not_whole", value=quantity, expected=expected, **where("quantity")))
                quantity = None
            elif not beneath_maximum(quantity, sheet.column("quantity")):
                problems.append(above_maximum(quantity, sheet.column("quantity"), where("quantity")))
                quantity = None

        metric = None if blank("metric") else metric_of_label.get(str(typed.at[idx, "metric"]))
        if task is not None:
            metric = _check_metric(
                task,
                metric,
                typed.at[idx, "metric"],
                quantity,
                quantity_given,
                where,
                problems,
                row,
                unreadable,
            )

        records.append(
            {
                "group": key[0] if key else None,
                "number": key[1] if key else None,
                "year": year,
                "quarter": quarter,
                "status": None if blank("status") else status_id.get(str(typed.at[idx, "status"])),
                "metric": metric,
                "quantity": quantity if metric is not None else None,
                **{c: None if blank(c) else str(typed.at[idx, c]) for c in TEXT_COLUMNS},
                ROW: row,
                "_period_ok": period_ok,
            }
        )

    file_year = _file_year([r["year"] for r in records], info_year)
    for r in records:
        if file_year is not None and r["year"] is not None and r["year"] != file_year:
            problems.append(
                pb.error("mixed_years", value=r["year"], year=file_year, row=r[ROW], **where_year)
            )
    problems.extend(_duplicates(records, tasks, name, header["task"]))
    if missing:
        return None, file_year
    return _typed(pd.DataFrame(records, columns=[*STORED_COLUMNS, ROW])), file_year


def _check_metric(
    task, metric, cell, quantity, quantity_given, where, problems, row, unreadable
) -> str | None:
    """Return the metric id of a row after checking it against the task's promised quantities."""
    labels = [q.label_vi for q in task.quantities]
    expected = "; ".join(labels)
    has_cell = not (cell is None or (isinstance(cell, float) and np.isnan(cell)) or pd.isna(cell))
    if (row, "metric") in unreadable:  # already reported as not in the list
        return None
    if not task.quantities:
        if has_cell:
            problems.append(pb.error("task_has_no_quantity", value=cell, task=task.label, **where("metric")))
        elif quantity is not None:
            problems.append(
                pb.error("task_has_no_quantity", value=quantity, task=task.label, **where("quantity"))
            )
        return None
    if has_cell and metric not in {q.metric for q in task.quantities}:
        problems.append(
            pb.error("metric_not_of_task", value=cell, task=task.label, expected=expected, **where("metric"))
        )
        return None
    if not has_cell:
        if quantity is None:
            return None
        if len(task.quantities) == 1:  # only one quantity can be meant
            return task.quantities[0].metric
        problems.append(
            pb.error(
                "quantity_without_metric",
                task=task.label,
                quantity=quantity,
                expected=expected,
                **where("metric"),
            )
        )
        return None
    if not quantity_given:
        problems.append(pb.warning("metric_without_quantity", value=cell, **where("quantity")))
    return metric


def _task_range(tasks: TaskList) -> str:
    """Return "I.1–I.6, II.1–II.2, ..." from the task file."""
    parts = []
    for group in tasks.groups:
        numbers = [t.number for t in tasks.in_group(group.id)]
        parts.append(f"{group.id}.{min(numbers)}–{group.id}.{max(numbers)}")
    return ", ".join(parts)


def _file_year(row_years: list[int | None], info_year: int | None) -> int | None:
    """Return the workbook's year: the info sheet's, else the most frequent year of the rows (first wins)."""
    if info_year is not None:
        return info_year
    years = [y for y in row_years if y is not None]
    if not years:
        return None
    counts = Counter(years)
    top = max(counts.values())
    return next(y for y in years if counts[y] == top)


def _period_text(year: int, quarter: int | None) -> dict[str, str]:
    if quarter is None:
        return texts("workbook.period.year", year=year)
    return texts("workbook.period.quarter", quarter=quarter, year=year)


def _duplicates(records: list[dict[str, Any]], tasks: TaskList, name: str, column: str) -> list[pb.Problem]:
    rows_of: dict[tuple, list[int]] = {}
    for r in records:
        if r["group"] is None or not r["_period_ok"]:
            continue
        key = (r["group"], r["number"], r["year"], r["quarter"], r["metric"])
        rows_of.setdefault(key, []).append(int(r[ROW]))
    labels = {q.metric: q.label_vi for t in tasks for q in t.quantities}
    problems = []
    for (group, number, year, quarter, metric), rows in rows_of.items():
        if len(rows) < 2:
            continue
        metric_text = "" if metric is None else texts("workbook.duplicate.metric", label=labels[metric])
        for row in rows:
            others = ", ".join(str(r) for r in rows if r != row)
            problems.append(
                pb.error(
                    "duplicate_task_report",
                    sheet=name,
                    row=row,
                    column=column,
                    value=f"{group}.{number}",
                    period=_period_text(year, quarter),
                    metric=metric_text,
                    other_rows=others,
                )
            )
    return problems


def _typed(clean: pd.DataFrame) -> pd.DataFrame:
    out = clean.copy()
    for column in ("number", "year", "quarter"):
        out[column] = pd.array(
            [None if v is None or pd.isna(v) else int(v) for v in out[column]], dtype="Int64"
        )
    out["quantity"] = pd.to_numeric(out["quantity"], errors="coerce").astype("float64")
    for column in ("group", "status", "metric", *TEXT_COLUMNS):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out[ROW] = out[ROW].astype("int64")
    return out.reset_index(drop=True)


# --- writing ------------------------------------------------------------------------------------------------


# (style, key of data/i18n/templates.yaml) of the task kind's own lines, before and after its quantities.
_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("title", "template.tasks.title"),
    ("", ""),
    ("h", "template.sheets"),
    ("", "template.tasks.reports"),
    ("", "template.tasks.info"),
    ("", "template.tasks.plans"),
    ("", "template.tasks.task_list"),
    ("", ""),
    ("h", "template.tasks.one_year"),
    ("", "template.tasks.same_year"),
    ("", "template.tasks.new_version"),
    ("", "template.tasks.keep_rows"),
    ("", ""),
    ("h", "template.rules"),
    ("", "template.tasks.code"),
    ("", "template.tasks.quarter"),
    ("", "template.tasks.statuses"),
    ("", "template.tasks.deadline"),
    ("", "template.tasks.yearly"),
    ("", "template.tasks.quantity"),
    ("", "template.tasks.evidence"),
    ("", ""),
    ("h", "template.tasks.quantities"),
)
_CLOSING: tuple[tuple[str, str], ...] = (("", ""), ("h", "template.tasks.check"))


def _instructions(tasks: TaskList) -> list[Line]:
    """Return the task kind's own lines of the instructions (the writer adds the limits and the columns)."""
    lines = catalog_lines(
        _INSTRUCTIONS,
        plan=tasks.plan.get("number", ""),
        reports=REPORT.name,
        info=INFO.name,
        plans=PLANS.name,
        note=PLANS.note,
        task_list=TASK_LIST_SHEET,
        count=len(tasks),
        low=tasks.rules.plan_start_year,
        high=tasks.rules.plan_end_year,
        statuses="; ".join(s.vi for s in tasks.statuses),
    )
    for task in tasks:
        for q in task.quantities:
            lines.append(
                ("", t("template.tasks.promise", task=task.label, label=q.label_vi, promise=_promise_text(q)))
            )
    return lines + catalog_lines(_CLOSING)


def _promise_text(q: Quantity) -> str:
    value = format_number(q.value, 0)
    if q.value_max is not None:
        value = f"{value}–{format_number(q.value_max, 0)}"
    if q.at_least:
        value = t("template.tasks.at_least", value=value)
    if q.per == "year" and q.year is None:
        span = t("template.tasks.per_year")
    elif q.year is not None:
        span = t("template.tasks.in_year", year=q.year)
    else:
        span = t("template.tasks.whole_period")
    return f"{value} {q.unit} {span}"


def task_layout(
    *,
    reports: pd.DataFrame | None = None,
    info: dict[str, object] | None = None,
    tasks: TaskList | None = None,
    notice: str | None = None,
    created: datetime | None = None,
    plans: pd.DataFrame | None = None,
) -> Layout:
    """Return the layout of a progress workbook; blank when no rows are given.

    `reports` holds clean rows (columns of STORED_COLUMNS, status and metric as ids); `notice` adds a
    highlighted line at the top of the instructions (used to mark sample data); `created` fixes the file's
    creation time, so that the same rows give the same bytes.
    """
    tasks = tasks or default_tasks()
    sheet = report_sheet(tasks)
    shown = None if reports is None else _display_rows(reports.reset_index(drop=True), tasks)
    return Layout(
        instructions=_instructions(tasks),
        info_sheet=INFO,
        info=info or {},
        tables=((sheet, shown), (PLANS, plans)),
        main=sheet,
        lists={
            "task": task_ids(tasks),
            "status": sheet.column("status").choices,
            "metric": sheet.column("metric").choices,
            "yes_no": (YES, NO),
        },
        bounds={"year": (tasks.rules.plan_start_year, tasks.rules.plan_end_year), "quarter": (1, 4)},
        references=(_task_list(tasks),),
        notice=notice,
        created=created,
    )


def write_task_workbook(target: str | Path | io.BytesIO, **kwargs: Any) -> None:
    """Write a progress workbook in the template's format (same arguments as task_layout)."""
    write_layout(target, task_layout(**kwargs))


def task_template_bytes(tasks: TaskList | None = None) -> bytes:
    """Return the blank progress template as bytes (for downloads)."""
    return layout_bytes(task_layout(tasks=tasks))


def task_workbook_bytes(**kwargs: Any) -> bytes:
    """Return a filled progress workbook as bytes (same arguments as task_layout)."""
    return layout_bytes(task_layout(**kwargs))


def _display_rows(reports: pd.DataFrame, tasks: TaskList) -> pd.DataFrame:
    """Return clean rows as the sheet shows them: task id, short text, status and quantity labels."""
    status_label = {s.id: s.vi for s in tasks.statuses}
    metric_label = {q.metric: q.label_vi for t in tasks for q in t.quantities}
    out = pd.DataFrame(index=reports.index)
    out["task"] = [f"{g}.{int(n)}" for g, n in zip(reports["group"], reports["number"], strict=True)]
    out["task_text"] = [
        _short(tasks.get(g, int(n)).text) for g, n in zip(reports["group"], reports["number"], strict=True)
    ]
    for column in ("year", "quarter", "quantity", *TEXT_COLUMNS):
        out[column] = reports.get(column)
    out["status"] = reports["status"].map(status_label)
    metrics = reports["metric"] if "metric" in reports else pd.Series(None, index=reports.index, dtype=object)
    out["metric"] = metrics.map(lambda m: metric_label.get(m) if isinstance(m, str) else None)
    return out


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


# (key of the header in data/i18n/templates.yaml, column width) of the task list sheet.
_TASK_LIST_COLUMNS = (
    ("template.task_list.id", 11),
    ("template.task_list.group", 30),
    ("template.task_list.text", 70),
    ("template.task_list.lead", 26),
    ("template.task_list.co", 26),
    ("template.task_list.output", 36),
    ("template.task_list.time_frame", 18),
    ("template.task_list.quantities", 36),
)


def _task_list(tasks: TaskList) -> ReferenceSheet:
    """Return the sheet of the appendix's tasks, for looking up ids, lead agencies and deadlines."""
    groups = {g.id: g for g in tasks.groups}
    names = tasks.agencies
    rows = [
        (
            task.label,
            f"{task.group}. {groups[task.group].title_vi}",
            task.text,
            "; ".join(names[a].name_vi for a in task.lead_agencies),
            "; ".join(names[a].name_vi for a in task.co_agencies),
            task.output,
            task.time_frame,
            "\n".join(f"{q.label_vi}: {_promise_text(q)}" for q in task.quantities),
        )
        for task in tasks
    ]
    columns = tuple((t(key), width) for key, width in _TASK_LIST_COLUMNS)
    return ReferenceSheet(TASK_LIST_SHEET, columns, rows)


__all__ = [
    "INSTRUCTIONS_SHEET",
    "TaskReportWorkbook",
    "TaskValidation",
    "check_task_bytes",
    "read_task_workbook",
    "reporting_years",
    "task_template_bytes",
    "task_workbook_bytes",
    "validate_task_workbook",
    "write_task_workbook",
]
