"""Without kpi.store.versions (an older checkout), the pages read the sample workbooks of data/sample/ directly."""

from __future__ import annotations

import pytest

import ui.data
from kpi.common.formatting import format_number
from tests.app.apptest_helpers import core_report, html_bodies, latest_year, open_page, shown_table


@pytest.fixture
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the store module look absent to the dashboard's one data access."""
    monkeypatch.setattr(ui.data, "_store_module", lambda: None)


def test_the_overview_runs_on_the_sample_workbooks_and_says_they_are_sample_data(no_store):
    at = open_page()
    assert not at.exception
    assert at.title[0].value == f"Tổng quan năm {latest_year()}"
    assert any("Dữ liệu mẫu" in w.value for w in at.warning)
    value = core_report(latest_year()).result("members").assessment.value
    (card,) = [b for b in html_bodies(at) if 'class="kpi-card" data-indicator="members"' in b]
    assert f'<span class="kpi-value">{format_number(value)}</span>' in card


def test_the_method_page_lists_the_sample_files_as_the_data_source(no_store):
    at = open_page("pages/7_Phuong_phap.py")
    assert not at.exception
    table = shown_table(at.table[0].value)
    assert all(name.startswith("du-lieu-mau-") for name in table["Tệp"])
    assert set(table["Phiên bản"]) == {"–"}  # files, not store versions
