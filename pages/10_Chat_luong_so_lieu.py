"""Chất lượng số liệu: for analysts, per district, how many cooperatives of the year in force reported each
field, the blank cells, and the year-on-year warnings of the version in force. Counting and checking are
`kpi.stats.quality` and `kpi.stats.year_checks`, cached by `ui.safeguards`; this page lays out what comes back.
"""

from __future__ import annotations

import streamlit as st

from kpi.common.formatting import format_number
from kpi.common.i18n import t
from ui import components, safeguards, state
from ui.data_admin import show_table

K = "quality_"  # widget keys of this page

# dashboard.py draws the sidebar, the page style and the sample-data notice around every page.
lang = state.lang()
year = components.chosen_year(lang)

quality = safeguards.get_quality(year, lang)
quality_table, warnings_table = safeguards.get_quality_tables(year, lang)

st.title(t("quality.title", lang, year=year))
st.caption(t("quality.caption", lang))
components.static_table(quality_table)

prev = year - 1
if not quality.compared:
    st.caption(t("quality.not_compared", lang, prev=prev))
elif not quality.warning_count:
    st.caption(t("quality.no_warning", lang, prev=prev))
else:
    count = format_number(quality.warning_count, 0, lang)
    st.subheader(t("quality.warnings", lang, prev=prev, count=count))
    show_table(warnings_table, K + "warnings")
