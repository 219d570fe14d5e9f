"""Nhiệm vụ: the 34 tasks of the plan's appendix — which are late and whose, how far each has got, what
was promised against what was achieved. Rules and tables are `kpi.tasks.rules` / `kpi.tasks.board`, figures
`kpi.tasks.charts`; this page reads the reader's choices and lays out what comes back.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.common.formatting import format_date, format_number
from kpi.common.i18n import t
from kpi.tasks.board import (
    NO_REPORT,
    OVERDUE,
    TOTAL,
    as_of_date,
    group_label,
    inferred_notes,
    status_ids,
    status_label,
)
from kpi.tasks.cadence import load_cadence
from ui import components, data, state, tasks_data

# --- read the reader's choices -----------------------------------------------------------------------------
lang = state.lang()
components.page_style()
components.leave_presentation_button()
present = state.present()
years = data.get_years()
year = state.year(years)
today = dt.date.today()
as_of = as_of_date(today, year if years and year != years[-1] else None)


def _task_table(frame, key: str, row_height: int, widths: dict[str, int], **options):
    """Show `frame`, one task a row, its task column pinned and the columns named in `widths` (ids under
    `tasks.col.`) that wide; return what st.dataframe returns (the selection, with `on_select`)."""
    config = {t("tasks.col.task", lang): st.column_config.TextColumn(pinned=True, width=60)}
    config |= {t(f"tasks.col.{c}", lang): st.column_config.TextColumn(width=w) for c, w in widths.items()}
    return st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        row_height=row_height,
        column_config=config,
        key=key,
        **options,
    )


# --- ask the core (through ui.tasks_data, which builds the tables and figures once per version) --------------
overview = tasks_data.get_overview(as_of, lang)
board = overview.board
tasks = board.tasks
counts = overview.counts

# --- lay it out ------------------------------------------------------------------------------------------------
st.title(t("tasks.title", lang, plan=tasks.plan.get("number", "")))
report_years = board.years
years_text = (
    f"{report_years[0]}–{report_years[-1]}"
    if len(report_years) > 1
    else (str(report_years[0]) if report_years else t("tasks.caption_no_reports", lang))
)
st.caption(t("tasks.caption", lang, count=len(tasks), as_of=format_date(as_of, lang), years=years_text))
if as_of != today:
    st.info(t("tasks.as_of_past", lang, year=as_of.year), icon=":material/history:")
if tasks_data.is_task_sample():
    st.warning(t("tasks.sample", lang, count=len(tasks)), icon=":material/science:")
if board.is_empty:
    st.info(t("tasks.no_reports", lang))

# The total, each status that occurs (done first), and the overdue count.
shown = [
    s
    for s in ("done", "in_progress", "late", "not_started", NO_REPORT)
    if s in ("done", "in_progress") or counts[s]
]
metrics = [
    (t("tasks.metric.total", lang), counts[TOTAL], None),
    *((status_label(tasks, s, lang), counts[s], t("tasks.metric.status_help", lang)) for s in shown),
    (t("tasks.metric.overdue", lang), counts[OVERDUE], t("tasks.metric.overdue_help", lang)),
]
for column, (label, value, help_text) in zip(st.columns(len(metrics)), metrics, strict=True):
    column.metric(label, format_number(value, 0, lang), help=help_text, border=True)

# Overdue first: the question leaders ask most ("which tasks are late, and whose?").
st.subheader(t("tasks.overdue.title", lang), divider="gray")
st.caption(t("tasks.overdue.rule", lang))
late = overview.overdue
if late.empty:
    st.success(t("tasks.overdue.none", lang), icon=":material/check_circle:")
else:
    _task_table(late, "tasks-overdue", 78, {"reason": 220, "text": 420})

st.subheader(t("tasks.by.title", lang), divider="gray")
for by, tab in zip(
    ("group", "agency"), st.tabs([t("tasks.by.group", lang), t("tasks.by.agency", lang)]), strict=True
):
    with tab:
        if by == "agency":
            st.caption(t("tasks.by.agency_note", lang))
        components.chart(
            overview.status_figures[by], t(f"tasks.file.by_{by}", lang), as_of.year, lang, f"tasks-{by}"
        )
        if not present:
            st.dataframe(
                overview.status_tables[by], hide_index=True, width="stretch", key=f"tasks-{by}-table"
            )

st.subheader(t("brief.reporting.section", lang, year=tasks_data.reporting_year(board, as_of)), divider="gray")
st.caption(t("brief.reporting_rule", lang, days=load_cadence().due_days))
st.dataframe(
    tasks_data.get_reporting_grid(as_of, lang), hide_index=True, width="stretch", key="tasks-reporting"
)

st.subheader(t("tasks.timeline.section", lang), divider="gray")
components.chart(overview.timeline, t("tasks.file.timeline", lang), as_of.year, lang, "tasks-timeline")

st.subheader(t("tasks.quantities.section", lang), divider="gray")
st.caption(t("tasks.quantities.caption", lang))
if overview.quantities is not None:
    components.chart(
        overview.quantities,
        t("tasks.file.quantities", lang),
        as_of.year,
        lang,
        "tasks-quantities",
    )
else:
    st.info(t("tasks.quantities.none", lang))
if not present:
    with st.expander(t("tasks.quantities.table", lang), icon=":material/table:"):
        st.dataframe(overview.quantity_table, hide_index=True, width="stretch", key="tasks-quantity-table")

if present:
    st.stop()

# --- the list: every task in full, filterable; a row chosen shows that task's reports -------------------
st.subheader(t("tasks.list.title", lang), divider="gray")
K = "tasks_f_"  # widget keys of this page
search = st.text_input(
    t("tasks.list.search", lang), placeholder=t("tasks.list.search_placeholder", lang), key=f"{K}search"
)
c1, c2, c3, c4 = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
groups = c1.multiselect(
    t("tasks.list.groups", lang),
    [g.id for g in tasks.groups],
    format_func=lambda g: group_label(tasks, g, lang),
    placeholder=t("tasks.list.all", lang),
    key=f"{K}groups",
)
lead_ids = list(dict.fromkeys(a for task in tasks for a in task.lead_agencies))
agencies = c2.multiselect(
    t("tasks.list.agencies", lang),
    lead_ids,
    format_func=lambda a: tasks.agencies[a].short_vi if lang == "vi" else tasks.agencies[a].name_en,
    placeholder=t("tasks.list.all", lang),
    key=f"{K}agencies",
)
statuses = c3.multiselect(
    t("tasks.list.statuses", lang),
    status_ids(tasks),
    format_func=lambda s: status_label(tasks, s, lang),
    placeholder=t("tasks.list.all", lang),
    key=f"{K}statuses",
)
overdue_only = c4.toggle(t("tasks.list.overdue_only", lang), key=f"{K}overdue")

listing = tasks_data.get_listing(
    overview, groups=groups, agencies=agencies, statuses=statuses, overdue_only=overdue_only, search=search
)
keys = listing.keys
st.caption(
    t("tasks.list.count", lang, shown=len(keys), total=len(tasks)) + " · " + t("tasks.list.pick", lang)
)
listed = listing.table
picked = _task_table(
    listed,
    "tasks-list",
    96,
    {"text": 420, "output": 220, "result": 260},
    height=min(640, 40 + 97 * max(len(listed), 1)),
    on_select="rerun",
    selection_mode="single-row",
)
rows = picked.selection.rows if picked is not None else []
chosen = [keys[rows[0]]] if rows and rows[0] < len(keys) else []

if chosen:
    task = tasks.get(*chosen[0])
    with st.container(border=True):
        st.markdown(f"**{task.label}** — {task.text}")
        st.markdown(
            f"**{t('tasks.col.lead', lang)}:** {'; '.join(tasks.agencies[a].name_vi for a in task.lead_agencies)}  \n"
            f"**{t('tasks.col.co', lang)}:** {'; '.join(tasks.agencies[a].name_vi for a in task.co_agencies) or '–'}  \n"
            f"**{t('tasks.col.output', lang)}:** {task.output}  \n"
            f"**{t('tasks.col.time_frame', lang)}:** {task.time_frame}"
            + (f"  \n**{t('tasks.col.note', lang)}:** {task.note}" if task.note else "")
        )
        notes = inferred_notes(task)
        if notes:
            st.caption(t("tasks.list.inferred_note", lang) + "\n\n" + "\n".join(f"- {n}" for n in notes))

reports = tasks_data.get_reports(overview, chosen or keys)
title = (
    t("tasks.list.reports_one", lang, task=tasks.get(*chosen[0]).label)
    if chosen
    else t("tasks.list.reports", lang, count=len(keys))
)
st.markdown(f"**{title}**")
if reports.empty:
    st.info(t("tasks.list.no_reports", lang))
else:
    _task_table(reports, "tasks-reports", 60, {"result": 320, "evidence": 240})
