"""Tests of the store's commands (kpi/cli/store_commands.py): import, history, rollback, export, and report --db.

Each runs on a fresh SQLite file and, when KPI_TEST_POSTGRES_URL is set, on a fresh PostgreSQL database
(the `store_url` fixture of tests/store/test_versions.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, main
from kpi.store.versions import open_store
from tests.store.test_versions import BASE_COOPS, make_workbook, store_url, with_members

__all__ = ["store_url"]  # the fixture, imported so that pytest finds it here


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `python -m kpi ARGV...` in-process; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Workbooks on disk: 2023, 2024 (first), 2024b (second file of 2024), bad (errors), text (no workbook)."""
    negative = list(BASE_COOPS[0])
    negative[7] = -3  # Số thành viên
    contents = {
        "2023": make_workbook(2023, coops=BASE_COOPS[:2]),
        "2024": make_workbook(2024),
        "2024b": make_workbook(2024, coops=with_members(40)),
        "bad": make_workbook(2024, coops=[tuple(negative), *BASE_COOPS[1:]]),
        "text": b"Ma HTX;Ten HTX\n1;A\n",
    }
    paths = {}
    for key, data in contents.items():
        paths[key] = tmp_path / f"htx-{key}.xlsx"
        paths[key].write_bytes(data)
    return paths


def test_import_stores_the_workbook_and_names_the_version(capsys, store_url: str, files) -> None:
    code, out, err = run(
        capsys, "import", files["2024"], "--by", "Lan", "--note", "chính thức", "--db", store_url
    )
    assert (code, out, err) == (EXIT_OK, "Đã lưu số liệu năm 2024, phiên bản 1 (3 HTX, 2 dòng THT).\n", "")
    with open_store(store_url) as store:
        [version] = store.versions(2024)
    assert (version.imported_by, version.note, version.file_name) == ("Lan", "chính thức", "htx-2024.xlsx")


def test_importing_the_same_file_again_says_so_and_adds_nothing(capsys, store_url: str, files) -> None:
    run(capsys, "import", files["2024"], "--by", "Lan", "--db", store_url)
    code, out, _ = run(capsys, "import", files["2024"], "--by", "Minh", "--db", store_url)
    assert code == EXIT_OK
    assert out == "Tệp này đã được nhập cho năm 2024 (phiên bản 1); không tạo phiên bản mới.\n"
    with open_store(store_url) as store:
        assert len(store.versions(2024)) == 1


def test_a_rejected_import_prints_exactly_what_check_prints_and_exits_1(
    capsys, store_url: str, files
) -> None:
    check_code, check_out, _ = run(capsys, "check", files["bad"])
    code, out, err = run(capsys, "import", files["bad"], "--by", "Lan", "--db", store_url)
    assert (check_code, code) == (EXIT_REJECTED, EXIT_REJECTED)
    assert out == check_out
    assert "Số thành viên" in out and "âm" in out
    assert err == "Không có gì được lưu vào kho dữ liệu.\n"
    with open_store(store_url) as store:
        assert store.current_versions() == {}


def test_an_import_for_another_year_than_the_workbooks_is_refused(capsys, store_url: str, files) -> None:
    code, out, _ = run(capsys, "import", files["2024"], "--year", "2023", "--by", "Lan", "--db", store_url)
    assert code == EXIT_REJECTED
    assert out.splitlines() == [
        "Lỗi: Sheet 'Thông tin', dòng 2, cột 'Năm báo cáo', ô B2: Năm báo cáo trong tệp là 2024, khác với năm đã chọn 2023.",
        "Tệp có 1 lỗi và 0 cảnh báo; hãy sửa rồi kiểm tra lại.",
    ]


def test_a_file_that_is_no_workbook_exits_2(capsys, store_url: str, files) -> None:
    code, out, err = run(capsys, "import", files["text"], "--by", "Lan", "--db", store_url)
    assert (code, out) == (EXIT_UNREADABLE, "")
    assert err.startswith("Lỗi: Tệp không phải là bảng tính Excel đọc được")


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(
    capsys, store_url: str, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("KPI_MAX_FILE_MB", "1")
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"\0" * (3 * 1024 * 1024 // 2))  # 1,5 MB of no workbook: reading it would exit 2
    code, out, err = run(capsys, "import", big, "--by", "Lan", "--db", store_url)
    assert (code, err) == (EXIT_REJECTED, "Không có gì được lưu vào kho dữ liệu.\n")
    assert out.splitlines() == [
        "Lỗi: Tệp nặng 1,5 MB, vượt giới hạn 1 MB.",
        "Tệp có 1 lỗi và 0 cảnh báo; hãy sửa rồi kiểm tra lại.",
    ]


def test_history_shows_the_current_versions_then_every_event(capsys, store_url: str, files) -> None:
    run(capsys, "import", files["2023"], "--by", "An", "--db", store_url)
    run(capsys, "import", files["2024"], "--by", "Bình", "--note", "lần đầu", "--db", store_url)
    run(capsys, "import", files["2024b"], "--by", "Chi", "--db", store_url)
    assert (
        run(capsys, "rollback", "--year", 2024, "--version", 1, "--by", "Dũng", "--db", store_url)[0]
        == EXIT_OK
    )
    code, out, _ = run(capsys, "history", "--db", store_url)
    lines = out.splitlines()
    assert code == EXIT_OK
    assert lines[0] == "Phiên bản đang dùng: năm 2023: phiên bản 1; năm 2024: phiên bản 1."
    assert lines[2].split() == ["Thời", "điểm", "Thao", "tác", "Năm", "Phiên", "bản", "Người", "thực", "hiện", "Tệp", "Số", "dòng", "Ghi", "chú"]  # fmt: skip
    events = [" ".join(line.split()[2:]) for line in lines[4:]]  # without the date and time
    assert events == [
        "Nhập dữ liệu 2023 1 An htx-2023.xlsx 2 HTX, 2 dòng THT",
        "Nhập dữ liệu 2024 1 Bình htx-2024.xlsx 3 HTX, 2 dòng THT lần đầu",
        "Nhập dữ liệu 2024 2 Chi htx-2024b.xlsx 3 HTX, 2 dòng THT",
        "Khôi phục (trước đó: phiên bản 2) 2024 1 Dũng",
    ]
    code, out, _ = run(capsys, "history", "--year", 2023, "--db", store_url)
    assert out.splitlines()[0] == "Phiên bản đang dùng: năm 2023: phiên bản 1."
    assert len(out.splitlines()) == 5


def test_history_of_an_empty_store_says_nothing_was_imported(capsys, store_url: str) -> None:
    assert run(capsys, "history", "--db", store_url) == (EXIT_OK, "Chưa có lần nhập dữ liệu nào.\n", "")


def test_rollback_changes_the_current_version(capsys, store_url: str, files) -> None:
    run(capsys, "import", files["2024"], "--by", "Lan", "--db", store_url)
    run(capsys, "import", files["2024b"], "--by", "Lan", "--db", store_url)
    code, out, _ = run(capsys, "rollback", "--year", 2024, "--version", 1, "--by", "Lan", "--db", store_url)
    assert (code, out) == (EXIT_OK, "Năm 2024: phiên bản 1 là phiên bản đang dùng (trước đó: phiên bản 2).\n")
    with open_store(store_url) as store:
        assert store.current_versions() == {2024: 1}


@pytest.mark.parametrize(
    ("year", "version", "message"),
    [
        (2024, 3, "Lỗi: Năm 2024 không có phiên bản 3; các phiên bản có: 1.\n"),
        (2020, 1, "Lỗi: Kho dữ liệu chưa có số liệu năm 2020; các năm có: 2024.\n"),
    ],
)
def test_rollback_to_a_missing_version_exits_1_naming_what_exists(
    capsys, store_url: str, files, year: int, version: int, message: str
) -> None:
    run(capsys, "import", files["2024"], "--by", "Lan", "--db", store_url)
    assert run(capsys, "rollback", "--year", year, "--version", version, "--db", store_url) == (
        EXIT_REJECTED,
        "",
        message,
    )


def test_export_writes_a_workbook_that_check_accepts_and_that_gives_the_same_report(
    capsys, store_url: str, files, tmp_path: Path
) -> None:
    run(capsys, "import", files["2024"], "--by", "Lan", "--db", store_url)
    out_file = tmp_path / "xuat 2024.xlsx"
    code, out, _ = run(capsys, "export", "--year", 2024, out_file, "--db", store_url)
    assert (code, out) == (EXIT_OK, f"Đã ghi {out_file} (năm 2024, phiên bản 1).\n")
    assert run(capsys, "check", out_file)[0] == EXIT_OK
    from_export = run(capsys, "report", out_file, "--format", "json", "--by", "district")[1]
    from_original = run(capsys, "report", files["2024"], "--format", "json", "--by", "district")[1]
    assert json.loads(from_export) == json.loads(from_original)


def test_exporting_a_year_not_stored_exits_1(capsys, store_url: str, tmp_path: Path) -> None:
    code, out, err = run(capsys, "export", "--year", 2024, tmp_path / "x.xlsx", "--db", store_url)
    assert (code, out, err) == (
        EXIT_REJECTED,
        "",
        "Lỗi: Kho dữ liệu chưa có số liệu năm 2024; các năm có: –.\n",
    )
    assert not (tmp_path / "x.xlsx").exists()


def test_report_from_the_store_is_exactly_the_report_of_the_workbooks(capsys, store_url: str, files) -> None:
    for key in ("2023", "2024"):
        run(capsys, "import", files[key], "--by", "Lan", "--db", store_url)
    for year, extra in (("2023", ("--format", "json", "--by", "district")), ("2024", ("--by", "district"))):
        from_files = run(capsys, "report", files["2023"], files["2024"], "--year", year, *extra)
        from_store = run(capsys, "report", "--db", store_url, "--year", year, *extra)
        assert from_store == from_files
        assert from_store[0] == EXIT_OK


def test_without_db_the_commands_use_kpi_database_url(capsys, tmp_path: Path, files, monkeypatch) -> None:
    path = tmp_path / "env" / "kpi.sqlite"
    monkeypatch.setenv("KPI_DATABASE_URL", f"sqlite:///{path}")
    assert run(capsys, "import", files["2024"], "--by", "Lan")[0] == EXIT_OK
    with open_store(f"sqlite:///{path}") as store:
        assert store.current_versions() == {2024: 1}
    assert run(capsys, "report", "--year", "2024")[0] == EXIT_OK


def test_an_unreachable_database_exits_2_without_showing_its_password(capsys) -> None:
    code, out, err = run(capsys, "history", "--db", "postgresql+psycopg://kpi:secret@127.0.0.1:1/kpi")
    assert (code, out) == (EXIT_UNREADABLE, "")
    assert err.startswith("Lỗi: Không mở được kho dữ liệu (postgresql+psycopg://kpi:***@127.0.0.1:1/kpi): ")
    assert "secret" not in err


def test_rollback_to_none_leaves_the_year_without_data_and_the_history_says_so(
    capsys, store_url: str, files
) -> None:
    run(capsys, "import", files["2023"], "--by", "An", "--db", store_url)
    run(capsys, "import", files["2024"], "--by", "Lan", "--db", store_url)
    code, out, _ = run(capsys, "rollback", "--year", 2024, "--to-none", "--by", "Minh", "--db", store_url)
    assert (code, out) == (
        EXIT_OK,
        "Năm 2024: không còn phiên bản nào đang dùng, các trang coi năm này là chưa có số liệu "
        "(trước đó: phiên bản 1). Các phiên bản vẫn được giữ và có thể dùng lại.\n",
    )
    code, out, _ = run(capsys, "history", "--db", store_url)
    lines = out.splitlines()
    assert lines[0] == "Phiên bản đang dùng: năm 2023: phiên bản 1."
    assert " ".join(lines[-1].split()[2:]) == "Đưa về không có số liệu (trước đó: phiên bản 1) 2024 Minh"
    code, _, err = run(capsys, "report", "--db", store_url, "--year", 2024, "--format", "json")
    assert code == EXIT_REJECTED and "2024" in err
    assert run(capsys, "rollback", "--year", 2024, "--version", 1, "--by", "Minh", "--db", store_url)[1] == (
        "Năm 2024: phiên bản 1 là phiên bản đang dùng (trước đó: không có số liệu).\n"
    )


@pytest.mark.parametrize("target", [(), ("--version", "1", "--to-none")], ids=["neither", "both"])
def test_rollback_needs_exactly_one_of_version_and_to_none(capsys, store_url: str, target) -> None:
    code, out, err = run(capsys, "rollback", "--year", "2024", *target, "--db", store_url)
    assert (code, out) == (2, "")  # wrong usage, as for any other command
    assert "(--version VERSION | --to-none)" in err
