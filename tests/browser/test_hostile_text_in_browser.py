"""In Chromium, over a store whose names, communes, file names, "by"/"note" and task reports are Markdown
and HTML payloads: no page makes a request to any host but the dashboard's own (no tracking image loads),
and no link to the payloads' host, no image from it and no javascript: link is in the DOM. The payloads
read as text. With the database down, every page says so in Vietnamese, without a trace, host or path.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from kpi.common.i18n import t
from kpi.common.safe_text import WORD_JOINER
from tests.hostile import EVIL_HOST, FILE_NAME, NAMES, fill_hostile_store
from tests.navigation import page_files

pytestmark = pytest.mark.browser

PAGES = page_files()  # every page an anonymous visitor reaches, new ones included
LOCAL = {"127.0.0.1"}
fill_store = fill_hostile_store  # read by the prefilled_server fixture


@pytest.fixture
def app_server(prefilled_server):
    """Serve this module's pages from a server over the store full of payloads."""
    return prefilled_server


def _visible_text(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text().replace(WORD_JOINER, "")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_over_hostile_text_requests_nothing_elsewhere_and_links_nowhere(
    path, navigation, open_page, page, assert_no_exception
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_page("/" + navigation[path])
    assert_no_exception(page)
    page.wait_for_timeout(500)  # images and fonts a rendered element would ask for
    hosts = {urlparse(u).hostname for u in requested if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= LOCAL, sorted(u for u in requested if urlparse(u).hostname not in LOCAL)
    bad = page.evaluate(
        """(host) => [...document.querySelectorAll('a[href], img[src], iframe[src], [srcset]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('srcset'))
            .filter(u => u.includes(host) || u.trim().toLowerCase().startsWith('javascript:'))""",
        EVIL_HOST,
    )
    assert bad == []


def test_the_list_of_cooperatives_and_the_method_page_show_the_payloads_as_text(
    navigation, open_page, page
) -> None:
    open_page("/" + navigation["pages/5_Danh_sach_HTX.py"])
    text = _visible_text(page)
    assert any(name in text for name in NAMES), text[:2000]
    open_page("/" + navigation["pages/7_Phuong_phap.py"])
    assert FILE_NAME in _visible_text(page)


@pytest.mark.parametrize(
    "path", ["pages/1_Tong_quan.py", "pages/5_Danh_sach_HTX.py", "pages/6_Nhap_du_lieu.py"]
)
def test_with_the_database_down_each_page_says_so_without_details(
    path, navigation, unreachable_store_server, page
) -> None:
    from tests.browser.conftest import wait_for_app

    page.goto(unreachable_store_server.url + "/" + navigation[path], wait_until="domcontentloaded")
    wait_for_app(page)
    text = _visible_text(page)
    assert t("notice.store_down", "vi") in text
    assert page.locator('[data-testid="stException"]').count() == 0
    for secret in ("Traceback", "kpi_secret_db", "kpi_reader", "OperationalError", "psycopg", "/work/"):
        assert secret not in text
    assert "the store cannot be reached" in unreachable_store_server.output(tail=400)
