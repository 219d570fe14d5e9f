"""`KPI_REQUIRE_LOGIN=1` in Chromium: an anonymous visitor of any page address gets the login form and nothing
of the dashboard, not even the menu; a viewer logged in with the real fields then reads the overview.

Runs on a server of its own started with the setting (the other browser tests' servers keep it off).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import BROWSER_PASSWORD, serve

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """The dashboard with `require_login` on."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_REQUIRE_LOGIN", "1")
        with serve(tmp_path_factory.mktemp("streamlit-login-required")) as server:
            yield server


def test_an_anonymous_visitor_sees_only_the_login_form_then_a_viewer_reads(
    open_page, add_account, wait_for_run, assert_no_exception, screenshot
) -> None:
    add_account("xem", "viewer", "Người Xem")
    for path in ("/", "/Nhap_du_lieu", "/Danh_sach_HTX"):
        page = open_page(path)
        assert_no_exception(page)
        assert page.locator(MAIN).get_by_text("Cần đăng nhập để xem bảng điều khiển.").is_visible()
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.locator('[data-testid="stMetric"], .kpi-card, [data-testid="stDataFrame"]').count() == 0
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
    screenshot(page, "login-required")

    form = page.locator(MAIN).locator('[data-testid="stForm"]')
    form.get_by_label("Tên tài khoản").fill("xem")
    form.get_by_label("Mật khẩu", exact=True).fill(BROWSER_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_timeout(300)
    wait_for_run(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 1
    assert page.get_by_text("Đang đăng nhập: Người Xem (người xem)").is_visible()
