"""Values asked for once per script run: the store's current versions, the key of every cached read.

A page asks for the data version a few dozen times in one run (each chart, table and figure is cached on it),
and each asking was a query. Within a run the answer is kept in the session beside the run it belongs to; the
next run (a click, another page, a reload) asks the store again, so an import or a rollback, made here or by
another process, shows at the next run as before, and a run sees one consistent state of the store.

Which run is the current one: Streamlit gives each script run a new `cursors` dict on its `ScriptRunContext`
(`ScriptRunContext.reset`, Streamlit 1.67; a private detail, like the one ui/legacy_pages.py patches). The
memo holds that dict and is used only while the context holds the very same one. Without a run context (a
thread of our own, a test calling the function directly) or should Streamlit stop keeping per-run cursors,
nothing is kept: every call asks again, as before. tests/app/test_data_version.py checks that an import and
a rollback show at the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")

_MEMO = "_kpi_once_per_run"  # session-state key: (the run's cursors dict, {name: value})


def once_per_run(name: Hashable, compute: Callable[[], T]) -> T:
    """Return `compute()`, computed at most once per script run of this session under `name`."""
    run = getattr(get_script_run_ctx(suppress_warning=True), "cursors", None)
    if run is None:
        return compute()
    memo = st.session_state.get(_MEMO)
    if memo is None or memo[0] is not run:
        memo = (run, {})
        st.session_state[_MEMO] = memo
    values = memo[1]
    if name not in values:
        values[name] = compute()
    return values[name]
