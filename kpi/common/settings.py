"""Operational settings: defaults in one table, each overridable by an environment variable.

These are limits of the deployment, not figures of the plan (those live in data/plans/).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_DIR / "data"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, environment variable, default and help."""

    name: str
    env: str
    default: object
    help: str


SETTINGS = (
    Setting(
        "database_url",
        "KPI_DATABASE_URL",
        f"sqlite:///{DATA_DIR / 'store' / 'kpi.sqlite'}",
        "where the store lives",
    ),
    Setting("max_file_mb", "KPI_MAX_FILE_MB", 20.0, "largest workbook accepted, in MB"),
    Setting("max_rows", "KPI_MAX_ROWS", 100_000, "most data rows accepted per sheet"),
    # Limits of reading untrusted workbooks (kpi/workbook/guard.py), checked before any parser allocates.
    Setting(
        "max_unzipped_mb",
        "KPI_MAX_UNZIPPED_MB",
        200.0,
        "largest total uncompressed size of an .xlsx, in MB (the 30.000-HTX workbook is 25 MB)",
    ),
    Setting(
        "max_zip_ratio",
        "KPI_MAX_ZIP_RATIO",
        100.0,
        "highest compression ratio of a part of an .xlsx (Excel's own files stay under 20)",
    ),
    Setting("max_zip_entries", "KPI_MAX_ZIP_ENTRIES", 1000, "most parts in an .xlsx"),
    Setting("max_columns", "KPI_MAX_COLUMNS", 200, "most columns accepted per sheet read"),
    Setting(
        "max_cells",
        "KPI_MAX_CELLS",
        5_000_000,
        "most cells (rows × columns from A1 to the last cell) per sheet read; the parser allocates them all",
    ),
    Setting("max_text_chars", "KPI_MAX_TEXT_CHARS", 32_767, "longest text in a cell (Excel's own limit)"),
    Setting(
        "worker_memory_mb",
        "KPI_WORKER_MEMORY_MB",
        1024,
        "memory cap of the process that parses a workbook, in MB",
    ),
    Setting("worker_seconds", "KPI_WORKER_SECONDS", 60.0, "time limit of the process that parses a workbook"),
    Setting(
        "max_listed_problems", "KPI_MAX_LISTED_PROBLEMS", 200, "problems listed one by one before a count"
    ),
    # who may see and change the figures (kpi/common/access.py, kpi/store/accounts.py, ui/auth.py)
    Setting("require_login", "KPI_REQUIRE_LOGIN", False, "anonymous visitors see only the login form"),
    Setting("session_idle_minutes", "KPI_SESSION_IDLE_MINUTES", 30.0, "a login ends after this idle time"),
    Setting("login_free_failures", "KPI_LOGIN_FREE_FAILURES", 3, "failed logins before the waits begin"),
    Setting("login_delay_seconds", "KPI_LOGIN_DELAY_SECONDS", 2.0, "first wait; doubles each failure"),
    Setting("login_max_delay_seconds", "KPI_LOGIN_MAX_DELAY_SECONDS", 900.0, "longest wait after failures"),
    Setting(
        "login_window_minutes", "KPI_LOGIN_WINDOW_MINUTES", 60.0, "failures older than this are forgiven"
    ),
)


@dataclass(frozen=True)
class Settings:
    """The settings in force."""

    database_url: str
    max_file_mb: float
    max_rows: int
    max_unzipped_mb: float
    max_zip_ratio: float
    max_zip_entries: int
    max_columns: int
    max_cells: int
    max_text_chars: int
    worker_memory_mb: int
    worker_seconds: float
    max_listed_problems: int
    require_login: bool
    session_idle_minutes: float
    login_free_failures: int
    login_delay_seconds: float
    login_max_delay_seconds: float
    login_window_minutes: float


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Return the settings, each from its environment variable or its default."""
    env = os.environ if environ is None else environ
    values = {}
    for s in SETTINGS:
        raw = env.get(s.env)
        values[s.name] = (
            s.default
            if raw in (None, "")
            else _flag(raw)
            if isinstance(s.default, bool)
            else type(s.default)(raw)
            if not isinstance(s.default, str)
            else raw
        )
    return Settings(**values)


# The limits an untrusted workbook is read within are settings like the others (max_file_mb, max_rows,
# max_unzipped_mb, max_zip_ratio, max_zip_entries, max_columns, max_cells, max_text_chars, worker_memory_mb,
# worker_seconds); the readers take the whole settings under this name.
ReadLimits = Settings
READ_LIMITS = (
    "max_file_mb",
    "max_rows",
    "max_unzipped_mb",
    "max_zip_ratio",
    "max_zip_entries",
    "max_columns",
    "max_cells",
    "max_text_chars",
    "worker_memory_mb",
    "worker_seconds",
)


def read_limits(environ: dict[str, str] | None = None, **overrides: float | None) -> ReadLimits:
    """Return the settings (from `environ`, default the environment) with the given limits overridden.

    Overrides that are None are ignored, so that callers can pass their optional limits through.
    """
    return replace(load_settings(environ), **{k: v for k, v in overrides.items() if v is not None})


def _flag(raw: str) -> bool:
    # bool("0") is True: a switch is read from its words instead
    return raw.strip().lower() in {"1", "true", "yes", "on", "co", "có"}
