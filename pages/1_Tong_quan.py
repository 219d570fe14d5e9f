"""Tổng quan: where the province stands against every indicator of the plan, for the chosen year."""

from __future__ import annotations

import streamlit as st

from kpi.common.formatting import format_date
from kpi.common.i18n import t
from kpi.stats.charts import build_indicator_figure
from kpi.stats.scorecard import (
    all_verdicts,
    group_sentence,
    headline_verdicts,
    overall_sentence,
    population_sentence,
)
from ui import brief_data, components, data, slides, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
years = data.get_years()
year = components.chosen_year(lang)

# --- ask the core --------------------------------------------------------------------------------------------
report = data.get_report(year)
plan = report.plan

# --- lay it out ------------------------------------------------------------------------------------------------
if state.present():  # presentation mode: one screen at a time, large type
    slides.deck(report, years, lang)
    st.stop()

with st.container(key="overview-head", gap="small"):
    st.title(t("page.overview_title", lang, year=year))
    st.caption(
        t(
            "page.overview_caption",
            lang,
            plan=plan.number,
            date=format_date(plan.date, lang),
            province=plan.province,
        )
    )
components.first_screen(
    headline_verdicts(report, lang), all_verdicts(report, lang), overall_sentence(report, lang)
)
brief_data.report_link(lang)

# --- the detail, below the first screen ----------------------------------------------------------------------
st.subheader(t("page.overview_detail", lang), divider="gray")
components.sentences([group_sentence(report, group.id, lang) for group in plan.groups])
components.note(population_sentence(data.get_population_counts(year), plan, year, lang))

bullet = data.get_figure("bullet", year, lang)
components.chart(bullet, t("page.overview_file", lang), year, lang, key="bullet")
components.images_zip_button(
    lambda: (
        [(t("page.overview_file", lang), bullet)]
        + [(r.indicator, build_indicator_figure(r, plan, lang)) for r in report.results]
    ),
    t("page.overview_zip", lang),
    year,
    lang,
)

COLUMNS = 4
for group in plan.groups:
    results = [r for r in report.results if r.indicator.group == group.id]
    st.subheader(group.name.get(lang), divider="gray")
    for start in range(0, len(results), COLUMNS):
        columns = st.columns(COLUMNS)
        for column, result in zip(columns, results[start : start + COLUMNS], strict=False):
            with column:
                sparkline = data.get_figure("sparkline", year, lang, result.indicator.id)
                components.indicator_card(result, plan, year, lang, sparkline)
