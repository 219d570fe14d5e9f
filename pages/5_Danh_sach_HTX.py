"""Danh sách HTX: the year's cooperatives, searchable and filterable, one cooperative across the years, and
the filtered list as an Excel file. Filtering and history are `kpi.stats.coops`, cached between runs by
`ui.coops_data`; this page reads widgets and lays out what comes back.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.common.formatting import format_date, format_number
from kpi.common.i18n import t
from kpi.common.safe_text import escape_markdown
from kpi.stats.coops import (
    BLANK,
    SCREEN_NUMBER_FORMAT,
    SCREEN_ORDER,
    CoopFilters,
    column_headers,
    describe_filters,
    list_workbook_bytes,
)
from kpi.stats.scorecard import population_sentence
from kpi.workbook.contract import COOP, NUMERIC_KINDS, Kind
from ui import components, coops_data, data, state

MAX_TABLE_ROWS = 5_000  # rows sent to the browser; the download always holds every row of the filter
MAX_HISTORY_CHOICES = 2_000  # cooperatives offered in the history picker

# dashboard.py draws the sidebar, the page style and the sample-data notice around every page.
lang = state.lang()

years = data.get_years()
year = components.chosen_year(lang)

st.title(t("coops.title", lang))
st.caption(t("coops.caption", lang, year=year))
is_sample = data.is_sample_data()

year_list = coops_data.get_year_list(year)
coops = year_list.coops
options = year_list.options
if coops.empty:
    components.no_data(lang, year)

# --- search and filters ---------------------------------------------------------------------------------

K = "coops_"  # widget keys of this page


def _clear_filters() -> None:
    for key in [k for k in st.session_state if str(k).startswith(K + "f_")]:
        del st.session_state[key]


def _label(value: str) -> str:
    return t("coops.filter.blank", lang) if value == BLANK else value


def _any_of(column, name: str, choices: list[str], key: str) -> list[str]:
    """Return the values chosen in the filter `name` (none chosen: all), a multiselect in `column`."""
    return column.multiselect(
        t(f"coops.filter.{name}", lang),
        choices,
        format_func=_label,
        placeholder=t("coops.filter.all", lang),
        select_all=False,  # nothing chosen already means all; Streamlit's "Select all" is English only
        key=f"{K}f_{key}",
    )


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
if f"{K}f_districts" not in st.session_state and state.district() in options["district"]:
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
    districts = _any_of(c1, "district", options["district"], "districts")
    communes = _any_of(c2, "commune", coops_data.commune_options(year_list, districts), "communes")
    sectors = _any_of(c3, "sector", options["sector"], "sectors")
    statuses = _any_of(c4, "status", options["status"], "statuses")
    c1, c2, c3, c4 = st.columns(4)
    ratings = _any_of(c1, "rating", options["rating"], "ratings")
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
listing = coops_data.get_listing(year_list, filters, lang, MAX_TABLE_ROWS, MAX_HISTORY_CHOICES)

# --- the table ------------------------------------------------------------------------------------------

left, right = st.columns([3, 1], vertical_alignment="bottom")
with left:
    st.markdown(
        t(
            "coops.count",
            lang,
            shown=format_number(listing.count, 0, lang),
            total=format_number(len(coops), 0, lang),
        )
    )
    components.note(
        population_sentence(data.get_population_counts(year, alone=True), data.get_plan(), year, lang)
    )
    if listing.count:
        st.caption(
            t(
                "coops.totals",
                lang,
                members=format_number(listing.totals["members"], 0, lang),
                workers=format_number(listing.totals["workers"], 0, lang),
                revenue=format_number(listing.totals["revenue"], 0, lang),
            )
        )
with right:
    if listing.count and not state.present():
        title = [
            t("coops.export.title", lang, year=year),
            t("coops.export.filters", lang, filters=describe_filters(filters, lang)),
            t(
                "coops.export.count",
                lang,
                count=format_number(listing.count, 0, lang),
                date=format_date(dt.date.today(), lang),
            ),
        ]
        if is_sample:
            title.insert(0, t("coops.export.sample", lang))
        st.download_button(
            t("coops.download", lang),
            data=lambda: list_workbook_bytes(listing.shown(), title, lang),
            file_name=t("coops.export.file", lang, year=year),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            icon=":material/download:",
            help=t("coops.download_help", lang),
            key=f"{K}download",
            width="stretch",
        )

if not listing.count:
    st.info(t("coops.none", lang))
else:
    if listing.count > MAX_TABLE_ROWS:
        st.caption(
            t(
                "coops.capped",
                lang,
                shown=format_number(MAX_TABLE_ROWS, 0, lang),
                total=format_number(listing.count, 0, lang),
            )
        )
    table = listing.table
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
if not listing.count:
    st.caption(t("coops.history.none", lang))
else:
    # Opens on the first cooperative with the longest history, so the section shows a path, not one year.
    labels = listing.history_labels
    code = st.selectbox(
        t("coops.history.pick", lang),
        list(labels),
        format_func=labels.get,
        help=t("coops.history.pick_help", lang),
        index=listing.history_first,
        key=f"{K}history_code",
    )
    if listing.count > MAX_HISTORY_CHOICES:
        st.caption(t("coops.history.pick_capped", lang, shown=format_number(MAX_HISTORY_CHOICES, 0, lang)))
    history = coops_data.get_history(year_list, code, lang)
    st.markdown(f"**{escape_markdown(history.name)}** · {escape_markdown(history.identity)}")
    path = " → ".join(f"{y}: {escape_markdown(r)}" for y, r in history.rating_path)
    st.markdown(t("coops.history.rating_path", lang, path=path))
    absent = [y for y in years if y not in set(history.years)]
    if absent:
        st.caption(t("coops.history.absent", lang, years=", ".join(str(y) for y in absent)))
    table = history.table
    st.dataframe(
        table,
        hide_index=True,
        height=38 + 35 * len(table),
        column_config={t("coops.history.field", lang): st.column_config.Column(width=210, pinned=True)},
        key=f"{K}history_table",
    )
