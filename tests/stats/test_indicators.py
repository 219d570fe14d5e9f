"""The 17 indicators of the plan on the hand-made dataset of tests/handmade.py, every value worked out by hand.

Read the rows in tests/handmade.py next to the arithmetic below. "Existing" = not dissolved; "operating" =
Đang hoạt động; "rated" = operating and rated Tốt, Khá, Trung bình or Yếu (not "Chưa xếp loại").
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pandas as pd
import pytest

from kpi.domain.plan import Plan
from kpi.stats.indicators import DISTRICT, INDICATOR, VALUE, Engine, commune_coverage_detail, where_mask
from kpi.stats.report import default_engine, default_plan, default_reference
from kpi.workbook.dataset import YEAR, Dataset
from kpi.workbook.reader import ROW, read_workbook
from kpi.workbook.validate import check_bytes
from tests.builders import coop, group, workbook
from tests.handmade import handmade_bytes, handmade_dataset

# fmt: off
PROVINCE = {
    # indicator: (2022, 2023)
    # existing: 2022 C1 C2 C3 C4(suspended) C6 C7 = 6 (C5 dissolved); 2023 C1 C2 C4 C6 C7 C8 C9 C10 = 8 (C3 dissolved)
    "cooperatives": (6, 8),
    # 2022: 30 + 20 + (C3 blank, left out) + 10 (suspended counts) + 15 + 25 = 100
    # 2023: 33 + 22 + 12 + 18 + 25 + 8 + 40 + 5 = 163
    "members": (100, 163),
    # operating with a revenue: 2022 (2000 + 1000 + 600 + 1400) / 4 = 1250 (C3 blank, C4 suspended)
    # 2023 (2400 + 1100 + 300 + 800 + 1400 + 500 + 100) / 7 = 6600 / 7 (C8 blank)
    "avg_revenue": (1250, 6600 / 7),
    # operating, losses negative: 2022 (150 - 50 + 30 + 20 + 100) / 5 = 50
    # 2023 (200 + 10 - 20 + 40 + 100 + 5 + 60 + 10) / 8 = 405 / 8 = 50.625
    "avg_profit": (50, 50.625),
    # weighted by workers, workers 0 and blank income left out:
    # 2022 C1 60×10 + C6 30×4 + C7 50×6 = 1020 over 10 + 4 + 6 = 20 -> 51 (C2 has 0 workers, C3 no income)
    # 2023 66×10 + 44×5 + 25×3 + 35×4 + 50×6 + 20×1 = 1415 over 29 (C8 no income, C9 0 workers)
    "avg_income": (51, 1415 / 29),
    # existing: 2022 5 + 3 + 2 + 1 + 2 + 4 = 17; 2023 5 + 3 + 1 + 2 + 4 + 1 + 3 + 1 = 20
    "managers": (17, 20),
    # existing, C1 C2 C3 C4 C6 C7 in 2022 and C1 C2 C4 C6 C7 C8 C9 C10 in 2023 (C4 suspended in 2022 counts):
    # 2022 3 + 1 + (C3 blank) + 1 + 1 + 2 = 8; 2023 3 + 1 + 1 + 1 + 2 + 0 + 2 + 0 = 10
    "managers_vocational": (8, 10),
    # 2022 1 + 1 + 2 + 0 + 0 + 2 = 6; 2023 2 + 1 + 0 + 1 + 2 + 0 + 1 + 1 = 8
    "managers_higher": (6, 8),
    # rated 2022: C1 Tốt, C2 Khá, C3 TB, C7 Khá = 4 (C6 unrated, C4 suspended): 3 / 4
    # rated 2023: C1 Tốt, C2 Khá, C4 Yếu, C6 Khá, C7 Khá, C9 Tốt = 6 (C8, C10 unrated): 5 / 6
    "good_fair_share": (75, 100 * 5 / 6),
    "average_share": (25, 0),  # 1 / 4; 0 / 6
    "weak_share": (0, 100 / 6),  # 0 / 4; 1 / 6
    # existing with OCOP >= 1: 2022 C1, C3, C4 (suspended counts); 2023 C1, C2, C4
    "ocop_cooperatives": (3, 3),
    "fund_capital": (12000, 15000),  # sheet Thông tin
    # 2022: Krông Nô's certified is blank, so its row leaves both sums: (4 + 3) / (10 + 6) = 43.75
    # 2023: (6 + 4 + 4) / (12 + 8 + 5) = 14 / 25 = 56
    "tht_certified_share": (43.75, 56),
    # operating model cooperatives: 2022 C1 Cư Jút, C6 Gia Nghĩa (C4 of Đắk Mil is suspended); 2023 C1, C6
    "districts_with_model": (2, 2),
    # operating, Tốt/Khá, profit > 0, over the 71 communes:
    # 2022 Ea T'ling (C1), Đức Minh (C7); C2 is Khá with a loss = 2 / 71
    # 2023 Ea T'ling (C1; C8 there too, counted once), Nam Dong, Nghĩa Tân, Đức Minh, Đắk Mâm = 5 / 71;
    # C10's commune is unknown to the reference list and counts nowhere
    "communes_with_effective_coop": (200 / 71, 500 / 71),
    # operating in a value chain: 2022 C1, C3 (C4 suspended); 2023 C1, C2, C7
    "value_chain_cooperatives": (2, 3),
}

BY_DISTRICT = {
    # (indicator, year): {district: value}; districts not named are 0 for counts and sums, None otherwise
    ("cooperatives", 2022): {"Cư Jút": 2, "Đắk Mil": 3, "Gia Nghĩa": 1},
    ("cooperatives", 2023): {"Cư Jút": 3, "Đắk Mil": 2, "Gia Nghĩa": 1, "Krông Nô": 2},
    ("members", 2022): {"Cư Jút": 50, "Đắk Mil": 35, "Gia Nghĩa": 15},  # Đắk Mil: C3 blank + 10 + 25
    ("members", 2023): {"Cư Jút": 63, "Đắk Mil": 37, "Gia Nghĩa": 18, "Krông Nô": 45},
    ("avg_revenue", 2022): {"Cư Jút": 1500, "Đắk Mil": 1400, "Gia Nghĩa": 600},  # Đắk Mil: C7 only
    # Cư Jút C1 + C2 = 5 + 3; Đắk Mil C3 + C4 (suspended counts) + C7 = 2 + 1 + 4; Gia Nghĩa C6 (C5 dissolved)
    ("managers", 2022): {"Cư Jút": 8, "Đắk Mil": 7, "Gia Nghĩa": 2},
    # Cư Jút C1 + C2 + C8 = 5 + 3 + 1; Đắk Mil C4 + C7 = 1 + 4 (C3 dissolved); Gia Nghĩa C6;
    # Krông Nô C9 + C10 = 3 + 1
    ("managers", 2023): {"Cư Jút": 9, "Đắk Mil": 5, "Gia Nghĩa": 2, "Krông Nô": 4},
    # Cư Jút 3 + 1; Đắk Mil (C3 blank) + 1 + 2; Gia Nghĩa 1
    ("managers_vocational", 2022): {"Cư Jút": 4, "Đắk Mil": 3, "Gia Nghĩa": 1},
    # Cư Jút 3 + 1 + 0; Đắk Mil 1 + 2; Gia Nghĩa 1; Krông Nô 2 + 0
    ("managers_vocational", 2023): {"Cư Jút": 4, "Đắk Mil": 3, "Gia Nghĩa": 1, "Krông Nô": 2},
    # Cư Jút 1 + 1; Đắk Mil 2 + 0 + 2; Gia Nghĩa 0
    ("managers_higher", 2022): {"Cư Jút": 2, "Đắk Mil": 4, "Gia Nghĩa": 0},
    # Cư Jút 2 + 1 + 0; Đắk Mil 0 + 2; Gia Nghĩa 1; Krông Nô 1 + 1
    ("managers_higher", 2023): {"Cư Jút": 3, "Đắk Mil": 2, "Gia Nghĩa": 1, "Krông Nô": 2},
    ("avg_profit", 2023): {"Cư Jút": 215 / 3, "Đắk Mil": 40, "Gia Nghĩa": 40, "Krông Nô": 35},
    ("avg_income", 2023): {"Cư Jút": 880 / 15, "Đắk Mil": 375 / 9, "Gia Nghĩa": 35, "Krông Nô": 20},
    ("good_fair_share", 2022): {"Cư Jút": 100, "Đắk Mil": 50},  # Gia Nghĩa: no rated cooperative
    ("weak_share", 2023): {"Cư Jút": 0, "Đắk Mil": 50, "Gia Nghĩa": 0, "Krông Nô": 0},
    ("ocop_cooperatives", 2022): {"Cư Jút": 1, "Đắk Mil": 2},
    ("tht_certified_share", 2022): {"Cư Jút": 40, "Đắk Mil": 50},  # Krông Nô: certified blank
    ("tht_certified_share", 2023): {"Cư Jút": 50, "Đắk Mil": 50, "Krông Nô": 80},
    ("value_chain_cooperatives", 2023): {"Cư Jút": 2, "Đắk Mil": 1},
}
# fmt: on
ZERO_WHEN_NONE = {
    "cooperatives",
    "members",
    "managers",
    "managers_vocational",
    "managers_higher",
    "ocop_cooperatives",
    "value_chain_cooperatives",
}
# Communes per district (reference list 2020-2025): Gia Nghĩa 8, Cư Jút 8, Đắk Glong 7, Đắk Mil 10,
# Đắk R'lấp 11, Đắk Song 9, Krông Nô 12, Tuy Đức 6 = 71.
COVERAGE = {
    2022: {"Cư Jút": 100 / 8, "Đắk Mil": 100 / 10},  # Ea T'ling; Đức Minh
    2023: {"Cư Jút": 200 / 8, "Đắk Mil": 100 / 10, "Gia Nghĩa": 100 / 8, "Krông Nô": 100 / 12},
}


def expected_cells() -> dict[tuple[str, int, str | None], float | None]:
    """Return every value worked out by hand above: {(indicator, year, district or None for the province): value}."""
    districts = default_engine().districts
    cells = {(i, year, None): pair[year - 2022] for i, pair in PROVINCE.items() for year in (2022, 2023)}
    for (indicator, year), by_district in BY_DISTRICT.items():
        default = 0 if indicator in ZERO_WHEN_NONE else None
        cells |= {(indicator, year, d): by_district.get(d, default) for d in districts}
    for year, by_district in COVERAGE.items():
        cells |= {("communes_with_effective_coop", year, d): by_district.get(d, 0.0) for d in districts}
    return cells


CELLS = expected_cells()


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    """The long table of every indicator, province and districts, for 2022 and 2023."""
    return default_engine().compute(handmade_dataset(), by_district=True)


def value_of(values: pd.DataFrame, indicator: str, year: int, district: str | None = None) -> float | None:
    """Return one value of the long table (None when missing)."""
    rows = values[(values[INDICATOR] == indicator) & (values[YEAR] == year)]
    rows = rows[rows[DISTRICT].isna()] if district is None else rows[rows[DISTRICT] == district]
    assert len(rows) == 1, (indicator, year, district)
    value = rows[VALUE].iloc[0]
    return None if pd.isna(value) else float(value)


def is_expected(got: float | None, want: float | None) -> bool:
    """Return True when a computed value is the one worked out by hand (None: no value)."""
    return got is None if want is None else got == pytest.approx(want)


def differences(values: pd.DataFrame) -> list[tuple[str, int, str | None]]:
    """Return the cells of CELLS whose computed value is not the one worked out by hand."""
    return [cell for cell, want in CELLS.items() if not is_expected(value_of(values, *cell), want)]


def test_the_2023_file_is_typed_as_users_type_title_rows_text_numbers_and_variants() -> None:
    raw = read_workbook(handmade_bytes(2023)).tables["coops"].set_index("code")
    assert raw.loc["C1", ROW] == 4  # two title rows, header on row 3
    assert (raw.loc["C1", "revenue"], raw.loc["C1", "rating"], raw.loc["C1", "district"]) == (
        "2.400",
        "tot",
        "Huyện Cư Jút",
    )
    assert raw.loc["C4", "profit"] == "-20"


def test_the_hand_made_expectations_cover_the_17_indicators_of_the_plan() -> None:
    assert set(PROVINCE) == {i.id for i in default_plan().indicators}
    assert len(PROVINCE) == 17


@pytest.mark.parametrize("indicator", list(PROVINCE))
@pytest.mark.parametrize("year", [2022, 2023])
def test_each_province_value_is_the_one_worked_out_by_hand(
    values: pd.DataFrame, indicator: str, year: int
) -> None:
    expected = PROVINCE[indicator][year - 2022]
    assert value_of(values, indicator, year) == pytest.approx(expected)


@pytest.mark.parametrize(("indicator", "year"), list(BY_DISTRICT))
def test_each_district_value_is_the_one_worked_out_by_hand(
    values: pd.DataFrame, indicator: str, year: int
) -> None:
    for district in default_engine().districts:
        got, want = value_of(values, indicator, year, district), CELLS[(indicator, year, district)]
        assert is_expected(got, want), (district, got, want)


@pytest.mark.parametrize("year", [2022, 2023])
def test_commune_coverage_per_district_counts_over_the_communes_of_that_district(
    values: pd.DataFrame, year: int
) -> None:
    for district in default_engine().districts:
        got = value_of(values, "communes_with_effective_coop", year, district)
        want = CELLS[("communes_with_effective_coop", year, district)]
        assert is_expected(got, want), (district, got, want)


# --- every definition leaves a trace in the hand-worked values ------------------------------------------------


def swapped(plan: Plan, first: str, second: str) -> Plan:
    """Return the plan with the measures (what is computed, over which rows and columns) of two indicators swapped."""
    measures = {first: plan.indicator(second).measure, second: plan.indicator(first).measure}
    indicators = tuple(replace(i, measure=measures.get(i.id, i.measure)) for i in plan.indicators)
    return replace(plan, indicators=indicators)


def look_alike_pairs(plan: Plan) -> list[tuple[str, str]]:
    """Return the pairs of indicators with the same unit or the same kind of measure, which a swap could hide in."""
    return [
        (a.id, b.id)
        for a, b in combinations(plan.indicators, 2)
        if a.unit.vi == b.unit.vi or a.measure.kind == b.measure.kind
    ]


def test_the_look_alike_pairs_are_the_twenty_of_a_shared_unit() -> None:
    pairs = look_alike_pairs(default_plan())
    # HTX: 3 pairs of 3 counts; người: 6 of 4 sums; triệu đồng/năm: 1 of 2 means; %: 10 of 5 shares and ratios.
    # Every kind of measure used twice has a single unit, so the same-kind pairs are among these.
    assert len(pairs) == 3 + 6 + 1 + 10
    assert ("managers_vocational", "managers_higher") in pairs
    assert ("good_fair_share", "tht_certified_share") in pairs


def test_the_plan_as_written_gives_every_value_worked_out_by_hand(values: pd.DataFrame) -> None:
    assert differences(values) == []


@pytest.mark.parametrize(("first", "second"), look_alike_pairs(default_plan()))
def test_swapping_the_measures_of_two_look_alike_indicators_changes_a_value_worked_out_by_hand(
    first: str, second: str
) -> None:
    engine = Engine(swapped(default_plan(), first, second), default_reference())
    assert differences(engine.compute(handmade_dataset(), by_district=True)), (
        f"the hand-made data cannot tell the measure of {first} from that of {second}"
    )


def test_the_coverage_detail_lists_the_communes_with_and_without_an_effective_cooperative() -> None:
    engine, data = default_engine(), handmade_dataset()
    indicator = next(i for i in engine.plan.indicators if i.id == "communes_with_effective_coop")
    detail = commune_coverage_detail(engine, data, indicator, 2023).set_index(DISTRICT)
    assert detail["total"].sum() == 71
    assert detail.loc["Cư Jút", "communes_with"] == ["Ea T'ling", "Nam Dong"]
    assert (detail.loc["Cư Jút", "with"], detail.loc["Cư Jút", "total"]) == (2, 8)
    assert detail.loc["Krông Nô", "communes_with"] == ["Đắk Mâm"]
    assert "Đắk Mâm" not in detail.loc["Krông Nô", "communes_without"]
    assert len(detail.loc["Krông Nô", "communes_without"]) == 11


def test_indicators_without_a_district_meaning_have_no_district_rows(values: pd.DataFrame) -> None:
    for indicator in ("fund_capital", "districts_with_model"):
        assert values[(values[INDICATOR] == indicator) & values[DISTRICT].notna()].empty


def one_year(*coops: dict, groups: list | None = None, fund: object = None) -> Dataset:
    """Return the Dataset of one checked workbook of 2024."""
    from kpi.workbook.dataset import dataset_from_workbooks

    result = check_bytes(workbook(year=2024, fund=fund, coops=list(coops), groups=groups))
    assert result.ok, [p.line() for p in result.errors]
    return dataset_from_workbooks([result.clean])


def province(data: Dataset) -> dict[str, float | None]:
    """Return {indicator: value} for the province in the only year of `data`."""
    table = default_engine().compute(data)
    return {i: (None if pd.isna(v) else v) for i, v in zip(table[INDICATOR], table[VALUE], strict=True)}


def test_blank_figures_are_missing_not_zero() -> None:
    # one operating cooperative with every figure blank: sums and means have no value, counts are 1 or 0
    figures = "members workers revenue profit avg_income rating managers managers_vocational managers_higher"
    blank = dict.fromkeys([*figures.split(), "ocop_products", "value_chain", "model"])
    got = province(one_year(coop("A1", **blank)))
    for indicator in ("members", "avg_revenue", "avg_profit", "avg_income", "managers", "good_fair_share"):
        assert got[indicator] is None, indicator
    assert got["cooperatives"] == 1
    assert got["ocop_cooperatives"] == 0
    assert got["value_chain_cooperatives"] == 0
    assert got["fund_capital"] is None  # no fund given in Thông tin
    assert got["tht_certified_share"] is None  # no sheet THT


def test_a_district_whose_groups_are_all_zero_has_no_certified_share() -> None:
    got = province(one_year(coop("A1"), groups=[group("Cư Jút", 0, 0)]))
    assert got["tht_certified_share"] is None  # 0 / 0


def test_only_dissolved_cooperatives_give_zero_counts_and_no_means() -> None:
    got = province(one_year(coop("A1", status="Giải thể"), coop("A2", status="Giải thể", members=None)))
    assert (got["cooperatives"], got["members"], got["managers"]) == (0, 0, 0)
    assert (got["avg_revenue"], got["avg_profit"], got["good_fair_share"]) == (None, None, None)


def test_only_negative_profits_give_a_negative_mean_and_no_effective_commune() -> None:
    got = province(one_year(coop("A1", profit=-30, rating="Tốt"), coop("A2", profit=-10, rating="Khá")))
    assert got["avg_profit"] == -20  # (-30 - 10) / 2
    assert got["communes_with_effective_coop"] == 0


def test_a_profit_of_exactly_zero_is_not_profitable() -> None:
    got = province(one_year(coop("A1", profit=0, rating="Tốt")))
    assert got["communes_with_effective_coop"] == 0


def test_a_suspended_cooperative_counts_as_existing_but_not_as_operating() -> None:
    got = province(
        one_year(coop("A1", status="Tạm ngừng hoạt động", rating="Tốt", value_chain="Có", model="Có"))
    )
    assert (got["cooperatives"], got["members"], got["managers"]) == (1, 20, 3)  # existing
    assert (got["avg_revenue"], got["good_fair_share"], got["avg_income"]) == (
        None,
        None,
        None,
    )  # not operating
    assert (got["value_chain_cooperatives"], got["districts_with_model"]) == (0, 0)
    assert got["communes_with_effective_coop"] == 0


def test_income_is_weighted_by_workers() -> None:
    # (100 × 1 + 40 × 3) / (1 + 3) = 55; the plain mean would be 70
    got = province(one_year(coop("A1", avg_income=100, workers=1), coop("A2", avg_income=40, workers=3)))
    assert got["avg_income"] == 55


def test_two_model_cooperatives_in_one_district_count_that_district_once() -> None:
    got = province(
        one_year(
            coop("A1", model="Có"),
            coop("A2", model="Có"),
            coop("A3", model="Có", district="Tuy Đức", commune="Quảng Tân"),
            coop("A4", model="Có", district="Đắk Song", commune="Nam Bình", status="Tạm ngừng hoạt động"),
        )
    )
    assert got["districts_with_model"] == 2  # Cư Jút and Tuy Đức; Đắk Song's is suspended


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"rating": {"in": ["Tốt", "Khá"]}}, [True, False, False]),
        ({"rating": {"not_in": ["Tốt"]}}, [False, True, False]),  # a blank never matches, not even not_in
        ({"profit": {"gt": 0}}, [True, False, False]),
        ({"profit": {"le": 0}}, [False, True, False]),
        ({"model": {"eq": True}}, [True, False, False]),
    ],
)
def test_a_where_clause_never_matches_a_missing_value(where: dict, expected: list[bool]) -> None:
    frame = pd.DataFrame(
        {
            "rating": pd.Series(["Tốt", "Yếu", None], dtype="str"),
            "profit": [10.0, -5.0, float("nan")],
            "model": pd.Series([True, False, None], dtype="boolean"),
        }
    )
    assert list(where_mask(frame, where)) == expected
