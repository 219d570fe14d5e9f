"""The corpus of hostile workbooks: files a careless tool or an attacker could send, written with zipfile.

Each file is the smallest .xlsx that carries its fault: the sheets' XML is written by hand, so that a cell
can sit at XFD1048576, hold an Excel error value (`t="e"`), a number no Excel user can type (INF, NaN,
1e400), a control or bidi character (`_x001B_` is how OOXML writes ESC), or a part can inflate a thousand
times. Nothing is committed: the tests build the files into a temporary folder, each in a few milliseconds
and a few KB (the file of a million rows is the largest, about 2 MB).

The base statistics workbook: sheet "Thông tin" with "Năm báo cáo" = 2022 on row 2; sheet "HTX" with its
header on row 1 and one valid cooperative on row 2; sheet "THT" with one district on row 2. The base
progress workbook: sheet "Báo cáo nhiệm vụ" with its header on row 1 and one report on row 2. To look at
the files, write them to a folder:

    .venv/bin/python tests/corpus/hostile.py /tmp/hostile
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

if __package__ in (None, ""):  # run as a script: make `tests` and `kpi` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kpi.workbook.contract import COOP, GROUP
from kpi.workbook.guard import letters
from kpi.workbook.task_contract import REPORT
from tests.builders import coop, group, info_rows, table_rows, xls_bytes


@dataclass(frozen=True)
class Raw:
    """A cell written as it stands in the sheet XML: `<c t="{kind}"><v>{text}</v></c>` (kind "" for none)."""

    text: str
    kind: str = ""


def error(text: str) -> Raw:
    """Return a cell holding the Excel error value `text` ("#DIV/0!")."""
    return Raw(text, "e")


def number(text: str) -> Raw:
    """Return a number cell written as `text` ("INF", "NaN", "1e400"), as a hostile tool can write it."""
    return Raw(text)


def _cell(ref: str, value: object) -> str:
    if isinstance(value, Raw):
        kind = f' t="{value.kind}"' if value.kind else ""
        return f'<c r="{ref}"{kind}><v>{value.text}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    # Characters XML cannot hold are written the OOXML way: _xHHHH_.
    text = "".join(ch if ch in "\t\n\r" or ord(ch) >= 32 else f"_x{ord(ch):04X}_" for ch in str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def sheet_xml(grid: list[list[object]], extra: str = "", dimension: str | None = None) -> str:
    """Return a worksheet's XML holding `grid` from A1, then the raw `extra` rows (e.g. a far cell)."""
    rows = []
    for r, line in enumerate(grid, start=1):
        cells = "".join(_cell(f"{letters(c)}{r}", v) for c, v in enumerate(line, start=1) if v is not None)
        rows.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{dim}<sheetData>{''.join(rows)}{extra}</sheetData>"


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def xlsx(sheets: dict[str, str], extra_parts: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """Return an .xlsx holding each sheet's XML body (see sheet_xml) under its name, in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        n = len(sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        listed = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_NS_R}><sheets>{listed}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">{rels}</Relationships>',
        )
        for i, body in enumerate(sheets.values(), 1):
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{body}</worksheet>',
            )
        for name, content in extra_parts:
            z.writestr(name, content)
    return out.getvalue()


# --- the base workbooks ------------------------------------------------------------------------------------


def stats(
    coop_cells: dict[str, object] | None = None,
    *,
    year: object = 2022,
    htx_extra: str = "",
    htx_dimension: str | None = None,
    more_sheets: dict[str, str] | None = None,
) -> bytes:
    """Return the base statistics workbook, its cooperative (row 2 of HTX) changed by `coop_cells`."""
    return xlsx(
        {
            "Thông tin": sheet_xml(info_rows(year)),
            "HTX": sheet_xml(table_rows([coop("A1", **(coop_cells or {}))], COOP), htx_extra, htx_dimension),
            "THT": sheet_xml(table_rows([group()], GROUP)),
            **(more_sheets or {}),
        }
    )


def progress(cells: dict[str, object] | None = None, *, extra: str = "") -> bytes:
    """Return the base progress workbook, its report (row 2 of "Báo cáo nhiệm vụ") changed by `cells`."""
    report = {"task": "I.1", "year": 2024, "status": "Hoàn thành", **(cells or {})}
    return xlsx({REPORT.name: sheet_xml(table_rows([report], REPORT), extra)})


def stats_xls(errors: dict[str, dict[tuple[int, int], str]]) -> bytes:
    """Return the base statistics workbook as a legacy .xls with Excel error values in the cells given."""
    sheets = {
        "Thông tin": info_rows(2022),
        "HTX": table_rows([coop("A1", members=None)], COOP),
        "THT": table_rows([group()], GROUP),
    }
    return xls_bytes(sheets, errors)


def far_cell(ref: str) -> str:
    """Return a row holding one cell at `ref` ("XFD1048576"): a few bytes of XML."""
    row = "".join(ch for ch in ref if ch.isdigit())
    return f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'


def many_rows(count: int) -> str:
    """Return `count` rows below row 2, one number each: a million of them is about 2 MB once zipped."""
    return "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(3, count + 3))


def padded_sheet(megabytes: int) -> bytes:
    """Return the base workbook whose sheet HTX is padded with `megabytes` MB of spaces (a zip bomb)."""
    return stats(htx_extra=" " * (megabytes * 1024 * 1024))


def many_parts(count: int) -> bytes:
    """Return the base workbook with `count` extra empty parts in its zip."""
    return xlsx(
        {"Thông tin": sheet_xml(info_rows(2022)), "HTX": sheet_xml(table_rows([coop("A1")], COOP))},
        extra_parts=[(f"customXml/item{i}.xml", b"") for i in range(count)],
    )


# name -> builder. The expected message of each is in tests/workbook/test_guard.py.
FILES: dict[str, Callable[[], bytes]] = {
    "far_cell_xfd": lambda: stats(htx_extra=far_cell("XFD1048576")),
    "far_cell_t": lambda: stats(htx_extra=far_cell("T1048576")),
    "far_column": lambda: stats(htx_extra=far_cell("XFD3")),
    "declared_far_dimension": lambda: stats(htx_dimension="A1:XFD1048576"),
    "million_rows": lambda: stats(htx_extra=many_rows(1_000_000)),
    "far_cell_in_unread_sheet": lambda: stats(
        more_sheets={"Ghi chú": sheet_xml([["x"]], far_cell("XFD1048576"))}
    ),
    "whitespace_bomb": lambda: padded_sheet(50),
    "many_parts": lambda: many_parts(1200),
    "error_in_members": lambda: stats({"members": error("#DIV/0!")}),
    "error_in_district": lambda: stats({"district": error("#N/A")}),
    "error_in_year": lambda: stats(year=error("#VALUE!")),
    "nan_year": lambda: stats(year=number("NaN")),
    "xls_error_in_members": lambda: stats_xls({"HTX": {(1, COOP.ids.index("members")): "#DIV/0!"}}),
    "inf_revenue": lambda: stats({"revenue": number("INF")}),
    "minus_inf_profit": lambda: stats({"profit": number("-INF")}),
    "nan_members": lambda: stats({"members": number("NaN")}),
    "overflow_workers": lambda: stats({"workers": number("1e400")}),
    "huge_members": lambda: stats({"members": 1e300}),
    "revenue_in_dong": lambda: stats({"revenue": 1_650_000_000_000.0}),
    "escape_in_name": lambda: stats({"name": "HTX \x1b[31mđỏ"}),
    "nul_in_name": lambda: stats({"name": "HTX\x00A"}),
    "bidi_in_commune": lambda: stats({"commune": "Ea T'ling\u202e"}),
    "long_name": lambda: stats({"name": "H" * 40_000}),
    "tasks_far_cell": lambda: progress(extra=far_cell("XFD1048576")),
    "tasks_error_in_quantity": lambda: progress({"quantity": error("#REF!")}),
    "tasks_nan_year": lambda: progress({"year": number("NaN")}),
    "tasks_escape_in_result": lambda: progress({"result": "Đã xong\x1b]0;pwned\x07"}),
    "tasks_huge_quantity": lambda: progress({"task": "I.4", "quantity": 5e9, "metric": None}),
}


def write_hostile(folder: Path, names: Iterable[str] | None = None) -> dict[str, Path]:
    """Write the hostile files (all, or those named) into `folder`; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names or FILES:
        path = folder / f"{name}.{'xls' if name.startswith('xls_') else 'xlsx'}"
        path.write_bytes(FILES[name]())
        paths[name] = path
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-out")
    for name, path in write_hostile(target).items():
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
