"""Page "Nhiệm vụ" (AppTest): overdue tasks with their reason, counts by status, the charts, the list.

The store is a throw-away SQLite file holding two hand-made progress reports (2020 and 2021), so every
expected row is worked out here. The page judges the tasks on today's date; the expectations hold for any
day after the plan's last year (2025), when every yearly task owes a report for each of 2021-2025.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi.common.access import command_line
from kpi.store.versions import TASKS, open_store
from kpi.workbook.task_contract import default_tasks
from tests.builders import task_workbook, workbook

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "8_Nhiem_vu.py")
TIMEOUT = 120

pytestmark = pytest.mark.skipif(date.today().year < 2026, reason="the expectations assume the plan has ended")

# 2020: V.3 begun in Q4 (its deadline), V.5 not started in Q4 (deadline Q3/2020 already passed).
REPORT_2020 = [
    ("V", 3, 2020, 4, "in_progress", None, None, "Dự thảo hướng dẫn", "BC 1/BC-TTr"),
    ("V", 5, 2020, 4, "not_started", None, None, "Chưa rà soát quỹ đất", None),
]
# 2021: II.2 done in Q1 (on time), IV.17 late, I.4 reported for 2021 with 18 of the 20 conferences promised.
REPORT_2021 = [
    ("II", 2, 2021, 1, "done", None, None, "Đề án được phê duyệt", "QĐ 45/QĐ-UBND"),
    ("IV", 17, 2021, None, "late", None, None, "Chưa giải thể xong các HTX ngừng hoạt động", "BC 9/BC-UBND"),
    (
        "I",
        4,
        2021,
        None,
        "in_progress",
        "conferences",
        18.0,
        "Tổ chức 18 hội nghị tuyên truyền",
        "BC 3/BC-LMHTX",
    ),
]

# Worked out by hand from the task file and the rule of kpi.domain.tasks.overdue, for a day after 2025:
# deadline tasks without "Hoàn thành": V.3, V.5, IV.6, IV.7, IV.17 (II.2 is done) -> 5;
# yearly/periodic/biennial tasks missing a year of 2021-2025: I.4 (has 2021 only), I.5, III.1, III.2, IV.2, IV.3,
# IV.4, IV.5, IV.8, IV.11, IV.13, IV.14, V.2 and IV.12 (biennial) -> 14. Ongoing tasks are never overdue.
OVERDUE = {"V.3", "V.5", "IV.6", "IV.7", "IV.17"} | {
    "I.4", "I.5", "III.1", "III.2", "IV.2", "IV.3", "IV.4", "IV.5", "IV.8", "IV.11", "IV.13", "IV.14", "V.2", "IV.12",
}  # fmt: skip

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def _import_reports(store) -> None:
    """Write the two hand-made progress reports (2020 and 2021) into `store`."""
    for year, rows in ((2020, REPORT_2020), (2021, REPORT_2021)):
        data = task_workbook(rows, year)
        assert store.import_workbook(
            data, f"tien-do-{year}.xlsx", None, "Kiểm thử", kind=TASKS, identity=OPERATOR
        ).ok


@pytest.fixture
def app(fresh_store) -> AppTest:
    """The page over a store holding the two hand-made progress reports as real data (no sample loaded)."""
    with open_store(fresh_store) as store:
        _import_reports(store)
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest, column: str) -> pd.DataFrame:
    """Return the first table of the page that has `column` (tables without a selection carry no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_page_names_the_plan_and_the_reports_it_uses(app):
    assert not app.exception
    assert app.title[0].value == "Nhiệm vụ của Kế hoạch 485/KH-UBND"
    assert "34 nhiệm vụ" in app.caption[0].value and "(2020–2021)" in app.caption[0].value
    assert not app.warning  # real reports: no sample notice


def test_the_headline_counts_are_the_ones_worked_out_by_hand(app):
    assert metrics(app) == {
        "Tổng số nhiệm vụ": "34",
        "Hoàn thành": "1",  # II.2
        "Đang thực hiện": "2",  # V.3 and I.4
        "Chậm tiến độ": "1",  # IV.17
        "Chưa triển khai": "1",  # V.5
        "Chưa có báo cáo": "29",
        "Quá hạn": str(len(OVERDUE)),
    }


def test_the_overdue_table_lists_the_late_tasks_with_whose_and_why(app):
    late = app.dataframe[0].value.set_index("Mã")
    assert set(late.index) == OVERDUE
    assert "II.2" not in late.index  # done on time
    assert late.at["V.5", "Cơ quan chủ trì"] == "UBND các huyện, TP"
    assert late.at["V.5", "Lý do"] == "Hạn 30/09/2020 đã qua, chưa hoàn thành"
    assert late.at["V.5", "Tình trạng mới nhất"] == "Chưa triển khai (Quý 4/2020)"
    assert late.at["IV.17", "Lý do"] == "Hạn 31/12/2021 đã qua, chưa hoàn thành"
    assert late.at["I.4", "Lý do"] == "Không có báo cáo năm 2022, 2023, 2024, 2025"
    assert late.at["III.2", "Lý do"] == "Không có báo cáo năm 2021, 2022, 2023, 2024, 2025"
    assert list(late.index[:3]) == ["I.4", "I.5", "III.1"]  # plan order


def test_the_counts_by_group_and_by_agency_agree_with_the_reports(app):
    by_group = app.dataframe[1].value.set_index("Nhóm")
    assert by_group["Tổng số"].tolist() == [6, 2, 3, 17, 6]
    group_ii = by_group.loc["II. Về hoàn thiện khung khổ pháp lý, cơ chế chính sách"]
    assert (group_ii["Hoàn thành"], group_ii["Chưa có báo cáo"], group_ii["Quá hạn"]) == (1, 1, 0)
    by_agency = app.dataframe[2].value.set_index("Cơ quan chủ trì")
    district = by_agency.loc["UBND các huyện, TP"]  # IV.15, IV.16, IV.17, V.4, V.5, V.6 and I.1 (shared lead)
    assert (
        district["Tổng số"],
        district["Chậm tiến độ"],
        district["Chưa triển khai"],
        district["Quá hạn"],
    ) == (
        7,
        1,
        1,
        2,
    )


def test_the_four_charts_are_drawn_with_their_titles(app):
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]
    assert titles == [
        "<b>Tình trạng 34 nhiệm vụ theo nhóm</b>",
        "<b>Tình trạng nhiệm vụ theo cơ quan chủ trì</b>",
        "<b>Các nhiệm vụ có thời hạn</b>",
        "<b>Số lượng cam kết và đạt được theo năm</b>",
    ]


def test_the_quantity_table_compares_the_promise_with_what_was_reported(app):
    figures = table(app, "Tỉ lệ đạt").set_index(["Mã", "Chỉ tiêu số lượng", "Năm"])
    row = figures.loc[("I.4", "Hội nghị tuyên truyền", "2021")]
    assert (row["Cam kết"], row["Đạt được"], row["Tỉ lệ đạt"]) == ("20 hội nghị", "18", "90%")
    assert figures.loc[("I.4", "Hội nghị tuyên truyền", "2022"), "Đạt được"] == "–"


def test_the_list_shows_every_task_in_full_and_filters_by_status(app):
    listed = table(app, "Sản phẩm")
    assert len(listed) == 34
    full = default_tasks().get("IV", 7).text
    assert listed.set_index("Mã").at["IV.7", "Nội dung nhiệm vụ"] == full
    app.multiselect(key="tasks_f_statuses").set_value(["done", "late"]).run()
    assert table(app, "Sản phẩm")["Mã"].tolist() == ["II.2", "IV.17"]
    reports = table(app, "Văn bản")
    assert reports["Mã"].tolist() == ["II.2", "IV.17"]
    assert reports["Văn bản"].tolist() == ["QĐ 45/QĐ-UBND", "BC 9/BC-UBND"]


def test_the_overdue_switch_and_the_search_narrow_the_list(app):
    app.toggle(key="tasks_f_overdue").set_value(True).run()
    assert set(table(app, "Sản phẩm")["Mã"]) == OVERDUE
    app.text_input(key="tasks_f_search").input("giai the").run()  # no accents: "giải thể" in IV.17
    assert table(app, "Sản phẩm")["Mã"].tolist() == ["IV.17"]


def test_the_page_reads_in_english(app):
    app.session_state["lang"] = "en"
    app.run()
    assert app.title[0].value == "Tasks of Plan 485/KH-UBND"
    assert (
        app.dataframe[0].value.set_index("Task").at["V.5", "Why"] == "Deadline Sep 30, 2020 passed, not done"
    )


def test_a_new_store_shows_the_sample_progress_reports_marked_as_sample(fresh_store):
    """First run: the dashboard seeds the sample statistics, this page the sample progress reports."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.warning[0].value.startswith("**Báo cáo tiến độ mẫu**")
    late = at.dataframe[0].value.set_index("Mã")
    # The sample's story (data/sample/tasks/generator.yaml): two deadlines missed, one yearly report missing.
    assert late["Lý do"].to_dict() == {
        "III.2": "Không có báo cáo năm 2023",
        "IV.17": "Hạn 31/12/2021 đã qua, chưa hoàn thành",
        "V.5": "Hạn 30/09/2020 đã qua, chưa hoàn thành",
    }


def test_choosing_an_earlier_year_judges_the_tasks_at_its_end(fresh_store):
    """With statistics for 2021 and 2022, choosing 2021 in the sidebar looks back at 31/12/2021."""
    with open_store(fresh_store) as store:
        for year in (2021, 2022):
            assert store.import_workbook(
                workbook(year=year), f"htx-{year}.xlsx", year, by="Kiểm thử", identity=OPERATOR
            ).ok
        _import_reports(store)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["year"] = 2021
    at.run()
    assert not at.exception
    assert "Tình hình đến ngày 31/12/2021" in at.caption[0].value
    assert at.info[0].value.startswith("Đang xem lại tình hình đến cuối năm 2021")
    # On 31/12/2021: V.3 (Q4/2020) and V.5 (Q3/2020) not done, IV.6 (11/2021) not reported; IV.17 is due that
    # very day, and no yearly report is owed before 2022.
    assert set(at.dataframe[0].value["Mã"]) == {"V.3", "V.5", "IV.6"}


def test_the_reporting_grid_shows_the_plans_last_year_with_every_report_late(app):
    # Only 2020 and 2021 were reported: for 2025, the plan's last year, every report owed is late. I.5 of the
    # provincial Cooperative Alliance is its only task done monthly/quarterly; V.3 of the provincial
    # inspectorate was due in quarter IV/2020, so it owes nothing for 2025.
    grid = table(app, "Quý 1")
    lead = "Cơ quan chủ trì"
    alliance = grid[grid[lead] == "Liên minh HTX tỉnh"].iloc[0]
    assert [alliance[f"Quý {q}"] for q in (1, 2, 3, 4)] == ["0/1 · trễ: I.5"] * 4
    assert alliance["Năm 2025"].startswith("0/") and "trễ:" in alliance["Năm 2025"]
    inspectorate = grid[grid[lead] == "Thanh tra tỉnh"].iloc[0]
    assert inspectorate["Năm 2025"] == "–"
