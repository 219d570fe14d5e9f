"""The verbs of the workbooks and the store, written once for every kind of workbook (`kpi.workbook.kinds`):

    python -m kpi template OUT.xlsx [--kind K] [--from-year Y] [--db URL]
    python -m kpi check FILE.xlsx [--kind K] [--today YYYY-MM-DD] [--db URL]
    python -m kpi import FILE.xlsx [--kind K] [--year Y] [--by NAME] [--note TEXT] [--replace-sample] [--db URL]
    python -m kpi export --year Y OUT.xlsx [--kind K] [--version N] [--db URL]
    python -m kpi history [--kind K] [--year Y] [--db URL]
    python -m kpi rollback --year Y (--version N | --to-none) [--kind K] [--by NAME] [--note TEXT] [--db URL]

`--kind` is `stats` (default) or `tasks`; `tasks-template`, `tasks-check`, `tasks-import`, `tasks-export`,
`tasks-history` and `tasks-rollback` are the same verbs for the task progress reports (their first names).
`check --db` also compares a statistics workbook with the year before in the store (warnings only).

Exit codes as for the other commands: 0 done, 1 rejected or refused (the problem lines, or the reason), 2 the
file or the store cannot be read at all. Nothing heavy (pandas, SQLAlchemy) is imported before a verb runs,
so that `python -m kpi --help` stays fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, print_problems, print_rejected, t
from kpi.common import problems as pb
from kpi.common.formatting import format_number
from kpi.common.i18n import t as catalog_text
from kpi.common.settings import load_settings

STATS, TASKS = (
    "stats",
    "tasks",
)  # the kinds registered in kpi.workbook.kinds (not imported here: it loads pandas)
TASKS_PREFIX = "tasks-"  # the first names of the verbs of the task progress reports

VERBS: dict[str, str] = {
    "template": "write the blank workbook template of a kind (default: statistics)",
    "check": "validate a workbook without storing anything",
    "import": "validate a workbook and store it as a new version of its reporting year",
    "export": "write the current data of a year as a workbook in the template's format",
    "history": "list the imports, rollbacks and removals of sample data",
    "rollback": "make an earlier version of a year current again, or none (--to-none)",
}
TASK_HELP: dict[str, str] = {
    "template": "write the blank progress-report template of the tasks",
    "check": "validate a progress-report workbook without storing anything",
    "import": "validate a progress report and store it as a new version of its year",
    "export": "write the progress reports of a year as a workbook",
    "history": "list the imports and rollbacks of progress reports",
    "rollback": "make an earlier progress-report version of a year current again, or none (--to-none)",
}


def command_names() -> dict[str, str]:
    """Return every command name of this module with its help: the verbs and their `tasks-` names."""
    return {**VERBS, **{TASKS_PREFIX + verb: help_text for verb, help_text in TASK_HELP.items()}}


def register_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the verbs to the parser of `python -m kpi`: once with `--kind`, once under each `tasks-` name."""
    for verb, help_text in VERBS.items():
        p = add(verb, RUN[verb], help_text)
        p.add_argument(
            "--kind", choices=(STATS, TASKS), default=STATS, help="kind of workbook (default stats)"
        )
        ARGUMENTS[verb](p)
    for verb, help_text in TASK_HELP.items():
        p = add(TASKS_PREFIX + verb, RUN[verb], help_text)
        p.set_defaults(kind=TASKS)
        ARGUMENTS[verb](p)


def add_db(p: argparse.ArgumentParser, help_text: str | None = None) -> None:
    """Add `--db` to a command."""
    p.add_argument(
        "--db", help=help_text or "database URL (default: KPI_DATABASE_URL or the embedded SQLite file)"
    )


def iso_date(text: str) -> date:
    """Return the day written YYYY-MM-DD (an argparse type)."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("bad_date", "vi", value=text)) from exc


def _template_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", help="output .xlsx file")
    p.add_argument(
        "--from-year",
        type=int,
        metavar="Y",
        help="prefill it with the data in force of year Y in the store (start next year from it)",
    )
    add_db(p, "database URL for --from-year (default: KPI_DATABASE_URL or the embedded SQLite file)")


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="workbook (.xlsx, .xlsm, .xls)")
    p.add_argument("--today", type=iso_date, help="the day the reporting years end at (default today)")
    add_db(p, "also compare with the year before in this store (database URL; warnings only, never an error)")


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="workbook (.xlsx, .xlsm, .xls)")
    p.add_argument("--year", type=int, help="the reporting year expected (the workbook's year must match)")
    p.add_argument("--by", help="who imports (default: the login name)")
    p.add_argument("--note", help="a note kept with the version")
    p.add_argument(
        "--replace-sample", action="store_true", help="remove the sample data in the same transaction"
    )
    p.add_argument("--today", type=iso_date, help="the day the reporting years end at (default today)")
    add_db(p)


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--version", type=int, help="another stored version than the current one")
    p.add_argument("out", help="output .xlsx file")
    add_db(p)


def _history_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int)
    add_db(p)


def _rollback_arguments(p: argparse.ArgumentParser) -> None:
    """Add `--year` and the target of a rollback: `--version N`, or `--to-none` (the year then has no current
    version: "no data"; every version stays stored)."""
    p.add_argument("--year", type=int, required=True)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--version", type=int, help="the stored version to make current")
    target.add_argument(
        "--to-none",
        action="store_true",
        help="leave the year with no current version (no data); a later rollback can make one current again",
    )
    p.add_argument("--by", help="who rolls back (default: the login name)")
    p.add_argument("--note", help="why")
    add_db(p)


def login_name() -> str:
    """Return the operating-system login name ("?" when there is none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in containers without a passwd entry
        return "?"


def cli_identity():
    """Return who acts from the command line: the operating-system user (recorded beside `--by`)."""
    from kpi.common.access import command_line

    return command_line(login_name())


def _options(args: argparse.Namespace) -> dict[str, object]:
    """Return the options of the kind's reader and validator given on the command line."""
    today = getattr(args, "today", None)
    return {} if today is None else {"today": today}


def with_store(command: Callable[[argparse.Namespace, object], int]) -> Callable[[argparse.Namespace], int]:
    """Return a command that opens the store of `--db`, runs, and turns the store's refusals into messages
    (exit 1), and a store that cannot be reached into its message (exit 2)."""

    def run(args: argparse.Namespace) -> int:
        import sqlalchemy as sa

        from kpi.stats.results import keep_results
        from kpi.store.versions import StoreError, open_store

        url = args.db or load_settings().database_url
        try:
            store = keep_results(open_store(url))  # an import or a rollback keeps its version's results
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


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "?"


def _kind_text(args: argparse.Namespace, key: str, **kw: object) -> str:
    return catalog_text(f"kinds.{args.kind}.cli.{key}", args.lang, **kw)


# --- template and check (no store needed) ------------------------------------------------------------------


def cmd_template(args: argparse.Namespace) -> int:
    """Write the blank template of a kind, or one prefilled with a stored year (`--from-year`)."""
    from xlsxwriter.exceptions import FileCreateError

    from kpi.workbook.kinds import kind

    try:
        if args.from_year is not None:  # prefilled with the version in force of that year in the store
            args.year, args.version = args.from_year, None
            return cmd_export(args)
        kind(args.kind).export(Path(args.out), None)
    except FileCreateError as exc:  # a folder, a missing folder, no permission
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else exc
        detail = getattr(cause, "strerror", None) or str(cause)
        print(t("write_error", args.lang, file=args.out, error=detail), file=sys.stderr)
        return EXIT_UNREADABLE
    print(t("written", args.lang, path=args.out))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a workbook and print every problem (the statistics: first the year-on-year warnings against
    the store of `--db`); store nothing."""
    from kpi.workbook.kinds import kind
    from kpi.workbook.upload import check_upload

    workbook_kind = kind(args.kind)
    checked = check_upload(Path(args.file), workbook_kind, **_options(args))
    if checked.refused is not None:
        raise checked.refused
    result = checked.validation
    if result is None:
        return print_rejected(checked.problems, args.lang)
    compared = None
    if result.ok and args.db and args.kind == STATS:  # the year before in the store, printed first
        code, compared = compare_with_store(args, result.clean)
        if compared is None:
            return code
    print_problems((compared[0] if compared else []) + result.problems, args.lang)
    if not result.ok:
        print(t("has_errors", args.lang, errors=len(result.errors), warnings=len(result.warnings)))
        return EXIT_REJECTED
    counts = workbook_kind.row_counts(result.clean)
    print(_kind_text(args, "usable", year=result.clean.year, **counts))
    if compared is not None:
        warnings, present = compared
        prev = result.clean.year - 1
        print(
            t("year_compared", args.lang, prev=prev, n=len(warnings))
            if present
            else t("year_absent", args.lang, prev=prev)
        )
    return EXIT_OK


def compare_with_store(args: argparse.Namespace, clean) -> tuple[int, tuple[list[pb.Problem], bool] | None]:
    """Return (exit code, (the year-on-year warnings of `clean` against the store of `args.db`, whether the
    year before is stored)); the second is None, its message printed, when the store could not be used."""
    from kpi.stats.preview import against_store

    found = []

    def compare(_args: argparse.Namespace, store) -> int:
        found.append(against_store(store, clean))
        return EXIT_OK

    code = with_store(compare)(args)
    return code, (found[0] if found else None)


# --- the store ------------------------------------------------------------------------------------------------


def _import(args: argparse.Namespace, store) -> int:
    """Store a workbook as a new version of its year; print its problems (the statistics: year-on-year
    warnings first), then the outcome."""
    from kpi.store.versions import Status

    path = Path(args.file)
    lang = args.lang
    outcome = store.import_workbook(
        path,
        path.name,
        args.year,
        login_name() if args.by is None else args.by,
        args.note,
        kind=args.kind,
        replace_sample=args.replace_sample,
        identity=cli_identity(),
        **_options(args),
    )
    if outcome.status == Status.BUSY:
        print(outcome.message(lang), file=sys.stderr)
        return EXIT_REJECTED
    if outcome.status == Status.REJECTED:
        print_rejected(outcome.problems, lang)
        print(t("nothing_stored", lang), file=sys.stderr)
        return EXIT_REJECTED
    year_warnings: list[pb.Problem] = []
    clean = outcome.validation.clean if outcome.validation else None
    if args.kind == STATS and clean is not None:
        from kpi.stats.preview import against_store

        year_warnings = against_store(store, clean)[0]  # warnings only, first
    print_problems(year_warnings + outcome.problems, lang)
    print(outcome.message(lang))
    return EXIT_OK


def _history(args: argparse.Namespace, store) -> int:
    """Print the current versions of the kind, then every event, oldest first."""
    lang = args.lang
    history = store.history(args.year, kind=args.kind)
    if history.empty:
        if args.year is None:
            print(_kind_text(args, "no_history"))
        else:
            print(t("no_history_year", lang, year=args.year))
        return EXIT_OK
    current = store.current_versions(args.kind)
    if args.year is not None:
        current = {y: v for y, v in current.items() if y == args.year}
    if current:
        pairs = "; ".join(t("pair", lang, year=y, version=v) for y, v in sorted(current.items()))
        print(t("current", lang, pairs=pairs))
        print()
    print(render_history(history, lang, args.kind))
    return EXIT_OK


def render_history(history, lang: str = "vi", kind_id: str = STATS) -> str:
    """Return a history table (kpi.store.versions.Store.history of one kind) as plain text."""
    import pandas as pd

    from kpi.store.versions import rows_text

    def label(key: str, **kw: object) -> str:
        return catalog_text(f"kinds.{kind_id}.cli.{key}", lang, **kw)

    rows: list[tuple[str, ...]] = [tuple(t("history_header", lang).split("|"))]
    for e in history.itertuples(index=False):
        if e.action == "import":
            action = label("import_sample" if e.is_sample else "import")
        elif e.action == "rollback":
            key = "rollback" if cell_text(e.version) else "rollback_none"
            action = t(key, lang, previous=cell_text(e.previous_version))
        elif e.action in ("delete_sample", "restore_sample"):
            action = label(e.action)
        else:
            action = str(e.action)
        count_text = rows_text(e.row_counts, lang, e.kind) if isinstance(e.row_counts, dict) else ""
        rows.append(
            (
                pd.Timestamp(e.at).to_pydatetime().astimezone().strftime("%d/%m/%Y %H:%M:%S"),
                action,
                cell_text(e.year),
                cell_text(e.version),
                cell_text(e.by),
                cell_text(e.file_name),
                count_text,
                cell_text(e.note),
            )
        )
    return text_table(rows)


def text_table(rows: list[tuple[str, ...]], header: bool = True) -> str:
    """Return rows of texts as aligned plain-text columns; the first row underlined when it is a header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0 and header:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cell_text(value: object) -> str:
    """Return a cell of a history row as text: blank for missing, whole floats without ".0"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rollback(args: argparse.Namespace, store) -> int:
    """Make a stored version of the kind current again; print what changed."""
    outcome = store.rollback(
        args.year,
        None if args.to_none else args.version,
        login_name() if args.by is None else args.by,
        args.note,
        kind=args.kind,
        identity=cli_identity(),
    )
    print(outcome.message(args.lang))
    return EXIT_OK


def _export(args: argparse.Namespace, store) -> int:
    """Write a stored year of the kind as a workbook in the template's format."""
    number = store.export_year(args.year, Path(args.out), args.version, kind=args.kind)
    print(
        t("exported", args.lang, path=args.out, year=args.year, version=format_number(number, 0, args.lang))
    )
    return EXIT_OK


cmd_import = with_store(_import)
cmd_history = with_store(_history)
cmd_rollback = with_store(_rollback)
cmd_export = with_store(_export)

RUN: dict[str, Callable[[argparse.Namespace], int]] = {
    "template": cmd_template,
    "check": cmd_check,
    "import": cmd_import,
    "export": cmd_export,
    "history": cmd_history,
    "rollback": cmd_rollback,
}
ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "template": _template_arguments,
    "check": _check_arguments,
    "import": _import_arguments,
    "export": _export_arguments,
    "history": _history_arguments,
    "rollback": _rollback_arguments,
}
