"""Real-browser fixtures: the dashboard served by `streamlit run` on loopback, driven by Debian's Chromium.

Session scope is per pytest-xdist worker, so with `-n 2` each worker starts its own server on its own
free port, with its own throw-away SQLite store. Helpers are handed out as fixtures (`open_page`,
`assert_no_exception`, `screenshot`, `new_page`) so that test modules never import this file.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_VIEWPORT = {"width": 1366, "height": 768}
# Seconds; generous because the first run loads the sample data into the empty store on a 2-core machine.
SERVER_START_TIMEOUT = float(os.environ.get("KPI_BROWSER_START_TIMEOUT", "90"))
RUN_TIMEOUT_MS = int(float(os.environ.get("KPI_BROWSER_RUN_TIMEOUT", "60")) * 1000)

APP_DONE = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
)
BUSY = '[data-testid="stSkeleton"], [data-testid="stSpinner"]'
EXCEPTION = '[data-testid="stException"]'


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser` and skip them all when Chromium is missing (an error instead
    under scripts/test.sh, which requires the browser tests: see tests/required_markers.py)."""
    here = Path(__file__).parent
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing (scripts/test.sh installs it: apt-get install chromium)"
    )
    for item in items:
        if here not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


@dataclass
class Server:
    """A running dashboard: its base URL, its store and its log file."""

    url: str
    database_url: str
    log: Path
    process: subprocess.Popen

    def output(self, tail: int = 60) -> str:
        """Return the last lines the server wrote (stdout and stderr together)."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-tail:])


@contextmanager
def serve(
    work: Path, database_url: str | None = None, options: Callable[[int], list[str]] | None = None
) -> Iterator[Server]:
    """Yield the dashboard served on a free loopback port with a throw-away store in `work` (or the store at
    `database_url`); stop it after.

    `options(port)` adds command-line options of `streamlit run` (e.g. a secrets file naming the port)."""
    port = _free_port()
    database_url = database_url or f"sqlite:///{work / 'store.sqlite'}"
    env = {
        **os.environ,
        "KPI_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        # The dashboard's switch for page tests: no Chromium for "Tải ảnh" started in the background.
        "KPI_IMAGE_WARM_UP": "0",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *(options(port) if options else []),
    ]
    log = work / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", database_url, log, process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while _health(server.url) != "ok":
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode} before answering "
                    f"/_stcore/health:\n{server.output()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer 'ok' on {server.url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT:.0f} s:\n{server.output()}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Return the dashboard served on a free loopback port with a throw-away store; stopped at the end."""
    with serve(tmp_path_factory.mktemp("streamlit")) as server:
        yield server


@pytest.fixture(scope="module")
def private_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Return a server of the test module's own, with its own throw-away store; stopped after the module.

    For tests that write to the store (an import): the shared `streamlit_server` stays as the others expect
    it. A module uses it by overriding `app_server`, which `open_page` and `assert_no_exception` follow.
    """
    with serve(tmp_path_factory.mktemp("streamlit-private")) as server:
        yield server


@pytest.fixture(scope="module")
def prefilled_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Return a server of the test module's own over a store that the module's `fill_store(database_url)`
    filled before the server started (so the server does not seed it with the sample data)."""
    work = tmp_path_factory.mktemp("streamlit-prefilled")
    request.module.fill_store(f"sqlite:///{work / 'store.sqlite'}")
    with serve(work) as server:
        yield server


@pytest.fixture(scope="module")
def unreachable_store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Return a server whose database cannot be reached (a PostgreSQL URL on a closed port)."""
    url = "postgresql+psycopg://kpi_reader@127.0.0.1:1/kpi_secret_db"
    with serve(tmp_path_factory.mktemp("streamlit-down"), database_url=url) as server:
        yield server


@pytest.fixture
def app_server(streamlit_server: Server) -> Server:
    """Return the server that `open_page` and `assert_no_exception` use (the shared one unless overridden)."""
    return streamlit_server


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Return a headless Chromium (Debian's /usr/bin/chromium) for the whole session."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    with sync_playwright() as playwright:
        # Each context made from it is isolated (own cookies, storage, cache), like a fresh profile.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Return a function (width=1366, height=768) -> a Page in its own isolated context; closed after the test."""
    contexts = []

    def make(width: int = DEFAULT_VIEWPORT["width"], height: int = DEFAULT_VIEWPORT["height"]):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        context.set_default_timeout(RUN_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """Return a Page with a 1366x768 viewport in a fresh context."""
    return new_page()


def wait_for_app(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the script run has finished and nothing on the page still loads (skeleton, spinner)."""
    page.wait_for_selector(APP_DONE, state="attached", timeout=timeout_ms)
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 0", arg=BUSY, timeout=timeout_ms
    )
    # A finished run can be followed at once by a rerun (e.g. st.rerun, query params); wait for that too.
    page.wait_for_timeout(200)
    page.wait_for_selector(APP_DONE, state="attached", timeout=timeout_ms)


@pytest.fixture
def open_page(app_server: Server, page) -> Callable[..., object]:
    """Return a function (path, page=None) -> Page that navigates to the path and waits for the run."""

    def go(path: str = "/", target=None):
        target = target or page
        url = app_server.url + ("" if path.startswith("/") else "/") + path
        target.goto(url, wait_until="domcontentloaded")
        wait_for_app(target)
        return target

    return go


def check_no_exception(page, server: Server | None = None) -> None:
    """Fail when the page shows a Streamlit exception box or a Python traceback."""
    boxes = page.locator(EXCEPTION)
    body = page.locator('[data-testid="stApp"]').inner_text()
    if boxes.count() or "Traceback" in body:
        shown = boxes.first.inner_text() if boxes.count() else body
        where = page.url
        log = f"\n--- server output ---\n{server.output()}" if server else ""
        pytest.fail(f"the page {where} shows an exception:\n{shown[:3000]}{log}", pytrace=False)


@pytest.fixture
def assert_no_exception(app_server: Server) -> Callable[[object], None]:
    """Return a function (page) that fails when the page shows an exception or a traceback."""
    return lambda page: check_no_exception(page, app_server)


@pytest.fixture
def wait_for_run() -> Callable[..., None]:
    """Return a function (page, timeout_ms=...) that waits until the script run set off by an action ends."""
    return wait_for_app


# Streamlit scrolls inside its main element, not the document, so a "full page" screenshot of the document
# stops at the viewport. The window is made as tall as the content for the shot, then set back.
_OVERFLOW = """() => Math.max(0, ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
    .map(e => e.scrollHeight - e.clientHeight))"""


def save_screenshot(page, name: str) -> Path:
    """Save a PNG of the whole page (content below the fold included) under artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    path = SCREENSHOTS / (safe if safe.endswith(".png") else f"{safe}.png")
    viewport = page.viewport_size
    hidden = int(page.evaluate(_OVERFLOW) or 0)
    if viewport and hidden > 0:
        page.set_viewport_size({"width": viewport["width"], "height": viewport["height"] + hidden})
        page.wait_for_timeout(300)  # let charts and columns lay themselves out again
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport and hidden > 0:
            page.set_viewport_size(viewport)
    return path


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    """Return a function (page, name) that saves a full-page PNG under artifacts/screenshots/."""
    return save_screenshot


@pytest.fixture(scope="session")
def navigation(streamlit_server: Server) -> dict[str, str]:
    """Return {page file relative to the repository: URL path} of the pages dashboard.py's navigation lists.

    Read from the registry of one AppTest run of dashboard.py on the server's store, so the URL paths are
    exactly those st.navigation gives (the default page's path is "").
    """
    from streamlit.testing.v1 import AppTest

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_DATABASE_URL", streamlit_server.database_url)
        patch.setenv("KPI_IMAGE_WARM_UP", "0")
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=RUN_TIMEOUT_MS / 1000).run()
    pages = {}
    for info in at._registered_pages.values():  # AppTest has no public list of st.navigation's pages
        script = info.get("script_path")
        if script:
            pages[Path(script).resolve().relative_to(ROOT).as_posix()] = str(info.get("url_pathname") or "")
    return pages


# --- accounts and logging in (issue 12) ------------------------------------------------------------------------

BROWSER_PASSWORD = "mật khẩu trình duyệt"
SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture
def add_account(app_server: Server) -> Callable[..., None]:
    """Return a function (name, role, display_name=None) that creates an account on the server's store the
    way an administrator does: `python -m kpi users add NAME --role ROLE --password-stdin`."""

    def add(name: str, role: str, display_name: str | None = None) -> None:
        command = [sys.executable, "-m", "kpi", "users", "add", name, "--role", role, "--password-stdin"]
        command += ["--db", app_server.database_url]
        if display_name:
            command += ["--display-name", display_name]
        done = subprocess.run(
            command, cwd=ROOT, input=BROWSER_PASSWORD + "\n", capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr

    return add


@pytest.fixture
def log_in() -> Callable[..., None]:
    """Return a function (page, name, password=..., enter=False) that types the name and password into the
    sidebar's login form and presses its "Đăng nhập" button (or Enter in the password field), then waits."""

    def go(page, name: str, password: str = BROWSER_PASSWORD, enter: bool = False) -> None:
        form = page.locator(SIDEBAR).locator('[data-testid="stForm"]')
        form.get_by_label("Tên tài khoản").fill(name)
        field = form.get_by_label("Mật khẩu", exact=True)
        field.fill(password)
        if enter:
            field.press("Enter")
        else:
            form.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_timeout(300)
        wait_for_app(page)

    return go
