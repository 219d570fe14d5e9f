"""The report of a year: assessment of every indicator on the hand-made dataset of tests/handmade.py.

Values per year are those of tests/stats/test_indicators.py. Without a baseline in the plan, the base year is the
first year with data (2022), so for 2023: t - t0 = 1 and T - t0 = 2025 - 2022 = 3, and (assess.py)
    CAGR_o = x_2023 / x_2022 - 1,  CAGR_r = (target / x_2022) ** (1/3) - 1,  ratio = d * CAGR_o / |CAGR_r|,
then 0.95 <= ratio: on_track; 0.60 <= ratio: acceleration_needed; 0 <= ratio: limited_progress; else
deterioration. A value that reached its target is "achieved" whatever the ratio.
"""

from __future__ import annotations

import pytest

from kpi.stats.report import build_report
from tests.handmade import handmade_dataset
from tests.plan_facts import DISTRICT_NAMES

CONTRACT_KEYS = [
    "id",
    "name",
    "unit",
    "value",
    "target",
    "target_year",
    "baseline",
    "baseline_year",
    "status",
    "ratio",
    "progress_share",
    "expected_value",
    "projected_value",
    "target_source",
    "target_share",
]

# indicator: (status in 2023, ratio worked out with the formulas above)
STATUS_2023 = {
    "cooperatives": ("limited_progress", (8 / 6 - 1) / ((264 / 6) ** (1 / 3) - 1)),  # 0.333 / 2.530 = 0.132
    "members": ("limited_progress", (163 / 100 - 1) / ((27379 / 100) ** (1 / 3) - 1)),  # 0.63 / 5.494 = 0.115
    "avg_revenue": ("deterioration", (6600 / 7 / 1250 - 1) / ((12079 / 1250) ** (1 / 3) - 1)),  # < 0
    "avg_profit": ("limited_progress", (50.625 / 50 - 1) / ((370 / 50) ** (1 / 3) - 1)),  # 0.0125 / 0.949
    "avg_income": ("deterioration", (1415 / 29 / 51 - 1) / ((97 / 51) ** (1 / 3) - 1)),  # < 0
    "managers": ("limited_progress", (20 / 17 - 1) / ((504 / 17) ** (1 / 3) - 1)),  # 0.176 / 2.096 = 0.084
    # 8 -> 10: 0.25 / ((129 / 8) ** (1/3) - 1) = 0.25 / 1.527 = 0.164
    "managers_vocational": ("limited_progress", (10 / 8 - 1) / ((129 / 8) ** (1 / 3) - 1)),
    # 6 -> 8: 0.333 / ((145 / 6) ** (1/3) - 1) = 0.333 / 1.891 = 0.176
    "managers_higher": ("limited_progress", (8 / 6 - 1) / ((145 / 6) ** (1 / 3) - 1)),
    # plan baseline 35 in 2020, 5 years to 2025, 3 years to 2023: reached 83.3 >= 45
    "good_fair_share": ("achieved", ((250 / 3 / 35) ** (1 / 3) - 1) / ((45 / 35) ** (1 / 5) - 1)),
    # lower is better, plan baseline 47 in 2020: 0 <= 40 reached; CAGR_o = (0 / 47) ** (1/3) - 1 = -1 (only the
    # base and the target are replaced when 0), CAGR_r = (40 / 47) ** (1/5) - 1 = -0.0317, ratio = 31.5
    "average_share": ("achieved", -(0 / 47 - 1) / abs((40 / 47) ** (1 / 5) - 1)),
    # lower is better, plan baseline 18 in 2020, target 15: CAGR_o = (16.667 / 18) ** (1/3) - 1 = -0.02533,
    # CAGR_r = (15 / 18) ** (1/5) - 1 = -0.03581, ratio = -1 * -0.02533 / 0.03581 = 0.707
    "weak_share": ("acceleration_needed", -((100 / 6 / 18) ** (1 / 3) - 1) / abs((15 / 18) ** (1 / 5) - 1)),
    "ocop_cooperatives": ("limited_progress", 0.0),  # 3 -> 3: CAGR_o = 0
    # target in 2030: T - t0 = 8; 0.25 / ((20000 / 12000) ** (1/8) - 1) = 0.25 / 0.0659 = 3.79
    "fund_capital": ("on_track", 0.25 / ((20000 / 12000) ** (1 / 8) - 1)),
    "tht_certified_share": ("on_track", (56 / 43.75 - 1) / ((80 / 43.75) ** (1 / 3) - 1)),  # 0.28 / 0.2228
    "districts_with_model": ("limited_progress", 0.0),  # 2 -> 2
    # 200/71 -> 500/71: 1.5 / ((100 / (200 / 71)) ** (1/3) - 1) = 1.5 / 2.2866 = 0.656
    "communes_with_effective_coop": ("acceleration_needed", 1.5 / ((100 / (200 / 71)) ** (1 / 3) - 1)),
    "value_chain_cooperatives": ("limited_progress", 0.5 / ((16 / 2) ** (1 / 3) - 1)),  # 0.5 / 1
}


@pytest.fixture(scope="module")
def report_2023():
    """The report of 2023 with district values."""
    return build_report(handmade_dataset(), year=2023, by_district=True)


@pytest.mark.parametrize("indicator", list(STATUS_2023))
def test_each_status_of_2023_is_the_one_worked_out_with_the_assessment_formulas(
    report_2023, indicator: str
) -> None:
    status, ratio = STATUS_2023[indicator]
    assessment = report_2023.result(indicator).assessment
    assert assessment.status == status
    assert assessment.ratio == pytest.approx(ratio)


def test_the_json_of_the_report_follows_the_contract(report_2023) -> None:
    data = report_2023.to_json()
    assert list(data) == ["year", "indicators"]
    assert data["year"] == 2023
    assert [item["id"] for item in data["indicators"]] == list(STATUS_2023)
    for item in data["indicators"]:
        assert list(item) == CONTRACT_KEYS, item["id"]


def test_the_json_figures_of_one_indicator_are_raw_numbers_with_shares_in_percent(report_2023) -> None:
    item = next(i for i in report_2023.to_json()["indicators"] if i["id"] == "cooperatives")
    cagr_r = (264 / 6) ** (1 / 3) - 1  # 2.530
    assert item == {
        "id": "cooperatives",
        "name": "Số HTX",
        "unit": "HTX",
        "value": 8,
        "target": 264,
        "target_year": 2025,
        "baseline": 6,
        "baseline_year": 2022,
        "status": "limited_progress",
        "ratio": pytest.approx((8 / 6 - 1) / cagr_r),
        "progress_share": pytest.approx(100 * (8 - 6) / (264 - 6)),  # 0.78 %
        "expected_value": pytest.approx(6 * (1 + cagr_r)),  # the path to the target after one year: 21.2
        "projected_value": pytest.approx(8 * (8 / 6) ** 2),  # two more years at +33 %: 14.2
        "target_source": "plan",
        "target_share": pytest.approx(100 * 8 / 264),  # 3.03 %
    }


def test_a_plan_baseline_replaces_the_first_year_in_the_json(report_2023) -> None:
    item = next(i for i in report_2023.to_json(lang="en")["indicators"] if i["id"] == "weak_share")
    assert (item["baseline"], item["baseline_year"]) == (18, 2020)
    assert item["name"] == "Share of cooperatives rated weak"
    assert item["progress_share"] == pytest.approx(100 * (100 / 6 - 18) / (15 - 18))  # 44.4 %
    assert item["value"] == pytest.approx(100 / 6)
    assert item["target_source"] == "derived"  # the plan only says "reduce"; 15 = 100 - 45 - 40


def test_by_district_adds_the_district_values_only_where_they_have_a_meaning(report_2023) -> None:
    items = {i["id"]: i for i in report_2023.to_json(by_district=True)["indicators"]}
    assert "districts" not in items["fund_capital"]
    assert "districts" not in items["districts_with_model"]
    members = items["members"]["districts"]
    assert list(members) == list(DISTRICT_NAMES)
    assert members == {
        **dict.fromkeys(members, 0),
        "Cư Jút": 63,
        "Đắk Mil": 37,
        "Gia Nghĩa": 18,
        "Krông Nô": 45,
    }
    assert items["avg_revenue"]["districts"]["Tuy Đức"] is None  # no cooperative: no mean
    assert (
        "districts" not in build_report(handmade_dataset(), 2023).to_json(by_district=True)["indicators"][0]
    )


def test_the_first_year_has_too_little_data_except_for_targets_already_reached() -> None:
    report = build_report(handmade_dataset(), year=2022)
    # good_fair 75 >= 45, average 25 <= 40, weak 0 <= 15: reached; the others have no year after the base
    assert report.status_counts() == {"insufficient_data": 14, "achieved": 3}
    assert report.result("cooperatives").assessment.ratio is None


def test_history_previous_and_change_come_from_the_years_before(report_2023) -> None:
    members = report_2023.result("members")
    assert members.history == {2022: 100, 2023: 163}
    assert (members.previous, members.change) == (100, 63)
    assert members.target_share == pytest.approx(100 * 163 / 27379)
    assert members.yearly_change_needed == pytest.approx((27379 - 163) / 2)  # two years left to 2025


def test_the_latest_year_is_reported_when_none_is_asked() -> None:
    assert build_report(handmade_dataset()).year == 2023
