"""The statistics' report, added to `python -m kpi` (see kpi/cli/main.py):

    python -m kpi report [FILE.xlsx ...] [--year Y] [--by district] [--format table|json] [--db URL]

computes every indicator of a year from workbooks read directly, or reads the results kept with the store's
versions, and prints a table or the JSON of the report (a contract). Exit codes as for the other commands: 0
done, 1 a workbook has errors or the year has no data, 2 a file cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, t
from kpi.common import problems as pb
from kpi.common.formatting import format_percent, format_value
from kpi.common.i18n import t as catalog_text
from kpi.common.settings import load_settings
from kpi.stats.results import results_of_dataset, stored_results
from kpi.store.versions import open_store
from kpi.workbook.dataset import dataset_from_workbooks
from kpi.workbook.upload import check_upload


def register_commands(add) -> None:
    """Add `report` to the parser of `python -m kpi`."""
    p = add("report", cmd_report)
    p.add_argument("files", nargs="*", help="one workbook per year (or use --db)")
    p.add_argument("--year", type=int)
    p.add_argument("--by", choices=("district",))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--db", help="database URL (default: KPI_DATABASE_URL or the embedded SQLite file)")


def load_files(files: list[str], lang: str):
    """Return (Dataset, exit code) from workbooks read directly; problems are printed."""
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
    if args.files:
        data, code = load_files(args.files, args.lang)
        if code != EXIT_OK:
            return code
        results = results_of_dataset(data)
    else:
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
