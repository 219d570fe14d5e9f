"""Every page of the dashboard's navigation, opened by its URL in Chromium: its title, one key figure worked out
from the sample workbooks the server loads, no exception, charts drawn, a screenshot at 1366x768; the overview
in presentation mode at 1920x1080.

The key figures are counted here straight from the sample files with openpyxl (and the task list from its YAML
file), not by the dashboard's code, and written the Vietnamese way: a page that shows only an error fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openpyxl
import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from kpi.common.i18n import t
from kpi.stats.sample import sample_files
from tests.navigation import page_files

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHART = '[data-testid="stPlotlyChart"]'
DRAWN = ".js-plotly-plot .main-svg"
MAIN = '[data-testid="stMain"]'
TITLE = f"{MAIN} h1"
# Milliseconds to wait for a key figure once the run has ended and the charts are drawn.
FIGURE_TIMEOUT_MS = 15_000
TASKS_FILE = ROOT / "data" / "tasks" / "kh-485-2020-tasks.yaml"
DISTRICT = "Đắk Mil"  # the district whose figures are checked on the district and rating pages


PAGES = page_files()


RATED_CLASSES = (
    "Tốt",
    "Khá",
    "Trung bình",
    "Yếu",
)  # the plan's `rated` population, as the workbook writes it

# --- what the sample data says, counted without the dashboard's code ----------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Figures of the latest sample year, counted from its workbook."""

    year: int
    files: dict[int, str]  # year -> file name, every sample workbook the server loads
    rows: int  # rows of sheet HTX (every cooperative listed, dissolved ones too)
    existing: int  # not dissolved
    members: int  # members of the cooperatives not dissolved
    members_in_district: int  # the same in DISTRICT
    operating_in_district: int  # operating cooperatives of DISTRICT
    rated_in_district: int  # operating cooperatives of DISTRICT rated good, fair, average or weak


@cache
def sample() -> Sample:
    """Return the figures of the latest sample workbook, read cell by cell with openpyxl."""
    files = {int(re.search(r"\d{4}", p.name).group()): p for p in sample_files()}
    year = max(files)
    book = openpyxl.load_workbook(files[year], read_only=True, data_only=True)
    header, *lines = book["HTX"].iter_rows(values_only=True)
    column = {name: i for i, name in enumerate(header)}
    coops = [line for line in lines if line[column["Mã HTX"]] not in (None, "")]
    book.close()

    def status(c):
        return c[column["Tình trạng"]]

    def district(c):
        return c[column["Huyện/Thành phố"]]

    existing = [c for c in coops if status(c) != "Giải thể"]
    operating_in_district = [c for c in coops if status(c) == "Đang hoạt động" and district(c) == DISTRICT]
    return Sample(
        year=year,
        files={y: p.name for y, p in sorted(files.items())},
        rows=len(coops),
        existing=len(existing),
        members=sum(c[column["Số thành viên"]] or 0 for c in existing),
        members_in_district=sum(c[column["Số thành viên"]] or 0 for c in existing if district(c) == DISTRICT),
        operating_in_district=len(operating_in_district),
        rated_in_district=sum(1 for c in operating_in_district if c[column["Xếp loại"]] in RATED_CLASSES),
    )


def vn(number: int) -> str:
    """Return a whole number the Vietnamese way: dots between thousands (27.379)."""
    return f"{number:,}".replace(",", ".")


# --- where each page shows its key figure --------------------------------------------------------------------------

TABLE_ROWS = """(table) => [...table.querySelectorAll("tr")].map(
    tr => [...tr.querySelectorAll("th, td")].map(cell => cell.textContent.trim()))"""


def table_rows(page, selector: str, has_text: str) -> list[list[str]]:
    """Return the rows (header first) of the first table under `selector` that holds `has_text`.

    Works for static tables and for data grids, whose accessible table carries the cells' text."""
    table = page.locator(f"{selector} table").filter(has_text=has_text).first
    table.wait_for(state="attached")
    return table.evaluate(TABLE_ROWS)


def cell(rows: list[list[str]], holding: str, column: str) -> str:
    """Return the cell, in the column headed `column`, of the first row with a cell reading `holding`."""
    assert rows and column in rows[0], f"no column {column!r} in the table: {rows[:1]}"
    found = next((row for row in rows[1:] if holding in row), None)
    assert found is not None, f"no row reading {holding!r} in the table headed {rows[0]}"
    return found[rows[0].index(column)]


def card_value(indicator: str) -> Callable[[object], str]:
    """Return a reader of the big value on an indicator's card, or on its headline tile (as on a slide)."""
    found = (
        f'.kpi-card[data-indicator="{indicator}"] .kpi-value, '
        f'.kpi-tile[data-indicator="{indicator}"] .kpi-tile-value'
    )
    return lambda page: page.locator(found).first.inner_text()


def district_members(page) -> str:
    """Return the members of DISTRICT in the table of every indicator by district."""
    row = "Số thành viên HTX (người)"
    return cell(table_rows(page, MAIN, row), row, DISTRICT)


def district_rating_label(page) -> str:
    """Return the label of DISTRICT's bar in the chart of ratings by district: "Đắk Mil (40 HTX)"."""
    return page.locator(f"{CHART} text").filter(has_text=re.compile(rf"^{DISTRICT} \(")).first.text_content()


def listed_count(page) -> str:
    """Return the count above the list of cooperatives: "shown / total HTX"."""
    count = re.compile(r"^[\d.]+ / [\d.]+ HTX$")
    return page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=count).first.inner_text()


def imported_rows(page) -> str:
    """Return the cooperatives counted by the import history for the latest sample workbook."""
    rows = table_rows(page, '[data-testid="stDataFrame"]', "Số HTX")
    return cell(rows, sample().files[sample().year], "Số HTX")


def sources_listed(page) -> str:
    """Return the years and files of the method page's table of sources, one "year: file" a line."""
    rows = table_rows(page, MAIN, sample().files[sample().year])
    year, name = rows[0].index("Năm"), rows[0].index("Tệp")
    return "\n".join(f"{row[year]}: {row[name]}" for row in rows[1:])


def quality_existing(page) -> str:
    """Return the cooperatives not dissolved of the whole province in the data-quality table."""
    coops = t("quality.col.coops", "vi")
    return cell(table_rows(page, MAIN, coops), coops, t("quality.total", "vi"))


def total_tasks(page) -> str:
    """Return the value of the metric of all tasks."""
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("tasks.metric.total", "vi"))
    return metric.locator('[data-testid="stMetricValue"]').first.inner_text()


def report_command(page) -> str:
    """Return the command line the report page gives for the same report (it names the year shown)."""
    return (
        page.locator('[data-testid="stCaptionContainer"]')
        .filter(has_text="python -m kpi brief")
        .first.inner_text()
    )


@dataclass(frozen=True)
class Expected:
    """What a page must say: its title, and a key figure read by `read` that must equal `figure`."""

    title: str
    read: Callable[[object], str]
    figure: str


def expected(page_file: str) -> Expected:
    """Return what the page must show with the sample data (pages are named by their file)."""
    s = sample()
    tasks = yaml.safe_load(TASKS_FILE.read_text(encoding="utf-8"))
    pages = {
        "pages/1_Tong_quan.py": Expected(
            t("page.overview_title", "vi", year=s.year), card_value("members"), vn(s.members)
        ),
        "pages/2_Chi_tieu.py": Expected(
            t("page.indicator_title", "vi", year=s.year), card_value("cooperatives"), vn(s.existing)
        ),
        "pages/3_Dia_ban.py": Expected(
            t("page.districts_title", "vi", year=s.year), district_members, vn(s.members_in_district)
        ),
        "pages/4_Xep_loai.py": Expected(
            t("page.ratings_title", "vi", year=s.year),
            district_rating_label,
            # the ratings chart counts the rated cooperatives and, after them, the operating ones not rated
            f"{DISTRICT} ({vn(s.rated_in_district)} đã xếp loại · "
            f"{vn(s.operating_in_district - s.rated_in_district)} chưa)",
        ),
        "pages/5_Danh_sach_HTX.py": Expected(
            t("coops.title", "vi"), listed_count, f"{vn(s.rows)} / {vn(s.rows)} HTX"
        ),
        "pages/6_Nhap_du_lieu.py": Expected(t("imports.title", "vi"), imported_rows, vn(s.rows)),
        "pages/7_Phuong_phap.py": Expected(
            t("page.method_title", "vi"), sources_listed, "\n".join(f"{y}: {n}" for y, n in s.files.items())
        ),
        "pages/10_Chat_luong_so_lieu.py": Expected(
            t("quality.title", "vi", year=s.year), quality_existing, vn(s.existing)
        ),
        "pages/8_Nhiem_vu.py": Expected(
            t("tasks.title", "vi", plan=tasks["plan"]["number"]), total_tasks, vn(len(tasks["tasks"]))
        ),
        "pages/9_Bao_cao.py": Expected(
            t("brief.page.title", "vi", plan=tasks["plan"]["number"]),
            report_command,
            t("brief.page.command", "vi", year=s.year),
        ),
    }
    assert page_file in pages, f"{page_file} has no expected title and figure in tests/browser/test_pages.py"
    return pages[page_file]


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


def assert_title_and_figure(page, page_file: str) -> None:
    """Fail unless the page, whose script run has ended, shows its title and its key figure."""
    want = expected(page_file)
    titles = page.locator(TITLE)
    assert titles.count(), f"{page_file} shows no title; it shows:\n{page.locator(MAIN).inner_text()[:2000]}"
    assert titles.first.inner_text().strip() == want.title
    page.set_default_timeout(FIGURE_TIMEOUT_MS)  # only what draws after the run (charts, grids) is waited for
    try:
        shown = want.read(page).strip()
    except PlaywrightTimeoutError:
        pytest.fail(
            f"{page_file} does not show its key figure {want.figure!r}; it shows:\n"
            f"{page.locator(MAIN).inner_text()[:2000]}",
            pytrace=False,
        )
    assert shown == want.figure, f"{page_file} shows {shown!r} where the sample data gives {want.figure!r}"


def test_the_sample_counts_are_read_from_the_workbooks() -> None:
    s = sample()
    assert s.files and s.rows >= s.existing > s.operating_in_district > 0
    assert s.members > s.members_in_district > 0
    assert (vn(27379), vn(264), vn(1234567)) == ("27.379", "264", "1.234.567")


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_opens_by_its_url_with_its_title_and_key_figure_and_draws_its_charts(
    page_file, navigation, open_page, assert_no_exception, screenshot
) -> None:
    assert (ROOT / page_file).is_file(), f"dashboard.py names {page_file}, which does not exist"
    assert page_file in navigation, (
        f"{page_file} is named in dashboard.py but not in its navigation: {sorted(navigation)}"
    )
    page = open_page("/" + navigation[page_file])
    assert_no_exception(page)
    total, drawn = charts_drawn(page)
    assert drawn == total, f"{total - drawn} of {total} charts of {page_file} are not drawn"
    assert_title_and_figure(page, page_file)
    if navigation[page_file] == "":  # the default page is the overview, which always has its bullet chart
        assert total >= 1, "the overview shows no chart"
    screenshot(page, f"{Path(page_file).stem}-1366x768")


def test_the_overview_in_presentation_mode_fills_a_1920x1080_screen_without_the_sidebar(
    new_page, open_page, assert_no_exception, screenshot
) -> None:
    page = open_page("/?present=1", new_page(1920, 1080))
    assert_no_exception(page)
    total, drawn = charts_drawn(page)
    assert drawn == total
    # the first slide: the headline tiles (tests/browser/test_slides.py)
    assert page.locator(".kpi-tile").count() >= 1
    assert_title_and_figure(page, "pages/1_Tong_quan.py")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    screenshot(page, "overview-present-1920x1080")
