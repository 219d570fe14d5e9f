"""Reading workbooks as users make them: find the sheets, the header row below title rows, the columns.

Nothing here judges the values; `kpi.workbook.validate` does. What comes out is *raw*: cells as found, with the
Excel row number of each row, under the column ids of `kpi.workbook.contract`.
"""

from __future__ import annotations

import gc
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from kpi.common import problems as pb
from kpi.common.i18n import texts
from kpi.common.safe_text import fold
from kpi.common.settings import ReadLimits, read_limits
from kpi.workbook import guard
from kpi.workbook import worker as parse_worker
from kpi.workbook.contract import (
    INFO,
    INFO_KEY_HEADER,
    INFO_VALUE_HEADER,
    SHEETS,
    Column,
    Sheet,
    find_sheets,
    header_key,
)

HEADER_SEARCH_ROWS = guard.HEADER_ROWS  # the header may stand below up to 10 title rows
ROW = "_row"  # column holding the Excel row number of each raw row
MAX_TEXT_CHARS = 32_767  # Excel's own limit; the setting KPI_MAX_TEXT_CHARS may lower it

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
    # (sheet name as in the file, column header) -> letter of that column in the file (of the value cell of a
    # row of `Thông tin`): what `problems.with_cells` needs to name the cell of a located problem.
    letters: dict[tuple[str, str], str] = field(default_factory=dict)


def read_bytes(source: bytes | str | Path | BinaryIO) -> bytes:
    """Return the file's bytes, whatever the source."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def open_sheets(
    data: bytes, sheets: tuple[Sheet, ...] | None = None, limits: ReadLimits | None = None
) -> tuple[list[str], dict[str, list[list[object]]]]:
    """Return (every sheet name, {name: rows of cells} of the declared `sheets` found; every sheet if None).

    The file is first inspected by `kpi.workbook.guard` (zip sizes, ratio, the extent of each sheet read), then parsed
    in a worker process with a memory cap and a time limit (`kpi.workbook.worker`). Cells holding an Excel error
    value come back as `BadCell`. Raise WorkbookUnreadable when it is no workbook or passes a limit.
    """
    limits = limits or read_limits()
    if not data:
        raise WorkbookUnreadable(pb.error("empty_file"))
    if data.startswith(_OLE_MAGIC) and _is_encrypted_ole(data):
        raise WorkbookUnreadable(pb.error("encrypted"))
    try:
        inspection = guard.inspect(data, sheets or (), limits) if sheets is not None else None
        names, rows = parse_worker.parse_sheets(data, sheets, limits, guard.row_limit(limits))
    except (guard.GuardRefusal, parse_worker.WorkerFailure) as exc:
        if exc.code == "parse_error":
            raise WorkbookUnreadable(_not_excel(data, str(exc.params.get("detail", "")))) from exc
        # Counts and limits as floats: messages group their thousands (1.048.576).
        params = {k: float(v) if type(v) is int else v for k, v in exc.params.items()}
        raise WorkbookUnreadable(pb.error(exc.code, sheet=exc.sheet, value=exc.value, **params)) from exc
    if inspection is not None:
        for name, errors in inspection.errors.items():
            grid = rows.get(name, [])
            for (r, c), text in errors.items():
                if r < len(grid) and c < len(grid[r]):
                    grid[r][c] = BadCell("excel_error", text)
    return names, rows


def _not_excel(data: bytes, detail: str) -> pb.Problem:
    shown: object = detail
    if data.startswith(b"PK") and not zipfile.is_zipfile(io.BytesIO(data)):
        shown = texts("workbook.not_excel.zip")
    elif "detect file format" in detail:
        shown = texts("workbook.not_excel.format")
    return pb.error("not_excel", detail=shown)


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


def read_workbook(source: bytes | str | Path | BinaryIO, limits: ReadLimits | None = None) -> RawWorkbook:
    """Return the raw content of a statistics workbook; raise WorkbookUnreadable if it is no workbook."""
    return read_sheets(read_bytes(source), SHEETS, limits)


def read_sheets(data: bytes, sheets: tuple[Sheet, ...], limits: ReadLimits | None = None) -> RawWorkbook:
    """Return the raw tables of the declared `sheets` of a workbook, within `limits` (default: the settings).

    Raise WorkbookUnreadable if it is no workbook or passes a limit checked before parsing.
    """
    limits = limits or read_limits()
    with _collection_paused():
        names, grids = open_sheets(data, sheets, limits)
        return extract_sheets(names, grids, sheets, limits.max_text_chars)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while cells are made by the hundred thousand.

    Reading back the rows of a 30.000-HTX sheet creates about 600.000 objects, none of them garbage yet:
    each collection the allocations set off walks them all again, for about a sixth of the reading time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def extract_sheets(
    names: list[str],
    grids: dict[str, list[list[object]]],
    sheets: tuple[Sheet, ...],
    max_text_chars: int = MAX_TEXT_CHARS,
) -> RawWorkbook:
    """Return the raw tables of the declared sheets found among the sheet `names` (cells in `grids`)."""
    raw = RawWorkbook()
    found = find_sheets(names, sheets)
    for sheet in sheets:
        name = found.get(sheet.id)
        if name is None:
            code = "missing_sheet" if sheet.required else "missing_optional_sheet"
            make = pb.error if sheet.required else pb.warning
            raw.problems.append(make(code, sheet=sheet.name, found=", ".join(f"'{n}'" for n in names) or "—"))
            continue
        raw.sheet_names[sheet.id] = name
        letters: dict[str, str] = {}
        if sheet.id == INFO.id:
            raw.info, problems = read_info(grids[name], sheet, name, max_text_chars, letters)
        else:
            raw.tables[sheet.id], problems = read_table(grids[name], sheet, name, max_text_chars, letters)
        raw.problems.extend(problems)
        raw.letters.update({(name, header): letter for header, letter in letters.items()})
    return raw


def read_file_within_limits(
    path: Path, read: Callable[[bytes, ReadLimits], RawWorkbook], limits: ReadLimits | None = None
) -> RawWorkbook | list[pb.Problem]:
    """Return `read_within_limits` of a file, refusing a file above the size limit before loading it."""
    limits = limits or read_limits()
    too_large = size_problem(path.stat().st_size, limits)
    if too_large is not None:
        return [too_large]
    return read_within_limits(path.read_bytes(), read, limits)


def size_problem(size: int, limits: ReadLimits) -> pb.Problem | None:
    """Return the `too_large` error when a file of `size` bytes is above the limit, else None."""
    size_mb = size / (1024 * 1024)
    if size_mb <= limits.max_file_mb:
        return None
    shown = round(size_mb, 1) if size_mb >= 0.1 else size_mb  # numbers are shown in the language asked
    return pb.error("too_large", size=shown, limit=float(limits.max_file_mb))


def read_within_limits(
    data: bytes,
    read: Callable[[bytes, ReadLimits], RawWorkbook],
    limits: ReadLimits,
) -> RawWorkbook | list[pb.Problem]:
    """Return the raw workbook read by `read`, or the problems of a file or sheet above the limits.

    The one place where the size of a file and the data rows of its sheets are held to the limits, for the
    command line, the store and the web page alike. Raise WorkbookUnreadable when it is no workbook or when
    the guard refuses it before parsing.
    """
    too_large = size_problem(len(data), limits)
    if too_large is not None:
        return [too_large]
    raw = read(data, limits)
    too_many = [
        pb.error(
            "too_many_rows",
            sheet=raw.sheet_names.get(sheet_id, sheet_id),
            rows=float(len(frame)),  # floats are shown with grouped thousands
            limit=float(limits.max_rows),
        )
        for sheet_id, frame in raw.tables.items()
        if len(frame) > limits.max_rows
    ]
    return too_many or raw


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


def find_header(cells: list[list[object]], sheet: Sheet) -> tuple[int, dict[int, Column]] | None:
    """Return (row position, {column position: Column}) of the header row, or None when none is found."""
    lookup = _column_lookup(sheet)
    best: tuple[int, dict[int, Column]] | None = None
    for pos in range(min(HEADER_SEARCH_ROWS, len(cells))):
        row = cells[pos]
        matched = {
            i: lookup[k] for i, v in enumerate(row) if isinstance(v, str) and (k := header_key(v)) in lookup
        }
        if len(matched) >= 2 and (best is None or len(matched) > len(best[1])):
            best = (pos, matched)
    return best


def read_table(
    cells: list[list[object]],
    sheet: Sheet,
    sheet_name: str,
    max_text_chars: int = MAX_TEXT_CHARS,
    letters: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[pb.Problem]]:
    """Return the raw rows of a table sheet under column ids, with their Excel row numbers, and problems.

    `letters`, when given, receives {column header: letter of the column where its header was found}.

    Cells that cannot be trusted (an Excel error value, a number that is not finite, text with control or
    bidi-override characters or longer than `max_text_chars`) are reported here, where their place is
    known, and stay in the frame as `BadCell` so that validation takes them for unreadable.
    """
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
    if letters is not None:
        letters.update({sheet.column(c).header: guard.letters(p[0] + 1) for c, p in seen.items()})
    for col_id, positions in seen.items():
        if len(positions) > 1:
            col = sheet.column(col_id)
            letters = ", ".join(guard.letters(p + 1) for p in positions)
            problems.append(
                pb.error(
                    "duplicate_column", sheet=sheet_name, row=header_row, column=col.header, letters=letters
                )
            )
    for i, v in enumerate(cells[header_pos]):
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
    body = cells[header_pos + 1 :]
    by_position = list(zip(*body, strict=True)) if body else []
    columns = []
    for col, p in zip(sheet.columns, positions, strict=True):
        if p is None:
            columns.append([None] * len(body))
            continue
        values = list(by_position[p]) if body else []
        for offset in refuse_cells(values, max_text_chars):
            bad = values[offset]
            problems.append(
                pb.error(
                    bad.code,
                    sheet=sheet_name,
                    row=header_row + 1 + offset,
                    column=col.header,
                    value=bad.shown,
                    **bad.params,
                )
            )
        columns.append(_blank_to_none(values))
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
    cells: list[list[object]],
    sheet: Sheet,
    sheet_name: str,
    max_text_chars: int = MAX_TEXT_CHARS,
    letters: dict[str, str] | None = None,
) -> tuple[dict[str, tuple[object, int]], list[pb.Problem]]:
    """Return {info id: (value, Excel row)} from the two-column sheet `Thông tin`, and problems.

    A value that cannot be trusted is reported and read as blank. `letters`, when given, receives
    {row label (column header): letter of its value cell (the cell right of the label when blank)}.
    """
    lookup = _column_lookup(sheet)
    info: dict[str, tuple[object, int]] = {}
    problems: list[pb.Problem] = []
    for pos, row in enumerate(cells):
        for i, v in enumerate(row):
            if isinstance(v, str) and (col := lookup.get(header_key(v))) is not None and col.id not in info:
                at = next((j for j in range(i + 1, len(row)) if not _blank(row[j])), i + 1)
                head = [row[at]] if at < len(row) and not _blank(row[at]) else []
                value = head[0] if head else None
                if letters is not None:
                    letters[col.header] = guard.letters(at + 1)
                if value is not None and refuse_cells(head, max_text_chars):
                    bad = head[0]
                    problems.append(
                        pb.error(
                            bad.code,
                            sheet=sheet_name,
                            row=pos + 1,
                            column=col.header,
                            value=bad.shown,
                            **bad.params,
                        )
                    )
                    value = None
                info[col.id] = (value, pos + 1)
                break
    problems += [
        pb.error("missing_info", sheet=sheet_name, column=col.header)
        for col in sheet.columns
        if col.required and col.id not in info
    ]
    return info, problems


def _blank_to_none(column: list[object]) -> list[object]:
    """Return the cells of a column with every empty one (None, "", only spaces) as None."""
    # A NaN was refused before (refuse_cells); one comprehension without calls keeps 30.000 rows fast.
    return [None if (v is None or v == "" or (v.__class__ is str and v.isspace())) else v for v in column]


@dataclass(eq=False)
class BadCell:
    """A cell refused while reading: the problem's code, the value to show, the problem's parameters."""

    code: str
    shown: object
    params: dict[str, object] = field(default_factory=dict)


# C0 controls but tab and line breaks, DEL, C1 controls, and the bidi embeddings, overrides and isolates that
# can make a text read backwards (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def refuse_cells(values: list[object], max_text_chars: int) -> list[int]:
    """Replace every untrustworthy cell of `values` by a BadCell; return their positions.

    Untrustworthy: a BadCell already (an Excel error), a number that is not finite (inf, -inf, NaN), a text
    with a control or bidi-override character, or longer than `max_text_chars`. Clean columns, the usual
    case, are recognised with a few passes in C over the whole column.
    """
    kinds = set(map(type, values))
    suspect = BadCell in kinds
    if float in kinds:
        floats = list(filter(float.__instancecheck__, values))
        try:
            suspect = suspect or not math.isfinite(math.fsum(floats))
        except OverflowError:
            suspect = True
    if str in kinds:
        texts = list(filter(str.__instancecheck__, values))
        joined = " ".join(texts)
        # isprintable() is False for every control and bidi character (and for line breaks and no-break
        # spaces, which are allowed): a quick test in C first, the exact pattern only when it fails.
        unsafe = not joined.isprintable() and _UNSAFE.search(joined) is not None
        suspect = suspect or unsafe or max(map(len, texts)) > max_text_chars
    if not suspect:
        return []
    positions = []
    for i, v in enumerate(values):
        if v.__class__ is float and not math.isfinite(v):
            values[i] = BadCell("not_finite", v)
        elif v.__class__ is str:
            if len(v) > max_text_chars:
                values[i] = BadCell(
                    "text_too_long", v, {"length": float(len(v)), "limit": float(max_text_chars)}
                )
            elif (found := _UNSAFE.search(v)) is not None:
                code = f"U+{ord(found.group()):04X}"
                values[i] = BadCell("unsafe_character", v, {"char": code, "position": found.start() + 1})
        if values[i].__class__ is BadCell:
            positions.append(i)
    return positions


def _blank(v: object) -> bool:
    """Return True for an empty cell: nothing or only spaces (a NaN is a value, refused by refuse_cells)."""
    return v is None or (isinstance(v, str) and not v.strip())


__all__ = [
    "HEADER_SEARCH_ROWS",
    "INFO_KEY_HEADER",
    "INFO_VALUE_HEADER",
    "ROW",
    "BadCell",
    "RawWorkbook",
    "WorkbookUnreadable",
    "extract_sheets",
    "find_header",
    "open_sheets",
    "read_bytes",
    "read_file_within_limits",
    "read_sheets",
    "read_table",
    "read_within_limits",
    "read_workbook",
    "refuse_cells",
    "size_problem",
]
