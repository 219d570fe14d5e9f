"""The implementation report (kpi/reports/brief.py, kpi/reports/docx_writer.py, kpi/reports/xlsx_writer.py, `python -m kpi brief`).

One throw-away store per module holds the sample statistics and sample progress reports, as a fresh
installation does. The .docx is read back with python-docx and the .xlsx with openpyxl. Expected numbers come
from `python -m kpi report --format json` for the same store, formatted by this file's own Vietnamese
formatter (Decimal, half up), never by kpi.common.formatting; the expected texts of the letterhead and headings are
written out here from the decree's layout and the plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from docx import Document

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, main
from kpi.common.access import command_line
from kpi.domain.plan import load_plan
from kpi.reports.brief import Brief, Letterhead, Num, Section, Table
from kpi.reports.xlsx_writer import brief_xlsx_bytes
from kpi.stats import sample
from kpi.store.versions import open_store
from kpi.tasks.sample import load_task_samples

TODAY = "2026-11-28"
INDICATORS = 17  # the plan's indicators (data/plans/kh-485-2020.yaml), counted by hand
TASKS = 34  # the tasks of the plan's appendix
GENERATOR = Path(__file__).resolve().parents[2] / "data" / "sample" / "tasks" / "generator.yaml"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a store holding the six sample years and the sample progress reports."""
    url = f"sqlite:///{tmp_path_factory.mktemp('brief') / 's.sqlite'}"
    with open_store(url) as store:
        for path in sample.sample_files():
            outcome = store.import_workbook(
                path.read_bytes(),
                path.name,
                None,
                "Dữ liệu mẫu",
                is_sample=True,
                identity=command_line("kiem-thu"),
            )
            assert outcome.ok
        load_task_samples(store)
    return url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def outputs(db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report files the tests read: 2024 quarter 2 (.docx, .xlsx) and 2025, the plan's last year."""
    folder = tmp_path_factory.mktemp("out")
    files = {
        "q2": ["--year", "2024", "--quarter", "2", "--out", str(folder / "q2.docx")],
        "q2x": ["--year", "2024", "--quarter", "2", "--out", str(folder / "q2.xlsx")],
        "final": ["--year", "2025", "--out", str(folder / "final.docx"), "--no-charts"],
        "y2023": ["--year", "2023", "--out", str(folder / "y2023.docx"), "--no-charts"],
    }
    for argv in files.values():
        assert main(["brief", *argv, "--db", db, "--today", TODAY]) == EXIT_OK
    return {name: Path(argv[argv.index("--out") + 1]) for name, argv in files.items()}


def json_report(db: str, year: int, capsys) -> dict:
    code, out, _ = run(capsys, "report", "--year", str(year), "--format", "json", "--db", db)
    assert code == EXIT_OK
    return json.loads(out)


def vn(x: float | None, decimals: int) -> str:
    """Format the Vietnamese way, independently of kpi.common.formatting: "." groups, "," decimals, half up."""
    if x is None:
        return "–"
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "−" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + frac if frac else "")


def paragraphs(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


def table_after(doc, caption: str):
    """Return the Word table whose caption paragraph reads "Bảng N. `caption`..." (tables are numbered in
    order, so their numbers depend on which tables the report has)."""
    body = doc.element.body
    seen = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        text = "".join(child.itertext())
        if tag == "p" and text.startswith("Bảng ") and text.partition(". ")[2].startswith(caption):
            seen = True
        elif tag == "tbl" and seen:
            return next(t for t in doc.tables if t._tbl is child)
    raise AssertionError(f"no table after {caption!r}")


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- the layout of an administrative report ------------------------------------------------------------------


def test_the_docx_opens_with_the_letterhead_national_name_motto_number_place_and_title(outputs):
    texts = paragraphs(Document(outputs["q2"]))
    for expected in (
        "UBND TỈNH ĐẮK NÔNG",
        "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: .../BC-SKHĐT",
        "Đắk Nông, ngày ... tháng ... năm ...",
        "BÁO CÁO",
        "Tình hình thực hiện Kế hoạch 485/KH-UBND quý 2/năm 2024",
        "GIÁM ĐỐC",
    ):
        assert expected in texts


def test_the_docx_is_set_in_times_new_roman_13_on_a4_with_the_decree_margins(outputs):
    doc = Document(outputs["q2"])
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 13)
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15


def test_the_sections_of_a_quarterly_report_come_in_order(outputs):
    headings = [p.text for p in Document(outputs["q2"]).paragraphs if p.runs and p.runs[0].bold]
    expected = [
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2024",
        "II. KẾT QUẢ THEO HUYỆN, THÀNH PHỐ NĂM 2024",
        "III. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ",
        "IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT",
        "V. GHI CHÚ VỀ SỐ LIỆU",
    ]
    assert [h for h in headings if h in expected] == expected


def test_the_indicator_table_has_a_header_and_one_row_per_indicator(outputs):
    table = table_after(Document(outputs["q2"]), "Kết quả các chỉ tiêu năm 2024")
    assert rows_of(table)[0] == [
        "TT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Thực hiện năm 2024",
        "Mục tiêu",
        "Năm mục tiêu",
        "% mục tiêu",
        "Đánh giá",
        "So với năm trước",
        "Nguồn mục tiêu",
    ]
    assert len(table.rows) == INDICATORS + 1
    assert [r[0] for r in rows_of(table)[1:]] == [str(n) for n in range(1, INDICATORS + 1)]


def test_the_report_carries_at_least_the_progress_district_and_ratings_charts_as_pictures(outputs):
    doc = Document(outputs["q2"])
    assert len(doc.inline_shapes) >= 3
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Hình ")]
    assert any("Mức đạt mục tiêu" in c for c in captions)
    assert any("theo huyện, thành phố" in c for c in captions)
    assert any("Xếp loại HTX" in c for c in captions)


def test_sample_data_are_marked_in_the_body_and_on_every_page_header(outputs):
    doc = Document(outputs["q2"])
    assert "SỐ LIỆU MẪU" in [p.text for p in doc.paragraphs]
    assert "SỐ LIỆU MẪU" in [p.text for p in doc.sections[0].header.paragraphs]


# --- numbers equal to `kpi report --format json` ----------------------------------------------------------------


def test_every_value_target_and_share_in_the_docx_is_the_json_report_formatted_the_vietnamese_way(
    outputs, db, capsys
):
    report = json_report(db, 2024, capsys)
    table = rows_of(table_after(Document(outputs["q2"]), "Kết quả các chỉ tiêu năm 2024"))
    assert len(report["indicators"]) == INDICATORS
    decimals = {ind.id: ind.decimals for ind in load_plan().indicators}  # as the plan file says
    for row, item in zip(table[1:], report["indicators"], strict=True):
        d, percent = decimals[item["id"]], "%" if item["unit"] == "%" else ""
        name, unit, value, target, target_year, share = row[1:7]
        assert (name, unit) == (item["name"], item["unit"])
        assert value == (vn(item["value"], d) + percent if item["value"] is not None else "–")
        assert target.removeprefix("≤ ") == vn(item["target"], d) + percent
        assert target_year == str(item["target_year"])
        assert share == (vn(item["target_share"], 1) + "%" if item["target_share"] is not None else "–")
        assert row[-1] == {"plan": "Kế hoạch", "derived": "Suy ra"}[item["target_source"]]


def test_headline_numbers_read_with_dots_for_thousands(outputs, db, capsys):
    report = {i["id"]: i for i in json_report(db, 2024, capsys)["indicators"]}
    table = rows_of(table_after(Document(outputs["q2"]), "Kết quả các chỉ tiêu năm 2024"))
    members = next(r for r in table if r[1] == report["members"]["name"])
    assert members[3] == vn(report["members"]["value"], 0)
    assert members[4] == "27.379"  # the plan's target, as the plan writes it


def test_the_xlsx_keeps_the_json_numbers_as_numbers_one_sheet_per_table(outputs, db, capsys):
    report = json_report(db, 2024, capsys)
    wb = openpyxl.load_workbook(outputs["q2x"])
    assert {"Báo cáo", "Chỉ tiêu", "Theo huyện", "Nhiệm vụ quá hạn", "Phiên bản số liệu"} <= set(
        wb.sheetnames
    )
    ws = wb["Chỉ tiêu"]
    assert ws.cell(1, 1).value == "SỐ LIỆU MẪU"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == INDICATORS
    for row, item in zip(rows, report["indicators"], strict=True):
        value = row[3]
        expected = None if item["value"] is None else item["value"] / (100 if item["unit"] == "%" else 1)
        assert value == pytest.approx(expected)
        share = row[6]
        assert share == (None if item["target_share"] is None else pytest.approx(item["target_share"] / 100))
    percent_cell = ws.cell(4 + next(i for i, it in enumerate(report["indicators"]) if it["unit"] == "%"), 4)
    assert percent_cell.number_format.endswith("%")


def test_a_formula_like_text_is_written_to_excel_as_text_with_the_quote_prefix():
    head = Letterhead("P", "I", "N", "M", "Số", "Nơi", "Kính gửi", ("x",), "GĐ")
    table = Table("reports", "Bảng 1. x", ("Kết quả", "Số"), (('=HYPERLINK("http://x")', Num(1234.5, 1)),))
    brief = Brief("vi", 2024, None, False, head, "BÁO CÁO", "T", "intro", [Section("I. A", [table])], False)
    ws = openpyxl.load_workbook(io.BytesIO(brief_xlsx_bytes(brief)))["Kết quả báo cáo"]
    cell = ws.cell(4, 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix
    assert ws.cell(4, 2).value == 1234.5 and ws.cell(4, 2).number_format == "#,##0.0"


# --- tasks ----------------------------------------------------------------------------------------------------


def test_every_overdue_task_is_listed_with_its_reason(outputs, db, capsys):
    code, out, _ = run(capsys, "tasks", "--format", "json", "--db", db, "--today", "2024-06-30")
    assert code == EXIT_OK
    overdue = sorted(f"{t['group']}.{t['number']}" for t in json.loads(out) if t["overdue"])
    table = rows_of(table_after(Document(outputs["q2"]), "Các nhiệm vụ quá hạn"))
    assert sorted(r[0] for r in table[1:]) == overdue
    assert all(r[2] for r in table[1:])  # a reason for each


def test_the_status_table_by_lead_agency_counts_every_task_once_per_lead_agency(outputs):
    from kpi.workbook.task_contract import default_tasks

    tasks = default_tasks()
    table = rows_of(table_after(Document(outputs["q2"]), "Tình trạng nhiệm vụ theo cơ quan chủ trì"))
    assert table[0][:2] == ["Cơ quan chủ trì", "Tổng số"]
    assert sum(int(r[1]) for r in table[1:]) == sum(len(t.lead_agencies) for t in tasks)
    assert len(list(tasks)) == TASKS


def test_the_difficulties_section_gathers_the_late_and_not_started_reports_of_the_period(outputs):
    doc = Document(outputs["final"])
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT")
    body = texts[start + 1 : start + 8]
    assert body[0].startswith("Tổng hợp từ 1 báo cáo năm 2025")
    # IV.17 is reported late in 2025 by the sample; its line gives the report's column of difficulties,
    # which the sample generator fills for late reports (data/sample/tasks/generator.yaml).
    difficulties = yaml.safe_load(GENERATOR.read_text(encoding="utf-8"))["difficulties"]["late"]
    assert f"- UBND các huyện, TP (IV.17, Năm 2025, Chậm tiến độ): {difficulties}" in body
    assert any(line.startswith("Đề xuất:") for line in body)


# --- the final review ------------------------------------------------------------------------------------------


def test_the_plans_last_year_brings_the_final_review_with_targets_path_and_tasks(outputs):
    doc = Document(outputs["final"])
    texts = [p.text for p in doc.paragraphs]
    assert "Tổng kết thực hiện Kế hoạch 485/KH-UBND giai đoạn 2020 - 2025" in texts
    assert any(t.endswith("TỔNG KẾT GIAI ĐOẠN 2020 - 2025") for t in texts)
    targets = rows_of(table_after(doc, "Kết quả các mục tiêu giai đoạn"))
    assert len(targets) == INDICATORS + 1
    assert {r[5] for r in targets[1:]} <= {"Đạt", "Không đạt", "Chưa đến hạn (2030)"}
    path = rows_of(table_after(doc, "Diễn biến các chỉ tiêu qua các năm"))
    assert path[0][1:] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    tasks = rows_of(table_after(doc, "Kết quả thực hiện các nhiệm vụ"))
    assert len(tasks) == TASKS + 1
    assert {r[4] for r in tasks[1:]} == {"Đã hoàn thành", "Chưa hoàn thành"}


def test_an_earlier_year_has_no_final_review_unless_asked(outputs, db, tmp_path):
    texts = [p.text for p in Document(outputs["y2023"]).paragraphs]
    assert not any("TỔNG KẾT GIAI ĐOẠN" in t for t in texts)
    out = tmp_path / "f.docx"
    assert main(["brief", "--year", "2023", "--final", "--no-charts", "--out", str(out), "--db", db]) == 0
    texts = [p.text for p in Document(out).paragraphs]
    assert any("TỔNG KẾT GIAI ĐOẠN 2020 - 2025" in t for t in texts)
    assert "Tình hình thực hiện Kế hoạch 485/KH-UBND năm 2023" in texts  # the period's title, review added


# --- the command ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ["--year", "2019"],
            EXIT_REJECTED,
            "Không có số liệu năm 2019; các năm có: 2020, 2021, 2022, 2023, 2024, 2025.",
        ),
        (["--year", "2019", "--lang", "en"], EXIT_REJECTED, "No data for 2019; years present: 2020, 2021"),
        (["--year", "2024", "--quarter", "5"], EXIT_UNREADABLE, "invalid choice: 5"),
    ],
)
def test_the_command_refuses_a_year_or_quarter_without_data_with_a_message(
    db, tmp_path, capsys, argv, code, message
):
    out = tmp_path / "r.docx"
    got, _, err = run(capsys, "brief", *argv, "--out", str(out), "--db", db, "--no-charts")
    assert got == code
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_an_output_name_without_a_known_format_is_refused(db, tmp_path, capsys):
    code, _, err = run(capsys, "brief", "--year", "2024", "--out", str(tmp_path / "r.pdf"), "--db", db)
    assert code == EXIT_UNREADABLE and ".docx hoặc .xlsx" in err


def test_an_unwritable_output_is_a_message_not_a_traceback(db, tmp_path, capsys):
    code, _, err = run(
        capsys,
        "brief",
        "--year",
        "2024",
        "--no-charts",
        "--out",
        str(tmp_path),
        "--format",
        "docx",
        "--db",
        db,
    )
    assert code == EXIT_UNREADABLE
    assert err.startswith("Không ghi được tệp") and "Traceback" not in err


def test_the_report_in_english_has_english_headings(db, tmp_path, capsys):
    out = tmp_path / "en.docx"
    code, stdout, _ = run(
        capsys, "brief", "--year", "2024", "--lang", "en", "--no-charts", "--out", str(out), "--db", db
    )
    assert code == EXIT_OK and stdout.startswith("Wrote ")
    texts = [p.text for p in Document(out).paragraphs]
    assert "SOCIALIST REPUBLIC OF VIET NAM" in paragraphs(Document(out))
    assert "IV. DIFFICULTIES, OBSTACLES AND PROPOSALS" in texts


def test_an_empty_store_has_nothing_to_report(tmp_path, capsys):
    code, _, err = run(
        capsys,
        "brief",
        "--year",
        "2024",
        "--out",
        str(tmp_path / "r.docx"),
        "--db",
        f"sqlite:///{tmp_path / 'e.sqlite'}",
    )
    assert code == EXIT_REJECTED and "Không có số liệu nào" in err


def test_period_end_is_the_last_day_of_the_quarter_or_year():
    from kpi.reports.brief import period_end

    assert [period_end(2024, q) for q in (1, 2, 3, 4, None)] == [
        dt.date(2024, 3, 31),
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        dt.date(2024, 12, 31),
        dt.date(2024, 12, 31),
    ]


# --- the V.1 register -------------------------------------------------------------------------------------------

REGISTER = pd.DataFrame(
    [
        {"year": 2021, "unit": "Sở Công Thương", "issued": False, "plan_number": None, "plan_date": None, "note": "Dự thảo"},
        {"year": 2021, "unit": "UBND huyện Cư Jút", "issued": True, "plan_number": "88/KH-UBND", "plan_date": "01/12/2020", "note": None},
        {"year": 2022, "unit": "sở công thương", "issued": True, "plan_number": "12/KH-SCT", "plan_date": "02/03/2022", "note": None},
    ]
)  # fmt: skip


def test_the_register_keeps_each_units_latest_record_up_to_the_year():
    from kpi.reports.brief import register_rows

    assert register_rows(REGISTER, 2021) == (
        ("Sở Công Thương", "Không", "", "", "Dự thảo", "2021"),
        ("UBND huyện Cư Jút", "Có", "88/KH-UBND", "01/12/2020", "", "2021"),
    )
    assert register_rows(REGISTER, 2024)[0] == ("sở công thương", "Có", "12/KH-SCT", "02/03/2022", "", "2022")
    assert register_rows(None, 2024) == ()


def test_the_report_lists_the_register_or_says_none_was_recorded(db):
    from kpi.reports.brief import build_brief, load_brief_data
    from kpi.store.versions import open_store

    with open_store(db) as store:
        data = load_brief_data(store)
    # The sample records 4 units in 2020 (Tuy Đức still drafting) and 2 in 2021 (Tuy Đức issued, Công Thương):
    # in 2024 five units, all issued (data/sample/tasks/generator.yaml).
    brief = build_brief(data, 2024, pictures=False)
    (table,) = [t for t in brief.tables() if t.id == "register"]
    assert [r[0] for r in table.rows] == [
        "Sở Kế hoạch và Đầu tư",
        "Sở Nông nghiệp và PTNT",
        "UBND thành phố Gia Nghĩa",
        "UBND huyện Tuy Đức",
        "Sở Công Thương",
    ]
    assert table.rows[3][1:3] == ("Có", "12/KH-UBND (mẫu)")
    texts = [b for s in brief.sections for b in s.blocks if isinstance(b, str)]
    summary = "Theo mục V.1 của Kế hoạch, các sở, ngành, địa phương ban hành kế hoạch triển khai của mình: "
    assert summary + "5/5 đơn vị được ghi nhận đã ban hành." in texts
    texts = [
        b for s in build_brief(data, 2020, 4, pictures=False).sections for b in s.blocks if isinstance(b, str)
    ]
    assert summary + "3/4 đơn vị được ghi nhận đã ban hành." in texts
    none = build_brief(dataclasses.replace(data, task_plans=None), 2024, pictures=False)
    texts = [b for s in none.sections for b in s.blocks if isinstance(b, str)]
    assert any(t.startswith("Chưa có sở, ngành, địa phương nào báo cáo") for t in texts)


def test_the_final_reviews_count_of_targets_reached_is_the_json_reports(outputs, db, capsys):
    items = json_report(db, 2025, capsys)["indicators"]
    due = [i for i in items if i["target_year"] <= 2025]
    later = [i for i in items if i["target_year"] > 2025]
    reached = sum(i["status"] == "achieved" for i in due)
    early = sum(i["status"] == "achieved" for i in later)
    expected = (
        f"Đến năm 2025, {reached}/{len(due)} chỉ tiêu đến hạn đã đạt mục tiêu; {len(later)} chỉ tiêu có hạn "
        f"sau năm 2025, trong đó {early} chỉ tiêu đã đạt trước hạn."
    )
    assert expected in [p.text for p in Document(outputs["final"]).paragraphs]


def test_a_review_before_any_target_is_due_says_so_instead_of_zero_of_zero(db, tmp_path, capsys):
    items = json_report(db, 2023, capsys)["indicators"]
    assert all(i["target_year"] > 2023 for i in items)
    early = sum(i["status"] == "achieved" for i in items)
    out = tmp_path / "f.docx"
    assert main(["brief", "--year", "2023", "--final", "--no-charts", "--out", str(out), "--db", db]) == 0
    texts = [p.text for p in Document(out).paragraphs]
    assert (
        f"Đến năm 2023 chưa có chỉ tiêu nào đến hạn; {early}/{len(items)} chỉ tiêu đã đạt mục tiêu trước hạn."
        in texts
    )


def test_texts_of_the_reports_are_written_to_word_as_plain_text_whatever_they_hold():
    from kpi.reports.docx_writer import brief_docx_bytes

    head = Letterhead("P", "I", "N", "M", "Số", "Nơi", "Kính gửi", ("x",), "GĐ")
    hostile = ("**đậm** <b>x</b> =1+1", "chuông\x07 và NUL\x00")
    table = Table("reports", "Bảng 1. x", ("Kết quả", "Ghi chú"), (hostile,))
    section = Section("I. A", ["- " + hostile[0], table])
    brief = Brief("vi", 2024, None, False, head, "BÁO CÁO", "T", "intro", [section], False)
    doc = Document(io.BytesIO(brief_docx_bytes(brief)))
    assert "- **đậm** <b>x</b> =1+1" in [p.text for p in doc.paragraphs]
    assert rows_of(doc.tables[-2])[1] == ["**đậm** <b>x</b> =1+1", "chuông\ufffd và NUL\ufffd"]
