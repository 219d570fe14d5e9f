"""The page "Báo cáo" in a real browser: both buttons download a report that opens, of the year shown."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from tests.app.apptest_helpers import latest_year

pytestmark = pytest.mark.browser
INDICATORS = 17


def test_the_report_page_downloads_the_word_report_and_the_excel_tables(
    open_page, navigation, assert_no_exception
):
    page = open_page(navigation["pages/9_Bao_cao.py"])
    assert_no_exception(page)
    year = latest_year()

    with page.expect_download(timeout=300_000) as word:
        page.get_by_role("button", name="Tải báo cáo Word (.docx)").click()
    assert word.value.suggested_filename == f"bao-cao-kh485-{year}-tong-ket.docx"
    doc = Document(Path(word.value.path()))
    texts = [p.text for p in doc.paragraphs]
    assert "Tổng kết thực hiện Kế hoạch 485/KH-UBND giai đoạn 2020 - 2025" in texts
    assert "SỐ LIỆU MẪU" in texts
    assert len(doc.tables[1].rows) == INDICATORS + 1  # the letterhead is table 0
    assert len(doc.inline_shapes) >= 3

    with page.expect_download(timeout=300_000) as excel:
        page.get_by_role("button", name="Tải bảng số liệu Excel (.xlsx)").click()
    assert excel.value.suggested_filename == f"bao-cao-kh485-{year}-tong-ket.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    assert wb["Chỉ tiêu"].max_row == 3 + INDICATORS
    assert_no_exception(page)
