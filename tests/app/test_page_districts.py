"""Page 3, Địa bàn: districts side by side, every indicator by district, communes covered, model cooperatives."""

from __future__ import annotations

from kpi.common.formatting import format_number, format_percent
from kpi.stats.indicators import commune_coverage_detail
from kpi.stats.report import default_engine, default_plan
from tests.app.apptest_helpers import (
    chart_titles,
    core_report,
    latest_year,
    sample_dataset,
    shown_table,
)

PAGE = "pages/3_Dia_ban.py"  # opens on the first indicator computed by district (Số HTX)


def test_the_page_runs_and_draws_the_sorted_district_chart(page):
    assert not page.exception
    assert page.title[0].value == f"Địa bàn, năm {latest_year()}"
    assert f"Số HTX theo huyện, thành phố, năm {latest_year()}" in chart_titles(page)


def test_every_indicator_by_district_matches_the_core(page):
    table = shown_table(page.table[0].value).set_index("Chỉ tiêu (đơn vị)")
    report = core_report(latest_year(), by_district=True)
    members = report.result("members")
    row = table.loc["Số thành viên HTX (người)"]
    for name, value in members.districts.items():
        assert row[name] == format_number(value)
    assert row["Toàn tỉnh"] == format_number(members.assessment.value)
    assert "Nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX (triệu đồng)" not in table.index  # province only


def test_communes_with_an_effective_cooperative_read_x_of_y(page):
    table = shown_table(page.table[1].value).set_index("Huyện, thành phố")
    plan = default_plan()
    detail = commune_coverage_detail(
        default_engine(), sample_dataset(), plan.indicator("communes_with_effective_coop"), latest_year()
    )
    for _, r in detail.iterrows():
        assert table.loc[r["district"], "Số xã có HTX hiệu quả / tổng số xã"] == f"{r['with']} / {r['total']}"
        assert table.loc[r["district"], "Tỷ lệ"] == format_percent(100 * r["with"] / r["total"])
    total = f"{detail['with'].sum()} / {detail['total'].sum()}"
    assert table.loc["Toàn tỉnh", "Số xã có HTX hiệu quả / tổng số xã"] == total


def test_the_districts_with_a_model_cooperative_agree_with_the_indicator(page):
    table = shown_table(page.table[2].value)
    with_model = int((table["Có HTX điển hình"] == "Có").sum())
    expected = core_report(latest_year()).result("districts_with_model").assessment.value
    assert with_model == expected
    assert any(f"**{with_model}/8** huyện, thành phố" in m.value for m in page.markdown)
