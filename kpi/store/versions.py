"""The versioned store of yearly uploads, behind SQLAlchemy 2 (SQLite by default, PostgreSQL when it grows).

Every import of a workbook creates a new version of one reporting year of its kind (`versions.kind`: 'stats',
'tasks', any kind of `kpi.workbook.kinds`); versions of a year are
numbered 1, 2, 3... and never renumbered. The newest version of each year is the current one until a
rollback makes an earlier one current again, or leaves the year with no current version ("no data": the pages
show the year as without data; a later rollback can make any stored version current again). Every import,
rollback, removal and restoration of sample data is an event of the history.

Writes are all or nothing: the workbook is validated completely first, then everything is written in one
transaction that holds the store's write lock (SQLite: `BEGIN IMMEDIATE` with a busy timeout; PostgreSQL: a
transaction-scoped advisory lock with `lock_timeout`), so that imports of one database are serialised. When
the lock cannot be had in time the import is refused with a clear message (`store_busy`), never half done.

Readers get a consistent snapshot: the current version ids are read once, then one query per sheet.
The schema is created and upgraded by the Alembic migrations of `kpi/store/migrations/` when the store is opened.

Row tables are per kind and generated from the kinds registered in `kpi.workbook.kinds` (`row_tables`): each
kind declares the sheets it keeps (`WorkbookKind.stored`), each table references `versions.id` with
`ON DELETE CASCADE`. Importing, history, rollback, reading back and exporting are written once and take a
kind; what is particular to a kind (reading, checking, the rows kept, their types) is the kind's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from kpi.common import problems as pb
from kpi.common.access import Identity, Permission, refusal
from kpi.common.formatting import format_number
from kpi.common.i18n import t
from kpi.common.settings import ReadLimits, load_settings, read_limits
from kpi.domain.places import DEFAULT_PATH, Reference, load_reference
from kpi.workbook.dataset import Dataset
from kpi.workbook.kind import StoredSheet, StoredType
from kpi.workbook.kinds import STATS, TASKS, all_kinds
from kpi.workbook.kinds import kind as kind_of
from kpi.workbook.reader import ROW
from kpi.workbook.stats_kind import dataset
from kpi.workbook.upload import check_upload
from kpi.workbook.validate import Validation

YEAR = "year"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_LOCK_TIMEOUT = 15.0  # seconds an import waits for another one to finish before it is refused
INSERT_CHUNK = 5_000  # rows per executemany batch
_PG_LOCK_KEY = 4_850_001  # advisory lock key of the store's writers (any constant shared by all processes)
_MB = 1024 * 1024
log = logging.getLogger(__name__)


class Action(StrEnum):
    """What an event of the history did."""

    IMPORT = "import"
    ROLLBACK = "rollback"
    DELETE_SAMPLE = "delete_sample"
    RESTORE_SAMPLE = "restore_sample"  # a sample version stored again after its removal (`restore_sample`)


class Status(StrEnum):
    """The outcome of an import."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    BUSY = "busy"
    STALE = "stale"  # the year changed since the preview the user confirmed: nothing written


# The errors that mean the database cannot be reached (server down or refusing, wrong host, file that cannot
# be opened): the dashboard shows a plain message for them and logs the details.
UNREACHABLE: Final = (sa.exc.OperationalError, sa.exc.InterfaceError)

ANY_VERSION: Final = "any"  # `expected_version` of an import that confirms no preview (the command line)


# --- tables (the migrations in kpi/store/migrations/ create them; a test checks both agree) ----------------------

metadata = sa.MetaData()

versions_table = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("row_counts", sa.JSON, nullable=False),
    sa.Column("is_sample", sa.Boolean, nullable=False),
    sa.UniqueConstraint("kind", "year", "version", name="uq_versions_kind_year_version"),
    sqlite_autoincrement=True,  # ids are never reused, even after deletions
)

current_table = sa.Table(
    "current_versions",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
)

events_table = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(20)),
    sa.Column("year", sa.Integer),
    sa.Column("version", sa.Integer),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="SET NULL")),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("detail", sa.JSON),
    # who acted, beside `actor` (migration 0003): the account (web), the OS user (command line), the web
    # session and the client's address
    sa.Column("account", sa.String(64)),
    sa.Column("os_user", sa.Text),
    sa.Column("session_id", sa.String(64)),
    sa.Column("client_address", sa.String(64)),
    sqlite_autoincrement=True,  # ids are never reused, even after deletions
)


_SQL_TYPES: Final = {
    StoredType.TEXT: sa.Text,
    StoredType.NUMBER: sa.Double,
    StoredType.INTEGER: sa.Integer,
    StoredType.BOOLEAN: sa.Boolean,
}
_ROW_TABLES: dict[str, dict[str, sa.Table]] = {}


def _row_table(stored: StoredSheet) -> sa.Table:
    fk = sa.ForeignKey("versions.id", ondelete="CASCADE")
    key = [sa.Column("version_id", sa.Integer, fk, nullable=False, primary_key=True)]
    if stored.per_row:
        key.append(sa.Column(ROW, sa.Integer, nullable=False, primary_key=True))
    columns = (sa.Column(c.name, _SQL_TYPES[c.type](), nullable=not c.required) for c in stored.columns)
    return sa.Table(stored.table, metadata, *key, *columns)


def row_tables(kind_id: str) -> dict[str, sa.Table]:
    """Return the row tables of a kind, keyed by the sheet id they hold (as the row counts of its versions
    are), generated from the kind's declaration on first use."""
    if kind_id not in _ROW_TABLES:
        _ROW_TABLES[kind_id] = {s.sheet_id: _row_table(s) for s in kind_of(kind_id).stored}
    return _ROW_TABLES[kind_id]


def forget_row_tables(kind_id: str) -> None:
    """Drop a kind's generated tables from the declarations (not from a database): tests of a toy kind."""
    for table in _ROW_TABLES.pop(kind_id, {}).values():
        metadata.remove(table)


for _kind in all_kinds():
    row_tables(
        _kind.id
    )  # the kinds registered at start: what the migrations create (a test checks both agree)


# --- results ----------------------------------------------------------------------------------------------


def text(key: str, lang: str = "vi", **kw: object) -> str:
    """Return a store message in `lang` (catalog keys store.*)."""
    return t(f"store.{key}", lang, **kw)


def rows_text(row_counts: Mapping[str, int], lang: str = "vi", kind_id: str = STATS) -> str:
    """Return the row counts of a version in words ("150 HTX, 8 dòng THT"; "4 dòng báo cáo")."""
    counted = {
        s.sheet_id: format_number(row_counts.get(s.sheet_id, 0), 0, lang) for s in kind_of(kind_id).stored
    }
    return t(f"{kind_of(kind_id).texts}.rows", lang, **counted)


@dataclass
class ImportOutcome:
    """The result of an import: its status, the version written (or matched), the problems and the validation."""

    status: Status
    year: int | None = None
    version: int | None = None
    problems: list[pb.Problem] = field(default_factory=list)
    validation: Validation | None = None
    current_version: int | None = None  # the current version of the year after the import
    row_counts: dict[str, int] = field(default_factory=dict)
    removed_sample: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, year, version)
    kind: str = STATS

    @property
    def ok(self) -> bool:
        """Return True when the data is in the store (stored now or found stored already)."""
        return self.status in (Status.STORED, Status.DUPLICATE)

    @property
    def errors(self) -> list[pb.Problem]:
        """Return the problems that stopped the import."""
        return [p for p in self.problems if p.severity == pb.Severity.ERROR]

    def message(self, lang: str = "vi") -> str:
        """Return the one-line summary to show after the import."""
        texts = kind_of(self.kind).texts
        if self.status == Status.STORED:
            rows = rows_text(self.row_counts, lang, self.kind)
            line = t(f"{texts}.stored", lang, year=self.year, version=self.version, rows=rows)
            if self.removed_sample:
                line += " " + text("sample_removed", lang, count=len(self.removed_sample))
            return line
        if self.status == Status.DUPLICATE:
            line = t(f"{texts}.duplicate", lang, year=self.year, version=self.version)
            if self.current_version != self.version:
                line += " " + text(
                    "duplicate_not_current", lang, version=self.version, current=self.current_version
                )
            return line
        if self.status == Status.BUSY:
            return pb.error("store_busy").message(lang)
        if self.status == Status.STALE:
            return self.problems[0].message(lang)
        if [p.code for p in self.errors] in (["login_required"], ["forbidden"]):  # refused before reading
            return self.errors[0].message(lang)
        return text("rejected", lang, errors=len(self.errors))


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a year."""

    kind: str
    year: int
    version: int
    imported_at: datetime
    imported_by: str
    note: str | None
    file_name: str
    sha256: str
    row_counts: dict[str, int]
    is_sample: bool
    current: bool


@dataclass(frozen=True)
class RollbackOutcome:
    """The result of a rollback: the version now current and the one current before (None: no data)."""

    year: int
    version: int | None
    previous: int | None
    changed: bool

    def message(self, lang: str = "vi") -> str:
        """Return the one-line summary to show after the rollback."""
        if not self.changed:
            if self.version is None:
                return text("already_none", lang, year=self.year)
            return text("already_current", lang, year=self.year, version=self.version)
        if self.version is None:
            return text("rolled_back_to_none", lang, year=self.year, previous=self.previous)
        if self.previous is None:
            return text("rolled_back_from_none", lang, year=self.year, version=self.version)
        return text("rolled_back", lang, year=self.year, version=self.version, previous=self.previous)


@dataclass(frozen=True)
class SampleVersion:
    """One sample workbook ready to be stored again (`Store.restore_sample`): its kind, year, file, SHA-256,
    the frames of its row tables (keyed as `row_tables(kind)`) and their row counts."""

    kind: str
    year: int
    file_name: str
    sha256: str
    frames: Mapping[str, pd.DataFrame]
    row_counts: Mapping[str, int]


class StoreError(Exception):
    """A request the store cannot carry out; carries the problem to show."""

    def __init__(self, problem: pb.Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


class StoreBusy(StoreError):
    """Another writer holds the store's write lock and did not release it in time."""

    def __init__(self) -> None:
        super().__init__(pb.error("store_busy"))


# --- opening ------------------------------------------------------------------------------------------------


def open_store(
    url: str | None = None,
    *,
    max_file_mb: float | None = None,
    max_rows: int | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Store:
    """Return the store at `url` (default: KPI_DATABASE_URL or the embedded SQLite file), migrated to the head.

    An SQLite file and its folder are created on first use. Limits default to the settings (KPI_MAX_FILE_MB,
    KPI_MAX_ROWS).
    """
    settings = load_settings()
    engine = create_engine(url or settings.database_url, lock_timeout=lock_timeout)
    store = Store(
        engine,
        max_file_mb=settings.max_file_mb if max_file_mb is None else max_file_mb,
        max_rows=settings.max_rows if max_rows is None else max_rows,
        lock_timeout=lock_timeout,
    )
    try:
        store.migrate()
    except Exception:
        engine.dispose()
        raise
    return store


def create_engine(url: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> sa.Engine:
    """Return an engine for the store: SQLite with WAL, foreign keys and explicit BEGINs; PostgreSQL as is."""
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver installed (psycopg 3), not psycopg2
    if parsed.get_backend_name() != "sqlite":
        # A database server that does not answer is reported after 10 s rather than the system's minutes.
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, object] = {"connect_args": {"timeout": lock_timeout, "check_same_thread": False}}
    if in_memory:
        kwargs["poolclass"] = sa.pool.StaticPool
    engine = sa.create_engine(parsed, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # pysqlite's own transaction handling is switched off so that we emit BEGIN (IMMEDIATE) ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")  # readers keep reading while an import writes
            cursor.execute("PRAGMA synchronous = NORMAL")  # with WAL: a killed process never loses a commit
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("kpi_write") else "BEGIN")

    return engine


_REFERENCES: dict[tuple[str, int], Reference] = {}


def bundled_reference() -> Reference:
    """Return the bundled districts and communes, read again only when their file changes."""
    key = (str(DEFAULT_PATH), DEFAULT_PATH.stat().st_mtime_ns)
    if key not in _REFERENCES:
        _REFERENCES.clear()
        _REFERENCES[key] = load_reference(DEFAULT_PATH)
    return _REFERENCES[key]


def _alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str | None:
    """Return the newest migration's revision id (the scripts are code: read once per process, which saves
    every first open of a store Alembic's reading and compiling of every script)."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


_PG_LOCK_STATES = frozenset(
    {"55P03", "40P01", "40001"}
)  # lock not available, deadlock, serialisation failure
_SQLITE_LOCK_TEXTS = ("database is locked", "database table is locked")
_UNIQUE_GUARD_TEXTS = ("uq_versions_kind_year_version", "versions.kind, versions.year")  # PostgreSQL, SQLite


def _lock_error(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _PG_LOCK_STATES:
        return True
    return any(t in str(orig or exc) for t in _SQLITE_LOCK_TEXTS)


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return a time read from the store as an aware UTC time (SQLite hands back naive UTC times,
    PostgreSQL the session's zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sha256_of(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


# --- the store ----------------------------------------------------------------------------------------------


class Store:
    """The versioned store of one database. Open it with `open_store()`; close it with `close()`."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        max_file_mb: float,
        max_rows: int,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ):
        self.engine = engine
        self.max_file_mb = max_file_mb
        self.max_rows = max_rows
        self.lock_timeout = lock_timeout
        self.is_postgres = engine.dialect.name == "postgresql"
        self._reference: Reference | None = None
        # Called as fn(store, kind, year, version, clean or None) after a committed import, rollback or restored
        # sample made a version current: how the statistics keep each version's results (kpi.stats.results.keep_results)
        # without the store importing them. A failure is logged; the results are then computed when read.
        self.after_change: list[Callable[..., None]] = []

    @property
    def reference(self) -> Reference:
        """Return the districts and communes used to validate imports (read once per store)."""
        if self._reference is None:
            self._reference = bundled_reference()
        return self._reference

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @property
    def url(self) -> str:
        """Return the database URL without its password."""
        return self.engine.url.render_as_string(hide_password=True)

    # --- transactions ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def read_transaction(self) -> Iterator[sa.Connection]:
        """Yield a connection in a read transaction that sees one consistent snapshot."""
        with self.engine.connect() as conn:
            if self.is_postgres:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[sa.Connection]:
        """Yield a connection in a transaction holding the store's write lock; commit at the end.

        Raise StoreBusy when the lock cannot be had within `lock_timeout` seconds (or when the unique
        (kind, year, version) guard trips because of a writer that bypassed the lock).
        """
        try:
            with self.engine.connect() as conn:
                conn.execution_options(kpi_write=True)
                with conn.begin():
                    if self.is_postgres:
                        timeout_ms = max(1, int(self.lock_timeout * 1000))
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout_ms}")
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
                        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
                    yield conn
        except sa.exc.IntegrityError as exc:
            if any(t in str(exc.orig) for t in _UNIQUE_GUARD_TEXTS):
                raise StoreBusy() from exc
            raise
        except sa.exc.OperationalError as exc:
            if _lock_error(exc):
                raise StoreBusy() from exc
            raise

    def migrate(self) -> None:
        """Apply the migrations that the database lacks, in one transaction under the write lock."""
        head = head_revision()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
        if current == head:
            return
        with self.write_transaction() as conn:
            command.upgrade(_alembic_config(conn), "head")

    def revision(self) -> str | None:
        """Return the migration revision the database is at."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # --- importing ------------------------------------------------------------------------------------------

    @property
    def limits(self) -> ReadLimits:
        """Return the limits imports are read within: the settings with this store's file and row limits."""
        return read_limits(max_file_mb=self.max_file_mb, max_rows=self.max_rows)

    def import_workbook(
        self,
        data: bytes | BinaryIO | Path,
        file_name: str,
        year: int | None,
        by: str,
        note: str | None = None,
        is_sample: bool = False,
        *,
        kind: str = STATS,
        replace_sample: bool = False,
        expected_version: int | None | str = ANY_VERSION,
        identity: Identity | None = None,
        **options: object,
    ) -> ImportOutcome:
        """Validate a workbook of a kind completely, then store it as a new version of its year.

        Return the outcome: stored (new version), duplicate (same file already stored for that year: nothing
        written), rejected (problems; nothing written) or busy (another import held the lock too long).
        `year`, when given, must equal the workbook's year. `replace_sample` removes every sample version (of
        any kind) in the same transaction (each removal an event). `expected_version`, from a preview, is the
        version of the year in force when the preview was made (None: no version); if another import or a
        rollback changed it since, nothing is written and the status is STALE. `options` go to the kind's
        reader and validator (`tasks`, `today`; the statistics get this store's `reference`). Raise
        WorkbookUnreadable when the file is no workbook at all. Refused (nothing read, nothing written)
        unless `identity` may import.
        """
        denied = refusal(identity, Permission.IMPORT)
        if denied is not None:
            return ImportOutcome(Status.REJECTED, year=year, problems=[denied], kind=kind)
        workbook_kind = kind_of(kind)
        by = (by or "").strip()
        note = (note or "").strip() or None
        if not by:
            return ImportOutcome(
                Status.REJECTED, year=year, problems=[pb.error("importer_required")], kind=kind
            )
        if not isinstance(data, bytes | bytearray | Path):
            data = data.read()
        options.setdefault("reference", self.reference)
        checked = check_upload(data, workbook_kind, limits=self.limits, **options)
        if checked.refused is not None:
            raise checked.refused
        validation, raw = checked.validation, checked.raw
        if validation is None or raw is None:
            return ImportOutcome(Status.REJECTED, year=year, problems=checked.problems, kind=kind)

        problems = list(validation.problems)
        clean = validation.clean
        file_year = clean.year if clean is not None else workbook_kind.raw_year(raw)
        if year is not None and file_year is not None and file_year != year:
            problems.insert(0, workbook_kind.year_mismatch(raw, file_year, year))
        if any(p.severity == pb.Severity.ERROR for p in problems) or clean is None:
            return ImportOutcome(
                Status.REJECTED, year=year or file_year, problems=problems, validation=validation, kind=kind
            )

        frames = workbook_kind.frames(clean)
        row_counts = workbook_kind.row_counts(clean)
        digest = sha256_of(checked.data or b"")
        outcome = functools.partial(ImportOutcome, year=clean.year, validation=validation, kind=kind)
        try:
            with self.write_transaction() as conn:
                stale = stale_preview(conn, kind, clean.year, expected_version)
                if stale is not None:
                    return outcome(Status.STALE, problems=[stale])
                v = versions_table
                found = conn.execute(
                    sa.select(v.c.version, v.c.is_sample)
                    .where(v.c.kind == kind, v.c.year == clean.year, v.c.sha256 == digest)
                    .order_by(v.c.version.desc())
                ).all()
                found = [f for f in found if not (replace_sample and f.is_sample)]
                if found:
                    current = _current_number(conn, kind, clean.year)
                    return outcome(
                        Status.DUPLICATE,
                        version=found[0].version,
                        problems=problems,
                        current_version=current,
                        row_counts=row_counts,
                    )
                removed = self._delete_sample(conn, by, identity) if replace_sample else []
                number = self.write_version(
                    conn,
                    kind,
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
        except StoreBusy as exc:
            return outcome(Status.BUSY, problems=[exc.problem])
        self._changed(kind, clean.year, number, clean)
        return outcome(
            Status.STORED,
            version=number,
            problems=problems,
            current_version=number,
            row_counts=row_counts,
            removed_sample=removed,
        )

    def write_version(
        self,
        conn: sa.Connection,
        kind: str,
        year: int,
        frames: Mapping[str, pd.DataFrame],
        *,
        file_name: str,
        sha256: str,
        by: str,
        note: str | None,
        is_sample: bool,
        row_counts: Mapping[str, int],
        identity: Identity | None = None,
        action: Action = Action.IMPORT,
    ) -> int:
        """Write a new version of (kind, year) and make it current; return its number.

        Call inside `write_transaction()`. `frames` maps the sheet ids of `row_tables(kind)` to frames whose
        columns include the tables' columns (`version_id` excepted). `action` names the event recorded.
        """
        number = _next_number(conn, kind, year)
        at = _now()
        version_id = conn.execute(
            versions_table.insert().values(
                kind=kind,
                year=year,
                version=number,
                imported_at=at,
                imported_by=by,
                note=note,
                file_name=file_name,
                sha256=sha256,
                row_counts=dict(row_counts),
                is_sample=is_sample,
            )
        ).inserted_primary_key[0]
        for sheet_id, table in row_tables(kind).items():
            if sheet_id in frames:
                insert_frame(conn, table, frames[sheet_id], version_id)
        _set_current(conn, kind, year, version_id)
        detail = {
            "file_name": file_name,
            "sha256": sha256,
            "row_counts": dict(row_counts),
            "is_sample": is_sample,
        }
        _record(
            conn,
            action,
            by,
            kind=kind,
            year=year,
            version=number,
            version_id=version_id,
            note=note,
            detail=detail,
            at=at,
            identity=identity,
        )
        return number

    # --- rollback and sample data ---------------------------------------------------------------------------

    def rollback(
        self,
        year: int,
        version: int | None,
        by: str,
        note: str | None = None,
        kind: str = STATS,
        *,
        identity: Identity | None = None,
    ) -> RollbackOutcome:
        """Make an earlier (or any stored) version of a year current again, recorded as an event; `version`
        None leaves the year with no current version ("no data"; every version stays stored).

        Return what changed; raise StoreError when `identity` may not roll back or the year or version does
        not exist, StoreBusy when the write lock cannot be had.
        """
        by = _allowed_actor(identity, Permission.ROLLBACK, by)
        with self.write_transaction() as conn:
            v = versions_table
            wanted = [v.c.kind == kind, v.c.year == year]
            if version is not None:
                wanted.append(v.c.version == version)
            target = conn.execute(sa.select(v.c.id).where(*wanted).limit(1)).scalar_one_or_none()
            if target is None:
                raise StoreError(self._missing(conn, kind, year, version))
            previous = _current_number(conn, kind, year)
            if previous == version:
                return RollbackOutcome(year, version, previous, changed=False)
            if version is None:
                target = None
                c = current_table
                conn.execute(c.delete().where(c.c.kind == kind, c.c.year == year))
            else:
                _set_current(conn, kind, year, target)
            detail = {"previous_version": previous}
            _record(
                conn,
                Action.ROLLBACK,
                by,
                kind=kind,
                year=year,
                version=version,
                version_id=target,
                note=note,
                detail=detail,
                identity=identity,
            )
        if version is not None:  # a version made current (not a rollback to no data): keep its results
            self._changed(kind, year, version, None)
        return RollbackOutcome(year, version, previous, changed=True)

    def _changed(self, kind: str, year: int, version: int, clean: object | None) -> None:
        """Run the `after_change` callbacks of a version made current (committed already)."""
        for callback in self.after_change:
            try:
                callback(self, kind, year, version, clean)
            except Exception:  # the version is stored; what it failed to keep is computed when read
                log.exception("after_change %s of %s %s version %s failed", callback, kind, year, version)

    def has_sample(self) -> bool:
        """Return True when any sample version is stored."""
        with self.engine.connect() as conn:
            query = sa.select(sa.literal(1)).where(versions_table.c.is_sample.is_(True)).limit(1)
            return conn.execute(query).first() is not None

    def sample_versions(self) -> list[tuple[str, int, int]]:
        """Return (kind, year, version) of every stored sample version, of every kind: what a real import with
        `replace_sample` removes."""
        v = versions_table
        query = sa.select(v.c.kind, v.c.year, v.c.version).where(v.c.is_sample.is_(True))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(v.c.kind, v.c.year, v.c.version)).all()
        return [(str(k), int(y), int(n)) for k, y, n in rows]

    def has_real(self) -> bool:
        """Return True when a real version (not sample) of any kind is stored in a year that has a version in
        force: real data that sample data must not join."""
        v, c = versions_table, current_table
        in_force = sa.select(c.c.kind, c.c.year)
        query = (
            sa.select(sa.literal(1))
            .where(v.c.is_sample.is_(False), sa.tuple_(v.c.kind, v.c.year).in_(in_force))
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def delete_sample(self, by: str, *, identity: Identity | None = None) -> list[tuple[str, int, int]]:
        """Remove every sample version (rows included), each removal an event; return (kind, year, version)s.

        A year whose current version was a sample falls back to its newest remaining version, if any. Raise
        StoreError when `identity` may not remove the sample data.
        """
        denied = refusal(identity, Permission.SAMPLE)
        if denied is not None:
            raise StoreError(denied)
        with self.write_transaction() as conn:
            return self._delete_sample(conn, by, identity)

    def _delete_sample(
        self, conn: sa.Connection, by: str, identity: Identity | None = None
    ) -> list[tuple[str, int, int]]:
        v = versions_table
        rows = conn.execute(
            sa.select(v.c.id, v.c.kind, v.c.year, v.c.version, v.c.file_name, v.c.sha256)
            .where(v.c.is_sample.is_(True))
            .order_by(v.c.kind, v.c.year, v.c.version)
        ).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        for r in rows:
            detail = {"file_name": r.file_name, "sha256": r.sha256}
            _record(
                conn,
                Action.DELETE_SAMPLE,
                by,
                kind=r.kind,
                year=r.year,
                version=r.version,
                detail=detail,
                identity=identity,
            )
        conn.execute(current_table.delete().where(current_table.c.version_id.in_(ids)))
        for table in (table for tables in _ROW_TABLES.values() for table in tables.values()):
            conn.execute(table.delete().where(table.c.version_id.in_(ids)))  # SQLite may lack the FK cascade
        conn.execute(v.delete().where(v.c.id.in_(ids)))
        for kind, year in sorted({(r.kind, r.year) for r in rows}):
            if _current_number(conn, kind, year) is None:
                newest = conn.execute(
                    sa.select(v.c.id)
                    .where(v.c.kind == kind, v.c.year == year)
                    .order_by(v.c.version.desc())
                    .limit(1)
                ).scalar_one_or_none()
                if newest is not None:
                    _set_current(conn, kind, year, newest)
        return [(r.kind, r.year, r.version) for r in rows]

    def sample_version(
        self, data: bytes, file_name: str, kind: str = STATS, **options: object
    ) -> SampleVersion:
        """Return a sample workbook of a kind checked and ready for `restore_sample`; raise StoreError with its
        first error when it is not usable."""
        options.setdefault("reference", self.reference)
        checked = check_upload(data, kind_of(kind), limits=self.limits, **options)
        if not checked.ok:
            raise StoreError(checked.errors[0] if checked.errors else checked.problems[0])
        clean = checked.clean
        workbook_kind = kind_of(kind)
        frames, row_counts = workbook_kind.frames(clean), workbook_kind.row_counts(clean)
        return SampleVersion(kind, clean.year, file_name, sha256_of(data), frames, row_counts)

    def restore_sample(
        self, by: str, samples: list[SampleVersion], *, identity: Identity | None = None
    ) -> list[tuple[str, int, int]]:
        """Store the sample workbooks `samples` again as sample versions, in one transaction, each an event
        `restore_sample`; return the (kind, year, version)s written.

        Real data is never replaced and never stands beside sample data: refused (StoreError, nothing
        written) while a real version of a kind restored is current in any year; roll those years back to
        "no data" first. A year whose versions are all real but none current gets the sample as current (its
        real versions stay stored). A sample file already stored for its year is not stored again. Raise
        StoreError when `identity` may not restore the sample data, StoreBusy when the lock cannot be had.
        """
        by = _allowed_actor(identity, Permission.SAMPLE, by)
        written: list[tuple[str, int, int]] = []
        v, c = versions_table, current_table
        with self.write_transaction() as conn:
            kinds = sorted({s.kind for s in samples})
            real = conn.execute(
                sa.select(c.c.kind, c.c.year)
                .join(v, v.c.id == c.c.version_id)
                .where(c.c.kind.in_(kinds), v.c.is_sample.is_(False))
                .order_by(c.c.kind, c.c.year)
            ).all()
            if real:
                years = ", ".join(str(y) for y in sorted({r.year for r in real}))
                raise StoreError(pb.error("sample_over_real_data", years=years))
            for s in samples:
                stored = conn.execute(
                    sa.select(v.c.id).where(v.c.kind == s.kind, v.c.year == s.year, v.c.sha256 == s.sha256)
                ).first()
                if stored is not None:
                    continue
                number = self.write_version(
                    conn,
                    s.kind,
                    s.year,
                    s.frames,
                    file_name=s.file_name,
                    sha256=s.sha256,
                    by=by,
                    note=None,
                    is_sample=True,
                    row_counts=s.row_counts,
                    identity=identity,
                    action=Action.RESTORE_SAMPLE,
                )
                written.append((s.kind, s.year, number))
        for kind, year, number in written:  # read back from the store by the callbacks: few and small
            self._changed(kind, year, number, None)
        return written

    def _missing(self, conn: sa.Connection, kind: str, year: int, version: int | None) -> pb.Problem:
        numbers = conn.execute(
            sa.select(versions_table.c.version)
            .where(versions_table.c.kind == kind, versions_table.c.year == year)
            .order_by(versions_table.c.version)
        ).scalars()
        numbers = list(numbers)
        if not numbers or version is None:
            years = sorted(_current_numbers(conn, kind))
            return pb.error("unknown_year", year=year, years=", ".join(map(str, years)) or "–")
        return pb.error("unknown_version", year=year, version=version, versions=", ".join(map(str, numbers)))

    # --- reading --------------------------------------------------------------------------------------------

    def current_versions(self, kind: str = STATS) -> dict[int, int]:
        """Return {year: current version number} (cheap: the dashboard's cache key)."""
        with self.engine.connect() as conn:
            return _current_numbers(conn, kind)

    def years(self, kind: str = STATS) -> list[int]:
        """Return the years that have a current version, ascending."""
        return sorted(self.current_versions(kind))

    def stored_years(self, kind: str = STATS) -> list[int]:
        """Return the years that have any stored version (current or not, such as a year rolled back to
        "no data"), ascending."""
        v = versions_table
        with self.engine.connect() as conn:
            query = sa.select(v.c.year).where(v.c.kind == kind).distinct().order_by(v.c.year)
            return [int(y) for y in conn.execute(query).scalars()]

    def versions(self, year: int, kind: str = STATS) -> list[VersionInfo]:
        """Return every stored version of a year, oldest first."""
        v, c = versions_table, current_table
        query = (
            sa.select(v, (c.c.version_id.is_not(None)).label("current"))
            .outerjoin(c, c.c.version_id == v.c.id)
            .where(v.c.kind == kind, v.c.year == year)
            .order_by(v.c.version)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_version_info(r) for r in rows]

    def current_version_infos(self, kind: str = STATS) -> list[VersionInfo]:
        """Return the current version of every year that has one, by year (one query: a page's first visit
        names the files behind its figures)."""
        v, c = versions_table, current_table
        query = (
            sa.select(v, sa.true().label("current"))
            .join(c, c.c.version_id == v.c.id)
            .where(c.c.kind == kind)
            .order_by(v.c.year)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_version_info(r) for r in rows]

    def has_events(self, kind: str = STATS) -> bool:
        """Return True when anything was ever imported, rolled back or removed of `kind` (one cheap query)."""
        query = sa.select(sa.literal(1)).where(events_table.c.kind == kind).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def history(self, year: int | None = None, kind: str | None = STATS) -> pd.DataFrame:
        """Return the events, oldest first: one row per import, rollback or removal of a sample version.

        Columns: event, at (UTC), action, kind, year, version, by, note, file_name, sha256, row_counts,
        is_sample, previous_version (rollbacks), current (the version named is current now).
        """
        e, c = events_table, current_table
        query = (
            sa.select(e, (c.c.version_id.is_not(None)).label("current"))
            .outerjoin(c, sa.and_(c.c.version_id == e.c.version_id, e.c.version_id.is_not(None)))
            .order_by(e.c.id)
        )
        if kind is not None:
            query = query.where(e.c.kind == kind)
        if year is not None:
            query = query.where(e.c.year == year)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        records = []
        for r in rows:
            detail = r.detail or {}
            records.append(
                {
                    "event": r.id,
                    "at": as_utc(r.at),
                    "action": r.action,
                    "kind": r.kind,
                    "year": r.year,
                    "version": r.version,
                    "by": r.actor,
                    "note": r.note,
                    "file_name": detail.get("file_name"),
                    "sha256": detail.get("sha256"),
                    "row_counts": detail.get("row_counts"),
                    "is_sample": bool(detail.get("is_sample", False)),
                    "previous_version": detail.get("previous_version"),
                    "current": bool(r.current),
                }
            )
        columns = [
            "event",
            "at",
            "action",
            "kind",
            "year",
            "version",
            "by",
            "note",
            "file_name",
            "sha256",
            "row_counts",
            "is_sample",
            "previous_version",
            "current",
        ]
        return pd.DataFrame(records, columns=columns)

    def load_dataset(self, versions: Mapping[int, int] | None = None) -> Dataset:
        """Return the statistics Dataset of the current version of every year (or of the {year: version} given).

        One query resolves the version ids, then one query per sheet, all in one snapshot; nothing is cached.
        """
        return dataset(self.load_sheets(STATS, versions))

    def load_sheets(
        self, kind: str, versions: Mapping[int, int] | None = None, sheet_ids: tuple[str, ...] | None = None
    ) -> dict[str, pd.DataFrame]:
        """Return the stored rows of a kind's sheets (default: all it keeps) over the current version of every
        year (or the {year: version} given), typed as validation gives them, each row with its `year`, by year
        then Excel row. One snapshot, one query per sheet; nothing is cached."""
        with self.read_transaction() as conn:
            ids = self.version_ids(conn, kind, versions)
            return self._typed_sheets(conn, kind, ids, sheet_ids)

    def load_rows(self, kind: str, sheet_id: str, versions: Mapping[int, int] | None = None) -> pd.DataFrame:
        """Return the stored rows of one sheet of a kind, as `load_sheets` does."""
        return self.load_sheets(kind, versions, (sheet_id,))[sheet_id]

    def load_version(self, year: int, version: int | None = None, kind: str = STATS):
        """Return one stored version (default: the current one) as the clean workbook it was imported as."""
        return self._read_version(kind, year, version)[0]

    def export_year(
        self,
        year: int,
        target: str | Path | BinaryIO,
        version: int | None = None,
        kind: str = STATS,
        **options: object,
    ) -> int:
        """Write the current (or given) version of a year as a workbook in its kind's template format.

        Return the version number written. Texts beginning with = + - @ are written so that Excel does not
        run them; a sample version carries a notice on its first sheet.
        """
        clean, number, is_sample = self._read_version(kind, year, version)
        notice = text("sample_notice") if is_sample else None
        options.setdefault("reference", self.reference)
        kind_of(kind).export(target, clean, notice=notice, **options)
        return number

    def _read_version(self, kind: str, year: int, version: int | None) -> tuple[object, int, bool]:
        with self.read_transaction() as conn:
            wanted = None if version is None else {year: version}
            ids = self.version_ids(conn, kind, wanted, only_year=year)
            if year not in ids:
                raise StoreError(self._missing(conn, kind, year, version))
            v = versions_table
            number, is_sample = conn.execute(
                sa.select(v.c.version, v.c.is_sample).where(v.c.id == ids[year])
            ).one()
            frames = self._typed_sheets(conn, kind, ids)
        return kind_of(kind).restore(year, frames), int(number), bool(is_sample)

    def _typed_sheets(
        self, conn: sa.Connection, kind: str, ids: Mapping[int, int], sheet_ids: tuple[str, ...] | None = None
    ) -> dict[str, pd.DataFrame]:
        workbook_kind = kind_of(kind)
        year_of = {vid: year for year, vid in ids.items()}
        out = {}
        for sheet_id, table in row_tables(kind).items():
            if sheet_ids is not None and sheet_id not in sheet_ids:
                continue
            rows = _read_rows(conn, table, ids)
            if YEAR not in rows:
                rows[YEAR] = rows["version_id"].map(year_of).astype("int64")
            rows = rows.sort_values([c for c in (YEAR, ROW) if c in rows], kind="stable")
            out[sheet_id] = workbook_kind.typed(sheet_id, rows.reset_index(drop=True))
        return out

    def version_ids(
        self,
        conn: sa.Connection,
        kind: str,
        versions: Mapping[int, int] | None,
        only_year: int | None = None,
    ) -> dict[int, int]:
        """Return {year: version id} of the current version of every year of a kind (of `only_year` alone when
        given), or of the {year: version} given (StoreError naming what is stored when one is not). Call inside
        a transaction of this store."""
        v = versions_table
        if versions is None:
            query = sa.select(current_table.c.year, current_table.c.version_id).where(
                current_table.c.kind == kind
            )
            if only_year is not None:
                query = query.where(current_table.c.year == only_year)
            return {int(y): int(i) for y, i in conn.execute(query)}
        if not versions:
            return {}
        wanted = {int(y): int(n) for y, n in versions.items()}
        # The versions of those years, the pairs picked here: one statement for any number of years (an OR of
        # pairs is a new statement to compile for each number of years).
        query = sa.select(v.c.year, v.c.version, v.c.id).where(
            v.c.kind == kind, v.c.year.in_(sorted(wanted)), v.c.version.in_(sorted(set(wanted.values())))
        )
        found = {int(y): (int(n), int(i)) for y, n, i in conn.execute(query) if wanted[int(y)] == int(n)}
        for y, n in versions.items():
            if int(y) not in found:
                raise StoreError(self._missing(conn, kind, int(y), int(n)))
        return {y: i for y, (_, i) in found.items()}

    # --- tests and diagnostics ------------------------------------------------------------------------------

    def dump(self) -> dict[str, list[dict[str, object]]]:
        """Return a logical dump: every table of the database (reflected) with its rows sorted."""
        reflected = sa.MetaData()
        out: dict[str, list[dict[str, object]]] = {}
        with self.read_transaction() as conn:
            reflected.reflect(conn)
            for name in sorted(reflected.tables):
                rows = [_plain(dict(r._mapping)) for r in conn.execute(sa.select(reflected.tables[name]))]
                out[name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
        return out


# --- helpers ------------------------------------------------------------------------------------------------


def _allowed_actor(identity: Identity | None, permission: Permission, by: str | None) -> str:
    """Return the name recorded for a change (`by`, stripped); raise StoreError when `identity` lacks
    `permission` or no name is given."""
    denied = refusal(identity, permission)
    if denied is not None:
        raise StoreError(denied)
    by = (by or "").strip()
    if not by:
        raise StoreError(pb.error("actor_required"))
    return by


def _version_info(row: sa.Row) -> VersionInfo:
    """Return the record of a row of `versions` with its column `current`."""
    return VersionInfo(
        kind=row.kind,
        year=row.year,
        version=row.version,
        imported_at=as_utc(row.imported_at),
        imported_by=row.imported_by,
        note=row.note,
        file_name=row.file_name,
        sha256=row.sha256,
        row_counts=dict(row.row_counts),
        is_sample=bool(row.is_sample),
        current=bool(row.current),
    )


def _current_numbers(conn: sa.Connection, kind: str) -> dict[int, int]:
    query = (
        sa.select(current_table.c.year, versions_table.c.version)
        .join(versions_table, versions_table.c.id == current_table.c.version_id)
        .where(current_table.c.kind == kind)
        .order_by(current_table.c.year)
    )
    return {int(y): int(n) for y, n in conn.execute(query)}


def stale_preview(conn: sa.Connection, kind: str, year: int, expected: int | None | str) -> pb.Problem | None:
    """Return the problem of an import whose preview saw another version of (kind, year) in force than the
    one in force now, else None (also when `expected` is ANY_VERSION). Call inside the import's write
    transaction, so that nothing can change between this check and the write. Version numbers are never
    reused, so any import, rollback or removal in between shows as a different number."""
    if expected == ANY_VERSION:
        return None
    current = _current_number(conn, kind, year)
    if current == expected:
        return None
    return pb.error("preview_stale", year=year, seen=expected or "–", current=current or "–")


def _current_number(conn: sa.Connection, kind: str, year: int) -> int | None:
    query = (
        sa.select(versions_table.c.version)
        .join(current_table, versions_table.c.id == current_table.c.version_id)
        .where(current_table.c.kind == kind, current_table.c.year == year)
    )
    return conn.execute(query).scalar_one_or_none()


def _next_number(conn: sa.Connection, kind: str, year: int) -> int:
    # Numbers are never reused, even after sample versions are deleted: the events remember them all.
    stored = sa.select(sa.func.max(versions_table.c.version)).where(
        versions_table.c.kind == kind, versions_table.c.year == year
    )
    recorded = sa.select(sa.func.max(events_table.c.version)).where(
        events_table.c.kind == kind, events_table.c.year == year
    )
    highest = [conn.execute(q).scalar_one_or_none() for q in (stored, recorded)]
    return max([n for n in highest if n is not None], default=0) + 1


def _set_current(conn: sa.Connection, kind: str, year: int, version_id: int) -> None:
    c = current_table
    updated = conn.execute(c.update().where(c.c.kind == kind, c.c.year == year).values(version_id=version_id))
    if updated.rowcount == 0:
        conn.execute(c.insert().values(kind=kind, year=year, version_id=version_id))


def _record(
    conn: sa.Connection,
    action: StrEnum,
    by: str,
    *,
    kind: str | None,
    year: int | None,
    version: int | None,
    version_id: int | None = None,
    note: str | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
    identity: Identity | None = None,
) -> None:
    who = identity or Identity()
    conn.execute(
        events_table.insert().values(
            at=at or _now(),
            action=action.value,
            account=who.account,
            os_user=who.os_user,
            session_id=who.session_id,
            client_address=who.client_address,
            kind=kind,
            year=year,
            version=version,
            version_id=version_id,
            actor=by,
            note=note,
            detail=detail,
        )
    )


record_event = _record  # account changes and logins (kpi.store.accounts) are events of the same table


def _py_values(series: pd.Series) -> list[object]:
    """Return a column as plain Python scalars for the driver, None for every kind of missing value (numbers
    and text converted by numpy and Arrow, in about half the time of going through objects)."""
    if series.dtype == "float64":
        values = series.to_numpy()
        plain = values.astype(object)
        plain[np.isnan(values)] = None
        return plain.tolist()
    if isinstance(series.dtype, pd.StringDtype | pd.BooleanDtype):
        return pa.array(series, from_pandas=True).to_pylist()
    return series.astype(object).where(series.notna(), None).tolist()


# PostgreSQL's binary COPY of each stored type, and the dtypes whose Python values it takes as they are.
_BINARY_COPY: Final = {
    sa.Text: ("text", lambda dtype: isinstance(dtype, pd.StringDtype)),
    sa.Double: ("float8", lambda dtype: dtype == "float64"),
    sa.Integer: ("int4", lambda dtype: dtype == "int64"),
    sa.Boolean: ("bool", lambda dtype: isinstance(dtype, pd.BooleanDtype) or dtype == "bool"),
}


def _binary_types(table: sa.Table, frame: pd.DataFrame) -> list[str] | None:
    """Return the PostgreSQL types of a row table's columns when every column of `frame` has a dtype that binary
    COPY takes as it is (the server then parses no text: a fifth less time); else None (text COPY)."""
    types = []
    for column in table.columns:
        name, takes = _BINARY_COPY[type(column.type)]
        if column.name in frame and not takes(frame[column.name].dtype):
            return None
        types.append(name)
    return types


def _quoted(conn: sa.Connection, names: list[str]) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return ", ".join(quote(n) for n in names)


def insert_frame(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, version_id: int) -> None:
    """Insert the rows of `frame` into a row table under `version_id`, fast: COPY on PostgreSQL, executemany
    of plain tuples on SQLite (SQLAlchemy's per-row processing would cost more than reading the workbook).

    The rows are made one at a time as the driver takes them, never held all at once: 30.000 tuples alive
    together would set off dozens of garbage collections, each walking them again.
    """
    if frame.empty:
        return
    names = [c.name for c in table.columns if c.name != "version_id"]
    columns = [_py_values(frame[name]) if name in frame else [None] * len(frame) for name in names]
    rows = zip(itertools.repeat(version_id, len(frame)), *columns, strict=True)
    target = (
        f"{conn.dialect.identifier_preparer.format_table(table)} ({_quoted(conn, ['version_id', *names])})"
    )
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql" and hasattr(driver, "cursor"):
        types = _binary_types(table, frame)
        binary = " (FORMAT BINARY)" if types else ""
        with driver.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN{binary}") as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
    elif conn.dialect.name == "sqlite":
        cursor = driver.cursor()
        try:
            placeholders = ", ".join("?" * (len(names) + 1))
            cursor.executemany(f"INSERT INTO {target} VALUES ({placeholders})", rows)
        finally:
            cursor.close()
    else:
        keys = ["version_id", *names]
        while records := [dict(zip(keys, row, strict=True)) for row in itertools.islice(rows, INSERT_CHUNK)]:
            conn.execute(table.insert(), records)


def _read_rows(conn: sa.Connection, table: sa.Table, ids: Mapping[int, int]) -> pd.DataFrame:
    """Return the rows of `ids` in a row table, by version and Excel row, as plain values (one query)."""
    names = [c.name for c in table.columns]
    if not ids:
        return pd.DataFrame(columns=names)
    id_list = ", ".join(str(int(i)) for i in sorted(ids.values()))  # our own integer ids: safe to inline
    order = f" ORDER BY version_id, {_quoted(conn, [ROW])}" if ROW in table.c else ""
    table_sql = conn.dialect.identifier_preparer.format_table(table)
    sql = f"SELECT {_quoted(conn, names)} FROM {table_sql} WHERE version_id IN ({id_list}){order}"
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame(rows, columns=names)


def _plain(row: dict[str, object]) -> dict[str, object]:
    return {k: (as_utc(v).isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "STATS",
    "TASKS",
    "Action",
    "ImportOutcome",
    "RollbackOutcome",
    "SampleVersion",
    "Status",
    "Store",
    "StoreBusy",
    "StoreError",
    "VersionInfo",
    "create_engine",
    "head_revision",
    "insert_frame",
    "open_store",
    "record_event",
    "row_tables",
    "rows_text",
    "sha256_of",
]
