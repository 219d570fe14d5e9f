"""The shared look: palette, status colours with labels and symbols, and the plotly template."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from kpi.common import theme
from kpi.common.theme import wrap_label
from kpi.stats.report import default_plan
from kpi.workbook.contract import RATINGS

HEX = re.compile(r"\A#[0-9A-F]{6}\Z")


def _luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_is_okabe_ito_with_blue_first():
    assert theme.PALETTE == (
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#CC79A7",
        "#56B4E9",
        "#D55E00",
        "#F0E442",
        "#000000",
    )
    assert theme.PRIMARY == "#0072B2"


def test_every_status_of_the_plan_has_its_own_colour_style():
    declared = {s.id for s in default_plan().assessment.statuses}
    assert declared <= set(theme.STATUS_STYLES)


def test_statuses_that_mean_different_things_have_different_symbols():
    symbols = [style.symbol for style in theme.STATUS_STYLES.values()]
    assert len(set(symbols)) == len(symbols)


@pytest.mark.parametrize("status", sorted(theme.STATUS_STYLES))
def test_the_label_on_each_status_colour_is_readable(status):
    style = theme.STATUS_STYLES[status]
    assert HEX.match(style.colour) and HEX.match(style.text_colour)
    assert _contrast(style.colour, style.text_colour) >= 4.5  # WCAG AA for normal text


def test_an_unknown_status_is_drawn_in_neutral_grey():
    assert theme.status_style("something_new") == theme.STATUS_STYLES["insufficient_data"]


def test_every_rating_class_of_the_workbook_has_a_colour():
    assert set(RATINGS) == set(theme.RATING_COLOURS)
    assert len(set(theme.RATING_COLOURS.values())) == len(RATINGS)


def test_the_template_uses_vietnamese_separators_and_projector_sized_fonts():
    layout = theme.TEMPLATE.layout
    assert layout.separators == ",."
    assert layout.font.size >= 16
    assert layout.title.font.size >= 20
    assert list(layout.colorway) == list(theme.PALETTE)
    assert layout.plot_bgcolor == "#FFFFFF"


def test_apply_theme_sets_the_template_and_separators_on_a_bare_figure():
    fig = theme.apply_theme(go.Figure(go.Bar(x=[1], y=[2])))
    assert fig.layout.separators == ",."
    assert fig.layout.template.layout.font.family == theme.FONT_FAMILY


def test_enlarge_scales_every_text_margin_and_height_for_a_projector():
    fig = theme.apply_theme(go.Figure(go.Bar(x=[1], y=[2], text=["2"], textfont={"size": 15})))
    fig.update_layout(height=500, margin={"l": 10, "r": 200, "t": 100, "b": 50}, title_text="T")
    fig.add_annotation(text="note", x=1, y=1, font={"size": 14})
    theme.enlarge(fig, 1.5)
    assert fig.layout.font.size == 24  # 16 × 1,5 from the template
    assert fig.layout.title.font.size == 30
    assert fig.layout.xaxis.tickfont.size == 22.5
    assert fig.data[0].textfont.size == 22.5
    assert fig.layout.annotations[0].font.size == 21
    assert (fig.layout.margin.r, fig.layout.height) == (300, 750)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Số hợp tác xã đang hoạt động", 12, "Số hợp tác<br>xã đang hoạt<br>động"),
        ("ngắn", 34, "ngắn"),
        ("một-từ-rất-dài-không-ngắt-được ở đây", 10, "một-từ-rất-dài-không-ngắt-được<br>ở đây"),
    ],
)
def test_a_chart_label_breaks_between_words_within_the_width(text: str, width: int, expected: str) -> None:
    assert wrap_label(text, width) == expected
