"""Importing into the store, and the full report from it, against the same work without a store.

1. Import a national-size workbook into an empty SQLite store (and PostgreSQL when a server is given)
   against read + check alone: storing may add at most 50% (ratio ≤ 1,5).
   The same import keeping the version's results (`kpi.stats.results.keep_results`, as the dashboard and the
   command line import) against the same baseline: target 1,5 too.
2. The full report over the stored years (`store.load_dataset()` + `build_report`, by district) against
   the same report from the years already in memory: what reading back the rows costs; and the report from
   the results kept with the versions (`stored_results`), against the same baseline.
3. `kpi report --db URL --year Y --format json` run in-process on the store of 6 years × 30.000 HTX against
   the same on 6 years × 300 HTX: with the results kept, national scale costs what provincial scale costs
   (target 1,5).
"""

from __future__ import annotations

import contextlib
import io
from contextlib import ExitStack

from bench import data, stores
from bench.harness import Candidate, Context

NAME = "store"
IMPORT_TARGET = 1.5
SCALE_TARGET = 1.5


def run(ctx: Context) -> None:
    """Measure imports into each store kind, then the report from the shared SQLite store."""
    if not data.have_module("kpi.store.versions"):
        ctx.skip(NAME, "kpi.store.versions does not exist yet")
        return
    from kpi.stats.report import build_report, default_engine
    from kpi.stats.results import stored_results
    from kpi.workbook.dataset import dataset_from_workbooks
    from kpi.workbook.validate import check_bytes

    paths = stores.year_workbooks(ctx)
    year, path = max(paths.items())
    content = path.read_bytes()

    bench = ctx.benchmark(f"{NAME}: import")
    kinds = [("SQLite", None)] + ([("PostgreSQL", ctx.postgres_url)] if ctx.postgres_url else [])
    with ExitStack() as factories:
        candidates = [
            Candidate(
                f"import_workbook{' + kept results' if keep else ''} into empty {kind}",
                lambda store: stores.import_or_fail(store, content, path.name, year),
                setup=factories.enter_context(stores.StoreFactory(ctx.out / "stores", url, keep)).new,
                target=IMPORT_TARGET,
            )
            for kind, url in kinds
            for keep in (False, True)
        ]
        bench.compare(("read + check (check_bytes)", lambda: check_bytes(content)), candidates)
    if ctx.postgres_url:
        bench.note(f"PostgreSQL {stores.postgres_version(ctx.postgres_url)}, a new database per import")
    else:
        bench.note("PostgreSQL not measured: give --postgres URL or set KPI_TEST_POSTGRES_URL")

    engine = default_engine()
    years = sorted(paths)
    in_memory = dataset_from_workbooks(check_bytes(paths[y].read_bytes()).clean for y in years)
    report = ctx.benchmark(f"{NAME}: report of {len(years)} years")
    candidates = []
    for kind, url in kinds:
        store = (
            stores.shared_sqlite_store(ctx)
            if url is None
            else ctx.resources.enter_context(stores.stored_years(ctx, url))
        )
        candidates.append(
            Candidate(
                f"load_dataset + build_report ({kind})",
                lambda store=store: build_report(store.load_dataset(), by_district=True, engine=engine),
            )
        )
        candidates.append(
            Candidate(
                f"stored_results + report, the results kept ({kind})",
                lambda store=store: stored_results(store, engine=engine).report(by_district=True),
            )
        )
    report.compare(
        ("build_report from memory", lambda: build_report(in_memory, by_district=True, engine=engine)),
        candidates,
    )
    command_at_scale(ctx, years)


def command_at_scale(ctx: Context, years: list[int]) -> None:
    """Time `kpi report --db` on the run's store against the same on a store of provincial size."""
    from kpi.cli.main import main

    national = stores.shared_sqlite_store(ctx)
    provincial = ctx.resources.enter_context(stores.stored_years(ctx, n=data.PROVINCIAL))

    def report_command(store) -> None:
        url = store.engine.url.render_as_string(hide_password=False)
        argv = ["report", "--db", url, "--year", str(years[-1]), "--format", "json"]
        with contextlib.redirect_stdout(io.StringIO()):
            if main(argv) != 0:
                raise RuntimeError(f"kpi {' '.join(argv)} failed")

    size = data.QUICK if ctx.quick else data.NATIONAL
    bench = ctx.benchmark(f"{NAME}: kpi report --db")
    bench.compare(
        (f"6 × {data.PROVINCIAL} HTX", lambda: report_command(provincial)),
        [Candidate(f"6 × {size} HTX", lambda: report_command(national), target=SCALE_TARGET)],
    )
    bench.note(
        "kpi report --db run in-process (python -m kpi report --db URL --year Y --format json, output "
        "discarded), each run opening the store, as the command does"
    )
