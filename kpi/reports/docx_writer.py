"""The implementation report as a Word document (.docx, python-docx), in the layout of Vietnamese administrative
documents (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4, margins 20/20/30/15 mm, Times New Roman 13-14; the issuing
body top left and the national name and motto top right, each with a short rule under it; number, place and
date; "BÁO CÁO" and its title centred; page numbers centred at the top from the second page; recipients
and signature at the end.

Text from the data (agencies' reports) is written as plain runs: Word never reads markup in them.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from kpi.common.i18n import t
from kpi.reports.brief import Brief, Num, Picture, Table

FONT = "Times New Roman"
BODY_SIZE = 13
TITLE_SIZE = 14
TABLE_SIZE = 10.5
SAMPLE_RED = RGBColor(0xC0, 0x00, 0x00)
PAGE = {"width": Mm(210), "height": Mm(297), "top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH_CM = 16.5  # 210 - 30 - 15 mm
# Tables wider than this many columns go on a landscape page of their own.
LANDSCAPE_COLUMNS = 11
CELL_MARGIN_TWIPS = 57  # 1 mm on each side of a cell's text (Word's default is 1,9 mm)


def brief_docx_bytes(brief: Brief) -> bytes:
    """Return the report as .docx bytes."""
    doc = Document()
    _setup(doc)
    if brief.sample:
        _sample_banner(doc, brief)
    _letterhead(doc, brief)
    _title(doc, brief)
    _paragraph(doc, brief.intro)
    for section in brief.sections:
        _heading(doc, section.heading)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(doc, block, brief.lang)
            elif isinstance(block, Picture):
                _picture(doc, block)
            else:
                _paragraph(doc, block, bullet=block.startswith("- "))
    _signature(doc, brief)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- page and styles ---------------------------------------------------------------------------------------


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    section.different_first_page_header_footer = True
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    _page_number(section.header.paragraphs[0])


def _page_number(paragraph) -> None:
    """Put a PAGE field in `paragraph`, centred (NĐ 30: page numbers at the top, from page 2)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    run.font.size = Pt(BODY_SIZE)


# Characters XML 1.0 cannot hold (python-docx refuses them): control characters but tab and line breaks.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _run(paragraph, text: str, size: float = BODY_SIZE, bold=False, italic=False, colour=None):
    run = paragraph.add_run(_NOT_XML.sub("\ufffd", text))
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _centred(container, text: str, size=BODY_SIZE, bold=False, italic=False, after=0.0, colour=None):
    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.line_spacing = 1.0
    _run(p, text, size, bold, italic, colour)
    return p


def _rule(container, width_cm: float, cell_cm: float) -> None:
    """Add a short centred horizontal rule (a bottom border of an empty, indented paragraph)."""
    p = container.add_paragraph()
    side = max((cell_cm - width_cm) / 2, 0)
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_after, fmt.space_before, fmt.line_spacing = Pt(6), Pt(3), 1.0
    p.paragraph_format.first_line_indent = Cm(0)
    mark = p._p.get_or_add_pPr()
    size = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "4")  # the paragraph mark in 2 pt, so that the empty line is as thin as the rule
    size.append(sz)
    mark.append(size)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _cell_text(cell, text: str, size=BODY_SIZE, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    _run(p, text, size, bold, italic)
    return p


# --- the parts -----------------------------------------------------------------------------------------------


def _sample_banner(doc, brief: Brief) -> None:
    mark = t("image.sample_mark", brief.lang)
    _centred(doc, mark, size=16, bold=True, after=6, colour=SAMPLE_RED)
    for header in (doc.sections[0].header,):
        p = header.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, mark, 11, bold=True, colour=SAMPLE_RED)


def _letterhead(doc, brief: Brief) -> None:
    head = brief.letterhead
    widths = (6.5, 10.0)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    _fixed_widths(table, [Cm(w) for w in widths])
    for cell, width in zip((left, right), widths, strict=True):
        cell.width = Cm(width)
    _cell_text(left, head.parent, 13)
    _centred(left, head.issuer, 13, bold=True)
    _rule(left, 2.5, widths[0])
    _centred(left, head.number, 13)
    _cell_text(right, head.nation, 12, bold=True)
    _centred(right, head.motto, 13, bold=True)
    _rule(right, 5.5, widths[1])
    _centred(right, head.place_date, 13, italic=True)


def _title(doc, brief: Brief) -> None:
    p = _centred(doc, brief.kind, TITLE_SIZE, bold=True)
    p.paragraph_format.space_before = Pt(18)
    _centred(doc, brief.title, TITLE_SIZE, bold=True)
    _rule(doc, 3.0, TEXT_WIDTH_CM)
    _centred(doc, brief.letterhead.recipient, TITLE_SIZE, after=12)


def _heading(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(6)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.first_line_indent = Cm(1)
    _run(p, text, BODY_SIZE, bold=True)


def _paragraph(doc, text: str, bullet: bool = False) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)
    _run(p, text, BODY_SIZE)


def _picture(doc, picture: Picture) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(picture.png), width=Cm(TEXT_WIDTH_CM))
    _centred(doc, picture.caption, 12, italic=True, after=10)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _table(doc, table: Table, lang: str) -> None:
    landscape = len(table.columns) > LANDSCAPE_COLUMNS
    width_cm = TEXT_WIDTH_CM
    if landscape:
        width_cm = _landscape(doc, True)
    caption = _centred(doc, table.caption, 12, bold=True, after=4)
    caption.paragraph_format.keep_with_next = True
    out = doc.add_table(rows=1, cols=len(table.columns))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    weights = list(table.widths) + [1.0] * (len(table.columns) - len(table.widths))
    widths = [Cm(width_cm * w / sum(weights)) for w in weights[: len(table.columns)]]
    size = TABLE_SIZE if len(table.columns) <= 7 else 9.5
    _fixed_widths(out, widths)
    header = out.rows[0]
    _repeat_header(header)
    for cell, name, width in zip(header.cells, table.columns, widths, strict=True):
        cell.width = width
        _cell_text(cell, name, size, bold=True)
        _shade(cell, "DDEBF7")
    for values in table.rows:
        cells = out.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            if isinstance(value, Num):
                _cell_text(cell, value.text(lang), size, align=WD_ALIGN_PARAGRAPH.RIGHT)
            else:
                _cell_text(cell, value or "", size, align=WD_ALIGN_PARAGRAPH.LEFT)
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)
    if landscape:
        _landscape(doc, False)


def _fixed_widths(table, widths) -> None:
    """Give the table a fixed layout and its column widths (Word and LibreOffice read the grid, not cells)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    props = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    props.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    props.append(margins)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(int(sum(w.twips for w in widths))))
    total.set(qn("w:type"), "dxa")
    for old in props.findall(qn("w:tblW")):
        props.remove(old)
    props.append(total)


def _landscape(doc, on: bool) -> float:
    """Start a new page section, landscape when `on` (else portrait again); return its text width in cm."""
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if on else WD_ORIENT.PORTRAIT
    long, short = PAGE["height"], PAGE["width"]
    section.page_width, section.page_height = (long, short) if on else (short, long)
    section.different_first_page_header_footer = False
    return (section.page_width - section.left_margin - section.right_margin) / Cm(1)


def _signature(doc, brief: Brief) -> None:
    head = brief.letterhead
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    _fixed_widths(table, [Cm(8.5), Cm(8.0)])
    left.width, right.width = Cm(8.5), Cm(8.0)
    _cell_text(
        left, t("brief.recipients", brief.lang), 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    for line in head.copies:
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        _run(p, f"- {line}", 11)
    _cell_text(right, head.signer, TITLE_SIZE, bold=True)
