"""Problems found in a workbook: where (sheet, Excel row, column), what was found, what was expected."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kpi.formatting import format_number


class Severity(StrEnum):
    """Errors stop an import; warnings are shown and the workbook can still be used."""

    ERROR = "error"
    WARNING = "warning"


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
        "vi": "Huyện/thành phố '{value}' không có trong danh sách 8 huyện, thành phố của tỉnh: {expected}.",
        "en": "District '{value}' is not one of the province's 8 districts: {expected}.",
    },
    "unknown_commune": {
        "vi": "Xã/phường/thị trấn '{value}' không có trong danh sách của {district}; số liệu vẫn được dùng nhưng hãy kiểm tra lại tên.",
        "en": "Commune '{value}' is not in the list of {district}; the row is used, but check the name.",
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
    "truncated": {
        "vi": "… và {count} vấn đề khác (chỉ hiện {shown} vấn đề đầu tiên).",
        "en": "… and {count} more problems (only the first {shown} are shown).",
    },
}

LABELS = {
    "error": {"vi": "Lỗi", "en": "Error"},
    "warning": {"vi": "Cảnh báo", "en": "Warning"},
    "sheet": {"vi": "Sheet", "en": "Sheet"},
    "row": {"vi": "dòng", "en": "row"},
    "column": {"vi": "cột", "en": "column"},
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

    def message(self, lang: str = "vi") -> str:
        """Return the message alone (without the location), in the language asked."""
        template = MESSAGES[self.code].get(lang) or MESSAGES[self.code]["vi"]
        return template.format(value=display_value(self.value, lang), **self.params)

    def location(self, lang: str = "vi") -> str:
        """Return "Sheet 'HTX', dòng 7, cột 'Số thành viên'" (parts that are known)."""
        parts = []
        if self.sheet:
            parts.append(f"{LABELS['sheet'][lang]} '{self.sheet}'")
        if self.row is not None:
            parts.append(f"{LABELS['row'][lang]} {self.row}")
        if self.column:
            parts.append(f"{LABELS['column'][lang]} '{self.column}'")
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
            "value": display_value(self.value, lang) if self.value is not None else None,
            "message": self.message(lang),
        }


def display_value(value: object, lang: str = "vi") -> str:
    """Return a cell value as the user typed it, numbers in the language's format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return format_number(value, 0, lang)
        return (
            format_number(value, 3, lang).rstrip("0").rstrip(",.") if isinstance(value, float) else str(value)
        )
    return str(value)


def error(code: str, **kw: object) -> Problem:
    """Return an error problem."""
    return Problem(Severity.ERROR, code, **_split(kw))


def warning(code: str, **kw: object) -> Problem:
    """Return a warning problem."""
    return Problem(Severity.WARNING, code, **_split(kw))


def _split(kw: dict[str, object]) -> dict[str, object]:
    located = {k: kw.pop(k) for k in ("sheet", "row", "column", "value") if k in kw}
    return {**located, "params": kw}


def summarise(problems: list[Problem], limit: int, lang: str = "vi") -> list[str]:
    """Return the lines to print: the first `limit` problems, then one line with the count of the rest."""
    lines = [p.line(lang) for p in problems[:limit]]
    if len(problems) > limit:
        rest = Problem(Severity.ERROR, "truncated", params={"count": len(problems) - limit, "shown": limit})
        lines.append(rest.message(lang))
    return lines
