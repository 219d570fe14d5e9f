"""Reading workbooks as users make them: find the sheets, the header row below title rows, the columns.

Nothing here judges the values; `kpi.validate` does. What comes out is *raw*: cells as found, with the
Excel row number of each row, under the column ids of `kpi.schema`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from python_calamine import CalamineWorkbook

from kpi import problems as pb
from kpi.schema import INFO, INFO_KEY_HEADER, INFO_VALUE_HEADER, SHEETS, Column, Sheet, header_key
from kpi.text import fold

HEADER_SEARCH_ROWS = 11  # the header may stand below up to 10 title rows
ROW = "_row"  # column holding the Excel row number of each raw row

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_NAME = "EncryptedPackage\0".encode("utf-16-le")
# A total row's label, folded: one of these words alone, or starting with one of the prefixes. Exact words for
# "tổng"/"cộng" so that a cooperative called "Cộng đồng ..." is never taken for a total.
# Columns that report forms carry and the template does not need: no warning (STT = row number, notes).
_IGNORED_HEADERS = frozenset({"stt", "tt", "sott", "sothutu", "ghichu"})
# A column number under the header: 1, (2), 3.0 (a number cell), A, (B).
_NUMBERING = re.compile(r"^\(?(\d{1,2}(\.0)?|[A-Za-z])\)?$")
_TOTAL_WORDS = frozenset({"tong", "cong", "tongso", "total", "toantinh"})
_TOTAL_PREFIXES = ("tongcong", "congtoantinh", "toantinh", "total", "grandtotal")


class WorkbookUnreadable(Exception):
    """The file cannot be read as a workbook at all; carries the problem to show."""

    def __init__(self, problem: pb.Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


@dataclass
class RawWorkbook:
    """Cells as found: one raw frame per table sheet, the info pairs, and the problems of reading."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # sheet id -> raw frame (column ids + _row)
    info: dict[str, tuple[object, int]] = field(default_factory=dict)  # info id -> (value, Excel row)
    sheet_names: dict[str, str] = field(default_factory=dict)  # sheet id -> name as in the file
    problems: list[pb.Problem] = field(default_factory=list)


def read_bytes(source: bytes | str | Path | BinaryIO) -> bytes:
    """Return the file's bytes, whatever the source."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def open_sheets(data: bytes) -> dict[str, pd.DataFrame]:
    """Return every sheet as a header-less frame of cells; raise WorkbookUnreadable if it is no workbook."""
    if not data:
        raise WorkbookUnreadable(pb.error("empty_file"))
    if data.startswith(_OLE_MAGIC) and _is_encrypted_ole(data):
        raise WorkbookUnreadable(pb.error("encrypted"))
    try:
        # python-calamine directly (what pandas.read_excel(engine="calamine") uses underneath), without pandas'
        # per-cell conversion and type inference: every cell stays as found and Excel rows keep their numbers.
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        frames = {}
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            frames[name] = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
        return frames
    except Exception as exc:  # calamine raises several types for foreign or broken files
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        if data.startswith(b"PK") and not zipfile.is_zipfile(io.BytesIO(data)):
            detail = {"vi": "tệp zip bị hỏng", "en": "the zip container is corrupt"}
        elif "detect file format" in str(exc):
            detail = {"vi": "không nhận ra định dạng tệp", "en": "the file format is not recognised"}
        raise WorkbookUnreadable(pb.error("not_excel", detail=detail)) from exc


def _is_encrypted_ole(data: bytes) -> bool:
    # An encrypted .xlsx is an OLE container holding a stream named "EncryptedPackage". Its directory entry is
    # 128 bytes aligned, starts with the UTF-16 name and holds the name's length in bytes at offset 64; text in
    # a cell of an ordinary .xls never lines up like that (a cell "Encryption ..." once made a .xls refused).
    length = len(_ENCRYPTED_NAME).to_bytes(2, "little")
    at = data.find(_ENCRYPTED_NAME)
    while at != -1:
        if at % 128 == 0 and data[at + 64 : at + 66] == length:
            return True
        at = data.find(_ENCRYPTED_NAME, at + 1)
    return False


def read_workbook(source: bytes | str | Path | BinaryIO) -> RawWorkbook:
    """Return the raw content of a statistics workbook; raise WorkbookUnreadable if it is no workbook."""
    data = read_bytes(source)
    frames = open_sheets(data)
    return extract_sheets(frames, SHEETS)


def extract_sheets(frames: dict[str, pd.DataFrame], sheets: tuple[Sheet, ...]) -> RawWorkbook:
    """Return the raw tables of the declared sheets found among `frames`."""
    raw = RawWorkbook()
    by_key = {header_key(name): name for name in frames}
    for sheet in sheets:
        keys = {header_key(n) for n in (sheet.name, sheet.name_en, *sheet.aliases)}
        found = next((name for key, name in by_key.items() if key in keys), None)
        if found is None:
            code = "missing_sheet" if sheet.required else "missing_optional_sheet"
            make = pb.error if sheet.required else pb.warning
            raw.problems.append(
                make(code, sheet=sheet.name, found=", ".join(f"'{n}'" for n in frames) or "—")
            )
            continue
        raw.sheet_names[sheet.id] = found
        if sheet.id == INFO.id:
            raw.info, problems = read_info(frames[found], sheet, found)
        else:
            raw.tables[sheet.id], problems = read_table(frames[found], sheet, found)
        raw.problems.extend(problems)
    return raw


# Units users add in brackets after a header ("Số thành viên (người)", "Doanh thu (tr.đ)"), folded, per declared
# unit. A header with another unit ("Doanh thu (tỷ đồng)") matches no column: its numbers would be misread.
_UNIT_SPELLINGS = {
    "nguoi": ("nguoi", "ng"),
    "trieudong": ("trieudong", "trd", "trdong", "trieu", "trieuvnd"),
    "trieudongnguoinam": ("trieudongnguoinam", "trdnguoinam", "trieudongnguoi", "trdnguoi", "trieudongnam"),
    "sanpham": ("sanpham", "sp"),
    "tht": ("tht", "to"),
}


def _column_lookup(sheet: Sheet) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for col in sheet.columns:
        for key in col.match_keys():
            lookup.setdefault(key, col)
    for col in sheet.columns:  # after every plain spelling, so that a unit never shadows another column
        unit = header_key(col.unit)
        for key in col.match_keys():
            for spelling in _UNIT_SPELLINGS.get(unit, (unit,) if unit else ()):
                lookup.setdefault(key + spelling, col)
    return lookup


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def find_header(cells: pd.DataFrame, sheet: Sheet) -> tuple[int, dict[int, Column]] | None:
    """Return (row position, {column position: Column}) of the header row, or None when none is found."""
    lookup = _column_lookup(sheet)
    best: tuple[int, dict[int, Column]] | None = None
    for pos in range(min(HEADER_SEARCH_ROWS, len(cells))):
        row = cells.iloc[pos]
        matched = {
            i: lookup[k] for i, v in enumerate(row) if isinstance(v, str) and (k := header_key(v)) in lookup
        }
        if len(matched) >= 2 and (best is None or len(matched) > len(best[1])):
            best = (pos, matched)
    return best


def read_table(cells: pd.DataFrame, sheet: Sheet, sheet_name: str) -> tuple[pd.DataFrame, list[pb.Problem]]:
    """Return the raw rows of a table sheet under column ids, with their Excel row numbers, and problems."""
    problems: list[pb.Problem] = []
    empty = pd.DataFrame(columns=[*sheet.ids, ROW])
    header = find_header(cells, sheet)
    if header is None:
        expected = ", ".join(f"'{c.header}'" for c in sheet.columns if c.required)
        problems.append(pb.error("no_header", sheet=sheet_name, expected=expected))
        return empty, problems
    header_pos, matched = header
    header_row = header_pos + 1
    seen: dict[str, list[int]] = {}
    for pos, col in matched.items():
        seen.setdefault(col.id, []).append(pos)
    for col_id, positions in seen.items():
        if len(positions) > 1:
            col = sheet.column(col_id)
            letters = ", ".join(_letters(p) for p in positions)
            problems.append(
                pb.error(
                    "duplicate_column", sheet=sheet_name, row=header_row, column=col.header, letters=letters
                )
            )
    for i, v in enumerate(cells.iloc[header_pos]):
        if i not in matched and isinstance(v, str) and v.strip() and header_key(v) not in _IGNORED_HEADERS:
            problems.append(pb.warning("unknown_column", sheet=sheet_name, row=header_row, value=v.strip()))
    for col in sheet.columns:
        if col.required and col.id not in seen:
            problems.append(pb.error("missing_column", sheet=sheet_name, row=header_row, column=col.header))

    # One pass over the rows in plain Python: for the small and medium sheets users send this is several
    # times faster than column-wise pandas operations, and it keeps every cell exactly as found.
    positions = [seen[c.id][0] if c.id in seen else None for c in sheet.columns]
    total_check = _total_row_check(sheet)
    records: list[list[object]] = []
    skipped: list[tuple[int, str]] = []
    numbering: tuple[int, str] | None = None
    body = cells.iloc[header_pos + 1 :].to_numpy(dtype=object)
    columns = [_blank_to_none(body[:, p]) if p is not None else [None] * len(body) for p in positions]
    for offset, values in enumerate(map(list, zip(*columns, strict=True))):
        if values.count(None) == len(values):
            continue
        line = body[offset]
        row_number = header_row + 1 + offset
        if not records and not skipped and numbering is None and _is_numbering_row(values):
            shown = [str(v).strip() for v in values if v is not None]
            numbering = (row_number, ", ".join(shown[:5]) + (", …" if len(shown) > 5 else ""))
            continue
        label = total_check(values, line)
        if label is not None:
            skipped.append((row_number, label))
            continue
        records.append([*values, row_number])
    raw = pd.DataFrame(records, columns=[*sheet.ids, ROW], dtype=object)
    raw[ROW] = raw[ROW].astype("int64")
    if numbering is not None:
        problems.append(
            pb.warning("numbering_row_skipped", sheet=sheet_name, row=numbering[0], value=numbering[1])
        )
    problems.extend(pb.warning("total_row_skipped", sheet=sheet_name, row=r, value=v) for r, v in skipped)
    if raw.empty and not any(p.severity == pb.Severity.ERROR for p in problems):
        make = pb.error if sheet.required else pb.warning
        problems.append(make("no_rows", sheet=sheet_name, row=header_row + 1))
    return raw, problems


def _total_row_check(sheet: Sheet):
    """Return a function of a row's values giving its label when it is a total row, else None."""
    # Report forms often end with a "Tổng cộng" row: it has a label in a text column and no identifier.
    key = next((i for i, c in enumerate(sheet.columns) if c.unique), 0)
    key_is_label = sheet.columns[key].kind.value == "district"
    text = [i for i, c in enumerate(sheet.columns) if c.kind.value in ("text", "code", "district")]

    def check(values: list[object], line) -> str | None:
        # A row with an identifier that is no total label is a cooperative: decided without reading its texts.
        if not key_is_label and values[key] is not None and not _is_total_label(values[key]):
            return None
        # The label stands in a text column, or in a column outside the template (STT, merged with the name).
        in_columns = next((values[i] for i in text if values[i] is not None), None)
        in_line = next((v for v in line if isinstance(v, str) and v.strip()), None)
        label = next((x for x in (in_columns, in_line) if _is_total_label(x)), None)
        if label is None:
            return None
        if not key_is_label and values[key] is not None and not _is_total_label(values[key]):
            return None
        return str(label)

    return check


def _is_numbering_row(values: list[object]) -> bool:
    """Return True for the row of column numbers that report forms put under the header: (1) (2) (3) or A B 1."""
    filled = [v for v in values if v is not None]
    return len(filled) >= 3 and all(_NUMBERING.match(str(v).strip()) for v in filled)


_TOTAL_INITIALS = frozenset("tTcCgG")  # every total word starts with one of these (tổng, cộng, total, grand)


def _is_total_label(value: object) -> bool:
    if value.__class__ is not str:
        return False
    head = value.lstrip()[:1]
    if head not in _TOTAL_INITIALS:  # fold only the texts that can be a total label
        return False
    key = fold(value)
    return key in _TOTAL_WORDS or key.startswith(_TOTAL_PREFIXES)


def read_info(
    cells: pd.DataFrame, sheet: Sheet, sheet_name: str
) -> tuple[dict[str, tuple[object, int]], list[pb.Problem]]:
    """Return {info id: (value, Excel row)} from the two-column sheet `Thông tin`, and problems."""
    lookup = _column_lookup(sheet)
    info: dict[str, tuple[object, int]] = {}
    for pos in range(len(cells)):
        row = cells.iloc[pos]
        for i, v in enumerate(row):
            if isinstance(v, str) and (col := lookup.get(header_key(v))) is not None and col.id not in info:
                rest = [x for x in row.iloc[i + 1 :] if not _blank(x)]
                info[col.id] = (rest[0] if rest else None, pos + 1)
                break
    problems = [
        pb.error("missing_info", sheet=sheet_name, column=col.header)
        for col in sheet.columns
        if col.required and col.id not in info
    ]
    return info, problems


def _blank_to_none(column) -> list[object]:
    """Return the cells of a column with every empty one (None, "", NaN, NaT, only spaces) as None."""
    # `v != v` is True only for NaN and NaT; one comprehension without calls keeps 30.000 rows fast.
    return [
        None if (v is None or v != v or v == "" or (v.__class__ is str and v.isspace())) else v
        for v in column.tolist()
    ]


def _blank(v: object) -> bool:
    """Return True for an empty cell: nothing, NaN/NaT, or only spaces."""
    return (
        v is None
        or v is pd.NaT
        or (isinstance(v, float) and v != v)
        or (isinstance(v, str) and not v.strip())
    )


__all__ = [
    "HEADER_SEARCH_ROWS",
    "INFO_KEY_HEADER",
    "INFO_VALUE_HEADER",
    "ROW",
    "RawWorkbook",
    "WorkbookUnreadable",
    "extract_sheets",
    "find_header",
    "open_sheets",
    "read_bytes",
    "read_table",
    "read_workbook",
]
