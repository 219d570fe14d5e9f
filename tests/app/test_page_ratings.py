"""Page 4, Xếp loại: the rating shares by year with the plan's targets, by district and by sector."""

from __future__ import annotations

from kpi.common.formatting import format_number
from tests.app.apptest_helpers import (
    chart_titles,
    core_report,
    html_bodies,
    latest_year,
    sample_dataset,
)

PAGE = "pages/4_Xep_loai.py"  # opens on the whole province


def test_the_page_runs_and_draws_the_three_rating_charts(page):
    assert not page.exception
    years = sample_dataset().years
    year = latest_year()
    assert chart_titles(page) == [
        f"Xếp loại HTX đang hoạt động, {years[0]}–{years[-1]}",
        f"Xếp loại HTX đang hoạt động theo huyện, thành phố, năm {year}",
        f"Xếp loại HTX đang hoạt động theo lĩnh vực, năm {year}",
    ]
    assert [b.label for b in page.get("download_button")] == ["Tải ảnh", "Ảnh 16:9"] * 3


def test_the_page_names_how_many_cooperatives_were_rated_and_the_good_fair_bar_agrees_with_the_card(page):
    year = latest_year()
    coops = sample_dataset().coops
    this_year = coops[(coops["year"] == year) & (coops["status"] == "Đang hoạt động")]
    rated = this_year["rating"].isin(["Tốt", "Khá", "Trung bình", "Yếu"])
    good_fair = this_year["rating"].isin(["Tốt", "Khá"]).sum()
    (note,) = [b for b in html_bodies(page) if 'class="kpi-note"' in b]
    assert f"{format_number(int(rated.sum()))} HTX đang hoạt động đã được xếp loại" in note
    # The card's good/fair share is over the rated cooperatives; so is the chart's, counted here by hand.
    card_share = core_report(year).result("good_fair_share").assessment.value
    assert 100 * good_fair / rated.sum() == card_share


def test_the_district_filter_narrows_the_years_and_sectors_and_is_kept(page):
    page.sidebar.selectbox(key="_district_widget").set_value("Cư Jút").run()
    assert not page.exception
    titles = chart_titles(page)
    assert titles[0].startswith("Xếp loại HTX đang hoạt động, Cư Jút,")
    assert titles[2] == f"Xếp loại HTX đang hoạt động theo lĩnh vực, Cư Jút, năm {latest_year()}"
    page.switch_page("pages/1_Tong_quan.py").run()
    page.switch_page(PAGE).run()
    assert page.sidebar.selectbox(key="_district_widget").value == "Cư Jút"


def test_the_whole_province_is_offered_by_name_not_as_an_empty_choice(page):
    box = page.sidebar.selectbox(key="_district_widget")
    assert box.options[0] == "Toàn tỉnh"
