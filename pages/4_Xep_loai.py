"""Xếp loại: shares of the rating classes by year against the plan's targets, and by district and sector."""

from __future__ import annotations

import streamlit as st

from kpi.common.i18n import t
from kpi.stats.report import default_engine
from kpi.stats.scorecard import population_sentence
from ui import components, data, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
year = components.chosen_year(lang)
district = state.district_filter(default_engine().districts)

# --- ask the core (charts built by kpi.stats.charts, cached per data version) ------------------------------------
by_year = data.get_figure("rating_years", year, lang, district)
by_district = data.get_figure("rating_districts", year, lang)
by_sector = data.get_figure("rating_sectors", year, lang, district)

# --- lay it out ------------------------------------------------------------------------------------------------
st.title(t("page.ratings_title", lang, year=year))
st.caption(t("page.ratings_caption", lang))
where = district or t("sidebar.all_districts", lang)
counts = data.get_population_counts(year, district)
components.note(f"{where}: {population_sentence(counts, data.get_plan(), year, lang)}")
# The file of each chart: its name, and the year it is stamped with (None: the chart spans the years).
for figure, name, stamp in (
    (by_year, "years", None),
    (by_district, "districts", year),
    (by_sector, "sectors", year),
):
    components.chart(
        figure, t(f"page.ratings_file_{name}", lang, where=where), stamp, lang, key=f"ratings-{name}"
    )
