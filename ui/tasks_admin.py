"""The task progress reports on page 6 "Nhập dữ liệu": the template, the upload with its check report, a short
preview, the named confirmation, and the history of versions with rollback: the steps of the statistics
workbooks, laid out with the same pieces (`ui.data_admin`).

Checking and previewing are `kpi.tasks.preview`, storing `kpi.store.task_versions`. Page 8 "Nhiệm vụ" caches its
data on the current versions of the progress reports (`ui.tasks_data.task_data_version`), so an import or
a rollback here shows there at once.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi.common.formatting import format_number
from kpi.common.i18n import t
from kpi.common.safe_text import escape_markdown
from kpi.common.settings import Settings
from kpi.stats.preview import history_table
from kpi.store.task_versions import TASKS, import_task_workbook, rollback_tasks, task_history
from kpi.store.versions import Store
from kpi.tasks.preview import check_task_upload, periods_text, preview_task_import, task_status_table
from kpi.workbook.task_contract import REPORT, default_tasks
from kpi.workbook.task_reports import task_template_bytes
from ui import data, state, tasks_data
from ui.data_admin import (
    check_report,
    check_upload_once,
    confirm_form,
    confirm_import,
    local_time,
    rollback_form,
    show_table,
    template_and_upload,
)

K = "imports_tasks_"  # session keys and widget keys of this section
TASKS_PAGE = "pages/8_Nhiem_vu.py"  # as dashboard.py declares it


def _flash(text: str, imported: bool = False) -> None:
    st.session_state[K + "flash"] = (text, imported)


def _import_confirmed(upload_key: str, lang: str) -> None:
    """Store the checked upload (a form callback, so that the page drawn next already shows the result)."""

    def store_it(content: bytes, checked, by: str, note: str, replace_sample: bool, identity):
        return import_task_workbook(
            data.get_store(),
            content,
            checked.file_name,
            by,
            note,
            is_sample=checked.preview.is_sample,
            replace_sample=replace_sample,
            expected_version=checked.preview.store_version,
            identity=identity,
        )

    checked = st.session_state.get(K + "checked")
    year = checked.preview.year if checked is not None and checked.preview is not None else ""
    outcome = confirm_import(K, upload_key, store_it, t("imports.tasks.saving", lang, year=year), lang)
    if outcome is not None:
        _flash(outcome.message(lang), imported=True)


def tasks_import_section(store: Store, settings: Settings, lang: str) -> None:
    """Lay out the four steps for the task progress reports (template, upload and check, preview and
    confirm, versions and history)."""
    tasks = default_tasks()
    version = tasks_data.task_data_version()  # also loads the sample reports into a sample store, as page 8
    st.caption(t("imports.tasks.caption", lang, count=len(tasks)))

    if K + "flash" in st.session_state:
        text, imported = st.session_state.pop(K + "flash")
        st.success(escape_markdown(text), icon=":material/check_circle:")
        if imported and (Path(__file__).parent.parent / TASKS_PAGE).exists():
            with contextlib.suppress(StreamlitAPIException):  # a page run on its own has no navigation
                st.page_link(TASKS_PAGE, label=t("imports.tasks.done_link", lang), icon=":material/task_alt:")

    # --- 1. the template, 2. upload and check ---
    upload_key, upload = template_and_upload(K, task_template_bytes, lang, texts="imports.tasks")
    checked = None
    if upload is not None:
        checked = check_upload_once(
            K,
            upload,
            (version, store.has_sample()),
            lambda content, on_step: check_task_upload(
                content,
                max_file_mb=settings.max_file_mb,
                max_rows=settings.max_rows,
                on_step=on_step,
                tasks=tasks,
            ),
            lambda clean: preview_task_import(store, clean, tasks),
            "imports.tasks.step_preview",
            lang,
        )
        preview = checked.preview
        ok_text = (
            t(
                "imports.tasks.summary_ok",
                lang,
                year=preview.year,
                rows=format_number(preview.rows_after, 0, lang),
                tasks=format_number(preview.tasks_after, 0, lang),
            )
            if preview is not None
            else ""
        )
        check_report(K, checked, ok_text, lang)

    # --- 3. preview and confirm ---
    st.subheader(t("imports.tasks.step3", lang))
    preview = checked.preview if checked is not None and checked.check.ok else None
    if preview is None:
        st.caption(t("imports.step3_waiting", lang))
    elif preview.mixes_with_real:
        st.error(t("imports.tasks.sample_over_real", lang), icon=":material/block:")
    else:
        _preview_and_confirm(preview, tasks, upload_key, lang)

    # --- 4. versions in force, history, rollback ---
    st.subheader(t("imports.tasks.step4", lang))
    _in_force(store, lang)
    st.markdown(f"**{t('imports.history', lang)}**")
    history = task_history(store)
    if history.empty:
        st.caption(t("imports.history_empty", lang))
    else:
        table = history_table(history, lang, counted=REPORT.id, counted_header="imports.tasks.history_rows")
        st.dataframe(table, hide_index=True, key=K + "history", height=min(38 + 35 * len(table), 420))
    years = store.stored_years(TASKS)  # a year rolled back to "no data" included
    if years and not state.present():
        done = rollback_form(
            K,
            years,
            lambda year: store.versions(year, kind=TASKS),
            lambda year, number, by, note, identity: rollback_tasks(
                store, year, number, by, note, identity=identity
            ),
            lang,
            option_key="imports.tasks.rollback_option",
            counted=REPORT.id,
        )
        if done:
            _flash(done)
            st.rerun()


def _preview_and_confirm(preview, tasks, upload_key: str, lang: str) -> None:
    if preview.is_sample:
        st.info(t("imports.tasks.sample_workbook", lang), icon=":material/science:")
    if preview.is_new_year:
        st.info(t("imports.tasks.new_year", lang, year=preview.year))
    else:
        st.info(t("imports.tasks.replaces", lang, year=preview.year, version=preview.current_version))
        if not preview.has_changes:
            st.warning(t("imports.tasks.no_change", lang, year=preview.year))
    st.markdown(t("imports.tasks.periods", lang, periods=periods_text(preview, lang)))
    st.markdown(f"**{t('imports.tasks.statuses', lang, year=preview.year)}**")
    with st.columns([3, 2])[0]:  # two or three short columns read better narrow
        show_table(task_status_table(preview, tasks, lang), K + "statuses")
    confirm_form(
        K,
        t("imports.tasks.confirm", lang, year=preview.year),
        _import_confirmed,
        (upload_key, lang),
        lang,
        sample_years=[y for _, y, _ in preview.sample_to_remove],
        sample_count=len(preview.sample_to_remove),
        texts="imports.tasks",
    )


def _in_force(store: Store, lang: str) -> None:
    """Show the version in force of each year of the progress reports, newest year first."""
    rows = [
        v
        for year in sorted(store.current_versions(TASKS), reverse=True)
        for v in store.versions(year, kind=TASKS)
        if v.current
    ]
    if not rows:
        return
    st.markdown(f"**{t('imports.sources', lang)}**")
    kinds = {True: t("imports.sources.sample", lang), False: t("imports.sources.real", lang)}
    table = pd.DataFrame(
        {
            t("imports.sources.year", lang): [str(v.year) for v in rows],
            t("imports.sources.version", lang): [v.version for v in rows],
            t("imports.sources.kind", lang): [kinds[v.is_sample] for v in rows],
            t("imports.tasks.history_rows", lang): [v.row_counts.get(REPORT.id, 0) for v in rows],
            t("imports.sources.file", lang): [v.file_name for v in rows],
            t("imports.sources.by", lang): [v.imported_by for v in rows],
            t("imports.sources.at", lang): [local_time(v.imported_at) for v in rows],
        }
    )
    st.dataframe(table, hide_index=True, key=K + "sources")
