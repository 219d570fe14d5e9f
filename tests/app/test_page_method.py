"""Page 7, Phương pháp: the plan, every indicator's definition and formula, the thresholds, the data's date."""

from __future__ import annotations

from kpi.stats.report import default_plan
from kpi.stats.sample import sample_files
from tests.app.apptest_helpers import html_bodies, shown_table

PAGE = "pages/7_Phuong_phap.py"
PLAN = default_plan()


def test_the_page_runs_and_names_the_plan_and_its_date(page):
    assert not page.exception
    text = "\n".join(m.value for m in page.markdown)
    assert "**Kế hoạch số 485/KH-UBND ngày 11/09/2020**" in text
    assert "70-KL/TW" in text and "59-CTr/TU" in text


def test_every_indicator_has_its_definition_and_formula(page):
    labels = [e.label for e in page.expander]
    assert labels == [f"{i.name.vi} ({i.unit.vi})" for g in PLAN.groups for i in PLAN.indicators_in(g.id)]
    text = "\n".join(m.value for m in page.markdown)
    assert text.count("**Công thức (từ tệp kế hoạch):**") == len(PLAN.indicators)
    assert "Cộng cột “Số thành viên” của các HTX chưa giải thể" in text


def test_every_status_is_shown_with_its_rule_and_the_thresholds_of_the_plan(page):
    (rules,) = [b for b in html_bodies(page) if 'class="kpi-rules"' in b]
    for status in PLAN.assessment.statuses:
        assert status.vi in rules
    assert "Trước năm mục tiêu: tỷ số tốc độ từ 0,95 trở lên." in rules
    assert "Trước năm mục tiêu: tỷ số tốc độ từ 0,60 đến dưới 0,95." in rules


def test_the_data_sources_list_each_sample_file_and_its_import_date(page):
    table = shown_table(page.table[0].value)
    assert sorted(table["Tệp"]) == sorted(p.name for p in sample_files())
    assert set(table["Loại số liệu"]) == {"Dữ liệu mẫu"}
    assert any("được nhập lần cuối ngày" in m.value for m in page.markdown)
