"""Page "Danh sách HTX" (AppTest): the year's list, filters and search, one cooperative's history, the download.

The store is a throw-away SQLite file holding two hand-made years, so every expected row is worked out here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.common.access import command_line
from kpi.store.versions import open_store
from tests.builders import coop, group, workbook

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "5_Danh_sach_HTX.py")
TIMEOUT = 120

# 2023: three cooperatives. 2024: A1 rated higher with more members, A2 unchanged, A3 dissolved, B1 and C1 new.
YEAR_2023 = [
    coop("A1", name="HTX Nông nghiệp Hòa Thuận", members=100, rating="Khá"),
    coop("A2", name="HTX Cà phê Đắk Mil", district="Đắk Mil", commune="Đắk Lao", rating="Trung bình"),
    coop("A3", name="HTX Vận tải Gia Nghĩa", district="Gia Nghĩa", commune="Nghĩa Đức", sector="Vận tải"),
]
YEAR_2024 = [
    coop("A1", name="HTX Nông nghiệp Hòa Thuận", members=120, rating="Tốt", ocop_products=2, model="Có"),
    coop("A2", name="HTX Cà phê Đắk Mil", district="Đắk Mil", commune="Đắk Lao", rating="Trung bình"),
    coop("A3", name="HTX Vận tải Gia Nghĩa", district="Gia Nghĩa", commune="Nghĩa Đức", sector="Vận tải",
         status="Giải thể", members=None, rating=None),
    coop("B1", name="HTX Dịch vụ Cư K'Nia", commune="Cư K'Nia", sector="Thương mại - Dịch vụ",
         members=30, value_chain="Có", rating="Khá"),
    coop("C1", name="HTX Cà phê Krông Nô", district="Krông Nô", commune="Đắk Mâm", members=45,
         rating="Yếu", value_chain="Có"),
]  # fmt: skip


@pytest.fixture
def app(fresh_store) -> AppTest:
    """The page over a store holding 2023 and 2024 as real data (so no sample data is loaded)."""
    with open_store(fresh_store) as store:
        for year, rows in ((2023, YEAR_2023), (2024, YEAR_2024)):
            data = workbook(year=year, coops=rows, groups=[group()])
            assert store.import_workbook(data, f"{year}.xlsx", year, by="Kiểm thử", identity=OPERATOR).ok
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()


def _codes(at: AppTest) -> list[str]:
    """Return the codes of the list table (the page's first table; the history table comes last)."""
    return at.dataframe[0].value["Mã HTX"].tolist()


def test_the_latest_year_lists_every_cooperative_by_district_then_name(app) -> None:
    assert not app.exception
    assert app.title[0].value == "Danh sách hợp tác xã"
    assert app.markdown[0].value == "**5** / 5 HTX"
    # Districts in the province's order (Gia Nghĩa, Cư Jút, ..., Đắk Mil, ..., Krông Nô), names A to Z within.
    assert _codes(app) == ["A3", "B1", "A1", "A2", "C1"]
    table = app.dataframe[0].value.set_index("Mã HTX")
    assert table.at["A1", "Số thành viên"] == 120
    assert table.at["A1", "HTX điển hình"] == "Có"
    assert "Xếp loại" in table.columns and "Doanh thu (triệu đồng)" in table.columns


def test_no_sample_notice_over_real_data(app) -> None:
    assert not app.warning


@pytest.mark.parametrize(
    ("widget", "value", "expected"),
    [
        ("coops_f_districts", ["Cư Jút"], ["B1", "A1"]),
        ("coops_f_ratings", ["Tốt", "Khá"], ["B1", "A1"]),
        ("coops_f_statuses", ["Giải thể"], ["A3"]),
        ("coops_f_sectors", ["Vận tải", "Thương mại - Dịch vụ"], ["A3", "B1"]),
    ],
)
def test_a_list_filter_keeps_the_rows_worked_out_by_hand(app, widget, value, expected) -> None:
    app.multiselect(key=widget).set_value(value).run()
    assert not app.exception
    assert _codes(app) == expected
    assert app.markdown[0].value == f"**{len(expected)}** / 5 HTX"


@pytest.mark.parametrize(
    ("widget", "value", "expected"),
    [
        ("coops_f_ocop", "yes", ["A1"]),
        ("coops_f_value_chain", "yes", ["B1", "C1"]),
        ("coops_f_model", "no", ["A3", "B1", "A2", "C1"]),
    ],
)
def test_a_yes_no_filter_keeps_the_rows_worked_out_by_hand(app, widget, value, expected) -> None:
    app.selectbox(key=widget).set_value(value).run()
    assert _codes(app) == expected


def test_search_ignores_accents_and_combines_with_filters(app) -> None:
    app.text_input(key="coops_f_text").input("ca phe").run()
    assert _codes(app) == ["A2", "C1"]
    app.multiselect(key="coops_f_districts").set_value(["Krông Nô"]).run()
    assert _codes(app) == ["C1"]


def test_the_commune_filter_offers_the_communes_of_the_districts_chosen(app) -> None:
    app.multiselect(key="coops_f_districts").set_value(["Cư Jút"]).run()
    assert app.multiselect(key="coops_f_communes").options == ["Cư K'Nia", "Ea T'ling"]
    app.multiselect(key="coops_f_communes").set_value(["Ea T'ling"]).run()
    assert _codes(app) == ["A1"]


def test_nothing_found_says_so(app) -> None:
    app.text_input(key="coops_f_text").input("không có htx này").run()
    assert app.info[0].value.startswith("Không có HTX nào khớp")
    assert not app.dataframe


def test_clearing_the_filters_brings_every_row_back(app) -> None:
    app.multiselect(key="coops_f_districts").set_value(["Cư Jút"]).run()
    app.button[0].click().run()
    assert _codes(app) == ["A3", "B1", "A1", "A2", "C1"]


def test_the_history_of_one_cooperative_shows_its_years_and_rating_path(app) -> None:
    app.selectbox(key="coops_history_code").set_value("A1").run()
    assert "Xếp loại qua các năm: 2023: Khá → 2024: Tốt" in [m.value for m in app.markdown]
    history = app.dataframe[-1].value.set_index("Chỉ tiêu")
    assert list(history.columns) == ["2023", "2024"]
    assert history.loc["Số thành viên"].tolist() == ["100", "120"]
    assert history.loc["Số sản phẩm OCOP"].tolist() == ["0", "2"]
    assert history.loc["Xếp loại"].tolist() == ["Khá", "Tốt"]


def test_a_cooperative_new_this_year_says_which_years_it_is_missing_from(app) -> None:
    app.selectbox(key="coops_history_code").set_value("B1").run()
    assert "Không có trong số liệu năm: 2023." in [c.value for c in app.caption]


def test_the_history_picker_follows_the_filters(app) -> None:
    app.multiselect(key="coops_f_districts").set_value(["Krông Nô"]).run()
    assert app.selectbox(key="coops_history_code").options == ["HTX Cà phê Krông Nô · C1 (Krông Nô)"]


def test_an_earlier_year_chosen_in_the_sidebar_lists_that_year(app) -> None:
    app.session_state["year"] = 2023
    app.run()
    assert _codes(app) == ["A3", "A1", "A2"]


def test_the_download_offers_the_filtered_list_as_excel(app) -> None:
    app.multiselect(key="coops_f_districts").set_value(["Cư Jút"]).run()
    (button,) = app.get("download_button")
    assert button.proto.label == "Tải danh sách (Excel)"
    assert "không dùng để nhập số liệu" in button.proto.help


def test_the_history_opens_on_the_first_cooperative_seen_in_the_most_years(app) -> None:
    # In list order A3, B1, A1, A2, C1: A3 is there in 2023 and 2024, B1 only in 2024.
    assert app.selectbox(key="coops_history_code").value == "A3"
    assert "Xếp loại qua các năm: 2023: Khá → 2024: –" in [m.value for m in app.markdown]


def test_the_filters_box_says_how_many_filters_apply(app) -> None:
    assert app.expander[0].label == "Bộ lọc"
    app.multiselect(key="coops_f_districts").set_value(["Cư Jút"]).run()
    app.selectbox(key="coops_f_ocop").set_value("yes").run()
    assert app.expander[0].label == "Bộ lọc · 2 điều kiện đang áp dụng"


def test_the_population_counts_of_the_year_are_read_from_its_results_alone(app) -> None:
    # 2024 by hand: 5 listed; A3 dissolved, so 4 not dissolved, 4 operating, and all 4 of them rated.
    notes = [h.proto.body for h in app.get("html") if "kpi-note" in h.proto.body]
    assert len(notes) == 1
    assert "5 HTX trong danh sách năm 2024, trong đó: 4 " in notes[0]
    assert notes[0].count("; 4 ") == 2  # operating, then operating and rated
