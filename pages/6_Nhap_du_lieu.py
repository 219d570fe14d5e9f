"""Nhập dữ liệu: the template, the upload with its check report, the preview of what an import changes, the
confirmation, and the history of versions with rollback. Checking and comparing are `kpi.stats.preview`, storing
is `kpi.store.versions`; this page reads widgets and lays out what comes back.

Two kinds of workbook are uploaded here: the cooperative statistics (this file) and the task progress
reports (`ui.tasks_admin`, the same steps), chosen at the top of the page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi.common.access import Permission
from kpi.common.formatting import format_number
from kpi.common.i18n import t
from kpi.common.safe_text import escape_markdown
from kpi.common.settings import load_settings
from kpi.stats.preview import (
    changed_table,
    changes_table,
    keys_table,
    preview_import,
    readable_kpis,
    store_mix,
)
from kpi.store.versions import StoreError
from kpi.store.versions import text as store_text
from kpi.workbook.contract import COOP
from kpi.workbook.stats_kind import STATS_KIND
from kpi.workbook.validate import EARLIEST_YEAR
from ui import auth, components, data, safeguards, state, tasks_admin
from ui.data_admin import (
    after_write,
    confirm_form,
    confirm_import,
    history_and_rollback,
    in_force,
    replaces_note,
    restore_sample,
    sample_to_remove,
    show_table,
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


def _table(frame: pd.DataFrame, key: str) -> None:
    show_table(frame, K + key)


def _flash(kind: str, text: str) -> None:
    st.session_state[K + "flash"] = (kind, text)


def _import_confirmed(upload_key: str, year: int) -> None:
    """Store the checked upload (a callback, so that it runs before the sidebar is drawn again and the
    imported year can become the year every page shows)."""

    outcome = confirm_import(K, upload_key, STATS, year, t("imports.saving", lang, year=year), lang)
    if outcome is None:
        return
    _flash("imported", outcome.message(lang))
    st.session_state[K + "flash_year"] = outcome.year
    st.session_state[state.YEAR] = outcome.year  # every page now opens on the year just imported


# --- a message left by the previous run (after an import, a rollback, a removal) ---------------------------

if K + "flash" in st.session_state:
    kind, text = st.session_state.pop(K + "flash")
    text = escape_markdown(text)  # the store's message names the file and the user's words
    if kind == "imported":
        year = st.session_state.get(K + "flash_year")
        st.success(text, icon=":material/check_circle:")
        st.caption(t("imports.done_hint", lang))
        if (Path(__file__).parent.parent / OVERVIEW).exists():
            # A page run on its own (as in the tests) has no navigation to link into.
            with contextlib.suppress(StreamlitAPIException):
                st.page_link(
                    OVERVIEW, label=t("imports.done_link", lang, year=year), icon=":material/dashboard:"
                )
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

# --- 3. preview and confirm --------------------------------------------------------------------------------

if (checked is None or not checked.check.ok) and auth.allowed(Permission.IMPORT):
    st.subheader(t("imports.step3", lang))
    st.caption(t("imports.step3_waiting", lang))

ready = checked is not None and checked.check.ok and checked.preview is not None
if ready and checked.preview.mixes_with_real:
    st.subheader(t("imports.step3", lang))
    unit = escape_markdown(checked.check.clean.info.get("reporting_unit") or "")
    st.error(t("imports.sample_over_real", lang, unit=unit), icon=":material/block:")
elif ready:
    preview = checked.preview
    clean = checked.check.clean
    st.subheader(t("imports.step3", lang))
    safeguards.year_warnings(K, preview, lang)  # first: the changes from last year worth a second look
    if preview.is_sample:
        unit = escape_markdown(clean.info.get("reporting_unit") or "")
        st.info(t("imports.sample_workbook", lang, unit=unit), icon=":material/science:")
    chosen_year = st.number_input(
        t("imports.year", lang),
        min_value=EARLIEST_YEAR,
        max_value=dt.date.today().year + 1,
        value=clean.year,
        step=1,
        format="%d",
        help=t("imports.year_help", lang),
        key=f"{K}year_{checked.key[0][:12]}",
    )
    if chosen_year != clean.year:
        st.warning(
            t("imports.year_differs", lang, chosen=chosen_year, year=clean.year), icon=":material/warning:"
        )

    replaces_note(preview, lang)

    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("imports.metric.added", lang), format_number(len(preview.added), 0, lang))
    m2.metric(t("imports.metric.removed", lang), format_number(len(preview.removed), 0, lang))
    m3.metric(t("imports.metric.changed", lang), format_number(len(preview.changed), 0, lang))
    m4.metric(t("imports.metric.unchanged", lang), format_number(preview.unchanged, 0, lang))
    if len(preview.added) and not preview.is_new_year:
        with st.expander(t("imports.list.added", lang, count=format_number(len(preview.added), 0, lang))):
            _table(keys_table(preview.added, lang), "added")
    if len(preview.removed):
        with st.expander(
            t("imports.list.removed", lang, count=format_number(len(preview.removed), 0, lang)), expanded=True
        ):
            _table(keys_table(preview.removed, lang), "removed")
    if len(preview.changed):
        with st.expander(t("imports.list.changed", lang, count=format_number(len(preview.changed), 0, lang))):
            _table(changed_table(preview, lang), "changed")
    cells = changes_table(preview, lang)
    if len(cells) and not preview.is_new_year:  # a new year: every cell is new, nothing to compare
        with st.expander(t("imports.list.cells", lang, count=format_number(len(cells), 0, lang))):
            _table(cells, "cells")

    st.markdown(f"**{t('imports.kpis', lang, year=preview.year)}**", help=t("imports.kpis_help", lang))
    kpis = readable_kpis(preview, lang)
    _table(kpis, "kpis")

    confirm_form(
        K,
        t("imports.confirm", lang, year=chosen_year),
        _import_confirmed,
        (upload_key, int(chosen_year)),
        lang,
        **sample_to_remove(store, preview),  # every kind's (the preview compares the statistics only)
    )

# --- 4. data in force, history, rollback, sample data ------------------------------------------------------

st.subheader(t("imports.step4", lang))
in_force(K, data.get_sources(), lang)

history, done = history_and_rollback(K, store, STATS, lang, counted=COOP.id)
if done:
    after_write()
    _flash("rollback", done)
    st.rerun()


def _confirmed(form: str, ok_key: str, confirm: str, button: str, icon: str) -> bool:
    """Lay out a form with a confirmation box and a button; return True when the button was pressed with the
    box ticked (pressed without it: say so and return False)."""
    with st.form(K + form):
        ok = st.checkbox(confirm, key=K + ok_key)
        go = st.form_submit_button(button, icon=icon)
    if go and not ok:
        st.error(t("imports.need_confirm", lang))
    return go and ok


mix = store_mix(store)
if mix.sample and not state.present() and auth.allowed(Permission.SAMPLE):
    with st.expander(t("imports.sample_section", lang), icon=":material/science:"):
        st.markdown(t("imports.sample_section_text", lang, years=", ".join(str(y) for y in mix.sample_years)))
        delete = t("imports.sample_delete", lang)
        if _confirmed(
            "sample", "sd_ok", t("imports.sample_delete_confirm", lang), delete, ":material/delete:"
        ):
            who = auth.identity()
            removed = store.delete_sample(who.name, identity=who)
            after_write()
            _flash("sample", store_text("sample_removed", lang, count=len(removed)))
            st.rerun()
elif not mix.sample and not history.empty and not state.present() and auth.allowed(Permission.SAMPLE):
    # After the sample was removed (by the first real import or by hand): a way to put it back, never over
    # real data (the store refuses it too).
    with st.expander(t("imports.sample_restore_section", lang), icon=":material/science:"):
        st.markdown(t("imports.sample_restore_text", lang))
        real_years = sorted(set(store.years()) | set(store.years(TASKS)))
        restore = t("imports.sample_restore", lang)
        if real_years:
            st.info(
                t("imports.sample_restore_blocked", lang, years=", ".join(map(str, real_years))),
                icon=":material/info:",
            )
        elif _confirmed(
            "sample_restore",
            "sr_ok",
            t("imports.sample_restore_confirm", lang),
            restore,
            ":material/restore:",
        ):
            who = auth.identity()
            try:
                restored = restore_sample(store, who.name, who)
            except StoreError as exc:
                st.error(escape_markdown(exc.problem.message(lang)), icon=":material/block:")
            else:
                after_write()
                _flash("sample", store_text("sample_restored", lang, count=len(restored)))
                st.rerun()
