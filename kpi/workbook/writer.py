"""One writer for the workbooks of every kind: blank templates, exports of stored years, sample files.

A kind describes its workbook as a `Layout` (its instructions, its key | value sheet, its table sheets with the
rows to write, the values of its dropdowns and any reference sheet) and `write_layout` writes it, the same way
for both kinds, with xlsxwriter (fast for large files):

- sheet order: the instructions (opened first), the info sheet, the table sheets in declaration order, the
  reference sheets, and last the hidden sheet of closed lists (Excel must not open on a hidden sheet);
- every table sheet: its headers with their notes as comments, declared widths and number formats, frozen
  header row (and `Sheet.frozen_columns`), an autofilter, and TEMPLATE_ROWS rows (or as many as written) with
  a dropdown for every closed list and a whole-number or bound rule for numbers;
- the instructions: the kind's lines, the limits a file is read within, then the columns of its main sheet,
  each with its note and sane maximum;
- every text cell a spreadsheet could take for a formula (`kpi.common.safe_text.formula_like`) gets Excel's
  quote prefix; numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from kpi.common.formatting import format_number
from kpi.common.i18n import t
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

INSTRUCTIONS_SHEET = "Hướng dẫn"
LIST_SHEET = "Danh mục"
TEMPLATE_ROWS = 1000  # rows of a template's table sheets that carry dropdowns and rules, both kinds

Line = tuple[str, str]  # (style: "title", "h" or "", text) of the instructions


@dataclass(frozen=True)
class ReferenceSheet:
    """A sheet written for whoever fills the workbook and never read back (the task list)."""

    name: str
    columns: tuple[tuple[str, int], ...]  # (header, width)
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Layout:
    """What one workbook holds: `write_layout` writes it the same way for every kind.

    `tables` pairs each table sheet with its rows (columns named by column id, yes/no as bool) or None;
    `lists` gives the values of each dropdown, named by a column id or a kind (`district`, `yes_no`);
    `bounds` the (low, high) of whole-number columns by id; `main` is the sheet whose columns the instructions
    list.
    """

    instructions: Sequence[Line]
    info_sheet: Sheet
    info: Mapping[str, object]
    tables: Sequence[tuple[Sheet, pd.DataFrame | None]]
    main: Sheet
    lists: Mapping[str, Sequence[str]]
    bounds: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    references: Sequence[ReferenceSheet] = ()
    notice: str | None = None
    created: datetime | None = None


def write_layout(target: str | Path | io.BytesIO, layout: Layout) -> None:
    """Write the workbook of `layout` to a path or a buffer."""
    wb = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    if layout.created is not None:
        wb.set_properties({"created": layout.created})
    fmt = _formats(wb)
    ranges = _list_ranges(layout.lists)
    _write_instructions(wb, fmt, layout)
    _write_info(wb, fmt, layout.info_sheet, layout.info)
    for sheet, rows in layout.tables:
        _write_table(wb, fmt, sheet, rows, ranges, layout.bounds)
    for reference in layout.references:
        _write_reference(wb, fmt, reference)
    _write_lists(wb, layout.lists, fmt)
    wb.worksheets()[0].activate()
    wb.close()


def layout_bytes(layout: Layout) -> bytes:
    """Return the workbook of `layout` as bytes."""
    buffer = io.BytesIO()
    write_layout(buffer, layout)
    return buffer.getvalue()


def limit_lines(limits: ReadLimits | None = None) -> list[Line]:
    """Return the instructions' lines on the limits a file is read within (default: the settings in force)."""
    lim = limits or read_limits()

    def n(x: float) -> str:
        return format_number(x, 0)

    return [
        ("", ""),
        ("h", t("template.limits")),
        ("", t("template.limits.file", file_mb=n(lim.max_file_mb), unzipped_mb=n(lim.max_unzipped_mb))),
        (
            "",
            t(
                "template.limits.sheet",
                rows=n(lim.max_rows),
                columns=n(lim.max_columns),
                cells=n(lim.max_cells),
            ),
        ),
        ("", t("template.limits.text", chars=n(lim.max_text_chars))),
        ("", t("template.limits.numbers")),
    ]


def maximum_note(col: Column) -> str:
    """Return " Tối đa 1.000.000 người." for a column with a sane maximum, else ""."""
    if col.maximum is None:
        return ""
    unit = f" {col.unit}" if col.unit else ""
    return t("template.maximum", maximum=format_number(col.maximum, 0), unit=unit)


def column_lines(sheet: Sheet) -> list[Line]:
    """Return the instructions' lines listing the columns of `sheet`, each with its note and maximum."""
    return [
        ("", ""),
        ("h", t("template.columns", sheet=sheet.name)),
        *(("", f"• {col.header}: {col.note}{maximum_note(col)}") for col in sheet.columns),
    ]


def catalog_lines(lines: Iterable[tuple[str, str]], **params: object) -> list[Line]:
    """Return instruction lines from (style, catalog key) pairs, in Vietnamese; an empty key is a blank line."""
    return [(style, t(key, **params) if key else "") for style, key in lines]


# --- the statistics workbook --------------------------------------------------------------------------------

# (style, key of data/i18n/templates.yaml) of the statistics kind's own lines.
INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("title", "template.stats.title"),
    ("", ""),
    ("h", "template.sheets"),
    ("", "template.stats.info"),
    ("", "template.stats.coops"),
    ("", "template.stats.groups"),
    ("", ""),
    ("h", "template.rules"),
    ("", "template.stats.names"),
    ("", "template.stats.money"),
    ("", "template.stats.blank"),
    ("", "template.stats.lists"),
    ("", "template.stats.code"),
    ("", "template.stats.managers"),
    ("", "template.stats.certified"),
    ("", "template.stats.new"),
    ("", ""),
    ("h", "template.stats.check"),
)


def statistics_layout(
    *,
    info: Mapping[str, object] | None = None,
    coops: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
    reference: Reference | None = None,
    notice: str | None = None,
    created: datetime | None = None,
) -> Layout:
    """Return the layout of a statistics workbook; blank when no data is given.

    `notice` adds a highlighted line at the top of the instructions (used to mark sample data); `created` fixes
    the file's creation time, so that the same data give the same bytes.
    """
    reference = reference or load_reference()
    return Layout(
        instructions=catalog_lines(INSTRUCTIONS, info=INFO.name, coops=COOP.name, groups=GROUP.name),
        info_sheet=INFO,
        info=info or {},
        tables=((COOP, coops), (GROUP, groups)),
        main=COOP,
        lists={
            "district": reference.district_names(),
            "sector": COOP.column("sector").choices,
            "status": COOP.column("status").choices,
            "rating": COOP.column("rating").choices,
            "yes_no": (YES, NO),
        },
        notice=notice,
        created=created,
    )


def write_workbook(target: str | Path | io.BytesIO, **kwargs: Any) -> None:
    """Write a statistics workbook in the template's format (same arguments as statistics_layout)."""
    write_layout(target, statistics_layout(**kwargs))


def template_bytes(reference: Reference | None = None) -> bytes:
    """Return the blank statistics template as bytes (for downloads)."""
    return layout_bytes(statistics_layout(reference=reference))


def workbook_bytes(**kwargs: Any) -> bytes:
    """Return a filled statistics workbook as bytes (same arguments as statistics_layout)."""
    return layout_bytes(statistics_layout(**kwargs))


# --- writing ------------------------------------------------------------------------------------------------


def _formats(wb: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"}),
        "h": wb.add_format({"bold": True}),
        "notice": wb.add_format(
            {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE", "text_wrap": True}
        ),
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
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "money": wb.add_format({"num_format": "#,##0.0"}),
        "year": wb.add_format({"num_format": "0"}),
        "quoted": wb.add_format({"quote_prefix": True}),
        "": None,
    }


def _list_ranges(lists: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Return list name -> the range formula of its column on the hidden list sheet."""
    ranges = {}
    for i, (name, values) in enumerate(lists.items()):
        letter = xlsxwriter.utility.xl_col_to_name(i)
        ranges[name] = f"='{LIST_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_lists(wb: xlsxwriter.Workbook, lists: Mapping[str, Sequence[str]], fmt: dict) -> None:
    """Write the closed lists on a hidden sheet (the dropdowns point at it)."""
    ws = wb.add_worksheet(LIST_SHEET)
    for i, (name, values) in enumerate(lists.items()):
        ws.write_string(0, i, name, fmt["h"])
        for r, v in enumerate(values, start=1):
            ws.write_string(r, i, v)
    ws.hide()


def _write_instructions(wb: xlsxwriter.Workbook, fmt: dict, layout: Layout) -> None:
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 0, 130)
    row = 0
    if layout.notice:
        ws.set_row(row, 48)
        ws.write_string(row, 0, layout.notice, fmt["notice"])
        row += 2
    for style, text in (*layout.instructions, *limit_lines(), *column_lines(layout.main)):
        ws.write_string(row, 0, text, fmt[style])
        row += 1


def _write_info(wb: xlsxwriter.Workbook, fmt: dict, sheet: Sheet, info: Mapping[str, object]) -> None:
    ws = wb.add_worksheet(sheet.name)
    ws.set_column(0, 0, 62)
    ws.set_column(1, 1, 50)
    ws.write_string(0, 0, INFO_KEY_HEADER, fmt["header"])
    ws.write_string(0, 1, INFO_VALUE_HEADER, fmt["header"])
    for r, col in enumerate(sheet.columns, start=1):
        ws.write_string(r, 0, col.header)
        ws.write_comment(r, 0, col.note, {"x_scale": 2, "y_scale": 1.2})
        _write_cell(ws, r, 1, info.get(col.id), col, fmt)
    ws.freeze_panes(1, 0)


def _cell_format(col: Column, fmt: dict) -> object:
    return {
        Kind.COUNT: fmt["int"],
        Kind.YEAR: fmt["year"],
        Kind.MONEY: fmt["money"],
        Kind.MONEY_NONNEG: fmt["money"],
    }.get(col.kind)


def _write_cell(ws, r: int, c: int, value: object, col: Column, fmt: dict) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return
    if col.kind == Kind.YES_NO and not isinstance(value, str):
        ws.write_string(r, c, YES if bool(value) else NO)
    elif col.kind in (Kind.COUNT, Kind.YEAR, Kind.MONEY, Kind.MONEY_NONNEG):
        number = float(value)  # type: ignore[arg-type]
        ws.write_number(r, c, int(number) if number.is_integer() else number, _cell_format(col, fmt))
    else:
        _write_text(ws, r, c, str(value), fmt)


def _write_text(ws, r: int, c: int, text: str, fmt: dict) -> None:
    ws.write_string(r, c, text, fmt["quoted"] if formula_like(text) else fmt["wrap"])


def _validation_for(
    col: Column, ranges: Mapping[str, str], bounds: Mapping[str, tuple[int, int]]
) -> dict | None:
    source = ranges.get(col.id) or ranges.get(col.kind.value)
    if source:
        return {
            "validate": "list",
            "source": source,
            "error_title": t("template.invalid_value"),
            "error_message": t("template.choose_from_list", header=col.header),
        }
    if col.id in bounds:
        low, high = bounds[col.id]
        rule = {"criteria": "between", "minimum": low, "maximum": high}
        title = t("template.whole_between", low=low, high=high)
    elif col.kind == Kind.COUNT:
        rule, title = {"criteria": ">=", "value": 0}, t("template.whole_nonneg")
    elif col.kind == Kind.MONEY_NONNEG:
        rule = {"validate": "decimal", "criteria": ">=", "value": 0}
        title = t("template.number_nonneg")
    else:
        return None
    return {"validate": "integer", **rule, "error_title": title, "error_message": col.note}


def _sheet_with_headers(wb: xlsxwriter.Workbook, sheet: Sheet, fmt: dict):
    """Return a new worksheet for `sheet`: its headers with their notes as comments, widths, frozen header."""
    ws = wb.add_worksheet(sheet.name)
    ws.set_row(0, 48)
    for c, col in enumerate(sheet.columns):
        ws.write_string(0, c, col.header, fmt["header"])
        ws.write_comment(0, c, col.note, {"x_scale": 2.2, "y_scale": 1.3})
        ws.set_column(c, c, col.width, _cell_format(col, fmt))
    ws.freeze_panes(1, sheet.frozen_columns)
    return ws


def _write_table(
    wb: xlsxwriter.Workbook,
    fmt: dict,
    sheet: Sheet,
    data: pd.DataFrame | None,
    ranges: Mapping[str, str],
    bounds: Mapping[str, tuple[int, int]],
) -> None:
    ws = _sheet_with_headers(wb, sheet, fmt)
    n_rows = len(data) if data is not None else 0
    last = max(n_rows, TEMPLATE_ROWS)
    for c, col in enumerate(sheet.columns):
        rule = _validation_for(col, ranges, bounds)
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


def _write_reference(wb: xlsxwriter.Workbook, fmt: dict, sheet: ReferenceSheet) -> None:
    ws = wb.add_worksheet(sheet.name)
    ws.set_row(0, 30)
    for c, (header, width) in enumerate(sheet.columns):
        ws.write_string(0, c, header, fmt["header"])
        ws.set_column(c, c, width, fmt["wrap"])
    for r, values in enumerate(sheet.rows, start=1):
        for c, value in enumerate(values):
            if value:
                _write_text(ws, r, c, value, fmt)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(sheet.rows), len(sheet.columns) - 1)
