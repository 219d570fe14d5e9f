"""Filtering the list of cooperatives and following one cooperative across the years (kpi.stats.coops)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from kpi.stats.coops import (
    BLANK,
    CodeIndex,
    CoopFilters,
    choice_options,
    code_keys,
    code_rows,
    coop_history,
    coop_index,
    describe_filters,
    filter_coops,
    history_table,
    identity_line,
    list_order,
    list_workbook_bytes,
    rating_path,
    readable_table,
    screen_table,
)
from kpi.workbook.contract import COOP
from kpi.workbook.dataset import Dataset

NA = np.nan


def _coops(rows: list[dict]) -> pd.DataFrame:
    """Return clean cooperative rows with every column of sheet HTX (blank where not given)."""
    frame = pd.DataFrame([{c: r.get(c, NA) for c in COOP.ids} for r in rows])
    for col in ("value_chain", "model"):
        frame[col] = frame[col].astype("boolean")
    return frame


# Six cooperatives of one year, worked out by hand below.
ROWS = [
    dict(code="A1", name="HTX Nông nghiệp Hòa Thuận", district="Cư Jút", commune="Ea T'ling",
         sector="Nông nghiệp", status="Đang hoạt động", rating="Tốt", ocop_products=2,
         value_chain=True, model=True, members=120, revenue=2500.0),
    dict(code="A2", name="HTX Cà phê Đắk Mil", district="Đắk Mil", commune="Đức Mạnh",
         sector="Nông nghiệp", status="Đang hoạt động", rating="Khá", ocop_products=0,
         value_chain=True, model=False, members=40, revenue=900.5),
    dict(code="B7", name="HTX Vận tải Gia Nghĩa", district="Gia Nghĩa", commune="Nghĩa Đức",
         sector="Vận tải", status="Tạm ngừng hoạt động", rating="Yếu", ocop_products=NA,
         value_chain=False, model=False, members=15, revenue=100.0),
    dict(code="C3", name="HTX Dịch vụ Krông Nô", district="Krông Nô", commune="Đắk Sôr",
         sector="Thương mại - Dịch vụ", status="Đang hoạt động", rating=NA, ocop_products=1,
         value_chain=NA, model=NA, members=30, revenue=NA),
    dict(code="C4", name="HTX Nông nghiệp Đắk R'lấp", district="Đắk R'lấp", commune="Kiến Đức",
         sector="Nông nghiệp", status="Giải thể", rating="Chưa xếp loại", ocop_products=0,
         value_chain=False, model=False, members=NA, revenue=NA),
    dict(code="6400123", name="HTX Thủy sản Cư Jút", district="Cư Jút", commune="Nam Dong",
         sector=NA, status="Đang hoạt động", rating="Trung bình", ocop_products=3,
         value_chain=False, model=False, members=25, revenue=310.0),
]  # fmt: skip


@pytest.fixture
def coops() -> pd.DataFrame:
    return _coops(ROWS)


def _codes(frame: pd.DataFrame) -> list[str]:
    return list(frame["code"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["A1", "A2", "B7", "C3", "C4", "6400123"]),
        ({"districts": ["Cư Jút"]}, ["A1", "6400123"]),
        ({"districts": ["Cư Jút", "Krông Nô"]}, ["A1", "C3", "6400123"]),
        ({"communes": ["Ea T'ling"]}, ["A1"]),
        ({"sectors": ["Nông nghiệp"]}, ["A1", "A2", "C4"]),
        ({"sectors": [BLANK]}, ["6400123"]),
        ({"statuses": ["Tạm ngừng hoạt động", "Giải thể"]}, ["B7", "C4"]),
        ({"ratings": ["Tốt", "Khá"]}, ["A1", "A2"]),
        ({"ratings": [BLANK, "Yếu"]}, ["B7", "C3"]),
        ({"ocop": True}, ["A1", "C3", "6400123"]),
        ({"ocop": False}, ["A2", "B7", "C4"]),
        ({"value_chain": True}, ["A1", "A2"]),
        ({"value_chain": False}, ["B7", "C3", "C4", "6400123"]),
        ({"model": True}, ["A1"]),
        ({"sectors": ["Nông nghiệp"], "value_chain": True, "ratings": ["Khá"]}, ["A2"]),
        ({"districts": ["Gia Nghĩa"], "ocop": True}, []),
    ],
)
def test_each_filter_keeps_exactly_the_rows_that_meet_it(coops, filters, expected) -> None:
    assert _codes(filter_coops(coops, filters)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoa thuan", ["A1"]),  # without accents
        ("HÒA THUẬN", ["A1"]),  # upper case with accents
        ("nông nghiệp", ["A1", "C4"]),
        ("dak rlap", ["C4"]),  # the apostrophe and the space do not matter
        ("cà phê mil", ["A2"]),  # every word, in any order of the name
        ("mil cà phê", ["A2"]),
        (
            "cư jút",
            ["6400123"],
        ),  # the district is not searched: A1 lies in Cư Jút but its name does not say so
        ("6400", ["6400123"]),  # part of a code
        ("b7", ["B7"]),
        ("   ", ["A1", "A2", "B7", "C3", "C4", "6400123"]),
        ("không có", []),
    ],
)
def test_the_search_matches_every_word_in_the_code_or_the_name(coops, text, expected) -> None:
    assert _codes(filter_coops(coops, {"text": text})) == expected


def test_search_and_filters_combine(coops) -> None:
    assert _codes(filter_coops(coops, {"text": "htx", "districts": ["Cư Jút"], "ocop": True})) == [
        "A1",
        "6400123",
    ]


def test_filters_accept_the_dataclass_and_none(coops) -> None:
    assert _codes(filter_coops(coops, CoopFilters(model=True))) == ["A1"]
    assert len(filter_coops(coops, None)) == 6
    assert not CoopFilters().active
    assert CoopFilters(text="a").active


def test_an_unknown_filter_is_refused(coops) -> None:
    with pytest.raises(ValueError, match="colour"):
        filter_coops(coops, {"colour": ["red"]})


def test_filter_options_follow_the_closed_list_order_then_blank(coops) -> None:
    order = ("Tốt", "Khá", "Trung bình", "Yếu", "Chưa xếp loại")
    assert choice_options(coops, "rating", order) == [
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
        "Chưa xếp loại",
        BLANK,
    ]
    # Without an order: alphabetical ignoring accents (Cư, Đắk M, Đắk R, Gia, Krông), no blank cell here.
    assert choice_options(coops, "district") == ["Cư Jút", "Đắk Mil", "Đắk R'lấp", "Gia Nghĩa", "Krông Nô"]


# --- the list's order, kept with each version --------------------------------------------------------------------

DISTRICTS = ["Gia Nghĩa", "Cư Jút", "Krông Nô", "Đắk Mil", "Đắk R'lấp"]  # a reference order, not alphabetical


def test_the_list_goes_by_district_in_reference_order_then_by_name_without_accents(coops) -> None:
    # Cư Jút holds "HTX Nông nghiệp Hòa Thuận" (htxnongnghiep...) and "HTX Thủy sản Cư Jút" (htxthuysan...):
    # n < t, so A1 before 6400123; the other districts hold one cooperative each.
    ordered = list_order(coops.assign(_row=range(2, 8)), DISTRICTS)
    assert _codes(ordered) == ["B7", "A1", "6400123", "C3", "A2", "C4"]
    assert list(ordered.columns) == list(coops.columns) + ["_row"]
    assert ordered.index.tolist() == list(range(6))


def test_a_district_outside_the_reference_and_a_blank_one_go_last_in_excel_row_order_among_equals(
    coops,
) -> None:
    rows = coops.assign(_row=range(2, 8))
    rows.loc[1, "district"] = "Huyện khác"  # A2
    rows.loc[3, "district"] = NA  # C3
    rows.loc[5, "name"] = rows.loc[0, "name"]  # 6400123 now has A1's name: Excel row decides
    assert _codes(list_order(rows, DISTRICTS)) == ["B7", "A1", "6400123", "C4", "A2", "C3"]


def test_each_code_is_kept_as_a_key_of_the_trimmed_code_with_its_excel_row(coops) -> None:
    rows = coops.assign(_row=range(2, 8))
    rows.loc[0, "code"] = "  A1 "
    kept = code_rows(rows)
    trimmed = np.array(["A1", "A2", "B7", "C3", "C4", "6400123"], dtype=object)
    assert kept["key"].tolist() == pd.util.hash_array(trimmed, categorize=False).tolist()
    folded = np.array([c.casefold() for c in trimmed], dtype=object)
    assert kept["fold"].tolist() == pd.util.hash_array(folded, categorize=False).tolist()
    assert kept["_row"].tolist() == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("one", "other", "same_key", "same_fold"),
    [
        ("A1", " A1 ", True, True),  # spaces around a code are not part of it
        ("A1", "a1", False, True),
        ("A1", "A2", False, False),
        ("HTX-Đắk", "htx-đắk", False, True),
    ],
)
def test_two_codes_share_a_key_when_equal_once_trimmed_and_a_fold_key_regardless_of_case(
    one, other, same_key, same_fold
) -> None:
    assert bool(code_keys([one])[0] == code_keys([other])[0]) is same_key
    assert bool(code_keys([one], fold_case=True)[0] == code_keys([other], fold_case=True)[0]) is same_fold


def _codes_by_year(**years: list[tuple[str, int]]) -> dict[int, pd.DataFrame]:
    return {int(y[1:]): code_rows(pd.DataFrame(rows, columns=["code", "_row"])) for y, rows in years.items()}


CODES_BY_YEAR = _codes_by_year(
    y2021=[("A1", 4), ("b7", 9), ("a1", 12)], y2022=[("A2", 3), ("A1", 8)], y2023=[("B7", 2), ("A1", 5)]
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A1", {2021: [4], 2022: [8], 2023: [5]}),
        (" A1 ", {2021: [4], 2022: [8], 2023: [5]}),
        ("a1", {2021: [12]}),  # 2021 has "a1" exactly: the other spelling "A1" is another cooperative
        ("B7", {2023: [2]}),  # 2023 has "B7" exactly: "b7" of 2021 is another spelling, left out
        ("b7", {2021: [9]}),
        ("ZZ", {}),
    ],
)
def test_one_cooperatives_rows_are_found_in_every_year_as_its_history_matches_codes(code, expected) -> None:
    assert CodeIndex.of(CODES_BY_YEAR).rows_of(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("a2", {2022: [3]}),  # no year has "a2": matched without regard to case
        ("AB1", {2021: [6], 2023: [7]}),  # "Ab1" and "aB1": every spelling of it, each year's
        ("Đ1", {2022: [10]}),
    ],
)
def test_a_code_no_year_has_exactly_is_matched_without_regard_to_case(code, expected) -> None:
    codes = _codes_by_year(y2021=[("Ab1", 6)], y2022=[("A2", 3), ("đ1", 10)], y2023=[("aB1", 7)])
    assert CodeIndex.of(codes).rows_of(code) == expected


def test_a_code_twice_in_one_year_which_the_workbook_check_rejects_keeps_its_first_row() -> None:
    codes = _codes_by_year(y2023=[("B7", 2), ("A1", 5), ("A1", 6)], y2024=[("A1", 3)])
    assert CodeIndex.of(codes).rows_of("A1") == {2023: [5], 2024: [3]}
    assert CodeIndex.of(codes).years_present(pd.Series(["A1"])).tolist() == [2]


def test_the_years_a_cooperative_appears_in_are_counted_once_per_year() -> None:
    wanted = pd.Series(["A1", " A2", "B7", "ZZ", "A1", None, "b7"])  # A1 asked twice: counted for both
    assert CodeIndex.of(CODES_BY_YEAR).years_present(wanted).tolist() == [3, 1, 1, 0, 3, 0, 1]


def test_an_index_kept_as_a_table_reads_back_the_same() -> None:
    index = CodeIndex.of(CODES_BY_YEAR)
    back = CodeIndex.from_frame(index.frame())
    assert back.years == (2021, 2022, 2023)
    for code in ("A1", "a1", "B7", "b7", "A2", "a2", "ZZ"):
        assert back.rows_of(code) == index.rows_of(code)
    wanted = pd.Series(["A1", "A2", "b7", "ZZ"])
    assert back.years_present(wanted).tolist() == index.years_present(wanted).tolist() == [3, 1, 1, 0]


def test_an_index_of_no_year_finds_nothing() -> None:
    for index in (CodeIndex.of({}), CodeIndex.from_frame(CodeIndex.of({}).frame())):
        assert index.rows_of("A1") == {}
        assert index.years_present(pd.Series(["A1"])).tolist() == [0]


# --- history ---------------------------------------------------------------------------------------------------


@pytest.fixture
def dataset() -> Dataset:
    y2021 = _coops([ROWS[0] | {"rating": "Khá", "members": 100}, ROWS[1]]).assign(year=2021)
    y2022 = _coops([ROWS[1], ROWS[0] | {"rating": NA, "members": 110}]).assign(year=2022)
    y2023 = _coops([ROWS[0] | {"name": "HTX NN Hòa Thuận"}]).assign(year=2023)
    coops = pd.concat([y2023, y2021, y2022], ignore_index=True)  # stored order is not year order
    info = pd.DataFrame({"year": [2021, 2022, 2023]})
    return Dataset(coops=coops, groups=pd.DataFrame(columns=["district", "year"]), info=info)


def test_the_history_of_a_cooperative_has_one_row_per_year_it_appears_oldest_first(dataset) -> None:
    history = coop_history(dataset, "A1")
    assert list(history["year"]) == [2021, 2022, 2023]
    assert list(history["members"]) == [100, 110, 120]
    assert list(history["name"]) == ["HTX Nông nghiệp Hòa Thuận"] * 2 + ["HTX NN Hòa Thuận"]


def test_the_history_skips_years_where_the_cooperative_is_absent(dataset) -> None:
    assert list(coop_history(dataset, "A2")["year"]) == [2021, 2022]


@pytest.mark.parametrize("code", [" A1 ", "a1"])
def test_the_history_code_is_trimmed_and_case_blind(dataset, code) -> None:
    assert len(coop_history(dataset, code)) == 3


def test_the_history_of_an_unknown_code_is_empty(dataset) -> None:
    assert coop_history(dataset, "ZZ").empty


def test_the_rating_path_marks_a_year_without_rating(dataset) -> None:
    assert rating_path(coop_history(dataset, "A1")) == [(2021, "Khá"), (2022, "–"), (2023, "Tốt")]


def test_the_index_keeps_the_latest_name_and_sorts_by_name(dataset) -> None:
    index = coop_index(dataset.coops)
    # "HTX Cà phê Đắk Mil" < "HTX NN Hòa Thuận" (folded: htxcaphe... < htxnnhoa...)
    assert list(index["code"]) == ["A2", "A1"]
    assert index.loc[index["code"] == "A1", "name"].item() == "HTX NN Hòa Thuận"


# --- tables as users read them ---------------------------------------------------------------------------------


def test_the_readable_table_has_the_workbook_headers_and_yes_no_words(coops) -> None:
    table = readable_table(coops.iloc[[0, 3]])
    assert list(table.columns[:3]) == ["Mã HTX", "Tên HTX", "Huyện/Thành phố"]
    assert list(table["HTX điển hình"].fillna("")) == ["Có", ""]
    assert list(table["Tham gia chuỗi giá trị"].fillna("")) == ["Có", ""]
    assert table["Số thành viên"].tolist() == [120, 30]  # still numbers


def test_the_readable_table_in_english_and_with_year(dataset) -> None:
    table = readable_table(coop_history(dataset, "A2"), lang="en", with_year=True)
    assert list(table.columns[:2]) == ["Year", "Cooperative code"]
    assert list(table["Model cooperative"]) == ["No", "No"]


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [(900.5, 901), (900.49, 900), (2500.0, 2500), (-2.5, -3), (-2.4, -2), (NA, None)],
)
def test_the_screen_table_rounds_figures_half_up_to_whole_numbers(coops, revenue, expected) -> None:
    row = coops.iloc[[1]].assign(revenue=revenue)
    value = screen_table(row)["Doanh thu (triệu đồng)"].iloc[0]
    assert (value is pd.NA) if expected is None else value == expected


def test_the_screen_table_keeps_counts_and_years_as_integers(coops) -> None:
    table = screen_table(coops.assign(founded_year=2018.0))
    assert str(table["Số thành viên"].dtype) == "Int64"
    assert table["Năm thành lập"].tolist() == [2018] * 6


def test_the_list_downloads_as_an_excel_file_that_cannot_be_imported_as_a_year(coops) -> None:
    from openpyxl import load_workbook

    from kpi.workbook.validate import check_bytes

    data = list_workbook_bytes(coops.iloc[[0, 5]], ["Danh sách HTX năm 2024", "Lọc: Huyện Cư Jút"])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Danh sách HTX"
    assert [sheet["A1"].value, sheet["A2"].value] == ["Danh sách HTX năm 2024", "Lọc: Huyện Cư Jút"]
    assert [c.value for c in sheet[4]][:3] == ["Mã HTX", "Tên HTX", "Huyện/Thành phố"]
    assert [c.value for c in sheet[5]][:2] == ["A1", "HTX Nông nghiệp Hòa Thuận"]
    members = [c.value for c in sheet[4]].index("Số thành viên")
    assert sheet.cell(5, members + 1).value == 120
    assert sheet.cell(5, members + 1).number_format == "#,##0"
    assert sheet.cell(6, 1).value == "6400123"  # a code stays text
    assert not check_bytes(data).ok  # no sheet "Thông tin": never taken for a year's workbook


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "không lọc (toàn bộ HTX)"),
        ({"text": " cà phê "}, 'tìm "cà phê"'),
        ({"districts": ["Cư Jút", "Krông Nô"], "ratings": ["Tốt", BLANK]},
         "Huyện/Thành phố: Cư Jút, Krông Nô; Xếp loại: Tốt, (để trống)"),
        ({"ocop": True, "model": False}, "Sản phẩm OCOP: Có; HTX điển hình: Không"),
    ],
)  # fmt: skip
def test_the_filters_are_told_in_words_for_the_download(filters, expected) -> None:
    assert describe_filters(filters) == expected


def test_the_history_table_has_one_column_per_year_in_vietnamese_format(dataset) -> None:
    table = history_table(coop_history(dataset, "A1")).set_index("Chỉ tiêu")
    assert list(table.columns) == ["2021", "2022", "2023"]
    assert table.loc["Số thành viên"].tolist() == ["100", "110", "120"]
    assert table.loc["Xếp loại"].tolist() == ["Khá", "–", "Tốt"]
    assert table.loc["Doanh thu (triệu đồng)"].tolist() == ["2.500", "2.500", "2.500"]
    assert table.loc["HTX điển hình"].tolist() == ["Có", "Có", "Có"]
    # The name changed in 2023, so it is a row; the district did not, so it is left to the identity line.
    assert table.loc["Tên HTX"].tolist() == ["HTX Nông nghiệp Hòa Thuận"] * 2 + ["HTX NN Hòa Thuận"]
    assert "Huyện/Thành phố" not in table.index
    assert table.index[0] == "Tên HTX" and table.index[1] == "Tình trạng"


def test_the_identity_line_says_who_the_cooperative_is(dataset) -> None:
    assert identity_line(coop_history(dataset, "A1")) == "Mã A1 · Ea T'ling, Cư Jút · Nông nghiệp"
    founded = coop_history(dataset, "A2").assign(founded_year=2015.0, sector=np.nan)
    assert identity_line(founded) == "Mã A2 · Đức Mạnh, Đắk Mil · thành lập năm 2015"
