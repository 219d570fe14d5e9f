"""What an import would change (kpi.stats.preview), on tiny workbooks worked out by hand."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from kpi.common import problems as pb
from kpi.common.access import command_line
from kpi.common.safe_text import csv_bytes
from kpi.stats.preview import (
    StatsPreview,
    changed_table,
    changes_table,
    compare,
    display,
    history_table,
    is_sample_workbook,
    preview_import,
    problems_table,
    readable_kpis,
    table_workbook_bytes,
    with_year,
)
from kpi.workbook.contract import COOP
from kpi.workbook.dataset import Dataset, dataset_from_workbooks
from kpi.workbook.upload import check_upload
from kpi.workbook.validate import CleanWorkbook, check_bytes
from tests.builders import coop, group, info_rows, workbook

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def _clean(**kw) -> CleanWorkbook:
    validation = check_bytes(workbook(**kw))
    assert validation.ok, [p.line() for p in validation.problems]
    return validation.clean


A1 = coop("A1", members=20, revenue=1000, rating="Khá")  # the same in both workbooks of 2022
# Version in force for 2022: three cooperatives (A1, A2 operating; A3 dissolved), fund 1.000, THT of Cư Jút.
OLD_2022 = dict(
    year=2022,
    fund=1000,
    coops=[
        A1,
        coop("A2", members=30, revenue=3000, rating="Yếu"),
        coop("A3", status="Giải thể", members=None, rating=None),
    ],
    groups=[group("Cư Jút", 10, 5)],
)
# The workbook being imported for 2022: A1 unchanged, A2 with more members and a new rating, A3 gone, A4 new;
# the fund rises to 1.500 and Cư Jút certifies two more groups.
NEW_2022 = dict(
    OLD_2022,
    fund=1500,
    coops=[
        A1,
        coop("A2", members=45, revenue=3000, rating="Tốt"),
        coop("A4", name="HTX Mới", members=10, revenue=500, rating="Chưa xếp loại"),
    ],
    groups=[group("Cư Jút", 10, 7)],
)
OLD_2021 = dict(
    year=2021, fund=800, coops=[coop("A1", members=18, revenue=900)], groups=[group("Cư Jút", 8, 4)]
)


class FakeStore:
    """A store without sample data, answering the calls the preview makes."""

    def __init__(self, cleans: list[CleanWorkbook], versions: dict[int, int]):
        self.data = dataset_from_workbooks(cleans)
        self.numbers = versions

    def load_dataset(self, versions: dict[int, int] | None = None) -> Dataset:
        assert versions == self.numbers, "a store without sample data is read as it is"
        return self.data

    def current_versions(self, kind: str = "stats") -> dict[int, int]:
        assert kind == "stats"
        return self.numbers

    def has_sample(self) -> bool:
        return False

    def sample_versions(self) -> list:
        return []

    def versions(self, year: int, kind: str = "stats") -> list:
        raise AssertionError("not needed without sample data")


@pytest.fixture(scope="module")
def preview() -> StatsPreview:
    """The preview of NEW_2022 against a store holding OLD_2021 (version 1) and OLD_2022 (version 3)."""
    store = FakeStore([_clean(**OLD_2021), _clean(**OLD_2022)], {2021: 1, 2022: 3})
    return preview_import(store, _clean(**NEW_2022))


def test_the_preview_names_the_version_it_replaces(preview) -> None:
    assert preview.year == 2022
    assert preview.current_version == 3
    assert not preview.is_new_year
    assert (preview.rows_before, preview.rows_after) == (3, 3)


def test_added_removed_and_unchanged_cooperatives_are_told_apart(preview) -> None:
    assert list(preview.added["code"]) == ["A4"]
    assert list(preview.added["name"]) == ["HTX Mới"]
    assert list(preview.removed["code"]) == ["A3"]
    assert preview.unchanged == 1  # A1
    assert preview.has_changes


def test_a_changed_cooperative_lists_exactly_the_fields_that_differ(preview) -> None:
    assert list(preview.changed["code"]) == ["A2"]
    assert preview.changed["fields"].iloc[0] == ["members", "rating"]  # sheet order
    cells = preview.changes.set_index("field")
    assert cells.loc["members", "before"] == 30 and cells.loc["members", "after"] == 45
    assert cells.loc["rating", "before"] == "Yếu" and cells.loc["rating", "after"] == "Tốt"


def test_changes_of_sheets_thong_tin_and_tht_are_listed(preview) -> None:
    rows = preview.other_changes.to_dict("records")
    assert rows == [
        {"sheet": "info", "key": "", "field": "fund_capital", "before": 1000, "after": 1500},
        {"sheet": "groups", "key": "Cư Jút", "field": "certified", "before": 5, "after": 7},
    ]


def test_the_indicators_of_the_year_before_and_after(preview) -> None:
    kpis = preview.kpis.set_index("indicator")
    # Cooperatives not dissolved: before A1, A2 (A3 dissolved) = 2; after A1, A2, A4 = 3.
    assert (kpis.at["cooperatives", "before"], kpis.at["cooperatives", "after"]) == (2, 3)
    assert kpis.at["cooperatives", "change"] == 1
    # Members of those: before 20 + 30 = 50; after 20 + 45 + 10 = 75.
    assert (kpis.at["members", "before"], kpis.at["members", "after"]) == (50, 75)
    # Mean revenue of operating ones: before (1000 + 3000) / 2 = 2000; after (1000 + 3000 + 500) / 3 = 1500.
    assert (kpis.at["avg_revenue", "before"], kpis.at["avg_revenue", "after"]) == (2000, 1500)
    # Rated = operating and rated Tốt/Khá/TB/Yếu. Before: Khá, Yếu -> Tốt+Khá 1/2 = 50%.
    # After: Khá, Tốt (A4 not rated) -> 2/2 = 100%.
    assert (kpis.at["good_fair_share", "before"], kpis.at["good_fair_share", "after"]) == (50, 100)
    assert (kpis.at["weak_share", "before"], kpis.at["weak_share", "after"]) == (50, 0)
    # Fund from sheet Thông tin; certified THT share 5/10 = 50% -> 7/10 = 70%.
    assert (kpis.at["fund_capital", "before"], kpis.at["fund_capital", "after"]) == (1000, 1500)
    assert (kpis.at["tht_certified_share", "before"], kpis.at["tht_certified_share", "after"]) == (50, 70)


def test_a_new_year_has_no_version_and_no_value_before() -> None:
    store = FakeStore([_clean(**OLD_2021)], {2021: 1})
    preview = preview_import(store, _clean(**OLD_2022))
    assert preview.is_new_year
    assert preview.current_version is None
    assert list(preview.added["code"]) == ["A1", "A2", "A3"]
    assert preview.removed.empty and preview.changed.empty
    kpis = preview.kpis.set_index("indicator")
    assert kpis.at["members", "before"] is None
    assert kpis.at["members", "after"] == 50
    assert kpis.at["members", "change"] is None
    assert kpis.at["members", "status_before"] == "insufficient_data"


def test_the_first_import_of_an_empty_store() -> None:
    preview = preview_import(FakeStore([], {}), _clean(**OLD_2021))
    assert preview.is_new_year
    assert list(preview.added["code"]) == ["A1"]
    assert preview.kpis.set_index("indicator").at["cooperatives", "after"] == 1


def test_reimporting_the_same_workbook_changes_nothing() -> None:
    store = FakeStore([_clean(**OLD_2022)], {2022: 1})
    preview = preview_import(store, _clean(**OLD_2022))
    assert not preview.has_changes
    assert preview.unchanged == 3
    assert (preview.kpis["before"].fillna(-1) == preview.kpis["after"].fillna(-1)).all()


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ({"members": None}, {"members": None}, False),  # blank stays blank
        ({"members": None}, {"members": 0}, True),  # blank is not zero
        ({"name": "HTX A"}, {"name": "HTX A "}, False),  # spaces around a name do not count
        ({"name": "HTX A"}, {"name": "HTX a"}, True),
        ({"value_chain": "Có"}, {"value_chain": "Có"}, False),
        ({"value_chain": None}, {"value_chain": "Không"}, True),
        ({"revenue": 1000.5}, {"revenue": "1.000,5"}, False),  # the same number typed as Vietnamese text
    ],
)
def test_what_counts_as_a_change(old, new, changed) -> None:
    before = dataset_from_workbooks([_clean(year=2022, coops=[coop("A1", **old)])])
    preview = compare(before, _clean(year=2022, coops=[coop("A1", **new)]))
    assert len(preview.changed) == (1 if changed else 0)


def test_with_year_replaces_only_the_year_imported() -> None:
    before = dataset_from_workbooks([_clean(**OLD_2021), _clean(**OLD_2022)])
    after = with_year(before, _clean(**NEW_2022))
    assert after.years == [2021, 2022]
    assert sorted(after.coops.loc[after.coops["year"] == 2022, "code"]) == ["A1", "A2", "A4"]
    assert list(after.coops.loc[after.coops["year"] == 2021, "members"]) == [18]
    assert list(after.info["fund_capital"]) == [800, 1500]


def test_the_readable_indicator_table_is_in_vietnamese_format(preview) -> None:
    table = readable_kpis(preview)
    assert list(table.columns) == [
        "Chỉ tiêu",
        "Trước khi nhập",
        "Sau khi nhập",
        "Thay đổi",
        "Đánh giá trước",
        "Đánh giá sau",
    ]
    members = table[table["Chỉ tiêu"] == "Số thành viên HTX"].iloc[0]
    assert (members["Trước khi nhập"], members["Sau khi nhập"], members["Thay đổi"]) == (
        "50 người",
        "75 người",
        "+25",
    )
    fund = table[table["Chỉ tiêu"].str.startswith("Nguồn vốn")].iloc[0]
    assert (fund["Trước khi nhập"], fund["Sau khi nhập"]) == ("1.000 triệu đồng", "1.500 triệu đồng")
    share = table[table["Chỉ tiêu"].str.contains("hợp đồng")].iloc[0]
    assert (share["Trước khi nhập"], share["Sau khi nhập"], share["Thay đổi"]) == (
        "50,0%",
        "70,0%",
        "+20,0 điểm %",
    )


def test_an_unchanged_share_reads_as_a_plain_zero() -> None:
    store = FakeStore([_clean(**OLD_2022)], {2022: 1})
    table = readable_kpis(preview_import(store, _clean(**OLD_2022))).set_index("Chỉ tiêu")
    assert table.loc["Tỷ lệ HTX xếp loại tốt, khá", "Thay đổi"] == "0,0"


def test_the_readable_table_of_a_new_year_shows_a_dash_before() -> None:
    store = FakeStore([], {})
    table = readable_kpis(preview_import(store, _clean(**OLD_2021)))
    members = table[table["Chỉ tiêu"] == "Số thành viên HTX"].iloc[0]
    assert (members["Trước khi nhập"], members["Thay đổi"], members["Đánh giá trước"]) == (
        "–",
        "–",
        "Chưa đủ dữ liệu",
    )


# --- against the real store, with sample data ------------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    from kpi.store.versions import open_store

    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as s:
        yield s


def _put(store, is_sample: bool = False, **kw) -> None:
    outcome = store.import_workbook(
        workbook(**kw), "t.xlsx", kw["year"], by="Test", is_sample=is_sample, identity=OPERATOR
    )
    assert outcome.ok, outcome.message()


def test_the_preview_ignores_sample_data_and_lists_what_goes(store) -> None:
    _put(store, is_sample=True, **OLD_2021)
    _put(store, is_sample=True, **OLD_2022)
    preview = preview_import(store, _clean(**NEW_2022))
    assert preview.sample_to_remove == [("stats", 2021, 1), ("stats", 2022, 1)]  # every kind's
    # Compared with the real data alone, which is none: everything is new, nothing was there before.
    assert preview.is_new_year
    assert list(preview.added["code"]) == ["A1", "A2", "A4"]
    assert preview.removed.empty
    kpis = preview.kpis.set_index("indicator")
    assert kpis.at["members", "before"] is None and kpis.at["members", "after"] == 75


def test_the_preview_against_the_store_matches_the_hand_worked_one(store) -> None:
    _put(store, **OLD_2021)
    _put(store, **OLD_2022)
    preview = preview_import(store, _clean(**NEW_2022))
    assert preview.current_version == 1
    assert list(preview.changed["code"]) == ["A2"]
    assert preview.changed["fields"].iloc[0] == ["members", "rating"]
    assert preview.unchanged == 1
    assert preview.other_changes["field"].tolist() == ["fund_capital", "certified"]
    assert preview.sample_to_remove == []


# --- tables as users read them ---------------------------------------------------------------------------------


def test_the_validation_report_locates_each_problem_in_excel_terms() -> None:
    bad = workbook(year=2022, coops=[coop("A1"), coop("A2", members="mười"), coop("A1", rating="Xuất sắc")])
    table = problems_table(check_bytes(bad).problems)
    assert list(table.columns) == ["Mức độ", "Sheet", "Dòng", "Cột", "Ô", "Giá trị", "Nội dung"]
    # Header on row 1, so A2 stands on Excel row 3 and the second A1 on row 4; the columns in the template's
    # order: Mã HTX in A, Số thành viên in H, Xếp loại in M.
    errors = table[table["Mức độ"] == "Lỗi"]
    located = set(
        zip(errors["Sheet"], errors["Dòng"], errors["Cột"], errors["Ô"], errors["Giá trị"], strict=True)
    )
    assert located == {
        ("HTX", 3, "Số thành viên", "H3", "mười"),
        ("HTX", 4, "Xếp loại", "M4", "Xuất sắc"),
        ("HTX", 4, "Mã HTX", "A4", "A1"),  # the repeated code
        ("HTX", 2, "Mã HTX", "A2", "A1"),  # and its first occurrence
    }
    # The workbook has no sheet THT: a warning, not an error.
    assert table.loc[table["Mức độ"] == "Cảnh báo", "Sheet"].tolist() == ["THT"]


def test_a_problem_without_a_row_has_a_blank_row() -> None:
    table = problems_table([pb.error("empty_file")])
    assert table["Dòng"].isna().all()
    assert table["Nội dung"].iloc[0] == "Tệp rỗng (0 byte)."


def test_the_report_downloads_as_excel_and_as_csv_that_excel_reads() -> None:
    table = problems_table(check_bytes(workbook(year=2022, coops=[coop("A1", members=-3)])).problems)
    data = table_workbook_bytes(table, "Kiểm tra", ["Báo cáo kiểm tra tệp x.xlsx"])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Kiểm tra"
    assert sheet["A1"].value == "Báo cáo kiểm tra tệp x.xlsx"
    assert [c.value for c in sheet[3]] == ["Mức độ", "Sheet", "Dòng", "Cột", "Ô", "Giá trị", "Nội dung"]
    assert [c.value for c in sheet[4]][:5] == ["Lỗi", "HTX", 2, "Số thành viên", "H2"]
    assert csv_bytes(table).startswith("\ufeffMức độ,Sheet,Dòng".encode())


def test_the_changes_read_in_vietnamese(preview) -> None:
    assert changed_table(preview).to_dict("records") == [
        {"Mã HTX": "A2", "Tên HTX": "HTX Nông nghiệp Mẫu", "Huyện/Thành phố": "Cư Jút",
         "Cột thay đổi": "Số thành viên; Xếp loại"},
    ]  # fmt: skip
    cells = changes_table(preview)
    assert cells.values.tolist() == [
        ["HTX", "A2 · HTX Nông nghiệp Mẫu", "Số thành viên", "30", "45"],
        ["HTX", "A2 · HTX Nông nghiệp Mẫu", "Xếp loại", "Yếu", "Tốt"],
        ["Thông tin", "–", "Nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX (triệu đồng)", "1.000", "1.500"],
        ["THT", "Cư Jút", "Số THT có hợp đồng được chứng thực", "5", "7"],
    ]


@pytest.mark.parametrize(
    ("value", "kind_of", "expected"),
    [(None, "members", "–"), (1234.5, "revenue", "1.234,5"), (27379.0, "members", "27.379"),
     (True, "model", "Có"), (False, "value_chain", "Không"), (2018.0, "founded_year", "2018"), ("Khá", "rating", "Khá")],
)  # fmt: skip
def test_one_value_reads_in_vietnamese(value, kind_of, expected) -> None:
    assert display(value, COOP.column(kind_of)) == expected


def test_the_history_reads_newest_first_in_local_time(store) -> None:
    _put(store, **OLD_2022)
    _put(store, **NEW_2022)
    store.rollback(2022, 1, by="Lan", note="Số liệu cũ đúng hơn", identity=OPERATOR)
    history = store.history()
    table = history_table(history)
    assert table["Thao tác"].tolist() == ["Quay lại (trước đó: phiên bản 2)", "Nhập tệp", "Nhập tệp"]
    assert table["Phiên bản"].tolist() == [1, 2, 1]
    assert table["Người thực hiện"].tolist() == ["Lan", "Test", "Test"]
    assert table["Đang dùng"].tolist() == ["✓ đang dùng", "", "✓ đang dùng"]
    assert table["Số HTX"].tolist() == ["", "3", "3"]
    local = history["at"].iloc[-1].astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    assert table["Thời gian"].iloc[0] == local  # UTC+7, day first


# --- checking an upload ----------------------------------------------------------------------------------------


def test_a_good_upload_goes_through_both_steps_and_can_be_imported() -> None:
    steps: list[str] = []
    check = check_upload(workbook(**NEW_2022), max_file_mb=20, max_rows=100, on_step=steps.append)
    assert steps == ["read", "validate"]
    assert check.ok and check.clean.year == 2022
    assert list(check.clean.coops["code"]) == ["A1", "A2", "A4"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp rỗng (0 byte)."),
        (b"Ma HTX;Ten HTX\nA1;HTX A\n", "Tệp không phải là bảng tính Excel đọc được"),
    ],
)
def test_an_unreadable_file_gives_the_vietnamese_message_and_no_exception(data, message) -> None:
    check = check_upload(data, max_file_mb=20, max_rows=100)
    assert check.unreadable and not check.ok and check.clean is None
    assert check.errors[0].message().startswith(message)


def test_a_file_above_the_size_limit_is_not_even_opened() -> None:
    steps: list[str] = []
    check = check_upload(b"x" * 2_000_000, max_file_mb=1, max_rows=100, on_step=steps.append)
    assert steps == []
    assert check.errors[0].message() == "Tệp nặng 1,9 MB, vượt giới hạn 1 MB."


def test_a_sheet_above_the_row_limit_is_refused_before_validation() -> None:
    steps: list[str] = []
    check = check_upload(workbook(**NEW_2022), max_file_mb=20, max_rows=2, on_step=steps.append)
    assert steps == ["read"]
    assert [p.message() for p in check.errors] == ["Sheet có 3 dòng, vượt giới hạn 2 dòng."]


def test_an_invalid_workbook_keeps_its_located_problems() -> None:
    check = check_upload(workbook(year=2022, coops=[coop("A1", members=-5)]), max_file_mb=20, max_rows=100)
    assert not check.ok and not check.unreadable
    assert [(p.sheet, p.row, p.column) for p in check.errors] == [("HTX", 2, "Số thành viên")]


def test_the_history_marks_sample_imports_and_leaves_blank_notes_blank(store) -> None:
    _put(store, is_sample=True, **OLD_2021)
    _put(store, **OLD_2022)
    store.delete_sample(by="Hoa", identity=OPERATOR)
    table = history_table(store.history())
    assert table["Thao tác"].tolist() == ["Xoá số liệu mẫu", "Nhập tệp", "Nhập số liệu mẫu"]
    assert table["Ghi chú"].tolist() == ["", "", ""]
    assert table["Số HTX"].tolist() == ["", "3", "1"]
    assert table["Đang dùng"].tolist() == ["", "✓ đang dùng", ""]


SAMPLE_UNIT = "Đơn vị minh họa (dữ liệu mẫu, không phải số liệu chính thức)"


def _sample_clean(**kw) -> CleanWorkbook:
    grid = info_rows(kw["year"], unit=SAMPLE_UNIT)
    return _clean(**kw, info=grid)


def test_a_workbook_marked_as_sample_is_compared_with_the_store_as_it_is(store) -> None:
    _put(store, is_sample=True, **OLD_2022)
    preview = preview_import(store, _sample_clean(**NEW_2022))
    assert preview.is_sample and not preview.mixes_with_real
    assert preview.sample_to_remove == []  # a sample workbook removes nothing
    assert preview.current_version == 1 and list(preview.added["code"]) == ["A4"]


def test_a_sample_workbook_over_real_data_is_flagged(store) -> None:
    _put(store, **OLD_2021)
    preview = preview_import(store, _sample_clean(**NEW_2022))
    assert preview.is_sample and preview.mixes_with_real


def test_a_real_workbook_is_not_taken_for_a_sample() -> None:
    assert not is_sample_workbook(_clean(**NEW_2022))
    assert is_sample_workbook(_sample_clean(**NEW_2022))


def test_the_preview_keeps_the_version_in_force_for_the_confirmation_to_check(store) -> None:
    assert preview_import(store, _clean(**NEW_2022)).store_version is None  # a year not stored yet
    _put(store, is_sample=True, **OLD_2022)
    over_sample = preview_import(store, _clean(**NEW_2022))
    # Compared with the real data (none), but the version in force is the sample one the import removes.
    assert (over_sample.current_version, over_sample.store_version) == (None, 1)
    outcome = store.import_workbook(
        workbook(**NEW_2022),
        "t.xlsx",
        2022,
        "Test",
        replace_sample=True,
        expected_version=1,
        identity=OPERATOR,
    )
    assert outcome.ok and outcome.version == 2
    assert preview_import(store, _clean(**OLD_2022)).store_version == 2
