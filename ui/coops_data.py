"""What the page "Danh sách HTX" shows, built once per data version and kept between script runs.

A warm run of page 5 used to filter 30.000 rows, work out the filter choices, format the 5.000 rows of the
grid and search 180.000 rows for one cooperative's history on every run, costing about as much again as
drawing the page. Here each piece is cached on `ui.data.data_version()` (asked once per run, by
`get_year_list`) and on what it depends on: the year, the filters, the language, the cooperative.
The rules themselves stay in `kpi.stats.coops`.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
import pandas as pd
import streamlit as st

from kpi.stats.coops import (
    CoopFilters,
    choice_options,
    coop_history,
    filter_coops,
    history_table,
    identity_line,
    rating_path,
    screen_table,
)
from kpi.stats.report import default_reference
from kpi.workbook.contract import RATINGS, SECTORS, STATUSES
from ui import data

# The filters whose choices come from the whole year's list (communes depend on the districts chosen).
_CHOICE_ORDERS = {
    "district": lambda: default_reference().district_names(),
    "sector": lambda: SECTORS,
    "status": lambda: STATUSES,
    "rating": lambda: RATINGS,
}


@dataclass(frozen=True)
class YearList:
    """One year's cooperatives in list order (`kpi.stats.coops.list_order`, kept with the version) and the
    choices of its filters.

    Shared by all sessions: read-only.
    """

    version: data.DataVersion
    year: int
    coops: pd.DataFrame
    options: dict[
        str, list[str]
    ]  # column -> kpi.stats.coops.choice_options, for district, sector, status, rating


@st.cache_resource(max_entries=4, show_spinner=False)
def _year_list(version: data.DataVersion, year: int) -> YearList:
    coops = data.year_register(version, year)
    options = {column: choice_options(coops, column, order()) for column, order in _CHOICE_ORDERS.items()}
    return YearList(version, year, coops, options)


def get_year_list(year: int) -> YearList:
    """Return the cooperatives of `year` and the choices of the list's filters."""
    return _year_list(data.data_version(), year)


@st.cache_data(max_entries=64, show_spinner=False)
def _communes(version: data.DataVersion, year: int, districts: tuple[str, ...]) -> list[str]:
    coops = _year_list(version, year).coops
    return choice_options(coops[coops["district"].isin(districts)] if districts else coops, "commune")


def commune_options(year_list: YearList, districts: tuple[str, ...] | list[str]) -> list[str]:
    """Return the communes to offer in the filter: those of the districts chosen (all when none is)."""
    return _communes(year_list.version, year_list.year, tuple(districts))


@dataclass(frozen=True)
class CoopListing:
    """The cooperatives passing the filters: how many, their totals, the grid's first rows and the choices of
    the history picker. Shared by all sessions: read-only."""

    coops: pd.DataFrame  # the whole year's list (YearList.coops)
    rows: np.ndarray  # positions in `coops` of the rows shown, in list order
    totals: dict[str, float]  # members, workers, revenue summed over the rows shown
    table: pd.DataFrame  # kpi.stats.coops.screen_table of the first `max_rows` rows
    history_labels: dict[str, str]  # code -> "name · code (district)" of the first `max_choices` rows
    history_first: int  # the picker's first choice: the first cooperative with the longest history

    @property
    def count(self) -> int:
        """Return the number of cooperatives passing the filters."""
        return len(self.rows)

    def shown(self) -> pd.DataFrame:
        """Return the rows passing the filters (for the download: every row, not only the grid's)."""
        return self.coops.iloc[self.rows]


@st.cache_resource(max_entries=16, show_spinner=False)
def _listing(
    version: data.DataVersion, year: int, filters: tuple, lang: str, max_rows: int, max_choices: int
) -> CoopListing:
    coops = _year_list(version, year).coops
    shown = filter_coops(coops, CoopFilters(*filters))
    choices = shown.head(max_choices)
    spans = data.code_index(version).years_present(choices["code"])
    labels = {
        str(code): f"{name} · {code} ({district})"
        for code, name, district in zip(
            choices["code"].tolist(), choices["name"].tolist(), choices["district"].tolist(), strict=True
        )
    }
    return CoopListing(
        coops=coops,
        rows=coops.index.get_indexer(shown.index),
        totals={column: shown[column].sum() for column in ("members", "workers", "revenue")},
        table=screen_table(shown.head(max_rows), lang),
        history_labels=labels,
        history_first=int(spans.argmax()) if len(spans) else 0,
    )


def get_listing(
    year_list: YearList, filters: CoopFilters, lang: str, max_rows: int, max_choices: int
) -> CoopListing:
    """Return the cooperatives of `year_list` passing `filters`, with the grid of at most `max_rows` rows and
    at most `max_choices` cooperatives to pick a history from."""
    key = astuple(filters)
    return _listing(year_list.version, year_list.year, key, lang, max_rows, max_choices)


@dataclass(frozen=True)
class CoopHistory:
    """One cooperative across the years, as the page shows it."""

    name: str  # the latest year's name
    identity: str  # kpi.stats.coops.identity_line
    rating_path: list[tuple[int, str]]  # kpi.stats.coops.rating_path
    years: list[int]  # the years it appears in
    table: pd.DataFrame  # kpi.stats.coops.history_table


@st.cache_data(max_entries=64, show_spinner=False)
def _history(version: data.DataVersion, code: str, lang: str) -> CoopHistory:
    history = coop_history(data.coop_dataset(version, code), code)
    return CoopHistory(
        name=str(history["name"].iloc[-1]),
        identity=identity_line(history, lang),
        rating_path=rating_path(history),
        years=[int(y) for y in history["year"]],
        table=history_table(history, lang),
    )


def get_history(year_list: YearList, code: str, lang: str) -> CoopHistory:
    """Return the cooperative `code` across every year of the data of `year_list`."""
    return _history(year_list.version, code, lang)
