"""The list of the plan's tasks, added to `python -m kpi` (see kpi/cli/main.py):

    python -m kpi tasks [--db URL] [--format table|json] [--today YYYY-MM-DD]

`tasks --format json` prints a list with one object per task (kpi.tasks.rules.tasks_to_records): group, number,
lead_agency, deadline (ISO date or null), recurrence, status (id or null), overdue, inferred (field names),
text, output, time_frame. The progress-report workbooks have the verbs of every kind of workbook
(kpi/cli/store_commands.py: `tasks-template`, `tasks-check`, `tasks-import`, `tasks-export`, `tasks-history`,
`tasks-rollback`). Exit codes as for the other commands: 0 done, 2 the store cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date

import pandas as pd

from kpi.cli.main import EXIT_OK
from kpi.cli.store_commands import add_db, iso_date, text_table, with_store
from kpi.common.formatting import format_date, format_number
from kpi.common.i18n import t as catalog_text


def _t(key: str, lang: str, **kw: object) -> str:
    return catalog_text(f"cli.tasks.{key}", lang, **kw)


def register_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `tasks` to the parser of `python -m kpi`."""
    p = add("tasks", cmd_tasks, "list the plan's 34 tasks with their latest status and the overdue ones")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--today", type=iso_date, help="judge deadlines as of this day (YYYY-MM-DD; default today)"
    )
    add_db(p)


# --- tasks --------------------------------------------------------------------------------------------------


def _tasks(args: argparse.Namespace, store) -> int:
    """Print every task with its latest status and whether it is overdue (table or JSON)."""
    from kpi.store.versions import TASKS
    from kpi.tasks.rules import latest_status, overdue, tasks_to_records
    from kpi.workbook.task_contract import REPORT, default_tasks

    tasks = default_tasks()
    today = args.today or date.today()
    reports = store.load_rows(TASKS, REPORT.id)
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
    rows: list[tuple[str, ...]] = [tuple(_t("header", lang).split("|"))]
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
    lines = [_t("title", lang, plan=tasks.plan.get("number", ""), today=format_date(today, lang)), ""]
    lines.append(text_table(rows))
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


cmd_tasks = with_store(_tasks)
