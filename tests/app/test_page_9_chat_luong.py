"""Page "Chất lượng số liệu" (AppTest): per district, the fields reported, blanks and year-on-year warnings of
the version in force. The store holds 2023 (A1, A2 in Cư Jút) and 2024 (A1 with a revenue 100 times last
year's and members blank; A2 gone).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kpi.store.versions import open_store
from tests.app.apptest_helpers import shown_table
from tests.builders import coop, group, workbook
from tests.store.test_versions import OPERATOR

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "10_Chat_luong_so_lieu.py")


def _page(url: str, *years: dict) -> AppTest:
    """Return the page run over the store at `url` after importing a workbook for each of `years` (its
    builder's arguments)."""
    with open_store(url) as store:
        for kw in years:
            assert store.import_workbook(workbook(**kw), "x.xlsx", None, "Kiểm thử", identity=OPERATOR).ok
    return AppTest.from_file(PAGE, default_timeout=120).run()


Y2023 = dict(year=2023, coops=[coop("A1"), coop("A2")], groups=[group()])
Y2024 = dict(year=2024, coops=[coop("A1", revenue=100000, members=None)], groups=[group()])


def test_the_page_shows_per_district_reports_blanks_and_the_warnings_of_the_year_in_force(
    fresh_store,
) -> None:
    at = _page(fresh_store, Y2023, Y2024)
    assert not at.exception
    assert at.title[0].value == "Chất lượng số liệu năm 2024"
    table = shown_table(at.table[0].value).set_index("Cột").T  # one column per district: read by district
    # Cư Jút: A1, members blank: 1 blank of 14 fields; warnings: A1's revenue, A2 gone.
    assert table.loc["Cư Jút", ["Số HTX", "Số thành viên", "Doanh thu (triệu đồng)", "Ô trống"]].tolist() == [
        "1",
        "0",
        "1",
        "1",
    ]
    assert table.loc["Cư Jút", "Cảnh báo so với năm trước"] == "2"
    # The province adds the totals: HTX 2 → 1 (−50%), members 40 → 0 (the only HTX left them blank: −100%),
    # revenue 2.000 → 100.000: 2 + 3 = 5.
    assert table.loc["Toàn tỉnh", "Cảnh báo so với năm trước"] == "5"
    assert at.subheader[0].value == "Cảnh báo so với năm 2023 (5)"
    warnings = shown_table(at.table[1].value)
    assert warnings["Nội dung"].iloc[0].startswith("Mã HTX 'A1': năm 2023 là 1.000, năm 2024 là 100.000")


def test_without_the_year_before_the_page_says_there_is_nothing_to_compare(fresh_store) -> None:
    at = _page(fresh_store, Y2023)
    assert not at.exception
    assert "Kho chưa có số liệu năm 2022" in at.caption[1].value
