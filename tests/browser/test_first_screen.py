"""The overview's first screen as a provincial leader sees it at 1366x768, without scrolling: the plan's four
headline targets as tiles (value, target, verdict), then the sentence and one chip per indicator.

Expected figures come from the core (tests/app/apptest_helpers.py computes them from the same sample
workbooks the server seeds its store with), never from the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.common.formatting import format_percent
from kpi.stats.report import default_plan
from kpi.stats.scorecard import value_text
from tests.app.apptest_helpers import core_report, latest_year

pytestmark = pytest.mark.browser

PLAN = default_plan()
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Every tile and chip, with its box in the viewport and its text as the browser renders it.
# `spill` is how far any text inside runs past the element's own right edge (a number too wide for its tile).
_BOXES = """() => [...document.querySelectorAll('.kpi-tile, .kpi-chip, .kpi-first-sentence')].map(e => {
    const r = e.getBoundingClientRect();
    const inner = [...e.querySelectorAll('*')].map(c => c.getBoundingClientRect().right);
    return {kind: e.className.split(' ')[0], id: e.dataset.indicator || '', top: r.top, bottom: r.bottom,
            left: r.left, right: r.right, spill: Math.max(0, ...inner) - r.right, text: e.innerText};
})"""


def _first_viewport(page) -> list[dict]:
    """Return the boxes of the first screen's pieces, the main area scrolled to the top."""
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    return page.evaluate(_BOXES)


def _choose_english(page, wait_for_run) -> None:
    page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
    wait_for_run(page)
    page.locator(".kpi-tile").first.wait_for()


@pytest.mark.parametrize(
    ("lang", "years_back", "how"),
    [
        ("vi", 0, "address"),  # the latest year: most targets due, final verdicts
        ("en", 0, "sidebar"),  # English chosen on the page
        ("vi", 2, "address"),  # an earlier year: pace statuses, a longer sentence
        ("en", 2, "address"),
    ],
)
def test_the_first_viewport_answers_are_we_reaching_the_plan(
    lang, years_back, how, new_page, open_page, assert_no_exception, wait_for_run
) -> None:
    year = latest_year() - years_back
    if how == "sidebar":
        page = open_page("/", new_page(**VIEWPORT))
        _choose_english(page, wait_for_run)
    else:
        page = open_page(f"/?lang={lang}&year={year}", new_page(**VIEWPORT))
    assert_no_exception(page)
    boxes = _first_viewport(page)
    report = core_report(year)

    tiles = [b for b in boxes if b["kind"] == "kpi-tile"]
    assert [b["id"] for b in tiles] == list(PLAN.headline)
    chips = [b for b in boxes if b["kind"] == "kpi-chip"]
    assert [b["id"] for b in chips] == [ind.id for ind in PLAN.indicators]
    below = [b["id"] or b["kind"] for b in boxes if b["bottom"] > VIEWPORT["height"] or b["top"] < 0]
    assert below == [], f"not in the first 1366x768 viewport: {below}"
    beside = [b["id"] for b in boxes if b["right"] > VIEWPORT["width"]]
    assert beside == [], f"cut at the right: {beside}"
    spilling = {b["id"]: b["spill"] for b in boxes if b["spill"] > 0.5}
    assert spilling == {}, f"text running out of its tile or chip (px): {spilling}"

    rules = PLAN.assessment
    for tile in tiles:
        result = report.result(tile["id"])
        ind, a = result.indicator, result.assessment
        text = " ".join(tile["text"].split())
        assert ind.name.get(lang) in text
        assert value_text(ind, a.value, lang) in text
        assert value_text(ind, ind.target.value, lang) in text
        assert rules.label(a.status, lang) in text
        assert format_percent(100 * a.value / ind.target.value, 1, lang) in text
    for chip in chips:
        status = report.result(chip["id"]).assessment.status
        page_status = page.locator(f'.kpi-chip[data-indicator="{chip["id"]}"]').get_attribute("data-status")
        assert page_status == status
    page.screenshot(path=str(_shot_path(f"overview-first-viewport-{lang}-{year}-1366x768")))


def _shot_path(name: str) -> Path:
    """Return where the first viewport's PNG goes (beside the other browser tests' screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
