"""`python -m kpi sample` and `python -m kpi tasks-sample`: write the sample workbooks of both kinds."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.main import EXIT_OK, t
from kpi.stats import sample as stats_sample
from kpi.tasks import sample as tasks_sample


def cmd_sample(args: argparse.Namespace) -> int:
    """Write the sample statistics workbooks; return the exit code."""
    lang = getattr(args, "lang", "vi")
    out = Path(args.out) if args.out else None
    if args.scale == "national":
        paths = [stats_sample.write_national(out, args.seed)]
    else:
        paths = stats_sample.write_sample(out, args.seed)
    for path in paths:
        print(t("written", lang, path=path))
    print(stats_sample.SAMPLE_NOTICE if lang == "vi" else stats_sample.SAMPLE_NOTICE_EN)
    return EXIT_OK


def cmd_tasks_sample(args: argparse.Namespace) -> int:
    """Write the sample progress workbooks; return the exit code."""
    lang = getattr(args, "lang", "vi")
    for path in tasks_sample.write_sample(Path(args.out) if args.out else None, args.seed):
        print(t("written", lang, path=path))
    print(tasks_sample.sample_notice(lang))
    return EXIT_OK


def register_commands(add) -> None:
    """Add the `sample` and `tasks-sample` commands to `python -m kpi`."""
    p = add("sample", cmd_sample, "write the sample workbooks (dữ liệu mẫu, not official figures)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the one in generator.yaml)")
    p.add_argument("--out", help="output directory (or .xlsx file with --scale national)")
    p.add_argument(
        "--scale",
        choices=stats_sample.SCALES,
        default="province",
        help="province: one workbook per year into data/sample/; national: one large workbook for benchmarks",
    )
    p = add("tasks-sample", cmd_tasks_sample, "write the sample progress reports of the tasks (dữ liệu mẫu)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the one in generator.yaml)")
    p.add_argument("--out", help="output directory (default data/sample/tasks/)")
