"""Pictures for briefings ("Tải ảnh", "Tải bộ ảnh"): every text inside the canvas, in Vietnamese and English,
at the report size and at the 16:9 slide size; a footer with the source and, on sample data, "SỐ LIỆU MẪU".

Text extents are measured, not guessed: each figure is drawn by plotly.js in Chromium (the same library and
browser kaleido renders the PNG with) at the picture's size, and the box of every SVG text element is
compared with the canvas and with the footer's box.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zipfile
from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from kpi.stats import charts
from kpi.stats import scorecard as overview
from kpi.stats.report import default_engine, default_plan
from tests.app.apptest_helpers import core_report, latest_year, sample_dataset

pytestmark = pytest.mark.browser

PLAN = default_plan()
MADE = dt.date(2026, 11, 28)
SPECS = {
    "report": lambda lang: charts.ImageSpec(charts.image_footer(PLAN, "data", MADE, lang, sample=True), True),
    "slide": lambda lang: charts.ImageSpec(
        charts.image_footer(PLAN, "data", MADE, lang, sample=True), True, True
    ),
}

_MEASURE = """([figure, width, height]) => {
    const div = document.getElementById('g');
    return Plotly.newPlot(div, figure.data, {...figure.layout, width, height}, {staticPlot: true}).then(() => {
        const origin = div.getBoundingClientRect();
        return [...div.querySelectorAll('svg text')].map(e => {
            const r = e.getBoundingClientRect();
            return {text: e.textContent, cls: e.getAttribute('class') || '', left: r.left - origin.left,
                    right: r.right - origin.left,
                    top: r.top - origin.top, bottom: r.bottom - origin.top, width: r.width};
        }).filter(b => b.width > 0 && b.text.trim());
    });
}"""


@pytest.fixture(scope="module")
def plot_page(browser):
    """Return a Chromium page with plotly.js loaded and an empty div to draw in."""
    context = browser.new_context(viewport={"width": 2000, "height": 2200})
    page = context.new_page()
    page.set_content('<html><body style="margin:0"><div id="g"></div></body></html>')
    page.add_script_tag(content=get_plotlyjs())
    yield page
    context.close()


def text_boxes(page, fig: go.Figure, spec: charts.ImageSpec) -> tuple[list[dict], int, int]:
    """Return the boxes of every drawn text of the briefing picture of `fig`, and the canvas size."""
    ready = charts.briefing_figure(fig, spec)
    width, height, _ = charts.image_size(ready, spec)
    boxes = page.evaluate(_MEASURE, [json.loads(ready.to_json()), width, height])
    return boxes, width, height


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def assert_readable(page, fig: go.Figure, spec: charts.ImageSpec) -> None:
    """Fail when a text runs past the canvas, or when the footer is missing or covered by another text."""
    boxes, width, height = text_boxes(page, fig, spec)
    outside = [
        (b["text"][:60], round(b["left"]), round(b["right"]), round(b["top"]), round(b["bottom"]))
        for b in boxes
        if b["left"] < -0.5 or b["top"] < -0.5 or b["right"] > width + 0.5 or b["bottom"] > height + 0.5
    ]
    assert outside == [], f"texts cut at the edge of the {width}x{height} canvas: {outside}"
    footers = [b for b in boxes if b["text"] == spec.footer]
    assert len(footers) == 1, "the footer line is not drawn"
    covered = [b["text"][:60] for b in boxes if b is not footers[0] and _overlap(b, footers[0])]
    assert covered == [], f"texts over the footer: {covered}"
    heads = [b for b in boxes if b["cls"].startswith("gtitle")]
    under = [b["text"][:40] for h in heads for b in boxes if b not in heads and _overlap(b, h)]
    assert under == [], f"texts under the title: {under}"


def _figures(lang: str) -> list[tuple[str, go.Figure]]:
    """Return every chart a page offers for download, built from the sample data of the latest year."""
    year = latest_year()
    report = core_report(year, by_district=True)
    data = sample_dataset()
    targets = overview.rating_targets(PLAN)
    engine = default_engine()
    figures = [(f"bullet-{y}", charts.build_bullet_figure(core_report(y), lang)) for y in (year - 1, year)]
    figures += [
        (f"indicator-{r.indicator.id}", charts.build_indicator_figure(r, PLAN, lang)) for r in report.results
    ]
    figures += [
        (
            f"district-{r.indicator.id}",
            charts.build_district_bar(r.districts, r.indicator, year, lang, province=r.assessment.value),
        )
        for r in report.results
        if r.districts
    ]
    for by in ("year", "district", "sector"):
        counts = overview.rating_counts(
            data,
            by=by,
            year=None if by == "year" else year,
            districts=engine.districts if by == "district" else None,
        )
        figures.append((f"ratings-{by}", charts.build_rating_figure(counts, lang, by, year, targets)))
    return figures


@pytest.mark.parametrize("size", list(SPECS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_text_of_any_downloadable_chart_runs_past_the_canvas(plot_page, lang, size):
    spec = SPECS[size](lang)
    for name, fig in _figures(lang):
        try:
            assert_readable(plot_page, fig, spec)
        except AssertionError as error:
            raise AssertionError(f"{name} ({lang}, {size}): {error}") from None


def test_the_footer_names_the_plan_the_data_version_and_the_date():
    sources = sample_sources()
    note = charts.data_note(sources, 2025, "vi")
    assert note == "số liệu năm 2025, phiên bản 3, nhập ngày 27/11/2026"
    footer = charts.image_footer(PLAN, note, MADE, "vi", sample=True)
    assert footer == (
        "SỐ LIỆU MẪU · Nguồn: Kế hoạch 485/KH-UBND; số liệu năm 2025, phiên bản 3, nhập ngày 27/11/2026. "
        "Ảnh tạo ngày 28/11/2026."
    )
    assert charts.data_note(sources, None, "en") == "2024–2025 data, last imported on Nov 27, 2026"


def sample_sources():
    """Return a sources table as ui.data.get_sources() gives it: two years, the later one re-imported."""
    import pandas as pd

    return pd.DataFrame(
        {
            "year": [2024, 2025],
            "version": [1, 3],
            "imported_at": pd.to_datetime(["2026-11-20 08:00", "2026-11-27 16:30"], utc=True),
        }
    )


def test_sample_pictures_carry_the_mark_and_real_ones_do_not():
    fig = charts.build_bullet_figure(core_report(latest_year()))
    marked = charts.briefing_figure(fig, charts.ImageSpec("f", sample=True))
    plain = charts.briefing_figure(fig, charts.ImageSpec("f", sample=False))
    assert "SỐ LIỆU MẪU" in [a.text for a in marked.layout.annotations]
    assert "SỐ LIỆU MẪU" not in [a.text for a in plain.layout.annotations]


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_a_slide_picture_is_1920_by_1080_and_a_report_picture_twice_the_chart():
    fig = charts.build_bullet_figure(core_report(latest_year()))
    slide = charts.briefing_png(fig, charts.ImageSpec("f", slide=True))
    assert _png_size(slide) == (1920, 1080)
    report = charts.briefing_png(fig, charts.ImageSpec("f"))
    assert _png_size(report) == (2 * charts.IMAGE_WIDTH, 2 * int(fig.layout.height))


def test_the_zip_of_the_overview_holds_one_picture_per_chart_in_order():
    figures = [("a.png", charts.build_bullet_figure(core_report(latest_year()))), ("b.png", go.Figure())]
    archive = zipfile.ZipFile(io.BytesIO(charts.images_zip(figures, charts.ImageSpec("f"))))
    assert archive.namelist() == ["a.png", "b.png"]
    assert all(_png_size(archive.read(n))[0] > 0 for n in archive.namelist())


def test_the_overview_buttons_download_a_slide_and_the_zip_of_its_pictures(open_page, assert_no_exception):
    page = open_page("/")
    assert_no_exception(page)
    with page.expect_download(timeout=180_000) as slide:
        page.get_by_role("button", name="Ảnh 16:9").first.click()
    assert slide.value.suggested_filename == f"tien-do-cac-chi-tieu-{latest_year()}-16x9.png"
    assert _png_size(Path(slide.value.path()).read_bytes()) == (1920, 1080)

    with page.expect_download(timeout=300_000) as bundle:
        page.get_by_role("button", name="Tải bộ ảnh").click()
    assert bundle.value.suggested_filename == f"bo-anh-tong-quan-{latest_year()}.zip"
    names = zipfile.ZipFile(bundle.value.path()).namelist()
    assert names[0] == f"tien-do-cac-chi-tieu-{latest_year()}.png"
    assert names[1:] == [charts.image_file_name(ind, latest_year(), "vi") for ind in PLAN.indicators]


# Texts cut at the chart's edge, and the title or subtitle lying over another text of the chart.
_SPILLING_ON_SCREEN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap(chart => {
    const box = chart.querySelector('.js-plotly-plot').getBoundingClientRect();
    const texts = [...chart.querySelectorAll('svg text')].map(e => [e, e.textContent, e.getBoundingClientRect()])
        .filter(([e, text, r]) => r.width > 0 && text.trim());
    const cut = texts.filter(([e, text, r]) =>
        r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        .map(([e, text]) => 'cut: ' + text.slice(0, 60));
    const heads = texts.filter(([e]) => e.closest('.infolayer') && /title/.test(e.getAttribute('class') || ''));
    const covered = heads.flatMap(([h, ht, hr]) => texts.filter(([e, text, r]) => e !== h && !heads.some(([x]) => x === e)
        && r.left < hr.right && hr.left < r.right && r.top < hr.bottom - 2 && hr.top + 2 < r.bottom)
        .map(([e, text]) => 'under the title: ' + text.slice(0, 40)));
    return cut.concat(covered);
})"""


@pytest.mark.parametrize("path", ["/", "/Chi_tieu?indicator=avg_income", "/Dia_ban", "/Xep_loai"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_chart_text_is_cut_on_the_pages_at_1366x768(path, lang, open_page, assert_no_exception):
    separator = "&" if "?" in path else "?"
    page = open_page(f"{path}{separator}lang={lang}")
    assert_no_exception(page)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator(".js-plotly-plot .main-svg").first.wait_for(state="attached")
    page.wait_for_timeout(300)
    assert page.evaluate(_SPILLING_ON_SCREEN) == []
