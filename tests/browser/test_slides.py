"""Presentation mode as slides, on a 1920x1080 projector: each slide fits the screen without scrolling and
in large type, previous/next walk through the first screen and one slide per group of indicators, and the
year can still be chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.stats.report import default_plan

pytestmark = pytest.mark.browser

PLAN = default_plan()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# How far the main area can scroll (0: the slide fits), and the size of the tiles' large numbers.
_FIT = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const value = document.querySelector('.kpi-tile-value');
    return {overflow: main.scrollHeight - main.clientHeight,
            value_px: value ? parseFloat(getComputedStyle(value).fontSize) : 0};
}"""


def _heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_the_slides_fit_a_projector_screen_and_walk_through_every_group(
    new_page, open_page, assert_no_exception, wait_for_run
) -> None:
    page = open_page("/?present=1", new_page(1920, 1080))
    assert_no_exception(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    headings = [_heading(page)]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number in range(1 + len(PLAN.groups)):
        charts = page.locator('[data-testid="stPlotlyChart"]')
        for i in range(charts.count()):
            charts.nth(i).locator(".js-plotly-plot .main-svg").first.wait_for(state="attached")
        page.screenshot(path=str(SCREENSHOTS / f"slide-{number + 1}-1920x1080.png"))
        fit = page.evaluate(_FIT)
        assert fit["overflow"] <= 1, f"slide {number + 1} needs scrolling ({fit['overflow']} px)"
        assert fit["value_px"] >= 48, "the tiles' numbers are not large type"
        next_button = page.get_by_role("button", name="Trang sau")
        if number == len(PLAN.groups):
            assert next_button.is_disabled()
            break
        next_button.click()
        wait_for_run(page)
        assert_no_exception(page)
        headings.append(_heading(page))
    year = headings[0].rsplit(" ", 1)[-1]
    assert headings == [f"Tổng quan năm {year}"] + [f"{g.name.vi} · {year}" for g in PLAN.groups]

    page.get_by_role("button", name="Trang trước").click()
    wait_for_run(page)
    assert _heading(page) == f"{PLAN.groups[-2].name.vi} · {year}"

    page.locator('.st-key-slide-bar [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="2023", exact=True).click()
    wait_for_run(page)
    assert _heading(page) == f"{PLAN.groups[-2].name.vi} · 2023"
