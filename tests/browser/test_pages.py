"""Every page of the dashboard's navigation, opened by its URL in Chromium: no exception, charts drawn,
a screenshot at 1366x768; the overview in presentation mode at 1920x1080."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHART = '[data-testid="stPlotlyChart"]'
DRAWN = ".js-plotly-plot .main-svg"


def page_files() -> list[str]:
    """Return the page files that dashboard.py names and that exist (read at collection time).

    When dashboard.py builds its paths instead of writing them out, every file of pages/ is taken, and
    each must then be in the navigation.
    """
    dashboard = ROOT / "dashboard.py"
    if not dashboard.exists():
        return []
    named = dict.fromkeys(re.findall(r"""["'](pages/[\w./-]+\.py)["']""", dashboard.read_text("utf-8")))
    if not named:
        named = dict.fromkeys(p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "pages").glob("*.py")))
    return [p for p in named if (ROOT / p).exists() and not Path(p).name.startswith("_")]


PAGES = page_files()


def charts_drawn(page) -> tuple[int, int]:
    """Return (charts on the page, charts whose plotly SVG holds drawn marks), after waiting for them."""
    charts = page.locator(CHART)
    for i in range(charts.count()):
        charts.nth(i).locator(DRAWN).first.wait_for(state="attached")
    drawn = page.evaluate(
        """([chart, svg]) => [...document.querySelectorAll(chart)].filter(c => {
               const plot = c.querySelector(svg);
               return plot && plot.querySelectorAll("path, rect, text").length > 0;
           }).length""",
        [CHART, DRAWN],
    )
    return charts.count(), drawn


@pytest.mark.skipif(not PAGES, reason="dashboard.py or its pages/*.py do not exist yet")
@pytest.mark.parametrize("page_file", PAGES or ["-"])
def test_every_page_opens_by_its_url_without_an_exception_and_draws_its_charts(
    page_file, navigation, open_page, assert_no_exception, screenshot
) -> None:
    if page_file not in navigation:
        pytest.fail(f"{page_file} is named in dashboard.py but not in its navigation: {sorted(navigation)}")
    page = open_page("/" + navigation[page_file])
    assert_no_exception(page)
    total, drawn = charts_drawn(page)
    assert drawn == total, f"{total - drawn} of {total} charts of {page_file} are not drawn"
    if navigation[page_file] == "":  # the default page is the overview, which always has its bullet chart
        assert total >= 1, "the overview shows no chart"
    screenshot(page, f"{Path(page_file).stem}-1366x768")


@pytest.mark.skipif(not PAGES, reason="dashboard.py or its pages/*.py do not exist yet")
def test_the_overview_in_presentation_mode_fills_a_1920x1080_screen_without_the_sidebar(
    new_page, open_page, assert_no_exception, screenshot
) -> None:
    page = open_page("/?present=1", new_page(1920, 1080))
    assert_no_exception(page)
    total, drawn = charts_drawn(page)
    assert drawn == total
    assert (
        page.locator(".kpi-tile").count() >= 1
    )  # the first slide: the headline tiles (tests/browser/test_slides.py)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    screenshot(page, "overview-present-1920x1080")
