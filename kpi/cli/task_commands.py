"""Commands of the plan's tasks, added to `python -m kpi` (see kpi/cli/main.py):

    python -m kpi tasks [--db URL] [--format table|json] [--today YYYY-MM-DD]
    python -m kpi tasks-template OUT.xlsx
    python -m kpi tasks-check FILE.xlsx [--today YYYY-MM-DD]
    python -m kpi tasks-import FILE.xlsx [--by NAME] [--note TEXT] [--replace-sample] [--db URL]
    python -m kpi tasks-history [--year Y] [--db URL]
    python -m kpi tasks-rollback --year Y (--version N | --to-none) [--by NAME] [--note TEXT] [--db URL]

`tasks --format json` prints a list with one object per task (kpi.tasks.rules.tasks_to_records): group, number,
lead_agency, deadline (ISO date or null), recurrence, status (id or null), overdue, inferred (field names),
text, output, time_frame. Exit codes as for the other commands: 0 done, 1 rejected or refused, 2 the file
or the store cannot be read at all.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, print_rejected, t
from kpi.cli.store_commands import add_rollback_target, cell_text, cli_identity, render_history
from kpi.common import problems as pb
from kpi.common.formatting import format_date, format_number
from kpi.common.settings import load_settings

TEXTS = {
    "title": {
        "vi": "Các nhiệm vụ của Kế hoạch {plan} (tình hình đến {today})",
        "en": "Tasks of Plan {plan} (as of {today})",
    },
    "header": {
        "vi": ("Mã", "Cơ quan chủ trì", "Thời gian", "Tình trạng mới nhất", "Kỳ báo cáo", "Quá hạn"),
        "en": ("Task", "Lead agency", "Time frame", "Latest status", "Period", "Overdue"),
    },
    "never": {"vi": "Chưa có báo cáo", "en": "No report yet"},
    "whole_year": {"vi": "Năm {year}", "en": "{year}"},
    "quarter": {"vi": "Quý {quarter}/{year}", "en": "Q{quarter} {year}"},
    "deadline_passed": {"vi": "Có — hạn {deadline} đã qua", "en": "Yes — deadline {deadline} passed"},
    "missing_reports": {"vi": "Có — thiếu báo cáo năm {years}", "en": "Yes — no report for {years}"},
    "summary": {
        "vi": "{total} nhiệm vụ: {counts}. Quá hạn: {overdue}.",
        "en": "{total} tasks: {counts}. Overdue: {overdue}.",
    },
    "count": {"vi": "{label} {n}", "en": "{label} {n}"},
    "usable": {
        "vi": "Tệp dùng được: {n} dòng báo cáo của năm {year}.",
        "en": "The workbook can be used: {n} report rows of {year}.",
    },
    "nothing_stored": {"vi": "Không có gì được lưu vào kho dữ liệu.", "en": "Nothing was stored."},
    "no_history": {
        "vi": "Chưa có lần nhập báo cáo tiến độ nào.",
        "en": "No progress report has been imported yet.",
    },
    "history_header": {
        "vi": ("Thời điểm", "Thao tác", "Năm", "Phiên bản", "Người thực hiện", "Tệp", "Số dòng", "Ghi chú"),
        "en": ("Time", "Action", "Year", "Version", "By", "File", "Rows", "Note"),
    },
    "import": {"vi": "Nhập báo cáo", "en": "Import"},
    "import_sample": {"vi": "Nhập báo cáo mẫu", "en": "Import sample"},
    "rollback": {
        "vi": "Khôi phục (trước đó: phiên bản {previous})",
        "en": "Rollback (before: version {previous})",
    },
    "delete_sample": {"vi": "Xoá dữ liệu mẫu", "en": "Remove sample data"},
    "bad_date": {
        "vi": "Ngày '{value}' không hợp lệ; cần dạng YYYY-MM-DD, ví dụ 2025-12-31.",
        "en": "Date '{value}' is not valid; expected YYYY-MM-DD, e.g. 2025-12-31.",
    },
}


def _t(key: str, lang: str, **kw: object) -> str:
    return TEXTS[key][lang].format(**kw)


def register_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the task commands to the parser of `python -m kpi`."""

    p = add("tasks", cmd_tasks, "list the plan's 34 tasks with their latest status and the overdue ones")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--today", type=_iso_date, help="judge deadlines as of this day (YYYY-MM-DD; default today)"
    )
    _add_db(p)

    p = add("tasks-template", cmd_tasks_template, "write the blank progress-report template of the tasks")
    p.add_argument("out", help="output .xlsx file")

    p = add("tasks-check", cmd_tasks_check, "validate a progress-report workbook without storing anything")
    p.add_argument("file", help="workbook (.xlsx, .xlsm, .xls)")
    p.add_argument("--today", type=_iso_date, help="the day the reporting years end at (default today)")

    p = add(
        "tasks-import",
        cmd_tasks_import,
        "validate a progress report and store it as a new version of its year",
    )
    p.add_argument("file", help="workbook (.xlsx, .xlsm, .xls)")
    p.add_argument("--by", help="who imports (default: the login name)")
    p.add_argument("--note", help="a note kept with the version")
    p.add_argument(
        "--replace-sample", action="store_true", help="remove the sample data in the same transaction"
    )
    _add_db(p)

    p = add("tasks-history", cmd_tasks_history, "list the imports and rollbacks of progress reports")
    p.add_argument("--year", type=int)
    _add_db(p)

    p = add(
        "tasks-rollback",
        cmd_tasks_rollback,
        "make an earlier progress-report version of a year current again, or none (--to-none)",
    )
    add_rollback_target(p)
    p.add_argument("--by", help="who rolls back (default: the login name)")
    p.add_argument("--note", help="why")
    _add_db(p)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database URL (default: KPI_DATABASE_URL or the embedded SQLite file)")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_t("bad_date", "vi", value=text)) from exc


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in containers without a passwd entry
        return "?"


def _safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "?"


def _with_store(command: Callable[[argparse.Namespace, object], int]) -> Callable[[argparse.Namespace], int]:
    """Return a command that opens the store, runs, and turns the store's refusals into messages."""

    def run(args: argparse.Namespace) -> int:
        from kpi.store.versions import StoreError, open_store

        url = args.db or load_settings().database_url
        try:
            store = open_store(url)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            problem = pb.error(
                "store_unreachable", url=_safe_url(url), detail=lines[0][:200] if lines else ""
            )
            print(problem.line(args.lang), file=sys.stderr)
            return EXIT_UNREADABLE
        try:
            return command(args, store)
        except StoreError as exc:
            print(exc.problem.line(args.lang), file=sys.stderr)
            return EXIT_REJECTED
        finally:
            store.close()

    run.__name__ = command.__name__
    run.__doc__ = command.__doc__
    return run


def _print_problems(problems: list[pb.Problem], lang: str) -> None:
    for line in pb.summarise(problems, load_settings().max_listed_problems, lang):
        print(line)


# --- tasks --------------------------------------------------------------------------------------------------


def _tasks(args: argparse.Namespace, store) -> int:
    """Print every task with its latest status and whether it is overdue (table or JSON)."""
    from kpi.store.task_versions import load_task_reports
    from kpi.tasks.rules import latest_status, overdue, tasks_to_records
    from kpi.workbook.task_contract import default_tasks

    tasks = default_tasks()
    today = args.today or date.today()
    reports = load_task_reports(store)
    latest = latest_status(tasks, reports)
    flags = overdue(tasks, reports, today)
    if args.format == "json":
        json.dump(tasks_to_records(tasks, latest, flags), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(render_tasks(tasks, latest, flags, today, args.lang))
    return EXIT_OK


def render_tasks(tasks, latest, flags, today: date, lang: str = "vi") -> str:
    """Return the tasks as a plain-text table, in plan order, with a summary line of counts by status."""
    latest_of = {(r["group"], int(r["number"])): r for r in latest.to_dict("records")}
    flag_of = {(r["group"], int(r["number"])): r for r in flags.to_dict("records")}
    rows: list[tuple[str, ...]] = [TEXTS["header"][lang]]
    for task in tasks:
        report, flag = latest_of[task.key], flag_of[task.key]
        status = report["status"]
        rows.append(
            (
                task.label,
                "; ".join(
                    tasks.agencies[a].short_vi if lang == "vi" else tasks.agencies[a].name_en
                    for a in task.lead_agencies
                ),
                task.time_frame,
                tasks.status_label(status, lang) if status else _t("never", lang),
                _period(report["year"], report["quarter"], lang),
                _overdue_text(flag, lang),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [_t("title", lang, plan=tasks.plan.get("number", ""), today=format_date(today, lang)), ""]
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    counts = latest["status"].value_counts()
    parts = [
        _t(
            "count",
            lang,
            label=s.vi if lang == "vi" else s.en,
            n=format_number(int(counts.get(s.id, 0)), 0, lang),
        )
        for s in tasks.statuses
    ]
    parts.append(_t("count", lang, label=_t("never", lang), n=int(latest["status"].isna().sum())))
    lines += [
        "",
        _t(
            "summary",
            lang,
            total=len(tasks),
            counts="; ".join(parts),
            overdue=int(flags["overdue"].sum()),
        ),
    ]
    return "\n".join(lines)


def _blank(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _period(year: object, quarter: object, lang: str) -> str:
    if _blank(year):
        return ""
    if _blank(quarter):
        return _t("whole_year", lang, year=int(year))  # type: ignore[call-overload]
    return _t("quarter", lang, quarter=int(quarter), year=int(year))  # type: ignore[call-overload]


def _overdue_text(flag: dict, lang: str) -> str:
    if not flag["overdue"]:
        return ""
    if flag["reason"] == "deadline_passed":
        return _t("deadline_passed", lang, deadline=format_date(flag["deadline"], lang))
    return _t("missing_reports", lang, years=", ".join(str(y) for y in flag["missing_years"]))


# --- workbooks ----------------------------------------------------------------------------------------------


def cmd_tasks_template(args: argparse.Namespace) -> int:
    """Write the blank progress template."""
    from kpi.workbook.task_reports import write_task_workbook

    write_task_workbook(Path(args.out))
    print(t("written", args.lang, path=args.out))
    return EXIT_OK


def cmd_tasks_check(args: argparse.Namespace) -> int:
    """Validate a progress workbook and print every problem; store nothing."""
    from kpi.workbook.reader import read_file_within_limits
    from kpi.workbook.task_contract import default_tasks
    from kpi.workbook.task_reports import read_task_workbook, validate_task_workbook

    tasks = default_tasks()
    raw = read_file_within_limits(
        Path(args.file), lambda data, limits: read_task_workbook(data, tasks, limits)
    )
    if isinstance(raw, list):
        return print_rejected(raw, args.lang)
    result = validate_task_workbook(raw, tasks, args.today)
    _print_problems(result.problems, args.lang)
    if result.ok:
        assert result.clean is not None
        print(_t("usable", args.lang, n=len(result.clean.reports), year=result.clean.year))
        return EXIT_OK
    print(t("has_errors", args.lang, errors=len(result.errors), warnings=len(result.warnings)))
    return EXIT_REJECTED


def _import(args: argparse.Namespace, store) -> int:
    """Store a progress workbook as a new version of its year; print its problems, then the outcome."""
    from kpi.store.task_versions import import_task_workbook
    from kpi.store.versions import Status

    path = Path(args.file)
    too_large = store.size_problem(path.stat().st_size)  # refuse a huge file before reading it into memory
    if too_large is not None:
        print_rejected([too_large], args.lang)
        print(_t("nothing_stored", args.lang), file=sys.stderr)
        return EXIT_REJECTED
    outcome = import_task_workbook(
        store,
        path.read_bytes(),
        path.name,
        _login_name() if args.by is None else args.by,
        args.note,
        replace_sample=args.replace_sample,
        identity=cli_identity(),
    )
    lang = args.lang
    if outcome.status == Status.BUSY:
        print(outcome.message(lang), file=sys.stderr)
        return EXIT_REJECTED
    _print_problems(outcome.problems, lang)
    if outcome.status == Status.REJECTED:
        warnings = len(outcome.problems) - len(outcome.errors)
        print(t("has_errors", lang, errors=len(outcome.errors), warnings=warnings))
        print(_t("nothing_stored", lang), file=sys.stderr)
        return EXIT_REJECTED
    print(outcome.message(lang))
    return EXIT_OK


def _history(args: argparse.Namespace, store) -> int:
    """Print every import and rollback of progress reports, oldest first."""
    from kpi.store.task_versions import task_history

    lang = args.lang
    history = task_history(store, args.year)
    if history.empty:
        print(_t("no_history", lang))
        return EXIT_OK
    print(render_history(history, lang, texts=TEXTS, counts=_report_rows))
    return EXIT_OK


def _report_rows(row_counts: dict, lang: str) -> str:
    """Return the number of report rows of a version (a progress report has one sheet of rows)."""
    return cell_text(next(iter(row_counts.values()), None))


def _rollback(args: argparse.Namespace, store) -> int:
    """Make a stored progress-report version current again; print what changed."""
    from kpi.store.task_versions import rollback_tasks

    by = _login_name() if args.by is None else args.by
    version = None if args.to_none else args.version
    outcome = rollback_tasks(store, args.year, version, by, args.note, identity=cli_identity())
    print(outcome.message(args.lang))
    return EXIT_OK


cmd_tasks = _with_store(_tasks)
cmd_tasks_import = _with_store(_import)
cmd_tasks_history = _with_store(_history)
cmd_tasks_rollback = _with_store(_rollback)
