"""Every file the dashboard and the command line write keeps formula-like text inert (OWASP CSV injection):
in .xlsx the cell is text with Excel's quote prefix, in CSV it starts with an apostrophe; numbers, negative
ones included, stay numbers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from kpi.common.access import command_line
from kpi.common.safe_text import csv_bytes, csv_cell, formula_like
from kpi.stats.coops import list_workbook_bytes
from kpi.stats.preview import table_workbook_bytes
from kpi.tasks.sample import generate, workbook_bytes
from kpi.workbook.writer import write_workbook

PAYLOADS = ["=1+1", "@SUM(A1)", "+1", "-1+1", "\t=1", "\r=1", '=HYPERLINK("http://evil.example")']
HARMLESS = ["HTX Đắk Mil", "1+1=2", "a@b", " =1"]


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_formula_like_text_is_recognised(text):
    assert formula_like(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text):
    assert not formula_like(text)
    assert csv_cell(text) == text


# --- the writers, each given the payloads in a text column and -1 in a number column -------------------------


def _cells(xlsx: bytes, sheet: str) -> list:
    ws = openpyxl.load_workbook(io.BytesIO(xlsx))[sheet]
    return [cell for row in ws.iter_rows() for cell in row if cell.value is not None]


def _table_xlsx() -> tuple[bytes, str]:
    table = pd.DataFrame({"Tên": PAYLOADS, "Số": [-1] * len(PAYLOADS)})
    return table_workbook_bytes(table, "Bảng", ["Tiêu đề"]), "Bảng"


def _coop_list_xlsx() -> tuple[bytes, str]:
    coops = pd.DataFrame({"code": [f"C{i}" for i in range(len(PAYLOADS))], "name": PAYLOADS, "members": -1})
    return list_workbook_bytes(coops, ["Danh sách"]), "Danh sách HTX"


def _template_xlsx() -> tuple[bytes, str]:
    buffer = io.BytesIO()
    coops = pd.DataFrame({"code": [f"C{i}" for i in range(len(PAYLOADS))], "name": PAYLOADS, "members": -1})
    write_workbook(buffer, info={"year": 2024}, coops=coops)
    return buffer.getvalue(), "HTX"


def _task_report_xlsx() -> tuple[bytes, str]:
    year, rows = next(iter(generate(seed=1).items()))
    rows = rows.head(len(PAYLOADS)).copy()
    rows["result"] = PAYLOADS[: len(rows)]
    rows["quantity"] = -1
    return workbook_bytes(year, rows), "Báo cáo nhiệm vụ"


def _store_export_xlsx() -> tuple[bytes, str]:
    # `kpi export`: a year read back from the store. Tab and CR are left out of the names: the reader
    # refuses control characters in cells.
    import tempfile

    from kpi.store.versions import open_store
    from tests.store.test_versions import BASE_COOPS, make_workbook

    names = [p for p in PAYLOADS if p[0] not in "\t\r"]
    rows = [
        (f"64{i:05d}", name, *row[2:])
        for i, (name, row) in enumerate(zip(names, (BASE_COOPS * len(names))[: len(names)], strict=True))
    ]
    rows = [(*r[:10], -1.0, *r[11:]) for r in rows]  # profit: a loss of 1 million
    with tempfile.TemporaryDirectory() as folder, open_store(f"sqlite:///{folder}/s.sqlite") as store:
        outcome = store.import_workbook(
            make_workbook(coops=rows), "x.xlsx", None, "Kiểm thử", identity=command_line("kiem-thu")
        )
        assert outcome.ok, [p.line() for p in outcome.problems]
        buffer = io.BytesIO()
        store.export_year(2024, buffer)
        store.engine.dispose()
    return buffer.getvalue(), "HTX"


WRITERS = {
    "report and table .xlsx": _table_xlsx,
    "page-5 list .xlsx": _coop_list_xlsx,
    "template writer": _template_xlsx,
    "kpi export": _store_export_xlsx,
    "task progress workbook": _task_report_xlsx,
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_every_xlsx_writer_writes_formula_like_text_as_quoted_text(writer):
    data, sheet = writer()
    cells = _cells(data, sheet)
    written = [c for c in cells if isinstance(c.value, str) and formula_like(c.value)]
    assert written, "no payload reached the sheet"
    assert all(c.data_type == "s" and c.quotePrefix for c in written), [c.value for c in written]
    assert {c.value for c in written} <= set(PAYLOADS)
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_every_xlsx_writer_keeps_a_negative_number_a_number(writer):
    data, sheet = writer()
    numbers = [c for c in _cells(data, sheet) if c.value == -1]
    assert numbers and all(c.data_type == "n" and not c.quotePrefix for c in numbers)


def test_the_problems_csv_prefixes_formula_like_text_and_keeps_numbers():
    table = pd.DataFrame({"Giá trị": PAYLOADS, "Dòng": [-1] * len(PAYLOADS), "Tệp": "HTX Đắk Mil"})
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Giá trị", "Dòng", "Tệp"]
    assert [r[0] for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert {r[1] for r in rows[1:]} == {"-1"}
    assert {r[2] for r in rows[1:]} == {"HTX Đắk Mil"}
