"""Logging in with the sidebar's real fields and button in Chromium, as each role (issue 12): what "Nhập dữ
liệu" then offers, the admin page in the menu of admins only, one message for a wrong password, Enter in the
password field, and "Đăng xuất". Accounts are made with `python -m kpi users add` on the server's store.

Runs on a server of its own (`private_server`): logins and failures are events of its store.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "pages/6_Nhap_du_lieu.py"
AUDIT = "pages/11_Nhat_ky.py"
SIDEBAR = '[data-testid="stSidebar"]'
UPLOADER = '[data-testid="stFileUploader"]'
ACCOUNTS = {
    "xem": ("viewer", "Người Xem"),
    "lan": ("analyst", "Nguyễn Thị Lan"),
    "quantri": ("admin", "Quản Trị"),
}
ROLE_WORDS = {"viewer": "người xem", "analyst": "cán bộ nhập liệu", "admin": "quản trị"}


@pytest.fixture
def app_server(private_server):
    """Serve this module's pages from its own server."""
    return private_server


@pytest.fixture
def accounts(add_account) -> None:
    """The three accounts, made once per server (a second `users add` of a name is refused)."""
    if not getattr(accounts, "made", False):
        for name, (role, shown) in ACCOUNTS.items():
            add_account(name, role, shown)
        accounts.made = True


@pytest.mark.parametrize(
    ("name", "uploads", "enter"), [("xem", 0, False), ("lan", 1, True), ("quantri", 1, False)]
)
def test_each_role_logs_in_with_the_sidebar_form_and_gets_its_controls(
    accounts,
    navigation,
    open_page,
    log_in,
    wait_for_run,
    assert_no_exception,
    screenshot,
    name,
    uploads,
    enter,
) -> None:
    page = open_page("/" + navigation[PAGE])
    assert page.locator(UPLOADER).count() == 0
    log_in(page, name, enter=enter)
    assert_no_exception(page)
    role, shown = ACCOUNTS[name]
    sidebar = page.locator(SIDEBAR)
    assert sidebar.get_by_text(f"Đang đăng nhập: {shown} ({ROLE_WORDS[role]})").is_visible()
    assert sidebar.get_by_label("Mật khẩu", exact=True).count() == 0
    assert page.locator(UPLOADER).count() == uploads
    rollback = page.locator('[data-testid="stExpander"]').filter(has_text="Quay lại một phiên bản trước")
    assert rollback.count() == uploads
    in_menu = sidebar.locator('[data-testid="stSidebarNav"]').get_by_text("Nhật ký", exact=True).count()
    assert in_menu == (1 if role == "admin" else 0)
    screenshot(page, f"login-{role}")

    sidebar.get_by_role("button", name="Đăng xuất").click()
    sidebar.get_by_label("Mật khẩu", exact=True).wait_for()
    wait_for_run(page)
    assert page.locator(UPLOADER).count() == 0


def test_a_wrong_password_gets_the_one_message_and_no_control(
    accounts, navigation, open_page, log_in
) -> None:
    page = open_page("/" + navigation[PAGE])
    log_in(page, "lan", password="không phải mật khẩu")
    assert page.locator(SIDEBAR).get_by_text("Tên tài khoản hoặc mật khẩu không đúng.").is_visible()
    assert page.locator(UPLOADER).count() == 0


def test_an_admin_opens_the_audit_page_and_finds_the_logins(
    accounts, navigation, open_page, log_in, wait_for_run
) -> None:
    page = open_page("/" + navigation[PAGE])
    log_in(page, "quantri")
    page.locator(SIDEBAR).locator('[data-testid="stSidebarNav"]').get_by_text("Nhật ký", exact=True).click()
    wait_for_run(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "Nhật ký thao tác"
    assert page.get_by_role("button", name="Tải CSV").is_visible()
