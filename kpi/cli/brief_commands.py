"""The report command, added to `python -m kpi` (see kpi/cli/main.py):

    python -m kpi brief --year Y [--quarter Q] [--format docx|xlsx] [--final] [--lang vi|en] [--db URL]
                        [--today YYYY-MM-DD] [--no-charts] --out FILE

writes the implementation report of the plan for the year (or the quarter) from the store's current
versions, with the final review of the plan when --final is given or the year is the plan's last year.
Exit codes as for the other commands: 0 written, 1 no data for that year, 2 the command was used wrongly or
the store or the output file cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, t
from kpi.cli.store_commands import add_db, iso_date, with_store
from kpi.reports.brief import build_brief, load_brief_data
from kpi.reports.docx_writer import brief_docx_bytes
from kpi.reports.xlsx_writer import brief_xlsx_bytes

FORMATS = ("docx", "xlsx")


def register_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `brief` to the parser of `python -m kpi`."""
    p = add("brief", cmd_brief, "write the quarterly or yearly implementation report (.docx or .xlsx)")
    p.add_argument("--year", type=int, required=True, help="reporting year")
    p.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help="reporting quarter (default: the year)")
    p.add_argument("--format", choices=FORMATS, default=None, help="docx or xlsx (default: from --out)")
    p.add_argument("--final", action="store_true", help="add the final review of the plan's whole period")
    p.add_argument("--today", type=iso_date, help="judge task deadlines as of this day (default today)")
    p.add_argument("--no-charts", action="store_true", help="leave the chart pictures out (no Chromium)")
    p.add_argument("--out", required=True, help="output file (.docx or .xlsx)")
    add_db(p)


def brief_bytes(brief, fmt: str) -> bytes:
    """Return the report written in `fmt` ("docx" or "xlsx")."""
    if fmt == "xlsx":
        return brief_xlsx_bytes(brief)
    return brief_docx_bytes(brief)


def _format_of(args: argparse.Namespace) -> str | None:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def _brief(args: argparse.Namespace, store) -> int:
    """Write the report of args.year (args.quarter) from the store into args.out."""
    fmt = _format_of(args)
    if fmt is None:
        print(t("brief_format", args.lang, file=args.out), file=sys.stderr)
        return EXIT_UNREADABLE
    data = load_brief_data(store)
    years = data.results.years
    if not years:
        print(t("no_data", args.lang), file=sys.stderr)
        return EXIT_REJECTED
    if args.year not in years:
        print(t("no_year", args.lang, year=args.year, years=", ".join(map(str, years))), file=sys.stderr)
        return EXIT_REJECTED
    brief = build_brief(
        data,
        args.year,
        args.quarter,
        args.lang,
        final=args.final,
        today=args.today,
        pictures=fmt == "docx" and not args.no_charts,
    )
    content = brief_bytes(brief, fmt)
    try:
        Path(args.out).write_bytes(content)
    except OSError as exc:
        print(t("write_error", args.lang, file=args.out, error=exc.strerror or exc), file=sys.stderr)
        return EXIT_UNREADABLE
    print(t("written", args.lang, path=args.out))
    return EXIT_OK


cmd_brief = with_store(_brief)
