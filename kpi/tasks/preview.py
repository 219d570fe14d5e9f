"""What importing a task progress-report workbook would change, before it is confirmed: its year, the version
it replaces, the report rows per status before and after, and the sample data it would remove.

Pure, like `kpi.stats.preview` for the statistics workbooks: the page "Nhập dữ liệu" checks an upload with
`check_task_upload` and shows a `TaskImportPreview`; nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from kpi.common.formatting import MISSING, format_number
from kpi.common.i18n import t
from kpi.domain.tasks import TaskList
from kpi.store.versions import TASKS, Store
from kpi.tasks.board import period_text, status_label
from kpi.workbook.task_contract import REPORT, STORED_COLUMNS, default_tasks
from kpi.workbook.task_reports import TaskReportWorkbook
from kpi.workbook.tasks_kind import TASKS_KIND
from kpi.workbook.upload import UploadCheck, check_upload, is_sample_unit


def check_task_upload(
    data: bytes,
    *,
    max_file_mb: float | None = None,
    max_rows: int | None = None,
    on_step: Callable[[str], None] | None = None,
    tasks: TaskList | None = None,
    today: date | None = None,
) -> UploadCheck:
    """Return the check of an uploaded progress workbook with the store's limits, never raising for a bad
    file (the same steps and problems as `kpi.workbook.upload.check_upload` for the statistics)."""
    return check_upload(
        data,
        TASKS_KIND,
        max_file_mb=max_file_mb,
        max_rows=max_rows,
        on_step=on_step,
        tasks=tasks or default_tasks(),
        today=today,
    )


@dataclass
class TaskImportPreview:
    """What an import of one progress workbook does to its year.

    `statuses` has one row per status id of the task file (index), columns `before` (report rows of the
    version compared with) and `after` (rows of the workbook).
    """

    year: int
    current_version: int | None  # the version compared with; None when the year has no (real) report yet
    statuses: pd.DataFrame
    tasks_before: int
    tasks_after: int
    periods: list[tuple[int, int | None]]  # (year, quarter or None for the whole year), in order
    has_changes: bool
    sample_to_remove: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, year, version)
    is_sample: bool = False  # the workbook's reporting unit marks it as sample data
    mixes_with_real: bool = False  # ... and the store holds real data, so it must not be imported
    store_version: int | None = (
        None  # in force at the preview (sample or real): kpi.store.versions's expected_version
    )

    @property
    def is_new_year(self) -> bool:
        """Return True when the year has no version to compare with."""
        return self.current_version is None

    @property
    def rows_after(self) -> int:
        """Return the number of report rows of the workbook."""
        return int(self.statuses["after"].sum())


def preview_task_import(
    store: Store, clean: TaskReportWorkbook, tasks: TaskList | None = None
) -> TaskImportPreview:
    """Return what importing `clean` would change in the store.

    As for the statistics, real data never stands beside sample data: a real workbook is compared with the
    real version of its year and `sample_to_remove` lists every sample version (of either kind) that the
    import removes; a workbook marked as sample is compared with what is in force and `mixes_with_real`
    says whether real data (of either kind) is there.
    """
    tasks = tasks or default_tasks()
    year = clean.year
    is_sample = is_sample_unit(clean.info.get("reporting_unit"))
    versions = store.versions(year, kind=TASKS)
    sample = store.sample_versions()
    if is_sample:
        compared = next((v.version for v in versions if v.current), None)
    else:
        real = [v for v in versions if not v.is_sample]
        current = [v.version for v in real if v.current]
        compared = current[0] if current else max((v.version for v in real), default=None)
    before = store.load_rows(TASKS, REPORT.id, {year: compared}) if compared is not None else None
    after = clean.reports
    ids = [s.id for s in tasks.statuses]
    statuses = pd.DataFrame(
        {"before": _per_status(before, ids), "after": _per_status(after, ids)}, index=pd.Index(ids)
    )
    return TaskImportPreview(
        year=year,
        current_version=compared,
        statuses=statuses,
        tasks_before=_task_count(before),
        tasks_after=_task_count(after),
        periods=_periods(after),
        has_changes=_canonical(before) != _canonical(after),
        sample_to_remove=[] if is_sample else sample,
        is_sample=is_sample,
        mixes_with_real=is_sample and store.has_real(),
        store_version=next((v.version for v in versions if v.current), None),
    )


def _per_status(reports: pd.DataFrame | None, ids: list[str]) -> list[int]:
    if reports is None or reports.empty:
        return [0] * len(ids)
    counts = reports["status"].value_counts()
    return [int(counts.get(s, 0)) for s in ids]


def _task_count(reports: pd.DataFrame | None) -> int:
    if reports is None or reports.empty:
        return 0
    return int(reports[["group", "number"]].astype("str").drop_duplicates().shape[0])


def _periods(reports: pd.DataFrame) -> list[tuple[int, int | None]]:
    found = {
        (int(y), None if pd.isna(q) else int(q))
        for y, q in zip(reports["year"], reports["quarter"], strict=True)
    }
    return sorted(
        found, key=lambda p: (p[0], 5 if p[1] is None else p[1])
    )  # the whole year after its quarters


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) or hasattr(value, "item"):
        return float(value)
    return value


def _canonical(reports: pd.DataFrame | None) -> list[tuple]:
    """Return the stored columns of every row as plain values, sorted: equal lists mean the same reports."""
    if reports is None or reports.empty:
        return []
    rows = [tuple(_plain(v) for v in row) for row in reports[list(STORED_COLUMNS)].itertuples(index=False)]
    return sorted(rows, key=repr)


# --- tables as users read them ----------------------------------------------------------------------------


def task_status_table(
    preview: TaskImportPreview, tasks: TaskList | None = None, lang: str = "vi"
) -> pd.DataFrame:
    """Return the report rows per status (Tình trạng, before, after) with a total line; without the
    before column for a year that has nothing to compare with."""
    tasks = tasks or default_tasks()
    status_col = t("imports.tasks.col.status", lang)
    before_col = t("imports.tasks.col.before", lang, version=preview.current_version or MISSING)
    after_col = t("imports.tasks.col.after", lang)
    rows = [
        {
            status_col: status_label(tasks, status, lang),
            before_col: format_number(r["before"], 0, lang),
            after_col: format_number(r["after"], 0, lang),
        }
        for status, r in preview.statuses.iterrows()
    ]
    totals = preview.statuses.sum()
    rows.append(
        {
            status_col: t("imports.tasks.col.total", lang),
            before_col: format_number(int(totals["before"]), 0, lang),
            after_col: format_number(int(totals["after"]), 0, lang),
        }
    )
    frame = pd.DataFrame(rows, columns=[status_col, before_col, after_col])
    return frame.drop(columns=[before_col]) if preview.is_new_year else frame


def periods_text(preview: TaskImportPreview, lang: str = "vi") -> str:
    """Return the periods the workbook reports ("Quý 1/2021, Quý 2/2021, Năm 2021")."""
    return ", ".join(period_text(year, quarter, lang) for year, quarter in preview.periods)


__all__ = [
    "TaskImportPreview",
    "check_task_upload",
    "periods_text",
    "preview_task_import",
    "task_status_table",
]
