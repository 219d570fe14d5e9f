"""Page "Nhập dữ liệu" in Chromium: the preview of a workbook that differs wildly from the year before shows
the year-on-year warnings first, right under the step's title, naming the Mã HTX, the cell and both values.

The server's store holds 2026 as real data (six HTX, revenue 1.000 triệu đồng each), filled before the server
starts (`prefilled_server`); the workbook uploaded is the issue's: 2027 with three of them, one revenue typed
100 times too large. Nothing is imported: the store stays as filled.
"""

from __future__ import annotations

import pytest

from kpi.common.i18n import t
from tests.builders import coop, group, workbook

pytestmark = pytest.mark.browser

PAGE = "pages/6_Nhap_du_lieu.py"
ALERT_OK = '[data-testid="stAlertContentSuccess"]'
ALERT_WARNING = '[data-testid="stAlertContentWarning"]'
SIX = [coop(f"A{i}") for i in range(1, 7)]


def fill_store(url: str) -> None:
    """Store 2026 as real data (read by the prefilled_server fixture)."""
    from kpi.common.access import command_line
    from kpi.store.versions import open_store

    with open_store(url) as store:
        assert store.import_workbook(
            workbook(year=2026, coops=SIX, groups=[group()]),
            "2026.xlsx",
            2026,
            "Lan",
            identity=command_line("kiem-thu"),
        ).ok


@pytest.fixture
def app_server(prefilled_server):
    """Serve this module's pages from the server over the store filled above."""
    return prefilled_server


def test_the_preview_shows_the_year_on_year_warnings_first(
    tmp_path, navigation, open_page, wait_for_run, assert_no_exception, screenshot, add_account, log_in
) -> None:
    add_account("lan", "analyst")  # only those who may import get the file input
    path = tmp_path / "so-lieu-2027.xlsx"
    coops = [coop("A1", revenue=100000), coop("A2"), coop("A3")]
    path.write_bytes(workbook(year=2027, coops=coops, groups=[group()]))

    page = open_page("/" + navigation[PAGE])
    assert_no_exception(page)
    log_in(page, "lan")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(path)
    summary = t("imports.summary_ok", "vi", year=2027, coops="3", groups="1").replace("**", "")
    page.locator(ALERT_OK).filter(has_text=summary).wait_for()
    wait_for_run(page)
    assert_no_exception(page)

    # Hand-worked: A1's revenue 1.000 → 100.000 (100 times); A4, A5, A6 gone; HTX 6 → 3 (−50%); members
    # 120 → 60 (−50%); revenue 6.000 → 102.000 (+1.600%): 7 warnings.
    heading = page.get_by_role("heading", name=t("imports.step3", "vi"))
    warning = page.locator(ALERT_WARNING).filter(has_text="So với số liệu năm 2026 đang dùng: 7 cảnh báo.")
    assert warning.is_visible()
    year_input = page.get_by_label(t("imports.year", "vi"), exact=True).and_(
        page.get_by_test_id("stNumberInputField")
    )
    metrics = page.locator('[data-testid="stMetric"]').first
    top = {name: el.bounding_box()["y"] for name, el in (("heading", heading), ("warning", warning),
           ("year", year_input), ("metrics", metrics))}  # fmt: skip
    assert top["heading"] < top["warning"] < top["year"] < top["metrics"]

    first = "Mã HTX 'A1': năm 2026 là 1.000, năm 2027 là 100.000 (gấp 100 lần); hãy kiểm tra lại số liệu và đơn vị."
    cell = page.get_by_text(first, exact=True)
    assert cell.is_visible()
    row = page.locator("tr").filter(has=cell)
    assert "J2" in row.inner_text()  # the cell of A1's revenue in the file: column J, Excel row 2
    assert (
        cell.bounding_box()["y"] < top["year"]
    )  # the table of warnings stands above the rest of the preview
    screenshot(page, "upload-year-on-year-warnings")
