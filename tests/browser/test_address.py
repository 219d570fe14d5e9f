"""The view in the address, in a real browser: a choice made on the page is written into the URL at once,
and reloading that URL (or sending it to someone) opens the same view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _title(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_choices_go_into_the_address_and_a_reload_keeps_them(open_page, assert_no_exception, wait_for_run):
    page = open_page("/")
    assert _query(page).get("lang") == "vi"

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="2023", exact=True).click()
    wait_for_run(page)
    page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
    wait_for_run(page)
    assert _title(page) == "Overview, 2023"
    page.wait_for_function(
        "() => location.search.includes('year=2023') && location.search.includes('lang=en')"
    )
    assert _query(page)["year"] == "2023" and _query(page)["lang"] == "en"

    link = page.url
    page.goto("about:blank")
    page.goto(link, wait_until="domcontentloaded")
    wait_for_run(page)
    assert_no_exception(page)
    assert _title(page) == "Overview, 2023"


def test_a_shared_link_opens_the_indicator_page_on_its_indicator(open_page, assert_no_exception):
    page = open_page("/Chi_tieu?lang=en&year=2024&indicator=members")
    assert_no_exception(page)
    assert _title(page) == "Indicator, 2024"
    assert page.locator('.kpi-card[data-indicator="members"]').count() == 1  # the card of the one shown
    assert _query(page)["indicator"] == "members"
