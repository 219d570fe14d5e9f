"""Page 2, Chỉ tiêu: one indicator in depth, with its chart, definition, quote and tables from the core."""

from __future__ import annotations

from kpi.common.formatting import format_number, format_percent
from kpi.stats.report import default_engine, default_plan
from tests.app.apptest_helpers import chart_titles, core_report, latest_year, open_page, shown_table

PAGE = "pages/2_Chi_tieu.py"  # opens on the first indicator of the plan (Số HTX)
PLAN = default_plan()


def _table(at, index: int):
    return shown_table(at.table[index].value)


def test_the_page_runs_and_opens_on_the_first_indicator(page):
    assert not page.exception
    assert page.title[0].value == f"Chỉ tiêu, năm {latest_year()}"
    assert page.selectbox(key="_indicator_widget").value == "cooperatives"
    assert "Số HTX: thực tế so với mục tiêu năm 2025" in chart_titles(page)


def test_the_definition_and_the_plans_sentence_are_quoted(page):
    text = "\n".join(m.value for m in page.markdown)
    ind = PLAN.indicator("cooperatives")
    assert ind.definition.vi in text
    assert f"> “{ind.source_quote}”" in text


def test_the_table_by_year_holds_the_cores_values(page):
    table = _table(page, 0)
    history = core_report(latest_year()).result("cooperatives").history
    expected = [f"{format_number(v)} HTX" for _, v in sorted(history.items())]
    assert list(table["Năm"]) == [str(y) for y in sorted(history)]
    assert list(table["Giá trị"]) == expected


def test_the_table_by_district_holds_the_cores_district_values(page):
    table = _table(page, 1).set_index("Huyện, thành phố")
    year = latest_year()
    districts = core_report(year, by_district=True).result("cooperatives").districts
    assert list(table.index) == [*default_engine().districts, "Toàn tỉnh"]
    for name, value in districts.items():
        assert table.loc[name, str(year)] == f"{format_number(value)} HTX"


def test_choosing_another_indicator_redraws_the_page_and_keeps_the_choice(page):
    page.selectbox(key="_indicator_widget").set_value("good_fair_share").run()
    assert not page.exception
    assert "Tỷ lệ HTX xếp loại tốt, khá: thực tế so với mục tiêu năm 2025" in chart_titles(page)
    value = core_report(latest_year()).result("good_fair_share").assessment.value
    assert _table(page, 0)["Giá trị"].iloc[-1] == format_percent(value, 1)
    page.switch_page("pages/1_Tong_quan.py").run()
    page.switch_page(PAGE).run()
    assert page.selectbox(key="_indicator_widget").value == "good_fair_share"


def test_the_doubtful_revenue_target_carries_its_warning():
    at = open_page(PAGE, indicator="avg_revenue")
    assert any("lỗi đánh máy" in w.value for w in at.warning)


def test_an_indicator_of_the_province_only_says_it_has_no_district_table():
    at = open_page(PAGE, indicator="fund_capital")
    assert any("chỉ có số liệu toàn tỉnh" in i.value for i in at.info)
