"""Plotly figures of the dashboard, built from a report; no streamlit here.

Every builder returns a `plotly.graph_objects.Figure` with the dashboard template (`kpi.common.theme`), a title
that says what the chart shows and for which year, numbers in Vietnamese format in labels and hovers (texts
are formatted by `kpi.common.formatting`; axis ticks use the template's separators ",."), and whole-year ticks on
year axes. `figure_png` renders a figure to PNG with kaleido and the system Chromium, with the same
template, so the image looks like the screen.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from kpi.common.formatting import format_date, format_number, format_percent
from kpi.common.i18n import t
from kpi.common.safe_text import escape_html, strip_diacritics
from kpi.common.theme import (
    BLACK,
    GREY,
    MUTED_TEXT,
    PRIMARY,
    TEMPLATE,
    VERMILLION,
    apply_theme,
    rating_colour,
    status_style,
    themed_figure,
    wrap_label,
)
from kpi.domain.plan import Indicator, MeasureKind, Plan, load_plan
from kpi.stats.assess import ACHIEVED
from kpi.stats.scorecard import (
    NOT_RATED,
    RatingTarget,
    is_percent,
    main_figure,
    projected_path,
    required_path,
    target_share_text,
    target_text,
    value_text,
)
from kpi.workbook.contract import RATINGS

if TYPE_CHECKING:
    from kpi.stats.report import IndicatorResult, Report

IMAGE_WIDTH = 1280  # px of a PNG before the scale factor; 2560 px wide at scale 2
IMAGE_HEIGHT = 640
SLIDE_SIZE = (1920, 1080)  # a 16:9 slide, rendered at scale 1
FOOTER_SIZE = 13
# Measures whose district values add up to the province's: a province-wide target means nothing per district.
_ADDITIVE_KINDS = frozenset({MeasureKind.COUNT, MeasureKind.SUM, MeasureKind.DISTRICT_COUNT})


# --- small helpers -------------------------------------------------------------------------------------


# Characters per line of a title and a subtitle: plotly does not wrap, and a chart in a column is narrow.
TITLE_WIDTH, SUBTITLE_WIDTH = 70, 95
# px of the top margin: above the title, per title line, per subtitle line, and a legend placed on top.
_TOP_PAD, _TITLE_LINE, _SUBTITLE_LINE, _TOP_LEGEND = 30, 28, 21, 40


def _title(text: str, subtitle: str | None = None) -> dict:
    # Anchored to the top of the figure (not the middle of the margin), so that _top_margin can hold it.
    title: dict = {
        "text": "<br>".join(f"<b>{line}</b>" for line in wrap_label(text, TITLE_WIDTH).split("<br>")),
        "yref": "container",
        "y": 1,
        "yanchor": "top",
        "pad": {"t": 22, "l": 12},
    }
    if subtitle:
        title["subtitle"] = {"text": wrap_label(subtitle, SUBTITLE_WIDTH), "font": {"color": MUTED_TEXT}}
    return title


def _top_margin(title: dict, legend_on_top: bool = False) -> int:
    """Return the top margin that holds a title of `_title` (its lines counted) and a legend above the plot."""
    lines = title["text"].count("<br>") + 1
    sub = title["subtitle"]["text"].count("<br>") + 1 if "subtitle" in title else 0
    return _TOP_PAD + _TITLE_LINE * lines + _SUBTITLE_LINE * sub + (_TOP_LEGEND if legend_on_top else 0)


def _tickformat(decimals: int) -> str:
    return f",.{decimals}~f" if decimals else ",.0f"


def _value_axis(indicator: Indicator, lang: str) -> dict:
    """Return the value axis of an indicator: its decimals, "%" or its unit as title, from zero."""
    suffix = "%" if is_percent(indicator, lang) else ""
    axis = {"tickformat": _tickformat(indicator.decimals), "ticksuffix": suffix, "rangemode": "tozero"}
    return axis if suffix else axis | {"title": {"text": indicator.unit.get(lang)}}


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _hover(lines: Sequence[str]) -> str:
    return "<br>".join(line for line in lines if line)


# --- overview: every indicator on one scale -----------------------------------------------------------


BULLET_RANGE = (0.0, 150.0)  # % of the target; fixed, so that the chart of one year compares with another's


def indicator_label(indicator: Indicator, lang: str = "vi", width: int = 40) -> str:
    """Return the indicator's name as a chart label, wrapped, with "(suy ra)" when its target is derived."""
    name = indicator.name.get(lang)
    if indicator.target.derived:
        name += f" ({t('overview.derived_mark', lang)})"
    return wrap_label(name, width)


def bullet_rows(report: Report, lang: str = "vi") -> pd.DataFrame:
    """Return one row per indicator for the bullet chart: label, % of target, bar length, expected %, texts.

    `share` is the value as a percentage of the target (100 = target reached), the one main figure of every
    page (`IndicatorResult.target_share`); `bar` is what is drawn: clipped to BULLET_RANGE, and at least 100
    for an achieved target. A lower-is-better indicator has no share of its target (its target is a
    ceiling): its text gives the gap to the target instead, and its bar is drawn only once achieved.
    `expected` marks where the value should be by the report's year on the required path (only before the
    target year). The progress from the base year is only in the hover, labelled as such.
    """
    rules = report.plan.assessment
    low, high = BULLET_RANGE
    rows = []
    for r in report.results:
        ind, a = r.indicator, r.assessment
        share = r.target_share
        expected = None
        before_deadline = a.year is not None and a.year < ind.target.year
        if before_deadline and ind.higher_is_better and a.expected_value is not None and ind.target.value:
            expected = 100 * a.expected_value / ind.target.value
        achieved = a.status == ACHIEVED
        bar = None if share is None else min(max(share, low), high)
        if achieved:
            bar = max(bar or 0.0, 100.0)
        label = rules.label(a.status, lang)
        style = status_style(a.status)
        status_text = f"{style.symbol} {label}"
        figure = main_figure(r, lang)
        bar_text = f"{figure} · {status_text}" if figure else status_text
        progress = None if a.progress_share is None else 100 * a.progress_share
        hover = _hover(
            [
                f"<b>{ind.name.get(lang)}</b>",
                t("chart.hover_value", lang, year=report.year, value=value_text(ind, a.value, lang)),
                f"{target_text(ind, lang)}",
                _capital(target_share_text(r, lang)),
                t("chart.hover_expected", lang, year=report.year, share=format_percent(expected, 1, lang))
                if expected is not None
                else "",
                t(
                    "chart.hover_progress",
                    lang,
                    year=a.baseline_year,
                    share=format_percent(progress, 0, lang),
                )
                if progress is not None and a.baseline_year is not None
                else "",
                t("chart.hover_status", lang, status=label),
                wrap_label(rules.help(a.status, lang), 60),
            ]
        )
        rows.append(
            {
                "id": ind.id,
                "label": indicator_label(ind, lang),
                "share": share,
                "bar": bar,
                "expected": expected,
                "status": a.status,
                "colour": style.colour,
                "bar_text": bar_text,
                "hover": hover,
            }
        )
    return pd.DataFrame(rows)


def build_bullet_figure(report: Report, lang: str = "vi", group_id: str | None = None) -> go.Figure:
    """Return the bullet chart: each indicator's value as a percentage of its target (0..150%), of every
    indicator or of one card group (a slide of presentation mode).

    A grey track runs from 0% to 100% (the target); the coloured bar is the value as % of the target,
    coloured by status, and the text beside it gives the share and the status in words; a black tick marks
    where the province should be by the report's year (the required path, before the target year only).
    Derived targets are marked "(suy ra)" in their label and explained in a footnote.
    """
    rows = bullet_rows(report, lang)
    results = report.results
    title = t("chart.bullet_title", lang, n=len(rows), plan=report.plan.number, year=report.year)
    if group_id is not None:
        results = [r for r in results if r.indicator.group == group_id]
        rows = rows[rows["id"].isin([r.indicator.id for r in results])]
        group = next(g for g in report.plan.groups if g.id == group_id)
        title = t("chart.bullet_title_group", lang, group=group.name.get(lang), year=report.year)
    low, high = BULLET_RANGE
    track = {
        "type": "bar",
        "y": rows["label"].to_numpy(),
        "x": [100] * len(rows),
        "orientation": "h",
        "marker": {"color": "#EDEDED", "line": {"width": 0}},
        "width": 0.8,
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "track",
    }
    progress = {
        "type": "bar",
        "y": rows["label"].to_numpy(),
        "x": rows["bar"].fillna(0).to_numpy(),
        "orientation": "h",
        "marker": {"color": rows["colour"].to_numpy(), "line": {"color": "#4D4D4D", "width": 1}},
        "width": 0.5,
        "customdata": rows["hover"].to_numpy(),
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
        "name": t("chart.bullet_progress", lang),
    }
    # The texts stand in a column right of the scale, so they never cover a bar, a tick or a label.
    annotations = [
        {
            "x": 1,
            "xref": "paper",
            "xanchor": "left",
            "xshift": 10,
            "y": label,
            "yref": "y",
            "text": text,
            "showarrow": False,
            "align": "left",
            "font": {"size": 15},
        }
        for label, text in zip(rows["label"], rows["bar_text"], strict=True)
    ]
    expected = rows.dropna(subset=["expected"])
    marks = {
        "type": "scatter",
        "y": expected["label"].to_numpy(),
        "x": expected["expected"].clip(lower=low, upper=high).to_numpy(),
        "mode": "markers",
        "marker": {"symbol": "line-ns", "size": 28, "line": {"width": 4, "color": BLACK}},
        "name": t("chart.bullet_expected_legend", lang, year=report.year),
        "customdata": expected["hover"].to_numpy(),
        "hovertemplate": "%{customdata}<extra></extra>",
    }
    target_legend = {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "lines",
        "line": {"color": BLACK, "width": 2, "dash": "dot"},
        "name": t("chart.bullet_target_mark", lang),
    }
    heading = _title(title, t("chart.bullet_subtitle", lang, year=report.year))
    axis_title = t("chart.bullet_axis", lang)
    if any(r.indicator.target.derived for r in results):
        # A second line of the axis title, so that the axis' own margin makes room for it at any font size.
        note = (
            f'<span style="font-size:13px;color:{MUTED_TEXT}">{t("overview.derived_footnote", lang)}</span>'
        )
        axis_title = f"{axis_title}<br>{note}"
    layout = {
        "annotations": annotations,
        "shapes": [
            _line("x", 0, {"color": GREY, "width": 1}),
            _line("x", 100, {"color": BLACK, "width": 2, "dash": "dot"}),
        ],
        "title": heading,
        "barmode": "overlay",
        "height": 50 * len(rows) + 220,
        "margin": {
            "t": _top_margin(heading, legend_on_top=True),
            "r": _text_column_width(rows["bar_text"], 15),
            "b": 80,
        },
        "legend": {"y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        "hovermode": "closest",
        "xaxis": {
            "range": [low, high],
            "ticksuffix": "%",
            "tickformat": ",.0f",
            "tick0": 0,
            "dtick": 25,
            "title": {"text": axis_title},
            "zeroline": False,
        },
        "yaxis": {"autorange": "reversed", "showgrid": False, "ticklabelstandoff": 8},
    }
    return themed_figure([track, progress, marks, target_legend], layout)


def _line(axis: str, at: float, line: dict) -> dict:
    """Return the shape of plotly's `add_vline(at)` (axis "x") or `add_hline(at)` (axis "y"): a line at `at`
    on that axis across the whole plot."""
    other = "y" if axis == "x" else "x"
    return {
        "type": "line",
        f"{axis}0": at,
        f"{axis}1": at,
        f"{axis}ref": axis,
        f"{other}0": 0,
        f"{other}1": 1,
        f"{other}ref": f"{other} domain",
        "line": line,
    }


def _text_column_width(texts: Sequence[str], size: int) -> int:
    """Return the px to keep right of the plot for a column of texts of this font size (widest text, with a
    generous 0,6 em per character so that no text is cut off; checked against rendered images in the tests)."""
    longest = max((len(text) for text in texts), default=0)
    return int(longest * 0.6 * size) + 30


def build_sparkline(
    history: Mapping[int, float | None],
    indicator: Indicator | None = None,
    lang: str = "vi",
    upto: int | None = None,
) -> go.Figure:
    """Return a small trend line of the yearly values (no axes), the last point marked; hover in VN format."""
    points = sorted((int(y), v) for y, v in history.items() if v is not None and (upto is None or y <= upto))
    years = [y for y, _ in points]
    values = [v for _, v in points]
    if indicator is not None:
        texts = [f"{y}: {value_text(indicator, v, lang)}" for y, v in points]
    else:
        texts = [f"{y}: {format_number(v, 1, lang)}" for y, v in points]
    line = {
        "type": "scatter",
        "x": years,
        "y": values,
        "mode": "lines",
        "line": {"color": PRIMARY, "width": 2.5},
        "customdata": texts,
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
    }
    traces = [line]
    if points:
        traces.append(
            {
                "type": "scatter",
                "x": years[-1:],
                "y": values[-1:],
                "mode": "markers",
                "marker": {"color": PRIMARY, "size": 8},
                "customdata": texts[-1:],
                "hovertemplate": "%{customdata}<extra></extra>",
                "showlegend": False,
            }
        )
    layout = {
        "height": 70,
        "margin": {"l": 4, "r": 8, "t": 6, "b": 6},
        "hovermode": "closest",
        "xaxis": {"visible": False, "dtick": 1, "tickformat": "d"},
        "yaxis": {"visible": False},
    }
    return themed_figure(traces, layout)


# --- one indicator in depth ---------------------------------------------------------------------------


def _year_line(points: list[tuple[int, float]], hover: str, ind: Indicator, lang: str) -> dict:
    """Return a scatter trace over (year, value) points, each hovered with the catalog text `hover`."""
    return {
        "type": "scatter",
        "x": [y for y, _ in points],
        "y": [v for _, v in points],
        "customdata": [t(hover, lang, year=y, value=value_text(ind, v, lang)) for y, v in points],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def build_indicator_figure(result: IndicatorResult, plan: Plan, lang: str = "vi") -> go.Figure:
    """Return one indicator's yearly values up to the report's year, its target, the required path (dashed)
    and the projection at the current pace to the target year (dotted)."""
    ind, a = result.indicator, result.assessment
    year = a.year
    observed = sorted(
        (int(y), v) for y, v in result.history.items() if v is not None and (year is None or y <= year)
    )
    traces: list[dict] = []
    path = required_path(result)
    if path:
        traces.append(
            _year_line(path, "chart.hover_required", ind, lang)
            | {
                "mode": "lines",
                "line": {"color": GREY, "width": 2.5, "dash": "dash"},
                "name": t("chart.required_path", lang),
            }
        )
    projection = projected_path(result)
    if projection:
        traces.append(
            _year_line(projection, "chart.hover_projection", ind, lang)
            | {
                "mode": "lines+text",
                "line": {"color": VERMILLION, "width": 2.5, "dash": "dot"},
                "text": [""] * (len(projection) - 1) + [format_number(projection[-1][1], ind.decimals, lang)],
                "textposition": "bottom center",
                "textfont": {"size": 15, "color": VERMILLION},
                "name": t("chart.projection", lang),
            }
        )
    traces.append(
        _year_line(observed, "chart.hover_observed", ind, lang)
        | {
            "mode": "lines+markers+text",
            "line": {"color": PRIMARY, "width": 3.5},
            "marker": {"size": 10},
            "text": [format_number(v, ind.decimals, lang) for _, v in observed],
            "textposition": "top center",
            "textfont": {"size": 15, "color": PRIMARY},
            "name": t("chart.observed", lang),
        }
    )
    target_label = target_text(ind, lang)
    traces.append(
        {
            "type": "scatter",
            "x": [ind.target.year],
            "y": [ind.target.value],
            "mode": "markers",
            "marker": {"symbol": "star", "size": 22, "color": BLACK},
            "name": target_label,
            "customdata": [target_label],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
    )
    first = min([y for y, _ in observed] + [y for y, _ in path] + [ind.target.year])
    heading = _title(
        t("chart.indicator_title", lang, name=ind.name.get(lang), target_year=ind.target.year),
        t(
            "chart.indicator_subtitle",
            lang,
            year=year if year is not None else "–",
            status=_lower(plan.assessment.label(a.status, lang)),
        ),
    )
    target_line = {"color": BLACK, "width": 1.5, "dash": "dot"}
    layout = {
        "shapes": [_line("y", ind.target.value, target_line) | {"opacity": 0.6}],
        "title": heading,
        "margin": {"t": _top_margin(heading)},
        "height": 520,
        "hovermode": "closest",
        "xaxis": {"dtick": 1, "tickformat": "d", "range": [first - 0.4, ind.target.year + 0.4]},
        "yaxis": _value_axis(ind, lang),
    }
    return themed_figure(traces, layout)


# --- districts ----------------------------------------------------------------------------------------


def build_district_bar(
    values: Mapping[str, float | None],
    indicator: Indicator,
    year: int,
    lang: str = "vi",
    province: float | None = None,
) -> go.Figure:
    """Return the districts' values of one indicator for a year as horizontal bars, best at the top.

    Districts without a value are listed at the bottom with "không có số liệu". For an indicator that is an
    average or a share, the province value and the target are drawn as reference lines.
    """
    known = [(d, v) for d, v in values.items() if v is not None]
    missing = [d for d, v in values.items() if v is None]
    known.sort(key=lambda item: item[1], reverse=indicator.higher_is_better)
    names = [escape_html(d) for d, _ in known] + [escape_html(d) for d in missing]  # plotly reads HTML
    numbers = [v for _, v in known] + [0.0] * len(missing)
    texts = [value_text(indicator, v, lang) for _, v in known] + [t("chart.no_data", lang)] * len(missing)
    bars = {
        "type": "bar",
        "y": names,
        "x": numbers,
        "orientation": "h",
        "marker": {"color": PRIMARY},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [f"<b>{n}</b><br>{year}: {txt}" for n, txt in zip(names, texts, strict=True)],
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
    }
    traces, shapes = [bars], []
    if indicator.measure.kind not in _ADDITIVE_KINDS:
        lines = [
            (province, {"color": BLACK, "width": 2, "dash": "dash"}, "chart.province_line", {}),
            (indicator.target.value, {"color": VERMILLION, "width": 3, "dash": "dot"}, None, {}),
        ]
        for x, line, key, extra in lines:
            if x is None:
                continue
            shapes.append(_line("x", x, line))
            # An empty trace gives the line its entry in the legend, which never overlaps the bars.
            traces.append(
                {
                    "type": "scatter",
                    "x": [None],
                    "y": [None],
                    "mode": "lines",
                    "line": line,
                    "name": t(key, lang, value=value_text(indicator, x, lang), **extra)
                    if key
                    else target_text(indicator, lang),
                }
            )
    top = max([v for _, v in known] + [0.0])
    if indicator.measure.kind not in _ADDITIVE_KINDS:
        top = max(top, indicator.target.value, province or 0.0)
    heading = _title(t("chart.district_title", lang, name=indicator.name.get(lang), year=year))
    suffix = "%" if is_percent(indicator, lang) else ""
    value_axis = {
        "range": [0, top * 1.18 if top > 0 else 1],
        "tickformat": _tickformat(indicator.decimals),
        "ticksuffix": suffix,
    }
    layout = {
        "title": heading,
        "height": max(360, 48 * len(names) + 170),
        "margin": {"t": _top_margin(heading), "r": 60, "b": 90},
        "legend": {"y": -0.12},
        "yaxis": {"autorange": "reversed", "showgrid": False},
        "xaxis": value_axis if suffix else value_axis | {"title": {"text": indicator.unit.get(lang)}},
    }
    if shapes:
        layout["shapes"] = shapes
    return themed_figure(traces, layout)


# --- ratings ------------------------------------------------------------------------------------------


def build_rating_figure(
    counts: pd.DataFrame,
    lang: str = "vi",
    by: str = "year",
    year: int | None = None,
    targets: Sequence[RatingTarget] = (),
    district: str | None = None,
) -> go.Figure:
    """Return 100% stacked bars of the rating classes (Tốt, Khá, Trung bình, Yếu) of the rated cooperatives.

    `counts` comes from `kpi.stats.scorecard.rating_counts` (rows: years, districts or sectors). The shares are over
    the operating cooperatives that were rated, the denominator of the plan's rating indicators, so that the
    bars read as the cards do; the unrated ones are counted in each bar's label, not drawn. With `targets`,
    one more bar shows the plan's target shares, hatched. Years are columns; districts and sectors are
    horizontal bars.
    """
    horizontal = by != "year"
    categories = [str(c) for c in counts.index]
    rated = [r for r in RATINGS if r != NOT_RATED]
    totals = counts.reindex(columns=rated, fill_value=0).sum(axis=1).replace(0, pd.NA)
    unit = t("chart.coops_unit", lang)
    traces: list[dict] = []
    for rating in rated:
        n = counts[rating] if rating in counts else pd.Series(0, index=counts.index)
        share = (100 * n / totals).astype("Float64").fillna(0.0).astype(float)
        label = t(f"rating.{_rating_key(rating)}", lang)
        texts = [format_percent(s, 0, lang) if s >= 6 else "" for s in share]
        hover = [
            _hover(
                [
                    f"<b>{c}</b>",
                    t(
                        "chart.hover_rating",
                        lang,
                        rating=label,
                        n=format_number(k, 0, lang),
                        unit=unit,
                        share=format_percent(s, 1, lang),
                    ),
                ]
            )
            for c, k, s in zip(categories, n, share, strict=True)
        ]
        colour = rating_colour(rating)
        bar = {
            "type": "bar",
            "name": label,
            "legendgroup": rating,
            "marker": {"color": colour, "line": {"color": "#FFFFFF", "width": 1}},
            "text": texts,
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textangle": 0,
            "textfont": {"size": 15, "color": "#FFFFFF" if rating == RATINGS[0] else "#000000"},
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        shares = share.to_numpy()
        traces.append(
            bar
            | (
                {"y": categories, "x": shares, "orientation": "h"}
                if horizontal
                else {"x": categories, "y": shares}
            )
        )
    target_year, target_category = None, ""
    if targets:
        target_year = max(tg.year for tg in targets)
        target_category = t("chart.rating_target_bar", lang, year=target_year)
        for tg in sorted(targets, key=lambda tg: min(RATINGS.index(c) for c in tg.classes)):
            names = ", ".join(t(f"rating.{_rating_key(c)}", lang) for c in tg.classes)
            sign = "≥" if tg.higher_is_better else "≤"
            text = f"{names}{' ' if horizontal else '<br>'}{sign} {format_percent(tg.value, 0, lang)}"
            if tg.indicator.target.derived:
                text += f"{' ' if horizontal else '<br>'}({t('overview.derived_mark', lang)})"
            bar = {
                "type": "bar",
                "name": text,
                "legendgroup": tg.classes[0],
                "showlegend": False,
                "marker": {
                    "color": rating_colour(tg.classes[0]),
                    "pattern": {
                        "shape": "/",
                        "fillmode": "overlay",
                        "fgcolor": "#FFFFFF",
                        "fgopacity": 0.6,
                        "size": 12,
                    },
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                "text": [text],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"size": 14, "color": "#000000"},
                "textangle": 0,
                "customdata": [
                    t("chart.hover_rating_target", lang, text=text.replace("<br>", " "), year=tg.year)
                ],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
            place = {"y": [target_category], "x": [tg.value], "orientation": "h"}
            traces.append(bar | (place if horizontal else {"x": [target_category], "y": [tg.value]}))
    first, last = (categories[0], categories[-1]) if categories else ("", "")
    if by == "year":
        key = "chart.rating_title_years_district" if district else "chart.rating_title_years"
        title = t(key, lang, first=first, last=last, district=district)
    elif district:
        title = t("chart.rating_title_sector_district", lang, year=year, district=district)
    else:
        title = t(f"chart.rating_title_{by}", lang, year=year)
    subtitle = t("chart.rating_subtitle", lang)
    derived = [tg for tg in targets if tg.indicator.target.derived]
    if derived:
        names = "; ".join(
            f"{', '.join(t(f'rating.{_rating_key(c)}', lang) for c in tg.classes)} "
            f"{'≥' if tg.higher_is_better else '≤'} {format_percent(tg.value, 0, lang)}"
            for tg in derived
        )
        subtitle += " " + t("chart.rating_derived", lang, targets=names)
    heading = _title(title, subtitle)
    layout = {
        "title": heading,
        "barmode": "stack",
        "bargap": 0.3,
        "legend": {"traceorder": "normal", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        "height": max(460, 44 * (len(categories) + 1) + 190) if horizontal else 520,
        "margin": {"t": _top_margin(heading, legend_on_top=True)},
        "uniformtext": {"minsize": 13, "mode": "hide"},
    }
    value_axis = {"range": [0, 100], "ticksuffix": "%", "tickformat": ",.0f", "dtick": 20}
    # Each bar's label says how many cooperatives it stands for, so a 100% of 2 cooperatives is not over-read.
    unrated = counts[NOT_RATED] if NOT_RATED in counts else pd.Series(0, index=counts.index)
    counts_text = [
        t(
            "chart.rating_count",
            lang,
            n=format_number(int(n) if pd.notna(n) else 0, 0, lang),
            unrated=format_number(int(u), 0, lang),
        )
        for n, u in zip(totals.fillna(0), unrated, strict=True)
    ]
    ticks = {
        "tickvals": categories + ([target_category] if targets else []),
        "ticktext": [
            f"{escape_html(c)} ({n})" if horizontal else f"{escape_html(c)}<br>{n.replace(' · ', '<br>')}"
            for c, n in zip(categories, counts_text, strict=True)
        ]
        + ([target_category] if targets else []),
    }
    category_axis = {"showgrid": False, "type": "category", **ticks}
    if horizontal:
        layout |= {"xaxis": value_axis, "yaxis": {"autorange": "reversed", **category_axis}}
    else:
        layout |= {"yaxis": value_axis, "xaxis": category_axis}
    return themed_figure(traces, layout)


_RATING_KEYS = {"Tốt": "good", "Khá": "fair", "Trung bình": "average", "Yếu": "weak", NOT_RATED: "not_rated"}


def _rating_key(rating: str) -> str:
    return _RATING_KEYS.get(rating, "not_rated")


# --- images -------------------------------------------------------------------------------------------

_SLUG = re.compile(r"[^0-9a-z]+")


def slug(text: str) -> str:
    """Return `text` as an ASCII file-name part: no diacritics, lower case, words joined by "-"."""
    return _SLUG.sub("-", strip_diacritics(text).lower()).strip("-")


@cache
def _indicator_names() -> dict[str, Indicator]:
    return {ind.id: ind for ind in load_plan().indicators}


def image_file_name(
    name: str | Indicator,
    year: int | str | None,
    lang: str = "vi",
    ext: str = "png",
    plan: Plan | None = None,
) -> str:
    """Return the file name of a chart image: the indicator's name (or a chart's name) and the year, ASCII.

    `name` is an Indicator, an indicator id of `plan` (default: the plan shipped) or any chart name:
    `image_file_name("cooperatives", 2024)` -> "so-htx-2024.png".
    """
    if isinstance(name, str):
        known = {ind.id: ind for ind in plan.indicators} if plan is not None else _indicator_names()
        name = known.get(name, name)
    text = name.name.get(lang) if isinstance(name, Indicator) else str(name)
    parts = [slug(text)] + ([slug(str(year))] if year is not None else [])
    return "-".join(p for p in parts if p) + f".{ext}"


def chart_config(file_name: str) -> dict:
    """Return the `config` of `st.plotly_chart`: PNG at twice the screen resolution with this file name."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": file_name.removesuffix(".png")},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }


_kaleido_lock = threading.Lock()
_kaleido_started = False


def start_image_server() -> None:
    """Start kaleido's shared Chromium once per process (about 0,2 s per image afterwards, not 2 s)."""
    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            _kaleido_started = True


def figure_png(
    fig: go.Figure, scale: float = 2, width: int | None = None, height: int | None = None
) -> bytes:
    """Return the figure as PNG bytes, `scale` times its size, with the dashboard template."""
    import kaleido

    start_image_server()
    themed = apply_theme(go.Figure(fig))
    opts = {
        "format": "png",
        "width": width or themed.layout.width or IMAGE_WIDTH,
        "height": height or themed.layout.height or IMAGE_HEIGHT,
        "scale": scale,
    }
    return kaleido.calc_fig_sync(themed.to_dict(), opts=opts)


# --- pictures for briefings: footer, sample mark, slide size ---------------------------------------------


@dataclass(frozen=True)
class ImageSpec:
    """What a briefing picture carries besides the chart: its footer line, whether the figures are sample
    data (then a large "SỐ LIỆU MẪU" mark), and whether it is a 16:9 slide (1920x1080) or a report picture."""

    footer: str
    sample: bool = False
    slide: bool = False


def data_note(sources: pd.DataFrame, year: int | None, lang: str = "vi") -> str:
    """Return which data a picture shows, from the store's current versions (`ui.data.get_sources()` columns
    year, version, imported_at): "số liệu năm 2025, phiên bản 2, nhập ngày 28/11/2026"; without a year, the
    years shown and the last import ("số liệu 2020–2025, nhập lần cuối ngày 28/11/2026")."""
    if sources.empty:
        return ""
    rows = sources[sources["year"] == year] if year is not None else sources.iloc[0:0]
    if not rows.empty:
        row = rows.iloc[0]
        version = "–" if pd.isna(row["version"]) else str(int(row["version"]))
        return t(
            "image.data_year",
            lang,
            year=year,
            version=version,
            date=format_date(row["imported_at"].date(), lang),
        )
    years = sorted(int(y) for y in sources["year"].dropna())
    span = f"{years[0]}–{years[-1]}" if years else ""
    return t(
        "image.data_years", lang, years=span, date=format_date(sources["imported_at"].max().date(), lang)
    )


def image_footer(plan: Plan, data: str, made: dt.date, lang: str = "vi", sample: bool = False) -> str:
    """Return the footer line of a picture: source (plan and data version) and the date it was made."""
    text = t("image.footer", lang, plan=plan.number, data=data, date=format_date(made, lang))
    return f"{t('image.sample_mark', lang)} · {text}" if sample else text


def briefing_figure(fig: go.Figure, spec: ImageSpec) -> go.Figure:
    """Return a copy of `fig` ready for a briefing: a footer line at the bottom of the picture, "SỐ LIỆU MẪU"
    across the chart on sample data, and the slide's 16:9 size when asked (the chart itself is unchanged).

    The footer is a legend of its own anchored to the picture's bottom edge (an annotation could only be
    placed relative to the plot area, which the chart's own legend and axis labels move); a legend under the
    chart is anchored just above the footer, so that neither covers the other.
    """
    out = apply_theme(go.Figure(fig))
    if spec.slide:
        out.update_layout(width=SLIDE_SIZE[0], height=SLIDE_SIZE[1])
    height = out.layout.height or IMAGE_HEIGHT
    band = 2 * FOOTER_SIZE + 8  # px of the footer line at the bottom of the picture
    margin = out.layout.margin
    template_margin = TEMPLATE.layout.margin
    bottom = margin.b if margin.b is not None else template_margin.b
    out.update_layout(margin={"b": bottom + band})
    legend = out.layout.legend
    legend_y = legend.y if legend.y is not None else TEMPLATE.layout.legend.y
    if legend_y is not None and legend_y < 0:
        out.update_layout(legend={"yref": "container", "y": band / height, "yanchor": "bottom"})
    out.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line={"width": 0},
        name=spec.footer,
        legend="legend2",
        hoverinfo="skip",
    )
    out.update_layout(
        legend2={
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "xref": "container",
            "x": 0,
            "xanchor": "left",
            "orientation": "h",
            "itemwidth": 30,
            "font": {"size": FOOTER_SIZE, "color": MUTED_TEXT},
            "bgcolor": "rgba(0,0,0,0)",
        }
    )
    if spec.sample:
        out.add_annotation(
            text=t("image.sample_mark", "vi"),
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            textangle=-18,
            font={"size": 96, "color": "rgba(213, 94, 0, 0.22)"},
        )
    return out


def image_size(fig: go.Figure, spec: ImageSpec | None = None) -> tuple[int, int, float]:
    """Return (width, height, scale) of the PNG of `fig`: 1920x1080 at scale 1 for a slide, else the
    figure's own size at twice the resolution."""
    if spec is not None and spec.slide:
        return SLIDE_SIZE[0], SLIDE_SIZE[1], 1
    return fig.layout.width or IMAGE_WIDTH, fig.layout.height or IMAGE_HEIGHT, 2


def briefing_png(fig: go.Figure, spec: ImageSpec) -> bytes:
    """Return the briefing picture of `fig` as PNG bytes (see briefing_figure and image_size)."""
    ready = briefing_figure(fig, spec)
    width, height, scale = image_size(ready, spec)
    return figure_png(ready, scale=scale, width=width, height=height)


def images_zip(figures: Sequence[tuple[str, go.Figure]], spec: ImageSpec) -> bytes:
    """Return a ZIP of the briefing pictures of `figures` ((file name, figure) pairs), in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, fig in figures:
            archive.writestr(name, briefing_png(fig, spec))
    return buffer.getvalue()
