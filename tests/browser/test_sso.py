"""Single sign-on in Chromium against a local OpenID Connect provider (oidc-provider-mock, never the
internet): "Đăng nhập một lần (SSO)" (`st.login`) leads to the provider, the user chosen there comes back
logged in, and the email or group of the identity gets the role the store's mappings give (issue 12).

The dashboard runs on a server of its own whose `[auth]` secrets name the provider (a secrets file of the
test's own, passed with `--secrets.files`); the mappings are made with `python -m kpi users map`.
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, serve

pytestmark = pytest.mark.browser

PAGE = "pages/6_Nhap_du_lieu.py"
SIDEBAR = '[data-testid="stSidebar"]'
UPLOADER = '[data-testid="stFileUploader"]'
# Users of the provider: lan's email is mapped to analyst, quantri's group to admin, khach maps to nothing.
USERS = [
    {"sub": "lan", "email": "lan@daknong.gov.vn", "email_verified": True, "name": "Nguyễn Thị Lan"},
    {"sub": "quantri", "email": "qt@daknong.gov.vn", "email_verified": True, "name": "Quản Trị", "groups": ["ubnd-admin"]},
    {"sub": "khach", "email": "khach@example.org", "email_verified": True, "name": "Khách"},
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> str:
    """Return the URL of a local OpenID Connect provider with the USERS predefined."""
    port = _free_port()
    command = [str(Path(sys.executable).parent / "oidc-provider-mock"), "--port", str(port)]
    for user in USERS:
        command += ["--user-claims", json.dumps(user)]
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the OIDC provider did not start:\n{log.read_text()}", pytrace=False)
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_server(provider, tmp_path_factory):
    """The dashboard with `[auth]` pointing at the provider, and the mappings of its store."""
    work = tmp_path_factory.mktemp("streamlit-sso")
    secrets_file = work / "secrets.toml"

    def options(port: int) -> list[str]:
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(16)}"\n'
            'client_id = "kpi-dashboard"\n'
            'client_secret = "kpi-secret"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        return ["--secrets.files", str(secrets_file)]

    with serve(work, options=options) as server:
        for argv in (
            ("--email", "lan@daknong.gov.vn", "--role", "analyst"),
            ("--group", "ubnd-admin", "--role", "admin"),
        ):
            command = [sys.executable, "-m", "kpi", "users", "map", *argv, "--db", server.database_url]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stderr
        yield server


@pytest.fixture
def sso_page(page):
    """A page whose requests to the internet (the provider's stylesheet CDN) are refused at once."""
    page.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    return page


@pytest.mark.parametrize(
    ("sub", "caption", "uploads"),
    [
        ("lan", "Đang đăng nhập: Nguyễn Thị Lan (cán bộ nhập liệu)", 1),
        ("quantri", "Đang đăng nhập: Quản Trị (quản trị)", 1),
        ("khach", "Tài khoản khach@example.org đã đăng nhập nhưng chưa được gán vai trò", 0),
    ],
)
def test_sso_login_through_the_local_provider_gives_the_mapped_role(
    sso_page, navigation, open_page, wait_for_run, assert_no_exception, screenshot, sub, caption, uploads
) -> None:
    page = open_page("/" + navigation[PAGE], sso_page)
    assert page.locator(UPLOADER).count() == 0
    page.locator(SIDEBAR).get_by_role("button", name="Đăng nhập một lần (SSO)").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's predefined user
    page.wait_for_url(lambda url: "/oauth2" not in url and "127.0.0.1" in url)
    wait_for_run(page)
    assert_no_exception(page)
    assert page.locator(SIDEBAR).get_by_text(caption).is_visible()  # back on the dashboard's first page
    page = open_page("/" + navigation[PAGE], sso_page)  # the identity cookie holds across page loads
    assert page.locator(SIDEBAR).get_by_text(caption).is_visible()
    assert page.locator(UPLOADER).count() == uploads
    screenshot(page, f"sso-{sub}")
    page.locator(SIDEBAR).get_by_role("button", name="Đăng xuất").click()  # st.logout: the cookie goes
    page.wait_for_url("**/oauth2/end_session**")  # the provider's end of session, then back to the dashboard
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: "/oauth2" not in url and "/auth/" not in url)
    wait_for_run(page)
    page.locator(SIDEBAR).get_by_label("Mật khẩu", exact=True).wait_for()
    wait_for_run(page)
    assert page.locator(UPLOADER).count() == 0
