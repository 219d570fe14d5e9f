"""Tests of kpi.workbook.task_reports: the progress template, and checking filled workbooks with located messages."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi.common.safe_text import strip_diacritics
from kpi.domain.tasks import load_tasks
from kpi.workbook.task_contract import INFO, PLANS, REPORT, TASK_LIST_SHEET
from kpi.workbook.task_reports import (
    INSTRUCTIONS_SHEET,
    check_task_bytes,
    task_template_bytes,
    task_workbook_bytes,
)
from tests.builders import grid_bytes, table_rows

TODAY = date(2026, 3, 1)  # after the plan's last year: every year 2020-2025 may be reported
SHEET = REPORT.name
H = {c.id: c.header for c in REPORT.columns}


@pytest.fixture(scope="module")
def tasks():
    """The real task list."""
    return load_tasks()


def report_row(**cells: object) -> dict[str, object]:
    """Return a valid report row (I.4, whole year 2024, 18 conferences), `cells` overriding by column id."""
    row = {
        "task": "I.4",
        "year": 2024,
        "quarter": None,
        "status": "Đang thực hiện",
        "metric": "Hội nghị tuyên truyền",
        "quantity": 18,
        "result": "Tổ chức 18 hội nghị",
        "evidence": "Báo cáo số 12/BC-LMHTX ngày 10/12/2024",
    }
    row.update(cells)
    return row


def report_bytes(*rows: dict[str, object], info: list[list[object]] | None = None) -> bytes:
    """Return a workbook with the report sheet holding `rows` (header in row 1, data from row 2)."""
    sheets = {}
    if info is not None:
        sheets[INFO.name] = info
    sheets[SHEET] = table_rows(rows, REPORT, columns=list(report_row()))
    return grid_bytes(sheets)


def located(validation) -> list[tuple[str, int | None, str | None, str]]:
    """Return (severity, row, column, code) of each problem."""
    return [(p.severity.value, p.row, p.column, p.code) for p in validation.problems]


# --- the template -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template() -> bytes:
    return task_template_bytes()


def test_the_template_has_instructions_info_reports_and_the_task_list(template):
    book = load_workbook(io.BytesIO(template))
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible == [INSTRUCTIONS_SHEET, INFO.name, SHEET, PLANS.name, TASK_LIST_SHEET]


def test_the_template_alone_is_refused_because_it_has_no_report_row(template):
    result = check_task_bytes(template, today=TODAY)
    assert not result.ok
    assert located(result) == [("error", 2, None, "no_rows")]


def test_the_instructions_say_one_workbook_reports_one_year_and_list_the_promised_quantities(template):
    book = load_workbook(io.BytesIO(template))
    text = "\n".join(str(c.value) for c in book[INSTRUCTIONS_SHEET]["A"] if c.value)
    assert "Mỗi tệp báo cáo MỘT năm" in text
    assert "I.4 — Hội nghị tuyên truyền: 20 hội nghị mỗi năm" in text
    assert "IV.7 — HTX được hỗ trợ: ít nhất 16 HTX cả thời kỳ" in text
    assert "IV.6 — Lượt nông dân được tập huấn: 1.200 lượt người năm 2021" in text


def test_the_report_headers_carry_their_notes(template):
    ws = load_workbook(io.BytesIO(template))[SHEET]
    headers = [c.value for c in ws[1]]
    assert headers == [c.header for c in REPORT.columns]
    assert ws["A1"].comment is not None and "IV.7" in ws["A1"].comment.text
    assert "để trống" in ws["D1"].comment.text  # Quý: blank is the whole year


def _list_values(book, formula: str) -> list[str]:
    sheet, cells = formula.lstrip("=").split("!")
    first, last = cells.replace("$", "").split(":")
    return [c.value for (c,) in book[sheet.strip("'")][f"{first}:{last}"]]


def test_the_task_and_status_columns_have_dropdowns_from_the_task_file(template):
    book = load_workbook(io.BytesIO(template))
    rules = {str(dv.sqref).split(":")[0]: dv for dv in book[SHEET].data_validations.dataValidation}
    tasks_list = _list_values(book, rules["A2"].formula1)
    assert len(tasks_list) == 34
    assert tasks_list[:7] == ["I.1", "I.2", "I.3", "I.4", "I.5", "I.6", "II.1"]
    assert tasks_list[-1] == "V.6"
    assert _list_values(book, rules["E2"].formula1) == [
        "Chưa triển khai",
        "Đang thực hiện",
        "Hoàn thành",
        "Chậm tiến độ",
    ]
    assert rules["D2"].type == "whole" and (rules["D2"].formula1, rules["D2"].formula2) == ("1", "4")


def test_the_task_list_sheet_gives_every_task_with_its_lead_agency(template):
    ws = load_workbook(io.BytesIO(template))[TASK_LIST_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 34
    ii_2 = next(r for r in rows if r[0] == "II.2")
    assert ii_2[3] == "Liên minh Hợp tác xã tỉnh" and ii_2[6] == "Quý I/2021"


def test_a_filled_template_is_valid_and_gives_clean_rows(template):
    book = load_workbook(io.BytesIO(template))
    ws = book[SHEET]
    ws.append(
        ["I.4", None, 2024, None, "Đang thực hiện", "Hội nghị tuyên truyền", 18, "18 hội nghị", "BC 12"]
    )
    ws.append(
        ["I.4", None, 2024, None, "Đang thực hiện", "Lượt người tham gia hội nghị", "1.350", None, "BC 12"]
    )
    ws.append(
        ["II.2", "Đề án chuỗi", 2024, "Quý II", "Hoàn thành", None, None, "Đã phê duyệt", "QĐ 5/QĐ-UBND"]
    )
    book[INFO.name]["B2"] = 2024
    buffer = io.BytesIO()
    book.save(buffer)

    result = check_task_bytes(buffer.getvalue(), today=TODAY)

    assert result.ok, [p.line() for p in result.problems]
    assert result.clean.year == 2024
    rows = result.clean.reports
    assert rows[["group", "number", "quarter", "status", "metric", "quantity", "_row"]].astype(object).where(
        rows[["group", "number", "quarter", "status", "metric", "quantity", "_row"]].notna(), None
    ).values.tolist() == [
        ["I", 4, None, "in_progress", "conferences", 18.0, 2],
        ["I", 4, None, "in_progress", "conference_participants", 1350.0, 3],
        ["II", 2, 2, "done", None, None, 4],
    ]


def test_a_written_workbook_reads_back_to_the_same_rows(tasks):
    rows = pd.DataFrame(
        [
            {"group": "IV", "number": 13, "year": 2023, "quarter": None, "status": "done",
             "metric": "training_classes", "quantity": 6.0, "result": "6 lớp", "evidence": "BC 3", "note": None},
            {"group": "V", "number": 3, "year": 2023, "quarter": 4, "status": "late",
             "metric": None, "quantity": None, "result": "=chưa xong", "evidence": None, "note": "Dữ liệu mẫu"},
        ]
    )  # fmt: skip
    result = check_task_bytes(
        task_workbook_bytes(reports=rows, info={"year": 2023}, tasks=tasks), tasks, TODAY
    )
    assert result.ok
    back = result.clean.reports.drop(columns="_row")
    assert back["result"].tolist() == ["6 lớp", "=chưa xong"]  # a formula-like text stays text
    assert back["status"].tolist() == ["done", "late"]
    assert back["quarter"].tolist()[1] == 4 and pd.isna(back["quarter"].tolist()[0])
    assert back["note"].tolist() == [None, "Dữ liệu mẫu"]


# --- the rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"task": "VI.1"}, [("error", 2, H["task"], "unknown_task")]),
        ({"task": None}, [("error", 2, H["task"], "required")]),
        ({"status": "Xong"}, [("error", 2, H["status"], "not_in_list")]),
        ({"status": None}, [("error", 2, H["status"], "required")]),
        ({"quarter": 5}, [("error", 2, H["quarter"], "bad_quarter")]),
        ({"quarter": 0}, [("error", 2, H["quarter"], "bad_quarter")]),
        ({"quarter": "Quý V"}, [("error", 2, H["quarter"], "bad_quarter")]),
        ({"year": 2019}, [("error", 2, H["year"], "year_outside_plan")]),
        ({"year": 2026}, [("error", 2, H["year"], "year_outside_plan")]),
        ({"year": "năm ngoái"}, [("error", 2, H["year"], "not_a_number")]),
        ({"metric": "HTX được hỗ trợ"}, [("error", 2, H["metric"], "metric_not_of_task")]),
        ({"metric": "Số HTX"}, [("error", 2, H["metric"], "not_in_list")]),
        ({"metric": None}, [("error", 2, H["metric"], "quantity_without_metric")]),
        ({"task": "II.2", "metric": None}, [("error", 2, H["quantity"], "task_has_no_quantity")]),
        ({"task": "II.2"}, [("error", 2, H["metric"], "task_has_no_quantity")]),
        ({"quantity": -2}, [("error", 2, H["quantity"], "negative")]),
        ({"quantity": "1,5"}, [("error", 2, H["quantity"], "not_whole")]),
        ({"quantity": "1.5"}, [("error", 2, H["quantity"], "foreign_number")]),
        ({"quantity": None}, [("warning", 2, H["quantity"], "metric_without_quantity")]),
    ],
)
def test_a_fault_is_reported_at_its_cell(cells, expected):
    result = check_task_bytes(report_bytes(report_row(**cells)), today=TODAY)
    assert located(result) == expected
    assert result.ok == all(severity == "warning" for severity, *_ in expected)


def test_a_report_for_a_year_not_yet_begun_is_refused():
    result = check_task_bytes(report_bytes(report_row(year=2024)), today=date(2023, 6, 1))
    assert located(result) == [("error", 2, H["year"], "year_outside_plan")]
    assert "từ 2020 đến 2023" in result.problems[0].message()


def test_duplicate_rows_of_a_task_period_and_quantity_are_reported_on_each_row():
    result = check_task_bytes(
        report_bytes(
            report_row(),
            report_row(metric="Lượt người tham gia hội nghị", quantity=1300),  # another quantity: fine
            report_row(quarter=2),  # another period: fine
            report_row(quantity=20),  # same as row 2
        ),
        today=TODAY,
    )
    assert located(result) == [
        ("error", 2, H["task"], "duplicate_task_report"),
        ("error", 5, H["task"], "duplicate_task_report"),
    ]
    assert result.problems[0].message() == (
        "Nhiệm vụ I.4, cả năm 2024, chỉ tiêu 'Hội nghị tuyên truyền' đã có ở dòng 5; "
        "mỗi nhiệm vụ một dòng cho mỗi kỳ và mỗi chỉ tiêu."
    )


def test_a_row_with_a_bad_quarter_is_not_also_called_a_duplicate():
    result = check_task_bytes(report_bytes(report_row(), report_row(quarter="Quý V")), today=TODAY)
    assert located(result) == [("error", 3, H["quarter"], "bad_quarter")]


def test_rows_of_another_year_than_the_workbooks_are_refused():
    result = check_task_bytes(
        report_bytes(
            report_row(), report_row(task="II.2", metric=None, quantity=None), report_row(year=2023)
        ),
        today=TODAY,
    )
    assert located(result) == [("error", 4, H["year"], "mixed_years")]
    assert "khác năm của tệp (2024)" in result.problems[0].message()


def test_the_info_sheet_year_wins_over_the_rows():
    info = [["Chỉ tiêu", "Giá trị"], ["Năm báo cáo", 2023]]
    result = check_task_bytes(report_bytes(report_row(), info=info), today=TODAY)
    assert located(result) == [("error", 2, H["year"], "mixed_years")]


def test_a_bad_info_year_is_located_on_the_info_sheet():
    info = [["Chỉ tiêu", "Giá trị"], ["Năm báo cáo", 2030]]
    result = check_task_bytes(report_bytes(report_row(), info=info), today=TODAY)
    assert [(p.sheet, p.row, p.column, p.code) for p in result.errors] == [
        (INFO.name, 2, "Năm báo cáo", "year_outside_plan")
    ]


@pytest.mark.parametrize(
    ("cell", "quarter"), [(1, 1), ("2", 2), ("Quý III", 3), ("IV", 4), ("q2", 2), (None, None)]
)
def test_quarters_are_read_as_numbers_roman_numerals_or_words(cell, quarter):
    result = check_task_bytes(report_bytes(report_row(quarter=cell)), today=TODAY)
    assert result.ok
    value = result.clean.reports["quarter"].iloc[0]
    assert (None if pd.isna(value) else int(value)) == quarter


@pytest.mark.parametrize("spelling", ["IV.7", "iv.7", "IV 7", "IV-7"])
def test_task_ids_are_matched_whatever_the_separator(spelling):
    row = report_row(task=spelling, metric="HTX được hỗ trợ", quantity=3)
    result = check_task_bytes(report_bytes(row), today=TODAY)
    assert result.ok
    assert result.clean.reports[["group", "number"]].values.tolist() == [["IV", 7]]


def test_a_quantity_of_a_task_with_one_promised_quantity_needs_no_metric():
    result = check_task_bytes(report_bytes(report_row(task="IV.7", metric=None, quantity=4)), today=TODAY)
    assert result.ok
    assert result.clean.reports["metric"].tolist() == ["cooperatives_supported"]


def test_statuses_may_be_written_in_english_or_as_ids():
    result = check_task_bytes(
        report_bytes(report_row(status="Done"), report_row(quarter=1, status="late")), today=TODAY
    )
    assert result.ok
    assert result.clean.reports["status"].tolist() == ["done", "late"]


def test_a_missing_required_column_is_reported_once_not_on_every_row():
    grid = table_rows(
        [report_row(), report_row(quarter=1)], REPORT, columns=list(report_row()), drop=["status"]
    )
    result = check_task_bytes(grid_bytes({SHEET: grid}), today=TODAY)
    assert [(p.row, p.column, p.code) for p in result.errors] == [(1, H["status"], "missing_column")]


def test_a_workbook_without_the_report_sheet_names_the_sheets_found():
    result = check_task_bytes(grid_bytes({"HTX": [["Mã HTX", "Tên HTX"], ["1", "A"]]}), today=TODAY)
    assert [p.code for p in result.errors] == ["missing_sheet"]
    assert "'HTX'" in result.errors[0].message()


def test_messages_exist_in_english_too():
    result = check_task_bytes(report_bytes(report_row(task="VI.1")), today=TODAY)
    assert result.problems[0].line("en") == (
        "Error: Sheet 'Báo cáo nhiệm vụ', row 2, column 'Mã nhiệm vụ', cell A2: There is no task 'VI.1' in the plan's "
        "appendix; expected one of: I.1–I.6, II.1–II.2, III.1–III.3, IV.1–IV.17, V.1–V.6."
    )


def test_title_rows_above_the_header_shift_the_reported_rows():
    grid = table_rows([report_row(task="VI.1")], REPORT, columns=list(report_row()), title_rows=2)
    result = check_task_bytes(grid_bytes({SHEET: grid}), today=TODAY)
    assert located(result) == [("error", 4, H["task"], "unknown_task")]


# --- the column of difficulties, obstacles and proposals (section V.3 of the plan) ---------------------------


def test_the_template_has_a_column_for_difficulties_and_proposals(template):
    ws = load_workbook(io.BytesIO(template))[SHEET]
    headers = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert "Khó khăn, vướng mắc, đề xuất" in headers
    # extended, not renamed: the earlier columns keep their headers
    assert {"Mã nhiệm vụ", "Năm", "Quý", "Tình trạng", "Kết quả thực hiện", "Văn bản chứng minh"} <= set(
        headers
    )


@pytest.mark.parametrize("header", ["Khó khăn, vướng mắc, đề xuất", "Khó khăn, vướng mắc", "Kiến nghị"])
def test_difficulties_are_read_under_their_header_or_an_alias(header):
    rows = [report_row(), report_row(task="IV.13", metric=None, quantity=None)]
    sheets = {SHEET: [[*[H[c] for c in report_row()], header]]}
    sheets[SHEET] += [[*row.values(), text] for row, text in zip(rows, ["Thiếu kinh phí", None], strict=True)]
    result = check_task_bytes(grid_bytes(sheets), load_tasks(), TODAY)
    assert result.ok, result.problems
    assert result.clean.reports["difficulties"].tolist() == ["Thiếu kinh phí", None]


def test_a_workbook_without_the_column_is_still_valid_with_no_difficulties():
    result = check_task_bytes(report_bytes(report_row()), load_tasks(), TODAY)
    assert result.ok
    assert result.clean.reports["difficulties"].tolist() == [None]


def test_difficulties_read_back_from_a_written_workbook_and_stay_text(tasks):
    rows = pd.DataFrame(
        [{"group": "V", "number": 3, "year": 2023, "quarter": 4, "status": "late", "metric": None,
          "quantity": None, "result": "chưa xong", "evidence": None, "note": None,
          "difficulties": "=thiếu cán bộ"}]
    )  # fmt: skip
    result = check_task_bytes(
        task_workbook_bytes(reports=rows, info={"year": 2023}, tasks=tasks), tasks, TODAY
    )
    assert result.ok
    assert result.clean.reports["difficulties"].tolist() == ["=thiếu cán bộ"]


# --- the V.1 register: each department's and district's own implementation plan -----------------------------

PLAN_HEADERS = [c.header for c in PLANS.columns]


def register_bytes(*plan_rows: list[object]) -> bytes:
    """Return a valid progress workbook (one report row) with the register sheet holding `plan_rows`."""
    sheets = {SHEET: table_rows([report_row()], REPORT, columns=list(report_row()))}
    sheets[PLANS.name] = [PLAN_HEADERS, *plan_rows]
    return grid_bytes(sheets)


def test_the_template_has_the_register_sheet_with_its_headers(template):
    ws = load_workbook(io.BytesIO(template))[PLANS.name]
    assert [c.value for c in next(ws.iter_rows(max_row=1))] == [
        "Sở, ngành, địa phương",
        "Đã ban hành",
        "Số, ký hiệu kế hoạch",
        "Ngày ban hành",
        "Ghi chú",
    ]


def test_the_register_is_read_with_issued_as_yes_or_no():
    result = check_task_bytes(
        register_bytes(
            ["Sở Nông nghiệp và PTNT", "Có", "215/KH-SNN", "20/10/2020", None],
            ["UBND huyện Tuy Đức", "Không", None, None, "Đang dự thảo"],
        ),
        load_tasks(),
        TODAY,
    )
    assert result.ok, result.problems
    plans = result.clean.plans
    assert plans["unit"].tolist() == ["Sở Nông nghiệp và PTNT", "UBND huyện Tuy Đức"]
    assert plans["issued"].tolist() == [True, False]
    assert plans["plan_number"].tolist() == ["215/KH-SNN", None]
    assert plans["note"].tolist() == [None, "Đang dự thảo"]


def test_a_register_row_without_its_unit_or_with_a_bad_issued_value_is_located():
    result = check_task_bytes(
        register_bytes([None, "Có", "1/KH", None, None], ["Sở Tài chính", "chắc vậy", None, None, None]),
        load_tasks(),
        TODAY,
    )
    assert not result.ok
    found = [(p.sheet, p.row, p.column, p.code) for p in result.errors]
    assert (PLANS.name, 2, "Sở, ngành, địa phương", "required") in found
    assert any(p.sheet == PLANS.name and p.row == 3 and p.column == "Đã ban hành" for p in result.errors)


def test_a_workbook_without_the_register_or_with_it_blank_has_none_and_no_warning(template):
    for data in (report_bytes(report_row()), register_bytes()):
        result = check_task_bytes(data, load_tasks(), TODAY)
        assert result.ok and result.clean.plans is None
        assert not [p for p in result.problems if p.sheet == PLANS.name]


# --- English messages ---------------------------------------------------------------------------------------

# A workbook giving each problem the task side has; the rows are those of the cases above.
ENGLISH_CASES = [
    ("unknown_task", [report_row(task="VI.1")], None),
    ("required", [report_row(task=None)], None),
    ("not_in_list", [report_row(status="Xong")], None),
    ("bad_quarter", [report_row(quarter="Quý V")], None),
    ("year_outside_plan", [report_row(year=2019)], None),
    ("not_a_number", [report_row(year="năm ngoái")], None),
    ("metric_not_of_task", [report_row(metric="HTX được hỗ trợ")], None),
    ("quantity_without_metric", [report_row(metric=None)], None),
    ("task_has_no_quantity", [report_row(task="II.2")], None),
    ("negative", [report_row(quantity=-2)], None),
    ("not_whole", [report_row(quantity="1,5")], None),
    ("foreign_number", [report_row(quantity="1.5")], None),
    ("above_maximum", [report_row(quantity=2_000_000)], None),
    ("metric_without_quantity", [report_row(quantity=None)], None),
    ("duplicate_task_report", [report_row(), report_row()], None),
    ("mixed_years", [report_row(), report_row(year=2023, task="II.2", metric=None, quantity=None)], None),
    ("not_a_number", [report_row()], [["Chỉ tiêu", "Giá trị"], ["Năm báo cáo", "abc"]]),
]


def _without_file_values(text: str, tasks) -> str:
    """Return `text` without what comes from the file or its lists (quoted values, list labels)."""
    labels = [s.vi for s in tasks.statuses] + [q.label_vi for t in tasks for q in t.quantities]
    text = re.sub(r"'[^']*'", "", text)
    for label in sorted(labels, key=len, reverse=True):
        text = text.replace(label, "")
    return text


@pytest.mark.parametrize(("code", "rows", "info"), ENGLISH_CASES, ids=[c[0] for c in ENGLISH_CASES])
def test_every_problem_of_the_task_side_reads_in_english_when_english_is_asked(tasks, code, rows, info):
    result = check_task_bytes(report_bytes(*rows, info=info), tasks, TODAY)
    problem = next(p for p in result.problems if p.code == code)
    english, vietnamese = problem.line("en"), problem.line("vi")
    assert english != vietnamese
    assert english.startswith(("Error: Sheet", "Warning: Sheet")) and ", row " in english
    rest = _without_file_values(problem.message("en"), tasks)
    assert strip_diacritics(rest) == rest, rest  # no Vietnamese word of our own in the English message
