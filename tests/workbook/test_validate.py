"""Checking workbooks: one corpus file per kind of fault, each problem at its exact (sheet, Excel row, column).

The corpus is built by tests/corpus/make_corpus.py into a temporary folder once per test session. The base
workbook has sheet HTX's header on Excel row 3 (two title rows above) and its cooperatives on rows 4, 5, 6;
sheet THT's districts on rows 2 and 3; "Năm báo cáo" on row 2 of sheet Thông tin.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli import main as cli
from kpi.common import problems as pb
from kpi.workbook.contract import COOP, GROUP
from kpi.workbook.validate import WorkbookUnreadable, check_bytes
from tests.builders import coop, grid_bytes, group, info_rows, table_rows, workbook, xls_bytes
from tests.corpus.make_corpus import FILES, many_bad_rows, write_corpus

ROOT = Path(__file__).resolve().parents[2]
E, W, I = "error", "warning", "info"  # noqa: E741 (I as in the letters of the severities)
HTX, THT, INFO = "HTX", "THT", "Thông tin"
MEMBERS = "Số thành viên"

# File name -> (exit code of `check`, every problem as (severity, code, sheet, Excel row, column header)).
EXPECTED: dict[str, tuple[int, list[tuple[str, str, str | None, int | None, str | None]]]] = {
    "valid": (0, []),
    "valid_xlsm": (0, []),
    "valid_xls": (0, []),
    "missing_sheet": (1, [(E, "missing_sheet", HTX, None, None)]),
    "missing_required_column": (1, [(E, "missing_column", HTX, 3, "Tình trạng")]),
    "duplicate_column": (1, [(E, "duplicate_column", HTX, 3, MEMBERS)]),
    "no_header": (1, [(E, "no_header", HTX, None, None)]),
    "blank_required_cell": (1, [(E, "required", HTX, 5, "Tên HTX")]),
    "text_in_number_column": (1, [(E, "not_a_number", HTX, 6, MEMBERS)]),
    "ambiguous_text_number": (1, [(E, "ambiguous_number", HTX, 4, "Doanh thu (triệu đồng)")]),
    "foreign_text_number": (
        1,
        [(E, "foreign_number", HTX, 4, "Thu nhập bình quân (triệu đồng/người/năm)")],
    ),
    "negative_count": (1, [(E, "negative", HTX, 5, "Số lao động thường xuyên")]),
    "non_whole_count": (1, [(E, "not_whole", HTX, 6, MEMBERS)]),
    "negative_revenue": (1, [(E, "negative", HTX, 4, "Doanh thu (triệu đồng)")]),
    "unknown_district": (1, [(E, "unknown_district", HTX, 5, "Huyện/Thành phố")]),
    "unknown_commune": (0, [(W, "unknown_commune", HTX, 6, "Xã/Phường/Thị trấn")]),
    "bad_choice": (1, [(E, "not_in_list", HTX, 4, "Xếp loại")]),
    "bad_yes_no": (1, [(E, "not_in_list", HTX, 5, "Tham gia chuỗi giá trị")]),
    "duplicate_code": (
        1,
        [(E, "duplicate_code", HTX, 4, "Mã HTX"), (E, "duplicate_code", HTX, 6, "Mã HTX")],
    ),
    "managers_above_split": (1, [(E, "managers_split", HTX, 5, "Số cán bộ quản lý")]),
    "certified_above_groups": (1, [(E, "certified_above_groups", THT, 3, "Số tổ hợp tác")]),
    "duplicate_district": (
        1,
        [
            (E, "duplicate_district", THT, 2, "Huyện/Thành phố"),
            (E, "duplicate_district", THT, 3, "Huyện/Thành phố"),
            (I, "spelling_corrected", THT, 3, "Huyện/Thành phố"),  # "cu jut" read as "Cư Jút", said last
        ],
    ),
    "founded_after_report": (1, [(E, "founded_after_report", HTX, 4, "Năm thành lập")]),
    "missing_year": (1, [(E, "missing_info", INFO, None, "Năm báo cáo")]),
    "blank_year": (1, [(E, "required", INFO, 2, "Năm báo cáo")]),
    "invalid_year": (1, [(E, "not_a_number", INFO, 2, "Năm báo cáo")]),
    "year_out_of_range": (1, [(E, "bad_year", INFO, 2, "Năm báo cáo")]),
    "many_faults": (
        1,
        [
            (E, "foreign_number", INFO, 3, "Nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX (triệu đồng)"),
            (E, "not_a_number", HTX, 4, MEMBERS),
            (E, "not_in_list", HTX, 4, "Xếp loại"),
            (E, "duplicate_code", HTX, 4, "Mã HTX"),
            (E, "negative", HTX, 5, "Doanh thu (triệu đồng)"),
            (E, "duplicate_code", HTX, 5, "Mã HTX"),
            (E, "unknown_district", HTX, 6, "Huyện/Thành phố"),
            (E, "required", HTX, 6, "Tên HTX"),
            (E, "founded_after_report", HTX, 6, "Năm thành lập"),
            (E, "certified_above_groups", THT, 2, "Số tổ hợp tác"),
            (E, "ambiguous_number", THT, 3, "Số tổ hợp tác"),
        ],
    ),
    # Files that cannot be read at all: exit 2 and one line, no location.
    "not_excel": (2, [(E, "not_excel", None, None, None)]),
    "corrupt_zip": (2, [(E, "not_excel", None, None, None)]),
    "empty_file": (2, [(E, "empty_file", None, None, None)]),
    "password_protected": (2, [(E, "encrypted", None, None, None)]),
}
UNREADABLE = {name for name, (code, _) in EXPECTED.items() if code == 2}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus files written once per session: name -> path."""
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (requirements-dev.txt) encrypts the workbook")
    return write_corpus(tmp_path_factory.mktemp("corpus"))


def located(problems: list[pb.Problem]) -> list[tuple[str, str, str | None, int | None, str | None]]:
    """Return (severity, code, sheet, row, column) of each problem, in the order given."""
    return [(p.severity.value, p.code, p.sheet, p.row, p.column) for p in problems]


# The corpus writes the columns of HTX and THT in the template's order (A, B, C, ...) and the values of
# Thông tin in column B, right of their labels; a column missing from the file has no letter.
LETTERS = {
    HTX: {c.header: chr(ord("A") + i) for i, c in enumerate(COOP.columns)},
    THT: {c.header: chr(ord("A") + i) for i, c in enumerate(GROUP.columns)},
    INFO: {"Năm báo cáo": "B", "Nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX (triệu đồng)": "B"},
}


def location_prefix(
    severity: str, sheet: str | None, row: int | None, column: str | None, missing: bool = False
) -> str:
    """Return the start of the printed line: "Lỗi: Sheet 'HTX', dòng 5, cột 'Tên HTX', ô B5: "."""
    parts = [f"Sheet '{sheet}'"] if sheet else []
    parts += [f"dòng {row}"] if row is not None else []
    parts += [f"cột '{column}'"] if column else []
    if row is not None and column and not missing:
        parts += [f"ô {LETTERS[sheet][column]}{row}"]
    head = {E: "Lỗi", W: "Cảnh báo", I: "Thông tin"}[severity]
    return f"{head}: {', '.join(parts)}: " if parts else f"{head}: "


def test_every_corpus_file_has_its_expectation() -> None:
    assert set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", [n for n in EXPECTED if n not in UNREADABLE])
def test_check_reports_each_fault_at_its_sheet_row_and_column(
    name: str, corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, expected = EXPECTED[name]
    assert located(check_bytes(corpus[name].read_bytes()).problems) == expected

    assert cli.main(["check", str(corpus[name])]) == exit_code
    out = capsys.readouterr().out.splitlines()
    # one line per problem, in order, each starting with its location; then the closing line
    assert len(out) == len(expected) + 1
    for line, (severity, code, sheet, row, column) in zip(out, expected, strict=False):
        missing = code == "missing_column"  # a column not in the file has no letter
        assert line.startswith(location_prefix(severity, sheet, row, column, missing)), line
    errors = sum(severity == E for severity, *_ in expected)
    closing = "Tệp dùng được: 3 HTX, năm 2022." if exit_code == 0 else f"Tệp có {errors} lỗi và 0 cảnh báo"
    assert out[-1].startswith(closing)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "not_excel",
            "Lỗi: Tệp không phải là bảng tính Excel đọc được (.xlsx, .xlsm, .xls): không nhận ra định dạng tệp",
        ),
        (
            "corrupt_zip",
            "Lỗi: Tệp không phải là bảng tính Excel đọc được (.xlsx, .xlsm, .xls): tệp zip bị hỏng",
        ),
        ("empty_file", "Lỗi: Tệp rỗng (0 byte)."),
        ("password_protected", "Lỗi: Tệp được đặt mật khẩu; hãy gỡ mật khẩu trong Excel rồi tải lại."),
    ],
)
def test_a_file_that_is_no_readable_workbook_exits_2_with_one_line(
    name: str, message: str, corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check", str(corpus[name])]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [message]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "blank_required_cell",
            "Error: Sheet 'HTX', row 5, column 'Tên HTX', cell B5: A required cell is blank.",
        ),
        (
            "text_in_number_column",
            "Error: Sheet 'HTX', row 6, column 'Số thành viên', cell H6: Value 'hai mươi' is not a number; "
            "expected a whole number ≥ 0 (people).",
        ),
        (
            "ambiguous_text_number",
            "Error: Sheet 'HTX', row 4, column 'Doanh thu (triệu đồng)', cell J4: Value '1,234' reads 1.234 the Vietnamese "
            "way but 1,234 the English way; type a numeric cell or write it unambiguously (dot for thousands, "
            "comma for decimals).",
        ),
        (
            "non_whole_count",
            "Error: Sheet 'HTX', row 6, column 'Số thành viên', cell H6: Value 12.5 is not a whole number; "
            "expected a whole number ≥ 0 (people).",
        ),
        (
            "managers_above_split",
            "Error: Sheet 'HTX', row 5, column 'Số cán bộ quản lý', cell N5: Elementary/intermediate (2) + "
            "college/university (2) = 4, above the managers (3).",
        ),
        (
            "missing_sheet",
            "Error: Sheet 'HTX': Sheet 'HTX' is missing. Sheets in the file: 'Thông tin', 'THT'.",
        ),
        (
            "corrupt_zip",
            "Error: The file is not a readable Excel workbook (.xlsx, .xlsm, .xls): the zip container is corrupt",
        ),
    ],
)
def test_lang_en_gives_the_messages_in_english(
    name: str, message: str, corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["check", str(corpus[name]), "--lang", "en"])
    captured = capsys.readouterr()
    assert (captured.out + captured.err).splitlines()[0] == message


def test_lang_en_before_the_command_works_too(
    corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--lang", "en", "check", str(corpus["unknown_commune"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "Warning: Sheet 'HTX', row 6, column 'Xã/Phường/Thị trấn', cell D6: Commune 'Xã Không Có'"
    )
    assert out[1] == "The workbook can be used: 3 cooperatives, year 2022."


def test_the_vietnamese_messages_name_value_found_and_value_expected(corpus: dict[str, Path]) -> None:
    problems = {
        n: check_bytes(corpus[n].read_bytes()).problems[0]
        for n in ("ambiguous_text_number", "duplicate_code")
    }
    assert problems["ambiguous_text_number"].message() == (
        "Giá trị '1,234' đọc theo kiểu Việt Nam là 1,234 nhưng theo kiểu Anh là 1.234; hãy nhập ô dạng số hoặc "
        "ghi rõ (dấu chấm ngăn nghìn, dấu phẩy thập phân)."
    )
    assert problems["duplicate_code"].message() == "Mã HTX '6400000001' trùng với dòng 6."


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"members": -3}, "Giá trị −3 âm; cần số ≥ 0."),
        ({"workers": 2.5}, "Giá trị 2,5 không phải số nguyên; cần một số nguyên ≥ 0 (người)."),
        ({"founded_year": 2019.5}, "Giá trị 2019,5 không phải số nguyên; cần một năm, ví dụ 2024."),
        (
            {"founded_year": "2019.0"},
            "Giá trị '2019.0' viết theo kiểu Anh (dấu chấm thập phân); cần kiểu Việt Nam, ví dụ '2019'.",
        ),
        (
            {"revenue": "1.5"},
            "Giá trị '1.5' viết theo kiểu Anh (dấu chấm thập phân); cần kiểu Việt Nam, ví dụ '1,5'.",
        ),
        (
            {"profit": "12,345.6"},
            "Giá trị '12,345.6' viết theo kiểu Anh (dấu chấm thập phân); cần kiểu Việt Nam, ví dụ '12.345,6'.",
        ),
        ({"revenue": "nhiều"}, "Giá trị 'nhiều' không phải là số; cần một số ≥ 0 (triệu đồng)."),
        ({"model": "có thể"}, "Giá trị 'có thể' không có trong danh sách; cần một trong: Có; Không."),
        ({"founded_year": 2023}, "Năm thành lập 2023 sau năm báo cáo 2022."),
    ],
)
def test_each_message_quotes_the_value_found_and_what_was_expected(cells: dict, message: str) -> None:
    problems = check_bytes(workbook(coops=[coop("A1", **cells)], groups=[group()])).problems
    assert [p.message() for p in problems] == [message]


def test_250_bad_rows_print_200_lines_and_one_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.xlsx"
    path.write_bytes(many_bad_rows(250))
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 200 + 1 + 1  # 200 problems, the count of the rest, the closing line
    assert out[0].startswith("Lỗi: Sheet 'HTX', dòng 2, cột 'Số thành viên', ô H2: Giá trị 'không rõ'")
    assert out[199].startswith("Lỗi: Sheet 'HTX', dòng 201, cột 'Số thành viên', ô H201:")
    assert out[200] == "… và 50 vấn đề khác (chỉ hiện 200 vấn đề đầu tiên)."
    assert out[201] == "Tệp có 250 lỗi và 0 cảnh báo; hãy sửa rồi kiểm tra lại."


def test_a_missing_required_column_is_reported_once_not_on_every_row() -> None:
    rows = [coop(f"A{i}") for i in range(5)]
    data = workbook(coops=rows, columns=[c for c in COOP.ids if c != "district"], groups=[group()])
    problems = located(check_bytes(data).problems)
    # the communes cannot be checked without a district either: nothing else is reported
    assert problems == [(E, "missing_column", HTX, 1, "Huyện/Thành phố")]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"members": dt.datetime(2022, 3, 1)}, MEMBERS),  # a date where a count belongs
        ({"revenue": True}, "Doanh thu (triệu đồng)"),  # TRUE typed into a money column
        ({"profit": dt.time(8, 30)}, "Lợi nhuận (triệu đồng)"),
    ],
)
def test_a_date_or_boolean_in_a_number_column_is_reported_not_read_as_blank(cells: dict, column: str) -> None:
    data = workbook(coops=[coop("A1", **cells)], groups=[group()])
    assert located(check_bytes(data).problems) == [(E, "not_a_number", HTX, 2, column)]


@pytest.mark.parametrize(
    ("cells", "clean"),
    [
        ({"rating": "tot"}, {"rating": "Tốt"}),
        ({"rating": "TRUNG BINH"}, {"rating": "Trung bình"}),
        ({"rating": "chưa xếp loại"}, {"rating": "Chưa xếp loại"}),
        ({"status": "dang hoat dong"}, {"status": "Đang hoạt động"}),
        ({"status": "Tạm ngừng"}, {"status": "Tạm ngừng hoạt động"}),
        ({"status": "đã giải thể"}, {"status": "Giải thể"}),
        ({"sector": "thuong mai dich vu"}, {"sector": "Thương mại - Dịch vụ"}),
        ({"value_chain": "co", "model": "KHÔNG"}, {"value_chain": True, "model": False}),
        ({"value_chain": "x", "model": 0}, {"value_chain": True, "model": False}),
        (
            {"district": "huyện cư jút", "commune": "TT. Ea Tling"},
            {"district": "Cư Jút", "commune": "Ea T'ling"},
        ),
        ({"district": "Dak Rlap", "commune": "Kien Duc"}, {"district": "Đắk R'lấp", "commune": "Kiến Đức"}),
        (
            {"members": "1.234", "revenue": "12.079,5", "profit": "-3"},
            {"members": 1234, "revenue": 12079.5, "profit": -3},
        ),
    ],
)
def test_spelling_variants_and_text_numbers_are_accepted_and_normalised(cells: dict, clean: dict) -> None:
    result = check_bytes(workbook(coops=[coop("A1", **cells)], groups=[group()]))
    # Only place names are said to be read as another spelling (one information line each); lists are not.
    places = [k for k in ("district", "commune") if k in cells]
    assert [(p.code, p.value, p.params["name"]) for p in result.problems] == [
        ("spelling_corrected", cells[k], clean[k]) for k in places
    ]
    row = result.clean.coops.iloc[0]
    assert {k: row[k] for k in clean} == clean


def test_a_value_on_several_lines_is_shown_on_one_line_and_a_long_one_cut_short() -> None:
    data = workbook(coops=[coop("A1", commune="Xã\nKhông Có"), coop("A2", district="Huyện " + "x" * 300)])
    lines = [p.line() for p in check_bytes(data).problems]
    assert lines[0].startswith(
        "Cảnh báo: Sheet 'HTX', dòng 2, cột 'Xã/Phường/Thị trấn', ô D2: Xã/phường/thị trấn 'Xã Không Có'"
    )
    assert lines[1].startswith(
        "Lỗi: Sheet 'HTX', dòng 3, cột 'Huyện/Thành phố', ô C3: Huyện/thành phố 'Huyện xxx"
    )
    assert "x" * 110 + "…'" in lines[1] and "x" * 120 not in lines[1]


def test_a_wrong_value_repeated_is_reported_on_each_of_its_rows_and_the_same_spelling_read_alike() -> None:
    rows = [
        coop("A1", district="Đắk Mol", rating="tốt", value_chain=True),
        coop("A2", district="dak mil", commune="Đức Mạnh", rating="Rất tốt", value_chain="có"),
        coop("A3", district="Đắk Mol", rating="tốt", value_chain=False),
        coop("A4", district="dak mil", commune="Đức Mạnh", rating="Rất tốt", value_chain="không"),
    ]
    result = check_bytes(workbook(coops=rows, groups=[group()]))
    # Rows 2 to 5 of sheet HTX; each wrong cell is its own error, the corrected spelling one information line.
    assert sorted((p.code, p.row, p.value) for p in result.problems) == [
        ("not_in_list", 3, "Rất tốt"),
        ("not_in_list", 5, "Rất tốt"),
        ("spelling_corrected", 3, "dak mil"),
        ("unknown_district", 2, "Đắk Mol"),
        ("unknown_district", 4, "Đắk Mol"),
    ]
    unknown = [p for p in result.problems if p.code == "unknown_district"]
    assert all("Đắk Mil" in p.line() for p in unknown)  # the closest name suggested on both rows
    values = check_bytes(
        workbook(
            coops=[
                coop(f"A{i}", rating="tốt", value_chain=v) for i, v in enumerate([True, "có", False, "không"])
            ],
            groups=[group()],
        )
    ).clean.coops
    # Excel's TRUE and FALSE and the words mean the same (a column of mixed kinds of cells).
    assert values["value_chain"].tolist() == [True, True, False, False]
    assert values["rating"].tolist() == ["Tốt"] * 4


def test_a_code_typed_as_a_number_keeps_no_decimal_part() -> None:
    result = check_bytes(workbook(coops=[{**coop(), "code": 6400000001.0}], groups=[group()]))
    assert result.clean.coops.loc[0, "code"] == "6400000001"


def test_a_workbook_written_by_the_builders_gives_typed_clean_frames() -> None:
    result = check_bytes(workbook(year="2.023", fund="15.000", coops=[coop("A1")], groups=[group()]))
    assert result.ok
    assert result.clean.year == 2023
    assert result.clean.info["fund_capital"] == 15000
    assert list(result.clean.coops["_row"]) == [2]
    assert result.clean.groups.loc[0, "certified"] == 5


GARBAGE = [
    None,
    "",
    "   ",
    "=1/0",
    "#DIV/0!",
    True,
    0,
    -1e300,
    1e308,
    dt.datetime(1900, 1, 1),
    dt.date(2999, 12, 31),
    dt.time(23, 59),
    "x" * 5000,
    "\u202eabc",
    "Xã\nKhông\r\nCó",
    "Tổng cộng",
    "1,234",
    "−0",
]


@pytest.mark.parametrize("value", GARBAGE, ids=range(len(GARBAGE)))
def test_any_value_in_every_cell_gives_problems_never_an_exception(value: object) -> None:
    row = dict.fromkeys(COOP.ids, value)
    data = grid_bytes(
        {
            "Thông tin": info_rows(value),
            "HTX": table_rows([coop("A1"), row, row]),
            "THT": table_rows([group(value, value, value)], GROUP),
        }
    )
    result = check_bytes(data)
    for problem in result.problems:
        for lang in ("vi", "en"):
            line = problem.line(lang)
            assert line and "\n" not in line and "\r" not in line  # one problem, one line
            assert len(line) < 1000  # a 5000-character cell is cut short


def test_the_command_line_never_prints_a_traceback_on_an_unexpected_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_reader(*args: object) -> None:
        raise ValueError("a reader bug")

    monkeypatch.setattr("kpi.workbook.reader.open_sheets", broken_reader)
    path = tmp_path / "báo cáo.xlsx"
    path.write_bytes(workbook())
    assert cli.main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"Tệp {path}: lỗi không mong đợi (ValueError); hãy gửi tệp này cho bộ phận kỹ thuật."
    ]
    assert cli.main(["check", str(path), "--lang", "en"]) == 2
    assert "unexpected error (ValueError)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "no-such-file.xlsx"], "Không tìm thấy tệp: no-such-file.xlsx"),
        (["check", "."], "Không đọc được tệp .: Is a directory."),
    ],
)
def test_a_missing_file_or_a_folder_exits_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [message]


def test_check_in_a_real_process_prints_the_problems_and_exits_1(corpus: dict[str, Path]) -> None:
    # One real process (python -m kpi) for the wiring of __main__; exit codes 0 and 2 are tested through main.
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "check", str(corpus["blank_required_cell"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "Lỗi: Sheet 'HTX', dòng 5, cột 'Tên HTX', ô B5: Ô bắt buộc đang để trống.",
        "Tệp có 1 lỗi và 0 cảnh báo; hãy sửa rồi kiểm tra lại.",
    ]
    assert done.stderr == ""


def test_check_writes_nothing(
    corpus: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in corpus.values()}
    cli.main(["check", str(corpus["valid"])])
    assert list(tmp_path.iterdir()) == []
    assert {p: p.stat().st_mtime_ns for p in corpus.values()} == before


def test_an_xls_whose_cells_mention_encryption_is_not_taken_for_a_password_protected_file() -> None:
    name = "HTX Encryption EncryptedPackage Đắk Mil"  # stored as UTF-16 in a .xls
    data = xls_bytes({"Thông tin": info_rows(2022), "HTX": table_rows([coop("A1", name=name)])})
    result = check_bytes(data)
    assert result.ok
    assert result.clean.coops.loc[0, "name"] == name


def ole_with_entry(offset: int) -> bytes:
    """Return an OLE-looking file with a directory entry named EncryptedPackage at `offset`."""
    name = "EncryptedPackage\0".encode("utf-16-le")
    entry = name.ljust(64, b"\0") + len(name).to_bytes(2, "little") + bytes(62)
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(offset, b"\0")
    return head + entry + bytes(512)


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (1664, "encrypted"),  # where msoffcrypto-tool puts it
        (300 * 1024, "encrypted"),  # a directory far from the start of a large file
        (300 * 1024 + 2, "not_excel"),  # the same bytes off a 128-byte boundary: text in a cell, not an entry
    ],
)
def test_the_encrypted_package_entry_is_found_wherever_the_directory_lies(offset: int, code: str) -> None:
    with pytest.raises(WorkbookUnreadable) as caught:
        check_bytes(ole_with_entry(offset))
    assert caught.value.problem.code == code


# --- the cell of each message, and place names read, corrected or suggested ---------------------------------


def test_the_cell_named_is_where_the_column_stands_in_the_users_file_not_in_the_template() -> None:
    # Số thành viên written first (column A) and Mã HTX third (C), under two title rows: the HTX of row 4.
    columns = ["members", "name", "code", "district", "commune", "status"]
    data = workbook(coops=[coop("A1", members="mười")], columns=columns, title_rows=2, groups=[group()])
    (problem,) = check_bytes(data).errors
    assert (problem.row, problem.column, problem.cell) == (4, MEMBERS, "A4")
    assert problem.line().startswith("Lỗi: Sheet 'HTX', dòng 4, cột 'Số thành viên', ô A4: ")
    assert problem.line("en").startswith("Error: Sheet 'HTX', row 4, column 'Số thành viên', cell A4: ")


def test_a_value_of_sheet_thong_tin_is_named_by_its_own_cell_right_of_its_label() -> None:
    info = [["Chỉ tiêu", "", "Giá trị"], ["Năm báo cáo", None, "hai nghìn"]]  # the value two columns right
    (problem,) = check_bytes(workbook(info=info, groups=[group()])).errors
    assert (problem.code, problem.cell) == ("not_a_number", "C2")


DISTRICT, COMMUNE = "Huyện/Thành phố", "Xã/Phường/Thị trấn"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # A district spelled without diacritics, twice: one information line naming the other row.
        (
            [
                coop("A1", district="Dak Mil", commune="Đức Mạnh"),
                coop("A2", district="Dak Mil", commune="Đức Minh"),
            ],
            [(I, 2, DISTRICT, "C2", "'Dak Mil' đọc là 'Đắk Mil' (cả ở các dòng 3).")],
        ),
        # A commune in lower case without diacritics: read, and said so.
        (
            [coop("A1", district="Đắk Mil", commune="duc manh")],
            [(I, 2, COMMUNE, "D2", "'duc manh' đọc là 'Đức Mạnh'.")],
        ),
        # A misspelt district: refused with the closest name ("dacmil" is 5 of 6 letters of "dakmil").
        (
            [coop("A1", district="Đắc Mil", commune="Đức Mạnh")],
            [
                (
                    E,
                    2,
                    DISTRICT,
                    "C2",
                    "Huyện/thành phố 'Đắc Mil' không có trong danh sách 8 huyện, thành phố của tỉnh: Gia Nghĩa, "
                    "Cư Jút, Đắk Glong, Đắk Mil, Đắk R'lấp, Đắk Song, Krông Nô, Tuy Đức. Có phải 'Đắk Mil'?",
                )
            ],
        ),
        # A commune of Cư Jút filed under Đắk Mil: an error naming both (the district was only corrected).
        (
            [coop("A1", district="Dak Mil", commune="Ea Pô")],
            [
                (
                    E,
                    2,
                    COMMUNE,
                    "D2",
                    "Xã/phường/thị trấn 'Ea Pô' thuộc Cư Jút, không thuộc Đắk Mil đã ghi ở cột Huyện/Thành phố; "
                    "hãy sửa tên huyện hoặc tên xã.",
                ),
                (I, 2, DISTRICT, "C2", "'Dak Mil' đọc là 'Đắk Mil'."),
            ],
        ),
        # A commune close to two of its district's communes: a warning with both.
        (
            [coop("A1", district="Đắk Mil", commune="Duc Man")],
            [
                (
                    W,
                    2,
                    COMMUNE,
                    "D2",
                    "Xã/phường/thị trấn 'Duc Man' không có trong danh sách của Đắk Mil; số liệu vẫn được dùng "
                    "nhưng hãy kiểm tra lại tên. Có phải 'Đức Mạnh' hoặc 'Đức Minh'?",
                )
            ],
        ),
        # Nothing close: no suggestion.
        (
            [coop("A1", district="Đắk Mil", commune="Xã Không Có")],
            [
                (
                    W,
                    2,
                    COMMUNE,
                    "D2",
                    "Xã/phường/thị trấn 'Xã Không Có' không có trong danh sách của Đắk Mil; số liệu vẫn được "
                    "dùng nhưng hãy kiểm tra lại tên.",
                )
            ],
        ),
    ],
    ids=[
        "district_corrected",
        "commune_corrected",
        "district_suggested",
        "commune_elsewhere",
        "two_close",
        "none_close",
    ],
)
def test_place_names_are_corrected_aloud_suggested_or_refused(
    rows: list[dict], expected: list[tuple]
) -> None:
    result = check_bytes(workbook(coops=rows, groups=[group()]))
    assert [(p.severity.value, p.row, p.column, p.cell, p.message()) for p in result.problems] == expected


def test_information_lines_come_last_and_count_as_neither_error_nor_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [coop("A1", district="Dak Mil", commune="Đức Mạnh"), coop("A2", members="mười")]
    path = tmp_path / "htx.xlsx"
    path.write_bytes(workbook(coops=rows, groups=[group("cu jut")]))
    result = check_bytes(path.read_bytes())
    assert [p.severity.value for p in result.problems] == [E, I, I]
    assert (len(result.errors), len(result.warnings), len(result.notes)) == (1, 0, 2)
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        out[1] == "Thông tin: Sheet 'HTX', dòng 2, cột 'Huyện/Thành phố', ô C2: 'Dak Mil' đọc là 'Đắk Mil'."
    )
    assert out[2] == "Thông tin: Sheet 'THT', dòng 2, cột 'Huyện/Thành phố', ô A2: 'cu jut' đọc là 'Cư Jút'."
    assert out[3] == "Tệp có 1 lỗi và 0 cảnh báo; hãy sửa rồi kiểm tra lại."


@pytest.mark.parametrize(
    ("groups", "coops", "english", "vietnamese"),
    [
        (
            [group(groups=200_000, certified=1)],
            [coop("A1")],
            "Value 200,000 is beyond the sane maximum of 100,000 cooperative groups",
            "vượt mức tối đa hợp lý 100.000 THT",
        ),
        (
            [group()],
            [coop("A1", members=2_000_000)],
            "Value 2,000,000 is beyond the sane maximum of 1,000,000 people",
            "vượt mức tối đa hợp lý 1.000.000 người",
        ),
    ],
)
def test_a_figure_beyond_its_maximum_names_the_unit_declared_in_each_language(
    groups, coops, english, vietnamese
):
    (problem,) = [
        p for p in check_bytes(workbook(coops=coops, groups=groups)).problems if p.code == "above_maximum"
    ]
    assert problem.message("en").startswith(english)
    assert vietnamese in problem.message("vi")
