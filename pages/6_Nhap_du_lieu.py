"""Nhập dữ liệu: the template, the upload with its check report, the preview of what an import changes, the
confirmation, the history of versions with rollback, and the sample data. Checking and comparing are
`kpi.stats.preview`, storing is `kpi.store.versions`; this page reads widgets and lays out what comes back.

Two kinds of workbook are uploaded here: the cooperative statistics (this file) and the task progress
reports (`ui.tasks_admin`), chosen at the top of the page. Both go through the same steps of `ui.data_admin`,
which take the kind: the upload and its check, the preview laid out from the kind's `ImportPreview`
(`preview_step`), the confirmation, the versions, the rollback and the sample data of every kind.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi.common.formatting import format_number
from kpi.common.i18n import t
from kpi.common.safe_text import escape_markdown
from kpi.common.settings import load_settings
from kpi.stats.preview import preview_import
from kpi.workbook.contract import COOP
from kpi.workbook.stats_kind import STATS_KIND
from ui import components, data, safeguards, state, tasks_admin
from ui.data_admin import (
    after_write,
    history_and_rollback,
    in_force,
    preview_step,
    sample_section,
    upload_step,
)

K = "imports_"  # session keys and widget keys of this page
OVERVIEW = "pages/1_Tong_quan.py"  # as dashboard.py declares it
STATS, TASKS = "stats", "tasks"  # the two kinds of workbook uploaded here

# dashboard.py draws the sidebar, the page style and the sample-data notice around every page.
lang = state.lang()
store = data.get_store()
settings = load_settings()

st.title(t("imports.title", lang))
kind = st.segmented_control(
    t("imports.kind_label", lang),
    [STATS, TASKS],
    default=STATS,
    required=True,
    format_func=lambda k: t(f"imports.kind.{k}", lang),
    help=t("imports.kind_help", lang),
    key=K + "kind",
)
if kind == TASKS:
    tasks_admin.tasks_import_section(store, settings, lang)
    components.leave_presentation_button()  # st.stop() ends the run before dashboard.py would draw it
    st.stop()
st.caption(t("imports.caption", lang))


def _flash(kind: str, text: str) -> None:
    st.session_state[K + "flash"] = (kind, text)


# --- a message left by the previous run (after an import, a rollback, a removal) ---------------------------

if K + "flash" in st.session_state:
    kind, text = st.session_state.pop(K + "flash")
    text = escape_markdown(text)  # the store's message names the file and the user's words
    if kind == "imported":
        year = st.session_state.get(K + "flash_year")
        st.success(text, icon=":material/check_circle:")
        st.caption(t("imports.done_hint", lang))
        # A page run on its own (as in the tests) has no navigation to link into.
        with contextlib.suppress(StreamlitAPIException):
            st.page_link(OVERVIEW, label=t("imports.done_link", lang, year=year), icon=":material/dashboard:")
    else:
        st.success(text, icon=":material/check_circle:")

# --- 1. the template, 2. upload and check ------------------------------------------------------------------


def _summary(checked) -> str:
    clean = checked.check.clean
    if clean is None:
        return ""
    coops, groups = (format_number(len(rows), 0, lang) for rows in (clean.coops, clean.groups))
    return t("imports.summary_ok", lang, year=clean.year, coops=coops, groups=groups)


upload_key, checked = upload_step(
    K,
    STATS_KIND,
    settings,
    lang,
    state=(data.data_version(), store.has_sample()),
    preview=lambda clean: preview_import(store, clean),
    summary=_summary,
    more_templates=lambda: safeguards.prefilled_template(K, store, lang),
    reference=store.reference,
)

# --- 3. preview and confirm (written once for every kind: ui.data_admin.preview_step) ---------------------


def _imported(outcome) -> None:
    """Say what was stored; every page now opens on the year just imported (in the confirm form's callback, so
    that it runs before the sidebar is drawn again)."""
    _flash("imported", outcome.message(lang))
    st.session_state[K + "flash_year"] = outcome.year
    st.session_state[state.YEAR] = outcome.year


preview_step(K, STATS, checked, upload_key, lang, on_imported=_imported, asks_year=True)

# --- 4. data in force, history, rollback, sample data ------------------------------------------------------

st.subheader(t("imports.step4", lang))
in_force(K, data.get_sources(), lang)

_, done = history_and_rollback(K, store, STATS, lang, counted=COOP.id)
if done:
    after_write()
    _flash("rollback", done)
    st.rerun()

done = sample_section(K, store, lang)  # the sample data of every kind
if done:
    _flash("sample", done)
    st.rerun()
