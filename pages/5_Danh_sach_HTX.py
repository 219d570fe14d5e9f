"""Danh sách HTX: the year's cooperatives, searchable and filterable, one cooperative across the years, and
the filtered list as an Excel file. Filtering and history are `kpi.coops`; this page reads widgets and lays
out what comes back.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi.coops import (
    BLANK,
    CoopFilters,
    choice_options,
    coop_history,
    describe_filters,
    filter_coops,
    history_table,
    list_workbook_bytes,
    number_decimals,
    rating_path,
    readable_table,
)
from kpi.formatting import format_date, format_number
from kpi.i18n import t
from kpi.schema import COOP, RATINGS, SECTORS, STATUSES
from kpi.service import default_reference
from ui import components, data, state
from ui.data_admin import year_coops

MAX_TABLE_ROWS = 1_000  # rows drawn on screen; the download always holds every row of the filter
MAX_HISTORY_CHOICES = 2_000  # cooperatives offered in the history picker

# dashboard.py draws the sidebar, the page style and the sample-data notice around every page.
lang = state.lang()

years = data.get_years()
year = state.year(years)
if year is None:
    components.no_data(lang)

st.title(t("coops.title", lang))
st.caption(t("coops.caption", lang, year=year))
is_sample = data.is_sample_data()

coops = year_coops(year)
if coops.empty:
    components.no_data(lang, year)

# --- search and filters ---------------------------------------------------------------------------------

K = "coops_"  # widget keys of this page


def _clear_filters() -> None:
    for key in [k for k in st.session_state if str(k).startswith(K + "f_")]:
        del st.session_state[key]


def _label(value: str) -> str:
    return t("coops.filter.blank", lang) if value == BLANK else value


def _yes_no(name: str, yes_key: str = "coops.yes", no_key: str = "coops.no") -> bool | None:
    options = [None, True, False]
    words = {None: t("coops.filter.any", lang), True: t(yes_key, lang), False: t(no_key, lang)}
    return st.selectbox(t(f"coops.filter.{name}", lang), options, format_func=words.get, key=f"{K}f_{name}")


text = st.text_input(
    t("coops.search", lang),
    placeholder=t("coops.search_placeholder", lang),
    help=t("coops.search_help", lang),
    key=f"{K}f_text",
)
with st.expander(t("coops.filters", lang), expanded=True, icon=":material/filter_alt:"):
    c1, c2, c3, c4 = st.columns(4)
    sidebar_district = state.district()
    district_options = choice_options(coops, "district", default_reference().district_names())
    if f"{K}f_districts" not in st.session_state and sidebar_district in district_options:
        st.session_state[f"{K}f_districts"] = [sidebar_district]
    districts = c1.multiselect(
        t("coops.filter.district", lang),
        district_options,
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        key=f"{K}f_districts",
    )
    in_districts = coops[coops["district"].isin(districts)] if districts else coops
    communes = c2.multiselect(
        t("coops.filter.commune", lang),
        choice_options(in_districts, "commune"),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        key=f"{K}f_communes",
    )
    sectors = c3.multiselect(
        t("coops.filter.sector", lang),
        choice_options(coops, "sector", SECTORS),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        key=f"{K}f_sectors",
    )
    statuses = c4.multiselect(
        t("coops.filter.status", lang),
        choice_options(coops, "status", STATUSES),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        key=f"{K}f_statuses",
    )
    c1, c2, c3, c4 = st.columns(4)
    ratings = c1.multiselect(
        t("coops.filter.rating", lang),
        choice_options(coops, "rating", RATINGS),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        key=f"{K}f_ratings",
    )
    with c2:
        ocop = _yes_no("ocop", "coops.filter.ocop_yes", "coops.filter.ocop_no")
    with c3:
        value_chain = _yes_no("value_chain")
    with c4:
        model = _yes_no("model")
    st.button(t("coops.filter.reset", lang), on_click=_clear_filters, icon=":material/filter_alt_off:")

filters = CoopFilters(
    text=text,
    districts=tuple(districts),
    communes=tuple(communes),
    sectors=tuple(sectors),
    statuses=tuple(statuses),
    ratings=tuple(ratings),
    ocop=ocop,
    value_chain=value_chain,
    model=model,
)
shown = filter_coops(coops, filters)

# --- the table ------------------------------------------------------------------------------------------

left, right = st.columns([3, 1], vertical_alignment="bottom")
with left:
    st.markdown(
        t(
            "coops.count",
            lang,
            shown=format_number(len(shown), 0, lang),
            total=format_number(len(coops), 0, lang),
        )
    )
    if len(shown):
        st.caption(
            t(
                "coops.totals",
                lang,
                members=format_number(shown["members"].sum(), 0, lang),
                workers=format_number(shown["workers"].sum(), 0, lang),
                revenue=format_number(shown["revenue"].sum(), 0, lang),
            )
        )
with right:
    if len(shown) and not state.present():
        title = [
            t("coops.export.title", lang, year=year),
            t("coops.export.filters", lang, filters=describe_filters(filters, lang)),
            t(
                "coops.export.count",
                lang,
                count=format_number(len(shown), 0, lang),
                date=format_date(dt.date.today(), lang),
            ),
        ]
        if is_sample:
            title.insert(0, t("coops.export.sample", lang))
        st.download_button(
            t("coops.download", lang),
            data=lambda: list_workbook_bytes(shown, title, lang),
            file_name=t("coops.export.file", lang, year=year),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            icon=":material/download:",
            help=t("coops.download_help", lang),
            key=f"{K}download",
            width="stretch",
        )

if shown.empty:
    st.info(t("coops.none", lang))
else:
    if len(shown) > MAX_TABLE_ROWS:
        st.caption(
            t(
                "coops.capped",
                lang,
                shown=format_number(MAX_TABLE_ROWS, 0, lang),
                total=format_number(len(shown), 0, lang),
            )
        )
    drawn = shown.head(MAX_TABLE_ROWS)
    table = readable_table(drawn, lang)
    headers = {c.id: (c.header if lang == "vi" else c.header_en) for c in COOP.columns}
    formats = {
        headers[col]: (lambda v, d=d: format_number(v, d, lang) if pd.notna(v) else "")
        for col, d in number_decimals(drawn).items()
        if col != "founded_year"
    }
    formats[headers["founded_year"]] = lambda v: str(int(v)) if pd.notna(v) else ""
    # The Styler shows numbers in Vietnamese format while the grid still sorts them as numbers.
    styled = table.style.format(formats, na_rep="")
    st.dataframe(
        styled,
        hide_index=True,
        height=min(38 + 35 * len(table), 520),
        column_config={
            headers["code"]: st.column_config.Column(pinned=True),
            headers["name"]: st.column_config.Column(pinned=True, width="large"),
        },
        key=f"{K}table",
    )

# --- one cooperative across the years --------------------------------------------------------------------

st.subheader(t("coops.history.title", lang))
if shown.empty:
    st.caption(t("coops.history.none", lang))
else:
    choices = shown.head(MAX_HISTORY_CHOICES)
    labels = {
        str(code): f"{name} · {code} ({district})"
        for code, name, district in zip(choices["code"], choices["name"], choices["district"], strict=True)
    }
    code = st.selectbox(
        t("coops.history.pick", lang),
        list(labels),
        format_func=labels.get,
        help=t("coops.history.pick_help", lang),
        key=f"{K}history_code",
    )
    if len(shown) > MAX_HISTORY_CHOICES:
        st.caption(t("coops.history.pick_capped", lang, shown=format_number(MAX_HISTORY_CHOICES, 0, lang)))
    history = coop_history(data.get_dataset(), code)
    path = " → ".join(f"{y}: {r}" for y, r in rating_path(history))
    st.markdown(t("coops.history.rating_path", lang, path=path))
    absent = [y for y in years if y not in set(history["year"])]
    if absent:
        st.caption(t("coops.history.absent", lang, years=", ".join(str(y) for y in absent)))
    st.dataframe(history_table(history, lang), hide_index=True, key=f"{K}history_table")
