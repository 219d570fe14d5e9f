"""Hostile workbooks (tests/corpus/hostile.py) get a located message, an exit code, and leave the store as it was.

Files refused before parsing (kpi/workbook/guard.py, kpi/workbook/worker.py) exit 2 with their message on stderr; files
whose cells cannot be trusted are read and exit 1 with their located errors, like any invalid workbook.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli import main as cli
from kpi.common.settings import READ_LIMITS, SETTINGS, read_limits
from kpi.store.versions import open_store
from kpi.workbook.contract import SHEETS
from kpi.workbook.guard import GuardRefusal, inspect
from kpi.workbook.reader import WorkbookUnreadable, read_workbook
from kpi.workbook.upload import check_upload
from tests.corpus.hostile import FILES, far_cell, many_rows, stats, write_hostile
from tests.store.test_versions import OPERATOR, make_workbook

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2025-06-01"
ROWS_LIMIT = "vượt giới hạn 100.011 dòng của một sheet (số dòng số liệu tối đa cộng các dòng tiêu đề); hãy xoá các ô thừa ở cuối sheet."
EXCEL_ERROR = "cần một giá trị: hãy sửa công thức hoặc nhập số liệu."
NOT_FINITE = "không phải là một số hữu hạn; cần một số bình thường."
UNSAFE = "chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản"
CHECK_UNIT = "hãy kiểm tra lại số liệu và đơn vị."

# name -> (command, exit code, the message: on stderr for exit 2, the first line of stdout for exit 1)
CASES: dict[str, tuple[str, int, str]] = {
    "far_cell_xfd": ("check", 2, f"Lỗi: Sheet 'HTX': Có ô XFD1048576 ở dòng 1.048.576, {ROWS_LIMIT}"),
    "far_cell_t": ("check", 2, f"Lỗi: Sheet 'HTX': Có ô T1048576 ở dòng 1.048.576, {ROWS_LIMIT}"),
    "million_rows": ("check", 2, f"Lỗi: Sheet 'HTX': Có ô A100012 ở dòng 100.012, {ROWS_LIMIT}"),
    "far_column": (
        "check",
        2,
        "Lỗi: Sheet 'HTX': Có ô XFD3 ở cột thứ 16.384, vượt giới hạn 200 cột (đến cột GR); hãy xoá các ô thừa bên phải.",
    ),
    "declared_far_dimension": (
        "check",
        2,
        "Lỗi: Sheet 'HTX': Sheet khai báo vùng dữ liệu A1:XFD1048576 (1.048.576 dòng, 16.384 cột), vượt giới hạn 100.011 dòng, 200 cột và 5.000.000 ô.",
    ),
    "whitespace_bomb": (
        "check",
        2,
        "Lỗi: Phần 'xl/worksheets/sheet2.xml' của tệp nén tới 1.012 lần, vượt giới hạn 100 lần (tệp Excel thường nén dưới 20 lần); tệp có thể là một 'bom nén'.",
    ),
    "many_parts": (
        "check",
        2,
        "Lỗi: Tệp nén (zip) có 1.206 phần, vượt giới hạn 1.000 phần; một tệp Excel thường chỉ có vài chục.",
    ),
    "error_in_members": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Số thành viên', ô H2: Ô chứa lỗi Excel #DIV/0!; {EXCEL_ERROR}",
    ),
    "error_in_district": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Huyện/Thành phố', ô C2: Ô chứa lỗi Excel #N/A; {EXCEL_ERROR}",
    ),
    "error_in_year": (
        "check",
        1,
        f"Lỗi: Sheet 'Thông tin', dòng 2, cột 'Năm báo cáo', ô B2: Ô chứa lỗi Excel #VALUE!; {EXCEL_ERROR}",
    ),
    "nan_year": (
        "check",
        1,
        f"Lỗi: Sheet 'Thông tin', dòng 2, cột 'Năm báo cáo', ô B2: Giá trị nan {NOT_FINITE}",
    ),
    "xls_error_in_members": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Số thành viên', ô H2: Ô chứa lỗi Excel #DIV/0!; {EXCEL_ERROR}",
    ),
    "inf_revenue": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Doanh thu (triệu đồng)', ô J2: Giá trị inf {NOT_FINITE}",
    ),
    "minus_inf_profit": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Lợi nhuận (triệu đồng)', ô K2: Giá trị -inf {NOT_FINITE}",
    ),
    "nan_members": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Số thành viên', ô H2: Giá trị nan {NOT_FINITE}",
    ),
    "overflow_workers": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Số lao động thường xuyên', ô I2: Giá trị inf {NOT_FINITE}",
    ),
    "huge_members": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Số thành viên', ô H2: Giá trị 1e+300 vượt mức tối đa hợp lý 1.000.000 người; {CHECK_UNIT}",
    ),
    "revenue_in_dong": (
        "check",
        1,
        "Lỗi: Sheet 'HTX', dòng 2, cột 'Doanh thu (triệu đồng)', ô J2: Giá trị 1.650.000.000.000 vượt mức tối đa hợp lý "
        f"100.000.000 triệu đồng; {CHECK_UNIT}",
    ),
    "escape_in_name": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Tên HTX', ô B2: Văn bản 'HTX <U+001B>[31mđỏ' {UNSAFE} U+001B (ký tự thứ 5); hãy xoá ký tự này.",
    ),
    "nul_in_name": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Tên HTX', ô B2: Văn bản 'HTX<U+0000>A' {UNSAFE} U+0000 (ký tự thứ 4); hãy xoá ký tự này.",
    ),
    "bidi_in_commune": (
        "check",
        1,
        f"Lỗi: Sheet 'HTX', dòng 2, cột 'Xã/Phường/Thị trấn', ô D2: Văn bản 'Ea T'ling<U+202E>' {UNSAFE} U+202E (ký tự thứ 10); hãy xoá ký tự này.",
    ),
    "long_name": (
        "check",
        1,
        "Lỗi: Sheet 'HTX', dòng 2, cột 'Tên HTX', ô B2: Văn bản dài 40.000 ký tự, vượt giới hạn 32.767 ký tự của một ô.",
    ),
    "far_cell_in_unread_sheet": ("check", 0, "Tệp dùng được: 1 HTX, năm 2022."),
    "tasks_far_cell": (
        "tasks-check",
        2,
        f"Lỗi: Sheet 'Báo cáo nhiệm vụ': Có ô XFD1048576 ở dòng 1.048.576, {ROWS_LIMIT}",
    ),
    # The progress files write task, year and status in A, B, C and the cell under test in D: the letter
    # named is that of the column in the file, not in the template.
    "tasks_error_in_quantity": (
        "tasks-check",
        1,
        f"Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2, cột 'Số lượng đạt được', ô D2: Ô chứa lỗi Excel #REF!; {EXCEL_ERROR}",
    ),
    "tasks_nan_year": (
        "tasks-check",
        1,
        f"Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2, cột 'Năm', ô B2: Giá trị nan {NOT_FINITE}",
    ),
    "tasks_escape_in_result": (
        "tasks-check",
        1,
        "Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2, cột 'Kết quả thực hiện', ô D2: Văn bản 'Đã xong<U+001B>]0;pwned<U+0007>' "
        f"{UNSAFE} U+001B (ký tự thứ 8); hãy xoá ký tự này.",
    ),
    "tasks_huge_quantity": (
        "tasks-check",
        1,
        "Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2, cột 'Số lượng đạt được', ô D2: Giá trị 5.000.000.000 vượt mức tối đa hợp lý "
        f"1.000.000; {CHECK_UNIT}",
    ),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile files, written once into a temporary folder."""
    return write_hostile(tmp_path_factory.mktemp("hostile"))


def test_every_hostile_file_has_a_case() -> None:
    assert set(CASES) == set(FILES)


def _argv(command: str, path: Path) -> list[str]:
    return [command, str(path), *(["--today", TODAY] if command.startswith("tasks") else [])]


@pytest.mark.parametrize("name", CASES, ids=str)
def test_each_hostile_file_gets_its_located_message_and_exit_code(name: str, hostile, capsys) -> None:
    command, code, message = CASES[name]
    assert cli.main(_argv(command, hostile[name])) == code
    out, err = capsys.readouterr()
    if code == 2:
        assert (out, err) == ("", message + "\n")
    else:
        assert out.splitlines()[0] == message
        assert "Traceback" not in out + err


def test_messages_exist_in_english_too(hostile, capsys) -> None:
    assert cli.main(["check", str(hostile["far_cell_xfd"]), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "Error: Sheet 'HTX': Cell XFD1048576 is on row 1,048,576, beyond the limit of 100,011 rows per sheet "
        "(the most data rows plus title rows); delete the stray cells at the end of the sheet.\n"
    )
    assert cli.main(["check", str(hostile["error_in_members"]), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "Error: Sheet 'HTX', row 2, column 'Số thành viên', cell H2: The cell holds the Excel error #DIV/0!; a value is "
        "expected: fix the formula or type the figure."
    )


# --- the guard alone ----------------------------------------------------------------------------------------


def test_the_guard_refuses_a_far_cell_without_inflating_more_than_the_sheets_read() -> None:
    with pytest.raises(GuardRefusal) as refused:
        inspect(FILES["far_cell_xfd"](), SHEETS, read_limits({}))
    assert (refused.value.code, refused.value.sheet, refused.value.value) == (
        "cell_beyond_rows",
        "HTX",
        "XFD1048576",
    )


def test_the_guard_notes_excel_errors_where_they_stand() -> None:
    found = inspect(FILES["error_in_members"](), SHEETS, read_limits({}))
    # members is the 8th column (H) of the template, the cooperative on row 2: index (1, 7) from 0.
    assert found.errors == {"HTX": {(1, 7): "#DIV/0!"}}


def test_the_total_inflated_size_is_bounded_by_its_setting() -> None:
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(stats(htx_extra=many_rows(40_000)), read_limits({}, max_unzipped_mb=1))
    assert refused.value.problem.code == "unzipped_too_large"
    assert refused.value.problem.message().endswith("vượt giới hạn 1 MB.")


def test_the_row_limit_of_the_guard_follows_the_setting() -> None:
    # 3 data rows allowed: the header, 10 title rows and 3 rows make row 14 the last one read.
    limits = read_limits({}, max_rows=3)
    read_workbook(stats(htx_extra=many_rows(12)), limits)  # rows 3..14
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(stats(htx_extra=many_rows(13)), limits)
    assert refused.value.problem.message() == (
        "Có ô A15 ở dòng 15, vượt giới hạn 14 dòng của một sheet (số dòng số liệu tối đa cộng các dòng tiêu đề); "
        "hãy xoá các ô thừa ở cuối sheet."
    )


# --- the worker ---------------------------------------------------------------------------------------------


def test_a_parse_that_needs_more_memory_than_the_cap_is_a_clean_problem(capfd) -> None:
    # A cell at Y100000 passes every limit (2.500.000 cells) but makes the parser allocate about 80 MB.
    data = stats(htx_extra=far_cell("Y100000"))
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(data, read_limits({}, worker_memory_mb=16))
    assert refused.value.problem.message() == (
        "Tệp quá lớn hoặc hỏng: trình đọc Excel dừng bất thường hoặc cần quá 16 MB bộ nhớ. Chưa có gì được lưu; "
        "hãy mở tệp trong Excel, lưu lại rồi thử lại."
    )
    assert capfd.readouterr().err == ""  # the parser's own report of its abort is never shown


def test_a_parse_that_takes_longer_than_the_time_limit_is_a_clean_problem() -> None:
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(stats(htx_extra=far_cell("Y100000")), read_limits({}, worker_seconds=0.01))
    assert refused.value.problem.message() == (
        "Tệp quá lớn hoặc hỏng: đọc tệp mất quá 0,01 giây. Chưa có gì được lưu; hãy mở tệp trong Excel, "
        "lưu lại rồi thử lại."
    )


def test_a_far_cell_within_the_row_and_column_limits_is_refused_for_its_cells() -> None:
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(stats(htx_extra=far_cell("GR100011")))
    assert refused.value.problem.line() == (
        "Lỗi: Sheet 'HTX': Sheet có dữ liệu đến ô GR100011: vùng từ A1 đến đó có 100.011 dòng × 200 cột = "
        "20.002.200 ô, vượt giới hạn 5.000.000 ô; hãy xoá các ô thừa ở xa."
    )


def test_the_upload_check_of_the_web_page_turns_a_worker_failure_into_a_problem(monkeypatch) -> None:
    monkeypatch.setenv("KPI_WORKER_MEMORY_MB", "16")
    check = check_upload(stats(htx_extra=far_cell("Y100000")))
    assert check.unreadable and not check.ok
    assert [p.code for p in check.errors] == ["worker_crashed"]


def test_the_worker_leaves_no_process_behind() -> None:
    before = _children()
    read_workbook(make_workbook(2023))
    with pytest.raises(WorkbookUnreadable):
        read_workbook(stats(htx_extra=far_cell("Y100000")), read_limits({}, worker_seconds=0.01))
    assert _children() == before


def _children() -> set[str]:
    path = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    return set(path.read_text().split()) if path.exists() else set()


# --- the command line in its own process, and the store ----------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("check", "far_cell_xfd"),
        ("check", "million_rows"),
        ("check", "whitespace_bomb"),
        ("tasks-check", "tasks_far_cell"),
    ],
)
def test_the_command_line_answers_exit_2_without_a_traceback_within_bounds(command, name, hostile) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kpi", *_argv(command, hostile[name])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,  # a bound, not a speed test: the "within 60 s"
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == CASES[name][2] + "\n"
    assert "Traceback" not in done.stdout + done.stderr
    peak_kb = resource.getrusage(
        resource.RUSAGE_CHILDREN
    ).ru_maxrss  # the largest process so far, workers too
    assert peak_kb < 1024 * 1024


STORE_CASES = [
    ("import", "far_cell_xfd", 2),
    ("import", "whitespace_bomb", 2),
    ("import", "error_in_members", 1),
    ("import", "nan_members", 1),
    ("tasks-import", "tasks_far_cell", 2),
    ("tasks-import", "tasks_escape_in_result", 1),
]


@pytest.mark.parametrize(("command", "name", "code"), STORE_CASES, ids=lambda v: str(v))
def test_a_refused_hostile_file_leaves_the_store_exactly_as_it_was(
    command, name, code, hostile, tmp_path, capsys
):
    url = f"sqlite:///{tmp_path / 'kpi.sqlite'}"
    with open_store(url) as store:
        stored = store.import_workbook(make_workbook(2023), "htx-2023.xlsx", None, "Lan", identity=OPERATOR)
        assert stored.ok, stored.message()
        before = store.dump()
    assert cli.main([command, str(hostile[name]), "--by", "Lan", "--db", url]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    message = CASES[name][2]  # what check and tasks-check say of the same file
    assert err == message + "\n" if code == 2 else out.splitlines()[0] == message
    with open_store(url) as store:
        assert store.dump() == before


def test_every_reading_limit_is_listed_in_the_readme_with_its_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    limits = {s.name: s.env for s in SETTINGS if s.name in READ_LIMITS}
    assert len(limits) == len(READ_LIMITS)
    assert [env for env in limits.values() if f"| `{env}` |" not in readme] == []
