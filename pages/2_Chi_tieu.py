"""Chỉ tiêu: one indicator in depth, its years, target, required path and projection, and its districts."""

from __future__ import annotations

import streamlit as st

from kpi.common.i18n import t
from kpi.stats.report import default_engine
from kpi.stats.scorecard import district_year_table, history_table
from ui import components, data, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
year = components.chosen_year(lang)
plan = data.get_plan()
st.title(t("page.indicator_title", lang, year=year))
options = [
    (ind.id, f"{g.name.get(lang)} · {ind.name.get(lang)}")
    for g in plan.groups
    for ind in plan.indicators_in(g.id)
]
with st.columns([2, 3])[0]:
    indicator_id = state.indicator_choice(options, t("page.indicator_choose", lang))

# --- ask the core --------------------------------------------------------------------------------------------
report = data.get_report(year)
result = report.result(indicator_id)
ind = result.indicator

# --- lay it out ------------------------------------------------------------------------------------------------
left, right = st.columns([1, 3], gap="medium")
with left:
    components.indicator_card(
        result, plan, year, lang, data.get_figure("sparkline", year, lang, indicator_id)
    )
with right:
    components.chart(data.get_figure("indicator", year, lang, indicator_id), ind, year, lang, key="indicator")

if ind.target.derived and ind.target.note is not None:
    st.info(f"{t('page.indicator_derived', lang)} {ind.target.note.get(lang)}", icon=":material/info:")
if ind.note is not None:
    st.warning(ind.note.get(lang), icon=":material/report:")

st.subheader(t("page.indicator_definition", lang), divider="gray")
st.markdown(f"**{t('page.indicator_how', lang)}** {ind.definition.get(lang)}")
st.markdown(f"**{t('page.indicator_quote', lang, plan=plan.number)}**")
st.markdown(f"> “{ind.source_quote}”")
for label, item in (
    (t("page.indicator_target_note", lang), None if ind.target.derived else ind.target),
    (t("page.indicator_baseline_note", lang), ind.baseline),
):
    if item is not None and item.note is not None:
        st.caption(f"{label} {item.note.get(lang)}")

st.subheader(t("page.indicator_by_year", lang), divider="gray")
components.table(history_table(result, lang), "years")

st.subheader(t("page.indicator_by_district", lang), divider="gray")
if ind.by_district:
    values = data.get_values(by_district=True)
    components.table(district_year_table(values, ind, default_engine().districts, year, lang), "districts")
else:
    st.info(t("page.indicator_province_only", lang))
