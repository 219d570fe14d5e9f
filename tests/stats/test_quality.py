"""Data quality of a stored year (kpi/stats/quality.py): per district, fields reported, blanks, year-on-year warnings.

Worked by hand: 2026 holds A1, A2 (Cư Jút) and A3 (Đắk Mil); 2027 holds A1 (Cư Jút, revenue 100 times last
year's, members blank), A3 (Đắk Mil, sector blank) and A4 (Cư Jút, dissolved, every figure blank); A2 is gone.
"""

from __future__ import annotations

from kpi.stats.quality import FIELDS, TOTAL, readable_quality, year_quality
from kpi.stats.report import default_reference
from kpi.workbook.dataset import dataset_from_workbooks
from kpi.workbook.validate import check_bytes
from tests.builders import coop, group, workbook

MIL = {"district": "Đắk Mil", "commune": "Đức Mạnh"}
DISSOLVED = {"status": "Giải thể", **{f: None for f in FIELDS}, "value_chain": None, "model": None}


def data():
    years = [
        workbook(year=2026, coops=[coop("A1"), coop("A2"), coop("A3", **MIL)], groups=[group()]),
        workbook(
            year=2027,
            coops=[
                coop("A1", revenue=100000, members=None),
                coop("A3", sector=None, **MIL),
                coop("A4", **DISSOLVED),
            ],
            groups=[group()],
        ),
    ]
    return dataset_from_workbooks(check_bytes(y).clean for y in years)


def test_each_district_counts_its_htx_not_dissolved_their_fields_reported_blanks_and_warnings() -> None:
    quality = year_quality(data(), 2027, default_reference())
    table = quality.table.set_index("district")
    assert list(table.index) == [*default_reference().district_names(), TOTAL]
    # Cư Jút: A1 only (A4 dissolved); 14 fields, members blank: 13 reported, 1 blank; warnings: A1's revenue
    # jump and A2 gone (it was in Cư Jút).
    assert table.loc["Cư Jút", ["coops", "members", "revenue", "sector", "blanks", "warnings"]].tolist() == [
        1,
        0,
        1,
        1,
        1,
        2,
    ]
    # Đắk Mil: A3, sector blank.
    assert table.loc["Đắk Mil", ["coops", "members", "sector", "blanks", "warnings"]].tolist() == [
        1,
        1,
        0,
        1,
        0,
    ]
    assert table.loc["Gia Nghĩa", ["coops", "blanks", "warnings"]].tolist() == [0, 0, 0]
    # The province: 2 HTX, 2 blanks; warnings: the 2 above, then HTX 3 → 2 (−33,3%), members 60 → 20
    # (−66,7%), revenue 3.000 → 101.000: 5 in all.
    assert table.loc[TOTAL, ["coops", "blanks", "warnings"]].tolist() == [2, 2, 5]
    assert [p.code for p in quality.warnings] == [
        "yoy_jump",
        "yoy_vanished",
        "yoy_total",
        "yoy_total",
        "yoy_total",
    ]
    assert quality.compared


def test_the_first_year_has_nothing_to_compare_with() -> None:
    quality = year_quality(data(), 2026, default_reference())
    assert (quality.compared, quality.warnings) == (False, [])
    assert quality.table.set_index("district").loc["Cư Jút", "coops"] == 2


def test_the_table_reads_in_vietnamese_with_the_template_headers() -> None:
    frame = readable_quality(year_quality(data(), 2027, default_reference()))
    assert list(frame.columns) == ["Cột", *default_reference().district_names(), "Toàn tỉnh"]
    assert frame["Cột"].tolist()[:3] == ["Số HTX", "Lĩnh vực", "Năm thành lập"]
    assert frame["Cột"].tolist()[-2:] == ["Ô trống", "Cảnh báo so với năm trước"]
    assert frame.set_index("Cột").loc["Số HTX", ["Cư Jút", "Toàn tỉnh"]].tolist() == ["1", "2"]
