"""Throw-away stores for the benchmarks: empty ones (SQLite file or PostgreSQL database) and one holding
the benchmark's years, imported through `Store.import_workbook` as an analyst would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import data
from bench.harness import Context
from kpi.common.access import system

BY = "bench"


class StoreFactory:
    """Makes fresh, empty stores of one kind and removes them all at the end (use as a context manager)."""

    def __init__(self, folder: Path, postgres_url: str | None = None, keep_results: bool = False):
        self.folder = folder
        self.postgres_url = postgres_url
        self.keep_results = keep_results  # whether its stores keep each version's results at import
        self.stores: list = []
        self.databases: list[str] = []
        self.files: list[Path] = []

    def __enter__(self) -> StoreFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def new(self):
        """Return a new empty store, migrated to the head (the migration is not part of what is timed)."""
        from kpi.store.versions import open_store

        name = f"bench_{uuid.uuid4().hex[:12]}"
        if self.postgres_url:
            url = self._create_database(name)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{name}.sqlite"
            self.files.append(path)
            url = f"sqlite:///{path}"
        store = open_store(url)
        if self.keep_results:
            from kpi.stats.results import keep_results

            keep_results(store)
        self.stores.append(store)
        return store

    def _create_database(self, name: str) -> str:
        import sqlalchemy as sa

        server = sa.make_url(self.postgres_url)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            admin.dispose()
        self.databases.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        """Close every store made and delete its database or file."""
        for store in self.stores:
            store.close()
        self.stores.clear()
        if self.databases:
            import sqlalchemy as sa

            admin = sa.create_engine(sa.make_url(self.postgres_url), isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    for name in self.databases:
                        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                admin.dispose()
            self.databases.clear()
        for path in self.files:
            for leftover in path.parent.glob(path.name + "*"):  # with -wal and -shm files
                leftover.unlink()
        self.files.clear()


def postgres_version(url: str) -> str:
    """Return the server version of the PostgreSQL server at `url` ("15.8 (Debian 15.8-0+deb12u1)")."""
    import sqlalchemy as sa

    engine = sa.create_engine(sa.make_url(url))
    try:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("SHOW server_version").scalar())
    finally:
        engine.dispose()


def import_or_fail(store, content: bytes, file_name: str, year: int) -> None:
    """Import a workbook; raise when it is not stored (a benchmark of a refused import would mean nothing)."""
    outcome = store.import_workbook(content, file_name, year, by=BY, note="benchmark", identity=system(BY))
    if not outcome.ok:
        shown = "; ".join(p.line("en") for p in outcome.problems[:5])
        raise RuntimeError(f"import of {file_name} was {outcome.status}: {shown}")


def year_workbooks(ctx: Context, n: int | None = None) -> dict[int, Path]:
    """Return {year: workbook path} of the benchmark's years with `n` cooperatives (default: the run's size)."""
    n = n or (data.QUICK if ctx.quick else data.NATIONAL)
    paths = {}
    for year in data.bench_years():
        ctx.log(f"workbook {year} ({n} HTX)")
        paths[year] = data.workbook_path(n, year, ctx.out)
    return paths


@contextmanager
def stored_years(ctx: Context, postgres_url: str | None = None, n: int | None = None) -> Iterator[object]:
    """Yield a store holding every benchmark year with `n` cooperatives (default: the run's size), imported as
    the dashboard and the command line import them, each version's results kept (SQLite under ctx.out, or a
    new PostgreSQL database)."""
    folder = ctx.out / "stores"
    with StoreFactory(folder, postgres_url, keep_results=True) as factory:
        store = factory.new()
        for year, path in year_workbooks(ctx, n).items():
            ctx.log(f"importing {path.name} into {'PostgreSQL' if postgres_url else 'SQLite'}")
            import_or_fail(store, path.read_bytes(), path.name, year)
        yield store


def shared_sqlite_store(ctx: Context):
    """Return the SQLite store holding every benchmark year, built once per run and shared by benchmarks."""
    if "sqlite_years" not in ctx.shared:
        ctx.shared["sqlite_years"] = ctx.resources.enter_context(stored_years(ctx))
    return ctx.shared["sqlite_years"]
