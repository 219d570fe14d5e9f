"""Progress reports of the plan's tasks in the versioned store: kind 'tasks', versioned like the statistics.

One progress workbook is one version of its year (kind 'tasks'), written through the store's generic
mechanism (`Store.write_transaction`, `Store.write_version`, the `versions`, `current_versions` and
`events` tables): numbering, the current version, history, rollback and removal of sample versions all
behave exactly as for the statistics workbooks. This module adds the kind's row tables (created by the
migration `0002_task_reports`), the import (everything validated before anything is written, in one
transaction, a file already stored for its year recognised by its SHA-256), and the readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import sqlalchemy as sa

from kpi.common import problems as pb
from kpi.common.access import Identity, Permission, refusal
from kpi.common.formatting import format_number
from kpi.domain.tasks import TaskList
from kpi.store import versions as st
from kpi.workbook.reader import ROW, read_within_limits
from kpi.workbook.task_contract import (
    INFO,
    PLAN_COLUMNS,
    PLANS,
    REPORT,
    STORED_COLUMNS,
    TEXT_COLUMNS,
    default_tasks,
)
from kpi.workbook.task_reports import (
    TaskReportWorkbook,
    TaskValidation,
    read_task_workbook,
    validate_task_workbook,
)

TASKS = "tasks"


def _version_fk() -> sa.Column:
    fk = sa.ForeignKey("versions.id", ondelete="CASCADE")
    return sa.Column("version_id", sa.Integer, fk, nullable=False, primary_key=True)


tasks_info_table = sa.Table(
    "tasks_info",
    st.metadata,
    _version_fk(),
    sa.Column("reporting_unit", sa.Text),
    extend_existing=True,
)
tasks_reports_table = sa.Table(
    "tasks_reports",
    st.metadata,
    _version_fk(),
    sa.Column(ROW, sa.Integer, primary_key=True),
    sa.Column("group", sa.Text, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("quarter", sa.Integer),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("metric", sa.Text),
    sa.Column("quantity", sa.Double),
    sa.Column("result", sa.Text),
    sa.Column("evidence", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("difficulties", sa.Text),  # migration 0004
    extend_existing=True,
)
tasks_plans_table = sa.Table(
    "tasks_plans",  # the V.1 register (kpi/workbook/task_contract.py PLANS); migration 0004
    st.metadata,
    _version_fk(),
    sa.Column(ROW, sa.Integer, primary_key=True),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("issued", sa.Boolean, nullable=False),
    sa.Column("plan_number", sa.Text),
    sa.Column("plan_date", sa.Text),
    sa.Column("note", sa.Text),
    extend_existing=True,
)
st.KIND_TABLES.setdefault(
    TASKS, {INFO.id: tasks_info_table, REPORT.id: tasks_reports_table, PLANS.id: tasks_plans_table}
)

TEXTS = {
    "stored": {
        "vi": "Đã lưu báo cáo tiến độ nhiệm vụ năm {year}, phiên bản {version} ({rows} dòng báo cáo).",
        "en": "Stored the task progress report of {year} as version {version} ({rows} report rows).",
    },
    "duplicate": {
        "vi": "Tệp báo cáo tiến độ này đã được nhập cho năm {year} (phiên bản {version}); không tạo phiên bản mới.",
        "en": "This progress report was already imported for {year} (version {version}); no new version was created.",
    },
}


@dataclass
class TaskImportOutcome(st.ImportOutcome):
    """The result of importing a progress workbook (same statuses and fields as a statistics import)."""

    def message(self, lang: str = "vi") -> str:
        """Return the one-line summary to show after the import."""
        if self.status == st.Status.STORED:
            rows = format_number(self.row_counts.get(REPORT.id, 0), 0, lang)
            line = TEXTS["stored"][lang].format(year=self.year, version=self.version, rows=rows)
            if self.removed_sample:
                line += " " + st.text("sample_removed", lang, count=len(self.removed_sample))
            return line
        if self.status == st.Status.DUPLICATE:
            line = TEXTS["duplicate"][lang].format(year=self.year, version=self.version)
            if self.current_version != self.version:
                line += " " + st.text(
                    "duplicate_not_current", lang, version=self.version, current=self.current_version
                )
            return line
        return super().message(lang)


def import_task_workbook(
    store: st.Store,
    data: bytes | BinaryIO,
    file_name: str,
    by: str,
    note: str | None = None,
    is_sample: bool = False,
    *,
    year: int | None = None,
    replace_sample: bool = False,
    tasks: TaskList | None = None,
    today: date | None = None,
    expected_version: int | None | str = st.ANY_VERSION,
    identity: Identity | None = None,
) -> TaskImportOutcome:
    """Validate a progress workbook completely, then store it as a new version of its year (kind 'tasks').

    Return the outcome: stored, duplicate (the same file is already stored for that year: nothing written),
    rejected (problems; nothing written) or busy. `year`, when given, must be the workbook's year.
    `replace_sample` removes every sample version (of any kind) in the same transaction. `expected_version`
    is the version of the year in force at the preview (`kpi.store.versions.Store.import_workbook`): STALE when it
    changed since. Raise WorkbookUnreadable when the file is no workbook at all. Refused (nothing read,
    nothing written) unless `identity` may import.
    """
    denied = refusal(identity, Permission.IMPORT)
    if denied is not None:
        return TaskImportOutcome(st.Status.REJECTED, year=year, problems=[denied])
    if not isinstance(data, bytes | bytearray):
        data = data.read()
    data = bytes(data)
    by = (by or "").strip()
    note = (note or "").strip() or None
    if not by:
        return TaskImportOutcome(st.Status.REJECTED, year=year, problems=[pb.error("importer_required")])
    tasks = tasks or default_tasks()
    raw = read_within_limits(
        data, lambda content, limits: read_task_workbook(content, tasks, limits), store.limits
    )
    if isinstance(raw, list):
        return TaskImportOutcome(st.Status.REJECTED, year=year, problems=raw)

    validation = validate_task_workbook(raw, tasks, today)
    problems = list(validation.problems)
    clean = validation.clean
    if clean is not None and year is not None and clean.year != year:
        problems.insert(0, pb.error("year_mismatch", value=clean.year, year=year))
    if any(p.severity == pb.Severity.ERROR for p in problems) or clean is None:
        return TaskImportOutcome(
            st.Status.REJECTED,
            year=year or (clean.year if clean else None),
            problems=problems,
            validation=validation,
        )

    frames, row_counts = _task_frames(clean)
    digest = st.sha256_of(data)
    removed: list[tuple[str, int, int]] = []
    try:
        with store.write_transaction() as conn:
            stale = st.stale_preview(conn, TASKS, clean.year, expected_version)
            if stale is not None:
                return TaskImportOutcome(
                    st.Status.STALE, year=clean.year, problems=[stale], validation=validation
                )
            v = st.versions_table
            found = conn.execute(
                sa.select(v.c.version, v.c.is_sample)
                .where(v.c.kind == TASKS, v.c.year == clean.year, v.c.sha256 == digest)
                .order_by(v.c.version.desc())
            ).all()
            found = [f for f in found if not (replace_sample and f.is_sample)]
            if found:
                return TaskImportOutcome(
                    st.Status.DUPLICATE,
                    year=clean.year,
                    version=found[0].version,
                    problems=problems,
                    validation=validation,
                    current_version=_current_number(conn, clean.year),
                    row_counts=row_counts,
                )
            if replace_sample:
                removed = store._delete_sample(conn, by, identity)
            number = store.write_version(
                conn,
                TASKS,
                clean.year,
                frames,
                file_name=file_name,
                sha256=digest,
                by=by,
                note=note,
                is_sample=is_sample,
                row_counts=row_counts,
                identity=identity,
            )
    except st.StoreBusy as exc:
        return TaskImportOutcome(
            st.Status.BUSY, year=clean.year, problems=[exc.problem], validation=validation
        )
    return TaskImportOutcome(
        st.Status.STORED,
        year=clean.year,
        version=number,
        problems=problems,
        validation=validation,
        current_version=number,
        row_counts=row_counts,
        removed_sample=removed,
    )


def _task_frames(clean: TaskReportWorkbook) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Return the frames of the row tables of a progress-report version and their row counts."""
    frames = {
        INFO.id: pd.DataFrame([{"reporting_unit": clean.info.get("reporting_unit")}]),
        REPORT.id: clean.reports,
    }
    row_counts = {REPORT.id: len(clean.reports)}
    if clean.plans is not None:
        frames[PLANS.id] = clean.plans
        row_counts[PLANS.id] = len(clean.plans)
    return frames, row_counts


def task_sample_version(
    store: st.Store, data: bytes, file_name: str, tasks: TaskList | None = None, today: date | None = None
) -> st.SampleVersion:
    """Return a sample progress workbook checked and ready for `Store.restore_sample`; raise StoreError with
    its first error when it is not usable."""
    tasks = tasks or default_tasks()
    raw = read_within_limits(
        data, lambda content, limits: read_task_workbook(content, tasks, limits), store.limits
    )
    if isinstance(raw, list):
        raise st.StoreError(raw[0])
    validation = validate_task_workbook(raw, tasks, today)
    errors = [p for p in validation.problems if p.severity == pb.Severity.ERROR]
    if errors or validation.clean is None:
        raise st.StoreError(errors[0])  # a workbook without a clean result has errors
    frames, row_counts = _task_frames(validation.clean)
    return st.SampleVersion(TASKS, validation.clean.year, file_name, st.sha256_of(data), frames, row_counts)


def _current_number(conn: sa.Connection, year: int) -> int | None:
    c, v = st.current_table, st.versions_table
    query = (
        sa.select(v.c.version).join(c, v.c.id == c.c.version_id).where(c.c.kind == TASKS, c.c.year == year)
    )
    return conn.execute(query).scalar_one_or_none()


# --- reading ------------------------------------------------------------------------------------------------


def task_versions(store: st.Store) -> dict[int, int]:
    """Return {year: current version} of the progress reports (cheap: the page's cache key)."""
    return store.current_versions(TASKS)


def task_history(store: st.Store, year: int | None = None) -> pd.DataFrame:
    """Return the events of the progress reports (imports, rollbacks, sample removals), oldest first."""
    return store.history(year, kind=TASKS)


def rollback_tasks(
    store: st.Store,
    year: int,
    version: int | None,
    by: str,
    note: str | None = None,
    *,
    identity: Identity | None = None,
) -> st.RollbackOutcome:
    """Make a stored progress-report version of `year` current again (None: no current version, "no data");
    raise StoreError when it does not exist or `identity` may not roll back."""
    return store.rollback(year, version, by, note, kind=TASKS, identity=identity)


def _version_ids(
    conn: sa.Connection, versions: Mapping[int, int] | None, only_year: int | None = None
) -> dict[int, int]:
    c, v = st.current_table, st.versions_table
    if versions is None:
        query = sa.select(c.c.year, c.c.version_id).where(c.c.kind == TASKS)
        if only_year is not None:
            query = query.where(c.c.year == only_year)
        return {int(y): int(i) for y, i in conn.execute(query)}
    found: dict[int, int] = {}
    for y, n in versions.items():
        vid = conn.execute(
            sa.select(v.c.id).where(v.c.kind == TASKS, v.c.year == int(y), v.c.version == int(n))
        ).scalar_one_or_none()
        if vid is None:
            raise st.StoreError(_missing(conn, int(y), int(n)))
        found[int(y)] = int(vid)
    return found


def _missing(conn: sa.Connection, year: int, version: int | None) -> pb.Problem:
    v = st.versions_table
    numbers = list(
        conn.execute(
            sa.select(v.c.version).where(v.c.kind == TASKS, v.c.year == year).order_by(v.c.version)
        ).scalars()
    )
    if not numbers or version is None:
        years = sorted(
            conn.execute(sa.select(st.current_table.c.year).where(st.current_table.c.kind == TASKS)).scalars()
        )
        return pb.error("unknown_year", year=year, years=", ".join(map(str, years)) or "–")
    return pb.error("unknown_version", year=year, version=version, versions=", ".join(map(str, numbers)))


def _read_reports(conn: sa.Connection, ids: Mapping[int, int]) -> pd.DataFrame:
    table = tasks_reports_table
    columns = [*STORED_COLUMNS, ROW]
    if not ids:
        return _typed(pd.DataFrame(columns=columns))
    query = (
        sa.select(*(table.c[name] for name in columns))
        .where(table.c.version_id.in_(sorted(ids.values())))
        .order_by(table.c.year, table.c[ROW])
    )
    return _typed(pd.DataFrame.from_records(conn.execute(query).all(), columns=columns))


def _typed(rows: pd.DataFrame) -> pd.DataFrame:
    """Return stored rows with the dtypes validation gives (Int64 numbers, float64 quantity, object texts)."""
    out = rows.reset_index(drop=True).copy()
    for column in ("number", "year", "quarter"):
        out[column] = pd.array([None if pd.isna(x) else int(x) for x in out[column]], dtype="Int64")
    out["quantity"] = pd.to_numeric(out["quantity"], errors="coerce").astype("float64")
    for column in ("group", "status", "metric", *TEXT_COLUMNS):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out[ROW] = pd.to_numeric(out[ROW]).astype("int64")
    return out


def load_task_reports(store: st.Store, versions: Mapping[int, int] | None = None) -> pd.DataFrame:
    """Return the report rows of the current version of every year (or of the {year: version} given).

    Columns: group, number, year, quarter, status (id), metric (id), quantity, result, evidence, note,
    _row; sorted by year then Excel row, ready for `kpi.tasks.rules.latest_status`, `overdue` and
    `quantities_by_year`. One snapshot; nothing is cached.
    """
    with store.read_transaction() as conn:
        return _read_reports(conn, _version_ids(conn, versions))


def load_task_plans(store: st.Store, versions: Mapping[int, int] | None = None) -> pd.DataFrame:
    """Return the V.1 register rows of the current version of every year (or of the {year: version} given):
    year, unit, issued (bool), plan_number, plan_date, note; by year then Excel row."""
    columns = ["year", *PLAN_COLUMNS]
    with store.read_transaction() as conn:
        ids = _version_ids(conn, versions)
        if not ids:
            return pd.DataFrame(columns=columns)
        year_of = {vid: year for year, vid in ids.items()}
        table = tasks_plans_table
        query = (
            sa.select(table.c.version_id, *(table.c[c] for c in PLAN_COLUMNS))
            .where(table.c.version_id.in_(sorted(ids.values())))
            .order_by(table.c.version_id, table.c[ROW])
        )
        rows = [
            {"year": year_of[r[0]], **dict(zip(PLAN_COLUMNS, r[1:], strict=True))}
            for r in conn.execute(query)
        ]
    frame = pd.DataFrame(rows, columns=columns).sort_values("year", kind="stable").reset_index(drop=True)
    frame["issued"] = frame["issued"].astype(bool)
    return frame


def load_task_version(store: st.Store, year: int, version: int | None = None) -> TaskReportWorkbook:
    """Return one stored progress-report version (default: the current one) as it was imported."""
    with store.read_transaction() as conn:
        wanted = None if version is None else {year: version}
        ids = _version_ids(conn, wanted, only_year=year)
        if year not in ids:
            raise st.StoreError(_missing(conn, year, version))
        reports = _read_reports(conn, ids)
        unit = conn.execute(
            sa.select(tasks_info_table.c.reporting_unit).where(tasks_info_table.c.version_id == ids[year])
        ).scalar_one_or_none()
    plans = load_task_plans(store, {year: _number_of(store, ids[year])}).drop(columns="year")
    return TaskReportWorkbook(
        year=year,
        info={"year": year, "reporting_unit": unit},
        reports=reports,
        plans=plans if not plans.empty else None,
    )


def _number_of(store: st.Store, version_id: int) -> int:
    v = st.versions_table
    with store.read_transaction() as conn:
        return int(conn.execute(sa.select(v.c.version).where(v.c.id == version_id)).scalar_one())


def export_task_year(
    store: st.Store, year: int, target: str | Path | BinaryIO, version: int | None = None
) -> int:
    """Write the current (or given) progress-report version of a year as a workbook; return its number."""
    from kpi.workbook.task_reports import write_task_workbook

    with store.read_transaction() as conn:
        wanted = None if version is None else {year: version}
        ids = _version_ids(conn, wanted, only_year=year)
        if year not in ids:
            raise st.StoreError(_missing(conn, year, version))
        number, is_sample = conn.execute(
            sa.select(st.versions_table.c.version, st.versions_table.c.is_sample).where(
                st.versions_table.c.id == ids[year]
            )
        ).one()
    clean = load_task_version(store, year, int(number))
    notice = st.text("sample_notice") if is_sample else None
    write_task_workbook(target, reports=clean.reports, info=clean.info, notice=notice, plans=clean.plans)  # type: ignore[arg-type]
    return int(number)


__all__ = [
    "TASKS",
    "TaskImportOutcome",
    "TaskValidation",
    "export_task_year",
    "import_task_workbook",
    "load_task_plans",
    "load_task_reports",
    "load_task_version",
    "rollback_tasks",
    "task_sample_version",
    "task_history",
    "task_versions",
]
