"""What the overview says in words, worked out from a report: group sentences, card texts, rating tables.

Pure functions (no streamlit): each takes a `kpi.service.Report` or its `IndicatorResult`s, or a `Dataset`,
and returns text in Vietnamese (English with lang="en") or a small table for a chart. Numbers go through
`kpi.formatting`, so they read the Vietnamese way (27.379; 12.079,5; 45,0%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpi.assess import ACHIEVED
from kpi.formatting import format_number, format_percent, format_signed, format_value
from kpi.i18n import t
from kpi.indicators import DISTRICT, YEAR, Dataset, Engine, where_mask
from kpi.plan import Indicator, MeasureKind, Plan
from kpi.schema import RATINGS, SECTORS, STATUS_OPERATING

if TYPE_CHECKING:
    from kpi.service import IndicatorResult, Report

NOT_RATED = RATINGS[-1]  # "Chưa xếp loại"
RATED_CLASSES = RATINGS[:-1]
# Measures that count whole things (cooperatives, people, districts): a yearly need is rounded up.
_WHOLE_KINDS = frozenset({MeasureKind.COUNT, MeasureKind.SUM, MeasureKind.DISTRICT_COUNT})
_PER_YEAR_SUFFIX = {"vi": "/năm", "en": " a year"}


# --- status counts and sentences ----------------------------------------------------------------------


def good_statuses(plan: Plan) -> tuple[str, str]:
    """Return the two statuses read as good news: achieved, and the best threshold status (on track)."""
    return ACHIEVED, plan.assessment.thresholds[0][0]


@dataclass(frozen=True)
class StatusSummary:
    """How many indicators (of a group, or all) are good news, out of how many, and the rest by status."""

    good: int
    total: int
    others: tuple[tuple[str, int], ...]  # (status id, count), in the plan's order of statuses


def summarise_statuses(report: Report, group_id: str | None = None) -> StatusSummary:
    """Return the status summary of a group of indicators (all indicators when group_id is None)."""
    counts = report.status_counts(group_id)
    good_ids = good_statuses(report.plan)
    good = sum(counts.get(s, 0) for s in good_ids)
    order = [s.id for s in report.plan.assessment.statuses]
    order += [s for s in counts if s not in order]
    others = tuple((s, counts[s]) for s in order if s not in good_ids and counts.get(s))
    return StatusSummary(good, sum(counts.values()), others)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _sentence(report: Report, summary: StatusSummary, lang: str) -> str:
    rules = report.plan.assessment
    achieved, on_track = good_statuses(report.plan)
    good_label = t(
        "overview.good_label",
        lang,
        achieved=_lower_first(rules.label(achieved, lang)),
        on_track=_lower_first(rules.label(on_track, lang)),
    )
    parts = [t("overview.good_count", lang, good=summary.good, total=summary.total, label=good_label)]
    parts += [f"{n} {_lower_first(rules.label(s, lang))}" for s, n in summary.others]
    return "; ".join(parts)


def overall_sentence(report: Report, lang: str = "vi") -> str:
    """Return the sentence for all indicators ("11/17 chỉ tiêu đã đạt hoặc đúng tiến độ; 3 cần tăng tốc")."""
    return _sentence(report, summarise_statuses(report), lang)


def group_sentence(report: Report, group_id: str, lang: str = "vi") -> str:
    """Return the sentence of one group ("Quy mô: 1/2 chỉ tiêu đã đạt hoặc đúng tiến độ; 1 cần tăng tốc")."""
    group = next(g for g in report.plan.groups if g.id == group_id)
    return f"{group.name.get(lang)}: {_sentence(report, summarise_statuses(report, group_id), lang)}"


# --- the texts of one card -----------------------------------------------------------------------------


def is_percent(indicator: Indicator, lang: str = "vi") -> bool:
    """Return True when the indicator is a percentage (its changes read in percentage points)."""
    return indicator.unit.get(lang).strip() == "%"


def value_text(indicator: Indicator, value: float | None, lang: str = "vi") -> str:
    """Return a value of the indicator with its unit, Vietnamese format ("27.379 người", "45,0%")."""
    return format_value(value, indicator.unit.get(lang), indicator.decimals, lang)


def amount_text(indicator: Indicator, amount: float | None, lang: str = "vi", per_year: bool = False) -> str:
    """Return a difference of the indicator with its unit: "6 HTX", "2,5 điểm %" (no sign).

    With per_year, a unit that already says "a year" drops it ("triệu đồng/năm" -> "triệu đồng"), because the
    sentence around it says "mỗi năm".
    """
    if amount is None:
        return format_number(None, lang=lang)
    if is_percent(indicator, lang):
        return f"{format_number(amount, indicator.decimals, lang)} {t('overview.points', lang)}"
    unit = indicator.unit.get(lang).strip()
    suffix = _PER_YEAR_SUFFIX[lang]
    if per_year and unit.endswith(suffix):
        unit = unit[: -len(suffix)].strip()
    return f"{format_number(amount, indicator.decimals, lang)} {unit}".strip()


def signed_amount_text(indicator: Indicator, amount: float | None, lang: str = "vi") -> str:
    """Return a change with its sign and unit ("+6 HTX", "−1,2 điểm %")."""
    signed = format_signed(amount, indicator.decimals, lang)
    if amount is None:
        return signed
    unit = t("overview.points", lang) if is_percent(indicator, lang) else indicator.unit.get(lang).strip()
    return f"{signed} {unit}".strip()


def previous_year(result: IndicatorResult, year: int) -> int | None:
    """Return the latest year before `year` with a value, or None."""
    earlier = [y for y, v in result.history.items() if y < year and v is not None]
    return max(earlier) if earlier else None


def change_text(result: IndicatorResult, year: int, lang: str = "vi") -> str:
    """Return the change from the previous year with data ("+6 HTX so với năm 2023"), or "" when none."""
    before = previous_year(result, year)
    if result.change is None or before is None:
        return ""
    if round(result.change, result.indicator.decimals) == 0:
        return t("overview.no_change", lang, year=before)
    return t(
        "overview.change", lang, change=signed_amount_text(result.indicator, result.change, lang), year=before
    )


def target_text(indicator: Indicator, lang: str = "vi") -> str:
    """Return the target with its year ("Mục tiêu 2025: 264 HTX"; lower is better: "≤ 40,0%")."""
    value = value_text(indicator, indicator.target.value, lang)
    if not indicator.higher_is_better:
        value = f"≤ {value}"
    return t("overview.target", lang, year=indicator.target.year, value=value)


def target_share_text(result: IndicatorResult, lang: str = "vi") -> str:
    """Return how far the value is from the target in words ("đạt 85,6% mục tiêu"), or "" without a value.

    For a lower-is-better indicator a share of the target means little, so the gap is given instead
    ("cao hơn mục tiêu 5,0 điểm %", "thấp hơn mục tiêu 2,0 điểm %").
    """
    ind, value = result.indicator, result.assessment.value
    if value is None:
        return ""
    if ind.higher_is_better:
        if result.target_share is None:
            return ""
        return t("overview.share_of_target", lang, share=format_percent(result.target_share, 1, lang))
    gap = value - ind.target.value
    key = "overview.above_target" if gap > 0 else "overview.below_target"
    if gap == 0:
        return t("overview.at_target", lang)
    return t(key, lang, gap=amount_text(ind, abs(gap), lang))


def yearly_need(result: IndicatorResult) -> float | None:
    """Return the yearly change needed to reach the target on time; counts of whole things rounded up."""
    needed = result.yearly_change_needed
    if needed is None:
        return None
    if result.indicator.measure.kind in _WHOLE_KINDS and result.indicator.decimals == 0:
        return math.copysign(math.ceil(abs(needed) - 1e-9), needed)
    return needed


def what_it_takes(result: IndicatorResult, year: int, lang: str = "vi") -> str:
    """Return what it takes from here: "đã đạt mục tiêu", "cần thêm 6 HTX mỗi năm", "cần giảm 1,2 điểm % mỗi năm".

    When the target year has come without the target reached, the gap is given ("còn thiếu 12 HTX").
    """
    ind, a = result.indicator, result.assessment
    if a.status == ACHIEVED:
        return t("overview.achieved", lang)
    if a.value is None:
        return t("overview.no_value", lang, year=year)
    needed = yearly_need(result)
    if needed is not None:
        amount = amount_text(ind, abs(needed), lang, per_year=True)
        if needed > 0:
            whole = ind.measure.kind in _WHOLE_KINDS and not is_percent(ind, lang)
            return t("overview.need_more" if whole else "overview.need_increase", lang, amount=amount)
        return t("overview.need_decrease", lang, amount=amount)
    gap = ind.target.value - a.value
    amount = amount_text(ind, abs(gap), lang)
    key = "overview.gap_short" if gap > 0 else "overview.gap_above"
    return t(key, lang, amount=amount, year=ind.target.year)


# --- tables for the rating and district pages -------------------------------------------------------


@dataclass(frozen=True)
class RatingTarget:
    """A target on the shares of rating classes: which classes, the share in %, and which way is good."""

    classes: tuple[str, ...]
    value: float
    year: int
    higher_is_better: bool
    indicator: Indicator


def rating_targets(plan: Plan) -> list[RatingTarget]:
    """Return the plan's targets on rating shares, read from its share indicators over a rating condition."""
    targets = []
    for ind in plan.indicators:
        m = ind.measure
        if m.kind != MeasureKind.SHARE:
            continue
        condition = m.params.get("where", {}).get("rating", {})
        classes = condition.get("in")
        if not classes or set(condition) != {"in"}:
            continue
        targets.append(
            RatingTarget(tuple(classes), ind.target.value, ind.target.year, ind.higher_is_better, ind)
        )
    return targets


def rating_counts(
    data: Dataset, by: str = YEAR, year: int | None = None, districts: list[str] | None = None
) -> pd.DataFrame:
    """Return the number of operating cooperatives in each rating class (columns in RATINGS order).

    `by` is "year", "district" or "sector"; `year` keeps one year (needed unless by == "year"); `districts`
    keeps those districts only (None: all). Rows: years ascending, districts in the order given (the
    reference order when the caller passes it), sectors in the order of the workbook's list. A blank
    rating counts as "Chưa xếp loại".
    """
    coops = data.coops
    mask = coops["status"] == STATUS_OPERATING
    if year is not None:
        mask &= coops[YEAR] == year
    if districts is not None:
        mask &= coops[DISTRICT].isin(districts)
    rows = coops.loc[mask.fillna(False).astype(bool), [by, "rating"]]
    rating = rows["rating"].where(rows["rating"].isin(RATINGS), NOT_RATED)
    table = pd.crosstab(rows[by], rating).reindex(columns=list(RATINGS), fill_value=0)
    if by == "sector":
        order = [s for s in SECTORS if s in table.index] + [s for s in table.index if s not in SECTORS]
        table = table.reindex(order)
    elif by == DISTRICT and districts is not None:
        table = table.reindex([d for d in districts], fill_value=0)
    else:
        table = table.sort_index()
    table.index.name = by
    table.columns.name = None
    return table.astype("int64")


def indicator_of_kind(plan: Plan, kind: MeasureKind) -> Indicator | None:
    """Return the first indicator of the plan computed with this measure kind, or None."""
    return next((ind for ind in plan.indicators if ind.measure.kind == kind), None)


def model_cooperatives(engine: Engine, data: Dataset, indicator: Indicator, year: int) -> pd.DataFrame:
    """Return, per district (reference order), the model cooperatives counted by a district_count indicator.

    Columns: district, count, names (list of cooperative names, sorted).
    """
    p = indicator.measure.params
    coops = data.coops[data.coops[YEAR] == year]
    hits = coops[engine.population(coops, p["population"]) & where_mask(coops, p["where"])]
    rows = []
    for name in engine.districts:
        names = sorted(hits.loc[hits[DISTRICT] == name, "name"].astype(str))
        rows.append({DISTRICT: name, "count": len(names), "names": names})
    return pd.DataFrame(rows, columns=[DISTRICT, "count", "names"])
