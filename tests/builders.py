"""Tiny builders of statistics workbooks for the tests, written with openpyxl so every cell is typed exactly.

A Python `str` becomes a text cell ("1.234,5" stays text), an `int`/`float` a number cell, `None` a blank.
Rows are dicts keyed by column ids of `kpi.workbook.contract` ("members") or by any header text ("Số thành viên",
"Mã số HTX", "Ghi chú"): ids are written under their Vietnamese header, other keys are written as they are.

    data = workbook(year=2022, coops=[coop("A1"), coop("A2", members="1.234")], groups=[group()])

Each helper:
- `coop(code, **cells)`: one valid cooperative row (defaults below), cells overridden by id or header.
- `group(district, groups, certified)`: one row of sheet THT.
- `table_rows(rows, sheet, ...)`: the cell grid of a table sheet (title rows, header, data), columns chosen,
  reordered, renamed or added.
- `info_rows(year, fund, unit)`: the cell grid of the two-column sheet "Thông tin".
- `grid_bytes({sheet name: grid})`: any sheets of cells to .xlsx bytes (first sheet first).
- `workbook(...)`: a whole workbook's bytes from rows: `None` for a sheet leaves it out.
- `xls_bytes({sheet name: grid})`: the same grid as a legacy .xls file (xlwt).
- `xlsm_bytes(xlsx)`: an .xlsx turned into a macro-enabled .xlsm (its main part declared as such).
- `task_reports(rows)` / `task_workbook(rows, year)`: progress-report rows (tuples in REPORT_COLUMNS order) as the
  frame the task side reads, or as a whole progress-report workbook.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from openpyxl import Workbook

from kpi.workbook.contract import COOP, GROUP, INFO, INFO_KEY_HEADER, INFO_VALUE_HEADER, Sheet
from kpi.workbook.task_contract import default_tasks
from kpi.workbook.task_reports import task_workbook_bytes

Grid = list[list[object]]

# A cooperative that passes every rule: operating, rated Khá, in Cư Jút / Ea T'ling.
DEFAULT_COOP: dict[str, object] = {
    "name": "HTX Nông nghiệp Mẫu",
    "district": "Cư Jút",
    "commune": "Ea T'ling",
    "sector": "Nông nghiệp",
    "founded_year": 2018,
    "status": "Đang hoạt động",
    "members": 20,
    "workers": 5,
    "revenue": 1000,
    "profit": 100,
    "avg_income": 50,
    "rating": "Khá",
    "managers": 3,
    "managers_vocational": 1,
    "managers_higher": 1,
    "ocop_products": 0,
    "value_chain": "Không",
    "model": "Không",
}


def coop(code: object = "HTX001", **cells: object) -> dict[str, object]:
    """Return a valid cooperative row keyed by column id, with `cells` overriding the defaults."""
    return {"code": code, **DEFAULT_COOP, **cells}


def group(district: object = "Cư Jút", groups: object = 10, certified: object = 5) -> dict[str, object]:
    """Return one row of sheet THT keyed by column id."""
    return {"district": district, "groups": groups, "certified": certified}


def _header_of(key: str, sheet: Sheet) -> str:
    return sheet.column(key).header if key in sheet.ids else key


def table_rows(
    rows: Iterable[Mapping[str, object]],
    sheet: Sheet = COOP,
    *,
    columns: Sequence[str] | None = None,
    rename: Mapping[str, str] | None = None,
    title_rows: int | Sequence[str] = 0,
    drop: Iterable[str] = (),
) -> Grid:
    """Return the cell grid of a table sheet: title rows, one header row, then one line per row dict.

    `columns` fixes the order (ids or headers; default: the keys in order of first appearance), `rename`
    writes another header for a column (id -> header text), `title_rows` puts that many title lines (or
    those texts) above the header, `drop` leaves columns out.
    """
    rows = list(rows)
    rename = dict(rename or {})
    drop = set(drop)
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    columns = [c for c in columns if c not in drop]
    titles = (
        [f"Tiêu đề dòng {i + 1}" for i in range(title_rows)] if isinstance(title_rows, int) else title_rows
    )
    grid: Grid = [[t] for t in titles]
    grid.append([rename.get(c, _header_of(c, sheet)) for c in columns])
    grid.extend([r.get(c) for c in columns] for r in rows)
    return grid


def info_rows(year: object = 2022, fund: object = None, unit: object = None, title_rows: int = 0) -> Grid:
    """Return the grid of sheet "Thông tin": header "Chỉ tiêu | Giá trị", then one line per item given."""
    grid: Grid = [[f"Tiêu đề {i + 1}"] for i in range(title_rows)]
    grid.append([INFO_KEY_HEADER, INFO_VALUE_HEADER])
    if year is not ...:
        grid.append([INFO.column("year").header, year])
    if unit is not None:
        grid.append([INFO.column("reporting_unit").header, unit])
    if fund is not None:
        grid.append([INFO.column("fund_capital").header, fund])
    return grid


def grid_bytes(sheets: Mapping[str, Grid]) -> bytes:
    """Return .xlsx bytes holding each grid on a sheet of that name, in order (cells typed as given)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, grid in sheets.items():
        ws = wb.create_sheet(name)
        for line in grid:
            ws.append(list(line))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook(
    *,
    year: object = 2022,
    fund: object = None,
    coops: Iterable[Mapping[str, object]] | None = (),
    groups: Iterable[Mapping[str, object]] | None = None,
    title_rows: int = 0,
    columns: Sequence[str] | None = None,
    rename: Mapping[str, str] | None = None,
    sheet_names: Mapping[str, str] | None = None,
    info: Grid | None = None,
) -> bytes:
    """Return the bytes of a statistics workbook: sheets Thông tin, HTX and (when `groups` is given) THT.

    `year=...` (Ellipsis) leaves the "Năm báo cáo" line out; `coops=None` leaves sheet HTX out; `info`
    replaces the grid of sheet Thông tin; `sheet_names` renames sheets by id ("info", "coops", "groups");
    `title_rows`, `columns` and `rename` apply to sheet HTX.
    """
    names = {INFO.id: INFO.name, COOP.id: COOP.name, GROUP.id: GROUP.name, **(sheet_names or {})}
    sheets: dict[str, Grid] = {names[INFO.id]: info if info is not None else info_rows(year, fund)}
    if coops is not None:
        coops = list(coops) or [coop()]
        sheets[names[COOP.id]] = table_rows(
            coops, COOP, columns=columns, rename=rename, title_rows=title_rows
        )
    if groups is not None:
        sheets[names[GROUP.id]] = table_rows(groups, GROUP)
    return grid_bytes(sheets)


def xls_bytes(sheets: Mapping[str, Grid], errors: Mapping[str, Mapping[tuple[int, int], str]] = {}) -> bytes:  # noqa: B006
    """Return legacy .xls bytes (BIFF8, written by xlwt) holding each grid on a sheet of that name.

    `errors` puts Excel error values ("#DIV/0!") in cells: {sheet: {(row, column) from 0: error}}.
    """
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, grid in sheets.items():
        ws = book.add_sheet(name)
        for r, line in enumerate(grid):
            for c, value in enumerate(line):
                if value is not None:
                    ws.write(r, c, value)
        for (r, c), text in errors.get(name, {}).items():
            ws.row(r).set_cell_error(c, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def xlsm_bytes(xlsx: bytes) -> bytes:
    """Return `xlsx` as a macro-enabled workbook: the same parts, the workbook part typed as .xlsm."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                assert _XLSX_MAIN in content
                content = content.replace(_XLSX_MAIN, _XLSM_MAIN)
            target.writestr(item, content)
    return out.getvalue()


# --- progress reports on the plan's tasks ---------------------------------------------------------------------

# The fields of one progress-report row, in the order the tests write them as tuples.
REPORT_COLUMNS = ["group", "number", "year", "quarter", "status", "metric", "quantity", "result", "evidence"]


def task_reports(rows: Iterable[tuple]) -> pd.DataFrame:
    """Return progress-report rows (tuples in REPORT_COLUMNS order) as a frame of those columns."""
    return pd.DataFrame(list(rows), columns=REPORT_COLUMNS)


def task_workbook(rows: Iterable[tuple], year: int = 2020, **info: object) -> bytes:
    """Return the .xlsx bytes of a progress report for `year` on the plan's tasks holding `rows` (tuples in
    REPORT_COLUMNS order), with any other field of its information sheet from `info`."""
    return task_workbook_bytes(reports=task_reports(rows), info={"year": year, **info}, tasks=default_tasks())
