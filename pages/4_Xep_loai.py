"""Xếp loại: shares of the rating classes by year against the plan's targets, and by district and sector."""

from __future__ import annotations

import streamlit as st

from kpi.charts import build_rating_figure
from kpi.i18n import t
from kpi.overview import rating_targets
from kpi.service import default_engine
from ui import components, data, state

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
years = data.get_years()
year = state.year(years)
if year is None:
    components.no_data(lang)
district = state.district_filter(default_engine().districts)
plan = data.get_plan()
targets = rating_targets(plan)

# --- ask the core --------------------------------------------------------------------------------------------
by_year = data.get_rating_counts("year", district=district)
by_district = data.get_rating_counts("district", year)
by_sector = data.get_rating_counts("sector", year, district)

# --- lay it out ------------------------------------------------------------------------------------------------
st.title(t("page.ratings_title", lang, year=year))
st.caption(t("page.ratings_caption", lang))
where = district or t("sidebar.all_districts", lang)
components.chart(
    build_rating_figure(by_year, lang, "year", targets=targets, district=district),
    t("page.ratings_file_years", lang, where=where),
    None,
    lang,
    key="ratings-years",
)
components.chart(
    build_rating_figure(by_district, lang, "district", year, targets),
    t("page.ratings_file_districts", lang),
    year,
    lang,
    key="ratings-districts",
)
components.chart(
    build_rating_figure(by_sector, lang, "sector", year, targets, district),
    t("page.ratings_file_sectors", lang, where=where),
    year,
    lang,
    key="ratings-sectors",
)
