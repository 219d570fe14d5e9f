"""The task progress workbook (sheets `Thông tin`, `Báo cáo nhiệm vụ`, `Kế hoạch triển khai`) as a
`WorkbookKind`: kind 'tasks' of the store.

What is stored: `tasks_info` the reporting unit (the year is the version's), `tasks_reports` the clean report
rows (the task id split into group and number, status and quantity as ids; the task's text is never kept),
`tasks_plans` the V.1 register as its sheet declares it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from kpi.common.settings import ReadLimits
from kpi.domain.tasks import TaskList
from kpi.workbook.kind import (
    StoredColumn,
    StoredSheet,
    StoredType,
    WorkbookKind,
    first_row,
    stored_sheet,
)
from kpi.workbook.reader import ROW, RawWorkbook
from kpi.workbook.task_contract import (
    INFO,
    PLAN_COLUMNS,
    PLANS,
    REPORT,
    SHEETS,
    STORED_COLUMNS,
    TEXT_COLUMNS,
    default_tasks,
)
from kpi.workbook.task_reports import (
    TaskReportWorkbook,
    TaskValidation,
    read_task_workbook,
    validate_task_workbook,
    write_task_workbook,
)

TASKS = "tasks"
YEAR = "year"

_TEXT, _INT, _NUMBER = StoredType.TEXT, StoredType.INTEGER, StoredType.NUMBER
# The types of the stored report rows that are not texts of the sheet (STORED_COLUMNS names them all).
_REPORT_TYPES = {
    "group": (_TEXT, True),
    "number": (_INT, True),
    "year": (_INT, True),
    "quarter": (_INT, False),
    "status": (_TEXT, True),
    "metric": (_TEXT, False),
    "quantity": (_NUMBER, False),
}
REPORTS_STORED = StoredSheet(
    REPORT.id,
    "tasks_reports",
    tuple(StoredColumn(name, *_REPORT_TYPES.get(name, (_TEXT, False))) for name in STORED_COLUMNS),
)
INFO_STORED = stored_sheet(INFO, "tasks_info", per_row=False, skip=(YEAR,))
PLANS_STORED = stored_sheet(PLANS, "tasks_plans", required=True)


def _nullable_ints(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array([None if pd.isna(x) else int(x) for x in values], dtype=_INT)


_INT = pd.Int64Dtype()  # a dtype object, not a name: pandas looks names up in its registry on every use


def _texts(values: np.ndarray) -> np.ndarray:
    """Return the cells as objects with None for a blank."""
    out = values.astype(object)
    out[pd.isna(out)] = None
    return out


def typed_reports(rows: pd.DataFrame) -> pd.DataFrame:
    """Return stored report rows with the dtypes validation gives (Int64 numbers, float64 quantity, object
    texts with None for blanks), `_row` included."""
    columns: dict[
        str, object
    ] = {}  # arrays, made a frame once: converting a frame's columns in place costs more
    for column in STORED_COLUMNS:
        values = rows[column].to_numpy()
        if column in ("number", "year", "quarter"):
            columns[column] = _nullable_ints(values)
        elif column == "quantity":
            columns[column] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column in ("group", "status", "metric", *TEXT_COLUMNS):
            columns[column] = _texts(values)
        else:
            columns[column] = rows[column].reset_index(drop=True)  # kept as it is, dtype included
    columns[ROW] = pd.to_numeric(rows[ROW].to_numpy()).astype("int64")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def typed_plans(rows: pd.DataFrame) -> pd.DataFrame:
    """Return stored register rows: `year` when the rows carry it, the register's columns, issued as bool."""
    columns = [YEAR, *PLAN_COLUMNS] if YEAR in rows else [*PLAN_COLUMNS]
    out = rows[columns].reset_index(drop=True).copy()
    if YEAR in out:
        out[YEAR] = out[YEAR].astype("int64")
    out["issued"] = out["issued"].astype(bool)
    return out


class TasksKind(WorkbookKind):
    """The task progress workbook: read and checked against the plan's task list (`tasks`) up to `today`."""

    write_options = ("tasks",)
    write = staticmethod(write_task_workbook)

    def read(
        self, data: bytes, limits: ReadLimits | None = None, tasks: TaskList | None = None, **_: object
    ) -> RawWorkbook:
        return read_task_workbook(data, tasks or default_tasks(), limits)

    def validate(
        self, raw: RawWorkbook, tasks: TaskList | None = None, today: date | None = None, **_: object
    ) -> TaskValidation:
        return validate_task_workbook(raw, tasks or default_tasks(), today)

    def frames(self, clean: TaskReportWorkbook) -> dict[str, pd.DataFrame]:
        unit = pd.DataFrame([{name: clean.info.get(name) for name in INFO_STORED.names}])
        optional = {} if clean.plans is None else {PLANS.id: clean.plans}
        return {INFO.id: unit, REPORT.id: clean.reports, **optional}

    def row_counts(self, clean: TaskReportWorkbook) -> dict[str, int]:
        return {sheet_id: len(rows) for sheet_id, rows in self.frames(clean).items() if sheet_id != INFO.id}

    def typed(self, sheet_id: str, rows: pd.DataFrame) -> pd.DataFrame:
        if sheet_id == REPORT.id:
            return typed_reports(rows)
        if sheet_id == PLANS.id:
            return typed_plans(rows)
        return rows.reset_index(drop=True).astype(object).where(rows.notna().reset_index(drop=True), None)

    def restore(self, year: int, frames: Mapping[str, pd.DataFrame]) -> TaskReportWorkbook:
        unit = frames[INFO.id]
        plans = frames[PLANS.id].drop(columns=YEAR, errors="ignore")
        return TaskReportWorkbook(
            year=year,
            info={YEAR: year, **{n: (unit[n].iloc[0] if len(unit) else None) for n in INFO_STORED.names}},
            reports=frames[REPORT.id],
            plans=plans if not plans.empty else None,
        )

    def written(self, clean: TaskReportWorkbook) -> dict[str, object]:
        return {"reports": clean.reports, "info": clean.info, "plans": clean.plans}

    def year_cell(self, raw: RawWorkbook) -> tuple[str, str, int] | None:
        """The year of `Thông tin` when written there, else the year of the first report row."""
        value, row = raw.info.get(YEAR, (None, None))
        if row is not None and value is not None and str(value).strip():
            return INFO.id, YEAR, row
        row = first_row(raw, REPORT.id)
        return None if row is None else (REPORT.id, YEAR, row)


TASKS_KIND = TasksKind(TASKS, SHEETS, (INFO_STORED, REPORTS_STORED, PLANS_STORED))

__all__ = ["TASKS", "TASKS_KIND", "TasksKind", "typed_plans", "typed_reports"]
