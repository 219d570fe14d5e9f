"""The ONE way pages get data: from the store (`kpi.store.versions`), cached on the store's current versions.

Every run asks the store for `{year: current version}` (one small query, once per run: `ui.per_run`); that,
with the store's URL, is the cache key, so a new import or a rollback shows at the next run and nothing else
is recomputed. On first use of a store that has never seen a statistics import, the sample workbooks of
data/sample/ are imported as sample versions, and `is_sample_data()` tells the pages to show the sample
notice.

What the pages show comes from the results kept with each version (`kpi.stats.results`: indicator values,
rating counts, population counts, communes covered, model cooperatives), computed once at import and read back
as a few small tables. The list of cooperatives reads the register kept with its year's version (the year's
rows in list order) and the codes of every year; one cooperative's history reads its own rows only; the
quality of a year is kept with its version too (`ui.safeguards`).

The results and the built charts are kept once per process with `st.cache_resource` (no copy, no second plotly
validation on every run): treat them as read-only. Tables and reports are `st.cache_data`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.common.access import system
from kpi.common.i18n import t
from kpi.common.settings import load_settings
from kpi.domain.plan import Plan
from kpi.reports.brief import version_sources
from kpi.stats import charts
from kpi.stats import scorecard as overview
from kpi.stats.coops import CodeIndex
from kpi.stats.report import Report, default_engine, default_plan
from kpi.stats.results import (
    Results,
    keep_results,
    stored_code_index,
    stored_population_counts,
    stored_quality,
    stored_register,
    stored_results,
)
from kpi.stats.sample import sample_files, write_sample
from kpi.store import versions as store_versions
from kpi.store.coop_rows import coop_rows
from kpi.store.versions import Store
from kpi.workbook.dataset import YEAR, Dataset
from ui.per_run import once_per_run

_seed_lock = threading.Lock()
log = logging.getLogger(__name__)


class DataVersion(NamedTuple):
    """What identifies the data shown (a plain tuple, so st.cache_data hashes it cheaply)."""

    source: str  # the store's URL
    versions: tuple[tuple[Any, Any], ...]  # (year, version) pairs


# --- the store ------------------------------------------------------------------------------------------


def _database_url() -> str:
    return load_settings().database_url


@st.cache_resource(show_spinner=t("notice.loading", "vi"))
def _open_store(url: str) -> Store:
    """Return the store at `url`, opened (and migrated) once per process, seeded with the sample if new."""
    store = keep_results(store_versions.open_store(url))  # each import keeps its version's results
    store.after_change.append(_prepare_derived)
    _seed_if_new(store)
    return store


def _prepare_derived(store: Store, kind: str, year: int, version: int, clean: object) -> None:
    """After an import or a rollback made here, keep in the background what depends on several versions and is
    not computed at import: the quality of the year and of the year after (it compares two years), and the
    index of every year's codes (page "Danh sách HTX"); the next visit then reads them instead of checking
    2 × 30.000 rows or reading every year's codes."""
    if kind == store_versions.STATS:
        threading.Thread(
            target=keep_derived, args=(store, year), name="kpi-keep-derived", daemon=True
        ).start()


def keep_derived(store: Store, year: int) -> None:
    """Keep the quality of `year` and of the year after, and the code index of the versions in force (what is
    already kept is read, not computed); a failure is logged, never raised (the page computes it then)."""
    try:
        versions = store.current_versions()
        for wanted in (year, year + 1):
            if wanted in versions:
                stored_quality(store, wanted, versions)
        stored_code_index(store, versions)
    except Exception:  # a store closed or busy meanwhile: the page computes what is missing when visited
        log.warning("what depends on %s was not kept in the background", year, exc_info=True)


def get_store() -> Store:
    """Return the store the dashboard reads and writes."""
    return _open_store(_database_url())


def _seed_if_new(store: Store) -> None:
    """Import the sample years into a store that has never seen a statistics import (so not after the sample
    was removed, nor over real data)."""
    with _seed_lock:
        if store.has_events():
            return
        by = t("notice.sample_importer", "vi")
        for path in sample_files() or write_sample():  # written first if the folder has none
            outcome = store.import_workbook(
                path.read_bytes(), path.name, None, by, note=None, is_sample=True, identity=system(by)
            )
            if not outcome.ok:
                raise RuntimeError(f"sample workbook {path.name} was not imported: {outcome.message('en')}")


# --- the version key ------------------------------------------------------------------------------------


def data_version() -> DataVersion:
    """Return the key of the data shown now (one cheap query, asked once per script run: ui.per_run)."""
    return once_per_run("data_version", _ask_data_version)


def _ask_data_version() -> DataVersion:
    store = get_store()
    return DataVersion(store.url, tuple(sorted(store.current_versions().items())))


# --- the rows of cooperatives, only where a page shows them (page 5, the quality page) -----------------------


@st.cache_resource(max_entries=4, show_spinner=False)
def _register(version: DataVersion, year: int) -> pd.DataFrame:
    return stored_register(get_store(), year, dict(version.versions)[year])


def year_register(version: DataVersion, year: int) -> pd.DataFrame:
    """Return the cooperatives of one year of `version` in list order (kept with the
    version: `kpi.stats.coops.list_order`). Shared by all sessions: read-only."""
    return _register(version, year)


@st.cache_resource(max_entries=2, show_spinner=False)
def _codes(version: DataVersion) -> CodeIndex:
    return stored_code_index(get_store(), dict(version.versions))


def code_index(version: DataVersion) -> CodeIndex:
    """Return the codes and Excel rows of the cooperatives of every year of `version`
    (`kpi.stats.coops.CodeIndex` of `code_rows`). Read-only."""
    return _codes(version)


def coop_dataset(version: DataVersion, code: str) -> Dataset:
    """Return a Dataset holding only the rows of the cooperative `code` (`CodeIndex.rows_of`), every year of
    `version`: what `kpi.stats.coops.coop_history` needs, without reading the other rows."""
    rows = _codes(version).rows_of(code)
    coops = coop_rows(get_store(), dict(version.versions), rows=rows)
    return Dataset(coops=coops, groups=pd.DataFrame(columns=[YEAR]), info=pd.DataFrame(columns=[YEAR]))


@st.cache_data(max_entries=8, show_spinner=False)
def _is_sample(version: DataVersion) -> bool:
    return get_store().has_sample()


def is_sample_data() -> bool:
    """Return True when some of the figures shown are sample data (the pages then show the notice)."""
    return _is_sample(data_version())


def get_years() -> list[int]:
    """Return the reporting years present, ascending."""
    return sorted(int(year) for year, _ in data_version().versions)


def get_plan() -> Plan:
    """Return the plan the dashboard follows."""
    return default_plan()


# --- derived, cached on the version ---------------------------------------------------------------------


@st.cache_resource(max_entries=2, show_spinner=False)
def _results(version: DataVersion) -> Results:
    """The results kept with the versions shown (kpi.stats.results): a few small tables, not the rows, each
    read when a page first asks for it."""
    return stored_results(get_store(), dict(version.versions), lazy=True)


def get_results() -> Results:
    """Return the results of the data shown (values, rating counts, populations...). Read-only."""
    return _results(data_version())


@st.cache_data(max_entries=8, show_spinner=False)
def _values(version: DataVersion, by_district: bool) -> pd.DataFrame:
    return _results(version).values(by_district)


def get_values(by_district: bool = False) -> pd.DataFrame:
    """Return the long table of every indicator's value per year (and per district when asked)."""
    return _values(data_version(), by_district)


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared_report(version: DataVersion, year: int, by_district: bool) -> Report:
    """The report, once per process: what the figures are built from (read-only, never handed to a page)."""
    return _results(version).report(year, by_district)


@st.cache_data(max_entries=32, show_spinner=False)
def _report(version: DataVersion, year: int, by_district: bool) -> Report:
    return _shared_report(version, year, by_district)


def get_report(year: int, by_district: bool = False) -> Report:
    """Return the report of every indicator for `year` (with district values when asked)."""
    return _report(data_version(), year, by_district)


@st.cache_data(max_entries=32, show_spinner=False)
def _rating_counts(version: DataVersion, by: str, year: int | None, district: str | None) -> pd.DataFrame:
    if district is not None:
        districts = [district]
    elif by == "district":
        districts = default_engine().districts  # reference order, empty districts kept
    else:
        districts = None
    return _results(version).rating_counts(by, year, districts)


@st.cache_data(max_entries=32, show_spinner=False)
def _population_counts(version: DataVersion, year: int, district: str | None, alone: bool) -> dict[str, int]:
    if alone:
        return stored_population_counts(get_store(), year, dict(version.versions)[year], district)
    return _results(version).population_counts(year, district)


def get_population_counts(year: int, district: str | None = None, alone: bool = False) -> dict[str, int]:
    """Return how many cooperatives the year's list holds and how many belong to each population the plan
    names (existing, operating, rated), for the province or one district. `alone`: read that year's counts
    only, for a page that shows no other figure of the results (the list of cooperatives); the others read
    every year's results anyway."""
    version = data_version()
    alone = alone and year in dict(version.versions)  # a year without data reads as none from all results
    return _population_counts(version, year, district, alone)


@st.cache_data(max_entries=16, show_spinner=False)
def _commune_coverage(version: DataVersion, year: int) -> pd.DataFrame | None:
    return _results(version).commune_coverage(year)


def get_commune_coverage(year: int) -> pd.DataFrame | None:
    """Return per district the communes with and without a cooperative meeting the coverage indicator."""
    return _commune_coverage(data_version(), year)


@st.cache_data(max_entries=16, show_spinner=False)
def _model_cooperatives(version: DataVersion, year: int) -> pd.DataFrame | None:
    return _results(version).model_cooperatives(year)


def get_model_cooperatives(year: int) -> pd.DataFrame | None:
    """Return per district the model cooperatives of the year."""
    return _model_cooperatives(data_version(), year)


@st.cache_data(max_entries=8, show_spinner=False)
def _sources(version: DataVersion) -> pd.DataFrame:
    return version_sources(get_store(), "stats")


def get_sources() -> pd.DataFrame:
    """Return the file behind each year shown: year, version, file_name, imported_at (UTC), by, is_sample."""
    return _sources(data_version())


# --- figures, built once per data version, year and language ----------------------------------------------

FIGURES = (
    "bullet",
    "sparkline",
    "indicator",
    "district",
    "rating_years",
    "rating_districts",
    "rating_sectors",
)


@st.cache_resource(max_entries=512, show_spinner=False)
def _figure(version: DataVersion, kind: str, year: int, lang: str, key: str | None) -> go.Figure:
    plan = default_plan()
    if kind == "bullet":
        return charts.build_bullet_figure(_shared_report(version, year, False), lang, group_id=key)
    if kind == "sparkline":
        result = _shared_report(version, year, False).result(key)
        return charts.build_sparkline(result.history, result.indicator, lang, upto=year)
    if kind == "indicator":
        return charts.build_indicator_figure(_shared_report(version, year, False).result(key), plan, lang)
    if kind == "district":
        result = _shared_report(version, year, True).result(key)
        return charts.build_district_bar(
            result.districts or {}, result.indicator, year, lang, province=result.assessment.value
        )
    targets = overview.rating_targets(plan)
    if kind == "rating_years":
        counts = _rating_counts(version, "year", None, key)
        return charts.build_rating_figure(counts, lang, "year", targets=targets, district=key)
    if kind == "rating_districts":
        counts = _rating_counts(version, "district", year, None)
        return charts.build_rating_figure(counts, lang, "district", year, targets)
    if kind == "rating_sectors":
        counts = _rating_counts(version, "sector", year, key)
        return charts.build_rating_figure(counts, lang, "sector", year, targets, key)
    raise ValueError(f"unknown figure {kind!r}; expected one of {FIGURES}")


def get_figure(kind: str, year: int, lang: str, key: str | None = None) -> go.Figure:
    """Return a chart of the dashboard (one of FIGURES), built by kpi.stats.charts once per data version.

    `key` is the indicator id (sparkline, indicator, district), the district (rating_years,
    rating_sectors; None for the province) or the card group (bullet; None for every indicator). Shared by all sessions: do not modify it (copy it first).
    """
    return _figure(data_version(), kind, year, lang, key)
