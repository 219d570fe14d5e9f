"""Page-side data access of pages 5 and 6 that `ui.data` does not offer: one year's cooperatives in list
order, and the store's writing operations (import, rollback, removal of the sample data).

Reads are cached on `ui.data.data_version()` like everything else, so an import or a rollback shows at once.
Writes go to the store of `ui.data.get_store()`; the version key changes with them, and `after_write()`
drops the few caches keyed on something else.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.coops import with_search_keys
from kpi.indicators import YEAR
from kpi.service import default_reference
from kpi.text import fold
from ui import data


@st.cache_resource(max_entries=4, show_spinner=False)
def _year_coops(version: data.DataVersion, year: int) -> pd.DataFrame:
    coops = data.get_dataset().coops
    rows = coops[coops[YEAR] == year]
    order = {name: i for i, name in enumerate(default_reference().district_names())}
    keys = pd.DataFrame(
        {
            "d": rows["district"].map(order).fillna(len(order)),
            "n": rows["name"].map(fold, na_action="ignore").fillna(""),
        },
        index=rows.index,
    )
    ordered = rows.loc[keys.sort_values(["d", "n"], kind="stable").index].reset_index(drop=True)
    return with_search_keys(ordered)


def year_coops(year: int) -> pd.DataFrame:
    """Return the cooperatives of `year` ordered by district (reference order) then name, with their search
    keys (`kpi.coops.with_search_keys`). Read-only."""
    return _year_coops(data.data_version(), year)


def after_write() -> None:
    """Forget the caches of `ui.data` that a write can leave stale under an unchanged version key.

    Removing sample versions that were not in force, for instance, leaves `{year: version}` as it was while
    the sample flag and the sources table change. (Private names of ui.data: asked for as a public
    `ui.data.forget()`; skipped if they are renamed.)
    """
    for name in ("_is_sample", "_sources"):
        cached = getattr(data, name, None)
        if cached is not None and hasattr(cached, "clear"):
            cached.clear()


@st.cache_resource(max_entries=2, show_spinner=False)
def _years_per_code(version: data.DataVersion) -> pd.Series:
    coops = data.get_dataset().coops
    return coops.groupby(coops["code"].astype("str").str.strip())[YEAR].nunique()


def years_per_code() -> pd.Series:
    """Return, per cooperative code, the number of reporting years it appears in. Read-only."""
    return _years_per_code(data.data_version())
