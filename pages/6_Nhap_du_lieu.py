"""Nhập dữ liệu: the template, the upload with its check report, the preview of what an import changes, the
confirmation, and the history of versions with rollback. Checking and comparing are `kpi.imports`, storing
is `kpi.store`; this page reads widgets and lays out what comes back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi.formatting import format_date, format_number
from kpi.i18n import t
from kpi.imports import (
    DISPLAY_TZ,
    ImportPreview,
    UploadCheck,
    changed_table,
    changes_table,
    check_upload,
    csv_bytes,
    history_table,
    keys_table,
    preview_import,
    problems_table,
    readable_kpis,
    store_mix,
    table_workbook_bytes,
)
from kpi.settings import load_settings
from kpi.store import StoreError
from kpi.store import text as store_text
from kpi.template import template_bytes
from kpi.text import strip_diacritics
from kpi.validate import EARLIEST_YEAR
from ui import data, state
from ui.data_admin import after_write

K = "imports_"  # session keys and widget keys of this page
MAX_WRAPPED_ROWS = 60  # tables up to this many rows wrap their text (every word readable); longer ones scroll
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OVERVIEW = "pages/1_Tong_quan.py"  # as dashboard.py declares it

# dashboard.py draws the sidebar, the page style and the sample-data notice around every page.
lang = state.lang()
store = data.get_store()
settings = load_settings()

st.title(t("imports.title", lang))
st.caption(t("imports.caption", lang))


@dataclass
class Checked:
    """The check of one uploaded file against one state of the store (kept across reruns)."""

    key: tuple
    file_name: str
    check: UploadCheck
    preview: ImportPreview | None


def _slug(name: str) -> str:
    stem = Path(name).stem
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(stem).lower()).strip("-") or "tep"


def _local(at: dt.datetime) -> str:
    return at.astimezone(ZoneInfo(DISPLAY_TZ)).strftime("%d/%m/%Y %H:%M")


def _table(frame: pd.DataFrame, key: str) -> None:
    """Show a table: short ones as a static table whose long texts wrap, long ones as a scrolling grid."""
    if len(frame) <= MAX_WRAPPED_ROWS:
        st.table(frame, hide_index=True)
    else:
        st.dataframe(frame, hide_index=True, height=420, key=K + key)


def _flash(kind: str, text: str) -> None:
    st.session_state[K + "flash"] = (kind, text)


def _import_confirmed(upload_key: str, year: int) -> None:
    """Store the checked upload (a callback, so that it runs before the sidebar is drawn again and the
    imported year can become the year every page shows)."""
    checked = st.session_state.get(K + "checked")
    upload = st.session_state.get(upload_key)
    if checked is None or upload is None or checked.preview is None or checked.preview.mixes_with_real:
        return
    by = st.session_state.get(K + "by", "")
    if not by.strip():
        st.session_state[K + "refused"] = (t("imports.need_by", lang), [])
        return
    replace_sample = bool(checked.preview.sample_to_remove)
    if replace_sample and not st.session_state.get(K + "sample_ok", False):
        st.session_state[K + "refused"] = (t("imports.need_sample_ok", lang), [])
        return
    with st.spinner(t("imports.saving", lang, year=year)):
        outcome = store.import_workbook(
            upload.getvalue(),
            checked.file_name,
            year,
            by,
            st.session_state.get(K + "note", ""),
            is_sample=checked.preview.is_sample,
            replace_sample=replace_sample,
        )
    if not outcome.ok:
        message = t("imports.refused", lang, message=outcome.message(lang))
        st.session_state[K + "refused"] = (message, outcome.problems)
        return
    after_write()
    _flash("imported", outcome.message(lang))
    st.session_state[K + "flash_year"] = outcome.year
    st.session_state[state.YEAR] = outcome.year  # every page now opens on the year just imported
    st.session_state[K + "upload_round"] = st.session_state.get(K + "upload_round", 0) + 1
    for key in (K + "checked", K + "by", K + "note", K + "sample_ok"):
        st.session_state.pop(key, None)


# --- a message left by the previous run (after an import, a rollback, a removal) ---------------------------

if K + "flash" in st.session_state:
    kind, text = st.session_state.pop(K + "flash")
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

# --- 1. the template ---------------------------------------------------------------------------------------

st.subheader(t("imports.step1", lang))
st.markdown(t("imports.step1_text", lang))
st.download_button(
    t("imports.template", lang),
    data=template_bytes,
    file_name=t("imports.template_file", lang),
    mime=XLSX,
    on_click="ignore",
    icon=":material/download:",
    key=K + "template",
)

# --- 2. upload and check -----------------------------------------------------------------------------------

st.subheader(t("imports.step2", lang))
upload_key = f"{K}upload_{st.session_state.get(K + 'upload_round', 0)}"
upload = st.file_uploader(
    t("imports.upload", lang),
    type=["xlsx", "xlsm", "xls"],
    help=t("imports.upload_help", lang),
    key=upload_key,
)

checked: Checked | None = None
if upload is not None:
    content = upload.getvalue()
    key = (hashlib.sha256(content).hexdigest(), upload.name, data.data_version(), store.has_sample())
    checked = st.session_state.get(K + "checked")
    if checked is None or checked.key != key:
        with st.status(t("imports.checking", lang, file=upload.name), expanded=True) as status:
            check = check_upload(
                content,
                max_file_mb=settings.max_file_mb,
                max_rows=settings.max_rows,
                on_step=lambda step: st.write(t(f"imports.step.{step}", lang)),
            )
            preview = None
            if check.ok:
                st.write(t("imports.step.preview", lang))
                preview = preview_import(store, check.clean)
            if check.unreadable:
                label, state_ = t("imports.unreadable", lang, file=upload.name), "error"
            elif check.ok:
                label, state_ = t("imports.checked_ok", lang, file=upload.name), "complete"
            else:
                label, state_ = t("imports.checked_bad", lang, file=upload.name), "error"
            status.update(label=label, state=state_, expanded=False)
        checked = Checked(key, upload.name, check, preview)
        st.session_state[K + "checked"] = checked

if checked is not None:
    check = checked.check
    n_err, n_warn = len(check.errors), len(check.warnings)
    if check.unreadable:
        st.error(check.errors[0].message(lang), icon=":material/error:")
    elif check.ok:
        clean = check.clean
        st.success(
            t(
                "imports.summary_ok",
                lang,
                year=clean.year,
                coops=format_number(len(clean.coops), 0, lang),
                groups=format_number(len(clean.groups), 0, lang),
            ),
            icon=":material/task_alt:",
        )
        if n_warn:
            st.warning(t("imports.summary_warnings", lang, count=format_number(n_warn, 0, lang)))
    else:
        st.error(
            t(
                "imports.summary_errors",
                lang,
                errors=format_number(n_err, 0, lang),
                warnings=format_number(n_warn, 0, lang),
            ),
            icon=":material/error:",
        )
    if check.problems and not check.unreadable:
        report = problems_table(check.problems, lang)
        st.markdown(f"**{t('imports.report', lang)}**")
        _table(report, "report")
        title = [
            t("imports.report_title", lang, file=checked.file_name, date=format_date(dt.date.today(), lang))
        ]
        c1, c2, _ = st.columns([1, 1, 2])
        c1.download_button(
            t("imports.report_xlsx", lang),
            data=table_workbook_bytes(report, t("imports.report_sheet", lang), title),
            file_name=t("imports.report_file", lang, stem=_slug(checked.file_name), ext="xlsx"),
            mime=XLSX,
            on_click="ignore",
            icon=":material/download:",
            key=K + "report_xlsx",
        )
        c2.download_button(
            t("imports.report_csv", lang),
            data=csv_bytes(report),
            file_name=t("imports.report_file", lang, stem=_slug(checked.file_name), ext="csv"),
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key=K + "report_csv",
        )

# --- 3. preview and confirm --------------------------------------------------------------------------------

if checked is None or not checked.check.ok:
    st.subheader(t("imports.step3", lang))
    st.caption(t("imports.step3_waiting", lang))

ready = checked is not None and checked.check.ok and checked.preview is not None
if ready and checked.preview.mixes_with_real:
    st.subheader(t("imports.step3", lang))
    unit = checked.check.clean.info.get("reporting_unit") or ""
    st.error(t("imports.sample_over_real", lang, unit=unit), icon=":material/block:")
elif ready:
    preview = checked.preview
    clean = checked.check.clean
    st.subheader(t("imports.step3", lang))
    if preview.is_sample:
        unit = clean.info.get("reporting_unit") or ""
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

    if preview.is_new_year:
        st.info(t("imports.new_year", lang, year=preview.year))
    else:
        st.info(t("imports.replaces", lang, year=preview.year, version=preview.current_version))
        if not preview.has_changes:
            st.warning(t("imports.no_change", lang, year=preview.year))

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

    if preview.sample_to_remove:
        years = sorted({y for y, _ in preview.sample_to_remove})
        with st.container(border=True):
            st.markdown(f"**{t('imports.sample_title', lang)}**")
            st.markdown(
                t(
                    "imports.sample_text",
                    lang,
                    years=", ".join(str(y) for y in years),
                    count=len(preview.sample_to_remove),
                )
            )

    with st.form(K + "confirm"):
        st.text_input(t("imports.by", lang), placeholder=t("imports.by_placeholder", lang), key=K + "by")
        st.text_area(
            t("imports.note", lang),
            placeholder=t("imports.note_placeholder", lang),
            key=K + "note",
            height=80,
        )
        if preview.sample_to_remove:
            st.checkbox(t("imports.sample_ok", lang), key=K + "sample_ok")
        st.form_submit_button(
            t("imports.confirm", lang, year=chosen_year),
            type="primary",
            icon=":material/upload:",
            on_click=_import_confirmed,
            args=(upload_key, int(chosen_year)),
        )
    if K + "refused" in st.session_state:
        message, problems = st.session_state.pop(K + "refused")
        st.error(message, icon=":material/block:")
        if problems:
            _table(problems_table(problems, lang), "refused_table")

# --- 4. data in force, history, rollback, sample data ------------------------------------------------------

st.subheader(t("imports.step4", lang))
sources = data.get_sources()
if len(sources):
    st.markdown(f"**{t('imports.sources', lang)}**")
    in_force = pd.DataFrame(
        {
            t("imports.sources.year", lang): sources["year"].astype("Int64").astype("str"),
            t("imports.sources.version", lang): sources["version"],
            t("imports.sources.kind", lang): sources["is_sample"].map(
                {True: t("imports.sources.sample", lang), False: t("imports.sources.real", lang)}
            ),
            t("imports.sources.file", lang): sources["file_name"],
            t("imports.sources.by", lang): sources["imported_by"],
            t("imports.sources.at", lang): sources["imported_at"].map(lambda v: _local(v.to_pydatetime())),
        }
    ).iloc[::-1]
    st.dataframe(in_force, hide_index=True, key=K + "sources")

history = store.history()
st.markdown(f"**{t('imports.history', lang)}**")
if history.empty:
    st.caption(t("imports.history_empty", lang))
else:
    table = history_table(history, lang)
    st.dataframe(table, hide_index=True, key=K + "history", height=min(38 + 35 * len(table), 420))

years = store.years()
if years and not state.present():
    with st.expander(t("imports.rollback", lang), icon=":material/history:"):
        st.caption(t("imports.rollback_text", lang))
        year = st.selectbox(t("imports.rollback_year", lang), list(reversed(years)), key=K + "rb_year")
        versions = store.versions(year)
        others = [v for v in versions if not v.current]
        if not others:
            st.caption(t("imports.rollback_only_one", lang, year=year))
        else:
            labels = {
                v.version: t(
                    "imports.rollback_option",
                    lang,
                    version=v.version,
                    at=_local(v.imported_at),
                    by=v.imported_by,
                    rows=format_number(v.row_counts.get("coops", 0), 0, lang),
                    note=f" · {v.note}" if v.note else "",
                )
                for v in reversed(others)
            }
            with st.form(K + "rollback"):
                version = st.selectbox(
                    t("imports.rollback_version", lang),
                    list(labels),
                    format_func=labels.get,
                    key=K + "rb_version",
                )
                rb_by = st.text_input(
                    t("imports.by", lang), placeholder=t("imports.by_placeholder", lang), key=K + "rb_by"
                )
                rb_note = st.text_input(t("imports.note", lang), key=K + "rb_note")
                rb_ok = st.checkbox(t("imports.rollback_confirm", lang, year=year), key=K + "rb_ok")
                rb_go = st.form_submit_button(t("imports.rollback_button", lang), icon=":material/restore:")
            if rb_go:
                if not (rb_by or "").strip():
                    st.error(t("imports.need_by", lang))
                elif not rb_ok:
                    st.error(t("imports.need_confirm", lang))
                else:
                    try:
                        result = store.rollback(int(year), int(version), rb_by, rb_note or None)
                    except StoreError as exc:
                        st.error(exc.problem.message(lang))
                    else:
                        after_write()
                        _flash("rollback", result.message(lang))
                        st.rerun()

mix = store_mix(store)
if mix.sample and not state.present():
    with st.expander(t("imports.sample_section", lang), icon=":material/science:"):
        st.markdown(t("imports.sample_section_text", lang, years=", ".join(str(y) for y in mix.sample_years)))
        with st.form(K + "sample"):
            sd_by = st.text_input(
                t("imports.by", lang), placeholder=t("imports.by_placeholder", lang), key=K + "sd_by"
            )
            sd_ok = st.checkbox(t("imports.sample_delete_confirm", lang), key=K + "sd_ok")
            sd_go = st.form_submit_button(t("imports.sample_delete", lang), icon=":material/delete:")
        if sd_go:
            if not (sd_by or "").strip():
                st.error(t("imports.need_by", lang))
            elif not sd_ok:
                st.error(t("imports.need_confirm", lang))
            else:
                removed = store.delete_sample(sd_by)
                after_write()
                _flash("sample", store_text("sample_removed", lang, count=len(removed)))
                st.rerun()
