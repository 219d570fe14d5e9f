"""Each version's results, computed once and kept with it in the store (issue 16).

A version holds one reporting year, and every figure the pages and `kpi report` show of a year depends on that
year's rows only (each measure groups by year; the reference lists give the communes valid that year). So the
results of a version are computed from its own rows, once, right after its import, and stored beside it
(`kpi.store.results`): the long table of indicator values by district, the operating cooperatives counted
per district, sector and rating, the population counts, the communes covered and the model cooperatives
(SUMMARY); and, for the list of cooperatives, the year's rows in list order and the
codes with their Excel rows. The chart pages and the report read the few small SUMMARY tables instead of
6 × 30.000 rows; the list reads one year's register and the codes of every year.

Never stale: results carry the fingerprint of the plan file and the reference lists they were computed with,
and `METHOD_VERSION` of this code; a reader that finds another fingerprint or method (or none) computes the
version's results again from its rows and stores them. Raise METHOD_VERSION whenever a change of code changes
any of these tables.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from kpi.common.i18n import LANGS
from kpi.domain.places import DEFAULT_PATH as REFERENCE_FILE
from kpi.domain.plan import DEFAULT_PLAN_ID, PLANS_DIR, MeasureKind
from kpi.stats import coops as coop_list
from kpi.stats import scorecard
from kpi.stats.indicators import DISTRICT, INDICATOR, VALUE, Engine, commune_coverage_detail
from kpi.stats.quality import QualityTables, year_quality
from kpi.stats.report import Report, default_engine, default_reference, report_from_values
from kpi.stats.year_checks import RULES_PATH
from kpi.store import results as kept
from kpi.store.versions import STATS, Store, StoreError
from kpi.workbook.dataset import YEAR, Dataset, dataset_from_workbooks
from kpi.workbook.validate import CleanWorkbook

METHOD_VERSION = 4  # raise when a change of code changes any table below: stored results are then recomputed
PLAN_FILE = PLANS_DIR / f"{DEFAULT_PLAN_ID}.yaml"

# The tables kept per version.
VALUES = "values"  # Engine.compute(by_district=True) of the year
RATING_CELLS = "rating_cells"  # scorecard.rating_cells: operating cooperatives per district, sector, rating
POPULATIONS = "populations"  # scorecard.population_counts of the province (district blank) and each district
COVERAGE = "coverage"  # commune_coverage_detail, when the plan has a commune_coverage indicator
MODELS = "models"  # scorecard.model_cooperatives, when the plan has a district_count indicator
REGISTER = "register"  # coops.list_order: the year's cooperatives as page "Danh sách HTX" lists them
CODES = "codes"  # coops.code_rows: each cooperative's code key and Excel row, to follow one across the years
# What the chart pages and `kpi report` read of every year; the register and the codes are read only by the list.
SUMMARY = (VALUES, RATING_CELLS, POPULATIONS, COVERAGE, MODELS)
# A year's quality (kpi.stats.quality) compares it with the year before: kept beside the version's results as
# "quality@<id of the year before's version, 0 when none>:<name>", computed when first asked for.
QUALITY = "quality@"
# Every year's codes of a set of versions (coops.CodeIndex): kept beside the results of the latest year's version
# as "codes@<digest of the set>", computed when first asked for; a later set replaces it.
CODE_INDEX = "codes@"

log = logging.getLogger(__name__)


def fingerprint(paths: list[Path], salt: bytes = b"") -> str:
    """Return the SHA-256 of `salt` and the files' names and contents, in hex."""
    digest = hashlib.sha256(salt)
    for path in paths:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def stamp_of(
    plan_file: Path = PLAN_FILE, reference_file: Path = REFERENCE_FILE, rules_file: Path = RULES_PATH
) -> kept.Stamp:
    """Return the stamp of results computed from these files (the plan, the reference lists, the thresholds
    of the year-on-year checks) with this code."""
    # The kept codes are keys made by pandas' hash (coops.code_keys): a pandas that made other keys would not
    # find them, so a probe of it is part of the stamp, and a change recomputes them.
    probe = coop_list.code_keys(["HTX"]).tobytes()
    return kept.Stamp(fingerprint([plan_file, reference_file, rules_file], salt=probe), METHOD_VERSION)


@cache
def default_stamp() -> kept.Stamp:
    """Return the stamp of the default plan and reference lists (read once per process, as they are)."""
    return stamp_of()


# --- computing one year -------------------------------------------------------------------------------------


def year_results(data: Dataset, engine: Engine | None = None) -> dict[str, pd.DataFrame]:
    """Return the tables kept with a version, computed from the Dataset of its year alone."""
    engine = engine or default_engine()
    plan = engine.plan
    (year,) = data.years
    coops = data.coops
    present = [d for d in coops[DISTRICT].dropna().unique().tolist() if d not in engine.districts]
    districts = [None, *engine.districts, *sorted(present)]
    counts = scorecard.population_counts_by_district(engine, data, year, districts)
    populations = [{DISTRICT: district, **counts[district]} for district in districts]
    frames = {
        VALUES: engine.compute(data, by_district=True),
        RATING_CELLS: scorecard.rating_cells(coops),
        POPULATIONS: pd.DataFrame(populations).astype({DISTRICT: "object"}),
        REGISTER: coop_list.list_order(coops, engine.districts),
        CODES: coop_list.code_rows(coops),
    }
    coverage = scorecard.indicator_of_kind(plan, MeasureKind.COMMUNE_COVERAGE)
    if coverage is not None:
        frames[COVERAGE] = commune_coverage_detail(engine, data, coverage, year)
    models = scorecard.indicator_of_kind(plan, MeasureKind.DISTRICT_COUNT)
    if models is not None:
        frames[MODELS] = scorecard.model_cooperatives(engine, data, models, year)
    return frames


# --- several years, as the pages read them -------------------------------------------------------------------


# Reads the kept table `name` of some years: {year: {name: frame, ...}} (other tables may come along).
TableLoader = Callable[[str, list[int]], Mapping[int, Mapping[str, pd.DataFrame]]]


@dataclass
class Results:
    """The results of the versions shown (one per year), with what the pages ask of them.

    `by_year` holds each year's tables; with `load`, a table missing there is read when first asked for, and
    only for the years asked (a page showing one year's communes decodes none of the other tables). Shared
    read-only between the sessions of the dashboard: reading and deriving hold a lock.
    """

    engine: Engine
    by_year: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)
    load: TableLoader | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.years = sorted(self.by_year)
        self._asked: set[tuple[str, int]] = set()  # (table, year) already read or known to be absent
        self._derived: dict[str, pd.DataFrame] = {}
        self._lock = threading.RLock()

    def _tables(self, name: str, years: list[int]) -> dict[int, pd.DataFrame]:
        """Return {year: table `name`} of those `years` that have it, read first where missing."""
        with self._lock:
            wanted = [y for y in years if y in self.by_year and (name, y) not in self._asked]
            missing = [y for y in wanted if name not in self.by_year[y]]
            if missing and self.load is not None:
                for year, frames in self.load(name, missing).items():
                    for each, frame in frames.items():
                        self.by_year[year].setdefault(each, frame)
            self._asked.update((name, y) for y in wanted)
            return {y: self.by_year[y][name] for y in years if name in self.by_year.get(y, {})}

    def _all_years(self, name: str, derive: Callable[[list[pd.DataFrame]], pd.DataFrame]) -> pd.DataFrame:
        """Return `derive` of the table `name` of every year, in year order, made once."""
        with self._lock:
            if name not in self._derived:
                tables = self._tables(name, self.years)
                self._derived[name] = derive([tables[y] for y in self.years])
            return self._derived[name]

    @property
    def _values(self) -> pd.DataFrame:
        return self._all_years(VALUES, lambda tables: _ordered_values(tables, self.engine))

    @property
    def _cells(self) -> pd.DataFrame:
        return self._all_years(RATING_CELLS, _all_cells)

    def values(self, by_district: bool = False) -> pd.DataFrame:
        """Return the long table of `compute_values(data, by_district=...)`: indicator, year, district, value."""
        values = self._values
        if by_district:
            return values.copy()
        return values[values[DISTRICT].isna()].reset_index(drop=True)

    def report(self, year: int | None = None, by_district: bool = False) -> Report:
        """Return the report of `build_report(data, year, by_district)`."""
        return report_from_values(self.values(by_district), year, by_district, self.engine, years=self.years)

    def rating_counts(
        self, by: str = YEAR, year: int | None = None, districts: list[str] | None = None
    ) -> pd.DataFrame:
        """Return `scorecard.rating_counts(data, by, year, districts)`."""
        return scorecard.rating_table(self._cells, by, year, districts)

    def population_counts(self, year: int, district: str | None = None) -> dict[str, int]:
        """Return `scorecard.population_counts(engine, data, year, district)`."""
        return counts_of(self._tables(POPULATIONS, [year]).get(year), self.engine, district)

    def commune_coverage(self, year: int) -> pd.DataFrame | None:
        """Return `commune_coverage_detail` of the year (None when the plan has no such indicator)."""
        return self._year_table(year, COVERAGE, MeasureKind.COMMUNE_COVERAGE)

    def model_cooperatives(self, year: int) -> pd.DataFrame | None:
        """Return `scorecard.model_cooperatives` of the year (None when the plan has no such indicator)."""
        return self._year_table(year, MODELS, MeasureKind.DISTRICT_COUNT)

    def _year_table(self, year: int, name: str, kind: MeasureKind) -> pd.DataFrame | None:
        if scorecard.indicator_of_kind(self.engine.plan, kind) is None:
            return None
        table = self._tables(name, [year]).get(year)
        return None if table is None else table.copy()


def counts_of(
    populations: pd.DataFrame | None, engine: Engine, district: str | None = None
) -> dict[str, int]:
    """Return the population counts of the province (or `district`) in a year's POPULATIONS table (zeros
    when the year or the district has none)."""
    names = ["listed", *engine.plan.population_counts]
    if populations is None:
        return dict.fromkeys(names, 0)
    column = populations[DISTRICT]
    rows = populations[column.isna()] if district is None else populations[column == district]
    if rows.empty:
        return dict.fromkeys(names, 0)
    return {name: int(rows[name].iloc[0]) for name in names}


def _all_cells(cells: list[pd.DataFrame]) -> pd.DataFrame:
    """Return the years' rating cells as one table."""
    return pd.concat(cells, ignore_index=True) if cells else scorecard.rating_cells(_no_coops())


def _no_coops() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in [*scorecard.RATING_CELL_KEYS, "status"]})


def _ordered_values(tables: list[pd.DataFrame], engine: Engine) -> pd.DataFrame:
    """Return the years' value tables as one, in the order `Engine.compute` gives over all years at once:
    indicators in the plan's order, each with its province rows by year, then its district rows by year
    and district (reference order)."""
    columns = [INDICATOR, YEAR, DISTRICT, VALUE]
    if not tables:
        return pd.DataFrame(columns=columns)
    values = pd.concat(tables, ignore_index=True)
    position = {ind.id: i for i, ind in enumerate(engine.plan.indicators)}
    place = {d: i for i, d in enumerate(engine.districts)}
    unknown = len(position)  # an indicator the plan does not name: last
    # A stable sort of plain tuples (a frame of keys sorted by pandas cost several milliseconds): indicator,
    # province before districts, year, district in reference order (one not in the reference first).
    keys = [
        (position.get(ind, unknown), False, year, -1) if pd.isna(district)
        else (position.get(ind, unknown), True, year, place.get(district, -1))
        for ind, year, district in zip(*(values[c].tolist() for c in (INDICATOR, YEAR, DISTRICT)), strict=True)
    ]  # fmt: skip
    order = sorted(range(len(keys)), key=keys.__getitem__)
    values = values.take(order)[columns].reset_index(drop=True)
    district = values[DISTRICT].astype(object)
    values[DISTRICT] = district.where(district.notna(), None)  # the province: None, as computed or read
    values[VALUE] = pd.to_numeric(values[VALUE], errors="coerce").astype("float64")
    return values


def one_year(data: Dataset, year: int) -> Dataset:
    """Return the data of one year of `data`."""
    return Dataset(*(frame[frame[YEAR] == year] for frame in (data.coops, data.groups, data.info)))


def results_of_dataset(data: Dataset, engine: Engine | None = None) -> Results:
    """Return the results of every year of a Dataset, computed now (workbooks read directly)."""
    engine = engine or default_engine()
    return Results(engine, {year: year_results(one_year(data, year), engine) for year in data.years})


def kept_tables(
    store: Store,
    versions: Mapping[int, int] | None = None,
    names: tuple[str, ...] | None = SUMMARY,
    engine: Engine | None = None,
    stamp: kept.Stamp | None = None,
    computed: dict[int, dict[str, pd.DataFrame]] | None = None,
    ids: Mapping[int, int] | None = None,
) -> dict[int, dict[str, pd.DataFrame]]:
    """Return {year: {name: table}} of the {year: version} given (default: the current ones), only the tables
    `names` (None: all), read from the store (`ids`: their version ids, when known).

    A version without results, or whose results were computed from another plan or reference file or by
    another method version, is computed again from its rows and its results are stored; `computed`, when
    given, receives every table so computed (all of them, whatever `names`).
    """
    engine = engine or default_engine()
    stamp = stamp or default_stamp()
    if versions is None:
        versions = store.current_versions()

    def compute(missing: Mapping[int, int]) -> dict[int, dict[str, pd.DataFrame]]:
        log.info("computing the results of %s", dict(missing))
        data = store.load_dataset(missing)
        frames = {year: year_results(one_year(data, year), engine) for year in data.years}
        if computed is not None:
            computed.update(frames)
        return frames

    return kept.results_for(store, dict(versions), stamp, compute, names, ids)


def stored_results(
    store: Store,
    versions: Mapping[int, int] | None = None,
    engine: Engine | None = None,
    stamp: kept.Stamp | None = None,
    lazy: bool = False,
) -> Results:
    """Return the results (the SUMMARY tables) of the {year: version} given (default: the current ones), read
    from the store as `kept_tables` reads them.

    `lazy`: only check them now (what is missing or stale is computed then, as without it); each table is
    read when first asked for, for the years asked (the store must stay open).
    """
    engine = engine or default_engine()
    if not lazy:
        return Results(engine, kept_tables(store, versions, SUMMARY, engine, stamp))
    versions = dict(store.current_versions() if versions is None else versions)
    ids = kept.version_ids(store, versions)  # a version's id never changes: asked once, not at every read
    # Tables computed here are kept in memory too: a busy or read-only store may not keep them.
    computed: dict[int, dict[str, pd.DataFrame]] = {}

    def load(name: str, years: list[int]) -> Mapping[int, Mapping[str, pd.DataFrame]]:
        return kept_tables(store, {y: versions[y] for y in years}, (name,), engine, stamp, computed, ids)

    checked = kept_tables(store, versions, (), engine, stamp, computed, ids)
    summary = {year: {n: f for n, f in computed.get(year, {}).items() if n in SUMMARY} for year in checked}
    return Results(engine, summary, load)


def stored_population_counts(
    store: Store, year: int, version: int, district: str | None = None
) -> dict[str, int]:
    """Return the population counts of one version (`Results.population_counts`), reading its POPULATIONS
    table alone: for a page that shows no other figure of the results."""
    engine = default_engine()
    return counts_of(
        kept_tables(store, {year: version}, (POPULATIONS,), engine)[year].get(POPULATIONS), engine, district
    )


def stored_register(store: Store, year: int, version: int) -> pd.DataFrame:
    """Return the cooperatives of one version in list order (`coops.list_order`)."""
    return kept_tables(store, {year: version}, (REGISTER,))[year][REGISTER]


def stored_codes(store: Store, versions: Mapping[int, int]) -> dict[int, pd.DataFrame]:
    """Return {year: `coops.code_rows`} of the {year: version} given."""
    return {year: tables[CODES] for year, tables in kept_tables(store, versions, (CODES,)).items()}


def kept_beside(
    store: Store,
    year: int,
    version: int,
    version_id: int,
    names: list[str],
    replacing: str,
    make: Callable[[], dict[str, pd.DataFrame]],
) -> tuple[dict[str, pd.DataFrame], bool]:
    """Return the frames `names` kept beside one version for what depends on other versions too (named after
    them), and whether they were made now: read when all are there, else `make()` (every frame of the kind,
    whatever `names`) kept in place of the version's frames whose name starts with `replacing`. A busy or
    read-only store is served them anyway."""
    # The version's own results first: its kept tables are never a partial set.
    kept_tables(store, {year: version}, (), ids={year: version_id})
    stamp = default_stamp()
    found = kept.load_results(store, [version_id], stamp, names).get(version_id, {})
    if set(found) == set(names):
        return found, False
    frames = make()
    try:
        kept.add_results(store, version_id, frames, stamp, replacing=replacing)
    except (StoreError, sa.exc.SQLAlchemyError):
        log.warning("%s… of version id %s made but not stored", replacing, version_id, exc_info=True)
    return frames, True


def stored_code_index(store: Store, versions: Mapping[int, int]) -> coop_list.CodeIndex:
    """Return the `coops.CodeIndex` of the {year: version} given: kept beside the latest year's version for
    exactly that set of versions, made from every year's CODES the first time, and kept (a later set replaces
    it), so that a first visit of the list reads one table instead of every year's codes."""
    ids = kept.version_ids(store, versions)
    if not ids:
        return coop_list.CodeIndex.of({})
    latest = max(ids)
    pairs = ",".join(f"{year}:{ids[year]}" for year in sorted(ids))
    name = CODE_INDEX + hashlib.sha256(pairs.encode()).hexdigest()[:16]
    frames, made = kept_beside(
        store,
        latest,
        versions[latest],
        ids[latest],
        [name],
        CODE_INDEX,
        lambda: {name: coop_list.CodeIndex.of(stored_codes(store, versions)).frame()},
    )
    if made:
        try:  # the indexes of other sets, beside other versions: never read again
            kept.forget_results(store, CODE_INDEX, keep=[ids[latest]])
        except (StoreError, sa.exc.SQLAlchemyError):
            log.warning("old code indexes not removed", exc_info=True)
    return coop_list.CodeIndex.from_frame(frames[name])


def stored_quality(
    store: Store, year: int, versions: Mapping[int, int], langs: tuple[str, ...] = LANGS
) -> QualityTables:
    """Return the quality of `year` among the {year: version} given (`kpi.stats.quality`), with its warnings
    in `langs`, kept with the year's version for the version of the year before that it was compared with:
    computed from the two years' rows the first time (in every language), and kept."""
    ids = kept.version_ids(store, {y: versions[y] for y in (year - 1, year) if y in versions})
    prefix = f"{QUALITY}{ids.get(year - 1, 0)}:"

    def make() -> dict[str, pd.DataFrame]:
        log.info("computing the quality of %s", year)
        data = store.load_dataset({y: versions[y] for y in ids})
        tables = QualityTables.of(year_quality(data, year, default_reference()))
        return {prefix + name: frame for name, frame in tables.frames().items()}

    names = [prefix + name for name in QualityTables.names(langs)]
    frames, _ = kept_beside(store, year, versions[year], ids[year], names, QUALITY, make)
    return QualityTables.from_frames(year, {n.removeprefix(prefix): f for n, f in frames.items()})


# --- computed at import ----------------------------------------------------------------------------------------


def keep_results(store: Store) -> Store:
    """Have `store` compute and keep the results of every statistics version it makes current (an import, a
    rollback, a restored sample), right after the write; return the store. Idempotent."""
    if _after_change not in store.after_change:
        store.after_change.append(_after_change)
    return store


def _after_change(store: Store, kind: str, year: int, version: int, clean: CleanWorkbook | None) -> None:
    if kind != STATS:
        return
    stamp = default_stamp()
    ids = kept.version_ids(store, {year: version})
    if clean is None:  # a rollback or a restored sample: the version's results may be kept already
        if kept.load_results(store, ids.values(), stamp, names=()):
            return
        data = store.load_dataset({year: version})
    else:  # an import: the rows are still in memory
        data = dataset_from_workbooks([clean])
    kept.store_results(store, ids[year], year_results(data), stamp)


__all__ = [
    "CODES",
    "COVERAGE",
    "METHOD_VERSION",
    "MODELS",
    "POPULATIONS",
    "QUALITY",
    "RATING_CELLS",
    "REGISTER",
    "SUMMARY",
    "VALUES",
    "Results",
    "default_stamp",
    "fingerprint",
    "keep_results",
    "kept_tables",
    "results_of_dataset",
    "stamp_of",
    "counts_of",
    "stored_code_index",
    "stored_codes",
    "stored_population_counts",
    "stored_quality",
    "stored_register",
    "stored_results",
    "year_results",
]
