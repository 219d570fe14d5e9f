"""Writing workbooks in the template's format: the blank template, exports of stored years, sample files.

Written with xlsxwriter (fast for large files): an instructions sheet in Vietnamese, then the sheets of the
contract with their headers, a note on each header (unit and rule), dropdowns for every closed list,
number formats and frozen header rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import xlsxwriter

from kpi.common.safe_text import formula_like
from kpi.common.settings import ReadLimits, read_limits
from kpi.domain.places import Reference, load_reference
from kpi.workbook.contract import (
    COOP,
    GROUP,
    INFO,
    INFO_KEY_HEADER,
    INFO_VALUE_HEADER,
    NO,
    YES,
    Column,
    Kind,
    Sheet,
)

LIST_SHEET = "Danh mục"
TEMPLATE_ROWS = 1000  # rows of the blank template that carry dropdowns and formats

INSTRUCTIONS = (
    ("title", "HƯỚNG DẪN NHẬP SỐ LIỆU KINH TẾ TẬP THỂ, HỢP TÁC XÃ (Kế hoạch 485/KH-UBND)"),
    ("", ""),
    ("h", "Tệp gồm các sheet:"),
    (
        "",
        f"• '{INFO.name}': năm báo cáo (bắt buộc), đơn vị báo cáo, nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX.",
    ),
    ("", f"• '{COOP.name}': mỗi dòng một hợp tác xã, số liệu cuối năm báo cáo."),
    (
        "",
        f"• '{GROUP.name}': mỗi dòng một huyện, thành phố: số tổ hợp tác và số THT có hợp đồng được chứng thực.",
    ),
    ("", ""),
    ("h", "Quy tắc:"),
    (
        "",
        "• Không đổi tên sheet và tên cột; có thể thêm dòng tiêu đề phía trên (tối đa 10 dòng) và đổi thứ tự cột.",
    ),
    ("", "• Tiền tính bằng triệu đồng. Số nhập dạng số; nếu nhập dạng chữ thì theo kiểu Việt Nam: 1.234,5."),
    ("", "• Ô để trống là 'không có số liệu', không phải số 0; HTX đã giải thể có thể để trống các số liệu."),
    (
        "",
        "• Các cột có danh sách (Huyện, Lĩnh vực, Tình trạng, Xếp loại, Có/Không): chọn trong danh sách thả xuống.",
    ),
    ("", "• Mã HTX là duy nhất và giữ nguyên qua các năm để theo dõi một HTX."),
    ("", "• CBQL sơ cấp, trung cấp + CBQL cao đẳng, đại học trở lên không vượt Số cán bộ quản lý."),
    ("", "• Số THT có hợp đồng được chứng thực không vượt Số tổ hợp tác."),
    ("", "• HTX mới thành lập trong năm (dưới 12 tháng) ghi Xếp loại 'Chưa xếp loại'."),
    ("", ""),
    (
        "h",
        "Kiểm tra tệp trước khi nhập: trang 'Nhập dữ liệu' của bảng điều khiển, hoặc lệnh: python -m kpi check TỆP.xlsx",
    ),
)


def limit_lines(limits: ReadLimits | None = None) -> list[tuple[str, str]]:
    """Return the instructions' lines on the limits a file is read within (default: the settings in force)."""
    from kpi.common.formatting import format_number

    lim = limits or read_limits()

    def n(x: float) -> str:
        return format_number(x, 0)

    return [
        ("", ""),
        ("h", "Giới hạn của một tệp (tệp vượt giới hạn bị từ chối ngay, không được đọc):"),
        ("", f"• Tệp nặng tối đa {n(lim.max_file_mb)} MB; giải nén ra tối đa {n(lim.max_unzipped_mb)} MB."),
        (
            "",
            f"• Mỗi sheet được đọc: tối đa {n(lim.max_rows)} dòng số liệu, {n(lim.max_columns)} cột và "
            f"{n(lim.max_cells)} ô tính từ A1 đến ô cuối cùng có dữ liệu; hãy xoá các ô thừa ở xa.",
        ),
        (
            "",
            f"• Mỗi ô văn bản tối đa {n(lim.max_text_chars)} ký tự, không chứa ký tự điều khiển hay ký tự đảo chiều "
            "văn bản; ô không được chứa lỗi Excel (#DIV/0!, #N/A, #VALUE!...).",
        ),
        (
            "",
            "• Số liệu là số hữu hạn, không vượt mức tối đa hợp lý của cột (ghi ở danh sách các cột bên dưới); "
            "số lớn hơn thường là nhầm đơn vị (đồng thay vì triệu đồng).",
        ),
    ]


def maximum_note(col: Column) -> str:
    """Return " Tối đa 1.000.000 người." for a column with a sane maximum, else ""."""
    from kpi.common.formatting import format_number

    if col.maximum is None:
        return ""
    unit = f" {col.unit}" if col.unit else ""
    return f" Tối đa {format_number(col.maximum, 0)}{unit}."


def write_workbook(
    target: str | Path | io.BytesIO,
    *,
    info: dict[str, object] | None = None,
    coops: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
    reference: Reference | None = None,
    notice: str | None = None,
) -> None:
    """Write a workbook in the template's format; blank when no data is given.

    `notice` adds a highlighted line at the top of the instructions (used to mark sample data).
    """
    reference = reference or load_reference()
    wb = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmt = _formats(wb)
    values = _closed_lists(reference)
    ranges = _list_ranges(values)
    _write_instructions(wb, fmt, notice)
    _write_info(wb, fmt, info or {})
    _write_table(wb, fmt, COOP, coops, ranges)
    _write_table(wb, fmt, GROUP, groups, ranges)
    _write_lists(wb, values, fmt)  # last and hidden: Excel must not open on a hidden sheet
    wb.worksheets()[0].activate()
    wb.close()


def template_bytes(reference: Reference | None = None) -> bytes:
    """Return the blank template as bytes (for downloads)."""
    buffer = io.BytesIO()
    write_workbook(buffer, reference=reference)
    return buffer.getvalue()


def workbook_bytes(**kwargs: object) -> bytes:
    """Return a filled workbook as bytes (same arguments as write_workbook)."""
    buffer = io.BytesIO()
    write_workbook(buffer, **kwargs)  # type: ignore[arg-type]
    return buffer.getvalue()


def _formats(wb: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"}),
        "h": wb.add_format({"bold": True}),
        "notice": wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "header": wb.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "bg_color": "#DDEBF7",
                "border": 1,
            }
        ),
        "int": wb.add_format({"num_format": "#,##0"}),
        "money": wb.add_format({"num_format": "#,##0.0"}),
        "year": wb.add_format({"num_format": "0"}),
        "quoted": wb.add_format({"quote_prefix": True}),
        "": None,
    }


def _closed_lists(reference: Reference) -> dict[str, list[str]]:
    """Return the values of every dropdown, by list name."""
    return {
        "district": reference.district_names(),
        "sector": list(COOP.column("sector").choices),
        "status": list(COOP.column("status").choices),
        "rating": list(COOP.column("rating").choices),
        "yes_no": [YES, NO],
    }


def _list_ranges(lists: dict[str, list[str]]) -> dict[str, str]:
    """Return list name -> the range formula of its column on the hidden list sheet."""
    ranges = {}
    for i, (name, values) in enumerate(lists.items()):
        letter = xlsxwriter.utility.xl_col_to_name(i)
        ranges[name] = f"='{LIST_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_lists(wb: xlsxwriter.Workbook, lists: dict[str, list[str]], fmt: dict) -> None:
    """Write the closed lists on a hidden sheet (the dropdowns point at it)."""
    ws = wb.add_worksheet(LIST_SHEET)
    for i, (name, values) in enumerate(lists.items()):
        ws.write_string(0, i, name, fmt["h"])
        for r, v in enumerate(values, start=1):
            ws.write_string(r, i, v)
    ws.hide()


def _write_instructions(wb: xlsxwriter.Workbook, fmt: dict, notice: str | None) -> None:
    ws = wb.add_worksheet("Hướng dẫn")
    ws.set_column(0, 0, 120)
    row = 0
    if notice:
        ws.write_string(row, 0, notice, fmt["notice"])
        row += 2
    for style, text in (*INSTRUCTIONS, *limit_lines()):
        ws.write_string(row, 0, text, fmt[style] if style else None)
        row += 1
    row += 1
    ws.write_string(row, 0, "Các cột của sheet HTX:", fmt["h"])
    for col in COOP.columns:
        row += 1
        ws.write_string(row, 0, f"• {col.header}: {col.note}{maximum_note(col)}")


def _write_info(wb: xlsxwriter.Workbook, fmt: dict, info: dict[str, object]) -> None:
    ws = wb.add_worksheet(INFO.name)
    ws.set_column(0, 0, 62)
    ws.set_column(1, 1, 40)
    ws.write_string(0, 0, INFO_KEY_HEADER, fmt["header"])
    ws.write_string(0, 1, INFO_VALUE_HEADER, fmt["header"])
    for r, col in enumerate(INFO.columns, start=1):
        ws.write_string(r, 0, col.header)
        ws.write_comment(r, 0, col.note, {"x_scale": 2, "y_scale": 1.2})
        value = info.get(col.id)
        _write_cell(ws, r, 1, value, col, fmt)
    ws.freeze_panes(1, 0)


def _cell_format(col: Column, fmt: dict) -> object:
    return {
        Kind.COUNT: fmt["int"],
        Kind.YEAR: fmt["year"],
        Kind.MONEY: fmt["money"],
        Kind.MONEY_NONNEG: fmt["money"],
    }.get(col.kind)


def _write_cell(ws, r: int, c: int, value: object, col: Column, fmt: dict) -> None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return
    if col.kind == Kind.YES_NO:
        ws.write_string(r, c, YES if bool(value) else NO)
    elif col.kind in (Kind.COUNT, Kind.YEAR, Kind.MONEY, Kind.MONEY_NONNEG):
        number = float(value)
        ws.write_number(r, c, int(number) if number.is_integer() else number, _cell_format(col, fmt))
    else:
        text = str(value)
        ws.write_string(r, c, text, fmt["quoted"] if formula_like(text) else None)


def _validation_for(col: Column, lists: dict[str, str]) -> dict | None:
    source = {
        Kind.DISTRICT: lists["district"],
        Kind.YES_NO: lists["yes_no"],
    }.get(col.kind)
    if col.kind == Kind.CHOICE:
        source = lists[col.id]
    if source:
        return {
            "validate": "list",
            "source": source,
            "error_title": "Giá trị không hợp lệ",
            "error_message": f"Chọn một giá trị trong danh sách của cột '{col.header}'.",
        }
    if col.kind == Kind.COUNT:
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": "Cần số nguyên ≥ 0",
            "error_message": col.note,
        }
    if col.kind == Kind.MONEY_NONNEG:
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": "Cần số ≥ 0",
            "error_message": col.note,
        }
    return None


def _write_table(
    wb: xlsxwriter.Workbook, fmt: dict, sheet: Sheet, data: pd.DataFrame | None, lists: dict
) -> None:
    ws = wb.add_worksheet(sheet.name)
    ws.set_row(0, 48)
    for c, col in enumerate(sheet.columns):
        ws.write_string(0, c, col.header, fmt["header"])
        ws.write_comment(0, c, col.note, {"x_scale": 2.2, "y_scale": 1.3})
        ws.set_column(c, c, col.width, _cell_format(col, fmt))
    ws.freeze_panes(1, 2 if sheet.id == COOP.id else 1)
    n_rows = len(data) if data is not None else 0
    last = max(n_rows, TEMPLATE_ROWS)
    for c, col in enumerate(sheet.columns):
        rule = _validation_for(col, lists)
        if rule:
            ws.data_validation(1, c, last, c, rule)
    if data is not None and n_rows:
        _write_rows(ws, sheet, data, fmt)
    ws.autofilter(0, 0, max(n_rows, 1), len(sheet.columns) - 1)


def _write_rows(ws, sheet: Sheet, data: pd.DataFrame, fmt: dict) -> None:
    columns = [col for col in sheet.columns if col.id in data.columns]
    positions = {col.id: i for i, col in enumerate(sheet.columns)}
    records: Iterable[tuple] = data[[c.id for c in columns]].itertuples(index=False, name=None)
    for r, values in enumerate(records, start=1):
        for col, value in zip(columns, values, strict=True):
            _write_cell(ws, r, positions[col.id], value, col, fmt)
