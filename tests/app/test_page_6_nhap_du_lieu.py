"""Page "Nhập dữ liệu" (AppTest): check report of a bad workbook, preview and import of a good one, the year
guard, sample data removed by the first real import, rollback, and the overview showing the new year.

Every test has its own throw-away SQLite store (env KPI_DATABASE_URL), filled by hand before the page runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.common.access import command_line
from kpi.common.i18n import t
from tests.app.apptest_helpers import add_account, log_in, shown, shown_table
from tests.builders import coop, group, info_rows, workbook

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "6_Nhap_du_lieu.py")
OVERVIEW = str(ROOT / "pages" / "1_Tong_quan.py")
TIMEOUT = 120
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# In force for 2023: A1 and A2.
YEAR_2023 = dict(year=2023, coops=[coop("A1", members=20), coop("A2", members=30)], groups=[group()])
# A good 2024 workbook: A1 (25 members), A2 (30), B1 new (10).
GOOD_2024 = dict(
    year=2024,
    coops=[coop("A1", members=25), coop("A2", members=30), coop("B1", name="HTX Mới", members=10)],
    groups=[group()],
)
# A new 2023 workbook: A1 with 22 members, A2 gone, B2 new.
NEW_2023 = dict(year=2023, coops=[coop("A1", members=22), coop("B2", name="HTX B2")], groups=[group()])


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    return url


def _fill(url: str, *workbooks: dict, sample: bool = False) -> None:
    from kpi.store.versions import open_store

    with open_store(url) as store:
        for kw in workbooks:
            outcome = store.import_workbook(
                workbook(**kw),
                f"{kw['year']}.xlsx",
                kw["year"],
                by="Kiểm thử",
                is_sample=sample,
                identity=OPERATOR,
            )
            assert outcome.ok, outcome.message()


def _store(url: str):
    from kpi.store.versions import open_store

    return open_store(url)


def _as_analyst(store_url: str) -> AppTest:
    """Return the page, logged in on its own form as analyst 'lan' (shown as Nguyễn Văn Lan)."""
    add_account(store_url, "lan", "analyst", "Nguyễn Văn Lan")
    return log_in(AppTest.from_file(PAGE, default_timeout=TIMEOUT).run(), "lan")


@pytest.fixture
def app(store_url) -> AppTest:
    """The page over a store holding 2023 as real data, for an analyst logged in."""
    _fill(store_url, YEAR_2023)
    return _as_analyst(store_url)


def _upload(at: AppTest, data: bytes, name: str = "so-lieu.xlsx") -> AppTest:
    return at.file_uploader[0].upload(name, data, XLSX).run()


def _confirm(at: AppTest, note: str = "") -> AppTest:
    at.text_area(key="imports_note").input(note)
    return at.button(key="FormSubmitter:imports_confirm-" + _confirm_label(at)).click().run()


def _confirm_label(at: AppTest) -> str:
    labels = [b.label for b in at.button if b.label.startswith("Nhập số liệu năm")]
    assert labels, "no confirm button"
    return labels[0]


def _tables(at: AppTest) -> list:
    """Return every table of the page, static (short, wrapped) or grid (long), in page order."""
    return [
        shown_table(e.value) if e.type == "table" else e.value
        for e in at.main
        if e.type in ("table", "arrow_data_frame")
    ]


def _table_with(at: AppTest, column: str):
    """Return the first table of the page that has this column."""
    return next(t for t in _tables(at) if column in t.columns)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_page_offers_the_template_the_upload_and_the_history(app) -> None:
    assert not app.exception
    assert app.title[0].value == "Nhập dữ liệu"
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Tải mẫu Excel", "Tải mẫu có số liệu năm 2023"]
    assert len(app.file_uploader) == 1
    # Data in force: 2023 version 1, real data; history: one import.
    sources = app.dataframe[0].value
    assert sources.iloc[0].tolist()[:3] == ["2023", 1, "số liệu thật"]
    history = app.dataframe[1].value
    assert history["Thao tác"].tolist() == ["Nhập tệp"]
    assert history["Người thực hiện"].tolist() == ["Kiểm thử"]


def test_a_bad_workbook_is_refused_with_its_located_problems(app, store_url) -> None:
    bad = workbook(
        year=2024,
        coops=[coop("A1"), coop("A2", members="mười hai"), coop("A3", district="Hà Nội", rating="Xuất sắc")],
        groups=[group()],
    )
    _upload(app, bad, "loi.xlsx")
    assert not app.exception
    assert "Tệp có **3** lỗi" in app.error[0].value
    report = shown_table(
        app.table[0].value
    )  # a short report is a wrapped table, so every message reads in full
    errors = report[report["Mức độ"] == "Lỗi"]
    located = set(zip(errors["Sheet"], errors["Dòng"], errors["Cột"], errors["Giá trị"], strict=True))
    # Header on Excel row 1: A2 on row 3, A3 on row 4.
    assert located == {
        ("HTX", 3, "Số thành viên", "mười hai"),
        ("HTX", 4, "Huyện/Thành phố", "Hà Nội"),
        ("HTX", 4, "Xếp loại", "Xuất sắc"),
    }
    assert "không phải là số" in errors.loc[errors["Dòng"] == 3, "Nội dung"].item()
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == [
        "Tải mẫu Excel",
        "Tải mẫu có số liệu năm 2023",
        "Tải báo cáo (Excel)",
        "Tải báo cáo (CSV)",
    ]
    assert not [b for b in app.button if b.label.startswith("Nhập số liệu năm")]  # no confirmation offered
    with _store(store_url) as store:
        assert store.years() == [2023]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ma HTX;Ten HTX\nA1;HTX A\n", "Tệp không phải là bảng tính Excel đọc được"),
        (b"", "Tệp rỗng (0 byte)."),
    ],
)
def test_an_unreadable_file_gets_the_vietnamese_message_not_a_traceback(app, data, message) -> None:
    _upload(app, data, "danh-sach.xlsx")  # a text file or an empty one under an Excel name
    assert not app.exception
    assert shown(app.error[0].value).startswith(message)


def test_a_good_workbook_is_previewed_then_imported_and_shown_everywhere(app, store_url) -> None:
    _upload(app, workbook(**GOOD_2024), "so-lieu-2024.xlsx")
    assert not app.exception
    assert app.success[0].value == "Tệp dùng được: năm báo cáo **2024**, **3** HTX, **1** dòng THT."
    assert app.number_input[0].label == "Năm của số liệu"
    assert app.number_input[0].value == 2024
    assert app.info[0].value.startswith("Năm 2024 chưa có số liệu thật")
    assert _metrics(app) == {
        "HTX thêm mới": "3",
        "HTX không còn trong tệp": "0",
        "HTX có số liệu thay đổi": "0",
        "HTX không đổi": "0",
    }
    kpis = _table_with(app, "Trước khi nhập").set_index("Chỉ tiêu")
    # Members 2024 of cooperatives not dissolved: 25 + 30 + 10 = 65; nothing before.
    assert kpis.loc["Số thành viên HTX", ["Trước khi nhập", "Sau khi nhập"]].tolist() == ["–", "65 người"]
    assert kpis.loc["Số HTX", "Sau khi nhập"] == "3 HTX"

    assert not [w for w in app.text_input if w.label == "Người nhập"]  # the account is who imports
    _confirm(app, note="Số liệu chính thức")
    assert not app.exception
    assert shown(app.success[0].value) == "Đã lưu số liệu năm 2024, phiên bản 1 (3 HTX, 1 dòng THT)."
    with _store(store_url) as store:
        assert store.current_versions() == {2023: 1, 2024: 1}
        last = store.history().iloc[-1]
        assert (last["by"], last["note"], last["file_name"]) == (
            "Nguyễn Văn Lan",
            "Số liệu chính thức",
            "so-lieu-2024.xlsx",
        )
        [event] = [e for e in store.dump()["events"] if e["action"] == "import" and e["year"] == 2024]
        assert event["account"] == "lan" and event["session_id"]
    # Every page now opens on the year just imported; the uploader is emptied for the next file.
    assert app.session_state["year"] == 2024
    assert app.file_uploader[0].value is None
    history = app.dataframe[1].value
    assert history["Năm"].tolist() == ["2024", "2023"]


def test_after_the_import_the_overview_shows_the_new_year(app, store_url) -> None:
    before = AppTest.from_file(OVERVIEW, default_timeout=TIMEOUT).run()
    assert before.title[0].value.endswith("2023")
    _upload(app, workbook(**GOOD_2024))
    _confirm(app)
    overview = AppTest.from_file(OVERVIEW, default_timeout=TIMEOUT)
    overview.session_state["year"] = app.session_state["year"]  # the reader's choice, as set by the import
    overview.run()
    assert not overview.exception
    assert overview.title[0].value == "Tổng quan năm 2024"


def test_a_year_other_than_the_workbooks_is_refused_with_the_stores_message(app, store_url) -> None:
    _upload(app, workbook(**GOOD_2024))
    app.number_input[0].set_value(2023).run()
    # (the first warning of the preview compares with 2023: 2 HTX then, 3 now)
    assert "khác năm báo cáo trong tệp (2024)" in app.warning[1].value
    _confirm(app)
    assert shown(app.error[0].value) == ("Không nhập được: Tệp bị từ chối (1 lỗi); không có gì được lưu.")
    refused = [t for t in _tables(app) if "Nội dung" in t.columns][-1]  # after the year-on-year warnings
    assert refused.iloc[0][["Sheet", "Cột", "Nội dung"]].tolist() == [
        "Thông tin",
        "Năm báo cáo",
        "Năm báo cáo trong tệp là 2024, khác với năm đã chọn 2023.",
    ]
    with _store(store_url) as store:
        assert store.current_versions() == {2023: 1}


def test_a_new_version_of_a_year_previews_added_removed_and_changed(app, store_url) -> None:
    _upload(app, workbook(**NEW_2023))
    assert app.info[0].value.startswith("Năm 2023 đang dùng phiên bản 1.")
    assert _metrics(app) == {
        "HTX thêm mới": "1",
        "HTX không còn trong tệp": "1",
        "HTX có số liệu thay đổi": "1",
        "HTX không đổi": "0",
    }
    # The removed cooperative is listed open; the others in closed expanders.
    tables = _tables(app)
    removed = next(t for t in tables if "Mã HTX" in t.columns and t["Mã HTX"].tolist() == ["A2"])
    assert removed["Tên HTX"].tolist() == ["HTX Nông nghiệp Mẫu"]
    changed = next(t for t in tables if "Cột thay đổi" in t.columns)
    assert changed.values.tolist() == [["A1", "HTX Nông nghiệp Mẫu", "Cư Jút", "Số thành viên"]]
    kpis = next(t for t in tables if "Trước khi nhập" in t.columns).set_index("Chỉ tiêu")
    assert kpis.loc["Số thành viên HTX", ["Trước khi nhập", "Sau khi nhập", "Thay đổi"]].tolist() == [
        "50 người",
        "42 người",
        "−8",
    ]
    _confirm(app)
    with _store(store_url) as store:
        assert store.current_versions() == {2023: 2}


def test_the_first_real_import_removes_the_sample_data_once_agreed(store_url) -> None:
    _fill(store_url, YEAR_2023, sample=True)
    app = _as_analyst(store_url)
    _upload(app, workbook(**GOOD_2024))
    page_text = " ".join(m.value for m in app.markdown)
    assert "Số liệu mẫu sẽ bị xoá" in page_text
    assert "toàn bộ số liệu mẫu (1 phiên bản) sẽ được xoá" in page_text
    _confirm(app)  # without ticking the box
    assert app.error[0].value.startswith("Hãy đánh dấu đồng ý xoá số liệu mẫu")
    with _store(store_url) as store:
        assert store.has_sample()
    app.checkbox(key="imports_sample_ok").check()
    _confirm(app)
    assert not app.exception
    assert shown(app.success[0].value) == (
        "Đã lưu số liệu năm 2024, phiên bản 1 (3 HTX, 1 dòng THT). Đã xoá số liệu mẫu (1 phiên bản)."
    )
    with _store(store_url) as store:
        assert not store.has_sample()
        assert store.current_versions() == {2024: 1}  # real data alone, never beside sample data


def test_a_rollback_needs_a_confirmation(store_url) -> None:
    _fill(store_url, YEAR_2023, NEW_2023)
    app = _as_analyst(store_url)
    assert app.selectbox(key="imports_rb_version").options[0].startswith("Phiên bản 1 · ")
    app.button(key="FormSubmitter:imports_rollback-Quay lại phiên bản đã chọn").click().run()
    assert shown(app.error[0].value) == "Hãy đánh dấu ô xác nhận trước."
    app.checkbox(key="imports_rb_ok").check()
    app.button(key="FormSubmitter:imports_rollback-Quay lại phiên bản đã chọn").click().run()
    assert (
        shown(app.success[0].value) == "Năm 2023: phiên bản 1 là phiên bản đang dùng (trước đó: phiên bản 2)."
    )
    with _store(store_url) as store:
        assert store.current_versions() == {2023: 1}
    assert app.dataframe[1].value["Thao tác"].iloc[0] == "Quay lại (trước đó: phiên bản 2)"


def test_the_sample_data_can_be_removed_on_its_own(store_url) -> None:
    _fill(store_url, YEAR_2023, sample=True)
    app = _as_analyst(store_url)
    app.checkbox(key="imports_sd_ok").check()
    app.button(key="FormSubmitter:imports_sample-Xoá số liệu mẫu").click().run()
    assert shown(app.success[0].value) == "Đã xoá số liệu mẫu (1 phiên bản)."
    with _store(store_url) as store:
        assert not store.has_sample() and store.years() == []


SAMPLE_UNIT = "Đơn vị minh họa (dữ liệu mẫu, không phải số liệu chính thức)"


def _sample_workbook(**kw) -> bytes:
    return workbook(**kw, info=info_rows(kw["year"], unit=SAMPLE_UNIT))


def test_a_sample_workbook_is_never_imported_over_real_data(app, store_url) -> None:
    _upload(app, _sample_workbook(**GOOD_2024))
    assert not app.exception
    assert "đang chứa số liệu thật" in app.error[0].value
    assert not [b for b in app.button if b.label.startswith("Nhập số liệu năm")]
    assert app.subheader[-1].value.startswith("4.")  # the history is still shown below


def test_a_sample_workbook_over_sample_data_is_imported_as_sample(store_url) -> None:
    _fill(store_url, YEAR_2023, sample=True)
    app = _as_analyst(store_url)
    _upload(app, _sample_workbook(**GOOD_2024))
    assert any("được đánh dấu là **số liệu mẫu**" in i.value for i in app.info)
    _confirm(app)
    assert not app.exception
    with _store(store_url) as store:
        assert [v.is_sample for v in store.versions(2024)] == [True]
        assert store.years() == [2023, 2024]


def test_of_two_analysts_previewing_the_same_year_the_second_confirmation_is_refused(app, store_url) -> None:
    add_account(store_url, "binh", "analyst", "Lê Văn Bình")
    other = log_in(AppTest.from_file(PAGE, default_timeout=TIMEOUT).run(), "binh")
    second_2023 = dict(NEW_2023, coops=[coop("A1", members=23)])
    _upload(app, workbook(**NEW_2023), "lan.xlsx")
    _upload(other, workbook(**second_2023), "binh.xlsx")
    assert app.info[0].value.startswith("Năm 2023 đang dùng phiên bản 1.")
    assert other.info[0].value.startswith("Năm 2023 đang dùng phiên bản 1.")

    _confirm(app)
    assert shown(app.success[0].value).startswith("Đã lưu số liệu năm 2023, phiên bản 2")
    _confirm(other)
    assert not other.exception
    assert shown(other.error[0].value) == (
        "Không nhập được: Số liệu năm 2023 đã thay đổi kể từ khi xem trước (phiên bản đang dùng lúc xem trước: "
        "1, bây giờ: 2), có thể do người khác vừa nhập hoặc quay lại phiên bản cũ. Chưa có gì được lưu; hãy "
        "xem trước lại với số liệu hiện tại rồi mới xác nhận."
    )
    with _store(store_url) as store:
        assert store.current_versions() == {2023: 2}
        assert [v.version for v in store.versions(2023)] == [1, 2]
        assert store.history().iloc[-1]["by"] == "Nguyễn Văn Lan"
    # The refused session now previews against version 2: confirming again stores version 3.
    assert other.info[0].value.startswith("Năm 2023 đang dùng phiên bản 2.")
    _confirm(other)
    assert shown(other.success[0].value).startswith("Đã lưu số liệu năm 2023, phiên bản 3")


# --- the analyst's safeguards: year on year first, corrections apart, the prefilled template --------------


def _main_texts(at: AppTest) -> list[tuple[str, str]]:
    """Return (element type, text) of the main area in page order, for the elements that carry a text."""
    kinds = ("subheader", "warning", "info", "success", "error", "metric", "table", "number_input")
    return [(e.type, str(getattr(e, "value", ""))) for e in at.main if e.type in kinds]


def test_the_preview_shows_the_year_on_year_warnings_first_naming_code_column_and_both_values(app) -> None:
    # 2023 in force: A1 and A2 with a revenue of 1.000 each. 2024: A1's revenue typed in đồng-like
    # hundreds (100.000, 100 times), A2 kept, B1 new: HTX 2 → 3 (+50,0%, beyond 25%); revenue
    # 2.000 → 100.000 + 1.000 + 1.000 = 102.000 (+5.000,0%, beyond 50%).
    coops = [
        coop("A1", members=20, revenue=100000),
        coop("A2", members=30),
        coop("B1", name="HTX Mới", members=10),
    ]
    _upload(app, workbook(year=2024, coops=coops, groups=[group()]))
    assert not app.exception
    texts = _main_texts(app)
    step3 = next(i for i, (kind, text) in enumerate(texts) if kind == "subheader" and text.startswith("3."))
    # right under the step's title, before the year, the notices, the counts and the indicators
    kind, text = texts[step3 + 1]
    assert kind == "warning" and text.startswith("So với số liệu năm 2023 đang dùng: 3 cảnh báo.")
    assert [kind for kind, _ in texts[step3 + 2 : step3 + 5]] == ["table", "number_input", "info"]
    warnings = [t for t in _tables(app) if "Nội dung" in t.columns][0]
    first = warnings.iloc[0]
    assert (first["Sheet"], first["Dòng"], first["Cột"], first["Ô"]) == (
        "HTX",
        2,
        "Doanh thu (triệu đồng)",
        "J2",
    )
    assert first["Nội dung"] == (
        "Mã HTX 'A1': năm 2023 là 1.000, năm 2024 là 100.000 (gấp 100 lần); hãy kiểm tra lại số liệu và đơn vị."
    )
    assert (
        warnings["Nội dung"]
        .iloc[1]
        .startswith("Số HTX (không kể HTX giải thể): năm 2023 là 2, năm 2024 là 3")
    )
    assert warnings["Nội dung"].iloc[2].startswith("Tổng doanh thu: năm 2023 là 2.000, năm 2024 là 102.000")
    assert _confirm_label(app) == "Nhập số liệu năm 2024"  # warnings never block


def test_place_names_read_as_another_spelling_are_listed_apart_not_counted_as_warnings(app) -> None:
    coops = [coop("A1", district="Dak Mil", commune="Đức Mạnh"), coop("A2")]
    _upload(app, workbook(year=2023, coops=coops, groups=[group()]))
    assert not app.exception
    assert not [w for w in app.warning if "cảnh báo: nên xem lại" in w.value]  # no warning counted
    expander = next(e for e in app.expander if e.label.startswith("Tên địa danh"))
    assert expander.label == "Tên địa danh đã được đọc theo cách viết chuẩn (1)"
    (note,) = [shown_table(t.value) for t in expander.table]
    assert note.iloc[0][["Mức độ", "Ô", "Nội dung"]].tolist() == [
        "Thông tin",
        "C2",
        "'Dak Mil' đọc là 'Đắk Mil'.",
    ]


def test_the_template_prefilled_with_a_stored_year_is_offered_for_each_year(store_url) -> None:
    _fill(store_url, YEAR_2023, GOOD_2024)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert at.selectbox(key="imports_prefilled_year").options == ["2024", "2023"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải mẫu Excel", "Tải mẫu có số liệu năm 2024"]
    at.selectbox(key="imports_prefilled_year").select(2023).run()
    assert [b.proto.label for b in at.get("download_button")][1] == "Tải mẫu có số liệu năm 2023"


# --- undo: rollback to "no data", restoring the sample (issue 15) --------------------------------------------

ROLLBACK_BUTTON = "FormSubmitter:imports_rollback-Quay lại phiên bản đã chọn"
RESTORE_BUTTON = "FormSubmitter:imports_sample_restore-Khôi phục số liệu mẫu"


def _after_first_real_import(store_url: str) -> None:
    """Sample 2023 in the store, then the first real import (2024) removed it: 2024 version 1 in force."""
    _fill(store_url, YEAR_2023, sample=True)
    with _store(store_url) as store:
        outcome = store.import_workbook(
            workbook(**GOOD_2024), "2024.xlsx", 2024, "Kiểm thử", replace_sample=True, identity=OPERATOR
        )
        assert outcome.ok and not store.has_sample()


def test_after_the_first_real_import_the_year_can_be_rolled_back_to_no_data(store_url) -> None:
    _after_first_real_import(store_url)
    app = _as_analyst(store_url)
    # 2024 has a single version, in force: the only choice is "no data"
    assert app.selectbox(key="imports_rb_version").options == [
        "Không có số liệu: năm 2024 không dùng phiên bản nào (các trang coi như chưa có số liệu)"
    ]
    assert "Người thực hiện: Nguyễn Văn Lan" in [shown(c.value) for c in app.caption]
    app.button(key=ROLLBACK_BUTTON).click().run()
    assert shown(app.error[0].value) == "Hãy đánh dấu ô xác nhận trước."
    with _store(store_url) as store:
        assert store.current_versions() == {2024: 1}  # nothing done without the confirmation
    app.checkbox(key="imports_rb_ok").check()
    app.button(key=ROLLBACK_BUTTON).click().run()
    assert shown(app.success[0].value).startswith(
        "Năm 2024: không còn phiên bản nào đang dùng, các trang coi năm này là chưa có số liệu (trước đó: phiên bản 1)."
    )
    with _store(store_url) as store:
        assert store.current_versions() == {}
        last = store.history().iloc[-1]
        assert (last["action"], last["by"]) == ("rollback", "Nguyễn Văn Lan")
    assert app.dataframe[0].value["Thao tác"].iloc[0] == "Đưa về không có số liệu (trước đó: phiên bản 1)"
    # the year stays in the form, so that a version can be made current again
    assert app.selectbox(key="imports_rb_version").options[0].startswith("Phiên bản 1 · ")


def test_the_sample_cannot_be_restored_while_a_year_uses_real_data(store_url) -> None:
    _after_first_real_import(store_url)
    app = _as_analyst(store_url)
    assert any(
        shown(i.value).startswith("Các năm 2024 đang dùng số liệu thật. Muốn khôi phục số liệu mẫu")
        for i in app.info
    )
    assert not [b for b in app.button if b.key == RESTORE_BUTTON]


def test_after_a_rollback_to_no_data_the_sample_is_restored_once_confirmed(store_url) -> None:
    _after_first_real_import(store_url)
    with _store(store_url) as store:
        store.rollback(2024, None, "Kiểm thử", identity=OPERATOR)
    app = _as_analyst(store_url)
    app.button(key=RESTORE_BUTTON).click().run()
    assert shown(app.error[0].value) == "Hãy đánh dấu ô xác nhận trước."
    with _store(store_url) as store:
        assert not store.has_sample()
    app.checkbox(key="imports_sr_ok").check()
    app.button(key=RESTORE_BUTTON).click().run()
    assert not app.exception
    # data/sample/: six statistics workbooks (2020-2025) and six progress reports (2020-2025)
    assert shown(app.success[0].value) == "Đã khôi phục số liệu mẫu (12 phiên bản)."
    with _store(store_url) as store:
        assert store.years() == [2020, 2021, 2022, 2023, 2024, 2025]
        assert store.years("tasks") == [2020, 2021, 2022, 2023, 2024, 2025]
        # 2024: the real version 1 is kept, not in force; the sample is version 2, in force
        assert [(v.version, v.is_sample, v.current) for v in store.versions(2024)] == [
            (1, False, False),
            (2, True, True),
        ]
        restored = store.history().query("action == 'restore_sample'")
        assert set(restored["by"]) == {"Nguyễn Văn Lan"} and len(restored) == 6
    assert app.dataframe[1].value["Thao tác"].iloc[0] == "Khôi phục số liệu mẫu"


def test_a_viewer_gets_neither_the_rollback_nor_the_restore_control(store_url) -> None:
    _after_first_real_import(store_url)
    with _store(store_url) as store:
        store.rollback(2024, None, "Kiểm thử", identity=OPERATOR)
    add_account(store_url, "xem", "viewer", "Người Xem")
    app = log_in(AppTest.from_file(PAGE, default_timeout=TIMEOUT).run(), "xem")
    keys = [getattr(w, "key", None) or "" for w in (*app.selectbox, *app.checkbox, *app.button)]
    assert not [k for k in keys if k.startswith(("imports_rb_", "imports_sr_")) or "sample_restore" in k]


def test_a_viewer_reads_the_four_steps_in_order_and_is_told_who_may_preview(store_url) -> None:
    add_account(store_url, "xem", "viewer", "Người Xem")
    app = log_in(AppTest.from_file(PAGE, default_timeout=TIMEOUT).run(), "xem")
    numbers = [h.value.split(".", 1)[0] for h in app.subheader if h.value[:1].isdigit()]
    assert numbers == ["1", "2", "3", "4"]
    assert shown(t("imports.step3_login", "vi")) in [c.value for c in app.caption]
