"""Computing the plan's indicators from the clean data of one or more years.

Each indicator's measure is data (`kind` and parameters in the plan file); this module knows how to
compute each kind, for the province and, where asked, per district. The result is a long table:
one row per (indicator, year, district), district None for the whole province.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from kpi.domain.places import Reference
from kpi.domain.plan import Indicator, MeasureKind, Plan
from kpi.workbook.dataset import YEAR, Dataset

INDICATOR, DISTRICT, VALUE = "indicator", "district", "value"


def where_mask(df: pd.DataFrame, where: dict) -> pd.Series:
    """Return the rows of `df` that satisfy a where clause of the plan file (missing values never match)."""
    mask = pd.Series(True, index=df.index)
    for column, conditions in where.items():
        series = df[column]
        for op, arg in conditions.items():
            if op == "in":
                part = series.isin(list(arg))
            elif op == "not_in":
                part = series.notna() & ~series.isin(list(arg))
            elif op == "eq":
                part = series == arg
            else:
                number = pd.to_numeric(series, errors="coerce")
                part = {"gt": number > arg, "ge": number >= arg, "lt": number < arg, "le": number <= arg}[op]
            mask &= part.fillna(False).astype(bool)
    return mask


class Engine:
    """Computes every indicator of a plan over a dataset, with the reference lists of the province."""

    def __init__(self, plan: Plan, reference: Reference):
        self.plan = plan
        self.reference = reference
        self.districts = reference.district_names()

    def population(self, coops: pd.DataFrame, name: str) -> pd.Series:
        """Return the mask of the rows that belong to a named population of the plan."""
        return where_mask(coops, self.plan.populations[name].where)

    def compute(self, data: Dataset, by_district: bool = False) -> pd.DataFrame:
        """Return the long table of values: indicator, year, district (None = province), value."""
        selected = Selection(self, data)  # each population's rows and groupings, selected once for all
        frames = [self.compute_one(ind, data, by_district, selected) for ind in self.plan.indicators]
        return pd.concat(frames, ignore_index=True)

    def compute_one(
        self,
        indicator: Indicator,
        data: Dataset,
        by_district: bool = False,
        selected: Selection | None = None,
    ) -> pd.DataFrame:
        """Return the values of one indicator for every year (and district when asked and meaningful).

        `selected`, shared by the calls over one dataset, keeps what they select of it (made here when None).
        """
        selected = Selection(self, data) if selected is None else selected
        years = selected.years
        province = self._series(indicator, selected, False)
        rows = [
            {INDICATOR: indicator.id, YEAR: y, DISTRICT: None, VALUE: _num(province.get(y))} for y in years
        ]
        if by_district and indicator.by_district:
            per = self._series(indicator, selected, True)
            rows += [
                {INDICATOR: indicator.id, YEAR: y, DISTRICT: d, VALUE: _num(per.get((y, d)))}
                for y in years
                for d in self.districts
            ]
        return pd.DataFrame(rows, columns=[INDICATOR, YEAR, DISTRICT, VALUE])

    # --- one function per measure kind; each returns a Series indexed by year or (year, district) ---------

    def _series(self, indicator: Indicator, selected: Selection, per_district: bool) -> pd.Series:
        kind = MeasureKind(indicator.measure.kind)
        p = indicator.measure.params
        keys = [YEAR, DISTRICT] if per_district else [YEAR]
        full = selected.full_index(per_district)
        data = selected.data
        if kind == MeasureKind.INFO:
            return data.info.set_index(YEAR)[p["field"]].astype("float64")
        if kind == MeasureKind.GROUP_RATIO:
            groups = data.groups.rename(columns={"district": DISTRICT})
            # A row with a blank numerator or denominator is missing, not zero: it leaves both sums, or a
            # district that gave only its number of groups would lower the province's share.
            groups = groups.dropna(subset=[p["numerator"], p["denominator"]])
            sums = groups.groupby(keys)[[p["numerator"], p["denominator"]]].sum(min_count=1)
            ratio = 100 * sums[p["numerator"]] / sums[p["denominator"]].replace(0, np.nan)
            return ratio.reindex(full)
        if kind == MeasureKind.COMMUNE_COVERAGE:
            return _coverage_series(selected.covered_counts(indicator), per_district)
        in_pop = selected.members(p["population"])
        grouped = selected.grouped(p["population"], per_district)
        if kind == MeasureKind.COUNT:
            return grouped.size().reindex(full, fill_value=0).astype("float64")
        if kind == MeasureKind.SUM:
            sums = grouped[p["column"]].sum(min_count=1)
            present = grouped.size().reindex(full, fill_value=0)
            return sums.reindex(full).where(present > 0, 0.0).astype("float64")
        if kind == MeasureKind.MEAN:
            return grouped[p["column"]].mean().reindex(full)
        if kind == MeasureKind.WEIGHTED_MEAN:
            value, weight = in_pop[p["column"]], in_pop[p["weight"]]
            usable = in_pop[(weight > 0) & value.notna()]
            products = (usable[p["column"]] * usable[p["weight"]]).groupby([usable[k] for k in keys]).sum()
            weights = usable.groupby(keys)[p["weight"]].sum()
            return (products / weights).reindex(full)
        if kind == MeasureKind.SHARE:
            numerator = grouped[_hits(indicator)].sum().reindex(full, fill_value=0)
            denominator = grouped.size().reindex(full, fill_value=0)
            return (100 * numerator / denominator.replace(0, np.nan)).astype("float64")
        if kind == MeasureKind.DISTRICT_COUNT:
            if per_district:
                hits = grouped[_hits(indicator)].sum()
                return (hits > 0).astype("float64").reindex(full, fill_value=0.0)
            hits = in_pop[in_pop[_hits(indicator)]]
            return hits.groupby(YEAR)[DISTRICT].nunique().reindex(full, fill_value=0).astype("float64")
        raise ValueError(f"unknown measure kind {kind}")  # unreachable: the plan loader checks kinds

    def covered_communes(
        self, coops: pd.DataFrame, p: dict, year: int | None = None
    ) -> set[tuple[int, str, str]]:
        """Return the (year, district, commune) where a cooperative meets a commune_coverage measure (of one
        year, or of every year when None)."""
        chosen = self.population(coops, p["population"]) & where_mask(coops, p["where"])
        if year is not None:
            chosen &= coops[YEAR] == year
        hits = coops.loc[chosen, [YEAR, DISTRICT, "commune"]]
        places = (hits[YEAR].tolist(), hits[DISTRICT].tolist(), hits["commune"].tolist())
        return set(zip(*places, strict=True))


_COUNTED_WHERE = (MeasureKind.SHARE, MeasureKind.DISTRICT_COUNT)  # counted over their population's groups


def _hits(indicator: Indicator) -> str:
    """Return the name of the column that marks the rows meeting the where clause of an indicator."""
    return f"where {indicator.id}"


class Selection:
    """What one computation over a dataset selects once and its indicators share: each population's rows
    (only the columns its indicators read, and whether each meets the where clause of a share or district count),
    their groupings by year and by year and district, the indexes of the years and districts, the communes
    covered."""

    def __init__(self, engine: Engine, data: Dataset):
        self.engine = engine
        self.data = data
        self.years = data.years
        read = [YEAR, DISTRICT, "commune", *sorted(engine.plan.referenced_columns()["coops"])]
        coops = data.coops[[c for c in dict.fromkeys(read) if c in data.coops.columns]]
        counted = [ind for ind in engine.plan.indicators if ind.measure.kind in _COUNTED_WHERE]
        self.coops = coops.assign(**{_hits(i): where_mask(coops, i.measure.params["where"]) for i in counted})
        self._read: dict[str, list[str]] = {}  # per population, the columns its indicators read
        for ind in engine.plan.indicators:
            p = ind.measure.params
            if "population" in p and ind.measure.kind != MeasureKind.COMMUNE_COVERAGE:
                hits = _hits(ind) if ind.measure.kind in _COUNTED_WHERE else None
                read = self._read.setdefault(p["population"], [YEAR, DISTRICT])
                read += [
                    c for c in (p.get("column"), p.get("weight"), hits) if c in self.coops and c not in read
                ]
        self._members: dict[str, pd.DataFrame] = {}
        self._grouped: dict[tuple[str, bool], DataFrameGroupBy] = {}
        self._full: dict[bool, pd.Index] = {}
        self._covered: dict[str, dict] = {}

    def members(self, population: str) -> pd.DataFrame:
        """Return the rows of a named population."""
        if population not in self._members:
            rows = self.engine.population(self.coops, population)
            self._members[population] = self.coops.loc[rows, self._read.get(population, [YEAR, DISTRICT])]
        return self._members[population]

    def grouped(self, population: str, per_district: bool) -> DataFrameGroupBy:
        """Return the rows of a population grouped by year, or by year and district."""
        key = (population, per_district)
        if key not in self._grouped:
            self._grouped[key] = self.members(population).groupby(
                [YEAR, DISTRICT] if per_district else [YEAR]
            )
        return self._grouped[key]

    def full_index(self, per_district: bool) -> pd.Index:
        """Return the index of every year (and reference district) a series is given on."""
        if per_district not in self._full:
            self._full[per_district] = (
                pd.MultiIndex.from_product([self.years, self.engine.districts], names=[YEAR, DISTRICT])
                if per_district
                else pd.Index(self.years, name=YEAR)
            )
        return self._full[per_district]

    def covered_counts(self, indicator: Indicator) -> dict[tuple[int, str], tuple[int, int]]:
        """Return {(year, district): (communes covered, communes valid)} of a commune_coverage indicator."""
        if indicator.id not in self._covered:
            covered = self.engine.covered_communes(self.coops, indicator.measure.params)
            reference = self.engine.reference
            counts = {}
            for year in self.years:
                for district in reference.districts:
                    communes = [c.name for c in reference.communes_valid_in(year, district.id)]
                    done = sum((year, district.name, c) in covered for c in communes)
                    counts[(year, district.name)] = (done, len(communes))
            self._covered[indicator.id] = counts
        return self._covered[indicator.id]


def _coverage_series(values: dict[tuple[int, str], tuple[int, int]], per_district: bool) -> pd.Series:
    if per_district:
        return pd.Series({k: 100 * d / n if n else np.nan for k, (d, n) in values.items()}).rename_axis(
            [YEAR, DISTRICT]
        )
    totals: dict[int, tuple[int, int]] = {}
    for (year, _), (d, n) in values.items():
        done, count = totals.get(year, (0, 0))
        totals[year] = (done + d, count + n)
    return pd.Series({y: 100 * d / n if n else np.nan for y, (d, n) in totals.items()}).rename_axis(YEAR)


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def commune_coverage_detail(engine: Engine, data: Dataset, indicator: Indicator, year: int) -> pd.DataFrame:
    """Return, per district, the communes with and without a cooperative meeting the indicator's condition."""
    covered = engine.covered_communes(data.coops, indicator.measure.params, year)
    rows = []
    for district in engine.reference.districts:
        names = [c.name for c in engine.reference.communes_valid_in(year, district.id)]
        with_coop = [n for n in names if (year, district.name, n) in covered]
        rows.append(
            {
                DISTRICT: district.name,
                "with": len(with_coop),
                "total": len(names),
                "communes_with": with_coop,
                "communes_without": [n for n in names if (year, district.name, n) not in covered],
            }
        )
    return pd.DataFrame(rows)
