"""Problems found in a workbook: where (sheet, Excel row, column), what was found, what was expected."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kpi.common.formatting import format_number


class Severity(StrEnum):
    """Errors stop an import; warnings are shown and the workbook can still be used; information lines (an
    automatic correction) are shown apart and counted as neither."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Message templates per key, Vietnamese first. `{value}` is the cell as found; other fields come from params.
MESSAGES: dict[str, dict[str, str]] = {
    "not_excel": {
        "vi": "Tệp không phải là bảng tính Excel đọc được (.xlsx, .xlsm, .xls): {detail}",
        "en": "The file is not a readable Excel workbook (.xlsx, .xlsm, .xls): {detail}",
    },
    "empty_file": {"vi": "Tệp rỗng (0 byte).", "en": "The file is empty (0 bytes)."},
    "encrypted": {
        "vi": "Tệp được đặt mật khẩu; hãy gỡ mật khẩu trong Excel rồi tải lại.",
        "en": "The file is password protected; remove the password in Excel and upload it again.",
    },
    "too_large": {
        "vi": "Tệp nặng {size} MB, vượt giới hạn {limit} MB.",
        "en": "The file is {size} MB, above the limit of {limit} MB.",
    },
    "too_many_rows": {
        "vi": "Sheet có {rows} dòng, vượt giới hạn {limit} dòng.",
        "en": "The sheet has {rows} rows, above the limit of {limit} rows.",
    },
    # --- limits of reading an untrusted file (kpi/workbook/guard.py, kpi/workbook/worker.py, kpi/workbook/reader.py) ---
    "zip_entries": {
        "vi": "Tệp nén (zip) có {found} phần, vượt giới hạn {limit} phần; một tệp Excel thường chỉ có vài chục.",
        "en": "The zip container has {found} parts, above the limit of {limit}; an Excel file has a few dozen.",
    },
    "unzipped_too_large": {
        "vi": "Tệp giải nén ra {size} MB, vượt giới hạn {limit} MB.",
        "en": "The file inflates to {size} MB, above the limit of {limit} MB.",
    },
    "zip_ratio": {
        "vi": "Phần '{part}' của tệp nén tới {ratio} lần, vượt giới hạn {limit} lần (tệp Excel thường nén dưới 20 lần); tệp có thể là một 'bom nén'.",
        "en": "Part '{part}' of the file is compressed {ratio} times, above the limit of {limit} (Excel's files stay under 20); it may be a zip bomb.",
    },
    "declared_dimension": {
        "vi": "Sheet khai báo vùng dữ liệu {value} ({rows} dòng, {columns} cột), vượt giới hạn {max_rows} dòng, {max_columns} cột và {max_cells} ô.",
        "en": "The sheet declares the range {value} ({rows} rows, {columns} columns), above the limit of {max_rows} rows, {max_columns} columns and {max_cells} cells.",
    },
    "sheet_too_many_cells": {
        "vi": "Sheet có dữ liệu đến ô {value}: vùng từ A1 đến đó có {rows} dòng × {columns} cột = {cells} ô, vượt giới hạn {limit} ô; hãy xoá các ô thừa ở xa.",
        "en": "The sheet has cells up to {value}: the range from A1 holds {rows} rows × {columns} columns = {cells} cells, above the limit of {limit}; delete the stray far cells.",
    },
    "cell_beyond_rows": {
        "vi": "Có ô {value} ở dòng {found}, vượt giới hạn {limit} dòng của một sheet (số dòng số liệu tối đa cộng các dòng tiêu đề); hãy xoá các ô thừa ở cuối sheet.",
        "en": "Cell {value} is on row {found}, beyond the limit of {limit} rows per sheet (the most data rows plus title rows); delete the stray cells at the end of the sheet.",
    },
    "cell_beyond_columns": {
        "vi": "Có ô {value} ở cột thứ {found}, vượt giới hạn {limit} cột (đến cột {letters}); hãy xoá các ô thừa bên phải.",
        "en": "Cell {value} is in column {found}, beyond the limit of {limit} columns (up to column {letters}); delete the stray cells on the right.",
    },
    "sheet_beyond_rows": {
        "vi": "Sheet có dữ liệu đến dòng {found}, vượt giới hạn {limit} dòng của một sheet; hãy xoá các ô thừa ở cuối sheet.",
        "en": "The sheet has cells down to row {found}, beyond the limit of {limit} rows per sheet; delete the stray cells at the end.",
    },
    "sheet_beyond_columns": {
        "vi": "Sheet có dữ liệu đến cột thứ {found}, vượt giới hạn {limit} cột; hãy xoá các ô thừa bên phải.",
        "en": "The sheet has cells up to column {found}, beyond the limit of {limit} columns; delete the stray cells on the right.",
    },
    "worker_crashed": {
        "vi": "Tệp quá lớn hoặc hỏng: trình đọc Excel dừng bất thường hoặc cần quá {memory} MB bộ nhớ. Chưa có gì được lưu; hãy mở tệp trong Excel, lưu lại rồi thử lại.",
        "en": "The file is too large or corrupt: the Excel reader stopped abnormally or needed more than {memory} MB of memory. Nothing was stored; open the file in Excel, save it again and retry.",
    },
    "worker_timeout": {
        "vi": "Tệp quá lớn hoặc hỏng: đọc tệp mất quá {seconds} giây. Chưa có gì được lưu; hãy mở tệp trong Excel, lưu lại rồi thử lại.",
        "en": "The file is too large or corrupt: reading it took more than {seconds} seconds. Nothing was stored; open the file in Excel, save it again and retry.",
    },
    "excel_error": {
        "vi": "Ô chứa lỗi Excel {value}; cần một giá trị: hãy sửa công thức hoặc nhập số liệu.",
        "en": "The cell holds the Excel error {value}; a value is expected: fix the formula or type the figure.",
    },
    "not_finite": {
        "vi": "Giá trị {value} không phải là một số hữu hạn; cần một số bình thường.",
        "en": "Value {value} is not a finite number; an ordinary number is expected.",
    },
    "unsafe_character": {
        "vi": "Văn bản '{value}' chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản {char} (ký tự thứ {position}); hãy xoá ký tự này.",
        "en": "Text '{value}' holds a control or text-direction character {char} (character {position}); delete it.",
    },
    "text_too_long": {
        "vi": "Văn bản dài {length} ký tự, vượt giới hạn {limit} ký tự của một ô.",
        "en": "The text is {length} characters long, above the limit of {limit} characters per cell.",
    },
    "above_maximum": {
        "vi": "Giá trị {value} vượt mức tối đa hợp lý {maximum}{unit}; hãy kiểm tra lại số liệu và đơn vị.",
        "en": "Value {value} is beyond the sane maximum of {maximum}{unit}; check the figure and its unit.",
    },
    "missing_sheet": {
        "vi": "Thiếu sheet '{sheet}'. Các sheet có trong tệp: {found}.",
        "en": "Sheet '{sheet}' is missing. Sheets in the file: {found}.",
    },
    "missing_optional_sheet": {
        "vi": "Không có sheet '{sheet}': các chỉ tiêu dựa trên sheet này sẽ không có số liệu.",
        "en": "No sheet '{sheet}': the indicators based on it will have no value.",
    },
    "no_header": {
        "vi": "Không tìm thấy dòng tiêu đề trong 11 dòng đầu; cần các cột: {expected}.",
        "en": "No header row in the first 11 rows; expected columns: {expected}.",
    },
    "missing_column": {
        "vi": "Thiếu cột bắt buộc '{column}'.",
        "en": "Required column '{column}' is missing.",
    },
    "duplicate_column": {
        "vi": "Cột '{column}' xuất hiện hai lần (cột {letters}).",
        "en": "Column '{column}' appears twice (columns {letters}).",
    },
    "unknown_column": {
        "vi": "Cột '{value}' không thuộc mẫu nên không được dùng.",
        "en": "Column '{value}' is not part of the template and is ignored.",
    },
    "missing_info": {
        "vi": "Thiếu dòng '{column}' (bắt buộc) trong cột Chỉ tiêu.",
        "en": "Row '{column}' (required) is missing from the Chỉ tiêu column.",
    },
    "required": {"vi": "Ô bắt buộc đang để trống.", "en": "A required cell is blank."},
    "not_a_number": {
        "vi": "Giá trị '{value}' không phải là số; cần {expected}.",
        "en": "Value '{value}' is not a number; expected {expected}.",
    },
    "ambiguous_number": {
        "vi": "Giá trị '{value}' đọc theo kiểu Việt Nam là {vi_reading} nhưng theo kiểu Anh là {en_reading}; hãy nhập ô dạng số hoặc ghi rõ (dấu chấm ngăn nghìn, dấu phẩy thập phân).",
        "en": "Value '{value}' reads {vi_reading} the Vietnamese way but {en_reading} the English way; type a numeric cell or write it unambiguously (dot for thousands, comma for decimals).",
    },
    "foreign_number": {
        "vi": "Giá trị '{value}' viết theo kiểu Anh (dấu chấm thập phân); cần kiểu Việt Nam, ví dụ {example}.",
        "en": "Value '{value}' is written the English way (decimal point); expected the Vietnamese way, e.g. {example}.",
    },
    "not_whole": {
        "vi": "Giá trị {value} không phải số nguyên; cần {expected}.",
        "en": "Value {value} is not a whole number; expected {expected}.",
    },
    "negative": {
        "vi": "Giá trị {value} âm; cần số ≥ 0.",
        "en": "Value {value} is negative; expected a number ≥ 0.",
    },
    "bad_year": {
        "vi": "Năm {value} không hợp lệ; cần một năm từ {low} đến {high}.",
        "en": "Year {value} is not valid; expected a year from {low} to {high}.",
    },
    "founded_after_report": {
        "vi": "Năm thành lập {value} sau năm báo cáo {year}.",
        "en": "Year founded {value} is after the reporting year {year}.",
    },
    "not_in_list": {
        "vi": "Giá trị '{value}' không có trong danh sách; cần một trong: {expected}.",
        "en": "Value '{value}' is not in the list; expected one of: {expected}.",
    },
    "unknown_district": {
        "vi": "Huyện/thành phố '{value}' không có trong danh sách 8 huyện, thành phố của tỉnh: {expected}.{suggestion}",
        "en": "District '{value}' is not one of the province's 8 districts: {expected}.{suggestion}",
    },
    "unknown_commune": {
        "vi": "Xã/phường/thị trấn '{value}' không có trong danh sách của {district}; số liệu vẫn được dùng nhưng hãy kiểm tra lại tên.{suggestion}",
        "en": "Commune '{value}' is not in the list of {district}; the row is used, but check the name.{suggestion}",
    },
    "commune_other_district": {
        "vi": "Xã/phường/thị trấn '{value}' thuộc {other}, không thuộc {district} đã ghi ở cột Huyện/Thành phố; hãy sửa tên huyện hoặc tên xã.",
        "en": "Commune '{value}' belongs to {other}, not to {district} given in the District column; correct the district or the commune.",
    },
    "spelling_corrected": {
        "vi": "'{value}' đọc là '{name}'{also}.",
        "en": "'{value}' is read as '{name}'{also}.",
    },
    "duplicate_code": {
        "vi": "Mã HTX '{value}' trùng với dòng {other_rows}.",
        "en": "Cooperative code '{value}' repeats row {other_rows}.",
    },
    "duplicate_district": {
        "vi": "Huyện/thành phố '{value}' đã có ở dòng {other_rows}; mỗi huyện một dòng.",
        "en": "District '{value}' already appears in row {other_rows}; one row per district.",
    },
    "managers_split": {
        "vi": "Sơ cấp, trung cấp ({vocational}) + cao đẳng, đại học ({higher}) = {total}, vượt số cán bộ quản lý ({value}).",
        "en": "Elementary/intermediate ({vocational}) + college/university ({higher}) = {total}, above the managers ({value}).",
    },
    "certified_above_groups": {
        "vi": "Số THT có hợp đồng được chứng thực ({certified}) vượt số tổ hợp tác ({value}).",
        "en": "Certified groups ({certified}) exceed the number of groups ({value}).",
    },
    "year_mismatch": {
        "vi": "Năm báo cáo trong tệp là {value}, khác với năm đã chọn {year}.",
        "en": "The workbook's reporting year is {value}, not the year chosen, {year}.",
    },
    "total_row_skipped": {
        "vi": "Dòng tổng cộng '{value}' được bỏ qua (không phải một HTX).",
        "en": "Total row '{value}' is skipped (not a cooperative).",
    },
    "no_rows": {"vi": "Sheet không có dòng số liệu nào.", "en": "The sheet has no data rows."},
    "numbering_row_skipped": {
        "vi": "Dòng đánh số cột ({value}) dưới dòng tiêu đề được bỏ qua.",
        "en": "The row of column numbers ({value}) under the header is skipped.",
    },
    "store_busy": {
        "vi": "Đang có người khác nhập dữ liệu, hãy thử lại sau ít phút; chưa có gì được lưu.",
        "en": "Someone else is importing data; try again in a few minutes. Nothing was stored.",
    },
    "preview_stale": {
        "vi": (
            "Số liệu năm {year} đã thay đổi kể từ khi xem trước (phiên bản đang dùng lúc xem trước: {seen}, "
            "bây giờ: {current}), có thể do người khác vừa nhập hoặc quay lại phiên bản cũ. Chưa có gì được "
            "lưu; hãy xem trước lại với số liệu hiện tại rồi mới xác nhận."
        ),
        "en": (
            "The data of {year} changed since the preview (version in force at the preview: {seen}, now: "
            "{current}), perhaps someone else has just imported or rolled back. Nothing was stored; preview "
            "again against the data now in force, then confirm."
        ),
    },
    "importer_required": {
        "vi": "Hãy ghi tên người nhập dữ liệu.",
        "en": "Give the name of the person importing the data.",
    },
    "actor_required": {
        "vi": "Hãy ghi tên người thực hiện.",
        "en": "Give the name of the person acting.",
    },
    "sample_over_real_data": {
        "vi": "Chưa khôi phục số liệu mẫu: các năm {years} đang dùng số liệu thật, số liệu thật không bao giờ "
        "bị thay thế hay dùng lẫn với số liệu mẫu. Muốn dùng lại số liệu mẫu, trước hết đưa các năm đó về "
        '"không có số liệu" (quay lại phiên bản); chưa có gì thay đổi.',
        "en": "The sample data was not restored: years {years} use real data, which is never replaced by "
        'nor mixed with sample data. To use the sample again, first roll those years back to "no data"; '
        "nothing was changed.",
    },
    "login_required": {
        "vi": "Cần đăng nhập bằng một tài khoản được phép để {action}; chưa có gì thay đổi.",
        "en": "Log in with an account allowed to {action}; nothing was changed.",
    },
    "forbidden": {
        "vi": "Vai trò {role} không được phép {action}; chưa có gì thay đổi.",
        "en": "The {role} role may not {action}; nothing was changed.",
    },
    "unknown_year": {
        "vi": "Kho dữ liệu chưa có số liệu năm {year}; các năm có: {years}.",
        "en": "The store has no data for {year}; years present: {years}.",
    },
    "unknown_version": {
        "vi": "Năm {year} không có phiên bản {version}; các phiên bản có: {versions}.",
        "en": "Year {year} has no version {version}; versions present: {versions}.",
    },
    "store_unreachable": {
        "vi": "Không mở được kho dữ liệu ({url}): {detail}",
        "en": "Cannot open the data store ({url}): {detail}",
    },
    # --- task progress workbooks (kpi/workbook/task_reports.py) ---
    "unknown_task": {
        "vi": "Không có nhiệm vụ '{value}' trong Phụ lục Kế hoạch; cần một mã trong: {expected}.",
        "en": "There is no task '{value}' in the plan's appendix; expected one of: {expected}.",
    },
    "bad_quarter": {
        "vi": "Quý '{value}' không hợp lệ; cần 1, 2, 3 hoặc 4, hoặc để trống nếu là báo cáo cả năm.",
        "en": "Quarter '{value}' is not valid; expected 1, 2, 3 or 4, or blank for the whole year.",
    },
    "year_outside_plan": {
        "vi": "Năm {value} nằm ngoài các năm báo cáo được của Kế hoạch; cần một năm từ {low} đến {high}.",
        "en": "Year {value} is outside the plan's reporting years; expected a year from {low} to {high}.",
    },
    "mixed_years": {
        "vi": "Năm {value} khác năm của tệp ({year}); mỗi tệp chỉ báo cáo một năm, hãy tách các năm ra tệp riêng.",
        "en": "Year {value} differs from the workbook's year ({year}); one workbook reports one year, split the years.",
    },
    "metric_not_of_task": {
        "vi": "Nhiệm vụ {task} không có chỉ tiêu số lượng '{value}'; cần một trong: {expected}.",
        "en": "Task {task} has no quantity '{value}'; expected one of: {expected}.",
    },
    "task_has_no_quantity": {
        "vi": "Nhiệm vụ {task} không có chỉ tiêu số lượng nào trong Kế hoạch; để trống cột này.",
        "en": "Task {task} promises no quantity in the plan; leave this cell blank.",
    },
    "quantity_without_metric": {
        "vi": "Có số lượng {quantity} nhưng chưa chọn chỉ tiêu số lượng; nhiệm vụ {task} có: {expected}.",
        "en": "A quantity ({quantity}) is given but no quantity measured; task {task} has: {expected}.",
    },
    "metric_without_quantity": {
        "vi": "Đã chọn chỉ tiêu '{value}' nhưng chưa ghi số lượng đạt được; dòng vẫn được dùng cho tình trạng.",
        "en": "Quantity '{value}' is chosen but no amount is given; the row still counts for the status.",
    },
    "duplicate_task_report": {
        "vi": "Nhiệm vụ {value}, {period}{metric} đã có ở dòng {other_rows}; mỗi nhiệm vụ một dòng cho mỗi kỳ và mỗi chỉ tiêu.",
        "en": "Task {value}, {period}{metric} already appears in row {other_rows}; one row per task, period and quantity.",
    },
    # --- year on year: the workbook against the year before in the store (kpi/stats/year_checks.py) ---
    "yoy_jump": {
        "vi": "Mã HTX '{htx}': năm {prev_year} là {before}, năm {year} là {value} ({change}); hãy kiểm tra lại số liệu và đơn vị.",
        "en": "Cooperative code '{htx}': {before} in {prev_year}, {value} in {year} ({change}); check the figure and its unit.",
    },
    "yoy_rating": {
        "vi": "Mã HTX '{htx}': xếp loại năm {prev_year} là '{before}', năm {year} là '{value}' (đổi {levels} bậc trong một năm); hãy kiểm tra lại.",
        "en": "Cooperative code '{htx}': rated '{before}' in {prev_year}, '{value}' in {year} ({levels} classes in one year); check it.",
    },
    "yoy_vanished": {
        "vi": "Mã HTX '{value}' ({name}, {district}) có trong số liệu năm {prev_year} ({status}) nhưng không có trong tệp năm {year}; nếu HTX đã giải thể, hãy giữ dòng của HTX với Tình trạng '{dissolved}'.",
        "en": "Cooperative code '{value}' ({name}, {district}) is in the data of {prev_year} ({status}) but not in the workbook of {year}; if it was dissolved, keep its row with the status '{dissolved}'.",
    },
    "yoy_total": {
        "vi": "{measure}: năm {prev_year} là {before}, năm {year} là {after} ({change}), thay đổi quá {limit} so với năm trước; lý do của ngưỡng: {reason}.",
        "en": "{measure}: {before} in {prev_year}, {after} in {year} ({change}), a change beyond {limit} from the year before; why this threshold: {reason}.",
    },
    "yoy_coverage": {
        "vi": "Số HTX đang hoạt động có số liệu ở cột này: năm {prev_year} là {had}/{of_before} ({share_before}), năm {year} là {has}/{of_after} ({share_after}), giảm quá {limit} điểm %; lý do của ngưỡng: {reason}.",
        "en": "Operating cooperatives with a figure in this column: {had}/{of_before} ({share_before}) in {prev_year}, {has}/{of_after} ({share_after}) in {year}, a fall beyond {limit} points; why this threshold: {reason}.",
    },
    "truncated": {
        "vi": "… và {count} vấn đề khác (chỉ hiện {shown} vấn đề đầu tiên).",
        "en": "… and {count} more problems (only the first {shown} are shown).",
    },
}

LABELS = {
    "error": {"vi": "Lỗi", "en": "Error"},
    "warning": {"vi": "Cảnh báo", "en": "Warning"},
    "info": {"vi": "Thông tin", "en": "Info"},
    "sheet": {"vi": "Sheet", "en": "Sheet"},
    "row": {"vi": "dòng", "en": "row"},
    "column": {"vi": "cột", "en": "column"},
    "cell": {"vi": "ô", "en": "cell"},
}


@dataclass(frozen=True)
class Problem:
    """One problem of a workbook, located as the user sees it in Excel."""

    severity: Severity
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    params: dict[str, object] = field(default_factory=dict)
    cell: str | None = None  # "H14": the cell in the user's file (its column letter as found there)

    def message(self, lang: str = "vi") -> str:
        """Return the message alone (without the location), in the language asked."""
        template = MESSAGES[self.code].get(lang) or MESSAGES[self.code]["vi"]
        # Templates may name the location too ("Thiếu sheet '{sheet}'"); params may be {vi, en} texts or
        # numbers, shown in the language asked.
        params = {k: _visible(localise(v, lang)) for k, v in self.params.items()}
        located = {"sheet": self.sheet or "", "row": self.row or "", "column": self.column or ""}
        return template.format(**{**located, **params, "value": display_value(self.value, lang)})

    def location(self, lang: str = "vi") -> str:
        """Return "Sheet 'HTX', dòng 7, cột 'Số thành viên'" (parts that are known)."""
        parts = []
        if self.sheet:
            parts.append(f"{LABELS['sheet'][lang]} '{self.sheet}'")
        if self.row is not None:
            parts.append(f"{LABELS['row'][lang]} {self.row}")
        if self.column:
            parts.append(f"{LABELS['column'][lang]} '{self.column}'")
        if self.cell:
            parts.append(f"{LABELS['cell'][lang]} {self.cell}")
        return ", ".join(parts)

    def line(self, lang: str = "vi") -> str:
        """Return the one-line form printed by `check`: severity, location, message."""
        where = self.location(lang)
        head = LABELS[self.severity.value][lang]
        return f"{head}: {where}: {self.message(lang)}" if where else f"{head}: {self.message(lang)}"

    def record(self, lang: str = "vi") -> dict[str, object]:
        """Return the problem as a flat record (for tables and downloads)."""
        return {
            "severity": self.severity.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": display_value(self.value, lang) if self.value is not None else None,
            "message": self.message(lang),
        }


def display_value(value: object, lang: str = "vi") -> str:
    """Return a cell value as the user typed it, numbers in the language's format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    # Huge, infinite or NaN: beyond grouping and rounding (Decimal.quantize would raise).
    if isinstance(value, float) and not abs(value) < 1e15:
        return f"{value:g}"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return format_number(value, 0, lang)
        return (
            format_number(value, 3, lang).rstrip("0").rstrip(",.") if isinstance(value, float) else str(value)
        )
    return one_line(str(value))


_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
MAX_SHOWN_CHARS = 120
# Characters never shown as they are: control characters (an ESC sequence would drive the terminal) and the
# bidi embeddings, overrides and isolates (they make the rest of a line read backwards).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Return `text` fit for a one-line message: line breaks as spaces, control and bidi characters as
    <U+XXXX>, cut after MAX_SHOWN_CHARS with "…"."""
    text = _visible(_LINE_BREAKS.sub(" ", text))
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _visible(text: object) -> object:
    """Return a text with its control and bidi characters written as <U+XXXX>; anything else unchanged."""
    if not isinstance(text, str):
        return text
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def localise(param: object, lang: str = "vi") -> object:
    """Return a message parameter in `lang`: a {vi, en} text picks its language, a number is formatted."""
    if isinstance(param, dict) and "vi" in param:
        return param.get(lang) or param["vi"]
    if isinstance(param, int | float) and not isinstance(param, bool):
        return display_value(param, lang)
    return param


def error(code: str, **kw: object) -> Problem:
    """Return an error problem."""
    return Problem(Severity.ERROR, code, **_split(kw))


def warning(code: str, **kw: object) -> Problem:
    """Return a warning problem."""
    return Problem(Severity.WARNING, code, **_split(kw))


def info(code: str, **kw: object) -> Problem:
    """Return an information line (an automatic correction, shown apart)."""
    return Problem(Severity.INFO, code, **_split(kw))


def _split(kw: dict[str, object]) -> dict[str, object]:
    located = {k: kw.pop(k) for k in ("sheet", "row", "column", "value", "cell") if k in kw}
    return {**located, "params": kw}


def with_cells(problems: list[Problem], letters: dict[tuple[str, str], str]) -> list[Problem]:
    """Return the problems with their Excel cell ("H14") where the sheet, row and column are known.

    `letters` maps (sheet name in the file, column header) to the letter of that column in the user's file.
    """
    out = []
    for p in problems:
        letter = (
            letters.get((p.sheet or "", p.column or "")) if p.row is not None and p.cell is None else None
        )
        out.append(replace(p, cell=f"{letter}{p.row}") if letter else p)
    return out


def summarise(problems: list[Problem], limit: int, lang: str = "vi") -> list[str]:
    """Return the lines to print: the first `limit` problems, then one line with the count of the rest."""
    lines = [p.line(lang) for p in problems[:limit]]
    if len(problems) > limit:
        rest = Problem(Severity.ERROR, "truncated", params={"count": len(problems) - limit, "shown": limit})
        lines.append(rest.message(lang))
    return lines
