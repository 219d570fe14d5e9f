"""What the reader has chosen: language, reporting year, district, presentation mode.

Choices live in `st.session_state` under plain keys (LANG, YEAR, DISTRICT, PRESENT), so they survive page
switches: the sidebar widgets of dashboard.py write them on every run, and the district filter, shown only by
the pages that apply it, copies its widget value into a key of its own (a widget's key is dropped when a page
without it runs). A page run on its own (as AppTest does) gets the defaults: Vietnamese, the latest year,
the whole province. The address carries the same choices (`?lang=en&year=2023&indicator=members&district=...`,
`present=1`): read once per session, written on every run, so a reload or a shared link opens the same view.
"""

from __future__ import annotations

import streamlit as st

from kpi.common.i18n import DEFAULT_LANG, LANGS, t

LANG, YEAR, DISTRICT, PRESENT = "lang", "year", "district", "present"
LANGUAGES = {code: t("language.name", code) for code in LANGS}  # each language named in itself
_TRUE = {"1", "true", "yes", "on", "co", "có"}
_DISTRICT_WIDGET = "_district_widget"
_WHOLE_PROVINCE = ""  # the filter's option for "no district" (a None option would read as "nothing chosen")
INDICATOR = "indicator"
ADDRESS_KEYS = (LANG, YEAR, INDICATOR, DISTRICT)  # the view's query parameters, besides `present`
_ADDRESS_READ = "_address_read"
_MAX_PARAM = 100  # characters of a query parameter looked at; longer values cannot be a valid choice


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


def read_address() -> None:
    """Take the reader's choices from the address once per session (a shared link such as
    `/?lang=en&year=2023&indicator=members&district=Cư Jút` opens that view).

    Values are only stored here; each is checked where it is used (an unknown year falls back to the latest,
    an unknown indicator to the first, an unknown district to the whole province) and never shown as given.
    """
    if st.session_state.get(_ADDRESS_READ):
        return
    st.session_state[_ADDRESS_READ] = True
    params = {key: str(st.query_params.get(key, "")).strip()[:_MAX_PARAM] for key in ADDRESS_KEYS}
    if params[LANG] in LANGUAGES:
        st.session_state[LANG] = params[LANG]
    if params[YEAR].isdigit():
        st.session_state[YEAR] = int(params[YEAR])
    if params[INDICATOR]:
        st.session_state[INDICATOR] = params[INDICATOR]
    if params[DISTRICT]:
        st.session_state[DISTRICT] = params[DISTRICT]
    slide_param = str(st.query_params.get(SLIDE, "")).strip()
    if slide_param.isdigit() and len(slide_param) < 4:
        st.session_state[SLIDE] = int(slide_param) - 1  # the address counts slides from 1


def sync_address() -> None:
    """Write the reader's choices into the address (language, year, indicator, district, `present=1`), so a
    reload keeps the view and the link can be shared; a choice not made (no district) leaves the address."""
    wanted = {
        LANG: lang(),
        YEAR: st.session_state.get(YEAR),
        INDICATOR: st.session_state.get(INDICATOR),
        DISTRICT: st.session_state.get(DISTRICT),
        PRESENT: "1" if present() else None,
        SLIDE: st.session_state.get(SLIDE, 0) + 1 if present() else None,
    }
    for key, value in wanted.items():
        if value is None or value == "":
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)


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


SLIDE = "slide"
_PRESENT_YEAR_WIDGET = "_present_year_widget"


def slide(count: int) -> int:
    """Return the slide shown in presentation mode (0 = the first screen), kept within 0..count-1."""
    shown = st.session_state.get(SLIDE, 0)
    shown = shown if isinstance(shown, int) and 0 <= shown < count else 0
    st.session_state[SLIDE] = shown
    return shown


def _step_slide(step: int, count: int) -> None:
    st.session_state[SLIDE] = min(max(st.session_state.get(SLIDE, 0) + step, 0), count - 1)


def slide_buttons(count: int) -> None:
    """Draw the previous and next buttons of presentation mode (disabled at either end)."""
    current, language = slide(count), lang()
    st.button(
        t("present.previous", language),
        on_click=_step_slide,
        args=(-1, count),
        disabled=current == 0,
        icon=":material/chevron_left:",
        key="slide-previous",
    )
    st.button(
        t("present.next", language),
        on_click=_step_slide,
        args=(1, count),
        disabled=current == count - 1,
        icon=":material/chevron_right:",
        key="slide-next",
    )


def _keep_present_year() -> None:
    st.session_state[YEAR] = st.session_state[_PRESENT_YEAR_WIDGET]


def present_year_choice(years: list[int]) -> None:
    """Draw the reporting year chooser of presentation mode (the sidebar's is hidden); it sets the same year."""
    current = year(years)
    st.session_state[_PRESENT_YEAR_WIDGET] = current
    st.selectbox(
        t("sidebar.year", lang()),
        options=list(reversed(years)),
        key=_PRESENT_YEAR_WIDGET,
        on_change=_keep_present_year,
        label_visibility="collapsed",
    )
