"""Printing the overview (Ctrl+P): A4 portrait, no sidebar or buttons, every chart within the page's width."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

A4_TEXT_WIDTH_PX = 703  # 210 mm - 2 x 12 mm margins at 96 px per inch, worked out by hand

_PRINTED = """() => ({
    charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
        .map(c => c.querySelector('svg.main-svg').getBoundingClientRect().width),
    sidebar: getComputedStyle(document.querySelector('[data-testid="stSidebar"]')).display,
    buttons: [...document.querySelectorAll('[data-testid="stDownloadButton"], [data-testid="stButton"]')]
        .filter(b => getComputedStyle(b).display !== 'none').length,
    page_rule: [...document.styleSheets].flatMap(s => { try { return [...s.cssRules]; } catch (e) { return []; } })
        .flatMap(r => r.cssRules ? [...r.cssRules] : [r]).some(r => r.cssText.startsWith('@page') && r.cssText.toLowerCase().includes('size: a4')),
})"""


@pytest.mark.parametrize("width", [1366, 1920])
def test_the_printed_overview_is_a4_portrait_without_sidebar_and_its_charts_fit(
    width, new_page, open_page, assert_no_exception
) -> None:
    page = open_page("/", new_page(width, 900))
    assert_no_exception(page)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached")
    page.emulate_media(media="print")
    printed = page.evaluate(_PRINTED)
    assert printed["page_rule"], "no @page rule for A4 (Chromium writes 'size: A4 portrait' as 'size: a4')"
    assert printed["sidebar"] == "none"
    assert printed["buttons"] == 0
    assert printed["charts"], "no chart on the printed page"
    too_wide = [round(w) for w in printed["charts"] if w > A4_TEXT_WIDTH_PX + 1]  # 1200 px x 0,586 = 703,2
    assert too_wide == [], f"charts wider than the A4 text width ({A4_TEXT_WIDTH_PX} px): {too_wide}"
    assert max(printed["charts"]) > A4_TEXT_WIDTH_PX / 2  # scaled to fit, not shrunk to a stamp
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
