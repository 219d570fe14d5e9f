"""Presentation mode of the overview as slides: the first screen, then one slide per group of indicators,
with previous/next buttons and the year chooser on a bar at the top. Texts and figures come from kpi; this
module only lays them out (large type comes from the presentation CSS of ui.components)."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
import streamlit as st

from kpi.common.i18n import t
from kpi.stats.report import Report
from kpi.stats.scorecard import all_verdicts, group_sentence, headline_verdicts, overall_sentence
from ui import components, data, state

SLIDE_ROW_PX, SLIDE_CHART_FRAME_PX = 40, 190  # bullet chart on a slide: px per indicator, and title/axes


def deck(report: Report, years: list[int], lang: str) -> None:
    """Show the slide chosen: 0 is the first screen, then one per card group of the plan."""
    plan = report.plan
    groups = list(plan.groups)
    count = 1 + len(groups)
    shown = state.slide(count)
    title = t("present.summary", lang) if shown == 0 else groups[shown - 1].name.get(lang)
    with st.container(horizontal=True, vertical_alignment="center", key="slide-bar"):
        state.slide_buttons(count)
        position = t("present.position", lang, n=shown + 1, total=count)
        st.html(f'<div class="kpi-slide-position">{escape(position)} · {escape(title)}</div>')
        state.present_year_choice(years)
        components.leave_presentation_button()
    if shown == 0:
        st.title(t("page.overview_title", lang, year=report.year))
        components.first_screen(
            headline_verdicts(report, lang), all_verdicts(report, lang), overall_sentence(report, lang)
        )
        return
    group = groups[shown - 1]
    st.title(f"{group.name.get(lang)} · {report.year}")
    components.note(group_sentence(report, group.id, lang, named=False))
    components.tiles([v for v in all_verdicts(report, lang) if plan.indicator(v.id).group == group.id])
    # A shorter chart than on the page: the slide must hold the tiles and the chart on one screen.
    figure = go.Figure(data.get_figure("bullet", report.year, lang, group.id))
    rows = len(plan.indicators_in(group.id))
    figure.update_layout(height=SLIDE_ROW_PX * rows + SLIDE_CHART_FRAME_PX)
    components.chart(figure, group.name.get(lang), report.year, lang, key=f"slide-{group.id}")
