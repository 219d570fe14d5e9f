"""One writer for both kinds: the same sheet order, row counts, dropdowns and instructions for the statistics
template and the task progress template, and for any layout a third kind would give it."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from kpi.workbook.contract import COOP, GROUP, Column, Kind, Sheet
from kpi.workbook.contract import INFO as STATS_INFO
from kpi.workbook.task_contract import INFO as TASK_INFO
from kpi.workbook.task_contract import PLANS, REPORT, TASK_LIST_SHEET
from kpi.workbook.task_reports import task_template_bytes
from kpi.workbook.writer import (
    INSTRUCTIONS_SHEET,
    LIST_SHEET,
    TEMPLATE_ROWS,
    Layout,
    ReferenceSheet,
    layout_bytes,
    template_bytes,
)

KINDS = {
    "statistics": (template_bytes, [STATS_INFO.name, COOP.name, GROUP.name], [COOP, GROUP], COOP),
    "tasks": (
        task_template_bytes,
        [TASK_INFO.name, REPORT.name, PLANS.name, TASK_LIST_SHEET],
        [REPORT, PLANS],
        REPORT,
    ),
}


@pytest.fixture(scope="module", params=sorted(KINDS))
def kind(request):
    write, sheets, tables, main = KINDS[request.param]
    return openpyxl.load_workbook(io.BytesIO(write())), sheets, tables, main


def test_both_templates_open_on_the_instructions_and_hide_the_lists_last(kind) -> None:
    book, sheets, _, _ = kind
    assert [ws.title for ws in book.worksheets] == [INSTRUCTIONS_SHEET, *sheets, LIST_SHEET]
    assert book.active.title == INSTRUCTIONS_SHEET
    assert [ws.title for ws in book.worksheets if ws.sheet_state == "hidden"] == [LIST_SHEET]


def test_every_table_sheet_carries_its_declared_headers_with_their_notes(kind) -> None:
    book, _, tables, _ = kind
    for sheet in tables:
        ws = book[sheet.name]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        assert [c.comment.text.strip() for c in ws[1]] == [c.note for c in sheet.columns]


def test_the_dropdowns_of_both_kinds_reach_the_same_number_of_rows(kind) -> None:
    book, _, tables, _ = kind
    for sheet in tables:
        ends = {str(dv.sqref).split(":")[-1] for dv in book[sheet.name].data_validations.dataValidation}
        assert ends and all(end.endswith(str(TEMPLATE_ROWS + 1)) for end in ends), (sheet.name, ends)


def test_a_yes_no_column_of_either_kind_picks_from_co_and_khong(kind) -> None:
    book, _, tables, _ = kind
    lists = book[LIST_SHEET]
    names = [c.value for c in lists[1]]
    column = lists.cell(row=1, column=names.index("yes_no") + 1).column_letter
    assert [c.value for c in lists[column][1:] if c.value] == ["Có", "Không"]
    for sheet in tables:
        for i, col in enumerate(sheet.columns):
            if col.kind == Kind.YES_NO:
                letter = openpyxl.utils.get_column_letter(i + 1)
                rule = next(
                    dv
                    for dv in book[sheet.name].data_validations.dataValidation
                    if str(dv.sqref).startswith(f"{letter}2")
                )
                assert rule.formula1 == f"'{LIST_SHEET}'!${column}$2:${column}$3"


def test_the_instructions_give_the_limits_and_then_the_main_sheets_columns(kind) -> None:
    book, _, _, main = kind
    lines = [c.value for c in book[INSTRUCTIONS_SHEET]["A"] if c.value]
    limits = lines.index("Giới hạn của một tệp (tệp vượt giới hạn bị từ chối ngay, không được đọc):")
    columns = lines.index(f"Các cột của sheet '{main.name}':")
    assert limits < columns
    shown = lines[columns + 1 :]
    assert [line.split(":")[0] for line in shown] == [f"• {c.header}" for c in main.columns]
    assert all(
        line.startswith(f"• {c.header}: {c.note}") for line, c in zip(shown, main.columns, strict=True)
    )


@pytest.mark.parametrize(
    ("write", "line"),
    [
        (
            template_bytes,
            "• Số thành viên: Đơn vị: người; số nguyên ≥ 0. Để trống nếu không có số liệu. Tối đa 1.000.000 người.",
        ),
        (
            task_template_bytes,
            "• Số lượng đạt được: Số đạt được trong kỳ (không cộng dồn); số nguyên ≥ 0. Cần chọn Chỉ tiêu số lượng. Tối đa 1.000.000.",
        ),
    ],
)
def test_a_column_with_a_sane_maximum_says_it_in_the_instructions(write, line) -> None:
    book = openpyxl.load_workbook(io.BytesIO(write()))
    assert line in [c.value for c in book[INSTRUCTIONS_SHEET]["A"]]


def test_the_cooperative_sheet_keeps_code_and_name_in_view_and_the_others_one_column() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert book[COOP.name].freeze_panes == "C2"
    assert book[GROUP.name].freeze_panes == "B2"


THIRD = Sheet(
    id="forms",
    name="Biểu",
    name_en="Forms",
    columns=(
        Column("unit", "Đơn vị", "Unit", Kind.TEXT, note="Tên đơn vị."),
        Column("count", "Số lượng", "Count", Kind.COUNT, note="Số nguyên ≥ 0."),
        Column("level", "Mức", "Level", Kind.CHOICE, choices=("Cao", "Thấp"), note="Chọn."),
    ),
)


def test_a_third_kind_is_a_layout_written_by_the_same_writer_with_formulas_kept_inert() -> None:
    rows = pd.DataFrame({"unit": ["=1+1", "Xã A"], "count": [3, -1], "level": ["Cao", None]})
    data = layout_bytes(
        Layout(
            instructions=(("title", "HƯỚNG DẪN"),),
            info_sheet=Sheet(
                "info", "Thông tin", "Info", (Column("year", "Năm", "Year", Kind.YEAR, note="Năm."),)
            ),
            info={"year": 2024},
            tables=((THIRD, rows),),
            main=THIRD,
            lists={"level": ("Cao", "Thấp")},
            references=(ReferenceSheet("Tra cứu", (("Mã", 10),), [("@SUM(A1)",), ("A",)]),),
        )
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [ws.title for ws in book.worksheets] == [
        INSTRUCTIONS_SHEET,
        "Thông tin",
        "Biểu",
        "Tra cứu",
        LIST_SHEET,
    ]
    forms = book["Biểu"]
    assert [c.value for c in forms[2]] == ["=1+1", 3, "Cao"]
    assert forms["A2"].data_type == "s" and forms["A2"].quotePrefix
    assert forms["B3"].value == -1
    assert book["Tra cứu"]["A2"].value == "@SUM(A1)" and book["Tra cứu"]["A2"].quotePrefix
    assert book["Thông tin"]["B2"].value == 2024
