"""The very first request of a new server names a page: the page still runs inside dashboard.py (its menu,
sidebar and page set-up), never on its own under Streamlit's legacy list of pages/ (ui/legacy_pages.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def app_server(private_server):
    """A server of this module's own, which nobody has opened before the test."""
    return private_server


def test_a_first_request_naming_a_page_gets_the_page_inside_the_dashboard(open_page, assert_no_exception):
    page = open_page("/Chi_tieu?lang=en")
    assert_no_exception(page)
    assert page.locator("h1").first.inner_text().strip().startswith("Indicator, ")
    menu = page.locator('[data-testid="stSidebarNav"]')
    assert menu.get_by_text("Data", exact=True).count() == 1  # a section of dashboard.py's menu
    assert menu.get_by_text("Indicator", exact=True).count() == 1  # its title, not the file's name
    assert menu.get_by_text("Chi tieu", exact=True).count() == 0  # the legacy list names pages by their files
    assert page.title() == "Collective economy and cooperatives of Đắk Nông"  # dashboard.py's page set-up
