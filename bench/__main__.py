"""Run every benchmark, print the table and write bench/RESULTS.md: `python -m bench [--quick] [--only NAME]`.

Benchmarks are the modules `bench/bench_<name>.py`, each with a `run(ctx)` function, run in name order.
A benchmark whose prerequisites do not exist yet notes why it was skipped; one that fails is reported
with its traceback and makes the exit code 1, after the others have run. Missing a target never does:
the table says pass or fail.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "RESULTS.md"
QUICK_RESULTS = BENCH_DIR / "out" / "RESULTS-quick.md"


ORDER = ("read", "store", "pages")  # inputs build on each other in this order (workbooks, then stores)


def benchmark_names() -> list[str]:
    """Return the names of the benchmark modules (bench_read.py -> "read"), in running order."""
    found = {p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py")}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few repeats: a smoke test, not figures to quote"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(benchmark_names())}",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("KPI_TEST_POSTGRES_URL") or None,
        help="also measure the store on this PostgreSQL server (default: $KPI_TEST_POSTGRES_URL); "
        "a throw-away database is created there per measurement",
    )
    parser.add_argument("--repeat", type=int, help="timed runs per measurement (default 5; 2 with --quick)")
    parser.add_argument("--warmup", type=int, help="untimed runs first (default 1; 0 with --quick)")
    parser.add_argument(
        "--results",
        type=Path,
        help=f"where to write the table (default {RESULTS.relative_to(ROOT)}; "
        f"{QUICK_RESULTS.relative_to(ROOT)} with --quick)",
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out", help="folder of generated inputs")
    return parser


def run_all(ctx, names: list[str], log) -> list[str]:
    """Run the named benchmarks in turn; return the names of those that failed."""
    failed = []
    for name in names:
        log(f"{name} ...")
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.bench_{name}")
            module.run(ctx)
        except Exception as exc:
            failed.append(name)
            traceback.print_exc()
            first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
            ctx.report.notes.append(f"{name}: failed with {type(exc).__name__}: {first_line}")
        log(f"{name} done in {time.perf_counter() - t0:.1f} s")
    return failed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks asked for; return 0, or 1 when one of them failed."""
    from bench.harness import Context
    from bench.results import command_line, console_table, machine, results_markdown

    args = build_parser().parse_args(argv)
    names = benchmark_names()
    unknown = sorted(set(args.only or []) - set(names))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    selected = [n for n in names if not args.only or n in args.only]

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    ctx = Context(
        quick=args.quick,
        repeat=args.repeat if args.repeat is not None else (2 if args.quick else 5),
        warmup=args.warmup if args.warmup is not None else (0 if args.quick else 1),
        postgres_url=args.postgres,
        out=args.out,
        log=log,
    )
    description = machine()  # before the run: its load average is the other work on the machine
    started = time.perf_counter()
    with ctx.resources:
        failed = run_all(ctx, selected, log)
    elapsed = time.perf_counter() - started

    print(console_table(ctx.report))
    for note in ctx.report.notes:
        print(f"- {note}")
    target = args.results or (QUICK_RESULTS if args.quick else RESULTS)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = results_markdown(ctx.report, command_line(argv), description, elapsed)
    target.write_text(text, encoding="utf-8")
    log(f"written {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
