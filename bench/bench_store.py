"""Importing into the store, and the full report from it, against the same work without a store.

1. Import a national-size workbook into an empty SQLite store (and PostgreSQL when a server is given)
   against read + check alone: storing may add at most 50% (ratio ≤ 1,5).
2. The full report over the stored years (`store.load_dataset()` + `build_report`, by district) against
   the same report from the years already in memory: what reading back from the store costs.
"""

from __future__ import annotations

from contextlib import ExitStack

from bench import data, stores
from bench.harness import Candidate, Context

NAME = "store"
IMPORT_TARGET = 1.5


def run(ctx: Context) -> None:
    """Measure imports into each store kind, then the report from the shared SQLite store."""
    if not data.have_module("kpi.store.versions"):
        ctx.skip(NAME, "kpi.store.versions does not exist yet")
        return
    from kpi.stats.report import build_report, default_engine
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
                f"import_workbook into empty {kind}",
                lambda store: stores.import_or_fail(store, content, path.name, year),
                setup=factories.enter_context(stores.StoreFactory(ctx.out / "stores", url)).new,
                target=IMPORT_TARGET,
            )
            for kind, url in kinds
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
    report.compare(
        ("build_report from memory", lambda: build_report(in_memory, by_district=True, engine=engine)),
        candidates,
    )
