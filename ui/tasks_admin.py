"""The task progress reports on page 6 "Nhập dữ liệu": the steps of the statistics workbooks, written once in
`ui.data_admin` and taking the kind, with what only the task reports have: the caption counting the plan's
tasks, the line of a usable workbook, the task file their check and preview take, the link to page 8 after an
import, and the report rows counted in the versions.

Checking and previewing are `kpi.tasks.preview`, storing `Store.import_workbook(kind=TASKS)`. Page 8 "Nhiệm vụ"
caches its data on the current versions of the progress reports (`ui.tasks_data.task_data_version`), so an
import or a rollback here shows there at once.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi.common.formatting import format_number
from kpi.common.i18n import t
from kpi.common.safe_text import escape_markdown
from kpi.common.settings import Settings
from kpi.store.versions import TASKS, Store
from kpi.tasks.preview import preview_task_import
from kpi.workbook.task_contract import REPORT, default_tasks
from kpi.workbook.tasks_kind import TASKS_KIND
from ui import data_admin, tasks_data

K = "imports_tasks_"  # session keys and widget keys of this section
TEXTS = "imports.tasks"  # the prefix of this section's texts
TASKS_PAGE = "pages/8_Nhiem_vu.py"  # as dashboard.py declares it


def _flash(text: str, imported: bool = False) -> None:
    st.session_state[K + "flash"] = (text, imported)


def tasks_import_section(store: Store, settings: Settings, lang: str) -> None:
    """Lay out the four steps for the task progress reports (template, upload and check, preview and
    confirm, versions and history) and the sample data."""
    tasks = default_tasks()
    version = tasks_data.task_data_version()  # also loads the sample reports into a sample store, as page 8
    st.caption(t("imports.tasks.caption", lang, count=len(tasks)))

    if K + "flash" in st.session_state:
        text, imported = st.session_state.pop(K + "flash")
        st.success(escape_markdown(text), icon=":material/check_circle:")
        if imported:
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
        summary=lambda checked: _summary(checked, lang),
        texts=TEXTS,
        preview_step="imports.tasks.step_preview",
        tasks=tasks,
    )

    # --- 3. preview and confirm ---
    data_admin.preview_step(
        K,
        TASKS,
        checked,
        upload_key,
        lang,
        on_imported=lambda outcome: _flash(outcome.message(lang), imported=True),
        texts=TEXTS,
    )

    # --- 4. versions in force, history, rollback, the sample data ---
    st.subheader(t("imports.tasks.step4", lang))
    rows = "imports.tasks.history_rows"
    data_admin.in_force(K, data_admin.versions_in_force(store, TASKS, REPORT.id), lang, rows_header=rows)
    _, done = data_admin.history_and_rollback(
        K,
        store,
        TASKS,
        lang,
        counted=REPORT.id,
        counted_header=rows,
        option_key="imports.tasks.rollback_option",
    )
    done = done or data_admin.sample_section(K, store, lang)
    if done:
        _flash(done)
        st.rerun()


def _summary(checked: data_admin.Checked, lang: str) -> str:
    """Return the line of a usable progress workbook, from its preview."""
    preview = checked.preview
    if preview is None:
        return ""
    rows, tasks = (format_number(n, 0, lang) for n in (preview.rows_after, preview.tasks_after))
    return t("imports.tasks.summary_ok", lang, year=preview.year, rows=rows, tasks=tasks)
