"""Báo cáo: the quarterly or yearly implementation report of the plan (section V.3), and the final review of
the plan's period, to download as Word (.docx, the administrative layout) or Excel (.xlsx, one sheet per
table). The report is `kpi.reports.brief`; the files are built by `ui.brief_data` when a button is clicked.
"""

from __future__ import annotations

import streamlit as st

from kpi.common.i18n import t
from kpi.reports.brief import QUARTERS, is_final
from ui import brief_data, components, data, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
years = data.get_years()
year = state.year(years)
if year is None:
    components.no_data(lang)
plan = data.get_plan()

st.title(t("brief.page.title", lang, plan=plan.number))
st.caption(t("brief.page.caption", lang, plan=plan.number))
if data.is_sample_data():
    st.warning(t("brief.page.sample", lang, mark=t("image.sample_mark", lang)), icon=":material/science:")

with st.container(horizontal=True, gap="medium"):
    quarter = st.selectbox(
        t("brief.page.period", lang),
        options=[None, *QUARTERS],
        format_func=lambda q: (
            t("brief.page.whole_year", lang) if q is None else t("brief.page.quarter", lang, q=q)
        ),
        key="brief-quarter",
        width=220,
    )
    report_lang = st.radio(
        t("brief.page.language", lang),
        options=list(state.LANGUAGES),
        format_func=state.LANGUAGES.get,
        index=list(state.LANGUAGES).index(lang),
        horizontal=True,
        key="brief-lang",
    )
last_year = year == plan.period.end
final = st.checkbox(
    t("brief.page.final", lang, start=plan.period.start, end=plan.period.end),
    value=last_year,
    disabled=last_year,
    help=t("brief.page.final_help", lang, end=plan.period.end),
    key="brief-final",
)
final = is_final(plan, year, final)

# --- lay it out ------------------------------------------------------------------------------------------------
st.markdown(t("brief.page.contents", lang, year=year))
with st.container(horizontal=True, gap="small"):
    for fmt, icon in (("docx", ":material/description:"), ("xlsx", ":material/table_view:")):
        st.download_button(
            t(f"brief.page.download_{fmt}", lang),
            data=lambda fmt=fmt: brief_data.get_file(year, quarter, report_lang, final, fmt),
            file_name=brief_data.file_name(year, quarter, final, fmt),
            mime=brief_data.MIME[fmt],
            on_click="ignore",
            icon=icon,
            type="primary" if fmt == "docx" else "secondary",
            key=f"brief-{fmt}",
        )
st.caption(t("brief.page.command", lang, year=year))
