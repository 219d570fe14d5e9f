"""The look shared by every chart and page: one colour-blind-safe palette, status colours, the plotly template.

The palette is Okabe and Ito's (2008), safe for the common colour-vision deficiencies. Status colours are
never the only cue: every status is shown with its text label and a symbol beside the colour, so a badge
still reads in greyscale. The plotly template is light, uses Vietnamese separators (decimal comma,
thousands dot: `layout.separators = ",."`) and fonts large enough for a projector. Both the screen
(`st.plotly_chart(..., theme=None)`) and the PNG export (kaleido) use it, so they look the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import plotly.graph_objects as go

# Okabe-Ito, blue first (the primary colour); yellow last because it is faint as a line on white.
BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
PALETTE: tuple[str, ...] = (BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION, YELLOW, BLACK)
PRIMARY = BLUE
NOT_ACHIEVED_RED = "#8E1B10"  # a dark vermillion: white text on it reads at 4.5:1 and more
GREY = "#8C8C8C"
LIGHT_GREY = "#D9D9D9"
TEXT = "#1F2328"
MUTED_TEXT = "#57606A"
GRID = "#E6E6E6"
BACKGROUND = "#FFFFFF"

FONT_FAMILY = "Source Sans, 'Source Sans 3', 'Source Sans Pro', 'Noto Sans', 'Segoe UI', Arial, sans-serif"
FONT_SIZE = 16  # readable from the back of a meeting room at 1366×768
TITLE_SIZE = 20
VN_SEPARATORS = ",."  # plotly reads "decimal, thousands"


@dataclass(frozen=True)
class StatusStyle:
    """How one assessment status is drawn: fill colour, text colour on it, and a symbol for greyscale."""

    colour: str
    text_colour: str
    symbol: str


# Keyed by the status ids of the plan's assessment rules; an unknown id is drawn like "insufficient_data".
STATUS_STYLES: dict[str, StatusStyle] = {
    "achieved": StatusStyle(GREEN, "#000000", "✔"),
    # A final verdict, darker than "deterioration" so that the two differ in greyscale too.
    "not_achieved": StatusStyle(NOT_ACHIEVED_RED, "#FFFFFF", "✘"),
    "on_track": StatusStyle(SKY, "#000000", "▲"),
    "acceleration_needed": StatusStyle(YELLOW, "#000000", "◆"),
    "limited_progress": StatusStyle(ORANGE, "#000000", "▼"),
    "deterioration": StatusStyle(VERMILLION, "#000000", "✖"),
    "insufficient_data": StatusStyle(LIGHT_GREY, "#000000", "?"),
    "unable_to_assess": StatusStyle(LIGHT_GREY, "#000000", "–"),
}
_FALLBACK_STATUS = STATUS_STYLES["insufficient_data"]

# Rating classes of sheet HTX (kpi.workbook.contract.RATINGS), best first: blue to vermillion, grey for "not rated".
RATING_COLOURS: dict[str, str] = {
    "Tốt": BLUE,
    "Khá": SKY,
    "Trung bình": ORANGE,
    "Yếu": VERMILLION,
    "Chưa xếp loại": LIGHT_GREY,
}


def status_style(status: str) -> StatusStyle:
    """Return the style of a status id (the neutral grey style for an unknown id)."""
    return STATUS_STYLES.get(status, _FALLBACK_STATUS)


def status_colour(status: str) -> str:
    """Return the fill colour of a status id."""
    return status_style(status).colour


def rating_colour(rating: str) -> str:
    """Return the colour of a rating class (grey for an unknown class)."""
    return RATING_COLOURS.get(rating, LIGHT_GREY)


def _axis() -> dict:
    return {
        "gridcolor": GRID,
        "linecolor": "#BDBDBD",
        "zerolinecolor": "#BDBDBD",
        "tickfont": {"size": FONT_SIZE - 1},
        "title": {"font": {"size": FONT_SIZE}},
        "automargin": True,
        "separatethousands": True,
        "exponentformat": "none",
    }


def build_template() -> go.layout.Template:
    """Return the plotly template of the dashboard (light, Vietnamese separators, projector-size fonts)."""
    return go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT},
            "title": {
                "font": {"size": TITLE_SIZE, "color": TEXT},
                "x": 0,
                "xanchor": "left",
                "pad": {"l": 12},
            },
            "colorway": list(PALETTE),
            "separators": VN_SEPARATORS,
            "paper_bgcolor": BACKGROUND,
            "plot_bgcolor": BACKGROUND,
            "xaxis": _axis(),
            "yaxis": _axis(),
            "legend": {
                "font": {"size": FONT_SIZE - 1},
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": -0.1,
                "yanchor": "top",
            },
            "hoverlabel": {"font": {"size": FONT_SIZE, "family": FONT_FAMILY}, "bgcolor": "#FFFFFF"},
            "margin": {"l": 10, "r": 30, "t": 100, "b": 60},
        }
    )


TEMPLATE = build_template()


def wrap_label(text: str, width: int = 34) -> str:
    """Return `text` broken into lines of at most about `width` characters, joined with <br> (plotly's break)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def apply_theme(fig: go.Figure) -> go.Figure:
    """Return `fig` with the dashboard template applied (in place; the same figure is returned)."""
    fig.update_layout(template=TEMPLATE, separators=VN_SEPARATORS)
    return fig


def themed_figure(data: list[dict], layout: dict) -> go.Figure:
    """Return the figure of `data` (trace dicts with their "type") and `layout` (nested dicts) with the
    dashboard template, as `apply_theme` gives it, built without plotly's property validation.

    Validating costs more than the rest of a small chart (about 15 ms per sparkline, 17 on the overview,
    on every first visit of a page). The builders' specs hold known properties only; their tests check that
    each figure is the one plotly builds with validation (`go.Figure(fig.to_dict())`).
    """
    return go.Figure(
        {"data": data, "layout": {**layout, "template": _template_spec(), "separators": VN_SEPARATORS}},
        _validate=False,
    )


@cache
def _template_spec() -> dict:
    """The template as plain dicts, made once per process (shared read-only by every figure)."""
    return TEMPLATE.to_plotly_json()


PROJECTOR_FACTOR = 1.3  # how much larger chart texts are in presentation mode


def _scaled(size: float | None, default: float, factor: float) -> float:
    return round((size or default) * factor, 1)


def enlarge(fig: go.Figure, factor: float = PROJECTOR_FACTOR) -> go.Figure:
    """Return `fig` with every text `factor` times larger, and its margins and height to match (in place).

    For presentation mode: page text grows with the CSS, but plotly sizes its fonts in pixels.
    """
    template = TEMPLATE.layout
    layout = fig.layout
    fig.update_layout(
        font_size=_scaled(layout.font.size, template.font.size, factor),
        title_font_size=_scaled(layout.title.font.size, template.title.font.size, factor),
        legend_font_size=_scaled(layout.legend.font.size, template.legend.font.size, factor),
        hoverlabel_font_size=_scaled(layout.hoverlabel.font.size, template.hoverlabel.font.size, factor),
    )
    if layout.title.subtitle.text:
        fig.update_layout(
            title_subtitle_font_size=_scaled(layout.title.subtitle.font.size, FONT_SIZE - 2, factor)
        )
    tick, axis_title = template.xaxis.tickfont.size, template.xaxis.title.font.size
    fig.for_each_xaxis(lambda a: a.update(tickfont_size=_scaled(a.tickfont.size, tick, factor)))
    fig.for_each_yaxis(lambda a: a.update(tickfont_size=_scaled(a.tickfont.size, tick, factor)))
    fig.for_each_xaxis(lambda a: a.update(title_font_size=_scaled(a.title.font.size, axis_title, factor)))
    fig.for_each_yaxis(lambda a: a.update(title_font_size=_scaled(a.title.font.size, axis_title, factor)))
    for annotation in layout.annotations:
        annotation.font.size = _scaled(annotation.font.size, template.font.size, factor)
    for trace in fig.data:
        if "textfont" in trace and trace.textfont.size is not None:
            trace.textfont.size = _scaled(trace.textfont.size, template.font.size, factor)
    margin = layout.margin
    fig.update_layout(
        margin={
            side: round((getattr(margin, side) or getattr(template.margin, side) or 0) * factor)
            for side in ("l", "r", "t", "b")
        }
    )
    if layout.height:
        fig.update_layout(height=round(layout.height * factor))
    return fig
