"""Tests of the task commands of `python -m kpi` (kpi/cli/task_commands.py), run through kpi.cli.main."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, main
from kpi.workbook.task_contract import default_tasks
from kpi.workbook.task_reports import task_workbook_bytes

CONTRACT_KEYS = {"group", "number", "lead_agency", "deadline", "recurrence", "status", "overdue", "inferred"}


@pytest.fixture
def db(tmp_path: Path) -> str:
    """URL of a throw-away SQLite store."""
    return f"sqlite:///{tmp_path / 'store' / 's.sqlite'}"


def write_report(path: Path, rows: list[tuple], year: int = 2021) -> Path:
    """Write a progress workbook of (group, number, quarter, status id) rows of `year`; return its path."""
    frame = pd.DataFrame(
        [
            {
                "group": g,
                "number": n,
                "year": year,
                "quarter": q,
                "status": s,
                "metric": None,
                "quantity": None,
            }
            for g, n, q, s in rows
        ]
    )
    path.write_bytes(task_workbook_bytes(reports=frame, info={"year": year}, tasks=default_tasks()))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tasks_json(capsys, db: str, today: str) -> list[dict]:
    code, out, _ = run(capsys, "tasks", "--db", db, "--format", "json", "--today", today)
    assert code == EXIT_OK
    return json.loads(out)


def by_label(records: list[dict]) -> dict[str, dict]:
    return {f"{r['group']}.{r['number']}": r for r in records}


def test_the_json_lists_the_34_tasks_with_the_contracts_keys(capsys, db):
    records = tasks_json(capsys, db, "2021-06-01")
    assert len(records) == 34
    for record in records:
        assert set(record) >= CONTRACT_KEYS
        assert isinstance(record["overdue"], bool) and isinstance(record["inferred"], list)
    first = records[0]
    assert (first["group"], first["number"], first["lead_agency"]) == (
        "I",
        1,
        "Các Sở, Ban, ngành; UBND các huyện, TP",
    )
    assert "lead_agency" in first["inferred"]


@pytest.mark.parametrize(
    ("label", "deadline", "recurrence"),
    [
        ("II.2", "2021-03-31", "deadline"),  # Quý I/2021
        ("V.5", "2020-09-30", "deadline"),  # Quý III/2020
        ("IV.17", "2021-12-31", "period"),  # Năm 2020-2021
        ("IV.6", "2021-11-30", "period"),  # Tháng 02 – 11 năm 2021
        ("I.4", None, "yearly"),
        ("I.1", None, "ongoing"),
    ],
)
def test_deadlines_are_iso_dates_or_null(capsys, db, label, deadline, recurrence):
    record = by_label(tasks_json(capsys, db, "2021-06-01"))[label]
    assert (record["deadline"], record["recurrence"]) == (deadline, recurrence)


def test_an_empty_store_makes_every_passed_deadline_overdue_and_no_status(capsys, db):
    records = by_label(tasks_json(capsys, db, "2021-06-01"))
    assert {label for label, r in records.items() if r["overdue"]} == {"II.2", "V.3", "V.5"}
    assert all(r["status"] is None for r in records.values())


def test_an_imported_report_gives_the_latest_status_and_clears_the_overdue_flag(capsys, db, tmp_path):
    path = write_report(tmp_path / "bc-2021.xlsx", [("II", 2, 1, "done"), ("V", 5, None, "late")])
    code, out, _ = run(capsys, "tasks-import", str(path), "--by", "Lan", "--db", db)
    assert code == EXIT_OK
    assert out.strip().endswith("Đã lưu báo cáo tiến độ nhiệm vụ năm 2021, phiên bản 1 (2 dòng báo cáo).")
    records = by_label(tasks_json(capsys, db, "2022-01-15"))
    assert (records["II.2"]["status"], records["II.2"]["overdue"]) == ("done", False)
    assert (records["V.5"]["status"], records["V.5"]["overdue"]) == ("late", True)
    # Yearly tasks owe a 2021 report by 2022: I.4 has none.
    assert records["I.4"]["overdue"] is True and records["I.1"]["overdue"] is False


def test_the_table_is_in_vietnamese_with_the_reason_of_each_overdue_task(capsys, db, tmp_path):
    path = write_report(tmp_path / "bc-2021.xlsx", [("II", 2, 2, "in_progress")])
    assert run(capsys, "tasks-import", str(path), "--by", "Lan", "--db", db)[0] == EXIT_OK
    code, out, _ = run(capsys, "tasks", "--db", db, "--today", "2022-03-01")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "Các nhiệm vụ của Kế hoạch 485/KH-UBND (tình hình đến 01/03/2022)"
    assert re.split(r"\s{2,}", lines[2])[:2] == ["Mã", "Cơ quan chủ trì"]
    ii_2 = next(line for line in lines if line.startswith("II.2 "))
    assert "Đang thực hiện" in ii_2 and "Quý 2/2021" in ii_2 and "Có — hạn 31/03/2021 đã qua" in ii_2
    i_4 = next(line for line in lines if line.startswith("I.4 "))
    assert "Chưa có báo cáo" in i_4 and "Có — thiếu báo cáo năm 2021" in i_4
    assert lines[-1].startswith(
        "34 nhiệm vụ: Chưa triển khai 0; Đang thực hiện 1; Hoàn thành 0; Chậm tiến độ 0;"
    )


def test_the_table_can_be_in_english(capsys, db):
    code, out, _ = run(capsys, "--lang", "en", "tasks", "--db", db, "--today", "2021-06-01")
    assert code == EXIT_OK
    assert out.splitlines()[0] == "Tasks of Plan 485/KH-UBND (as of Jun 1, 2021)"
    assert "Yes — deadline Mar 31, 2021 passed" in out


def test_a_rejected_import_prints_located_problems_and_stores_nothing(capsys, db, tmp_path):
    path = write_report(tmp_path / "bad.xlsx", [("II", 2, 1, "done")], year=2021)
    frame = pd.DataFrame([{"group": "II", "number": 2, "year": 2021, "quarter": 1, "status": "done"}])
    bad = tmp_path / "bad-year.xlsx"
    bad.write_bytes(task_workbook_bytes(reports=frame, info={"year": 2022}, tasks=default_tasks()))
    code, out, err = run(capsys, "tasks-import", str(bad), "--by", "Lan", "--db", db)
    assert code == EXIT_REJECTED
    assert "Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2, cột 'Năm', ô C2: Năm 2021 khác năm của tệp (2022)" in out
    assert "Không có gì được lưu" in err
    assert run(capsys, "tasks-history", "--db", db)[1].strip() == "Chưa có lần nhập báo cáo tiến độ nào."
    assert path.exists()


def test_importing_the_same_file_twice_makes_one_version(capsys, db, tmp_path):
    path = write_report(tmp_path / "bc.xlsx", [("II", 2, 1, "done")])
    assert run(capsys, "tasks-import", str(path), "--by", "Lan", "--db", db)[0] == EXIT_OK
    code, out, _ = run(capsys, "tasks-import", str(path), "--by", "Lan", "--db", db)
    assert code == EXIT_OK and "đã được nhập cho năm 2021 (phiên bản 1)" in out


def test_history_and_rollback_of_progress_reports(capsys, db, tmp_path):
    first = write_report(tmp_path / "v1.xlsx", [("II", 2, 1, "in_progress")])
    second = write_report(tmp_path / "v2.xlsx", [("II", 2, 1, "done")])
    for path in (first, second):
        assert run(capsys, "tasks-import", str(path), "--by", "Lan", "--db", db)[0] == EXIT_OK
    code, out, _ = run(
        capsys, "tasks-rollback", "--year", "2021", "--version", "1", "--by", "Minh", "--db", db
    )
    assert code == EXIT_OK and "phiên bản 1 là phiên bản đang dùng (trước đó: phiên bản 2)" in out
    assert by_label(tasks_json(capsys, db, "2021-06-01"))["II.2"]["status"] == "in_progress"
    code, out, _ = run(capsys, "tasks-history", "--db", db)
    lines = out.splitlines()  # the versions in force, a blank line, the header, its rule, three events
    assert lines[0] == "Phiên bản đang dùng: năm 2021: phiên bản 1."
    assert len(lines) == 7 and "Khôi phục (trước đó: phiên bản 2)" in lines[-1] and "v2.xlsx" in lines[5]
    assert "1 dòng báo cáo" in lines[5]
    code, _, err = run(
        capsys, "tasks-rollback", "--year", "2021", "--version", "7", "--by", "Minh", "--db", db
    )
    assert code == EXIT_REJECTED and "Năm 2021 không có phiên bản 7; các phiên bản có: 1, 2." in err


def test_the_template_command_writes_a_template_that_check_refuses_until_filled(capsys, tmp_path):
    out_file = tmp_path / "mau-bao-cao.xlsx"
    code, out, _ = run(capsys, "tasks-template", str(out_file))
    assert code == EXIT_OK and out_file.is_file()
    code, out, _ = run(capsys, "tasks-check", str(out_file))
    assert code == EXIT_REJECTED
    assert "Lỗi: Sheet 'Báo cáo nhiệm vụ', dòng 2: Sheet không có dòng số liệu nào." in out


def test_check_accepts_a_good_report(capsys, tmp_path):
    path = write_report(tmp_path / "bc.xlsx", [("II", 2, 1, "done"), ("IV", 17, None, "late")])
    code, out, _ = run(capsys, "tasks-check", str(path), "--today", "2022-01-01")
    assert code == EXIT_OK and out.strip() == "Tệp dùng được: 2 dòng báo cáo của năm 2021."


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["tasks", "--today", "31/12/2025"], EXIT_UNREADABLE),
        (["tasks-check", "khong-co.xlsx"], EXIT_UNREADABLE),
    ],
)
def test_wrong_use_exits_with_2(capsys, argv, code):
    assert run(capsys, *argv)[0] == code


def test_the_sample_command_writes_six_workbooks(capsys, tmp_path):
    code, out, _ = run(capsys, "tasks-sample", "--out", str(tmp_path))
    assert code == EXIT_OK
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == [
        f"bao-cao-nhiem-vu-{y}.xlsx" for y in range(2020, 2026)
    ]
    assert "DỮ LIỆU MẪU" in out


def test_a_progress_report_year_can_be_rolled_back_to_no_data(capsys, db, tmp_path):
    path = write_report(tmp_path / "v1.xlsx", [("II", 2, 1, "in_progress")])
    assert run(capsys, "tasks-import", str(path), "--by", "Lan", "--db", db)[0] == EXIT_OK
    code, out, _ = run(capsys, "tasks-rollback", "--year", "2021", "--to-none", "--by", "Minh", "--db", db)
    assert code == EXIT_OK and "Năm 2021: không còn phiên bản nào đang dùng" in out
    assert by_label(tasks_json(capsys, db, "2021-06-01"))["II.2"]["status"] is None
    lines = run(capsys, "tasks-history", "--db", db)[1].splitlines()
    assert "Đưa về không có số liệu (trước đó: phiên bản 1)" in lines[-1]
