"""Page "Chất lượng số liệu" (AppTest): per district, the fields reported, blanks and year-on-year warnings of
the version in force. The store holds 2023 (A1, A2 in Cư Jút) and 2024 (A1 with a revenue 100 times last
year's and members blank; A2 gone).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kpi.stats.results import CODE_INDEX
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


def _counted_quality(monkeypatch) -> list[int]:
    """Count the computations of a year's quality (kpi.stats.results computes it when not kept)."""
    from kpi.stats import results

    calls: list[int] = []
    compute = results.year_quality
    monkeypatch.setattr(
        results, "year_quality", lambda d, year, ref: calls.append(year) or compute(d, year, ref)
    )
    return calls


def test_the_quality_is_kept_so_a_first_visit_after_a_restart_reads_it_without_checking_rows_again(
    fresh_store, monkeypatch
) -> None:
    calls = _counted_quality(monkeypatch)
    first = _page(fresh_store, Y2023, Y2024)
    assert calls == [2024]
    import streamlit as st

    st.cache_data.clear()  # as after a restart: nothing in memory
    st.cache_resource.clear()
    again = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not again.exception
    assert calls == [2024]
    assert again.subheader[0].value == first.subheader[0].value == "Cảnh báo so với năm 2023 (5)"
    assert shown_table(again.table[1].value).equals(shown_table(first.table[1].value))


def test_an_import_made_on_the_dashboard_keeps_the_quality_and_the_code_index_in_the_background(
    fresh_store, monkeypatch
) -> None:
    import threading

    from ui import data

    calls = _counted_quality(monkeypatch)
    with open_store(fresh_store) as store:
        assert store.import_workbook(workbook(**Y2024), "b.xlsx", None, "Kiểm thử", identity=OPERATOR).ok
        store.after_change.append(data._prepare_derived)  # as the dashboard's store has it
        assert store.import_workbook(workbook(**Y2023), "a.xlsx", None, "Kiểm thử", identity=OPERATOR).ok
        for thread in [t for t in threading.enumerate() if t.name == "kpi-keep-derived"]:
            thread.join(timeout=60)
    assert calls == [2023, 2024]  # 2023 imported: its quality, and 2024's, which compares with it
    with open_store(fresh_store) as store:  # and the list's index of both years' codes
        kept = [r["name"] for r in store.dump()["version_results"] if r["name"].startswith(CODE_INDEX)]
    assert len(kept) == 1
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert calls == [2023, 2024]  # the page read what was kept
    assert at.subheader[0].value == "Cảnh báo so với năm 2023 (5)"
