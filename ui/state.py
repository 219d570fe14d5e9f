"""What the reader has chosen: language, reporting year, district, presentation mode.

Choices live in `st.session_state` under plain keys (LANG, YEAR, DISTRICT, PRESENT), so they survive page
switches: the sidebar widgets of dashboard.py write them on every run, and the district filter, shown only by
the pages that apply it, copies its widget value into a key of its own (a widget's key is dropped when a page
without it runs). A page run on its own (as AppTest does) gets the defaults: Vietnamese, the latest year,
the whole province. `?present=1` in the address opens presentation mode.
"""

from __future__ import annotations

import streamlit as st

from kpi.i18n import DEFAULT_LANG, t

LANG, YEAR, DISTRICT, PRESENT = "lang", "year", "district", "present"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
_TRUE = {"1", "true", "yes", "on", "co", "có"}
_DISTRICT_WIDGET = "_district_widget"
_WHOLE_PROVINCE = ""  # the filter's option for "no district" (a None option would read as "nothing chosen")


def lang() -> str:
    """Return the language chosen ("vi" by default)."""
    value = st.session_state.get(LANG, DEFAULT_LANG)
    return value if value in LANGUAGES else DEFAULT_LANG


def year(years: list[int]) -> int | None:
    """Return the reporting year chosen, or the latest of `years` (None when there is no data)."""
    chosen = st.session_state.get(YEAR)
    if chosen in years:
        return chosen
    return years[-1] if years else None


def district() -> str | None:
    """Return the district chosen in the filter (None: the whole province)."""
    return st.session_state.get(DISTRICT)


def present() -> bool:
    """Return True in presentation mode (toggle, or `?present=1` on arrival)."""
    if PRESENT not in st.session_state:
        st.session_state[PRESENT] = str(st.query_params.get(PRESENT, "")).strip().lower() in _TRUE
    return bool(st.session_state[PRESENT])


def sync_address() -> None:
    """Keep `?present=1` in the address while presentation mode is on, so the link can be shared."""
    if present():
        if st.query_params.get(PRESENT) != "1":
            st.query_params[PRESENT] = "1"
    elif PRESENT in st.query_params:
        del st.query_params[PRESENT]


def leave_presentation() -> None:
    """Turn presentation mode off (the button shown on the page while the sidebar is hidden)."""
    st.session_state[PRESENT] = False


def sidebar(years: list[int]) -> None:
    """Draw the sidebar choices shared by every page: year, language, presentation mode."""
    present()  # reads ?present=1 before the toggle is drawn
    current = lang()
    with st.sidebar:
        if years:
            if st.session_state.get(YEAR) not in years:
                st.session_state[YEAR] = years[-1]
            st.selectbox(
                t("sidebar.year", current),
                options=list(reversed(years)),
                key=YEAR,
                help=t("sidebar.year_help", current),
            )
        st.radio(
            t("sidebar.language", current),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key=LANG,
            horizontal=True,
        )
        st.toggle(t("sidebar.present", current), key=PRESENT, help=t("sidebar.present_help", current))


def _keep_district() -> None:
    st.session_state[DISTRICT] = st.session_state[_DISTRICT_WIDGET] or None


def district_filter(districts: list[str]) -> str | None:
    """Draw the district filter in the sidebar (for the pages that apply it); return the district or None."""
    current = lang()
    chosen = st.session_state.get(DISTRICT)
    if chosen not in districts:
        chosen = None
    st.session_state[_DISTRICT_WIDGET] = chosen or _WHOLE_PROVINCE
    st.sidebar.selectbox(
        t("sidebar.district", current),
        options=[_WHOLE_PROVINCE, *districts],
        format_func=lambda d: t("sidebar.all_districts", current) if d == _WHOLE_PROVINCE else d,
        key=_DISTRICT_WIDGET,
        on_change=_keep_district,
    )
    st.session_state[DISTRICT] = chosen
    return chosen


INDICATOR = "indicator"
_INDICATOR_WIDGET = "_indicator_widget"


def _keep_indicator() -> None:
    st.session_state[INDICATOR] = st.session_state[_INDICATOR_WIDGET]


def indicator_choice(options: list[tuple[str, str]], label: str) -> str:
    """Draw the indicator chooser (id, shown name) on the page; the choice is kept across pages."""
    ids = [i for i, _ in options]
    names = dict(options)
    chosen = st.session_state.get(INDICATOR)
    if chosen not in ids:
        chosen = ids[0]
    st.session_state[_INDICATOR_WIDGET] = chosen
    st.selectbox(label, options=ids, format_func=names.get, key=_INDICATOR_WIDGET, on_change=_keep_indicator)
    st.session_state[INDICATOR] = chosen
    return chosen
