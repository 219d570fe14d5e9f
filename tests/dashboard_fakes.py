"""Hand-made reports for the tests of the overview texts and the charts: every figure is set by the test.

`fake_result("cooperatives", year=2024, value=232, status="acceleration_needed", needed=32)` gives an
IndicatorResult of the real plan's indicator whose assessment holds exactly the numbers passed (nothing is
computed), so expected texts can be worked out by hand. `fake_report(2024, [...])` wraps results in a Report;
indicators of the plan that are not passed get status "insufficient_data" and no value.
"""

from __future__ import annotations

from kpi.stats.assess import Assessment
from kpi.stats.report import IndicatorResult, Report, default_plan


def fake_result(
    indicator_id: str,
    *,
    year: int = 2024,
    value: float | None = None,
    status: str = "insufficient_data",
    history: dict[int, float | None] | None = None,
    needed: float | None = None,
    districts: dict[str, float | None] | None = None,
    **assessment: float | int | None,
) -> IndicatorResult:
    """Return a result of one plan indicator with the given figures (history defaults to {year: value})."""
    ind = default_plan().indicator(indicator_id)
    history = dict(history) if history is not None else {year: value}
    earlier = [y for y, v in history.items() if y < year and v is not None]
    previous = history[max(earlier)] if earlier else None
    a = Assessment(
        status=status,
        value=value,
        year=year,
        baseline=assessment.pop("baseline", None),
        baseline_year=assessment.pop("baseline_year", None),
        target=ind.target.value,
        target_year=ind.target.year,
        **assessment,
    )
    return IndicatorResult(ind, a, history, previous, districts, needed)


def fake_report(year: int, results: list[IndicatorResult]) -> Report:
    """Return a report of `year` holding `results`, in the plan's order, the other indicators left empty."""
    plan = default_plan()
    given = {r.indicator.id: r for r in results}
    ordered = [given.get(ind.id) or fake_result(ind.id, year=year) for ind in plan.indicators]
    years = sorted({y for r in ordered for y in r.history})
    return Report(year=year, plan=plan, results=ordered, years=years)
