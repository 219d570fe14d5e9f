"""Each dashboard page's script run (AppTest) on a store of 6 years, cold and warm, against a floor page.

A page runs the way a visitor opens it: `dashboard.py` (configuration, navigation, sidebar) and then the
page, in a new session. Cold: every Streamlit cache (`st.cache_data`, `st.cache_resource`) emptied before
each run, as for the first visitor after a restart or a new import. Warm: the caches already filled by an
earlier session. The floor (`bench/floor_page.py`) renders the same figures, metrics and tables that the
page rendered, built beforehand, so the ratio says what reading and computing add to drawing. Target: a
warm run at most 1,5 times the floor, and a cold run at most 1,5 times the warm run (the results of each
version are kept in the store, so a first visit reads them instead of computing from every row).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

from bench import data, stores
from bench.harness import Candidate, Context
from kpi.common.formatting import format_number

NAME = "pages"
WARM_TARGET = 1.5
COLD_TARGET = 1.5  # a cold run against the warm run of the same page
# Cold runs: each empties the caches first. Now that a first visit reads kept results (about 0,2 s, not
# seconds), a median of at least 7 keeps one slow run of a shared machine from deciding the ratio.
COLD_RUNS = 7
MIN_TIME = 4.0  # seconds of timed runs per measurement: page runs are short and AppTest's overhead varies
ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
FLOOR = ROOT / "bench" / "floor_page.py"
RUN_TIMEOUT = 600.0  # seconds; a cold run on a slow machine reads 6 × 30.000 cooperatives


@contextmanager
def environment(**variables: str):
    """Set environment variables for the duration, then restore them."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def discover(log) -> tuple[dict, list[tuple[str, str]]]:
    """Run the dashboard once; return its registered pages and [(page path relative to the root, title)]."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARD), default_timeout=RUN_TIMEOUT).run()
    if at.exception:
        log(f"dashboard.py raised on its first run: {at.exception[0].value}")
    registered = dict(at._registered_pages)  # AppTest keeps no public list of st.navigation's pages
    pages = []
    for info in registered.values():
        script = info.get("script_path")
        if script and Path(script).exists():
            relative = Path(script).resolve().relative_to(DASHBOARD.parent.resolve())
            pages.append((str(relative), str(info.get("page_name") or script)))
    return registered, pages


def session(registered: dict, page: str):
    """Return a new AppTest session of the dashboard, switched to `page` (not run yet)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARD), default_timeout=RUN_TIMEOUT)
    at._registered_pages = dict(registered)  # lets switch_page() resolve st.navigation's hashes at once
    return at.switch_page(page)


def rendered(at) -> dict:
    """Return what a finished run rendered, built again as objects: figures, metrics and tables."""
    import plotly.graph_objects as go

    figures = [go.Figure(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]
    metrics = [(m.label, m.value, m.delta) for m in at.metric]
    tables = [df.value for df in at.dataframe]
    return {"figures": figures, "metrics": metrics, "tables": tables}


def floor_session(content: dict):
    """Return a new AppTest session of the floor page holding `content` (not run yet)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(FLOOR), default_timeout=RUN_TIMEOUT)
    at.session_state["bench_floor"] = content
    return at


def run_checked(at) -> None:
    """Run a session; raise when the page shows an exception (its time would measure nothing)."""
    at.run()
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].value}")


def run(ctx: Context) -> None:
    """Measure every page of the dashboard's navigation, cold and warm, against its floor."""
    if not DASHBOARD.exists():
        ctx.skip(NAME, "dashboard.py does not exist yet")
        return
    if not data.have_module("kpi.store.versions"):
        ctx.skip(NAME, "kpi.store.versions does not exist yet")
        return
    import streamlit as st
    from streamlit import config
    from streamlit.logger import set_log_level

    # Clearing the cache outside a server logs a warning per run; AppTest re-applies the configured level.
    config.set_option("logger.level", "error")
    set_log_level("error")
    min_time = 0.0 if ctx.quick else MIN_TIME
    store = stores.shared_sqlite_store(ctx)
    url = store.engine.url.render_as_string(hide_password=False)
    # KPI_IMAGE_WARM_UP=0: no Chromium started in the background for "Tải ảnh" while pages are timed.
    with environment(KPI_DATABASE_URL=url, KPI_IMAGE_WARM_UP="0"):
        registered, pages = discover(ctx.log)
        if not pages:
            ctx.skip(NAME, "dashboard.py registered no page file")
            return
        for page, title in pages:
            ctx.log(f"page {page}")
            bench = ctx.benchmark(f"{NAME}: {title}")
            try:
                filled = session(registered, page)
                run_checked(filled)  # fills the caches, and shows what the floor must draw
                content = rendered(filled)
                floor_label = "floor: {figures} figures, {metrics} metrics, {tables} tables".format(
                    **{k: len(v) for k, v in content.items()}
                )

                def cold_session(page=page):
                    st.cache_data.clear()
                    st.cache_resource.clear()
                    return session(registered, page)

                # Cold runs interleaved with the warm ones and the floor (a warm run right after a cold one is
                # warm: the cold run filled the caches), so that the ratio of cold to warm is not a ratio of
                # two moments of a shared machine.
                warm, cold = bench.compare(
                    (floor_label, run_checked),
                    [
                        Candidate(
                            f"{page} warm",
                            run_checked,
                            setup=lambda page=page: session(registered, page),
                            target=WARM_TARGET,
                        ),
                        Candidate(f"{page} cold", run_checked, setup=cold_session),
                    ],
                    baseline_setup=lambda content=content: floor_session(content),
                    warmup=max(1, ctx.warmup),
                    repeat=ctx.repeat if ctx.quick else max(ctx.repeat, COLD_RUNS),
                    min_time=min_time,
                )
                bench.baseline(warm.label, warm.candidate)
                bench.candidate(cold.label, cold.candidate, against=warm.label, target=COLD_TARGET)
            except Exception as exc:  # one broken page must not hide the figures of the others
                bench.note(f"{page} not measured: {exc}")
    years = data.bench_years()
    size = data.QUICK if ctx.quick else data.NATIONAL
    ctx.report.notes.append(
        f"{NAME}: store of {len(years)} years ({years[0]}–{years[-1]}) × {format_number(size, 0)} HTX, each run "
        "in a new AppTest session of dashboard.py; cold = st.cache_data and st.cache_resource emptied before "
        "the run, as for the first visitor after a restart or a new import; cold, warm and floor runs "
        "interleaved (median of at least 7 runs each); "
        "the floor also renders the page's tables (st.dataframe), which the page could not do for less"
    )
