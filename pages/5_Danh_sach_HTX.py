"""Danh sách HTX: the year's cooperatives, searchable and filterable, one cooperative across the years, and
the filtered list as an Excel file. Filtering and history are `kpi.coops`; this page reads widgets and lays
out what comes back.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.coops import (
    BLANK,
    SCREEN_NUMBER_FORMAT,
    SCREEN_ORDER,
    CoopFilters,
    choice_options,
    column_headers,
    coop_history,
    describe_filters,
    filter_coops,
    history_table,
    identity_line,
    list_workbook_bytes,
    rating_path,
    screen_table,
)
from kpi.formatting import format_date, format_number
from kpi.i18n import t
from kpi.schema import COOP, NUMERIC_KINDS, RATINGS, SECTORS, STATUSES, Kind
from kpi.service import default_reference
from ui import components, data, state
from ui.data_admin import year_coops, years_per_code

MAX_TABLE_ROWS = 5_000  # rows sent to the browser; the download always holds every row of the filter
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
    words = {"all": t("coops.filter.any", lang), "yes": t(yes_key, lang), "no": t(no_key, lang)}
    chosen = st.selectbox(
        t(f"coops.filter.{name}", lang), list(words), format_func=words.get, key=f"{K}f_{name}"
    )
    return {"all": None, "yes": True, "no": False}[chosen]


text = st.text_input(
    t("coops.search", lang),
    placeholder=t("coops.search_placeholder", lang),
    help=t("coops.search_help", lang),
    key=f"{K}f_text",
)
# A district chosen on another page's sidebar filter is where the list starts.
if f"{K}f_districts" not in st.session_state and state.district() in set(coops["district"]):
    st.session_state[f"{K}f_districts"] = [state.district()]
active = sum(
    1
    for k, v in st.session_state.items()
    if str(k).startswith(K + "f_") and k != K + "f_text" and v not in (None, [], "all")
)
filters_label = t("coops.filters_active", lang, count=active) if active else t("coops.filters", lang)
# Closed at first so that the table shows above the fold on a laptop; the label says when filters apply.
with st.expander(filters_label, expanded=bool(active), icon=":material/filter_alt:"):
    c1, c2, c3, c4 = st.columns(4)
    district_options = choice_options(coops, "district", default_reference().district_names())
    districts = c1.multiselect(
        t("coops.filter.district", lang),
        district_options,
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        select_all=False,  # nothing chosen already means all; Streamlit's "Select all" is English only
        key=f"{K}f_districts",
    )
    in_districts = coops[coops["district"].isin(districts)] if districts else coops
    communes = c2.multiselect(
        t("coops.filter.commune", lang),
        choice_options(in_districts, "commune"),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        select_all=False,  # nothing chosen already means all; Streamlit's "Select all" is English only
        key=f"{K}f_communes",
    )
    sectors = c3.multiselect(
        t("coops.filter.sector", lang),
        choice_options(coops, "sector", SECTORS),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        select_all=False,  # nothing chosen already means all; Streamlit's "Select all" is English only
        key=f"{K}f_sectors",
    )
    statuses = c4.multiselect(
        t("coops.filter.status", lang),
        choice_options(coops, "status", STATUSES),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        select_all=False,  # nothing chosen already means all; Streamlit's "Select all" is English only
        key=f"{K}f_statuses",
    )
    c1, c2, c3, c4 = st.columns(4)
    ratings = c1.multiselect(
        t("coops.filter.rating", lang),
        choice_options(coops, "rating", RATINGS),
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        select_all=False,  # nothing chosen already means all; Streamlit's "Select all" is English only
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
    table = screen_table(shown.head(MAX_TABLE_ROWS), lang)
    headers = column_headers(lang)
    # Whole numbers in Vietnamese format (27.379) that still sort as numbers; years without a separator.
    numbers = {
        headers[c.id]: st.column_config.NumberColumn(format=SCREEN_NUMBER_FORMAT)
        for c in COOP.columns
        if c.kind in NUMERIC_KINDS and c.kind != Kind.YEAR
    }
    st.dataframe(
        table,
        hide_index=True,
        height=min(38 + 35 * len(table), 520),
        column_order=[headers[c] for c in SCREEN_ORDER],
        column_config={
            **numbers,
            headers["founded_year"]: st.column_config.NumberColumn(format="%d"),
            headers["name"]: st.column_config.Column(pinned=True, width=300),
        },
        key=f"{K}table",
    )
    st.caption(t("coops.rounded", lang))

# --- one cooperative across the years --------------------------------------------------------------------

st.subheader(t("coops.history.title", lang))
if shown.empty:
    st.caption(t("coops.history.none", lang))
else:
    choices = shown.head(MAX_HISTORY_CHOICES)
    # Open on the first cooperative with the longest history, so the section shows a path, not one year.
    spans = years_per_code().reindex(choices["code"].astype("str").str.strip()).fillna(0).to_numpy()
    first = int(spans.argmax()) if len(spans) else 0
    labels = {
        str(code): f"{name} · {code} ({district})"
        for code, name, district in zip(choices["code"], choices["name"], choices["district"], strict=True)
    }
    code = st.selectbox(
        t("coops.history.pick", lang),
        list(labels),
        format_func=labels.get,
        help=t("coops.history.pick_help", lang),
        index=first,
        key=f"{K}history_code",
    )
    if len(shown) > MAX_HISTORY_CHOICES:
        st.caption(t("coops.history.pick_capped", lang, shown=format_number(MAX_HISTORY_CHOICES, 0, lang)))
    history = coop_history(data.get_dataset(), code)
    st.markdown(f"**{history['name'].iloc[-1]}** · {identity_line(history, lang)}")
    path = " → ".join(f"{y}: {r}" for y, r in rating_path(history))
    st.markdown(t("coops.history.rating_path", lang, path=path))
    absent = [y for y in years if y not in set(history["year"])]
    if absent:
        st.caption(t("coops.history.absent", lang, years=", ".join(str(y) for y in absent)))
    table = history_table(history, lang)
    st.dataframe(
        table,
        hide_index=True,
        height=38 + 35 * len(table),
        column_config={t("coops.history.field", lang): st.column_config.Column(width=210, pinned=True)},
        key=f"{K}history_table",
    )
