"""Progress assessment: every expected figure below was worked out by hand (calculator), not by the code."""

from __future__ import annotations

import math

import pytest

from kpi.domain.plan import (
    AssessmentRules,
    Baseline,
    Direction,
    Indicator,
    Measure,
    MeasureKind,
    StatusLabel,
    Target,
    Text,
)
from kpi.stats.assess import assess, required_yearly_change
from tests.plan_facts import STATUSES

RULES = AssessmentRules(
    method=Text("phương pháp", "method"),
    zero_replacement=0.001,
    thresholds=(("on_track", 0.95), ("acceleration_needed", 0.60), ("limited_progress", 0.0)),
    below_all="deterioration",
    statuses=tuple(StatusLabel(s, s, s) for s in STATUSES),
)
UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER


def make_indicator(
    target: float, target_year: int, direction: Direction = UP, baseline: tuple[float, int] | None = None
) -> Indicator:
    """Return a minimal indicator with the given target, direction and optional plan baseline."""
    return Indicator(
        id="x",
        group="g",
        name=Text("x", "x"),
        unit=Text("HTX", "cooperatives"),
        decimals=0,
        direction=direction,
        target=Target(target, target_year),
        baseline=Baseline(*baseline) if baseline else None,
        by_district=True,
        measure=Measure(MeasureKind.COUNT, {"population": "existing"}),
        definition=Text("d", "d"),
        source_quote="q",
    )


# Higher is better: 100 in 2020, target 121 in 2022, so CAGR_r = sqrt(1.21) - 1 = 0.10.
# Lower is better: 100 in 2020, target 81 in 2022, so CAGR_r = sqrt(0.81) - 1 = -0.10.
# With one year (2020 -> 2021), CAGR_o = x_2021 / 100 - 1.
@pytest.mark.parametrize(
    ("direction", "target", "value_2021", "ratio", "status"),
    [
        (UP, 121, 110, 1.0, "on_track"),  # 0.10 / 0.10
        (UP, 121, 108, 0.8, "acceleration_needed"),  # 0.08 / 0.10
        (UP, 121, 103, 0.3, "limited_progress"),  # 0.03 / 0.10
        (UP, 121, 95, -0.5, "deterioration"),  # -0.05 / 0.10
        (UP, 121, 121, 2.1, "achieved"),  # reached: 0.21 / 0.10, status by rule
        (DOWN, 81, 90, 1.0, "on_track"),  # -1 * -0.10 / 0.10
        (DOWN, 81, 93, 0.7, "acceleration_needed"),  # -1 * -0.07 / 0.10
        (DOWN, 81, 98, 0.2, "limited_progress"),  # -1 * -0.02 / 0.10
        (DOWN, 81, 104, -0.4, "deterioration"),  # -1 * 0.04 / 0.10
        (DOWN, 81, 80, 2.0, "achieved"),  # 80 <= 81; -1 * -0.20 / 0.10
    ],
)
def test_the_ratio_of_observed_to_required_growth_places_the_status(
    direction, target, value_2021, ratio, status
):
    result = assess({2020: 100, 2021: value_2021}, make_indicator(target, 2022, direction), RULES)
    assert result.status == status
    assert result.ratio == pytest.approx(ratio)


def test_one_case_has_every_figure_computed_by_hand():
    # 100 in 2020, 140 in 2023, target 200 in 2025.
    result = assess({2020: 100, 2023: 140}, make_indicator(200, 2025), RULES)
    assert result.status == "acceleration_needed"
    assert (result.value, result.year) == (140, 2023)
    assert (result.baseline, result.baseline_year) == (100, 2020)
    assert (result.target, result.target_year) == (200, 2025)
    assert result.cagr_required == pytest.approx(0.1486984, abs=1e-7)  # 2 ** (1/5) - 1
    assert result.cagr_observed == pytest.approx(0.1186889, abs=1e-7)  # 1.4 ** (1/3) - 1
    assert result.ratio == pytest.approx(0.7981860, abs=1e-7)  # 0.1186889 / 0.1486984
    assert result.progress_share == pytest.approx(0.4)  # (140 - 100) / (200 - 100)
    assert result.expected_value == pytest.approx(151.5717, abs=1e-4)  # 100 * 2 ** (3/5)
    assert result.projected_value == pytest.approx(175.2051, abs=1e-4)  # 140 * 1.4 ** (2/3)


def test_figures_are_computed_even_when_the_target_is_achieved():
    # 100 in 2020, 250 in 2023, target 200 in 2025.
    result = assess({2020: 100, 2023: 250}, make_indicator(200, 2025), RULES)
    assert result.status == "achieved"
    assert result.progress_share == pytest.approx(1.5)  # 150 / 100
    assert result.expected_value == pytest.approx(151.5717, abs=1e-4)  # 100 * 2 ** (3/5)
    assert result.ratio is not None and result.ratio > 0.95


def test_the_plan_baseline_wins_over_the_first_year_with_data():
    # Plan: 35 in 2020, target 45 in 2025; data from 2021 on. CAGR_r = (45/35) ** 0.2 - 1 = 0.0515475,
    # CAGR_o = (41/35) ** (1/3) - 1 = 0.0541569, R = 1.0506.
    indicator = make_indicator(45, 2025, baseline=(35, 2020))
    result = assess({2021: 38, 2023: 41}, indicator, RULES)
    assert (result.baseline, result.baseline_year) == (35, 2020)
    assert result.ratio == pytest.approx(1.0506, abs=1e-4)
    assert result.status == "on_track"


def test_the_current_year_defaults_to_the_latest_year_with_a_value():
    values = {2020: 100, 2021: 103, 2023: 140, 2024: math.nan, 2025: None}
    result = assess(values, make_indicator(200, 2025), RULES)
    assert (result.year, result.value) == (2023, 140)
    assert result.status == "acceleration_needed"  # R = 0.798, as in the case worked out above


def test_an_earlier_year_can_be_asked_for():
    # 2021: CAGR_o = 0.03, CAGR_r = 0.1486984, R = 0.2018.
    result = assess({2020: 100, 2021: 103, 2023: 140}, make_indicator(200, 2025), RULES, year=2021)
    assert (result.year, result.value) == (2021, 103)
    assert result.ratio == pytest.approx(0.2018, abs=1e-4)
    assert result.status == "limited_progress"


@pytest.mark.parametrize(
    ("values", "year", "expected_value"),
    [
        ({}, None, None),  # no data at all
        ({2023: 150}, None, 150),  # one year only: it is its own base
        ({2020: 100, 2023: math.nan}, None, 100),  # NaN is missing, so the latest value is the base
        ({2020: 100, 2023: 140}, 2024, None),  # no value in the year asked for
        ({2020: 100, 2023: None}, 2023, None),
    ],
)
def test_without_a_later_value_than_the_base_the_data_is_insufficient(values, year, expected_value):
    result = assess(values, make_indicator(200, 2025), RULES, year=year)
    assert result.status == "insufficient_data"
    assert result.value == expected_value
    assert result.ratio is None


def test_a_single_year_that_reaches_the_target_is_achieved():
    assert assess({2023: 250}, make_indicator(200, 2025), RULES).status == "achieved"


def test_a_single_year_below_a_lower_is_better_target_is_achieved():
    assert assess({2023: 12}, make_indicator(15, 2025, DOWN), RULES).status == "achieved"


def test_a_plan_baseline_in_the_current_year_leaves_the_data_insufficient():
    indicator = make_indicator(45, 2025, baseline=(35, 2020))
    assert assess({2020: 36}, indicator, RULES).status == "insufficient_data"


@pytest.mark.parametrize(
    ("values", "target", "direction"),
    [
        ({2020: -50, 2023: 30}, 100, UP),  # base and current on opposite sides of 0
        ({2020: 40, 2023: -10}, 100, UP),
        ({2020: 50, 2023: 20}, -10, DOWN),  # base and target on opposite sides: CAGR_r undefined
        ({2020: 0, 2023: -5}, 100, UP),  # base 0 read as +0.001, current negative
    ],
)
def test_opposite_signs_cannot_be_assessed(values, target, direction):
    result = assess(values, make_indicator(target, 2025, direction), RULES)
    assert result.status == "unable_to_assess"
    assert result.ratio is None


def test_both_negative_values_use_the_sign_correction():
    # Average profit -100 in 2020, -50 in 2021, target -25 in 2022, higher is better.
    # CAGR_r = sqrt(0.25) - 1 = -0.5; CAGR_o = 0.5 - 1 = -0.5; R = (-1) * (+1) * -0.5 / 0.5 = 1.
    result = assess({2020: -100, 2021: -50}, make_indicator(-25, 2022), RULES)
    assert result.ratio == pytest.approx(1.0)
    assert result.status == "on_track"


@pytest.mark.parametrize(
    ("value_2021", "ratio", "status"),
    [
        (0.1, 1.0, "on_track"),  # CAGR_o = 0.1 / 0.001 - 1 = 99; CAGR_r = sqrt(10 / 0.001) - 1 = 99
        (0.01, 9 / 99, "limited_progress"),  # CAGR_o = 0.01 / 0.001 - 1 = 9
    ],
)
def test_a_zero_baseline_is_replaced_by_the_zero_replacement(value_2021, ratio, status):
    result = assess({2020: 0, 2021: value_2021}, make_indicator(10, 2022), RULES)
    assert result.cagr_required == pytest.approx(99)
    assert result.ratio == pytest.approx(ratio)
    assert result.status == status
    assert result.progress_share == pytest.approx(value_2021 / 10)  # (x_t - 0) / (10 - 0), no replacement


def test_a_target_equal_to_the_base_not_reached_is_deterioration_without_a_ratio():
    result = assess({2020: 100, 2023: 90}, make_indicator(100, 2025), RULES)
    assert result.cagr_required == 0
    assert result.status == "deterioration"
    assert result.ratio is None
    assert result.progress_share is None  # x_T = x_0


def test_a_target_equal_to_the_base_and_kept_is_achieved():
    assert assess({2020: 100, 2023: 105}, make_indicator(100, 2025), RULES).status == "achieved"


def test_thresholds_are_read_from_the_rules():
    lenient = AssessmentRules(
        method=RULES.method,
        zero_replacement=0.001,
        thresholds=(("on_track", 0.5), ("limited_progress", 0.0)),
        below_all="deterioration",
        statuses=RULES.statuses,
    )
    # R = 0.8 (see the first table): acceleration needed by the plan's rules, on track by these.
    assert assess({2020: 100, 2021: 108}, make_indicator(121, 2022), lenient).status == "on_track"


def test_a_target_year_before_the_base_year_gives_a_verdict_not_a_pace():
    # The deadline (2020) passed before the base year: 150 < 200 in 2023 is simply not achieved.
    indicator = make_indicator(200, 2020, baseline=(100, 2021))
    assert assess({2023: 150}, indicator, RULES).status == "not_achieved"


def test_the_projected_value_is_left_out_after_the_target_year():
    result = assess({2020: 100, 2023: 110}, make_indicator(200, 2022), RULES)
    assert result.projected_value is None


@pytest.mark.parametrize(
    "values",
    [
        {"2020": 100, "x": 5, 2023: 140},  # keys that are not years are ignored
        {2020: "abc", 2023: 140},
        {2020: math.inf, 2023: 140},
        {2020: 1e-300, 2023: 1e300},
        {2020: 0, 2023: 0},
        {2020: True, 2023: 140},
    ],
)
def test_odd_input_never_raises(values):
    result = assess(values, make_indicator(200, 2025), RULES)
    assert result.status in STATUSES


@pytest.mark.parametrize(
    ("value", "year", "target", "target_year", "expected"),
    [
        (100, 2023, 200, 2025, 50.0),  # (200 - 100) / 2
        (150, 2021, 100, 2025, -12.5),  # (100 - 150) / 4
        (100, 2025, 200, 2025, None),  # no year left
        (100, 2026, 200, 2025, None),
        (None, 2023, 200, 2025, None),
        (math.nan, 2023, 200, 2025, None),
    ],
)
def test_required_yearly_change_is_the_linear_step_to_the_target(value, year, target, target_year, expected):
    assert required_yearly_change(value, year, target, target_year) == expected


# From the target year on the verdict is final: reached or not. Target 200 by 2025 (up), 40 by 2025 (down),
# base 100 (up) or 47 (down) in 2020.
@pytest.mark.parametrize(
    ("direction", "target", "values", "year", "status"),
    [
        (UP, 200, {2020: 100, 2025: 180}, 2025, "not_achieved"),  # 180 < 200 in the target year
        (UP, 200, {2020: 100, 2025: 200}, 2025, "achieved"),  # exactly the target
        (UP, 200, {2020: 100, 2026: 150}, 2026, "not_achieved"),  # a year after the deadline
        (UP, 200, {2020: 100, 2026: 210}, 2026, "achieved"),
        (UP, 200, {2020: 100, 2024: 180}, 2024, "on_track"),  # before: R = 0.158292 / 0.148698 = 1.0645
        (UP, 200, {2020: 100, 2025: 90}, 2025, "not_achieved"),  # went back: no "deterioration" any more
        (UP, 200, {2020: -50, 2025: 30}, 2025, "not_achieved"),  # opposite signs: still a plain miss
        (UP, 200, {2025: 150}, 2025, "not_achieved"),  # no later year than the base, but the deadline came
        (UP, 200, {2020: 100, 2024: 150}, 2025, "insufficient_data"),  # no figure for the year asked
        (DOWN, 40, {2020: 47, 2025: 42.2}, 2025, "not_achieved"),  # 42,2% is above the 40% ceiling
        (DOWN, 40, {2020: 47, 2025: 40}, 2025, "achieved"),
        (DOWN, 40, {2020: 47, 2024: 42.2}, 2024, "acceleration_needed"),  # R = 0.026572 / 0.031739 = 0.837
    ],
)
def test_from_the_target_year_on_a_missed_target_is_not_achieved(direction, target, values, year, status):
    assert assess(values, make_indicator(target, 2025, direction), RULES, year=year).status == status


def test_a_not_achieved_target_keeps_its_pace_figures_as_secondary_information():
    # 100 in 2020, 180 in 2025, target 200 in 2025: CAGR_o = 1.8 ** 0.2 - 1 = 0.124746,
    # CAGR_r = 2 ** 0.2 - 1 = 0.148698, R = 0.83892; progress (180 - 100) / (200 - 100) = 0.8.
    result = assess({2020: 100, 2025: 180}, make_indicator(200, 2025), RULES)
    assert result.status == "not_achieved"
    assert result.ratio == pytest.approx(0.83892, abs=1e-5)
    assert result.progress_share == pytest.approx(0.8)
