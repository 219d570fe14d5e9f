"""The task progress reports on page 6 "Nhập dữ liệu": the template, the upload with its check report, a short
preview, the named confirmation, and the history of versions with rollback: the steps of the statistics
workbooks, laid out with the same pieces (`ui.data_admin`).

Checking and previewing are `kpi.tasks.preview`, storing `Store.import_workbook(kind=TASKS)`. Page 8 "Nhiệm vụ" caches its
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
from kpi.store.versions import TASKS, Store
from kpi.tasks.preview import periods_text, preview_task_import, task_status_table
from kpi.workbook.task_contract import REPORT, default_tasks
from kpi.workbook.tasks_kind import TASKS_KIND
from ui import data, data_admin, tasks_data

K = "imports_tasks_"  # session keys and widget keys of this section
TASKS_PAGE = "pages/8_Nhiem_vu.py"  # as dashboard.py declares it


def _flash(text: str, imported: bool = False) -> None:
    st.session_state[K + "flash"] = (text, imported)


def _import_confirmed(upload_key: str, lang: str) -> None:
    """Store the checked upload (a form callback, so that the page drawn next already shows the result)."""

    checked = st.session_state.get(K + "checked")
    year = checked.preview.year if checked is not None and checked.preview is not None else ""
    outcome = data_admin.confirm_import(
        K, upload_key, TASKS, None, t("imports.tasks.saving", lang, year=year), lang
    )
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
    upload_key, checked = data_admin.upload_step(
        K,
        TASKS_KIND,
        settings,
        lang,
        state=(version, store.has_sample()),
        preview=lambda clean: preview_task_import(store, clean, tasks),
        summary=_summary(lang),
        texts="imports.tasks",
        preview_step="imports.tasks.step_preview",
        tasks=tasks,
    )

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
    _, done = data_admin.history_and_rollback(
        K,
        store,
        TASKS,
        lang,
        counted=REPORT.id,
        counted_header="imports.tasks.history_rows",
        option_key="imports.tasks.rollback_option",
    )
    if done:
        _flash(done)
        st.rerun()


def _summary(lang: str):
    """Return the line of a usable progress workbook, from its preview."""

    def summary(checked) -> str:
        preview = checked.preview
        if preview is None:
            return ""
        rows, tasks = (format_number(n, 0, lang) for n in (preview.rows_after, preview.tasks_after))
        return t("imports.tasks.summary_ok", lang, year=preview.year, rows=rows, tasks=tasks)

    return summary


def _preview_and_confirm(preview, tasks, upload_key: str, lang: str) -> None:
    if preview.is_sample:
        st.info(t("imports.tasks.sample_workbook", lang), icon=":material/science:")
    data_admin.replaces_note(preview, lang, texts="imports.tasks")
    st.markdown(t("imports.tasks.periods", lang, periods=periods_text(preview, lang)))
    st.markdown(f"**{t('imports.tasks.statuses', lang, year=preview.year)}**")
    with st.columns([3, 2])[0]:  # two or three short columns read better narrow
        data_admin.show_table(task_status_table(preview, tasks, lang), K + "statuses")
    data_admin.confirm_form(
        K,
        t("imports.tasks.confirm", lang, year=preview.year),
        _import_confirmed,
        (upload_key, lang),
        lang,
        **data_admin.sample_to_remove(data.get_store(), preview),
        texts="imports.tasks",
    )


def _in_force(store: Store, lang: str) -> None:
    """Show the version in force of each year of the progress reports, with its report rows."""
    current = [v for year in store.years(TASKS) for v in store.versions(year, kind=TASKS) if v.current]
    sources = pd.DataFrame(
        {
            "year": [v.year for v in current],
            "version": [v.version for v in current],
            "file_name": [v.file_name for v in current],
            "imported_at": [v.imported_at for v in current],
            "imported_by": [v.imported_by for v in current],
            "is_sample": [v.is_sample for v in current],
            "rows": [v.row_counts.get(REPORT.id, 0) for v in current],
        }
    )
    data_admin.in_force(K, sources, lang, rows_header="imports.tasks.history_rows")
