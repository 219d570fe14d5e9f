"""Progress towards a target: Eurostat's method as published by Open SDG (Statistics Canada).

The observed compound annual growth rate from the base year to the current year is compared with the rate
needed to reach the target on time:

    CAGR_o = (x_t / x_0) ** (1 / (t - t0)) - 1
    CAGR_r = (x_T / x_0) ** (1 / (T - t0)) - 1
    R = s * d * CAGR_o / |CAGR_r|      (d = +1 higher is better, -1 lower is better; s = -1 if x_0 < 0)

and R is placed by the plan's thresholds (first `min_ratio` that R reaches; `below_all` otherwise). These pace
statuses are only given before the target year.
Statuses assigned by rule, in this order of precedence:

1. `insufficient_data` when there is no current value;
2. `achieved` when the current value has reached the target (>= or <= by direction);
3. `not_achieved` when the current year is the target year or later and the target was not reached: the
   deadline has come, so the verdict is final and no pace status applies (the pace figures are still
   computed and may be shown as secondary information);
4. `insufficient_data` when the current year is not after the base year;
5. `unable_to_assess` when the base and the current value have opposite signs. Extension of the method:
   also when the base and the target have opposite signs, or when the target year is not after the base
   year, since the required rate is then undefined. Signs are compared after zero replacement, so a base
   of 0 (read as +0.001) with a negative value is unable to assess too;
6. `below_all` (deterioration) when CAGR_r = 0 (target equal to the base, not reached: the value moved
   the wrong way), with no ratio.

A base or target of 0 is replaced by the plan's `zero_replacement` before growth rates are computed.
Nothing here raises on odd input: figures that cannot be computed are None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kpi.domain.plan import AssessmentRules, Indicator

ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
INSUFFICIENT_DATA = "insufficient_data"
UNABLE_TO_ASSESS = "unable_to_assess"


@dataclass(frozen=True)
class Assessment:
    """The status of one indicator in one year, with the figures behind it (None where undefined)."""

    status: str
    value: float | None
    year: int | None
    baseline: float | None
    baseline_year: int | None
    target: float
    target_year: int
    ratio: float | None = None
    progress_share: float | None = None
    expected_value: float | None = None
    projected_value: float | None = None
    cagr_observed: float | None = None
    cagr_required: float | None = None


def assess(
    values: Mapping[int, float | None],
    indicator: Indicator,
    rules: AssessmentRules,
    year: int | None = None,
) -> Assessment:
    """Return the assessment of `indicator` in `year` (default: the latest year with a value)."""
    known = _known_values(values)
    target, target_year = indicator.target.value, indicator.target.year
    if indicator.baseline is not None:
        base, base_year = indicator.baseline.value, indicator.baseline.year
    elif known:
        base_year = min(known)
        base = known[base_year]
    else:
        base, base_year = None, None
    current_year = year if year is not None else (max(known) if known else None)
    current = known.get(current_year) if current_year is not None else None

    figures = _figures(
        current, current_year, base, base_year, target, target_year, rules.zero_replacement, indicator
    )
    status = _status(current, current_year, base, base_year, indicator, rules, figures)
    return Assessment(
        status=status,
        value=current,
        year=current_year,
        baseline=base,
        baseline_year=base_year,
        target=target,
        target_year=target_year,
        **figures,
    )


def _status(
    current: float | None,
    current_year: int | None,
    base: float | None,
    base_year: int | None,
    indicator: Indicator,
    rules: AssessmentRules,
    figures: Mapping[str, float | None],
) -> str:
    """Return the status id, by the precedence given in the module docstring."""
    target, target_year = indicator.target.value, indicator.target.year
    if current is None:
        return INSUFFICIENT_DATA
    if _reached(current, target, indicator.higher_is_better):
        return ACHIEVED
    if current_year is not None and current_year >= target_year:
        return NOT_ACHIEVED
    if base is None or base_year is None or current_year is None or current_year <= base_year:
        return INSUFFICIENT_DATA
    x0 = _nonzero(base, rules.zero_replacement)
    x_target = _nonzero(target, rules.zero_replacement)
    if current / x0 < 0 or x_target / x0 < 0 or target_year <= base_year:
        return UNABLE_TO_ASSESS
    cagr_required, ratio = figures["cagr_required"], figures["ratio"]
    if cagr_required == 0:
        return rules.below_all
    if ratio is None:
        return UNABLE_TO_ASSESS
    for status, min_ratio in rules.thresholds:
        if ratio >= min_ratio:
            return status
    return rules.below_all


def required_yearly_change(
    value: float | None, year: int | None, target: float | None, target_year: int | None
) -> float | None:
    """Return the linear change per year needed to go from `value` to `target` by `target_year` (None if none)."""
    if not (_finite(value) and _finite(target)) or year is None or target_year is None or year >= target_year:
        return None
    assert value is not None and target is not None
    return (target - value) / (target_year - year)


# --- figures ---------------------------------------------------------------------------------------------


def _figures(
    current: float | None,
    current_year: int | None,
    base: float | None,
    base_year: int | None,
    target: float,
    target_year: int,
    zero: float,
    indicator: Indicator,
) -> dict[str, float | None]:
    """Return ratio, progress share, expected and projected values and both growth rates, where defined."""
    out: dict[str, float | None] = dict.fromkeys(
        ("ratio", "progress_share", "expected_value", "projected_value", "cagr_observed", "cagr_required")
    )
    if base is None or base_year is None:
        return out
    if current is not None and target != base:
        out["progress_share"] = _clean((current - base) / (target - base))
    x0 = _nonzero(base, zero)
    cagr_r = _growth(x0, _nonzero(target, zero), target_year - base_year)
    out["cagr_required"] = cagr_r
    cagr_o = None
    if current is not None and current_year is not None:
        cagr_o = _growth(x0, current, current_year - base_year)
        out["cagr_observed"] = cagr_o
        if cagr_r is not None:
            out["expected_value"] = _clean(x0 * (1 + cagr_r) ** (current_year - base_year))
        if cagr_o is not None and current_year <= target_year:
            out["projected_value"] = _clean(current * (1 + cagr_o) ** (target_year - current_year))
    if cagr_o is not None and cagr_r not in (None, 0):
        assert cagr_r is not None
        sign = -1.0 if x0 < 0 else 1.0
        direction = 1.0 if indicator.higher_is_better else -1.0
        out["ratio"] = _clean(sign * direction * cagr_o / abs(cagr_r))
    return out


def _growth(start: float, end: float, years: int) -> float | None:
    """Return the compound annual growth rate from `start` to `end` over `years` (None if undefined)."""
    if years <= 0 or start == 0:
        return None
    quotient = end / start
    if quotient < 0:
        return None
    try:
        return _clean(quotient ** (1 / years) - 1)
    except (OverflowError, ZeroDivisionError):
        return None


def _reached(current: float, target: float, higher_is_better: bool) -> bool:
    return current >= target if higher_is_better else current <= target


def _nonzero(x: float, replacement: float) -> float:
    return replacement if x == 0 else x


def _finite(x: object) -> bool:
    if x is None or isinstance(x, bool):
        return False
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _clean(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _known_values(values: Mapping[int, float | None]) -> dict[int, float]:
    """Return the finite values by integer year, dropping missing values and keys that are not years."""
    known: dict[int, float] = {}
    for key, value in values.items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            continue
        if _finite(value):
            known[year] = float(value)  # type: ignore[arg-type]
    return known
