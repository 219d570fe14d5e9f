"""The way the page "Nhiệm vụ" gets its data: the progress reports of the store, cached on their versions.

The key is the store's URL, the current version of each year of kind 'tasks' (one small query) and the day
the tasks are judged on, so an import or a rollback shows at once and a new day re-judges the deadlines.
A store that holds the sample statistics and has never seen a progress report gets the sample progress
reports too (`kpi.tasks_sample.load_task_samples`), once; after the sample is removed it never comes back.
The board holds the (immutable) task list, so it is kept with `st.cache_resource`: treat it as read-only.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import NamedTuple

import streamlit as st

from kpi.tasks_schema import default_tasks
from kpi.tasks_view import TaskBoard, build_board
from ui import data

_seed_lock = threading.Lock()


class TaskDataVersion(NamedTuple):
    """What identifies the reports shown (hashable, cheap to compare)."""

    source: str
    versions: tuple[tuple[int, int], ...]


def _store():
    store = data.get_store()
    if store is not None:
        _seed_if_sample(store.url)
    return store


@st.cache_resource(show_spinner=False)
def _seed_if_sample(url: str) -> bool:
    """Load the sample progress reports into a sample store that has none (once per process and store)."""
    from kpi.tasks_sample import load_task_samples
    from kpi.tasks_store import task_history

    store = data.get_store()
    with _seed_lock:
        if store is None or not task_history(store).empty or not store.has_sample():
            return False
        load_task_samples(store)
    return True


def task_data_version() -> TaskDataVersion:
    """Return the key of the progress reports shown now."""
    from kpi.tasks_store import task_versions

    store = _store()
    if store is None:
        return TaskDataVersion("none", ())
    return TaskDataVersion(store.url, tuple(sorted(task_versions(store).items())))


@st.cache_resource(max_entries=8, show_spinner=False)
def _board(version: TaskDataVersion, as_of: date) -> TaskBoard:
    from kpi.tasks_store import load_task_reports

    reports = None
    if version.source != "none":
        reports = load_task_reports(data.get_store(), dict(version.versions))
    return build_board(default_tasks(), reports, as_of)


def get_board(as_of: date) -> TaskBoard:
    """Return the tasks judged on `as_of` with the current progress reports. Shared: do not modify it."""
    return _board(task_data_version(), as_of)


@st.cache_data(max_entries=8, show_spinner=False)
def _is_sample(version: TaskDataVersion) -> bool:
    if version.source == "none" or not version.versions:
        return False
    store = data.get_store()
    return any(
        info.is_sample and info.current
        for year, _ in version.versions
        for info in store.versions(year, kind="tasks")
    )


def is_task_sample() -> bool:
    """Return True when some of the progress reports shown are sample data."""
    return _is_sample(task_data_version())
