"""The command line: `python -m kpi <command>`. Messages in Vietnamese (English with --lang en).

Exit codes: 0 done (warnings may be printed), 1 the workbook has errors or was rejected, 2 the file cannot be
read at all or the command was used wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kpi.common import problems as pb
from kpi.common.formatting import format_percent, format_value
from kpi.common.i18n import t as catalog_text
from kpi.common.settings import load_settings
from kpi.workbook.reader import WorkbookUnreadable

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2

TEXTS = {
    "usable": {
        "vi": "Tệp dùng được: {n} HTX, năm {year}.",
        "en": "The workbook can be used: {n} cooperatives, year {year}.",
    },
    "has_errors": {
        "vi": "Tệp có {errors} lỗi và {warnings} cảnh báo; hãy sửa rồi kiểm tra lại.",
        "en": "The workbook has {errors} errors and {warnings} warnings; fix them and check again.",
    },
    "warnings": {"vi": "{n} cảnh báo.", "en": "{n} warnings."},
    "year_compared": {
        "vi": "So với số liệu năm {prev} trong kho: {n} cảnh báo.",
        "en": "Compared with the data of {prev} in the store: {n} warnings.",
    },
    "year_absent": {
        "vi": "Kho chưa có số liệu năm {prev}: không so sánh được với năm trước.",
        "en": "The store has no data for {prev}: no comparison with the year before.",
    },
    "written": {"vi": "Đã ghi {path}.", "en": "Wrote {path}."},
    "os_error": {"vi": "Không đọc được tệp {file}: {error}.", "en": "Cannot read the file {file}: {error}."},
    "write_error": {
        "vi": "Không ghi được tệp {file}: {error}.",
        "en": "Cannot write the file {file}: {error}.",
    },
    "unexpected": {
        "vi": "Tệp {file}: lỗi không mong đợi ({error}); hãy gửi tệp này cho bộ phận kỹ thuật.",
        "en": "File {file}: unexpected error ({error}); please send this file to the technical team.",
    },
    "no_data": {"vi": "Không có số liệu nào để báo cáo.", "en": "There is no data to report."},
    "no_year": {
        "vi": "Không có số liệu năm {year}; các năm có: {years}.",
        "en": "No data for {year}; years present: {years}.",
    },
    "brief_format": {
        "vi": "Không biết ghi tệp {file} theo dạng nào: hãy dùng đuôi .docx hoặc .xlsx, hoặc --format docx|xlsx.",
        "en": "Cannot tell which format to write {file} in: use a .docx or .xlsx name, or --format docx|xlsx.",
    },
    "report_title": {"vi": "Kết quả thực hiện {plan}, năm {year}", "en": "Results of {plan}, year {year}"},
    "header": {
        "vi": ("Chỉ tiêu", "Giá trị", "Mục tiêu", "Đạt (%)", "Đánh giá"),
        "en": ("Indicator", "Value", "Target", "Reached (%)", "Assessment"),
    },
}


def t(key: str, lang: str, **kw: object) -> str:
    """Return a command-line text in `lang`."""
    return TEXTS[key][lang].format(**kw)


def _print_problem_lines(problems: list[pb.Problem], lang: str, stream=None) -> None:
    # sys.stdout is looked up at call time: a default bound at import would miss any later redirection.
    limit = load_settings().max_listed_problems
    for line in pb.summarise(problems, limit, lang):
        print(line, file=stream or sys.stdout)


def cmd_template(args: argparse.Namespace) -> int:
    from xlsxwriter.exceptions import FileCreateError

    from kpi.workbook.writer import write_workbook

    try:
        if args.from_year is not None:  # prefilled with the version in force of that year in the store
            from kpi.cli.store_commands import write_year_template

            return write_year_template(args)
        write_workbook(Path(args.out))
    except FileCreateError as exc:  # a folder, a missing folder, no permission
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else exc
        detail = getattr(cause, "strerror", None) or str(cause)
        print(t("write_error", args.lang, file=args.out, error=detail), file=sys.stderr)
        return EXIT_UNREADABLE
    print(t("written", args.lang, path=args.out))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from kpi.workbook.reader import read_file_within_limits, read_workbook
    from kpi.workbook.validate import validate_workbook

    raw = read_file_within_limits(Path(args.file), read_workbook)
    if isinstance(raw, list):
        return print_rejected(raw, args.lang)
    result = validate_workbook(raw)
    compared = None
    if result.ok and args.db:  # the year before in the store: its warnings are printed first
        from kpi.cli.store_commands import compare_with_store

        code, compared = compare_with_store(args, result.clean)
        if compared is None:
            return code
    _print_problem_lines((compared[0] if compared else []) + result.problems, args.lang)
    if result.ok:
        assert result.clean is not None
        print(t("usable", args.lang, n=len(result.clean.coops), year=result.clean.year))
        if compared is not None:
            warnings, present = compared
            prev = result.clean.year - 1
            print(
                t("year_compared", args.lang, prev=prev, n=len(warnings))
                if present
                else t("year_absent", args.lang, prev=prev)
            )
        return EXIT_OK
    print(t("has_errors", args.lang, errors=len(result.errors), warnings=len(result.warnings)))
    return EXIT_REJECTED


def print_rejected(problems: list[pb.Problem], lang: str) -> int:
    """Print the problems of a file refused for its size or rows and the count line; return EXIT_REJECTED."""
    _print_problem_lines(problems, lang)
    errors = sum(p.severity == pb.Severity.ERROR for p in problems)
    warnings = sum(p.severity == pb.Severity.WARNING for p in problems)
    print(t("has_errors", lang, errors=errors, warnings=warnings))
    return EXIT_REJECTED


def load_files(files: list[str], lang: str):
    """Return (Dataset, exit code) from workbooks read directly; problems are printed."""
    from kpi.workbook.dataset import dataset_from_workbooks
    from kpi.workbook.reader import read_file_within_limits, read_workbook
    from kpi.workbook.validate import validate_workbook

    clean, worst = [], EXIT_OK
    for name in files:
        try:
            raw = read_file_within_limits(Path(name), read_workbook)
        except WorkbookUnreadable as exc:
            print(f"{name}: {exc.problem.line(lang)}", file=sys.stderr)
            worst = EXIT_UNREADABLE
            continue
        result = validate_workbook(raw) if not isinstance(raw, list) else None
        if result is None or not result.ok:
            errors = raw if result is None else result.errors
            for line in pb.summarise(errors, load_settings().max_listed_problems, lang):
                print(f"{name}: {line}", file=sys.stderr)
            worst = max(worst, EXIT_REJECTED)
            continue
        clean.append(result.clean)
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
    rows: list[tuple] = [TEXTS["header"][lang]]
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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="python -m kpi", description="Plan 485 KPI tools (KH 485/KH-UBND, Đắk Nông)."
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of messages (default vi)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS, help="language of messages")
        p.set_defaults(func=func)
        return p

    p = add("template", cmd_template, "write the blank workbook template")
    p.add_argument("out", help="output .xlsx file")
    p.add_argument(
        "--from-year",
        type=int,
        metavar="Y",
        help="prefill it with the data in force of year Y in the store (start next year from it)",
    )
    p.add_argument(
        "--db", help="database URL for --from-year (default: KPI_DATABASE_URL or the embedded SQLite file)"
    )

    p = add("check", cmd_check, "validate a workbook without storing anything")
    p.add_argument("file", help="workbook (.xlsx, .xlsm, .xls)")
    p.add_argument(
        "--db",
        help="also compare with the year before in this store (database URL; warnings only, never an error)",
    )

    p = add("report", cmd_report, "compute every indicator for a year")
    p.add_argument("files", nargs="*", help="one workbook per year (or use --db)")
    p.add_argument("--year", type=int)
    p.add_argument("--by", choices=("district",))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--db", help="database URL (default: KPI_DATABASE_URL or the embedded SQLite file)")

    for extra in EXTRA_COMMANDS:
        extra(add)
    return parser


# Modules that add commands register a function (add) -> None here; see kpi/cli/store_commands.py, kpi/cli/task_commands.py.
EXTRA_COMMANDS: list = []


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    _load_extra_commands()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_UNREADABLE if exc.code else EXIT_OK
    if not hasattr(args, "lang"):
        args.lang = "vi"
    try:
        return args.func(args)
    except WorkbookUnreadable as exc:
        print(exc.problem.line(args.lang), file=sys.stderr)
        return EXIT_UNREADABLE
    except FileNotFoundError as exc:
        msg = {"vi": "Không tìm thấy tệp", "en": "File not found"}[args.lang]
        print(f"{msg}: {exc.filename}", file=sys.stderr)
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


def _load_extra_commands() -> None:
    import importlib

    for module in (
        "kpi.cli.store_commands",
        "kpi.cli.task_commands",
        "kpi.cli.sample_commands",
        "kpi.cli.user_commands",
        "kpi.cli.brief_commands",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        register = getattr(mod, "register_commands", None)
        if register and register not in EXTRA_COMMANDS:
            EXTRA_COMMANDS.append(register)
