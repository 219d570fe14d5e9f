"""What the two faces (pages and command line) ask for, in their words: "the KPIs of 2024 with their
assessment", "check this workbook". No streamlit here, and no formatting of screens; only results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from kpi.domain.places import Reference, load_reference
from kpi.domain.plan import Indicator, Plan, load_plan
from kpi.stats.assess import Assessment, assess, required_yearly_change
from kpi.stats.indicators import DISTRICT, INDICATOR, VALUE, Engine
from kpi.workbook.dataset import YEAR, Dataset


@cache
def default_plan() -> Plan:
    """Return the plan shipped with the project (loaded once per process; the file does not change)."""
    return load_plan()


@cache
def default_reference() -> Reference:
    """Return the reference lists shipped with the project (loaded once per process)."""
    return load_reference()


def default_engine() -> Engine:
    """Return the engine of the default plan and reference lists."""
    return Engine(default_plan(), default_reference())


@dataclass
class IndicatorResult:
    """One indicator for the chosen year: its definition, yearly values, assessment and district values."""

    indicator: Indicator
    assessment: Assessment
    history: dict[int, float | None]
    previous: float | None
    districts: dict[str, float | None] | None = None
    yearly_change_needed: float | None = None

    @property
    def change(self) -> float | None:
        """Return the change from the previous reporting year, or None."""
        value = self.assessment.value
        if value is None or self.previous is None:
            return None
        return value - self.previous

    @property
    def target_share(self) -> float | None:
        """Return the percentage of the target reached (value / target × 100), the main figure of every page.

        None without a value, and when lower is better: the target is then a ceiling, and 16,7% of a 15%
        ceiling is not "111% done"; the gap to the target is given instead.
        """
        value, target = self.assessment.value, self.indicator.target.value
        if value is None or not target or not self.indicator.higher_is_better:
            return None
        return 100 * value / target


@dataclass
class Report:
    """Every indicator of a plan for one reporting year."""

    year: int
    plan: Plan
    results: list[IndicatorResult] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def result(self, indicator_id: str) -> IndicatorResult:
        """Return the result of one indicator."""
        return next(r for r in self.results if r.indicator.id == indicator_id)

    def to_json(self, lang: str = "vi", by_district: bool = False) -> dict:
        """Return the JSON object of `python -m kpi report --format json` (the public contract)."""
        items = []
        for r in self.results:
            ind, a = r.indicator, r.assessment
            item = {
                "id": ind.id,
                "name": ind.name.get(lang),
                "unit": ind.unit.get(lang),
                "value": _clean(a.value),
                "target": _clean(ind.target.value),
                "target_year": ind.target.year,
                "baseline": _clean(a.baseline),
                "baseline_year": a.baseline_year,
                "status": a.status,
                "ratio": _clean(a.ratio),
                # The assessment keeps the share as a fraction; the contract gives shares in percent.
                "progress_share": _clean(None if a.progress_share is None else 100 * a.progress_share),
                "expected_value": _clean(a.expected_value),
                "projected_value": _clean(a.projected_value),
                # Extensions of the contract (appended, never renamed): where the target comes from, and the
                # main figure of every page, the value as a percentage of the target.
                "target_source": ind.target.source.value,
                "target_share": _clean(r.target_share),
            }
            if by_district and r.districts is not None:
                item["districts"] = {d: _clean(v) for d, v in r.districts.items()}
            items.append(item)
        return {"year": self.year, "indicators": items}

    def status_counts(self, group_id: str | None = None, source: str | None = None) -> dict[str, int]:
        """Return how many indicators (of a group, or all; of one target source, or all) have each status."""
        counts: dict[str, int] = {}
        for r in self.results:
            if group_id is not None and r.indicator.group != group_id:
                continue
            if source is not None and r.indicator.target.source != source:
                continue
            counts[r.assessment.status] = counts.get(r.assessment.status, 0) + 1
        return counts


def _clean(x: float | None) -> float | int | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def compute_values(data: Dataset, engine: Engine | None = None, by_district: bool = False) -> pd.DataFrame:
    """Return the long table of every indicator's value per year (and district)."""
    return (engine or default_engine()).compute(data, by_district=by_district)


def build_report(
    data: Dataset,
    year: int | None = None,
    by_district: bool = False,
    engine: Engine | None = None,
    values: pd.DataFrame | None = None,
) -> Report:
    """Return the report of every indicator for `year` (default: the latest year in the data).

    `values` may pass an already computed long table (from compute_values with the same by_district).
    """
    engine = engine or default_engine()
    if values is None:
        values = engine.compute(data, by_district=by_district)
    return report_from_values(values, year, by_district, engine, years=data.years)


def report_from_values(
    values: pd.DataFrame,
    year: int | None = None,
    by_district: bool = False,
    engine: Engine | None = None,
    years: list[int] | None = None,
) -> Report:
    """Return the report of `build_report` from the long table of values alone (kept results, say).

    `years` defaults to the years of the table (those of the data it was computed from).
    """
    engine = engine or default_engine()
    plan = engine.plan
    if years is None:
        years = sorted(int(y) for y in values[YEAR].unique())
    if year is None:
        year = years[-1] if years else plan.period.start
    # One pass over the rows (a boolean mask per indicator cost a millisecond each): per indicator, the
    # province's value by year and the districts' values of `year`, in the order of the table.
    histories: dict[str, dict[int, float | None]] = {}
    of_year: dict[str, dict[str, float | None]] = {}
    columns = (values[c].tolist() for c in (INDICATOR, YEAR, DISTRICT, VALUE))
    for ind_id, y, district, v in zip(*columns, strict=True):
        value = None if pd.isna(v) else float(v)
        if pd.isna(district):
            histories.setdefault(ind_id, {})[int(y)] = value
        elif y == year:
            of_year.setdefault(ind_id, {})[district] = value
    report = Report(year=year, plan=plan, years=years)
    for ind in plan.indicators:
        history = histories.get(ind.id, {})
        upto = {y: v for y, v in history.items() if y <= year}
        assessment = assess(upto, ind, plan.assessment, year=year)
        earlier = [y for y in history if y < year and history[y] is not None]
        previous = history[max(earlier)] if earlier else None
        districts = None
        if by_district and ind.by_district:
            districts = of_year.get(ind.id, {})
        needed = None
        if assessment.value is not None and assessment.status != "achieved":
            needed = required_yearly_change(assessment.value, year, ind.target.value, ind.target.year)
        report.results.append(IndicatorResult(ind, assessment, history, previous, districts, needed))
    return report
