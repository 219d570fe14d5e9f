"""The overview's words: group sentences, card texts and the small tables of the rating and district pages."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi import overview
from kpi.indicators import Dataset
from kpi.plan import MeasureKind
from kpi.service import default_engine, default_plan
from tests.dashboard_fakes import fake_report, fake_result

# --- sentences ----------------------------------------------------------------------------------------


def test_a_group_sentence_counts_achieved_and_on_track_then_names_the_rest():
    report = fake_report(
        2024,
        [
            fake_result("cooperatives", value=270, status="achieved"),
            fake_result("members", value=20000, status="acceleration_needed"),
        ],
    )
    assert overview.group_sentence(report, "scale") == (
        "Quy mô: 1/2 chỉ tiêu đã đạt hoặc đúng tiến độ; 1 cần tăng tốc"
    )
    assert overview.group_sentence(report, "scale", "en") == (
        "Scale: 1/2 indicators achieved or on track; 1 acceleration needed"
    )


def test_the_overall_sentence_lists_the_other_statuses_in_the_plans_order():
    statuses = {
        "cooperatives": "achieved",
        "members": "on_track",
        "avg_revenue": "deterioration",
        "avg_profit": "limited_progress",
        "avg_income": "acceleration_needed",
        "managers": "achieved",
        "managers_vocational": "achieved",
        "managers_higher": "on_track",
        "good_fair_share": "acceleration_needed",
        "average_share": "achieved",
        "weak_share": "limited_progress",
        "ocop_cooperatives": "on_track",
        "fund_capital": "on_track",
        "tht_certified_share": "achieved",
        "districts_with_model": "achieved",
        "communes_with_effective_coop": "acceleration_needed",
        # value_chain_cooperatives left out: insufficient data
    }
    report = fake_report(2024, [fake_result(i, value=1, status=s) for i, s in statuses.items()])
    # good: 6 achieved + 4 on track = 10 of 17; then 3 acceleration, 2 limited, 1 deterioration, 1 no data
    assert overview.overall_sentence(report) == (
        "10/17 chỉ tiêu đã đạt hoặc đúng tiến độ; 3 cần tăng tốc; 2 tiến triển chậm; 1 đi lùi; 1 chưa đủ dữ liệu"
    )


def test_a_group_where_everything_is_on_track_has_no_tail():
    report = fake_report(
        2024,
        [
            fake_result("fund_capital", value=12000, status="on_track"),
            fake_result("tht_certified_share", value=85, status="achieved"),
        ],
    )
    assert overview.group_sentence(report, "support") == "Hỗ trợ: 2/2 chỉ tiêu đã đạt hoặc đúng tiến độ"


def test_the_good_statuses_come_from_the_plan():
    assert overview.good_statuses(default_plan()) == ("achieved", "on_track")


# --- what it takes from here --------------------------------------------------------------------------

WHAT_IT_TAKES = [
    # (indicator, year, value, status, needed (set by hand), lang, expected)
    ("cooperatives", 2024, 230, "acceleration_needed", 34.0, "vi", "cần thêm 34 HTX mỗi năm"),
    # 23 cooperatives over 3 years is 7,67 a year: a count is rounded up to 8
    ("cooperatives", 2022, 241, "on_track", 23 / 3, "vi", "cần thêm 8 HTX mỗi năm"),
    ("members", 2023, 25000, "limited_progress", 1189.5, "vi", "cần thêm 1.190 người mỗi năm"),
    ("weak_share", 2023, 17.4, "limited_progress", -1.2, "vi", "cần giảm 1,2 điểm % mỗi năm"),
    ("good_fair_share", 2022, 39.0, "acceleration_needed", 2.0, "vi", "cần tăng thêm 2,0 điểm % mỗi năm"),
    # a yearly figure's yearly change: "triệu đồng/năm" reads "triệu đồng ... mỗi năm"
    ("avg_profit", 2023, 300.0, "limited_progress", 35.0, "vi", "cần tăng thêm 35 triệu đồng mỗi năm"),
    ("fund_capital", 2024, 12000.0, "on_track", 8000 / 6, "vi", "cần tăng thêm 1.333 triệu đồng mỗi năm"),
    ("cooperatives", 2024, 280, "achieved", None, "vi", "đã đạt mục tiêu"),
    (
        "cooperatives",
        2025,
        250,
        "acceleration_needed",
        None,
        "vi",
        "còn thiếu 14 HTX so với mục tiêu (hạn 2025)",
    ),
    ("weak_share", 2025, 16.5, "limited_progress", None, "vi", "vẫn cao hơn mục tiêu 1,5 điểm % (hạn 2025)"),
    ("cooperatives", 2024, None, "insufficient_data", None, "vi", "chưa có số liệu năm 2024"),
    ("cooperatives", 2024, 230, "acceleration_needed", 34.0, "en", "needs another 34 cooperatives each year"),
    (
        "weak_share",
        2023,
        17.4,
        "limited_progress",
        -1.2,
        "en",
        "needs to fall by 1.2 percentage points each year",
    ),
]


@pytest.mark.parametrize(("ind", "year", "value", "status", "needed", "lang", "expected"), WHAT_IT_TAKES)
def test_what_it_takes_says_the_yearly_change_needed_in_words(
    ind, year, value, status, needed, lang, expected
):
    result = fake_result(ind, year=year, value=value, status=status, needed=needed)
    assert overview.what_it_takes(result, year, lang) == expected


# --- the other card texts ------------------------------------------------------------------------------

CHANGES = [
    ("cooperatives", {2023: 224, 2024: 230}, 2024, "+6 HTX so với năm 2023"),
    ("members", {2023: 25000, 2024: 24000}, 2024, "−1.000 người so với năm 2023"),
    # the year without a figure is skipped: the change is from 2021
    ("average_share", {2021: 40.0, 2022: None, 2023: 38.8}, 2023, "−1,2 điểm % so với năm 2021"),
    ("districts_with_model", {2023: 8, 2024: 8}, 2024, "không đổi so với năm 2023"),
    ("cooperatives", {2024: 230}, 2024, ""),
]


@pytest.mark.parametrize(("ind", "history", "year", "expected"), CHANGES)
def test_the_change_is_from_the_previous_year_with_a_figure(ind, history, year, expected):
    result = fake_result(ind, year=year, value=history[year], history=history)
    assert overview.change_text(result, year) == expected


@pytest.mark.parametrize(
    ("ind", "lang", "expected"),
    [
        ("cooperatives", "vi", "Mục tiêu 2025: 264 HTX"),
        ("members", "vi", "Mục tiêu 2025: 27.379 người"),
        ("average_share", "vi", "Mục tiêu 2025: ≤ 40,0%"),
        ("fund_capital", "vi", "Mục tiêu 2030: 20.000 triệu đồng"),
        ("members", "en", "Target 2025: 27,379 people"),
    ],
)
def test_the_target_is_shown_with_its_year_and_unit(ind, lang, expected):
    assert overview.target_text(default_plan().indicator(ind), lang) == expected


@pytest.mark.parametrize(
    ("ind", "value", "expected"),
    [
        ("cooperatives", 230, "đạt 87,1% mục tiêu"),  # 230 / 264 = 0,8712
        ("members", 27379, "đạt 100,0% mục tiêu"),
        ("average_share", 45.0, "cao hơn mục tiêu 5,0 điểm %"),  # lower is better: the gap, not a share
        ("weak_share", 12.5, "thấp hơn mục tiêu 2,5 điểm %"),
        ("cooperatives", None, ""),
    ],
)
def test_the_share_of_target_reads_as_a_gap_when_lower_is_better(ind, value, expected):
    assert overview.target_share_text(fake_result(ind, value=value)) == expected


# --- tables --------------------------------------------------------------------------------------------


def _coops(rows: list[tuple]) -> Dataset:
    frame = pd.DataFrame(
        rows, columns=["year", "code", "name", "district", "sector", "status", "rating", "model"]
    )
    return Dataset(coops=frame, groups=pd.DataFrame(), info=pd.DataFrame({"year": sorted(set(frame.year))}))


DATA = _coops(
    [
        (2023, "A", "HTX A", "Cư Jút", "Nông nghiệp", "Đang hoạt động", "Tốt", True),
        (2023, "B", "HTX B", "Cư Jút", "Nông nghiệp", "Đang hoạt động", "Yếu", False),
        (2023, "C", "HTX C", "Đắk Mil", "Vận tải", "Tạm ngừng hoạt động", "Khá", True),  # not operating
        (2024, "A", "HTX A", "Cư Jút", "Nông nghiệp", "Đang hoạt động", "Tốt", True),
        (2024, "B", "HTX B", "Cư Jút", "Nông nghiệp", "Đang hoạt động", None, False),  # blank: not rated
        (2024, "D", "HTX D", "Gia Nghĩa", "Vận tải", "Đang hoạt động", "Trung bình", True),
        (2024, "E", "HTX E", "Gia Nghĩa", "Vận tải", "Đang hoạt động", "Khá", True),
    ]
)


def test_rating_counts_by_year_count_operating_cooperatives_and_blank_as_not_rated():
    table = overview.rating_counts(DATA)
    assert list(table.columns) == ["Tốt", "Khá", "Trung bình", "Yếu", "Chưa xếp loại"]
    assert table.loc[2023].tolist() == [1, 0, 0, 1, 0]
    assert table.loc[2024].tolist() == [1, 1, 1, 0, 1]


def test_rating_counts_by_district_follow_the_order_given_and_keep_empty_districts():
    table = overview.rating_counts(
        DATA, by="district", year=2024, districts=["Gia Nghĩa", "Cư Jút", "Đắk Mil"]
    )
    assert list(table.index) == ["Gia Nghĩa", "Cư Jút", "Đắk Mil"]
    assert table.loc["Gia Nghĩa"].tolist() == [0, 1, 1, 0, 0]
    assert table.loc["Đắk Mil"].sum() == 0


def test_rating_counts_by_sector_follow_the_workbooks_list_of_sectors():
    table = overview.rating_counts(DATA, by="sector", year=2024)
    assert list(table.index) == ["Nông nghiệp", "Vận tải"]
    assert table.loc["Vận tải"].tolist() == [0, 1, 1, 0, 0]


def test_rating_targets_are_read_from_the_plans_share_indicators():
    targets = {
        tg.classes: (tg.value, tg.higher_is_better, tg.year) for tg in overview.rating_targets(default_plan())
    }
    assert targets == {
        ("Tốt", "Khá"): (45.0, True, 2025),
        ("Trung bình",): (40.0, False, 2025),
        ("Yếu",): (15.0, False, 2025),
    }


def test_model_cooperatives_are_listed_per_district_for_operating_ones_only():
    engine = default_engine()
    indicator = overview.indicator_of_kind(default_plan(), MeasureKind.DISTRICT_COUNT)
    table = overview.model_cooperatives(engine, DATA, indicator, 2023).set_index("district")
    assert list(table.index) == engine.districts  # all 8, reference order
    assert table.loc["Cư Jút", "names"] == ["HTX A"]
    assert table.loc["Đắk Mil", "count"] == 0  # HTX C is suspended
    table = overview.model_cooperatives(engine, DATA, indicator, 2024).set_index("district")
    assert table.loc["Gia Nghĩa", "names"] == ["HTX D", "HTX E"]
