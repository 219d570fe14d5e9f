"""Page "Nhập dữ liệu", task progress reports (AppTest): the template, a bad workbook refused with its located
problems, a good one previewed and imported under a name, page "Nhiệm vụ" following the import and the
rollback at once.

Every test has its own throw-away SQLite store holding one real statistics year (so no sample is seeded).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi.common.access import command_line
from kpi.workbook.task_contract import default_tasks
from kpi.workbook.task_reports import task_workbook_bytes
from tests.app.apptest_helpers import add_account, log_in, shown, shown_table
from tests.builders import coop, grid_bytes, group, workbook

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "6_Nhap_du_lieu.py")
TASKS_PAGE = str(ROOT / "pages" / "8_Nhiem_vu.py")
TIMEOUT = 120
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
K = "imports_tasks_"

COLUMNS = ["group", "number", "year", "quarter", "status", "metric", "quantity", "result", "evidence"]
# V.3 is due in Q4/2020 (a deadline long past): begun, not done, in the first report; done in the second.
BEGUN_2020 = [
    ("V", 3, 2020, 4, "in_progress", None, None, "Dự thảo hướng dẫn", "BC 1/BC-TTr"),
    ("V", 5, 2020, 4, "not_started", None, None, "Chưa rà soát quỹ đất", None),
]
DONE_2020 = [
    ("V", 3, 2020, 4, "done", None, None, "Hướng dẫn đã ban hành", "HD 2/HD-SKHĐT"),
    ("V", 5, 2020, 4, "not_started", None, None, "Chưa rà soát quỹ đất", None),
]

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def _report(rows: list[tuple], year: int = 2020) -> bytes:
    return task_workbook_bytes(
        reports=pd.DataFrame(rows, columns=COLUMNS), info={"year": year}, tasks=default_tasks()
    )


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> str:
    from kpi.store.versions import open_store

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    with open_store(url) as store:
        stats = workbook(year=2023, coops=[coop("A1")], groups=[group()])
        assert store.import_workbook(stats, "2023.xlsx", 2023, by="Kiểm thử", identity=OPERATOR).ok
    add_account(url, "lan", "analyst", "Nguyễn Văn Lan")
    return url


def _open_tasks(store_url: str) -> AppTest:
    """Return page 6 with "Báo cáo tiến độ nhiệm vụ" chosen, for analyst 'lan' logged in on the page."""
    at = log_in(AppTest.from_file(PAGE, default_timeout=TIMEOUT).run(), "lan")
    at.segmented_control(key="imports_kind").set_value("tasks").run()
    assert not at.exception
    return at


def _upload(at: AppTest, data: bytes, name: str = "tien-do-2020.xlsx") -> AppTest:
    return at.file_uploader[0].upload(name, data, XLSX).run()


def _confirm(at: AppTest, note: str = "") -> AppTest:
    at.text_area(key=K + "note").input(note)
    label = next(b.label for b in at.button if b.label.startswith("Nhập báo cáo tiến độ năm"))
    return at.button(key=f"FormSubmitter:{K}confirm-{label}").click().run()


def _overdue_tasks() -> set[str]:
    """Return the task ids page "Nhiệm vụ" lists as overdue now."""
    page = AppTest.from_file(TASKS_PAGE, default_timeout=TIMEOUT).run()
    assert not page.exception
    late = next((d.value for d in page.dataframe if "Lý do" in d.value.columns), None)
    return set() if late is None else set(late["Mã"])


def _task_versions(url: str) -> dict[int, int]:
    from kpi.store.versions import TASKS, open_store

    with open_store(url) as store:
        return store.current_versions(TASKS)


def test_the_tasks_kind_offers_its_own_template_and_leaves_the_statistics_flow_out(store_url) -> None:
    at = _open_tasks(store_url)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert list(buttons) == ["Tải mẫu báo cáo tiến độ"]
    assert at.subheader[0].value == "1. Tải mẫu báo cáo tiến độ"
    assert [s.value[:2] for s in at.subheader] == ["1.", "2.", "3.", "4."]
    assert "Chọn tệp Excel" in at.file_uploader[0].label
    assert at.caption[0].value.startswith("Mỗi năm một tệp báo cáo tiến độ")


def test_a_bad_progress_report_is_refused_with_its_located_problems(store_url) -> None:
    bad = grid_bytes(
        {
            "Báo cáo nhiệm vụ": [
                ["Mã nhiệm vụ", "Năm", "Quý", "Tình trạng", "Kết quả", "Văn bản"],
                ["V.3", 2020, 4, "Đang làm", "Dự thảo", "BC 1"],
                ["IX.9", 2020, None, "Hoàn thành", "Xong", "QĐ 2"],
                ["V.5", 2020, 7, "Hoàn thành", "Xong", None],
            ]
        }
    )
    at = _upload(_open_tasks(store_url), bad, "tien-do-loi.xlsx")
    assert not at.exception
    assert "Tệp có **3** lỗi" in at.error[0].value
    report = shown_table(at.table[0].value)
    errors = report[report["Mức độ"] == "Lỗi"]
    # Header on Excel row 1: the three rows are Excel rows 2, 3 and 4.
    assert set(zip(errors["Sheet"], errors["Dòng"], errors["Cột"], errors["Giá trị"], strict=True)) == {
        ("Báo cáo nhiệm vụ", 2, "Tình trạng", "Đang làm"),
        ("Báo cáo nhiệm vụ", 3, "Mã nhiệm vụ", "IX.9"),
        ("Báo cáo nhiệm vụ", 4, "Quý", "7"),
    }
    assert "không có trong danh sách" in errors.loc[errors["Dòng"] == 2, "Nội dung"].item()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải mẫu báo cáo tiến độ", "Tải báo cáo (Excel)", "Tải báo cáo (CSV)"]
    assert not [b for b in at.button if b.label.startswith("Nhập báo cáo tiến độ năm")]
    assert _task_versions(store_url) == {}


def test_a_good_report_is_previewed_imported_under_a_name_and_judged_on_the_tasks_page(store_url) -> None:
    at = _upload(_open_tasks(store_url), _report(BEGUN_2020))
    assert not at.exception
    assert at.success[0].value == (
        "Tệp dùng được: báo cáo tiến độ năm **2020**, **2** dòng báo cáo về **2** nhiệm vụ."
    )
    assert at.info[0].value.startswith("Năm 2020 chưa có báo cáo tiến độ thật")
    statuses = shown_table(at.table[0].value).set_index("Tình trạng")
    assert list(statuses.columns) == ["Trong tệp mới"]  # a new year: nothing to compare with
    assert statuses["Trong tệp mới"].to_dict() == {
        "Chưa triển khai": "1",
        "Đang thực hiện": "1",
        "Hoàn thành": "0",
        "Chậm tiến độ": "0",
        "Tổng số dòng": "2",
    }
    _confirm(at, note="Báo cáo quý 4")
    assert not at.exception
    assert (
        shown(at.success[0].value)
        == "Đã lưu báo cáo tiến độ nhiệm vụ năm 2020, phiên bản 1 (2 dòng báo cáo)."
    )
    assert at.file_uploader[0].value is None  # emptied for the next file
    history = at.dataframe[1].value
    assert history[["Năm", "Người thực hiện", "Ghi chú", "Số dòng báo cáo"]].values.tolist() == [
        ["2020", "Nguyễn Văn Lan", "Báo cáo quý 4", "2"]
    ]
    assert _task_versions(store_url) == {2020: 1}
    assert {"V.3", "V.5"} <= _overdue_tasks()

    # The second report marks V.3 "Hoàn thành": page "Nhiệm vụ" no longer counts it overdue.
    _upload(at, _report(DONE_2020), "tien-do-2020-sua.xlsx")
    assert at.info[0].value.startswith("Năm 2020 đang dùng báo cáo tiến độ phiên bản 1.")
    statuses = shown_table(at.table[0].value).set_index("Tình trạng")
    assert statuses.loc["Hoàn thành"].tolist() == ["0", "1"]  # in force (version 1), in the new workbook
    _confirm(at)
    assert _task_versions(store_url) == {2020: 2}
    late = _overdue_tasks()
    assert "V.3" not in late and "V.5" in late


def test_a_rollback_of_the_reports_needs_a_confirmation_and_shows_on_the_tasks_page(store_url) -> None:
    from kpi.store.versions import TASKS, open_store

    with open_store(store_url) as store:
        for name, rows in (("v1.xlsx", BEGUN_2020), ("v2.xlsx", DONE_2020)):
            assert store.import_workbook(
                _report(rows), name, None, "Kiểm thử", kind=TASKS, identity=OPERATOR
            ).ok
    assert "V.3" not in _overdue_tasks()
    at = _open_tasks(store_url)
    assert at.selectbox(key=K + "rb_version").options[0].startswith("Phiên bản 1 · ")
    assert at.selectbox(key=K + "rb_version").options[0].endswith("Kiểm thử · 2 dòng báo cáo")
    button = f"FormSubmitter:{K}rollback-Quay lại phiên bản đã chọn"
    at.button(key=button).click().run()
    assert shown(at.error[0].value) == "Hãy đánh dấu ô xác nhận trước."
    assert _task_versions(store_url) == {2020: 2}
    at.checkbox(key=K + "rb_ok").check()
    at.button(key=button).click().run()
    assert not at.exception
    assert (
        shown(at.success[0].value) == "Năm 2020: phiên bản 1 là phiên bản đang dùng (trước đó: phiên bản 2)."
    )
    assert _task_versions(store_url) == {2020: 1}
    assert "V.3" in _overdue_tasks()


def test_of_two_sessions_previewing_the_same_report_year_the_second_confirmation_is_refused(
    store_url,
) -> None:
    first, second = _open_tasks(store_url), _open_tasks(store_url)
    _upload(first, _report(BEGUN_2020))
    _upload(second, _report(DONE_2020))
    _confirm(first)
    assert shown(first.success[0].value).startswith("Đã lưu báo cáo tiến độ nhiệm vụ năm 2020, phiên bản 1")
    _confirm(second)
    assert not second.exception
    assert shown(second.error[0].value).startswith(
        "Không nhập được: Số liệu năm 2020 đã thay đổi kể từ khi xem trước (phiên bản đang dùng lúc xem trước: "
        "–, bây giờ: 1)"
    )
    assert _task_versions(store_url) == {2020: 1}


def test_the_reports_of_a_year_can_be_rolled_back_to_no_data(store_url) -> None:
    from kpi.store.versions import TASKS, open_store

    with open_store(store_url) as store:
        report = _report(BEGUN_2020)
        assert store.import_workbook(report, "v1.xlsx", None, "Kiểm thử", kind=TASKS, identity=OPERATOR).ok
    at = _open_tasks(store_url)
    none = "Không có số liệu: năm 2020 không dùng phiên bản nào (các trang coi như chưa có số liệu)"
    at.selectbox(key=K + "rb_version").set_value("no_data")
    assert at.selectbox(key=K + "rb_version").options == [none]
    at.checkbox(key=K + "rb_ok").check()
    at.button(key=f"FormSubmitter:{K}rollback-Quay lại phiên bản đã chọn").click().run()
    assert not at.exception
    assert shown(at.success[0].value).startswith("Năm 2020: không còn phiên bản nào đang dùng")
    assert _task_versions(store_url) == {}
