"""The view in the address: `lang`, `year`, `indicator` and `district` are read when a link is opened and
written back, so that a reload or a shared link opens the same view; odd values fall back to the defaults.

(AppTest runs a multipage app through dashboard.py on its first run only, so every case here starts a new
session, as opening a link does; the browser test tests/browser/test_address.py changes choices on a page.)
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest_helpers import ENTRY, latest_year, open_page, sample_dataset


def open_link(query: dict[str, str], page: str | None = None) -> AppTest:
    """Return the app opened by a link with these query parameters (then switched to `page`)."""
    return open_page(page, query=query)


def test_a_link_with_language_and_year_opens_that_view():
    year = sample_dataset().years[0]
    at = open_link({"lang": "en", "year": str(year)})
    assert not at.exception
    assert at.title[0].value == f"Overview, {year}"
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.sidebar.selectbox(key="year").value == year


def test_a_link_with_an_indicator_opens_the_indicator_page_on_it():
    at = open_link({"indicator": "members", "year": "2023"}, page="pages/2_Chi_tieu.py")
    assert not at.exception
    assert at.title[0].value == "Chỉ tiêu, năm 2023"
    assert at.selectbox(key="_indicator_widget").value == "members"


def test_a_link_with_a_district_opens_the_ratings_page_filtered():
    at = open_link({"district": "Cư Jút"}, page="pages/4_Xep_loai.py")
    assert not at.exception
    assert at.sidebar.selectbox(key="_district_widget").value == "Cư Jút"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"lang": "fr"}, ("vi", None)),  # an unknown language: Vietnamese
        ({"year": "1999"}, ("vi", None)),  # a year without data: the latest
        ({"year": "2023abc"}, ("vi", None)),
        ({"lang": "en", "year": "-5"}, ("en", None)),
    ],
)
def test_odd_values_in_the_address_fall_back_to_the_defaults(query, expected):
    lang, year = expected
    at = open_link(query)
    assert not at.exception
    assert at.sidebar.radio(key="lang").value == lang
    assert at.sidebar.selectbox(key="year").value == (year or latest_year())


@pytest.mark.parametrize("district", ["<b>Atlantis</b>", "x" * 5000])
def test_an_unknown_district_in_the_address_means_the_whole_province_and_is_never_shown(district):
    at = open_link({"district": district}, page="pages/4_Xep_loai.py")
    assert not at.exception
    assert at.sidebar.selectbox(key="_district_widget").value == ""  # "Toàn tỉnh"
    shown = " ".join(str(e.value) for e in at.get("markdown")) + " ".join(
        h.proto.body for h in at.get("html")
    )
    assert "Atlantis" not in shown


def test_an_unknown_indicator_in_the_address_falls_back_to_the_first():
    at = open_link({"indicator": "no_such_thing"}, page="pages/2_Chi_tieu.py")
    assert not at.exception
    assert at.selectbox(key="_indicator_widget").value == "cooperatives"


def test_the_choices_of_the_view_are_written_into_the_address():
    at = AppTest.from_file(ENTRY, default_timeout=180)
    at.session_state["lang"] = "en"
    at.session_state["year"] = 2023
    at.session_state["district"] = "Đắk Mil"
    at.run()
    assert at.query_params == {"lang": "en", "year": "2023", "district": "Đắk Mil"}


def test_a_link_opened_keeps_its_view_in_the_address():
    at = open_link({"lang": "en", "year": "2024", "indicator": "members"})
    assert at.query_params == {"lang": "en", "year": "2024", "indicator": "members"}
