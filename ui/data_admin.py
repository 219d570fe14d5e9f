"""Page-side data access of pages 5 and 6 that `ui.data` does not offer: one year's cooperatives in list
order, and the store's writing operations (import, rollback, removal of the sample data); and the pieces
of page 6 that both kinds of upload (statistics, task progress reports) lay out the same way.

Reads are cached on `ui.data.data_version()` like everything else, so an import or a rollback shows at once.
Writes go to the store of `ui.data.get_store()`; the version key changes with them, and `after_write()`
drops the few caches keyed on something else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from kpi.common import problems as pb
from kpi.common.access import Identity, Permission, refusal
from kpi.common.formatting import DISPLAY_TZ, format_date, format_number
from kpi.common.i18n import t
from kpi.common.safe_text import csv_bytes, escape_markdown, strip_diacritics
from kpi.stats import sample as stats_sample
from kpi.stats.preview import history_table, problems_table, table_workbook_bytes
from kpi.store.preview import ImportPreview, Section
from kpi.store.versions import TASKS, Status, StoreError
from kpi.store.versions import text as store_text
from kpi.tasks import sample as tasks_sample
from kpi.workbook.kind import WorkbookKind
from kpi.workbook.kinds import all_kinds
from kpi.workbook.upload import UploadCheck, check_upload
from kpi.workbook.validate import EARLIEST_YEAR
from ui import auth, components, data, state

if TYPE_CHECKING:
    from kpi.store.versions import RollbackOutcome, VersionInfo


def after_write() -> None:
    """Forget the caches of `ui.data` that a write can leave stale under an unchanged version key.

    Removing sample versions that were not in force, for instance, leaves `{year: version}` as it was while
    the sample flag and the sources table change. (Private names of ui.data: asked for as a public
    `ui.data.forget()`; skipped if they are renamed.)
    """
    for name in ("_is_sample", "_sources"):
        cached = getattr(data, name, None)
        if cached is not None and hasattr(cached, "clear"):
            cached.clear()


# --- layout shared by the two kinds of upload of page 6 (statistics, task progress reports) ---------------

NO_DATA = "no_data"  # the rollback form's choice of no version in force for the year
MAX_WRAPPED_ROWS = 60  # tables up to this many rows wrap their text (every word readable); longer ones scroll
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Checked:
    """The check of one uploaded file against one state of the store (kept across reruns)."""

    key: tuple  # (SHA-256 of the content, file name, *the state of the store it was checked against)
    file_name: str
    check: UploadCheck
    preview: Any


def slug(name: str) -> str:
    """Return a file name's stem as plain lower-case words joined by '-' (for the names of downloads)."""
    stem = Path(name).stem
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(stem).lower()).strip("-") or "tep"


def local_time(at: dt.datetime) -> str:
    """Return a stored (UTC) time as the users' local "dd/mm/yyyy hh:mm"."""
    return at.astimezone(ZoneInfo(DISPLAY_TZ)).strftime("%d/%m/%Y %H:%M")


def show_table(frame: pd.DataFrame, key: str) -> None:
    """Show a table: short ones as a static table whose long texts wrap, long ones as a scrolling grid."""
    if len(frame) <= MAX_WRAPPED_ROWS:
        components.static_table(frame)
    else:
        st.dataframe(frame, hide_index=True, height=420, key=key)


def template_and_upload(
    prefix: str,
    template: Callable[[], bytes],
    lang: str,
    texts: str = "imports",
    more_templates: Callable[[], None] | None = None,
) -> tuple[str, Any]:
    """Lay out steps 1 (the template to download, then `more_templates()` when given) and 2 (the uploader)
    with the texts `{texts}.step1`, `.step1_text`, `.template`, `.template_file` and `.step2`; return the
    uploader's key and its file.

    The key changes after each import (`confirm_import`), which empties the uploader for the next file.
    Whoever may not import gets no uploader (None), but why and, when anonymous, the login form."""
    st.subheader(t(f"{texts}.step1", lang))
    st.markdown(t(f"{texts}.step1_text", lang))
    st.download_button(
        t(f"{texts}.template", lang),
        data=template,
        file_name=t(f"{texts}.template_file", lang),
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
        key=prefix + "template",
    )
    if more_templates is not None:
        more_templates()
    st.subheader(t(f"{texts}.step2", lang))
    upload_key = f"{prefix}upload_{st.session_state.get(prefix + 'upload_round', 0)}"
    if not auth.allowed(Permission.IMPORT):
        auth.read_only_notice(lang)
        return upload_key, None
    upload = st.file_uploader(
        t("imports.upload", lang),
        type=["xlsx", "xlsm", "xls"],
        help=t("imports.upload_help", lang),
        key=upload_key,
    )
    return upload_key, upload


def upload_step(
    prefix: str,
    kind: WorkbookKind,
    settings,
    lang: str,
    *,
    state: tuple,
    preview: Callable[[Any], Any],
    summary: Callable[[Checked], str],
    texts: str = "imports",
    preview_step: str = "imports.step.preview",
    more_templates: Callable[[], None] | None = None,
    **options: object,
) -> tuple[str, Checked | None]:
    """Lay out steps 1 and 2 of page 6 for a kind of workbook: its template, the upload, the check within the
    store's limits (`kpi.workbook.upload.check_upload`, with the kind's `options`), the preview (`preview`, the
    kind's preview module) and the check report (`summary(checked)`: the line of a usable file); return the
    uploader's key and the check (None before a file is given)."""
    upload_key, upload = template_and_upload(
        prefix, lambda: kind.template_bytes(**options), lang, texts=texts, more_templates=more_templates
    )
    if upload is None:
        return upload_key, None

    def check(content: bytes, on_step: Callable[[str], None]) -> UploadCheck:
        limits = {"max_file_mb": settings.max_file_mb, "max_rows": settings.max_rows}
        return check_upload(content, kind, on_step=on_step, **limits, **options)

    checked = check_upload_once(prefix, upload, state, check, preview, preview_step, lang)
    check_report(prefix, checked, summary(checked), lang)
    return upload_key, checked


def confirm_import(
    prefix: str,
    upload_key: str,
    kind_id: str,
    year: int | None,
    saving: str,
    lang: str,
) -> Any:
    """Store the checked upload of a kind as a new version (`year`, when given, must be the workbook's), in
    the confirm form's callback, and return the store's outcome once the data is stored, else None.

    Refused before anything is written: sample data to remove (`samples_removed`) without the agreement box
    (`prefix + "sample_ok"`); the reason (and the store's problems, such as a refusal of the identity) is
    left under `prefix + "refused"` for the page to show. Written as the logged-in identity, with the version
    in force at the preview as the one expected (a stale preview is refused). After a success the uploader
    and the form are emptied."""
    checked = st.session_state.get(prefix + "checked")
    upload = st.session_state.get(upload_key)
    if checked is None or upload is None or checked.preview is None or checked.preview.mixes_with_real:
        return None
    who = auth.identity()
    store = data.get_store()
    replace_sample = bool(samples_removed(store, checked.preview))
    if replace_sample and not st.session_state.get(prefix + "sample_ok", False):
        st.session_state[prefix + "refused"] = (t("imports.need_sample_ok", lang), [])
        return None
    with st.spinner(saving):
        outcome = store.import_workbook(
            upload.getvalue(),
            checked.file_name,
            year,
            who.name,
            st.session_state.get(prefix + "note", ""),
            is_sample=checked.preview.is_sample,
            kind=kind_id,
            replace_sample=replace_sample,
            expected_version=checked.preview.store_version,
            identity=who,
        )
    if not outcome.ok:
        message = t("imports.refused", lang, message=outcome.message(lang))
        # A stale preview's one problem is the message itself; otherwise the problems go in a table.
        problems = [] if outcome.status == Status.STALE else outcome.problems
        st.session_state[prefix + "refused"] = (message, problems)
        return None
    after_write()
    st.session_state[prefix + "upload_round"] = st.session_state.get(prefix + "upload_round", 0) + 1
    for key in ("checked", "note", "sample_ok"):
        st.session_state.pop(prefix + key, None)
    return outcome


def confirm_form(
    prefix: str,
    button: str,
    on_click: Callable[..., None],
    args: tuple,
    lang: str,
    *,
    sample_years: list[int],
    sample_count: int,
    texts: str = "imports",
) -> None:
    """Lay out the confirmation: the notice of the sample data the import removes (`{texts}.sample_text`,
    with the agreement box in the form), the form asking for a note (`{texts}.note_placeholder`; who imports
    is the account logged in), the button calling `on_click(*args)`, and why the last try was refused."""
    if sample_count:
        with st.container(border=True):
            st.markdown(f"**{t('imports.sample_title', lang)}**")
            years = ", ".join(str(y) for y in sorted(set(sample_years)))
            st.markdown(t(f"{texts}.sample_text", lang, years=years, count=sample_count))
    with st.form(prefix + "confirm"):
        st.text_area(
            t("imports.note", lang),
            placeholder=t(f"{texts}.note_placeholder", lang),
            key=prefix + "note",
            height=80,
        )
        if sample_count:
            st.checkbox(t("imports.sample_ok", lang), key=prefix + "sample_ok")
        st.form_submit_button(button, type="primary", icon=":material/upload:", on_click=on_click, args=args)
    refused_message(prefix, lang)


def replaces_note(preview, lang: str, texts: str = "imports") -> None:
    """Say what the import of `preview` does to its year: a new year, or the version it replaces (and that it
    changes nothing, when so), with the texts `{texts}.new_year`, `.replaces` and `.no_change`."""
    if preview.is_new_year:
        st.info(t(f"{texts}.new_year", lang, year=preview.year))
        return
    st.info(t(f"{texts}.replaces", lang, year=preview.year, version=preview.current_version))
    if not preview.has_changes:
        st.warning(t(f"{texts}.no_change", lang, year=preview.year))


def year_warnings(prefix: str, preview: ImportPreview, lang: str) -> None:
    """Show the year-on-year warnings of a preview (`ImportPreview.year_warnings`) as its first block."""
    prev = preview.year - 1
    found = list(preview.year_warnings)
    if found:
        count = format_number(len(found), 0, lang)
        st.warning(t("imports.year_warnings", lang, prev=prev, count=count), icon=":material/compare_arrows:")
        show_table(problems_table(found, lang), prefix + "year_warnings")
    elif preview.year_compared:
        st.caption(t("imports.year_no_warning", lang, prev=prev))
    else:
        st.caption(t("imports.year_not_compared", lang, prev=prev))


def show_section(prefix: str, section: Section) -> None:
    """Lay out one section of a preview: a line of text, or a table or figure under its bold title (with its
    help) or folded in an expander of that title, narrow when it asks to be."""
    if section.text:
        st.markdown(section.text)
    if section.table is None and section.figure is None:
        return
    if not section.folded and section.title:
        st.markdown(f"**{section.title}**", help=section.help)
    if section.folded:
        holder = st.expander(section.title, expanded=section.opened)
    elif section.narrow:
        holder = st.columns([3, 2])[0]
    else:
        holder = contextlib.nullcontext()
    with holder:
        if section.table is not None:
            show_table(section.table, prefix + section.key)
        if section.figure is not None:
            st.plotly_chart(section.figure, key=prefix + section.key + "_figure")


def preview_step(
    prefix: str,
    kind_id: str,
    checked: Checked | None,
    upload_key: str,
    lang: str,
    *,
    on_imported: Callable[[Any], None],
    texts: str = "imports",
    asks_year: bool = False,
) -> None:
    """Lay out step 3 of page 6 for any kind of workbook from its preview (`kpi.store.preview.ImportPreview`):
    the year-on-year warnings first (kinds that check them), whether the workbook is sample data, the year of
    the data (`asks_year`: chosen by the user, the store refuses a workbook of another year), what the import
    replaces, the headline counts, the kind's sections, then the confirmation, whose callback stores the
    upload and hands the store's outcome to `on_imported`.

    Texts `{texts}.step3`, `.sample_workbook`, `.sample_over_real`, `.confirm`, `.saving` and those of
    `replaces_note` and `confirm_form`. Whoever may not import is told who may."""
    preview = checked.preview if checked is not None and checked.check.ok else None
    if preview is None:
        # Always drawn, so that the steps read 1, 2, 3, 4 for a viewer too.
        st.subheader(t(f"{texts}.step3", lang))
        waiting = "imports.step3_waiting" if auth.allowed(Permission.IMPORT) else "imports.step3_login"
        st.caption(t(waiting, lang))
        return
    st.subheader(t(f"{texts}.step3", lang))
    clean = checked.check.clean
    unit = escape_markdown(clean.info.get("reporting_unit") or "")
    if preview.mixes_with_real:
        st.error(t(f"{texts}.sample_over_real", lang, unit=unit), icon=":material/block:")
        return
    if preview.year_checked:
        year_warnings(prefix, preview, lang)  # first: the changes from last year worth a second look
    if preview.is_sample:
        st.info(t(f"{texts}.sample_workbook", lang, unit=unit), icon=":material/science:")
    year = None
    if asks_year:
        year = int(
            st.number_input(
                t("imports.year", lang),
                min_value=EARLIEST_YEAR,
                max_value=dt.date.today().year + 1,
                value=preview.year,
                step=1,
                format="%d",
                help=t("imports.year_help", lang),
                key=f"{prefix}year_{checked.key[0][:12]}",
            )
        )
        if year != preview.year:
            st.warning(
                t("imports.year_differs", lang, chosen=year, year=preview.year), icon=":material/warning:"
            )
    replaces_note(preview, lang, texts=texts)
    counts = preview.summary(lang)
    for column, count in zip(st.columns(len(counts)) if counts else [], counts, strict=True):
        column.metric(count.label, count.value)
    for section in preview.sections(lang):
        show_section(prefix, section)
    confirm_form(
        prefix,
        t(f"{texts}.confirm", lang, year=preview.year if year is None else year),
        _confirmed,
        (prefix, upload_key, kind_id, year, texts, lang, on_imported),
        lang,
        **sample_to_remove(data.get_store(), preview),
        texts=texts,
    )


def _confirmed(
    prefix: str,
    upload_key: str,
    kind_id: str,
    year: int | None,
    texts: str,
    lang: str,
    on_imported: Callable[[Any], None],
) -> None:
    """Store the checked upload (the confirm form's callback, so that the page drawn next already shows the
    result) and hand the store's outcome to `on_imported` once the data is stored."""
    checked = st.session_state.get(prefix + "checked")
    shown = year if year is not None else checked.preview.year if checked and checked.preview else ""
    outcome = confirm_import(prefix, upload_key, kind_id, year, t(f"{texts}.saving", lang, year=shown), lang)
    if outcome is not None:
        on_imported(outcome)


def samples_removed(store, preview) -> list[tuple[str, int, int]]:
    """Return the (kind, year, version)s of the sample versions that importing a previewed workbook removes:
    every kind's for a real workbook (real data never stands beside sample data), none for a sample one."""
    return [] if preview.is_sample else store.sample_versions()


def sample_to_remove(store, preview) -> dict[str, object]:
    """Return the `sample_years` and `sample_count` of `confirm_form`: what the import of `preview` removes."""
    versions = samples_removed(store, preview)
    return {"sample_years": [year for _, year, _ in versions], "sample_count": len(versions)}


def refused_message(prefix: str, lang: str) -> None:
    """Show why the last confirmation was refused (left by `confirm_import`), with the store's problems."""
    if prefix + "refused" in st.session_state:
        message, problems = st.session_state.pop(prefix + "refused")
        st.error(escape_markdown(message), icon=":material/block:")
        if problems:
            show_table(problems_table(problems, lang), prefix + "refused_table")


def check_upload_once(
    prefix: str,
    upload,
    state: tuple,
    check: Callable[[bytes, Callable[[str], None]], UploadCheck],
    preview: Callable[[Any], Any],
    preview_step: str,
    lang: str,
) -> Checked:
    """Return the check (and, for a usable file, the preview) of an uploaded file, kept in the session under
    `prefix + "checked"` and redone only when the file or `state` (the store's versions) changes; while it
    runs, a status box names each step (`imports.step.*`, then the text key `preview_step`)."""
    content = upload.getvalue()
    key = (hashlib.sha256(content).hexdigest(), upload.name, *state)
    checked = st.session_state.get(prefix + "checked")
    if checked is not None and checked.key == key:
        return checked
    file = escape_markdown(upload.name)
    with st.status(t("imports.checking", lang, file=file), expanded=True) as status:
        result = check(content, lambda step: st.write(t(f"imports.step.{step}", lang)))
        previewed = None
        if result.ok:
            st.write(t(preview_step, lang))
            previewed = preview(result.clean)
        if result.unreadable:
            label, state_ = t("imports.unreadable", lang, file=file), "error"
        elif result.ok:
            label, state_ = t("imports.checked_ok", lang, file=file), "complete"
        else:
            label, state_ = t("imports.checked_bad", lang, file=file), "error"
        status.update(label=label, state=state_, expanded=False)
    checked = Checked(key, upload.name, result, previewed)
    st.session_state[prefix + "checked"] = checked
    return checked


def check_report(prefix: str, checked: Checked, ok_text: str, lang: str) -> None:
    """Show the outcome of a check: the summary (`ok_text` for a usable file), then the located problems as
    a table with its Excel and CSV downloads."""
    check = checked.check
    n_err, n_warn = len(check.errors), len(check.warnings)
    if check.unreadable:
        problem = check.errors[0]
        where = problem.location(lang)  # a file refused before reading names its sheet when it has one
        text = f"{where}: {problem.message(lang)}" if where else problem.message(lang)
        st.error(escape_markdown(text), icon=":material/error:")
        return
    if check.ok:
        st.success(ok_text, icon=":material/task_alt:")
        if n_warn:
            st.warning(t("imports.summary_warnings", lang, count=format_number(n_warn, 0, lang)))
    else:
        errors, warnings = format_number(n_err, 0, lang), format_number(n_warn, 0, lang)
        st.error(t("imports.summary_errors", lang, errors=errors, warnings=warnings), icon=":material/error:")
    if not check.problems:
        return
    report = problems_table(check.problems, lang)
    # Information lines (automatic corrections) are neither errors nor warnings: shown apart, below.
    shown = [p for p in check.problems if p.severity != pb.Severity.INFO]
    if shown:
        st.markdown(f"**{t('imports.report', lang)}**")
        show_table(problems_table(shown, lang), prefix + "report")
    notes(prefix, check.problems, lang)
    title = [t("imports.report_title", lang, file=checked.file_name, date=format_date(dt.date.today(), lang))]
    stem = slug(checked.file_name)
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button(
        t("imports.report_xlsx", lang),
        data=table_workbook_bytes(report, t("imports.report_sheet", lang), title),
        file_name=t("imports.report_file", lang, stem=stem, ext="xlsx"),
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
        key=prefix + "report_xlsx",
    )
    c2.download_button(
        t("imports.report_csv", lang),
        data=csv_bytes(report),
        file_name=t("imports.report_file", lang, stem=stem, ext="csv"),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=prefix + "report_csv",
    )


def notes(prefix: str, problems: list[pb.Problem], lang: str) -> None:
    """Show the information lines (place names read as their standard spelling) apart, in an expander."""
    found = [p for p in problems if p.severity == pb.Severity.INFO]
    if not found:
        return
    label = t("imports.notes", lang, count=format_number(len(found), 0, lang))
    with st.expander(label, icon=":material/spellcheck:"):
        st.caption(t("imports.notes_help", lang))
        show_table(problems_table(found, lang), prefix + "notes")


def rollback_form(
    prefix: str,
    years: list[int],
    versions_of: Callable[[int], list[VersionInfo]],
    rollback: Callable[..., RollbackOutcome],
    lang: str,
    *,
    option_key: str = "imports.rollback_option",
    counted: str = "coops",
) -> str | None:
    """Show the expander that makes an earlier version of a year current again, or none ("no data": the
    year then has no version in force), a ticked confirmation required, only to whoever may roll back; return
    the store's message once a rollback is done, else None.

    `years` are the years with any stored version (a year rolled back to "no data" included).
    `rollback(year, version, by, note, identity=...)` (version None: no data) writes as the logged-in
    identity, named in the form. `option_key` words each version (with `rows`: its row count of sheet
    `counted`)."""
    if not auth.allowed(Permission.ROLLBACK):
        return None
    with st.expander(t("imports.rollback", lang), icon=":material/history:"):
        st.caption(t("imports.rollback_text", lang))
        year = st.selectbox(t("imports.rollback_year", lang), list(reversed(years)), key=prefix + "rb_year")
        stored = versions_of(year)
        others = [v for v in stored if not v.current]
        in_force = len(others) < len(stored)
        if not in_force:
            st.caption(t("imports.rollback_none_now", lang, year=year))
        labels: dict[int | str, str] = {
            v.version: t(
                option_key,
                lang,
                version=v.version,
                at=local_time(v.imported_at),
                by=v.imported_by,
                rows=format_number(v.row_counts.get(counted, 0), 0, lang),
                note=f" · {v.note}" if v.note else "",
            )
            for v in reversed(others)
        }
        if in_force:
            labels[NO_DATA] = t("imports.rollback_none_option", lang, year=year)
        if not labels:
            st.caption(t("imports.rollback_only_one", lang, year=year))
            return None
        who = auth.identity()
        with st.form(prefix + "rollback"):
            version = st.selectbox(
                t("imports.rollback_version", lang),
                list(labels),
                format_func=labels.get,
                key=prefix + "rb_version",
            )
            if in_force:
                st.caption(t("imports.rollback_none_text", lang))
            note = st.text_input(t("imports.note", lang), key=prefix + "rb_note")
            st.caption(t("imports.rollback_by", lang, name=escape_markdown(who.name)))
            ok = st.checkbox(t("imports.rollback_confirm", lang, year=year), key=prefix + "rb_ok")
            go = st.form_submit_button(t("imports.rollback_button", lang), icon=":material/restore:")
        if not go:
            return None
        if not ok:
            st.error(t("imports.need_confirm", lang))
        else:
            from kpi.store.versions import StoreError

            try:
                number = None if version == NO_DATA else int(version)
                return rollback(int(year), number, who.name, note or None, identity=who).message(lang)
            except StoreError as exc:
                st.error(escape_markdown(exc.problem.message(lang)))
    return None


def in_force(prefix: str, sources: pd.DataFrame, lang: str, rows_header: str | None = None) -> None:
    """Show the version in force of each year of a kind, newest year first: `sources` has the columns of
    `kpi.reports.brief.version_sources` and, when `rows_header` names it, `rows` (the rows counted)."""
    if not len(sources):
        return
    st.markdown(f"**{t('imports.sources', lang)}**")
    shown = sources.sort_values("year", ascending=False, kind="stable")
    kinds = {True: t("imports.sources.sample", lang), False: t("imports.sources.real", lang)}
    columns = {
        t("imports.sources.year", lang): shown["year"].astype("Int64").astype("str"),
        t("imports.sources.version", lang): shown["version"],
        t("imports.sources.kind", lang): shown["is_sample"].map(kinds),
    }
    if rows_header is not None:
        columns[t(rows_header, lang)] = shown["rows"]
    columns |= {
        t("imports.sources.file", lang): shown["file_name"],
        t("imports.sources.by", lang): shown["imported_by"],
        t("imports.sources.at", lang): shown["imported_at"].map(
            lambda v: local_time(pd.Timestamp(v).to_pydatetime())
        ),
    }
    st.dataframe(pd.DataFrame(columns), hide_index=True, key=prefix + "sources")


def versions_in_force(store, kind_id: str, counted: str) -> pd.DataFrame:
    """Return the version in force of each year of a kind as `in_force` shows it (the columns of
    `kpi.reports.brief.version_sources`), with `rows`, its row count of sheet `counted`."""
    current = [v for year in store.years(kind_id) for v in store.versions(year, kind=kind_id) if v.current]
    return pd.DataFrame(
        {
            "year": [v.year for v in current],
            "version": [v.version for v in current],
            "file_name": [v.file_name for v in current],
            "imported_at": [v.imported_at for v in current],
            "imported_by": [v.imported_by for v in current],
            "is_sample": [v.is_sample for v in current],
            "rows": [v.row_counts.get(counted, 0) for v in current],
        }
    )


def history_and_rollback(
    prefix: str,
    store,
    kind_id: str,
    lang: str,
    *,
    counted: str,
    counted_header: str = "imports.history.rows",
    option_key: str = "imports.rollback_option",
) -> tuple[pd.DataFrame, str | None]:
    """Show the history of a kind's versions and the rollback form (step 4 of page 6, for every kind); return
    the history and the store's message once a rollback is done (else None).

    `counted` is the sheet whose rows the history and the versions of the form count (`counted_header`,
    `option_key` word them)."""
    history = store.history(kind=kind_id)
    st.markdown(f"**{t('imports.history', lang)}**")
    if history.empty:
        st.caption(t("imports.history_empty", lang))
    else:
        table = history_table(history, lang, counted=counted, counted_header=counted_header)
        st.dataframe(table, hide_index=True, key=prefix + "history", height=min(38 + 35 * len(table), 420))
    years = store.stored_years(
        kind_id
    )  # a year rolled back to "no data" can have a version made current again
    if not years or state.present():
        return history, None
    done = rollback_form(
        prefix,
        years,
        lambda year: store.versions(year, kind=kind_id),
        lambda year, number, by, note, identity: store.rollback(
            year, number, by, note, kind=kind_id, identity=identity
        ),
        lang,
        option_key=option_key,
        counted=counted,
    )
    return history, done


def restore_sample(store, by: str, identity: Identity | None) -> list[tuple[str, int, int]]:
    """Put the sample data of both kinds (statistics, task progress reports) back into the store as sample
    versions, in one transaction, each an event (`kpi.store.versions.Store.restore_sample`: refused while real data
    is in force); return the (kind, year, version)s written. Raise StoreError when `identity` may not
    restore the sample data (asked before any sample file is read) or a sample file is not usable."""
    denied = refusal(identity, Permission.SAMPLE)
    if denied is not None:
        raise StoreError(denied)
    samples = [store.sample_version(data, name) for name, data in stats_sample.sample_workbooks()]
    samples += [store.sample_version(data, name, TASKS) for name, data in tasks_sample.sample_workbooks()]
    return store.restore_sample(by, samples, identity=identity)


def _confirmed_form(
    prefix: str, form: str, ok_key: str, confirm: str, button: str, icon: str, lang: str
) -> bool:
    """Lay out a form with a confirmation box and a button; return True when the button was pressed with the
    box ticked (pressed without it: say so and return False)."""
    with st.form(prefix + form):
        ok = st.checkbox(confirm, key=prefix + ok_key)
        go = st.form_submit_button(button, icon=icon)
    if go and not ok:
        st.error(t("imports.need_confirm", lang))
    return go and ok


def sample_section(prefix: str, store, lang: str) -> str | None:
    """Lay out the sample data of every kind, for whoever may remove or restore it: while sample versions are
    stored, their years and the form that removes them all (`Store.delete_sample`); once removed (after
    something was stored), the form that puts them back (`restore_sample`), or why it cannot while a year
    uses real data. Return the store's message once something is done, else None."""
    if state.present() or not auth.allowed(Permission.SAMPLE):
        return None
    stored = store.sample_versions()
    if stored:
        with st.expander(t("imports.sample_section", lang), icon=":material/science:"):
            years = ", ".join(str(y) for y in sorted({year for _, year, _ in stored}))
            st.markdown(t("imports.sample_section_text", lang, years=years))
            confirm, delete = t("imports.sample_delete_confirm", lang), t("imports.sample_delete", lang)
            if not _confirmed_form(prefix, "sample", "sd_ok", confirm, delete, ":material/delete:", lang):
                return None
            who = auth.identity()
            removed = store.delete_sample(who.name, identity=who)
            after_write()
            return store_text("sample_removed", lang, count=len(removed))
    if all(store.history(kind=each.id).empty for each in all_kinds()):
        return None  # nothing ever stored: the dashboard loads the sample into an empty store on its own
    # After the sample was removed (by the first real import or by hand): a way to put it back, never over
    # real data (the store refuses it too).
    with st.expander(t("imports.sample_restore_section", lang), icon=":material/science:"):
        st.markdown(t("imports.sample_restore_text", lang))
        real_years = sorted({year for each in all_kinds() for year in store.years(each.id)})
        if real_years:
            years = ", ".join(map(str, real_years))
            st.info(t("imports.sample_restore_blocked", lang, years=years), icon=":material/info:")
            return None
        confirm, restore = t("imports.sample_restore_confirm", lang), t("imports.sample_restore", lang)
        if not _confirmed_form(
            prefix, "sample_restore", "sr_ok", confirm, restore, ":material/restore:", lang
        ):
            return None
        who = auth.identity()
        try:
            restored = restore_sample(store, who.name, who)
        except StoreError as exc:
            st.error(escape_markdown(exc.problem.message(lang)), icon=":material/block:")
            return None
        after_write()
        return store_text("sample_restored", lang, count=len(restored))
