"""Địa bàn: the districts against each other for one indicator and year; all indicators by district;
communes with and without an effective cooperative; districts with a model cooperative."""

from __future__ import annotations

import streamlit as st

from kpi.common.i18n import t
from kpi.stats.report import default_engine
from kpi.stats.scorecard import coverage_table, district_indicator_table, model_table
from ui import components, data, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
year = components.chosen_year(lang)
plan = data.get_plan()
districts = default_engine().districts
st.title(t("page.districts_title", lang, year=year))
options = [
    (ind.id, f"{g.name.get(lang)} · {ind.name.get(lang)}")
    for g in plan.groups
    for ind in plan.indicators_in(g.id)
    if ind.by_district
]
with st.columns([2, 3])[0]:
    indicator_id = state.indicator_choice(options, t("page.indicator_choose", lang))

# --- ask the core --------------------------------------------------------------------------------------------
report = data.get_report(year, by_district=True)
result = report.result(indicator_id)
coverage = data.get_commune_coverage(year)
models = data.get_model_cooperatives(year)

# --- lay it out ------------------------------------------------------------------------------------------------
figure = data.get_figure("district", year, lang, indicator_id)
components.chart(
    figure, t("page.districts_file", lang, name=result.indicator.name.get(lang)), year, lang, key="districts"
)

st.subheader(t("page.districts_all", lang, year=year), divider="gray")
components.table(district_indicator_table(report, districts, lang), "indicators")

if coverage is not None:
    st.subheader(t("page.districts_communes", lang, year=year), divider="gray")
    components.table(coverage_table(coverage, lang), "communes", left=(0, 3))

if models is not None:
    st.subheader(t("page.districts_models", lang, year=year), divider="gray")
    with_model = int((models["count"] > 0).sum())
    st.markdown(t("page.districts_models_summary", lang, n=with_model, total=len(models)))
    components.table(model_table(models, lang), "models", left=(0, 1, 3))
