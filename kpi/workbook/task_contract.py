"""The contract of the task progress workbook: its sheets and columns, loaded like `kpi.workbook.contract`.

One row per task and period: the task's id in the plan's appendix ("IV.7"), the year, the quarter (blank for
the whole year), the status, the quantity achieved for one of the task's promised quantities, a short result
and the reference of the document that proves it. The closed lists (statuses, task ids, quantity labels)
come from the task file (`data/tasks/`), so `report_sheet(tasks)` fills them in; the declaration file
data/workbooks/task-reports.yaml carries everything else.

A workbook reports one year: the optional sheet `Thông tin` may name it, otherwise the rows' year is the
workbook's year. That year is the year of the stored version, as for the statistics workbooks.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from kpi.common.safe_text import fold
from kpi.domain.tasks import REPORT_COLUMNS, TaskList, load_tasks
from kpi.workbook.contract import TASK_REPORTS_PATH, Kind, Sheet, load_contract

INFO, REPORT, PLANS = load_contract(TASK_REPORTS_PATH).values()
PLAN_COLUMNS = tuple(c.id for c in PLANS.columns)  # the register's rows as stored (besides `_row`)

# Written into the template so that whoever fills it sees the tasks; never read back.
TASK_LIST_SHEET = "Danh sách nhiệm vụ"

SHEETS: tuple[Sheet, ...] = (INFO, REPORT, PLANS)
STORED_COLUMNS = (
    REPORT_COLUMNS  # the clean rows as stored (besides the Excel row `_row`), declared by the domain
)
# The free-text columns of the stored rows (object dtype, None when blank), from the declarations.
TEXT_COLUMNS = tuple(c.id for c in REPORT.columns if c.kind == Kind.TEXT and c.id in STORED_COLUMNS)


def task_ids(tasks: TaskList) -> tuple[str, ...]:
    """Return the task ids in plan order ("I.1" .. "V.6")."""
    return tuple(task.label for task in tasks)


def report_sheet(tasks: TaskList | None = None) -> Sheet:
    """Return REPORT with its closed lists (statuses, quantity labels) filled in from the task file."""
    if tasks is None:
        return _default_report_sheet()
    status_aliases = {fold(label): s.vi for s in tasks.statuses for label in (s.id, s.en)}
    quantities = {q.metric: q.label_vi for task in tasks for q in task.quantities}
    columns = []
    for col in REPORT.columns:
        if col.id == "status":
            col = dataclasses.replace(
                col, choices=tuple(s.vi for s in tasks.statuses), choice_aliases=status_aliases
            )
        elif col.id == "metric":
            col = dataclasses.replace(
                col,
                choices=tuple(dict.fromkeys(quantities.values())),
                choice_aliases={fold(metric): label for metric, label in quantities.items()},
            )
        columns.append(col)
    return dataclasses.replace(REPORT, columns=tuple(columns))


@cache
def default_tasks() -> TaskList:
    """Return the task list of the default task file, loaded once (it is immutable)."""
    return load_tasks()


@cache
def _default_report_sheet() -> Sheet:
    return report_sheet(default_tasks())


__all__ = [
    "default_tasks",
    "INFO",
    "PLANS",
    "PLAN_COLUMNS",
    "REPORT",
    "SHEETS",
    "STORED_COLUMNS",
    "TEXT_COLUMNS",
    "TASK_LIST_SHEET",
    "report_sheet",
    "task_ids",
]
