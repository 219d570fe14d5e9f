"""Page "Nhập dữ liệu" driven in Chromium: a statistics workbook of a new year uploaded through the file
input by an analyst logged in with the sidebar's form, checked, previewed, confirmed with a note (agreeing to
remove the sample data; who imports is the account), and the overview then showing that year's figures.

The import changes the store (the sample data goes), so this module runs on a server of its own
(`private_server`): the shared server of the worker keeps its sample data for the other browser tests.
"""

from __future__ import annotations

import re

import pytest

from kpi.common.i18n import t
from kpi.stats.sample import sample_files
from kpi.store.versions import rows_text
from tests.builders import coop, group, workbook

pytestmark = pytest.mark.browser

PAGE = "pages/6_Nhap_du_lieu.py"
OVERVIEW = "pages/1_Tong_quan.py"
ALERT_OK = '[data-testid="stAlertContentSuccess"]'
ALERT_ERROR = '[data-testid="stAlertContentError"]'
# The server seeds its empty store with one sample workbook per year; the next year is new to it (and no later
# than next year, the latest year the validator accepts, as the sample years are past years).
YEAR = max(int(re.search(r"\d{4}", p.name).group()) for p in sample_files()) + 1
# Members of the year's operating cooperatives: 1200 + 34 = 1234, shown the Vietnamese way.
COOPS = [coop("DN001", members=1200), coop("DN002", name="HTX Cà phê Đắk Mil", members=34)]
MEMBERS_SHOWN = "1.234"
IMPORTER = "Nguyễn Thị Thu Hà"
NOTE = "Số liệu chính thức, kiểm thử trên trình duyệt"


@pytest.fixture
def app_server(private_server):
    """Serve this module's pages from its own server, whose store the import may change."""
    return private_server


def plain(markdown: str) -> str:
    """Return a Markdown text as the browser shows it (bold marks gone)."""
    return markdown.replace("**", "")


def test_a_workbook_of_a_new_year_uploaded_and_confirmed_in_the_browser_shows_on_the_overview(
    tmp_path, navigation, open_page, wait_for_run, assert_no_exception, screenshot, add_account, log_in
) -> None:
    path = tmp_path / f"so-lieu-{YEAR}.xlsx"
    path.write_bytes(workbook(year=YEAR, coops=COOPS, groups=[group()]))
    add_account("ha", "analyst", IMPORTER)

    page = open_page("/" + navigation[PAGE])
    assert_no_exception(page)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0  # not for anonymous visitors
    log_in(page, "ha")
    assert page.get_by_text(f"Đang đăng nhập: {IMPORTER} (cán bộ nhập liệu)").is_visible()
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(path)

    # Step 2: the check ends with the summary of a usable file and no error.
    summary = plain(t("imports.summary_ok", "vi", year=YEAR, coops="2", groups="1"))
    page.locator(ALERT_OK).filter(has_text=summary).wait_for()
    wait_for_run(page)
    assert_no_exception(page)
    assert page.locator(ALERT_ERROR).count() == 0
    assert page.get_by_text(t("imports.checked_ok", "vi", file=path.name)).is_visible()

    # Step 3: the preview of a new year: both cooperatives added, the indicators before and after.
    assert page.get_by_text(t("imports.new_year", "vi", year=YEAR)).is_visible()
    added = page.locator('[data-testid="stMetric"]').filter(has_text=t("imports.metric.added", "vi"))
    assert added.locator('[data-testid="stMetricValue"]').inner_text().strip() == "2"
    assert page.get_by_text(t("imports.kpis", "vi", year=YEAR)).is_visible()

    confirm = t("imports.confirm", "vi", year=YEAR)
    form = page.locator('[data-testid="stForm"]').filter(has_text=confirm)
    assert form.get_by_label("Người nhập").count() == 0  # no longer typed: the account is who imports
    form.get_by_label(t("imports.note", "vi")).fill(NOTE)
    # The server's store holds the sample data, so the import asks for consent to remove it.
    consent = form.locator('[data-testid="stCheckbox"]').filter(has_text=t("imports.sample_ok", "vi"))
    assert consent.count() == 1
    assert not consent.locator("input").is_checked()
    consent.locator("label").click()
    assert consent.locator("input").is_checked()
    screenshot(page, "upload-before-confirm")
    form.get_by_role("button", name=confirm).click()

    stored = t(
        "kinds.stats.stored", "vi", year=YEAR, version=1, rows=rows_text({"coops": 2, "groups": 1}, "vi")
    )
    page.locator(ALERT_OK).filter(has_text=stored).wait_for()
    wait_for_run(page)
    assert_no_exception(page)
    assert page.locator(ALERT_ERROR).count() == 0
    assert page.get_by_text(t("imports.done_link", "vi", year=YEAR)).is_visible()
    screenshot(page, "upload-done")

    # A new session on the overview opens on the latest year: the one imported, real data only.
    page = open_page("/" + navigation[OVERVIEW])
    assert_no_exception(page)
    heading = page.locator('[data-testid="stMain"] h1').first
    assert heading.inner_text().strip() == t("page.overview_title", "vi", year=YEAR)
    members = page.locator('.kpi-card[data-indicator="members"] .kpi-value')
    assert members.inner_text().strip() == MEMBERS_SHOWN
    assert page.get_by_text(plain(t("notice.sample", "vi"))).count() == 0
