"""The command line: `template`, `report` (JSON and table) and the round trip template -> filled -> check."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from kpi.cli import main as cli
from tests.handmade import handmade_files
from tests.stats.test_report import CONTRACT_KEYS


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The hand-made workbooks of 2022 and 2023 (tests/handmade.py)."""
    return handmade_files(tmp_path_factory.mktemp("handmade"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Return (exit code, stdout, stderr) of the command line."""
    code = cli.main([*argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_json_follows_the_contract(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", *map(str, files), "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["year"] == 2023
    assert len(data["indicators"]) == 17
    assert all(list(item) == CONTRACT_KEYS for item in data["indicators"])
    members = next(i for i in data["indicators"] if i["id"] == "members")
    assert (members["value"], members["target"], members["baseline"]) == (163, 27379, 100)


def test_report_of_an_earlier_year_uses_only_the_years_up_to_it(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", *map(str, files), "--year", "2022", "--format", "json")
    data = json.loads(out)
    assert (code, data["year"]) == (0, 2022)
    cooperatives = next(i for i in data["indicators"] if i["id"] == "cooperatives")
    assert (cooperatives["value"], cooperatives["status"], cooperatives["ratio"]) == (
        6,
        "insufficient_data",
        None,
    )


def test_report_by_district_gives_each_district_value(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", *map(str, files), "--by", "district", "--format", "json")
    items = {i["id"]: i for i in json.loads(out)["indicators"]}
    assert code == 0
    assert items["cooperatives"]["districts"]["Cư Jút"] == 3
    assert items["communes_with_effective_coop"]["districts"]["Krông Nô"] == pytest.approx(100 / 12)
    assert "districts" not in items["fund_capital"]


def test_report_table_uses_vietnamese_numbers(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", *map(str, files))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Kết quả thực hiện 485/KH-UBND, năm 2023"
    members = next(line for line in lines if line.startswith("Số thành viên HTX "))
    assert "163 người" in members
    assert "27.379 người (2025)" in members  # dot groups thousands
    assert "0,6%" in members  # 163 / 27 379 = 0,595 %
    assert "Tiến triển chậm" in members
    income = next(line for line in lines if line.startswith("Thu nhập bình quân"))
    assert "48,8 triệu đồng/người/năm" in income  # 1415 / 29 = 48,79: comma for decimals
    weak = next(line for line in lines if line.startswith("Tỷ lệ HTX xếp loại yếu"))
    assert "16,7%" in weak and "Cần tăng tốc" in weak
    # lower is better: the target is a ceiling and no share of it is claimed
    assert "≤ 15,0% (2025) (suy ra)" in weak and "111,1%" not in weak  # and derived: the plan says "giảm"


def test_report_table_in_english_uses_english_numbers(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--lang", "en", "report", *map(str, files), "--by", "district")
    members = next(line for line in out.splitlines() if line.startswith("Cooperative members "))
    assert code == 0
    assert "27,379 people (2025)" in members
    assert "Limited progress" in members
    assert "    Krông Nô" in out  # district lines under each indicator that has them


def test_report_of_a_year_not_in_the_files_exits_1(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "report", *map(str, files), "--year", "2021")
    assert (code, out) == (1, "")
    assert err.strip() == "Không có số liệu năm 2021; các năm có: 2022, 2023."


def test_report_names_the_file_of_each_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.corpus.make_corpus import FILES

    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(FILES["blank_required_cell"][1]())
    code, out, err = run(capsys, "report", str(bad))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{bad}: Lỗi: Sheet 'HTX', dòng 5, cột 'Tên HTX', ô B5: Ô bắt buộc đang để trống."
    ]


def test_report_of_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "not-excel.xlsx"
    bad.write_text("không phải Excel")
    code, _, err = run(capsys, "report", str(bad))
    assert code == 2
    assert err.startswith(f"{bad}: Lỗi: Tệp không phải là bảng tính Excel đọc được")


def test_a_blank_template_is_written_and_is_not_yet_usable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mau.xlsx"
    assert run(capsys, "template", str(out)) == (0, f"Đã ghi {out}.\n", "")
    code, text, _ = run(capsys, "check", str(out))
    assert code == 1
    assert (
        text.splitlines()[0]
        == "Lỗi: Sheet 'Thông tin', dòng 2, cột 'Năm báo cáo', ô B2: Ô bắt buộc đang để trống."
    )


def test_a_template_filled_in_with_openpyxl_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mau.xlsx"
    assert run(capsys, "template", str(path))[0] == 0
    book = openpyxl.load_workbook(path)
    info, coops, groups = book["Thông tin"], book["HTX"], book["THT"]
    assert (info["A2"].value, info["B2"].value) == ("Năm báo cáo", None)
    info["B2"] = 2024
    info["B4"] = 18500  # fund capital, row 4 of the template
    headers = [cell.value for cell in coops[1]]
    filled = {
        "Mã HTX": "6400123456",
        "Tên HTX": "HTX Dịch vụ Nông nghiệp Tâm Thắng",
        "Huyện/Thành phố": "Cư Jút",
        "Xã/Phường/Thị trấn": "Tâm Thắng",
        "Lĩnh vực": "Nông nghiệp",
        "Năm thành lập": 2019,
        "Tình trạng": "Đang hoạt động",
        "Số thành viên": 35,
        "Số lao động thường xuyên": 8,
        "Doanh thu (triệu đồng)": 2350.5,
        "Lợi nhuận (triệu đồng)": -12,
        "Xếp loại": "Khá",
        "Số cán bộ quản lý": 4,
        "Tham gia chuỗi giá trị": "Có",
        "HTX điển hình": "Không",
    }
    for column, header in enumerate(headers, start=1):
        if header in filled:
            coops.cell(row=2, column=column, value=filled[header])
    groups["A2"], groups["B2"], groups["C2"] = "Cư Jút", 12, 7
    book.save(path)

    code, out, err = run(capsys, "check", str(path))
    assert (code, err) == (0, "")
    assert out == "Tệp dùng được: 1 HTX, năm 2024.\n"
    code, out, _ = run(capsys, "report", str(path), "--format", "json")
    items = {i["id"]: i for i in json.loads(out)["indicators"]}
    assert (items["members"]["value"], items["fund_capital"]["value"]) == (35, 18500)
    assert items["avg_profit"]["value"] == -12
    assert items["tht_certified_share"]["value"] == pytest.approx(700 / 12)


def test_a_wrong_command_line_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--format", "xml"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_workbook_written_in_the_template_format_from_clean_data_checks_back_to_the_same_data() -> None:
    from kpi.workbook.validate import check_bytes
    from kpi.workbook.writer import workbook_bytes
    from tests.handmade import handmade_bytes

    first = check_bytes(handmade_bytes(2023)).clean
    again = check_bytes(workbook_bytes(info=first.info, coops=first.coops, groups=first.groups))
    assert again.ok
    assert again.clean.year == 2023
    columns = [c for c in first.coops.columns if c != "_row"]
    assert again.clean.coops[columns].equals(first.coops[columns])
    assert list(again.clean.coops["_row"]) == list(range(2, 11))  # template: header on row 1
    assert again.clean.info == first.info


def test_template_into_a_folder_that_does_not_exist_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "không-có" / "mau.xlsx"
    code, out, err = run(capsys, "template", str(target))
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"Không ghi được tệp {target}: No such file or directory."]


# --- the template prefilled with a stored year (template --from-year) -----------------------------------------


@pytest.fixture
def store_2024(tmp_path: Path) -> str:
    """A store holding 2024 twice (version 2 in force: the first cooperative with 40 members), whose texts
    include ones Excel would take for formulas (=SUM(A1:A3), -HTX..., @HTX...)."""
    from kpi.store.versions import open_store
    from tests.store.test_versions import OPERATOR, make_workbook, with_members

    url = f"sqlite:///{tmp_path / 'kpi.sqlite'}"
    with open_store(url) as store:
        assert store.import_workbook(make_workbook(2024), "a.xlsx", None, "Lan", identity=OPERATOR).ok
        assert store.import_workbook(
            make_workbook(2024, coops=with_members(40)), "b.xlsx", None, "Lan", identity=OPERATOR
        ).ok
    return url


def test_template_from_year_writes_the_version_in_force_which_checks_back_to_the_same_data(
    tmp_path: Path, store_2024: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kpi.store.versions import open_store
    from kpi.workbook.validate import check_file

    out = tmp_path / "mau-2024.xlsx"
    code, text, err = run(capsys, "template", str(out), "--from-year", "2024", "--db", store_2024)
    assert (code, err) == (0, "")
    assert text == f"Đã ghi {out} (năm 2024, phiên bản 2).\n"
    again = check_file(str(out))
    assert again.ok, [p.line() for p in again.problems]
    with open_store(store_2024) as store:
        stored = store.load_dataset()
    columns = [c for c in again.clean.coops.columns if c != "_row"]
    stored_coops = stored.coops[stored.coops["year"] == 2024][columns].reset_index(drop=True)
    assert again.clean.coops[columns].reset_index(drop=True).equals(stored_coops)
    assert again.clean.coops["members"].iloc[0] == 40  # version 2, not 1
    # Formula-like texts are written as texts, shown as typed and never run by Excel.
    sheet = openpyxl.load_workbook(out)["HTX"]
    codes = {sheet.cell(r, 1).value: sheet.cell(r, 1) for r in range(2, 5)}
    assert codes["=SUM(A1:A3)"].data_type == "s" and codes["=SUM(A1:A3)"].quotePrefix


def test_template_from_a_year_not_stored_exits_1_naming_the_years_present(
    tmp_path: Path, store_2024: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mau.xlsx"
    code, text, err = run(capsys, "template", str(out), "--from-year", "2019", "--db", store_2024)
    assert (code, text) == (1, "")
    assert err == "Lỗi: Kho dữ liệu chưa có số liệu năm 2019; các năm có: 2024.\n"
    assert not out.exists()
