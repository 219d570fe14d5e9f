"""The page "Báo cáo" gets its files here: the implementation report (kpi/reports/brief.py) written as .docx or .xlsx,
built once per data version (statistics and task reports), period, language, kind and day, and only when
a download button is clicked (building the .docx renders the charts with Chromium: a few seconds).
"""

from __future__ import annotations

import contextlib
import datetime as dt

import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi.cli.brief_commands import brief_bytes
from kpi.common.i18n import t
from kpi.reports.brief import BriefData, build_brief, version_sources
from kpi.store.versions import TASKS
from kpi.workbook.task_contract import PLANS, REPORT
from ui import data, tasks_data

REPORT_PAGE = "pages/9_Bao_cao.py"  # as dashboard.py declares it
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _brief_data(version: data.DataVersion, task_version: tasks_data.TaskDataVersion) -> BriefData:
    store = data.get_store()
    rows = store.load_sheets(TASKS, dict(task_version.versions), (REPORT.id, PLANS.id))
    reports, plans = rows[REPORT.id], rows[PLANS.id]
    task_sources = version_sources(store, TASKS)
    return BriefData(data.get_results(), reports, data.get_sources(), task_sources, plans)


@st.cache_data(max_entries=16, show_spinner=False)
def _file(
    version: data.DataVersion,
    task_version: tasks_data.TaskDataVersion,
    year: int,
    quarter: int | None,
    lang: str,
    final: bool,
    fmt: str,
    today: dt.date,
) -> bytes:
    brief = build_brief(
        _brief_data(version, task_version), year, quarter, lang, final, today=today, pictures=fmt == "docx"
    )
    return brief_bytes(brief, fmt)


def get_file(year: int, quarter: int | None, lang: str, final: bool, fmt: str) -> bytes:
    """Return the report of `year` (`quarter`) in `fmt` ("docx" or "xlsx") from the data shown now."""
    task_version = tasks_data.task_data_version()  # also loads the sample reports into a sample store
    return _file(data.data_version(), task_version, year, quarter, lang, final, fmt, dt.date.today())


def file_name(year: int, quarter: int | None, final: bool, fmt: str) -> str:
    """Return the file name of a report: "bao-cao-kh485-2024-q2.docx", "...-2025-tong-ket.xlsx"."""
    period = f"{year}-q{quarter}" if quarter else str(year)
    return f"bao-cao-kh485-{period}{'-tong-ket' if final else ''}.{fmt}"


def report_link(lang: str) -> None:
    """Show the link to the page "Báo cáo" (nothing when the page runs on its own, without navigation)."""
    with contextlib.suppress(StreamlitAPIException):
        st.page_link(REPORT_PAGE, label=t("brief.page.link", lang), icon=":material/description:")
