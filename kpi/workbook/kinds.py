"""The registry of the kinds of workbook: `kind(id)` and `all_kinds()`, the statistics and the task reports.

The store generates its row tables from the kinds registered here, and the upload check, the preview, the
command line and page 6 take a kind from it. A new kind registers itself with `register`.
"""

from __future__ import annotations

from kpi.workbook.kind import WorkbookKind
from kpi.workbook.stats_kind import STATS, STATS_KIND
from kpi.workbook.tasks_kind import TASKS, TASKS_KIND

_REGISTRY: dict[str, WorkbookKind] = {}


class UnknownKind(KeyError):
    """No kind of workbook has this id."""


def register(new: WorkbookKind) -> WorkbookKind:
    """Add a kind to the registry (again: replaced) and return it."""
    _REGISTRY[new.id] = new
    return new


def unregister(kind_id: str) -> None:
    """Remove a kind from the registry (tests of a toy kind)."""
    _REGISTRY.pop(kind_id, None)


def kind(kind_id: str) -> WorkbookKind:
    """Return the kind with this id; raise UnknownKind."""
    try:
        return _REGISTRY[kind_id]
    except KeyError:
        raise UnknownKind(kind_id) from None


def all_kinds() -> tuple[WorkbookKind, ...]:
    """Return every registered kind, in the order registered."""
    return tuple(_REGISTRY.values())


register(STATS_KIND)
register(TASKS_KIND)

__all__ = ["STATS", "TASKS", "UnknownKind", "WorkbookKind", "all_kinds", "kind", "register", "unregister"]
