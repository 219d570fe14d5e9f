"""Page 9, Báo cáo: the choices of the report and its two download buttons, in both languages."""

from __future__ import annotations

from tests.app.apptest_helpers import latest_year, open_page

PAGE = "pages/9_Bao_cao.py"  # opens on the latest year, the plan's last


def test_the_page_runs_and_names_the_plans_report(page):
    assert not page.exception
    assert page.title[0].value == "Báo cáo tình hình thực hiện Kế hoạch 485/KH-UBND"


def test_the_page_offers_the_word_and_excel_downloads(page):
    labels = [b.proto.label for b in page.get("download_button")]
    assert labels == ["Tải báo cáo Word (.docx)", "Tải bảng số liệu Excel (.xlsx)"]


def test_the_period_is_the_whole_year_or_one_of_four_quarters(page):
    (period,) = [s for s in page.selectbox if s.label == "Kỳ báo cáo"]
    assert period.options == ["Cả năm", "Quý 1", "Quý 2", "Quý 3", "Quý 4"]


def test_the_plans_last_year_always_carries_the_final_review(page):
    assert latest_year() == 2025
    (final,) = page.checkbox
    assert final.value is True and final.disabled


def test_an_earlier_year_leaves_the_final_review_to_the_reader():
    at = open_page(PAGE, year=2023)
    (final,) = at.checkbox
    assert final.value is False and not final.disabled


def test_sample_data_are_announced_before_the_downloads(page):
    assert any("SỐ LIỆU MẪU" in w.value for w in page.warning)


def test_the_page_speaks_english_when_asked():
    at = open_page(PAGE, lang="en")
    assert not at.exception
    assert at.title[0].value == "Implementation report of Plan 485/KH-UBND"
    assert [b.proto.label for b in at.get("download_button")][0] == "Download the Word report (.docx)"


def test_the_overview_links_to_the_report_page():
    at = open_page()
    links = [el for el in at.get("page_link")]
    assert any(link.proto.label == "Báo cáo quý, năm (Word, Excel)" for link in links)
