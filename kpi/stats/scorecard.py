"""What the overview says in words, worked out from a report: group sentences, card texts, rating tables.

Pure functions (no streamlit): each takes a `kpi.stats.report.Report` or its `IndicatorResult`s, or a `Dataset`,
and returns text in Vietnamese (English with lang="en") or a small table for a chart. Numbers go through
`kpi.common.formatting`, so they read the Vietnamese way (27.379; 12.079,5; 45,0%).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpi.common.formatting import format_number, format_percent, format_signed, format_value
from kpi.common.i18n import t
from kpi.domain.plan import Indicator, MeasureKind, Plan
from kpi.stats.assess import ACHIEVED, INSUFFICIENT_DATA, NOT_ACHIEVED, UNABLE_TO_ASSESS
from kpi.stats.indicators import DISTRICT, Engine, where_mask
from kpi.workbook.contract import COOP, GROUP, INFO, RATINGS, SECTORS, STATUS_OPERATING
from kpi.workbook.dataset import YEAR, Dataset

if TYPE_CHECKING:
    from kpi.stats.report import IndicatorResult, Report

NOT_RATED = RATINGS[-1]  # "Chưa xếp loại"
RATED_CLASSES = RATINGS[:-1]
# Measures that count whole things (cooperatives, people, districts): a yearly need is rounded up.
_WHOLE_KINDS = frozenset({MeasureKind.COUNT, MeasureKind.SUM, MeasureKind.DISTRICT_COUNT})


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


def summarise_statuses(
    report: Report, group_id: str | None = None, source: str | None = None
) -> StatusSummary:
    """Return the status summary of a group of indicators (all when group_id is None), optionally only of
    the targets of one source ("plan" or "derived")."""
    counts = report.status_counts(group_id, source)
    good_ids = good_statuses(report.plan)
    good = sum(counts.get(s, 0) for s in good_ids)
    order = [s.id for s in report.plan.assessment.statuses]
    order += [s for s in counts if s not in order]
    others = tuple((s, counts[s]) for s in order if s not in good_ids and counts.get(s))
    return StatusSummary(good, sum(counts.values()), others)


def _lower_first(text: str) -> str:
    """Return `text` with its first letter in lower case, unless it starts an acronym ("HTX", "OCOP")."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def _good_label(report: Report, lang: str) -> str:
    rules = report.plan.assessment
    achieved, on_track = good_statuses(report.plan)
    return t(
        "overview.good_label",
        lang,
        achieved=_lower_first(rules.label(achieved, lang)),
        on_track=_lower_first(rules.label(on_track, lang)),
    )


def _others(report: Report, summary: StatusSummary, lang: str) -> list[str]:
    return [f"{n} {_lower_first(report.plan.assessment.label(s, lang))}" for s, n in summary.others]


def _sentence(report: Report, summary: StatusSummary, lang: str) -> str:
    label = _good_label(report, lang)
    parts = [t("overview.good_count", lang, good=summary.good, total=summary.total, label=label)]
    return "; ".join(parts + _others(report, summary, lang))


def overall_sentence(report: Report, lang: str = "vi") -> str:
    """Return the sentence for all indicators, the plan's own targets counted apart from the derived ones:
    "9/13 chỉ tiêu Kế hoạch đề ra đã đạt hoặc đúng tiến độ; 4 không đạt. Thêm 4 chỉ tiêu suy ra: 1 đã đạt..."."""
    label = _good_label(report, lang)
    stated = summarise_statuses(report, source="plan")
    derived = summarise_statuses(report, source="derived")
    head = t("overview.good_count_plan", lang, good=stated.good, total=stated.total, label=label)
    text = "; ".join([head, *_others(report, stated, lang)])
    if derived.total:
        tail = t("overview.derived_count", lang, good=derived.good, total=derived.total, label=label)
        text += ". " + "; ".join([tail, *_others(report, derived, lang)])
    return text


def group_sentence(report: Report, group_id: str, lang: str = "vi", named: bool = True) -> str:
    """Return the sentence of one group ("Quy mô: 1/2 chỉ tiêu đã đạt hoặc đúng tiến độ; 1 cần tăng tốc"),
    without the group's name when `named` is False (under a heading that gives it)."""
    group = next(g for g in report.plan.groups if g.id == group_id)
    sentence = _sentence(report, summarise_statuses(report, group_id), lang)
    return f"{group.name.get(lang)}: {sentence}" if named else _capital(sentence)


# --- the texts of one card -----------------------------------------------------------------------------


def is_percent(indicator: Indicator, lang: str = "vi") -> bool:
    """Return True when the indicator is a percentage (its changes read in percentage points)."""
    return indicator.unit.get(lang).strip() == "%"


def value_text(indicator: Indicator, value: float | None, lang: str = "vi") -> str:
    """Return a value of the indicator with its unit, Vietnamese format ("27.379 người", "45,0%")."""
    return format_value(value, indicator.unit.get(lang), indicator.decimals, lang)


def big_value(indicator: Indicator, value: float | None, lang: str = "vi") -> tuple[str, str]:
    """Return a value as shown large, and the unit shown smaller beside it ("45,0%" has no separate unit)."""
    if is_percent(indicator, lang):
        return format_percent(value, indicator.decimals, lang), ""
    return format_number(value, indicator.decimals, lang), indicator.unit.get(lang)


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
    suffix = t("overview.per_year_suffix", lang)
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


def target_value_text(indicator: Indicator, lang: str = "vi") -> str:
    """Return the target value with its unit, "≤" before it when lower is better ("120 HTX", "≤ 40,0%")."""
    value = value_text(indicator, indicator.target.value, lang)
    return value if indicator.higher_is_better else f"≤ {value}"


def target_name(indicator: Indicator, lang: str = "vi") -> str:
    """Return "Mục tiêu 2025", or "Mục tiêu 2025 (suy ra)" for a target the plan does not state."""
    key = "overview.target_name_derived" if indicator.target.derived else "overview.target_name"
    return t(key, lang, year=indicator.target.year)


def target_text(indicator: Indicator, lang: str = "vi") -> str:
    """Return the target with its year ("Mục tiêu 2025: 120 HTX"; "Mục tiêu 2025 (suy ra): ≤ 15,0%")."""
    return f"{target_name(indicator, lang)}: {target_value_text(indicator, lang)}"


def derived_note(indicator: Indicator, lang: str = "vi") -> str:
    """Return why the target is derived ("" for a target the plan states)."""
    note = indicator.target.note
    return note.get(lang) if indicator.target.derived and note is not None else ""


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


def main_figure(result: IndicatorResult, lang: str = "vi") -> str:
    """Return the one short figure that says where an indicator stands: its % of the target ("65%"), or,
    when lower is better, its value against the ceiling ("48,9% / ≤ 40,0%"); "" without a value."""
    ind, value = result.indicator, result.assessment.value
    if result.target_share is not None:
        return format_percent(result.target_share, 0, lang)
    if value is not None and not ind.higher_is_better:
        return f"{value_text(ind, value, lang)} / {target_value_text(ind, lang)}"
    return ""


@dataclass(frozen=True)
class Verdict:
    """What the first screen says of one indicator: its texts, ready to lay out (no markup)."""

    id: str
    name: str
    value: str  # "287 HTX"
    number: str  # "287", as shown large
    unit: str  # "HTX", shown smaller ("" for a percentage)
    target: str  # "Mục tiêu 2025: 120 HTX" ("(suy ra)" marked)
    figure: str  # main_figure: "109%" or "48,9% / ≤ 40,0%"
    share: str  # "Đạt 108,7% mục tiêu" or the gap to a ceiling
    status: str
    label: str  # the status label ("Không đạt")
    explanation: str  # the status in plain words
    next_step: str  # "Còn thiếu 9.479 người so với mục tiêu (hạn 2025)"
    derived_note: str  # why the target is derived ("" when the plan states it)
    derived_mark: str  # "suy ra" for a derived target, else ""
    definition: str  # how it is counted, the population named ("Đếm các HTX ... chưa giải thể ...")


def verdict(result: IndicatorResult, report: Report, lang: str = "vi") -> Verdict:
    """Return the texts of one indicator for the first screen (tiles and summary)."""
    ind, a = result.indicator, result.assessment
    rules = report.plan.assessment
    number, unit = big_value(ind, a.value, lang)
    return Verdict(
        id=ind.id,
        name=ind.name.get(lang),
        value=value_text(ind, a.value, lang),
        number=number,
        unit=unit,
        target=target_text(ind, lang),
        figure=main_figure(result, lang),
        share=_capital(target_share_text(result, lang)),
        status=a.status,
        label=rules.label(a.status, lang),
        explanation=rules.help(a.status, lang),
        next_step=_capital(what_it_takes(result, report.year, lang)),
        derived_note=derived_note(ind, lang),
        derived_mark=t("overview.derived_mark", lang) if ind.target.derived else "",
        definition=ind.definition.get(lang),
    )


def headline_verdicts(report: Report, lang: str = "vi") -> list[Verdict]:
    """Return the verdicts of the plan's headline indicators (the large tiles), in the plan's order."""
    return [verdict(report.result(ind.id), report, lang) for ind in report.plan.headline_indicators()]


def all_verdicts(report: Report, lang: str = "vi") -> list[Verdict]:
    """Return the verdicts of every indicator, in the plan's order (the summary under the tiles)."""
    return [verdict(r, report, lang) for r in report.results]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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


# --- how many cooperatives: one answer per population ---------------------------------------------------


def population_counts(
    engine: Engine, data: Dataset, year: int, district: str | None = None
) -> dict[str, int]:
    """Return the number of cooperatives of the year's list ("listed") and of each population the plan names
    (`plan.population_counts`: existing, operating, rated), for the province or one district."""
    return population_counts_by_district(engine, data, year, [district])[district]


def population_counts_by_district(
    engine: Engine, data: Dataset, year: int, districts: Iterable[str | None]
) -> dict[str | None, dict[str, int]]:
    """Return `population_counts` of each district given (None: the province), counted in one pass."""
    coops = data.coops
    in_year = (coops[YEAR] == year).fillna(False).astype(bool)
    flags = pd.DataFrame(
        {
            "listed": in_year,
            **{
                name: in_year & engine.population(coops, name).fillna(False).astype(bool)
                for name in engine.plan.population_counts
            },
        }
    )
    province = flags.sum()
    per_district = flags.groupby(coops[DISTRICT]).sum()
    counts = {}
    for district in districts:
        if district is None:
            row = province
        elif district in per_district.index:
            row = per_district.loc[district]
        else:
            row = dict.fromkeys(flags.columns, 0)
        counts[district] = {name: int(row[name]) for name in flags.columns}
    return counts


def population_sentence(counts: dict[str, int], plan: Plan, year: int, lang: str = "vi") -> str:
    """Return the counts in words, each population named: "291 HTX trong danh sách năm 2025, trong đó: 287 HTX
    chưa giải thể (...); 279 HTX đang hoạt động; 250 HTX đang hoạt động đã được xếp loại (...)."."""
    parts = [
        f"{format_number(counts[name], 0, lang)} {_lower_first(plan.populations[name].description.get(lang))}"
        for name in plan.population_counts
        if name in counts
    ]
    listed = format_number(counts["listed"], 0, lang)
    return t("overview.population_counts", lang, listed=listed, year=year, parts="; ".join(parts))


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
    return rating_table(rating_cells(data.coops), by, year, districts)


RATING_CELL_KEYS = (YEAR, DISTRICT, "sector", "rating")


def rating_cells(coops: pd.DataFrame) -> pd.DataFrame:
    """Return the operating cooperatives counted per year, district, sector and rating class (column `count`),
    from which `rating_table` gives every rating table; a blank rating counts as "Chưa xếp loại"."""
    rows = coops.loc[(coops["status"] == STATUS_OPERATING).fillna(False).astype(bool), list(RATING_CELL_KEYS)]
    rows = rows.assign(rating=rows["rating"].where(rows["rating"].isin(RATINGS), NOT_RATED))
    counts = rows.groupby(list(RATING_CELL_KEYS), dropna=False, sort=True).size()
    return counts.rename("count").reset_index().astype({"count": "int64"})


def rating_table(
    cells: pd.DataFrame, by: str = YEAR, year: int | None = None, districts: list[str] | None = None
) -> pd.DataFrame:
    """Return the rating table of `rating_counts` from the counts of `rating_cells` (same arguments)."""
    mask = cells[by].notna()
    if year is not None:
        mask &= cells[YEAR] == year
    if districts is not None:
        mask &= cells[DISTRICT].isin(districts)
    rows = cells[mask]
    # Summed in Python: a few thousand cells at most, where pandas' groupby, unstack and reindex cost
    # milliseconds a table on every first visit of the ratings page.
    sums: dict[object, dict[str, int]] = {}
    for key, rating, count in zip(
        rows[by].tolist(), rows["rating"].tolist(), rows["count"].tolist(), strict=True
    ):
        line = sums.setdefault(key, dict.fromkeys(RATINGS, 0))
        if rating in line:
            line[rating] += int(count)
    if by == "sector":
        order = [s for s in SECTORS if s in sums] + sorted(s for s in sums if s not in SECTORS)
    elif by == DISTRICT and districts is not None:
        order = list(districts)
    else:
        order = sorted(sums)
    zero = dict.fromkeys(RATINGS, 0)
    values = [[sums.get(key, zero)[r] for r in RATINGS] for key in order]
    index = pd.Index(order, name=by, dtype=rows[by].dtype if not order else None)
    return pd.DataFrame(values, index=index, columns=list(RATINGS), dtype="int64")


def indicator_of_kind(plan: Plan, kind: MeasureKind) -> Indicator | None:
    """Return the first indicator of the plan computed with this measure kind, or None."""
    return next((ind for ind in plan.indicators if ind.measure.kind == kind), None)


def model_cooperatives(engine: Engine, data: Dataset, indicator: Indicator, year: int) -> pd.DataFrame:
    """Return, per district (reference order), the model cooperatives counted by a district_count indicator.

    Columns: district, count, names (list of cooperative names, sorted).
    """
    p = indicator.measure.params
    coops = data.coops
    chosen = (coops[YEAR] == year) & engine.population(coops, p["population"]) & where_mask(coops, p["where"])
    hits = coops.loc[chosen, [DISTRICT, "name"]]
    rows = []
    for name in engine.districts:
        names = sorted(hits.loc[hits[DISTRICT] == name, "name"].astype(str))
        rows.append({DISTRICT: name, "count": len(names), "names": names})
    return pd.DataFrame(rows, columns=[DISTRICT, "count", "names"])


# --- one indicator over the years, and by district ---------------------------------------------------------


def required_path(result: IndicatorResult) -> list[tuple[int, float]]:
    """Return the yearly points of the path from the baseline to the target (the assessment's required rate).

    The path compounds the required growth rate, as the assessment does; without that rate (a base or
    target of opposite sign, say) it is the straight line.
    """
    ind, a = result.indicator, result.assessment
    if a.baseline is None or a.baseline_year is None or ind.target.year <= a.baseline_year:
        return []
    b0, y0, b1, y1 = a.baseline, a.baseline_year, ind.target.value, ind.target.year
    years = range(y0, y1 + 1)
    if a.cagr_required is not None and b0 != 0:
        return [(y, b0 * (1 + a.cagr_required) ** (y - y0)) for y in years]
    return [(y, b0 + (b1 - b0) * (y - y0) / (y1 - y0)) for y in years]


def projected_path(result: IndicatorResult) -> list[tuple[int, float]]:
    """Return the yearly points from the current value to the target year at the observed pace (or [])."""
    a, ind = result.assessment, result.indicator
    if a.value is None or a.year is None or a.cagr_observed is None or a.year >= ind.target.year:
        return []
    return [(y, a.value * (1 + a.cagr_observed) ** (y - a.year)) for y in range(a.year, ind.target.year + 1)]


def history_table(result: IndicatorResult, lang: str = "vi") -> pd.DataFrame:
    """Return the indicator's years up to the report's: value, change on the year before, required path.

    Every cell is text in Vietnamese format; a year without a figure shows "–".
    """
    ind, year = result.indicator, result.assessment.year
    path = dict(required_path(result))
    rows, before = [], None
    for y in sorted(result.history):
        if year is not None and y > year:
            continue
        value = result.history[y]
        change = None if value is None or before is None else value - before
        rows.append(
            {
                t("table.year", lang): str(y),
                t("table.value", lang): value_text(ind, value, lang),
                t("table.change", lang): signed_amount_text(ind, change, lang) if change is not None else "–",
                t("table.required", lang): value_text(ind, path.get(y), lang),
            }
        )
        if value is not None:
            before = value
    return pd.DataFrame(rows)


def district_year_table(
    values: pd.DataFrame, indicator: Indicator, districts: list[str], upto: int, lang: str = "vi"
) -> pd.DataFrame:
    """Return the indicator by district (rows, reference order) and year (columns up to `upto`), as text.

    `values` is the long table of `kpi.stats.report.compute_values(..., by_district=True)`; the last row is the
    province.
    """
    rows = values[(values["indicator"] == indicator.id) & (values[YEAR] <= upto)]
    years = sorted(int(y) for y in rows[YEAR].unique())
    label = t("table.district", lang)
    table = []
    for name in [*districts, None]:
        part = rows[rows[DISTRICT].isna()] if name is None else rows[rows[DISTRICT] == name]
        by_year = {int(y): v for y, v in zip(part[YEAR], part["value"], strict=True)}
        row = {label: t("table.province", lang) if name is None else name}
        for y in years:
            v = by_year.get(y)
            row[str(y)] = value_text(indicator, None if v is None or pd.isna(v) else float(v), lang)
        table.append(row)
    return pd.DataFrame(table)


def district_indicator_table(report: Report, districts: list[str], lang: str = "vi") -> pd.DataFrame:
    """Return every indicator computed by district (rows) for the report's year: one column per district and
    one for the province, as text. The report must have been built with by_district=True."""
    label = t("table.indicator", lang)
    rows = []
    for r in report.results:
        if r.districts is None:
            continue
        ind = r.indicator
        row = {label: f"{ind.name.get(lang)} ({ind.unit.get(lang)})"}
        for name in districts:
            row[name] = format_value(r.districts.get(name), "", ind.decimals, lang)
        row[t("table.province", lang)] = format_value(r.assessment.value, "", ind.decimals, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_table(detail: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return, per district, "x / y" communes with an effective cooperative, the share, and those without.

    `detail` comes from `kpi.stats.indicators.commune_coverage_detail`; a last row sums the province.
    """
    rows = []
    for _, r in detail.iterrows():
        share = 100 * r["with"] / r["total"] if r["total"] else None
        rows.append(
            {
                t("table.district", lang): r[DISTRICT],
                t("table.communes_with", lang): f"{r['with']} / {r['total']}",
                t("table.share", lang): format_percent(share, 1, lang),
                t("table.communes_without", lang): ", ".join(r["communes_without"]) or "–",
            }
        )
    done, total = int(detail["with"].sum()), int(detail["total"].sum())
    rows.append(
        {
            t("table.district", lang): t("table.province", lang),
            t("table.communes_with", lang): f"{done} / {total}",
            t("table.share", lang): format_percent(100 * done / total if total else None, 1, lang),
            t("table.communes_without", lang): "",
        }
    )
    return pd.DataFrame(rows)


def model_table(models: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return, per district, whether it has a model cooperative, how many, and their names."""
    return pd.DataFrame(
        [
            {
                t("table.district", lang): r[DISTRICT],
                t("table.has_model", lang): t("table.yes" if r["count"] else "table.no", lang),
                t("table.model_count", lang): str(r["count"]),
                t("table.model_names", lang): ", ".join(r["names"]) or "–",
            }
            for _, r in models.iterrows()
        ]
    )


# --- the method, in words ------------------------------------------------------------------------------------

_OPERATORS = {"in": "∈", "not_in": "∉", "eq": "=", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def _column_header(column_id: str, lang: str) -> str:
    for sheet in (COOP, GROUP, INFO):
        if column_id in sheet.ids:
            col = sheet.column(column_id)
            return col.header if lang == "vi" else col.header_en
    return column_id


def _value_word(value: object, lang: str) -> str:
    if value is True:
        return t("table.yes", lang)
    if value is False:
        return t("table.no", lang)
    if isinstance(value, int | float):
        return format_number(value, 0 if float(value).is_integer() else 2, lang)
    return str(value)


def where_text(where: dict, lang: str = "vi") -> str:
    """Return a where clause of the plan file in words: "Xếp loại ∈ {Tốt, Khá} và Lợi nhuận (triệu đồng) > 0"."""
    parts = []
    for column, conditions in where.items():
        for op, arg in conditions.items():
            if isinstance(arg, list | tuple):
                value = "{" + ", ".join(_value_word(a, lang) for a in arg) + "}"
            else:
                value = _value_word(arg, lang)
            parts.append(f"{_column_header(column, lang)} {_OPERATORS.get(op, op)} {value}")
    return t("method.and", lang).join(parts)


def formula_text(indicator: Indicator, plan: Plan, lang: str = "vi") -> str:
    """Return how the indicator is computed, in words, from its measure in the plan file."""
    m = indicator.measure
    p = m.params
    params: dict[str, str] = {}
    if "population" in p:
        params["population"] = _lower_first(plan.populations[p["population"]].description.get(lang))
    for name in ("column", "weight", "numerator", "denominator", "field"):
        if name in p:
            params[name] = _column_header(p[name], lang)
    if "where" in p:
        params["where"] = where_text(p["where"], lang)
    return t(f"method.formula_{MeasureKind(m.kind).value}", lang, **params)


def _ratio(x: float, lang: str) -> str:
    return format_number(x, 0 if float(x).is_integer() else 2, lang)


def threshold_rules(plan: Plan, lang: str = "vi") -> list[tuple[str, str]]:
    """Return (status id, rule in words) for every status of the assessment, in the plan's order."""
    rules = plan.assessment
    texts: dict[str, str] = {
        ACHIEVED: t("method.rule_achieved", lang),
        NOT_ACHIEVED: t("method.rule_not_achieved", lang),
    }
    upper = None
    for status, min_ratio in rules.thresholds:
        low = _ratio(min_ratio, lang)
        if upper is None:
            texts[status] = t("method.rule_from", lang, low=low)
        else:
            texts[status] = t("method.rule_between", lang, low=low, high=_ratio(upper, lang))
        upper = min_ratio
    if upper is not None:
        texts.setdefault(rules.below_all, t("method.rule_below", lang, high=_ratio(upper, lang)))
    for status in (INSUFFICIENT_DATA, UNABLE_TO_ASSESS):
        texts.setdefault(status, t(f"method.rule_{status}", lang))
    return [(s.id, texts.get(s.id, "")) for s in rules.statuses]
