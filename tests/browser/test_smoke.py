"""The running dashboard opens in a real browser: first page, title, no exception, a screenshot."""

from __future__ import annotations

import pytest

from kpi.common.i18n import t

pytestmark = pytest.mark.browser


def test_the_first_page_opens_without_an_exception_and_shows_the_title(
    open_page, assert_no_exception, screenshot
) -> None:
    page = open_page("/")
    assert_no_exception(page)
    title = t("app_title", "vi")
    shown = page.locator('[data-testid="stApp"]').inner_text()
    assert title in shown or title in page.title(), f"'{title}' is neither on the page nor in its title"
    path = screenshot(page, "smoke-first-page")
    assert path.stat().st_size > 10_000  # a real full-page PNG, not an empty frame
