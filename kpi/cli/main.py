"""The command line: `python -m kpi <command>`. Messages in Vietnamese (English with --lang en).

Exit codes: 0 done (warnings may be printed), 1 the workbook has errors or was rejected, 2 the file cannot be
read at all or the command was used wrongly.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from kpi.common import problems as pb
from kpi.common.formatting import format_percent, format_value
from kpi.common.i18n import t as catalog_text
from kpi.common.settings import load_settings

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2

# Every command: name -> (the module that adds its arguments and runs it, its help). Only the module of the
# command run is imported, so that `python -m kpi --help` loads no pandas, pandera or SQLAlchemy.
_STORE, _TASKS = "kpi.cli.store_commands", "kpi.cli.task_commands"
COMMANDS: dict[str, tuple[str, str]] = {
    "template": (_STORE, "write the blank workbook template (--kind tasks: the progress report's)"),
    "check": (_STORE, "validate a workbook without storing anything"),
    "report": ("kpi.cli.main", "compute every indicator for a year"),
    "import": (_STORE, "validate a workbook and store it as a new version of its reporting year"),
    "history": (_STORE, "list the imports, rollbacks and removals of sample data"),
    "rollback": (_STORE, "make an earlier version of a year current again"),
    "export": (_STORE, "write the current data of a year as a workbook in the template's format"),
    "tasks": (_TASKS, "list the plan's 34 tasks with their latest status and the overdue ones"),
    "tasks-template": (_STORE, "write the blank progress-report template of the tasks"),
    "tasks-check": (_STORE, "validate a progress-report workbook without storing anything"),
    "tasks-import": (_STORE, "validate a progress report and store it as a new version of its year"),
    "tasks-history": (_STORE, "list the imports and rollbacks of progress reports"),
    "tasks-rollback": (_STORE, "make an earlier progress-report version of a year current again"),
    "tasks-export": (_STORE, "write the progress reports of a year as a workbook"),
    "sample": ("kpi.cli.sample_commands", "write the sample workbooks (dữ liệu mẫu, not official figures)"),
    "tasks-sample": (
        "kpi.cli.sample_commands",
        "write the sample progress reports of the tasks (dữ liệu mẫu)",
    ),
    "users": (
        "kpi.cli.user_commands",
        "manage the accounts of the dashboard and the roles of SSO identities",
    ),
    "brief": (
        "kpi.cli.brief_commands",
        "write the quarterly or yearly implementation report (.docx or .xlsx)",
    ),
}


def t(key: str, lang: str, **kw: object) -> str:
    """Return a command-line text in `lang` (catalog keys cli.*)."""
    return catalog_text(f"cli.{key}", lang, **kw)


def print_problems(problems: list[pb.Problem], lang: str, stream=None) -> None:
    """Print the problem lines (at most the setting's number per kind of problem)."""
    # sys.stdout is looked up at call time: a default bound at import would miss any later redirection.
    limit = load_settings().max_listed_problems
    for line in pb.summarise(problems, limit, lang):
        print(line, file=stream or sys.stdout)


def print_rejected(problems: list[pb.Problem], lang: str) -> int:
    """Print the problems of a file refused for its size or rows and the count line; return EXIT_REJECTED."""
    print_problems(problems, lang)
    errors = sum(p.severity == pb.Severity.ERROR for p in problems)
    warnings = sum(p.severity == pb.Severity.WARNING for p in problems)
    print(t("has_errors", lang, errors=errors, warnings=warnings))
    return EXIT_REJECTED


def load_files(files: list[str], lang: str):
    """Return (Dataset, exit code) from workbooks read directly; problems are printed."""
    from kpi.workbook.dataset import dataset_from_workbooks
    from kpi.workbook.upload import check_upload

    clean, worst = [], EXIT_OK
    for name in files:
        checked = check_upload(Path(name))
        if checked.refused is not None:
            print(f"{name}: {checked.refused.problem.line(lang)}", file=sys.stderr)
            worst = EXIT_UNREADABLE
            continue
        if not checked.ok:
            for line in pb.summarise(checked.errors, load_settings().max_listed_problems, lang):
                print(f"{name}: {line}", file=sys.stderr)
            worst = max(worst, EXIT_REJECTED)
            continue
        clean.append(checked.clean)
    return dataset_from_workbooks(clean), worst


def cmd_report(args: argparse.Namespace) -> int:
    from kpi.stats.results import results_of_dataset, stored_results

    if args.files:
        data, code = load_files(args.files, args.lang)
        if code != EXIT_OK:
            return code
        results = results_of_dataset(data)
    else:
        from kpi.store.versions import open_store

        with open_store(args.db) as store:  # the results kept with the versions, not their rows
            results = stored_results(store)
    if not results.years:
        print(t("no_data", args.lang), file=sys.stderr)
        return EXIT_REJECTED
    if args.year is not None and args.year not in results.years:
        print(
            t("no_year", args.lang, year=args.year, years=", ".join(map(str, results.years))), file=sys.stderr
        )
        return EXIT_REJECTED
    by_district = args.by == "district"
    report = results.report(args.year, by_district)
    if args.format == "json":
        json.dump(
            report.to_json(args.lang, by_district=by_district), sys.stdout, ensure_ascii=False, indent=2
        )
        print()
    else:
        print(render_table(report, args.lang, by_district))
    return EXIT_OK


def render_table(report, lang: str, by_district: bool = False) -> str:
    """Return the report as a plain-text table with Vietnamese number formats."""
    plan = report.plan
    rows: list[tuple] = [tuple(t("report_header", lang).split("|"))]
    for r in report.results:
        ind, a = r.indicator, r.assessment
        unit = ind.unit.get(lang)
        target = format_value(ind.target.value, unit, ind.decimals, lang)
        share = r.target_share  # None when lower is better: the target reads as a ceiling
        rows.append(
            (
                ind.name.get(lang),
                format_value(a.value, unit, ind.decimals, lang),
                f"{'' if ind.higher_is_better else '≤ '}{target} ({ind.target.year})"
                + (f" ({catalog_text('overview.derived_mark', lang)})" if ind.target.derived else ""),
                format_percent(share, 1, lang) if share is not None else "–",
                plan.assessment.label(a.status, lang),
            )
        )
        if by_district and r.districts:
            for d, v in r.districts.items():
                rows.append((f"    {d}", format_value(v, unit, ind.decimals, lang), "", "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [t("report_title", lang, plan=plan.number, year=report.year), ""]
    for n, row in enumerate(rows):
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w) if i < 4 else str(c)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser: every command named with its help, and the arguments of the command that
    `argv` runs (of every command when argv is None)."""
    parser = argparse.ArgumentParser(
        prog="python -m kpi", description="Plan 485 KPI tools (KH 485/KH-UBND, Đắk Nông)."
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of messages (default vi)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    parsers = {}
    for name, (_module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS, help="language of messages")
        parsers[name] = p

    def add(name: str, func, _help_text: str = "") -> argparse.ArgumentParser:
        parsers[name].set_defaults(func=func)
        return parsers[name]

    chosen = _command_of(argv)
    modules = {COMMANDS[chosen][0]} if chosen in COMMANDS else {m for m, _ in COMMANDS.values()}
    if argv is not None and chosen is None:
        modules = set()  # `--help` alone, or no command: the names and their help are enough
    for module in sorted(modules):
        importlib.import_module(module).register_commands(add)
    return parser


def register_commands(add) -> None:
    """Add `report` to the parser of `python -m kpi`."""
    p = add("report", cmd_report)
    p.add_argument("files", nargs="*", help="one workbook per year (or use --db)")
    p.add_argument("--year", type=int)
    p.add_argument("--by", choices=("district",))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--db", help="database URL (default: KPI_DATABASE_URL or the embedded SQLite file)")


def _command_of(argv: list[str] | None) -> str | None:
    """Return the command named in argv (the first word that is not an option), else None."""
    words = sys.argv[1:] if argv is None else argv
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--lang":
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_UNREADABLE if exc.code else EXIT_OK
    if not hasattr(args, "lang"):
        args.lang = "vi"
    try:
        return args.func(args)
    except FileNotFoundError as exc:
        print(f"{t('not_found', args.lang)}: {exc.filename}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as other command-line tools do.
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:  # a folder, no permission, a device error
        print(
            t("os_error", args.lang, file=exc.filename or _files_of(args), error=exc.strerror or exc),
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    except Exception as exc:  # nothing a file holds may end in a traceback
        problem = getattr(exc, "problem", None)
        if isinstance(problem, pb.Problem):  # WorkbookUnreadable: the file is no workbook at all
            print(problem.line(args.lang), file=sys.stderr)
            return EXIT_UNREADABLE
        print(t("unexpected", args.lang, file=_files_of(args), error=type(exc).__name__), file=sys.stderr)
        return EXIT_UNREADABLE


def _files_of(args: argparse.Namespace) -> str:
    """Return the file or files a command was given, for messages."""
    files = [getattr(args, "file", None), *(getattr(args, "files", None) or []), getattr(args, "out", None)]
    return ", ".join(str(f) for f in files if f) or "–"


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout replaced by something without a file descriptor (tests)
        pass
