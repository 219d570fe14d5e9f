"""Reading workbooks as users make them: sheets, header row below title rows, aliases, Excel row numbers."""

from __future__ import annotations

import pytest

from kpi.workbook.contract import COOP, GROUP, header_key
from kpi.workbook.reader import ROW, read_workbook
from tests.builders import coop, grid_bytes, group, info_rows, table_rows, workbook, xls_bytes


def codes_and_rows(data: bytes) -> list[tuple[object, int]]:
    """Return (Mã HTX, Excel row) of every raw row of sheet HTX."""
    table = read_workbook(data).tables[COOP.id]
    return list(zip(table["code"], table[ROW], strict=True))


def problem_codes(data: bytes) -> list[tuple[str, str | None, int | None, str | None]]:
    """Return (code, sheet, row, column) of every problem found while reading."""
    return [(p.code, p.sheet, p.row, p.column) for p in read_workbook(data).problems]


@pytest.mark.parametrize("titles", [0, 1, 5, 10])
def test_the_header_is_found_below_up_to_ten_title_rows(titles: int) -> None:
    data = workbook(coops=[coop("A1"), coop("A2")], groups=[group()], title_rows=titles)
    # header on Excel row titles + 1, data on the two rows after it
    assert codes_and_rows(data) == [("A1", titles + 2), ("A2", titles + 3)]
    assert problem_codes(data) == []


def test_a_header_below_eleven_title_rows_is_not_found() -> None:
    data = workbook(title_rows=11, groups=[group()])
    assert problem_codes(data) == [("no_header", "HTX", None, None)]
    assert read_workbook(data).tables[COOP.id].empty


def test_excel_row_numbers_count_blank_rows_and_a_blank_first_row_and_column() -> None:
    grid = table_rows([coop("A1"), {}, {}, coop("A2")], title_rows=["Danh sách HTX năm 2022"])
    grid = [[None], *grid]  # Excel row 1 left empty
    grid = [[None, *line] for line in grid]  # column A left empty
    data = grid_bytes({"Thông tin": info_rows(), "HTX": grid, "THT": table_rows([group()], GROUP)})
    # row 1 blank, row 2 title, row 3 header, row 4 A1, rows 5-6 blank, row 7 A2
    assert codes_and_rows(data) == [("A1", 4), ("A2", 7)]


def test_cells_holding_only_spaces_count_as_blank_and_blank_rows_are_dropped() -> None:
    data = workbook(coops=[coop("A1"), {"code": "  ", "name": " "}, coop("A2")], groups=[group()])
    assert codes_and_rows(data) == [("A1", 2), ("A2", 4)]


def test_columns_in_any_order_land_under_their_ids() -> None:
    reversed_ids = list(reversed(COOP.ids))
    data = workbook(coops=[coop("A1", members=17, district="Đắk Mil")], columns=reversed_ids)
    table = read_workbook(data).tables[COOP.id]
    assert table.loc[0, "code"] == "A1"
    assert table.loc[0, "members"] == 17
    assert table.loc[0, "district"] == "Đắk Mil"


@pytest.mark.parametrize(
    ("header", "column_id"),
    [
        ("Mã số HTX", "code"),
        ("Mã hợp tác xã", "code"),  # HTX written out
        ("MÃ  HTX.", "code"),  # case, spacing, punctuation
        ("ma htx", "code"),  # no diacritics
        ("Tên hợp tác xã", "name"),
        ("Huyện", "district"),
        ("Huyện, thành phố", "district"),
        ("Xã, phường, thị trấn", "commune"),
        ("Trạng thái", "status"),
        ("Xếp loại HTX", "rating"),
        ("Xếp loại hợp tác xã", "rating"),
        ("Tổng số thành viên", "members"),
        ("Doanh thu", "revenue"),
        ("DOANH THU (TRIỆU ĐỒNG)", "revenue"),
        ("Lợi nhuận trước thuế", "profit"),
        ("Số CBQL", "managers"),
        ("Số cán bộ quản lý", "managers"),
        ("Cán bộ quản lý trình độ sơ cấp, trung cấp", "managers_vocational"),
        ("CBQL cao đẳng, đại học trở lên", "managers_higher"),
        ("Sản phẩm OCOP", "ocop_products"),
        ("Members", "members"),  # the English header
        ("Số thành viên (người)", "members"),  # the column's unit added in brackets
        ("Doanh thu (tr.đ)", "revenue"),  # the unit abbreviated
        ("Lợi nhuận\n(triệu đồng)", "profit"),  # a line break in the header cell
        ("Số CBQL (người)", "managers"),
    ],
)
def test_a_header_alias_or_spelling_variant_finds_its_column(header: str, column_id: str) -> None:
    row = coop("A1", members=21, revenue=1500, profit=-20, managers=4)
    row["managers_vocational"], row["managers_higher"], row["ocop_products"] = 2, 1, 3
    data = workbook(coops=[row], rename={column_id: header})
    table = read_workbook(data).tables[COOP.id]
    assert table.loc[0, column_id] == row[column_id]
    assert not [p for p in read_workbook(data).problems if p.code in ("unknown_column", "missing_column")]


@pytest.mark.parametrize(
    ("long", "short"),
    [
        ("Số hợp tác xã", "Số HTX"),
        ("Số tổ hợp tác", "Số THT"),
        ("Số cán bộ quản lý", "Số CBQL"),
    ],
)
def test_an_abbreviation_and_its_long_form_have_the_same_header_key(long: str, short: str) -> None:
    assert header_key(long) == header_key(short)


@pytest.mark.parametrize(
    ("names", "found"),
    [
        ({"info": "THÔNG TIN", "coops": "htx", "groups": "tht"}, ("THÔNG TIN", "htx", "tht")),
        ({"info": "Thong tin chung", "coops": "Hợp tác xã", "groups": "Tổ hợp tác"}, None),
        ({"info": "Info", "coops": "Danh sách hợp tác xã", "groups": "THT "}, None),
        ({"info": "Thông tin", "coops": "Cooperatives", "groups": "Cooperative groups"}, None),
    ],
)
def test_sheet_names_are_matched_ignoring_case_diacritics_spaces_and_abbreviations(
    names: dict[str, str], found: tuple[str, ...] | None
) -> None:
    raw = read_workbook(workbook(sheet_names=names, groups=[group()]))
    assert raw.problems == []
    assert raw.sheet_names == {"info": names["info"], "coops": names["coops"], "groups": names["groups"]}


def test_a_missing_optional_sheet_is_a_warning_and_a_missing_required_one_an_error() -> None:
    raw = read_workbook(grid_bytes({"Sheet1": [["x"]], "HTX": table_rows([coop()])}))
    found = [(p.severity.value, p.code, p.sheet) for p in raw.problems]
    assert found == [
        ("error", "missing_sheet", "Thông tin"),
        ("warning", "missing_optional_sheet", "THT"),
    ]
    assert "Sheet1" in raw.problems[0].message()


@pytest.mark.parametrize("label", ["Tổng cộng", "TỔNG CỘNG", "Cộng", "Tổng", "Tổng cộng toàn tỉnh", "Total"])
def test_a_total_row_at_the_bottom_is_skipped_with_a_warning(label: str) -> None:
    data = workbook(coops=[coop("A1"), coop("A2"), {"name": label, "members": 40}], groups=[group()])
    assert codes_and_rows(data) == [("A1", 2), ("A2", 3)]
    assert problem_codes(data) == [("total_row_skipped", "HTX", 4, None)]


def test_a_total_row_of_sheet_tht_is_skipped() -> None:
    data = workbook(groups=[group("Cư Jút"), group("Toàn tỉnh", 10, 5)])
    table = read_workbook(data).tables[GROUP.id]
    assert list(table["district"]) == ["Cư Jút"]
    assert problem_codes(data) == [("total_row_skipped", "THT", 3, None)]


def test_a_cooperative_whose_name_begins_like_a_total_is_kept() -> None:
    data = workbook(coops=[coop(None, name="Cộng đồng Ea Pô"), coop("A2", name="Tổng hợp Nam Dong")])
    assert [r for _, r in codes_and_rows(data)] == [2, 3]


def test_a_column_given_twice_is_an_error_naming_both_letters() -> None:
    columns = ["code", "name", "district", "commune", "status", "members", "Tổng số thành viên"]
    data = workbook(columns=columns, coops=[{**coop("A1"), "Tổng số thành viên": 3}], groups=[group()])
    problems = read_workbook(data).problems
    assert [(p.code, p.sheet, p.row, p.column) for p in problems] == [
        ("duplicate_column", "HTX", 1, "Số thành viên")
    ]
    assert "F, G" in problems[0].message()


def test_an_unknown_column_is_a_warning_and_a_missing_required_one_an_error() -> None:
    columns = ["code", "name", "district", "commune", "Điện thoại"]
    data = workbook(columns=columns, coops=[{**coop("A1"), "Điện thoại": "0261 3544 123"}], groups=[group()])
    assert problem_codes(data) == [
        ("unknown_column", "HTX", 1, None),
        ("missing_column", "HTX", 1, "Tình trạng"),
    ]


def test_the_info_sheet_pairs_are_read_with_their_rows() -> None:
    grid = [
        ["BÁO CÁO"],
        ["Chỉ tiêu", None, "Giá trị"],
        ["Năm", None, 2023],
        ["Vốn Quỹ hỗ trợ phát triển HTX", "1.234,5"],
    ]
    raw = read_workbook(grid_bytes({"Thông tin": grid, "HTX": table_rows([coop()])}))
    assert raw.info == {"year": (2023, 3), "fund_capital": ("1.234,5", 4)}


def test_a_legacy_xls_workbook_is_read() -> None:
    data = xls_bytes(
        {"Thông tin": info_rows(2021), "HTX": table_rows([coop("A1", members="1.234")], title_rows=2)}
    )
    raw = read_workbook(data)
    assert raw.info["year"][0] == 2021
    assert codes_and_rows(data) == [("A1", 4)]
    assert raw.tables[COOP.id].loc[0, "members"] == "1.234"  # still text: reading judges nothing


@pytest.mark.parametrize(
    "numbers",
    [
        [f"({i})" for i in range(1, 20)],  # (1) (2) (3) ... typed as text
        ["A", "B", *range(1, 18)],  # letters then number cells
    ],
)
def test_a_row_of_column_numbers_under_the_header_is_skipped_with_a_warning(numbers: list[object]) -> None:
    grid = table_rows([coop("A1"), coop("A2")], columns=COOP.ids, title_rows=1)
    grid.insert(2, numbers)  # header on row 2, numbers on row 3, cooperatives on rows 4 and 5
    raw = read_workbook(
        grid_bytes({"Thông tin": info_rows(), "HTX": grid, "THT": table_rows([group()], GROUP)})
    )
    assert list(zip(raw.tables[COOP.id]["code"], raw.tables[COOP.id][ROW], strict=True)) == [
        ("A1", 4),
        ("A2", 5),
    ]
    assert [(p.code, p.sheet, p.row) for p in raw.problems] == [("numbering_row_skipped", "HTX", 3)]
    assert str(numbers[0]) in raw.problems[0].message() and "…" in raw.problems[0].message()


def test_a_first_row_of_short_values_that_is_no_numbering_stays_a_row() -> None:
    # a cooperative row with a long name is never taken for column numbers, even with small numbers around it
    data = workbook(coops=[coop("1", members=2, workers=3, managers=1), coop("A2")], groups=[group()])
    assert codes_and_rows(data) == [("1", 2), ("A2", 3)]


def test_a_header_with_another_unit_in_brackets_is_not_taken_for_the_column() -> None:
    # revenue in billions read as millions would be a thousand times too small: the column is left unknown
    data = workbook(
        coops=[coop("A1", revenue=2.5)], rename={"revenue": "Doanh thu (tỷ đồng)"}, groups=[group()]
    )
    raw = read_workbook(data)
    assert raw.tables[COOP.id].loc[0, "revenue"] is None
    assert [(p.code, p.row, p.value) for p in raw.problems] == [("unknown_column", 1, "Doanh thu (tỷ đồng)")]


def test_a_total_row_labelled_in_the_stt_column_is_skipped_and_stt_gives_no_warning() -> None:
    rows = [
        {"STT": 1, **coop("A1")},
        {"STT": 2, **coop("A2")},
        {"STT": "Tổng cộng", "members": 40, "workers": 10},
    ]
    data = workbook(coops=rows, groups=[group()])
    assert codes_and_rows(data) == [("A1", 2), ("A2", 3)]
    assert problem_codes(data) == [("total_row_skipped", "HTX", 4, None)]


@pytest.mark.parametrize("header", ["STT", "Số TT", "TT", "Ghi chú"])
def test_a_row_number_or_notes_column_is_ignored_without_a_warning(header: str) -> None:
    data = workbook(coops=[{header: "1", **coop("A1")}], groups=[group()])
    assert problem_codes(data) == []
