"""The way the page "Nhiệm vụ" gets its data: the progress reports of the store, cached on their versions.

The key is the store's URL, the current version of each year of kind 'tasks' (one small query a run) and
the day the tasks are judged on, so an import or a rollback shows at once and a new day re-judges the
deadlines.
A store that holds the sample statistics and has never seen a progress report gets the sample progress
reports too (`kpi.tasks.sample.load_task_samples`), once; after the sample is removed it never comes back.
The board holds the (immutable) task list, so it is kept with `st.cache_resource`: treat it as read-only.

What the page shows is built here once per version, day and language, not on every run: `get_overview`
(counts, overdue table, figures and tables of the sections above the list) and `get_listing` (the filtered
list and its reports). Rebuilding the plotly figures and the tables of 34 tasks cost more than drawing them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.store.versions import TASKS, Store
from kpi.tasks.board import (
    TaskBoard,
    build_board,
    filter_tasks,
    overdue_table,
    quantity_table,
    report_table,
    status_count_table,
    summary_counts,
    task_table,
)
from kpi.tasks.cadence import reporting_grid
from kpi.tasks.charts import build_quantities_figure, build_status_figure, build_timeline_figure
from kpi.tasks.sample import load_task_samples
from kpi.workbook.task_contract import REPORT, default_tasks
from ui import data
from ui.per_run import once_per_run

_seed_lock = threading.Lock()


class TaskDataVersion(NamedTuple):
    """What identifies the reports shown (hashable, cheap to compare)."""

    source: str  # the store's URL
    versions: tuple[tuple[int, int], ...]


def _store() -> Store:
    store = data.get_store()
    _seed_if_sample(store.url)
    return store


@st.cache_resource(show_spinner=False)
def _seed_if_sample(url: str) -> bool:
    """Load the sample progress reports into a sample store that has none (once per process and store)."""
    store = data.get_store()
    with _seed_lock:
        if store.has_events(TASKS) or not store.has_sample():  # one cheap query each, not the whole history
            return False
        load_task_samples(store)
    return True


def task_data_version() -> TaskDataVersion:
    """Return the key of the progress reports shown now (asked once per script run: ui.per_run)."""
    return once_per_run("task_data_version", _ask_task_data_version)


def _ask_task_data_version() -> TaskDataVersion:
    store = _store()
    return TaskDataVersion(store.url, tuple(sorted(store.current_versions(TASKS).items())))


@st.cache_resource(max_entries=8, show_spinner=False)
def _board(version: TaskDataVersion, as_of: date) -> TaskBoard:
    reports = data.get_store().load_rows(TASKS, REPORT.id, dict(version.versions))
    return build_board(default_tasks(), reports, as_of)


@st.cache_data(max_entries=8, show_spinner=False)
def _is_sample(version: TaskDataVersion) -> bool:
    if not version.versions:
        return False
    return any(info.is_sample for info in data.get_store().current_version_infos(TASKS))


def is_task_sample() -> bool:
    """Return True when some of the progress reports shown are sample data."""
    return _is_sample(task_data_version())


# --- what the page shows, built once per version, day and language -------------------------------------------


@dataclass(frozen=True)
class TaskOverview:
    """The sections of page 8 above the list, for one version of the reports, day and language. Read-only."""

    version: TaskDataVersion
    lang: str
    board: TaskBoard
    counts: dict[str, int]  # kpi.tasks.board.summary_counts
    overdue: pd.DataFrame  # kpi.tasks.board.overdue_table
    status_figures: dict[str, go.Figure]  # by "group" and "agency"
    status_tables: dict[str, pd.DataFrame]  # by "group" and "agency", empty statuses left out
    timeline: go.Figure
    quantities: go.Figure | None  # None when no quantity has been achieved yet
    quantity_table: pd.DataFrame


@st.cache_resource(max_entries=8, show_spinner=False)
def _overview(version: TaskDataVersion, as_of: date, lang: str) -> TaskOverview:
    board = _board(version, as_of)
    by = ("group", "agency")
    has_quantities = bool(board.quantities["achieved"].notna().any())
    return TaskOverview(
        version=version,
        lang=lang,
        board=board,
        counts=summary_counts(board),
        overdue=overdue_table(board, lang),
        status_figures={b: build_status_figure(board, b, lang) for b in by},
        status_tables={b: status_count_table(board, b, lang, drop_empty=True) for b in by},
        timeline=build_timeline_figure(board, lang),
        quantities=build_quantities_figure(board, lang) if has_quantities else None,
        quantity_table=quantity_table(board, lang),
    )


def get_overview(as_of: date, lang: str) -> TaskOverview:
    """Return the counts, tables and figures of the tasks judged on `as_of`. Shared: do not modify them."""
    return _overview(task_data_version(), as_of, lang)


class TaskListing(NamedTuple):
    """The tasks passing the list's filters: their keys in plan order and their table."""

    keys: list[tuple[str, int]]
    table: pd.DataFrame  # kpi.tasks.board.task_table


@st.cache_data(max_entries=64, show_spinner=False)
def _listing(
    version: TaskDataVersion,
    as_of: date,
    lang: str,
    groups: tuple[str, ...],
    agencies: tuple[str, ...],
    statuses: tuple[str, ...],
    overdue_only: bool,
    search: str,
) -> TaskListing:
    board = _board(version, as_of)
    keys = filter_tasks(
        board, groups=groups, agencies=agencies, statuses=statuses, overdue_only=overdue_only, search=search
    )
    return TaskListing(keys, task_table(board, keys, lang))


def get_listing(
    overview: TaskOverview,
    *,
    groups: Iterable[str] = (),
    agencies: Iterable[str] = (),
    statuses: Iterable[str] = (),
    overdue_only: bool = False,
    search: str = "",
) -> TaskListing:
    """Return the tasks of `overview` that pass the filters (as `kpi.tasks.board.filter_tasks`) and their table."""
    board = overview.board
    filters = (tuple(groups), tuple(agencies), tuple(statuses), overdue_only, search)
    return _listing(overview.version, board.as_of, overview.lang, *filters)


@st.cache_data(max_entries=64, show_spinner=False)
def _reports(
    version: TaskDataVersion, as_of: date, lang: str, keys: tuple[tuple[str, int], ...]
) -> pd.DataFrame:
    return report_table(_board(version, as_of), keys, lang)


def get_reports(overview: TaskOverview, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
    """Return every report row of the tasks `keys` (as `kpi.tasks.board.report_table`)."""
    return _reports(overview.version, overview.board.as_of, overview.lang, tuple(keys))


@st.cache_data(max_entries=16, show_spinner=False)
def _reporting_grid(version: TaskDataVersion, as_of: date, lang: str) -> pd.DataFrame:
    board = _board(version, as_of)
    return reporting_grid(board, reporting_year(board, as_of), lang)


def reporting_year(board: TaskBoard, as_of: date) -> int:
    """Return the year whose reporting is shown on `as_of`: its year, or the plan's last year after the plan."""
    return min(as_of.year, board.tasks.rules.plan_end_year)


def get_reporting_grid(as_of: date, lang: str) -> pd.DataFrame:
    """Return who has sent the progress reports owed for each quarter and for the year shown (reporting_year),
    by lead agency (as `kpi.tasks.cadence.reporting_grid`)."""
    return _reporting_grid(task_data_version(), as_of, lang)
