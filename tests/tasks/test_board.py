"""Tests of kpi.tasks.board and kpi.tasks.charts: the page's tables and figures from hand-made reports."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from kpi.tasks.board import (
    NO_REPORT,
    as_of_date,
    build_board,
    filter_tasks,
    overdue_table,
    quantity_table,
    report_table,
    status_count_table,
    status_counts,
    summary_counts,
    timeline_rows,
)
from kpi.tasks.charts import (
    STATUS_COLOURS,
    build_quantities_figure,
    build_status_figure,
    build_timeline_figure,
    subplot_grid,
)
from kpi.workbook.task_contract import default_tasks
from tests.builders import task_reports

REPORTS = task_reports(
    [
        ("II", 2, 2021, 1, "done", None, None, "Đề án", "QĐ 1"),
        ("V", 3, 2021, 2, "done", None, None, "Hướng dẫn", "HD 2"),  # deadline Q4/2020: done late
        ("V", 5, 2020, 4, "not_started", None, None, None, None),
        ("IV", 6, 2021, 3, "in_progress", "farmer_trainees", 500.0, "Tập huấn", "BC 3"),
        ("IV", 6, 2021, 4, "in_progress", "farmer_trainees", 400.0, "Tập huấn", "BC 4"),
        ("I", 4, 2022, None, "in_progress", "conferences", 21.0, "Hội nghị", "BC 5"),
        ("I", 1, 2023, None, "late", None, None, "Chậm", "BC 6"),
    ]
)


@pytest.fixture(scope="module")
def board():
    """The hand-made reports judged on 1/6/2022."""
    return build_board(default_tasks(), REPORTS, date(2022, 6, 1))


@pytest.mark.parametrize(
    ("today", "year", "expected"),
    [
        (date(2026, 3, 1), None, date(2026, 3, 1)),
        (date(2026, 3, 1), 2026, date(2026, 3, 1)),
        (date(2026, 3, 1), 2023, date(2023, 12, 31)),
    ],
)
def test_looking_back_at_an_earlier_year_judges_its_last_day(today, year, expected):
    assert as_of_date(today, year) == expected


def test_reports_of_years_after_the_day_judged_are_left_out(board):
    assert board.years == [2020, 2021, 2022]  # I.1's 2023 report is after 1/6/2022
    assert board.latest.set_index(["group", "number"]).loc[("I", 1), "status"] is None


def test_the_summary_counts_each_task_once_by_its_latest_report(board):
    counts = summary_counts(board)
    assert (counts["done"], counts["in_progress"], counts["not_started"], counts["late"]) == (2, 2, 1, 0)
    assert counts[NO_REPORT] == 29 and counts["total"] == 34
    # Overdue on 1/6/2022: V.5 (Q3/2020), IV.6 (11/2021, not done), IV.17 (2021), and the yearly tasks with no
    # 2021 report: I.4 (only 2022), I.5, III.1, III.2, IV.2, IV.3, IV.4, IV.5, IV.8, IV.11, IV.13, IV.14, V.2
    # (IV.12 owes its first report for 2021-2022, not yet due).
    assert counts["overdue"] == 16


def test_a_task_with_several_lead_agencies_counts_for_each(board):
    counts = status_counts(board, "agency")
    assert (
        counts.loc["UBND các huyện, TP", "total"] == 7
    )  # six of its own and I.1, shared with the departments
    assert counts.loc["Các Sở, Ban, ngành", "total"] == 1
    assert counts["total"].sum() == 34 + 1 + 2  # I.1 has two lead agencies, I.3 three


def test_the_count_table_puts_total_and_overdue_first_and_can_drop_empty_statuses(board):
    table = status_count_table(board, "group", drop_empty=True)
    assert list(table.columns) == [
        "Nhóm", "Tổng số", "Quá hạn", "Hoàn thành", "Đang thực hiện", "Chưa triển khai", "Chưa có báo cáo",
    ]  # fmt: skip
    assert table["Tổng số"].tolist() == [6, 2, 3, 17, 6]


def test_the_overdue_table_says_whose_and_why(board):
    late = overdue_table(board).set_index("Mã")
    assert late.at["IV.6", "Lý do"] == "Hạn 30/11/2021 đã qua, chưa hoàn thành"
    assert late.at["IV.6", "Tình trạng mới nhất"] == "Đang thực hiện (Quý 4/2021)"
    assert late.at["III.2", "Lý do"] == "Không có báo cáo năm 2021"
    assert "II.2" not in late.index and "V.3" not in late.index


@pytest.mark.parametrize(
    ("task", "state", "done_period"),
    [
        ("II.2", "done_on_time", "Quý 1/2021"),
        ("V.3", "done_late", "Quý 2/2021"),
        ("V.5", "overdue", ""),
        ("IV.6", "overdue", ""),
        ("IV.7", "open", ""),  # 2020-2025: not yet due in 2022
    ],
)
def test_the_timeline_state_of_each_deadline_task(board, task, state, done_period):
    rows = timeline_rows(board).set_index("task")
    assert (rows.at[task, "state"], rows.at[task, "done_period"]) == (state, done_period)


def test_only_tasks_with_a_deadline_are_on_the_timeline(board):
    assert timeline_rows(board)["task"].tolist() == ["II.2", "IV.6", "IV.7", "IV.17", "V.3", "V.5"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"groups": ["II"]}, ["II.1", "II.2"]),
        ({"statuses": ["done"]}, ["II.2", "V.3"]),
        ({"statuses": ["not_started"], "overdue_only": True}, ["V.5"]),
        ({"agencies": ["thanh_tra_tinh"]}, ["V.3"]),
        ({"search": "QUỸ HỖ TRỢ và phát triển"}, ["III.2"]),
        ({"search": "tap huan ky thuat"}, ["IV.6"]),
    ],
)
def test_the_list_filters(board, filters, expected):
    keys = filter_tasks(board, **filters)
    assert [f"{g}.{n}" for g, n in keys] == expected


def test_the_reports_of_the_tasks_chosen_come_in_plan_then_period_order(board):
    table = report_table(board, [("IV", 6), ("II", 2)])
    assert table[["Mã", "Kỳ báo cáo", "Chỉ tiêu số lượng", "Đạt được"]].values.tolist() == [
        ["II.2", "Quý 1/2021", "", ""],
        ["IV.6", "Quý 3/2021", "Lượt nông dân được tập huấn", "500"],
        ["IV.6", "Quý 4/2021", "Lượt nông dân được tập huấn", "400"],
    ]


def test_the_quantity_table_adds_the_quarters_and_compares_with_the_promise(board):
    table = quantity_table(board).set_index(["Mã", "Năm"])
    iv_6 = table.loc[("IV.6", "2021")]
    assert (iv_6["Cam kết"], iv_6["Đạt được"], iv_6["Tỉ lệ đạt"]) == ("1.200 lượt người", "900", "75%")
    assert table.loc[("I.4", "2022")].iloc[0]["Đạt được"] == "21"
    assert table.loc[("IV.7", "2020"), "Cam kết"] == "ít nhất 16 HTX"


# --- figures ------------------------------------------------------------------------------------------------


def test_the_status_figure_stacks_done_first_and_writes_the_overdue_counts(board):
    fig = build_status_figure(board, "group")
    assert [trace.name for trace in fig.data] == [
        "Hoàn thành", "Đang thực hiện", "Chưa triển khai", "Chưa có báo cáo",
    ]  # fmt: skip
    assert fig.data[0].marker.color == STATUS_COLOURS["done"]
    assert fig.layout.title.text == "<b>Tình trạng 34 nhiệm vụ theo nhóm</b>"
    # I: I.4, I.5; II: none; III: III.1, III.2; IV: IV.2-IV.6, IV.8, IV.11, IV.13, IV.14, IV.17; V: V.2, V.5.
    assert [(a.y.split(".")[0], a.text) for a in fig.layout.annotations] == [
        ("I", "⚠ 2 quá hạn"),
        ("III", "⚠ 2 quá hạn"),
        ("IV", "⚠ 10 quá hạn"),
        ("V", "⚠ 2 quá hạn"),
    ]
    assert fig.layout.separators == ",."


def test_the_timeline_marks_the_day_judged_and_each_completion(board):
    fig = build_timeline_figure(board)
    names = [trace.name for trace in fig.data]
    assert names == ["Hoàn thành đúng hạn", "Hoàn thành muộn", "Quá hạn", "Chưa đến hạn", "Hoàn thành"]
    assert list(fig.data[-1].x) == ["2021-03-31T00:00:00", "2021-06-30T00:00:00"]
    assert fig.layout.shapes[0].x0 == "2022-06-01T00:00:00"
    assert fig.layout.annotations[0].text == "Ngày xem 01/06/2022"


def test_the_quantity_figure_has_one_panel_per_promised_quantity(board):
    fig = build_quantities_figure(board)
    titles = [a.text for a in fig.layout.annotations]
    assert len(titles) == 8
    assert "IV.7 · HTX được hỗ trợ (lũy kế)" in titles
    legend = {trace.name for trace in fig.data if trace.showlegend is not False}
    assert legend == {"Đạt cam kết", "Chưa đạt cam kết", "Cam kết"}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    "build",
    [
        lambda board, lang: build_status_figure(board, "group", lang),
        lambda board, lang: build_status_figure(board, "agency", lang),
        build_timeline_figure,
        build_quantities_figure,
    ],
    ids=["status by group", "status by agency", "timeline", "quantities"],
)
def test_a_figure_built_without_validation_is_the_one_plotly_validates(board, build, lang):
    fig = build(board, lang)
    validated = go.Figure(fig.to_dict())  # every property checked and coerced by plotly
    assert json.loads(fig.to_json()) == json.loads(validated.to_json())


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 7])
def test_the_subplot_grid_is_the_one_plotly_makes(rows):
    spacing = 0.5 / rows  # as the quantity figure spaces its rows
    made = make_subplots(rows=rows, cols=2, vertical_spacing=spacing, horizontal_spacing=0.1).layout
    cells = subplot_grid(rows, 2, spacing, 0.1)
    assert len(cells) == 2 * rows
    for i, (x_domain, y_domain) in enumerate(cells):
        n = str(i + 1) if i else ""
        assert (list(made[f"xaxis{n}"].domain), list(made[f"yaxis{n}"].domain)) == (x_domain, y_domain)
