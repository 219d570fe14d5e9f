"""Plotly figures of the page "Nhiệm vụ", built from a `kpi.tasks.board.TaskBoard`; no streamlit here.

Same look as every chart of the dashboard (`kpi.common.theme`: template, Okabe-Ito palette, Vietnamese separators,
projector-size fonts). Colours are never the only cue: every bar segment carries its label in the legend
and its count as text, the timeline marks completion with a symbol, overdue counts are written out.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

import pandas as pd
import plotly.graph_objects as go

from kpi.common.formatting import format_date, format_number
from kpi.common.i18n import t
from kpi.common.theme import (
    BLACK,
    GREEN,
    LIGHT_GREY,
    MUTED_TEXT,
    ORANGE,
    PINK,
    PRIMARY,
    SKY,
    VERMILLION,
    themed_figure,
    wrap_label,
)
from kpi.tasks.board import (
    DONE_LATE,
    DONE_ON_TIME,
    LATE,
    NO_REPORT,
    OPEN,
    OVERDUE,
    STATUS_DISPLAY_ORDER,
    TIMELINE_STATES,
    TaskBoard,
    status_counts,
    status_ids,
    status_label,
    timeline_rows,
)

# Latest status of a task -> colour (with its label always in the legend).
STATUS_COLOURS = {
    "done": GREEN,
    "in_progress": SKY,
    "late": ORANGE,
    "not_started": PINK,
    NO_REPORT: LIGHT_GREY,
}
TIMELINE_COLOURS = {DONE_ON_TIME: GREEN, DONE_LATE: ORANGE, LATE: VERMILLION, OPEN: SKY}
_MS_PER_DAY = 86_400_000


def status_colour(status: str) -> str:
    """Return the colour of a status id (grey for an unknown one)."""
    return STATUS_COLOURS.get(status, LIGHT_GREY)


def _title(text: str, subtitle: str | None = None) -> dict:
    title: dict = {"text": f"<b>{text}</b>"}
    if subtitle:
        title["subtitle"] = {"text": subtitle, "font": {"color": MUTED_TEXT}}
    return title


# --- status by group or agency --------------------------------------------------------------------------


def build_status_figure(board: TaskBoard, by: str, lang: str = "vi") -> go.Figure:
    """Return horizontal stacked bars: tasks by latest status, per group ("group") or lead agency ("agency"),
    with the number of overdue tasks written at the end of each bar."""
    counts = status_counts(board, by, lang)
    labels = [wrap_label(label, 46 if by == "group" else 28) for label in counts.index]
    traces: list[dict] = []
    # Done first, on the left.
    ids = status_ids(board.tasks)
    order = [s for s in STATUS_DISPLAY_ORDER if s in ids] + [s for s in ids if s not in STATUS_DISPLAY_ORDER]
    for status in order:
        values = counts[status].tolist()
        if not any(values):
            continue
        label = status_label(board.tasks, status, lang)
        traces.append(
            {
                "type": "bar",
                "y": labels,
                "x": values,
                "orientation": "h",
                "name": label,
                "marker": {"color": status_colour(status), "line": {"color": "#FFFFFF", "width": 1}},
                "text": [format_number(v, 0, lang) if v else "" for v in values],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "hovertemplate": [
                    t("tasks.chart.hover_count", lang, label=label, n=format_number(v, 0, lang))
                    + "<extra></extra>"
                    for v in values
                ],
            }
        )
    annotations = [
        {
            "x": total,
            "y": y,
            "text": f"⚠ {t('tasks.chart.overdue_mark', lang, n=format_number(late, 0, lang))}",
            "showarrow": False,
            "xanchor": "left",
            "xshift": 6,
            "font": {"color": VERMILLION},
        }
        for y, total, late in zip(labels, counts["total"].tolist(), counts[OVERDUE].tolist(), strict=True)
        if late
    ]
    key = "tasks.chart.by_group" if by == "group" else "tasks.chart.by_agency"
    layout = {
        "barmode": "stack",
        "title": _title(
            t(key, lang, count=len(board.tasks)),
            t("tasks.chart.as_of", lang, as_of=format_date(board.as_of, lang)),
        ),
        "height": max(300, 150 + (66 if by == "group" else 40) * len(labels)),
        "legend": {"traceorder": "normal", "orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "margin": {"r": 130, "t": 130},
        "uniformtext": {"minsize": 12, "mode": "hide"},
        "yaxis": {"autorange": "reversed"},
        "xaxis": {"tickformat": ",d", "rangemode": "tozero"},
    }
    if annotations:
        layout["annotations"] = annotations
    return themed_figure(traces, layout)


# --- timeline -------------------------------------------------------------------------------------------


def _ms(day: date) -> float:
    return datetime.combine(day, time()).timestamp() * 1000


def build_timeline_figure(board: TaskBoard, lang: str = "vi") -> go.Figure:
    """Return the timeline of the tasks with a deadline: one bar per task over its time frame, coloured by
    done on time / done late / overdue / not yet due, a diamond at the end of the period of the first
    "Hoàn thành" report, and a line on the day the tasks are judged."""
    rows = timeline_rows(board, lang)
    traces: list[dict] = []
    labels = [f"{r.task} · {r.lead}" for r in rows.itertuples()]
    rows = rows.assign(label=labels)
    for state in TIMELINE_STATES:
        part = rows[rows["state"] == state]
        if part.empty:
            continue
        name = t(f"tasks.timeline.{state}", lang)
        hover = [
            t(
                "tasks.timeline.hover",
                lang,
                label=r.task,
                lead=r.lead,
                time_frame=r.time_frame,
                start=format_date(r.start, lang),
                deadline=format_date(r.deadline, lang),
                state=name
                + (
                    "<br>" + t("tasks.timeline.hover_done", lang, period=r.done_period)
                    if r.done_period
                    else ""
                ),
            )
            + "<extra></extra>"
            for r in part.itertuples()
        ]
        traces.append(
            {
                "type": "bar",
                "y": part["label"].tolist(),
                "base": [pd.Timestamp(d).isoformat() for d in part["start"]],
                "x": [
                    _ms(e) - _ms(s) + _MS_PER_DAY
                    for s, e in zip(part["start"], part["deadline"], strict=True)
                ],
                "orientation": "h",
                "name": name,
                "marker": {"color": TIMELINE_COLOURS[state]},
                "hovertemplate": hover,
            }
        )
    done = rows[rows["done_on"].notna()]
    if not done.empty:
        traces.append(
            {
                "type": "scatter",
                "y": done["label"].tolist(),
                "x": [pd.Timestamp(d).isoformat() for d in done["done_on"]],
                "mode": "markers",
                "name": t("tasks.timeline.done_marker", lang),
                "marker": {
                    "symbol": "diamond",
                    "size": 14,
                    "color": BLACK,
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                "hovertemplate": [
                    t("tasks.timeline.hover_done", lang, period=p) + "<extra></extra>"
                    for p in done["done_period"]
                ],
            }
        )
    as_of = pd.Timestamp(board.as_of).isoformat()
    today_label = "tasks.timeline.today" if board.as_of == date.today() else "tasks.timeline.as_of"
    layout = {
        "annotations": [
            {
                "x": as_of,
                "y": 1,
                "yref": "paper",
                "text": f"{t(today_label, lang)} {format_date(board.as_of, lang)}",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"color": PRIMARY},
            }
        ],
        "shapes": [
            {
                "type": "line",
                "x0": as_of,
                "x1": as_of,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": PRIMARY, "width": 2, "dash": "dot"},
            }
        ],
        "barmode": "overlay",
        "title": _title(t("tasks.timeline.title", lang), t("tasks.timeline.subtitle", lang)),
        "height": max(300, 170 + 48 * len(rows)),
        "legend": {"y": -0.12, "yanchor": "top"},
        "margin": {"t": 110},
        "xaxis": {"type": "date", "tickformat": "%Y", "dtick": "M12"},
        "yaxis": {"autorange": "reversed", "type": "category"},
    }
    return themed_figure(traces, layout)


# --- quantities -----------------------------------------------------------------------------------------


def subplot_grid(rows: int, cols: int, vertical: float, horizontal: float) -> list[tuple[list, list]]:
    """Return the (x domain, y domain) of each cell of a rows × cols grid, row by row from the top: the
    domains plotly's `make_subplots(rows, cols, vertical_spacing=, horizontal_spacing=)` gives, computed the
    way it computes them (so the figure is the same), without building a validated figure (13 ms)."""
    widths = [(1.0 - horizontal * (cols - 1)) / cols] * cols
    heights = [(1.0 - vertical * (rows - 1)) / rows] * rows
    cells = []
    for r in range(rows):
        bottom = sum(heights[: rows - 1 - r]) + (rows - 1 - r) * vertical  # the first row is the top one
        y_domain = [min(max(bottom, 0.0), 1.0), min(max(bottom + heights[r], 0.0), 1.0)]
        for c in range(cols):
            left = sum(widths[:c]) + c * horizontal
            cells.append(([left, left + widths[c]], y_domain))
    return cells


def _axis_suffix(index: int) -> str:
    """Return "" for the first subplot's axes ("x", "xaxis"), else its number ("x2", "xaxis2")."""
    return str(index + 1) if index else ""


def build_quantities_figure(board: TaskBoard, lang: str = "vi") -> go.Figure:
    """Return small multiples, one per promised quantity: the amount achieved per year (bars, green when the
    promise is met, orange when not) against the promise (dashed line); whole-period quantities cumulative.

    Written as plain specs on the grid of `subplot_grid` (plotly's subplots and their validated updates cost
    70 ms, the most of any first visit of the tasks page); tests check it against plotly's validated build.
    """
    q = board.quantities
    # The rows of each (task, quantity), in order of first appearance: one grouping, not a filter per panel.
    parts = dict(iter(q.groupby(["group", "number", "metric"], sort=False)))
    keys = list(parts)
    columns = 2
    rows = max(1, math.ceil(len(keys) / columns))
    titles = []
    for group, number, metric in keys:
        first = parts[group, number, metric].iloc[0]
        label = first["label_en"] if lang == "en" else first["label_vi"]
        suffix = f" ({t('tasks.quantities.cumulative', lang)})" if first["per"] == "total" else ""
        titles.append(wrap_label(f"{group}.{number} · {label}{suffix}", 44))
    layout: dict = {"annotations": []}
    for i, (x_domain, y_domain) in enumerate(subplot_grid(rows, columns, 0.5 / max(rows, 1), 0.1)):
        n = _axis_suffix(i)
        layout[f"xaxis{n}"] = {"anchor": f"y{n}", "domain": x_domain, "dtick": 1, "tickformat": "d"}
        layout[f"yaxis{n}"] = {
            "anchor": f"x{n}",
            "domain": y_domain,
            "tickformat": ",d",
            "rangemode": "tozero",
        }
        if i < len(titles) and titles[i]:
            layout["annotations"].append(
                {
                    "y": y_domain[1],
                    "xref": "paper",
                    "x": sum(x_domain) / 2.0,
                    "yref": "paper",
                    "text": titles[i],
                    "showarrow": False,
                    "font": {"size": 15},
                    "xanchor": "center",
                    "yanchor": "bottom",
                }
            )
    traces: list[dict] = []
    legend_shown: set[str] = set()

    def legend(name: str) -> dict:
        shown = name in legend_shown
        legend_shown.add(name)
        return {"name": name, "legendgroup": name, "showlegend": not shown}

    reached, short = t("tasks.quantities.reached", lang), t("tasks.quantities.short", lang)
    promise = t("tasks.quantities.promise", lang)
    for i, (group, number, metric) in enumerate(keys):
        n = _axis_suffix(i)
        axes = {"xaxis": f"x{n}", "yaxis": f"y{n}"}
        part = parts[group, number, metric]
        total = part["per"].iloc[0] == "total"
        values = (part["achieved_cumulative"] if total else part["achieved"]).tolist()
        promised = part["promised"].tolist()
        years = part["year"].astype(int).tolist()
        met = [not pd.isna(v) and v >= p for v, p in zip(values, promised, strict=True)]
        for flag, name, colour in ((True, reached, GREEN), (False, short, ORANGE)):
            mask = [m == flag and not pd.isna(v) for m, v in zip(met, values, strict=True)]
            if not any(mask):
                continue
            xs = [y for y, m in zip(years, mask, strict=True) if m]
            ys = [v for v, m in zip(values, mask, strict=True) if m]
            ps = [p for p, m in zip(promised, mask, strict=True) if m]
            traces.append(
                {
                    "type": "bar",
                    "x": xs,
                    "y": ys,
                    "marker": {"color": colour},
                    "text": [format_number(v, 0, lang) for v in ys],
                    "textposition": "inside",
                    "insidetextanchor": "end",
                    "hovertemplate": [
                        t(
                            "tasks.quantities.hover",
                            lang,
                            year=y,
                            achieved=format_number(v, 0, lang),
                            promised=format_number(p, 0, lang),
                        )
                        + "<extra></extra>"
                        for y, v, p in zip(xs, ys, ps, strict=True)
                    ],
                    **legend(name),
                    **axes,
                }
            )
        segments_x: list[float | None] = []
        segments_y: list[float | None] = []
        for year, amount in zip(years, promised, strict=True):
            segments_x += [year - 0.42, year + 0.42, None]
            segments_y += [amount, amount, None]
        traces.append(
            {
                "type": "scatter",
                "x": segments_x,
                "y": segments_y,
                "mode": "lines",
                "line": {"color": BLACK, "dash": "dash", "width": 2},
                "hoverinfo": "skip",
                **legend(promise),
                **axes,
            }
        )
        top = max([*promised, *[v for v in values if not pd.isna(v)]])
        layout[f"yaxis{n}"]["range"] = [0, top * 1.25]
    layout |= {
        "title": _title(t("tasks.quantities.title", lang)),
        "height": 140 + 280 * rows,
        "bargap": 0.35,
        "margin": {"t": 120},
    }
    if not layout["annotations"]:
        del layout["annotations"]
    return themed_figure(traces, layout)


__all__ = [
    "STATUS_COLOURS",
    "TIMELINE_COLOURS",
    "build_quantities_figure",
    "build_status_figure",
    "build_timeline_figure",
    "status_colour",
    "subplot_grid",
]
