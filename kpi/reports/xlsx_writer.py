"""The implementation report as an Excel workbook: a first sheet with the title and the report's paragraphs,
then one sheet per table of the report. Numbers stay numbers with a number format of their decimals
(Excel shows them in the reader's own convention), percentages as percent cells; every text is written as
text, formula-like ones with the quote prefix (kpi/common/safe_text.py formula_like), never run.
"""

from __future__ import annotations

import io

import xlsxwriter

from kpi.common.i18n import t
from kpi.common.safe_text import formula_like
from kpi.reports.brief import Brief, Num, Picture, Table


def _number_format(num: Num) -> str:
    digits = "0" * num.decimals
    body = "#,##0" + (f".{digits}" if digits else "")
    if num.percent and not num.signed:
        return body + "%"
    if num.signed:
        return f"+{body};-{body};0"
    return body


def brief_xlsx_bytes(brief: Brief) -> bytes:
    """Return the report as .xlsx bytes: a summary sheet, then one sheet per table."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    cache: dict[tuple, object] = {}

    def fmt(**props):
        key = tuple(sorted(props.items()))
        if key not in cache:
            cache[key] = wb.add_format(props)
        return cache[key]

    def text(ws, r: int, c: int, value: str, **props) -> None:
        ws.write_string(r, c, value, fmt(**props, quote_prefix=formula_like(value)))

    summary = wb.add_worksheet(t("brief.sheet.summary", brief.lang))
    summary.set_column(0, 0, 120)
    row = 0
    if brief.sample:
        text(
            summary, row, 0, t("image.sample_mark", brief.lang), bold=True, font_color="#C00000", font_size=14
        )
        row += 1
    for line in (brief.letterhead.issuer, brief.kind, brief.title):
        text(summary, row, 0, line, bold=True, font_size=13)
        row += 1
    text(summary, row, 0, brief.intro, text_wrap=True)
    row += 2
    for section in brief.sections:
        text(summary, row, 0, section.heading, bold=True)
        row += 1
        for block in section.blocks:
            line = block.caption if isinstance(block, Table | Picture) else block
            text(summary, row, 0, line, text_wrap=True, italic=isinstance(block, Table | Picture))
            row += 1
        row += 1

    for table in brief.tables():
        ws = wb.add_worksheet(t(f"brief.sheet.{table.id}", brief.lang)[:31])
        header_row = 2
        if brief.sample:
            text(ws, 0, 0, t("image.sample_mark", brief.lang), bold=True, font_color="#C00000")
        text(ws, 1, 0, table.caption, bold=True)
        for c, name in enumerate(table.columns):
            text(
                ws, header_row, c, name, bold=True, text_wrap=True, valign="top", bg_color="#DDEBF7", border=1
            )
            width = max([len(name) // 2] + [len(_plain(v, brief.lang)) for v in _column(table, c)])
            ws.set_column(c, c, min(max(width + 2, 8), 60))
        for r, values in enumerate(table.rows, start=header_row + 1):
            for c, value in enumerate(values):
                if isinstance(value, Num):
                    if value.value is None:
                        continue
                    number = value.value / 100 if value.percent and not value.signed else value.value
                    ws.write_number(r, c, number, fmt(num_format=_number_format(value)))
                elif value:
                    text(ws, r, c, value, text_wrap=len(value) > 60, valign="top")
        ws.freeze_panes(header_row + 1, 1)
        if table.rows:
            ws.autofilter(header_row, 0, header_row + len(table.rows), len(table.columns) - 1)
    wb.close()
    return buffer.getvalue()


def _column(table: Table, c: int) -> list:
    return [row[c] for row in table.rows[:200]]


def _plain(value, lang: str) -> str:
    if isinstance(value, Num):
        return value.text(lang)
    return str(value or "")
