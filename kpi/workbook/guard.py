"""Inspecting an untrusted workbook before any parser allocates memory for it.

An .xlsx (or .xlsm) is a zip of XML parts. Its central directory tells the number of parts and their sizes
without inflating anything: too many parts, too much once inflated, or a part inflating more than any
spreadsheet does (a "zip bomb") is refused there. Then only the sheets the contract reads are streamed, in
chunks and with bounded memory: the declared dimension (`<dimension ref>`) and the cells actually present
are checked against the row and column limits, and the cells holding an Excel error value (`t="e"`, which
the parser turns into blanks) are noted so that the reader can report them. Sheets the contract does not
read are never inflated. A legacy .xls (an OLE file) is bounded by its size; its records are walked only to
find Excel error cells; the parsing worker (`kpi.workbook.worker`) bounds the rest.

Every refusal is a `GuardRefusal` carrying one located problem code and its parameters, turned into a
message by `kpi.workbook.reader`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from posixpath import join, normpath
from xml.etree import ElementTree

from kpi.common.settings import ReadLimits
from kpi.workbook.contract import Sheet, find_sheets

HEADER_ROWS = 11  # the header may stand below up to 10 title rows (kpi.workbook.reader.HEADER_SEARCH_ROWS)
MB = 1024 * 1024
_CHUNK = 4 * MB
_RATIO_GRACE = MB  # parts smaller than this are never refused for their ratio (tiny XML compresses well)
_META_MAX = 16 * MB  # workbook.xml and its relationships: a few KB in any real file

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Digits become "0" and capitals "A", so that one byte search finds every cell reference of a given shape.
_SHAPE = bytes.maketrans(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0" * 10 + b"A" * 26)
_DIMENSION = re.compile(rb"<dimension\s+ref=\"([A-Za-z]{0,3})(\d{0,7}):?([A-Za-z]{0,3})(\d{0,7})\"")
_CELL_REF = re.compile(rb"<c\s[^>]*?\br=\"([A-Za-z]+)(\d+)\"")
_ERROR_CELL = re.compile(rb"<c\s([^>]*?\bt=\"e\"[^>]*)>(.*?)</c>", re.S)
_R_ATTR = re.compile(rb"\br=\"([A-Z]{1,3})(\d{1,7})\"")
_V_TEXT = re.compile(rb"<v>([^<]{0,40})</v>")


class GuardRefusal(Exception):
    """The workbook is refused before parsing: a problem code, where (sheet), what was found, the limits."""

    def __init__(self, code: str, sheet: str | None = None, value: object = None, **params: object):
        super().__init__(code)
        self.code, self.sheet, self.value, self.params = code, sheet, value, params


@dataclass
class Inspection:
    """What the guard learned of a workbook: its format and the Excel error cells of the sheets read."""

    kind: str  # "xlsx", "xls" (a legacy BIFF8 file), or "other" (anything the parser will judge)
    errors: dict[str, dict[tuple[int, int], str]] = field(
        default_factory=dict
    )  # sheet -> (row, col) -> "#N/A"


def row_limit(limits: ReadLimits) -> int:
    """Return the last Excel row a sheet may use: the data rows allowed below the header and title rows."""
    return limits.max_rows + HEADER_ROWS


def letters(index: int) -> str:
    """Return the Excel letters of a 1-based column number (1 -> A, 28 -> AB)."""
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def column_number(text: bytes | str) -> int:
    """Return the 1-based number of Excel column letters (A -> 1, XFD -> 16384)."""
    number = 0
    for ch in text.upper() if isinstance(text, str) else text.decode("ascii").upper():
        number = number * 26 + ord(ch) - 64
    return number


def inspect(data: bytes, sheets: tuple[Sheet, ...], limits: ReadLimits) -> Inspection:
    """Return what the guard learned of `data`; raise GuardRefusal when a limit is passed."""
    if data.startswith(_OLE_MAGIC):
        return _inspect_xls(data, sheets)
    if not data.startswith(b"PK"):
        return Inspection("other")
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        entries = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return Inspection("other")  # the parser says what is wrong with it
    _check_directory(entries, limits)
    parts = _sheet_parts(book)
    if parts is None:
        return Inspection("other")
    wanted = find_sheets(list(parts), sheets)
    read_parts = {parts[name] for name in wanted.values()}
    unread = set(parts.values()) - read_parts
    inspection = Inspection("xlsx")
    try:
        for entry in entries:  # inflate what the parser will inflate, to learn the real sizes
            if entry.filename in unread or entry.is_dir():
                continue
            name = next((n for n in wanted.values() if parts[n] == entry.filename), None)
            errors = _scan_part(book, entry, name, limits)
            if name is not None and errors:
                inspection.errors[name] = errors
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return Inspection("other")  # a lying or broken part: the parser reports the corrupt zip
    return inspection


def _check_directory(entries: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    if len(entries) > limits.max_zip_entries:
        raise GuardRefusal("zip_entries", found=len(entries), limit=limits.max_zip_entries)
    total = sum(e.file_size for e in entries)
    if total > limits.max_unzipped_mb * MB:
        raise GuardRefusal(
            "unzipped_too_large", size=round(total / MB, 1), limit=float(limits.max_unzipped_mb)
        )
    for e in entries:
        ratio = e.file_size / max(e.compress_size, 1)
        if e.file_size > _RATIO_GRACE and ratio > limits.max_zip_ratio:
            raise GuardRefusal(
                "zip_ratio", part=e.filename[:80], ratio=round(ratio), limit=float(limits.max_zip_ratio)
            )


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str] | None:
    """Return {sheet name: part path} from xl/workbook.xml and its relationships, or None if unusual."""
    try:
        workbook_xml = _small_part(book, "xl/workbook.xml")
        rels_xml = _small_part(book, "xl/_rels/workbook.xml.rels")
        if workbook_xml is None or rels_xml is None:
            return None
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ElementTree.fromstring(rels_xml).iter(f"{_NS_PKG}Relationship")
        }
        parts: dict[str, str] = {}
        for sheet in ElementTree.fromstring(workbook_xml).iter(f"{_NS_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_NS_REL}id"), "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            parts[sheet.get("name", "")] = path
        return parts
    except ElementTree.ParseError:
        return None


def _small_part(book: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _META_MAX:
        raise GuardRefusal(
            "zip_ratio", part=name, ratio=round(info.file_size / max(info.compress_size, 1)), limit=0.0
        )
    return book.read(info)


def _scan_part(
    book: zipfile.ZipFile, entry: zipfile.ZipInfo, sheet: str | None, limits: ReadLimits
) -> dict[tuple[int, int], str]:
    """Inflate one part in chunks (zipfile stops at the declared size and checks the CRC).

    For a sheet that is read, check its declared and real extent and return its Excel error cells.
    """
    errors: dict[tuple[int, int], str] = {}
    max_row, max_col = row_limit(limits), limits.max_columns
    row_digits = len(str(max_row))
    col_letters = len(letters(max_col))
    # Shapes of a cell reference that may pass a limit: a column letter followed by as many row digits as
    # the limit has, or as many column letters as the limit has; anything found is then checked exactly.
    # Numbers in <v> follow ">", never a letter. Row tags are not looked at: a row without cells (Excel
    # writes one for a row whose height was set) allocates nothing.
    suspects = (b"A" + b"0" * row_digits, b'r="' + b"A" * col_letters)
    # Without a suspect, rows stay below 10^(digits-1) and columns within the shorter letters: when that
    # area could pass the cell limit (a lowered setting), every chunk is checked exactly.
    exact = (10 ** (row_digits - 1)) * column_number("Z" * (col_letters - 1) or "A") > limits.max_cells
    extent = [0, 0]  # the last row and column found: exactly in suspect chunks, the last cell of the others
    with book.open(entry) as stream:
        tail = b""
        first = True
        while True:
            chunk = stream.read(_CHUNK)
            if sheet is None:
                if not chunk:
                    break
                continue
            buffer = tail + chunk
            if chunk:  # keep the end from the last tag opening on, so that no cell is cut in two
                cut = max(buffer.rfind(b"<c "), buffer.rfind(b"<row "), buffer.rfind(b"<c>"))
                cut = len(buffer) if cut <= 0 else cut
                buffer, tail = buffer[:cut], buffer[cut:]
            if first:
                _check_dimension(buffer, sheet, limits)
                first = False
            shaped = buffer.translate(_SHAPE)
            if exact or any(shaped.find(s) >= 0 for s in suspects):
                _check_extent(_CELL_REF.finditer(buffer), sheet, max_row, max_col, extent)
            else:
                last = buffer.rfind(b"<c ")
                _check_extent(
                    _CELL_REF.finditer(buffer, last if last >= 0 else len(buffer)),
                    sheet,
                    max_row,
                    max_col,
                    extent,
                )
            if shaped.find(b't="e"') >= 0:
                errors.update(_error_cells(buffer))
            if not chunk:
                break
    if sheet is not None and extent[0] * extent[1] > limits.max_cells:
        raise GuardRefusal(
            "sheet_too_many_cells",
            sheet=sheet,
            value=f"{letters(extent[1])}{extent[0]}",
            rows=extent[0],
            columns=extent[1],
            cells=extent[0] * extent[1],
            limit=limits.max_cells,
        )
    return errors


def _check_dimension(head: bytes, sheet: str, limits: ReadLimits) -> None:
    max_row, max_col = row_limit(limits), limits.max_columns
    found = _DIMENSION.search(head[:4096])
    if not found:
        return
    c1, r1, c2, r2 = found.groups()
    last_col = column_number(c2 or c1) if (c2 or c1) else 0
    last_row = int(r2 or r1 or 0)
    if last_row > max_row or last_col > max_col or last_row * last_col > limits.max_cells:
        ref = b":".join(x for x in (c1 + r1, c2 + r2) if x).decode("ascii", "replace")
        raise GuardRefusal(
            "declared_dimension",
            sheet=sheet,
            value=ref,
            rows=last_row,
            columns=last_col,
            max_rows=max_row,
            max_columns=max_col,
            max_cells=limits.max_cells,
        )


def _check_extent(refs, sheet: str, max_row: int, max_col: int, extent: list[int]) -> None:
    """Refuse the first cell reference beyond the row or column limit; keep the extent seen in `extent`."""
    for match in refs:
        col_text, row_text = match.groups()
        row, col = int(row_text), column_number(col_text)
        ref = (col_text + row_text).decode("ascii", "replace")
        if row > max_row:
            raise GuardRefusal("cell_beyond_rows", sheet=sheet, value=ref, found=row, limit=max_row)
        if col > max_col:
            raise GuardRefusal(
                "cell_beyond_columns",
                sheet=sheet,
                value=ref,
                found=col,
                limit=max_col,
                letters=letters(max_col),
            )
        extent[0], extent[1] = max(extent[0], row), max(extent[1], col)


def _error_cells(buffer: bytes) -> dict[tuple[int, int], str]:
    """Return {(row index, column index) from 0: error text} of the cells typed as an Excel error."""
    out: dict[tuple[int, int], str] = {}
    for attrs, body in _ERROR_CELL.findall(buffer):
        ref = _R_ATTR.search(attrs)
        if ref is None:
            continue
        value = _V_TEXT.search(body)
        text = value.group(1).decode("utf-8", "replace") if value else "#?"
        out[(int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)] = text
    return out


# --- legacy .xls: only its Excel error cells, which calamine also reads as blanks -------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOUNDSHEET, _BOF, _EOF, _BOOLERR, _FORMULA = 0x0085, 0x0809, 0x000A, 0x0205, 0x0006
_ERROR_TEXTS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}


def _inspect_xls(data: bytes, sheets: tuple[Sheet, ...]) -> Inspection:
    """Return the Excel error cells of the sheets read of a BIFF8 .xls, walking its records (bounded by the
    file size); anything unusual is left to the parser, which reports what is wrong."""
    try:
        import olefile

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return Inspection("other")
            stream = ole.openstream(name).read()
        offsets = _xls_sheets(stream)
        wanted = find_sheets(list(offsets), sheets)
        errors = {n: found for n in wanted.values() if (found := _xls_errors(stream, offsets[n]))}
        return Inspection("xls", errors)
    except Exception:  # noqa: BLE001 - a broken or foreign file: the parser says what is wrong with it
        return Inspection("other")


def _records(stream: bytes, start: int):
    """Yield (type, position of the data, length) of the BIFF records from `start` on."""
    pos, end = start, len(stream) - 4
    while pos <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, pos + 4, length
        pos += 4 + length


def _xls_sheets(stream: bytes) -> dict[str, int]:
    """Return {sheet name: offset of its BOF record} from the workbook globals' BOUNDSHEET records."""
    sheets: dict[str, int] = {}
    for kind, at, length in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and length >= 8:
            offset, cch, high = struct.unpack_from("<I", stream, at)[0], stream[at + 6], stream[at + 7] & 1
            raw = stream[at + 8 : at + 8 + cch * (2 if high else 1)]
            sheets[raw.decode("utf-16-le" if high else "latin-1", "replace")] = offset
    return sheets


def _xls_errors(stream: bytes, offset: int) -> dict[tuple[int, int], str]:
    """Return {(row, column) from 0: error text} of one sheet: BOOLERR errors and formulas whose result is one."""
    errors: dict[tuple[int, int], str] = {}
    for kind, at, length in _records(stream, offset):
        if kind == _EOF:
            break
        if kind == _BOOLERR and length >= 8 and stream[at + 7] == 1:
            row, col = struct.unpack_from("<HH", stream, at)
            errors[(row, col)] = _ERROR_TEXTS.get(stream[at + 6], "#?")
        elif (
            kind == _FORMULA
            and length >= 14
            and stream[at + 6] == 2
            and stream[at + 12 : at + 14] == b"\xff\xff"
        ):
            row, col = struct.unpack_from("<HH", stream, at)
            errors[(row, col)] = _ERROR_TEXTS.get(stream[at + 8], "#?")
    return errors


__all__ = ["GuardRefusal", "Inspection", "column_number", "inspect", "letters", "row_limit"]
