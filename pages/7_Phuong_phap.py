"""Phương pháp: the plan and its source, every indicator's definition and formula, the assessment method and
thresholds, and where the figures shown come from and when they were imported."""

from __future__ import annotations

import streamlit as st

from kpi.common.formatting import format_date
from kpi.common.i18n import t
from kpi.stats.scorecard import formula_text, target_text, threshold_rules, value_text
from ui import components, data, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()

# --- ask the core --------------------------------------------------------------------------------------------
plan = data.get_plan()
sources = data.get_sources()

# --- lay it out ------------------------------------------------------------------------------------------------
st.title(t("page.method_title", lang))

st.subheader(t("page.method_plan", lang), divider="gray")
st.markdown(t("page.method_identity", lang, **plan.details(lang)))
st.markdown(t("page.method_implements", lang))
st.markdown(
    "\n".join(
        f"- {ref.number} ({format_date(ref.date, lang)}, {ref.issuer}): {ref.title.get(lang)}"
        for ref in plan.implements
    )
)
st.caption(f"{t('page.method_source', lang, file=plan.source.file)} {plan.source.note.get(lang)}")

st.subheader(t("page.method_indicators", lang), divider="gray")
for group in plan.groups:
    st.markdown(f"**{group.name.get(lang)}**")
    for ind in plan.indicators_in(group.id):
        with st.expander(f"{ind.name.get(lang)} ({ind.unit.get(lang)})"):
            direction = t("page.method_higher" if ind.higher_is_better else "page.method_lower", lang)
            st.markdown(f"**{target_text(ind, lang)}** · {direction}")
            if ind.baseline is not None:
                base = value_text(ind, ind.baseline.value, lang)
                st.markdown(t("page.method_baseline", lang, year=ind.baseline.year, value=base))
            else:
                st.markdown(t("page.method_no_baseline", lang))
            st.markdown(f"**{t('page.indicator_how', lang)}** {ind.definition.get(lang)}")
            st.markdown(f"**{t('page.method_formula', lang)}** {formula_text(ind, plan, lang)}")
            st.markdown(f"**{t('page.indicator_quote', lang, plan=plan.number)}** “{ind.source_quote}”")
            for item in (ind.target, ind.baseline):
                if item is not None and item.note is not None:
                    st.caption(item.note.get(lang))
            if ind.note is not None:
                st.warning(ind.note.get(lang), icon=":material/report:")

st.subheader(t("page.method_assessment", lang), divider="gray")
st.markdown(plan.assessment.method.get(lang))
components.status_rules(threshold_rules(plan, lang), plan, lang)

st.subheader(t("page.method_data", lang), divider="gray")
st.markdown(t("page.method_data_text", lang))
if sources.empty:
    st.info(t("notice.no_data", lang))
else:
    st.markdown(t("page.method_data_date", lang, date=format_date(sources["imported_at"].max().date(), lang)))
    components.table(components.sources_table(sources, lang), "sources", left=(0, 1, 4, 5))
