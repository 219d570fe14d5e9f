"""The overview's words: group sentences, card texts and the small tables of the rating and district pages."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.domain.plan import MeasureKind
from kpi.stats import scorecard as overview
from kpi.stats.report import default_engine, default_plan
from kpi.workbook.dataset import Dataset
from tests.dashboard_fakes import fake_report, fake_result
from tests.handmade import handmade_dataset

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
    # The 13 targets the plan states: 5 achieved + 4 on track = 9; 2 acceleration (income, good/fair),
    # 1 limited (profit), 1 deterioration (revenue). The 4 derived (weak share, districts, communes, value
    # chain): 1 achieved; 1 acceleration, 1 limited, 1 without data.
    assert overview.overall_sentence(report) == (
        "9/13 chỉ tiêu Kế hoạch đề ra đã đạt hoặc đúng tiến độ; 2 cần tăng tốc; 1 tiến triển chậm; 1 đi lùi. "
        "Thêm 4 chỉ tiêu suy ra: 1 đã đạt hoặc đúng tiến độ; 1 cần tăng tốc; 1 tiến triển chậm; 1 chưa đủ dữ liệu"
    )
    assert overview.overall_sentence(report, "en") == (
        "9/13 targets set by the plan achieved or on track; 2 acceleration needed; 1 limited progress; "
        "1 deterioration. Also 4 derived targets: 1 achieved or on track; 1 acceleration needed; "
        "1 limited progress; 1 insufficient data"
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


# --- tables for the indicator and district pages ---------------------------------------------------------


def test_the_history_table_gives_value_change_and_required_path_as_text():
    result = fake_result(
        "cooperatives",
        year=2022,
        value=216.0,
        history={2020: 200.0, 2021: None, 2022: 216.0, 2023: 230.0},
        baseline=200.0,
        baseline_year=2020,
        cagr_required=None,  # straight path: 200 + 64 × (y − 2020) / 5
    )
    table = overview.history_table(result)
    assert list(table.columns) == ["Năm", "Giá trị", "So với năm trước", "Lộ trình cần đạt"]
    assert table.values.tolist() == [
        ["2020", "200 HTX", "–", "200 HTX"],
        ["2021", "–", "–", "213 HTX"],  # 212,8
        ["2022", "216 HTX", "+16 HTX", "226 HTX"],  # 225,6; the change skips 2021, which has no figure
    ]


def test_the_district_year_table_has_districts_in_order_then_the_province():
    values = pd.DataFrame(
        [
            ("members", 2023, None, 300.0),
            ("members", 2023, "Cư Jút", 100.0),
            ("members", 2023, "Gia Nghĩa", 200.0),
            ("members", 2024, None, 1350.5),
            ("members", 2024, "Cư Jút", 1200.0),
            ("members", 2024, "Gia Nghĩa", None),
            ("cooperatives", 2024, "Cư Jút", 9.0),
        ],
        columns=["indicator", "year", "district", "value"],
    )
    ind = default_plan().indicator("members")
    table = overview.district_year_table(values, ind, ["Gia Nghĩa", "Cư Jút"], upto=2024)
    assert table.values.tolist() == [
        ["Gia Nghĩa", "200 người", "–"],
        ["Cư Jút", "100 người", "1.200 người"],
        ["Toàn tỉnh", "300 người", "1.351 người"],
    ]
    assert list(overview.district_year_table(values, ind, ["Cư Jút"], upto=2023).columns) == [
        "Huyện, thành phố",
        "2023",
    ]


def test_the_coverage_table_reads_x_of_y_communes_and_sums_the_province():
    detail = pd.DataFrame(
        [
            {
                "district": "Cư Jút",
                "with": 3,
                "total": 8,
                "communes_with": [],
                "communes_without": ["Trúc Sơn", "Ea Pô"],
            },
            {"district": "Tuy Đức", "with": 6, "total": 6, "communes_with": [], "communes_without": []},
        ]
    )
    table = overview.coverage_table(detail)
    assert table.values.tolist() == [
        ["Cư Jút", "3 / 8", "37,5%", "Trúc Sơn, Ea Pô"],
        ["Tuy Đức", "6 / 6", "100,0%", "–"],
        ["Toàn tỉnh", "9 / 14", "64,3%", ""],
    ]


def test_the_model_table_says_yes_or_no_with_the_names():
    models = pd.DataFrame(
        [
            {"district": "Cư Jút", "count": 2, "names": ["HTX A", "HTX B"]},
            {"district": "Tuy Đức", "count": 0, "names": []},
        ]
    )
    assert overview.model_table(models).values.tolist() == [
        ["Cư Jút", "Có", "2", "HTX A, HTX B"],
        ["Tuy Đức", "Không", "0", "–"],
    ]


# --- the method in words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "lang", "expected"),
    [
        (
            {"rating": {"in": ["Tốt", "Khá"]}, "profit": {"gt": 0}},
            "vi",
            "Xếp loại ∈ {Tốt, Khá} và Lợi nhuận (triệu đồng) > 0",
        ),
        ({"model": {"eq": True}}, "vi", "HTX điển hình = Có"),
        ({"model": {"eq": True}}, "en", "Model cooperative = Yes"),
        ({"ocop_products": {"ge": 1}}, "vi", "Số sản phẩm OCOP ≥ 1"),
    ],
)
def test_a_where_clause_reads_as_words_with_the_workbook_headers(where, lang, expected):
    assert overview.where_text(where, lang) == expected


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("cooperatives", "Đếm số HTX chưa giải thể (đang hoạt động hoặc tạm ngừng hoạt động)."),
        (
            "fund_capital",
            "Giá trị dòng “Nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX (triệu đồng)” của sheet “Thông tin”.",
        ),
        (
            "tht_certified_share",
            "Tổng cột “Số THT có hợp đồng được chứng thực” chia cho tổng cột “Số tổ hợp tác” của sheet “THT”, nhân 100.",
        ),
        (
            "districts_with_model",
            "Số huyện, thành phố có ít nhất một trong các HTX đang hoạt động có HTX điển hình = Có.",
        ),
    ],
)
def test_each_formula_is_written_from_the_measure_of_the_plan_file(indicator, expected):
    plan = default_plan()
    assert overview.formula_text(plan.indicator(indicator), plan) == expected


def test_every_measure_kind_has_a_formula_in_both_languages():
    plan = default_plan()
    for ind in plan.indicators:
        for lang in ("vi", "en"):
            assert "{" not in overview.formula_text(ind, plan, lang).replace("∈ {", "")


def test_the_threshold_rules_follow_the_plans_thresholds_in_order():
    rules = dict(overview.threshold_rules(default_plan()))
    assert list(rules) == [s.id for s in default_plan().assessment.statuses]
    assert rules["on_track"] == "Trước năm mục tiêu: tỷ số tốc độ từ 0,95 trở lên."
    assert rules["acceleration_needed"] == "Trước năm mục tiêu: tỷ số tốc độ từ 0,60 đến dưới 0,95."
    assert rules["limited_progress"] == "Trước năm mục tiêu: tỷ số tốc độ từ 0 đến dưới 0,60."
    assert rules["deterioration"].startswith("Trước năm mục tiêu: tỷ số tốc độ dưới 0,")
    assert rules["not_achieved"].startswith("Năm báo cáo là năm mục tiêu hoặc sau đó")


# --- how many cooperatives, per population -----------------------------------------------------------------


# Counted by hand in tests/handmade.py. 2022: C5 dissolved, C4 suspended, C6 unrated. 2023: C3 dissolved,
# C8 and C10 unrated; in Đắk Mil C3 (dissolved), C4 and C7 (both operating and rated).
@pytest.mark.parametrize(
    ("year", "district", "expected"),
    [
        (2022, None, {"listed": 7, "existing": 6, "operating": 5, "rated": 4}),
        (2023, None, {"listed": 9, "existing": 8, "operating": 8, "rated": 6}),
        (2023, "Đắk Mil", {"listed": 3, "existing": 2, "operating": 2, "rated": 2}),
    ],
)
def test_each_population_the_plan_names_has_one_count(year, district, expected):
    assert overview.population_counts(default_engine(), handmade_dataset(), year, district) == expected


def test_the_population_sentence_names_every_population_it_counts():
    counts = {"listed": 291, "existing": 287, "operating": 279, "rated": 268}
    assert overview.population_sentence(counts, default_plan(), 2025) == (
        "291 HTX trong danh sách năm 2025, trong đó: 287 HTX chưa giải thể (đang hoạt động hoặc tạm ngừng hoạt "
        "động); 279 HTX đang hoạt động; 268 HTX đang hoạt động đã được xếp loại (Tốt, Khá, Trung bình hoặc Yếu)."
    )


# --- the first screen's verdicts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator_id", "value", "status", "expected"),
    [
        ("cooperatives", 287, "achieved", "109%"),  # 287 / 264 = 1,087
        ("members", 17899, "not_achieved", "65%"),  # 17.899 / 27.379 = 0,654
        ("average_share", 48.9, "not_achieved", "48,9% / ≤ 40,0%"),  # a ceiling: value against it
        ("weak_share", 9.0, "achieved", "9,0% / ≤ 15,0%"),
        ("ocop_cooperatives", None, "insufficient_data", ""),
    ],
)
def test_the_main_figure_is_the_share_of_the_target_or_the_value_against_a_ceiling(
    indicator_id, value, status, expected
):
    assert overview.main_figure(fake_result(indicator_id, value=value, status=status)) == expected


def test_the_headline_verdicts_are_the_plans_headline_indicators_with_their_texts():
    report = fake_report(
        2025,
        [
            fake_result("cooperatives", year=2025, value=287, status="achieved"),
            fake_result("members", year=2025, value=17899, status="not_achieved"),
        ],
    )
    verdicts = overview.headline_verdicts(report)
    assert [v.id for v in verdicts] == ["cooperatives", "members", "good_fair_share", "ocop_cooperatives"]
    members = verdicts[1]
    assert (members.number, members.unit, members.target) == (
        "17.899",
        "người",
        "Mục tiêu 2025: 27.379 người",
    )
    assert members.share == "Đạt 65,4% mục tiêu"  # 17.899 / 27.379 = 0,6537
    assert (members.label, members.figure) == ("Không đạt", "65%")
    assert members.next_step == "Còn thiếu 9.480 người so với mục tiêu (hạn 2025)"  # 27.379 - 17.899
    assert members.explanation.startswith("Đã đến hoặc đã qua năm phải đạt mục tiêu")
    assert members.derived_mark == "" and members.derived_note == ""
    assert "chưa giải thể" in members.definition  # the population counted, named where it is shown


def test_a_verdict_of_a_derived_target_carries_its_mark_and_reason():
    report = fake_report(
        2025, [fake_result("value_chain_cooperatives", year=2025, value=39, status="achieved")]
    )
    (chain,) = [v for v in overview.all_verdicts(report) if v.id == "value_chain_cooperatives"]
    assert chain.target == "Mục tiêu 2025 (suy ra): 16 HTX"
    assert chain.derived_mark == "suy ra"
    assert "nhiệm vụ IV.7" in chain.derived_note


# --- the rating table, summed in Python, against pandas' own route ------------------------------------------------


def _rating_table_by_pandas(cells: pd.DataFrame, by: str, year, districts) -> pd.DataFrame:
    """The rating table as pandas' groupby and unstack give it (the route `rating_table` took before)."""
    mask = pd.Series(True, index=cells.index)
    if year is not None:
        mask &= cells["year"] == year
    if districts is not None:
        mask &= cells["district"].isin(districts)
    rows = cells[mask & cells[by].notna()]
    table = (
        rows.groupby([by, "rating"], sort=True)["count"]
        .sum()
        .unstack("rating", fill_value=0)
        .reindex(columns=list(overview.RATINGS), fill_value=0)
    )
    if by == "sector":
        order = [s for s in overview.SECTORS if s in table.index]
        table = table.reindex(order + [s for s in table.index if s not in overview.SECTORS])
    elif by == "district" and districts is not None:
        table = table.reindex(list(districts), fill_value=0)
    else:
        table = table.sort_index()
    table.index.name = by
    table.columns.name = None
    return table.astype("int64")


@pytest.fixture(scope="module")
def sample_cells() -> pd.DataFrame:
    from kpi.stats.sample import sample_files
    from tests.store.test_versions import direct_dataset

    return overview.rating_cells(direct_dataset(*(p.read_bytes() for p in sample_files())).coops)


@pytest.mark.parametrize(
    ("by", "year", "districts"),
    [
        ("year", None, None),
        ("year", None, ["Cư Jút"]),
        ("district", 2024, None),
        ("district", 2024, default_engine().districts),
        ("district", 2024, ["Cư Jút", "Huyện không có"]),  # a district without cooperatives: a row of zeros
        ("sector", 2025, None),
        ("sector", 2025, ["Đắk Mil"]),
        ("sector", 1999, None),  # a year without data: no row
    ],
)
def test_the_rating_table_equals_pandas_groupby_and_unstack_route(sample_cells, by, year, districts) -> None:
    expected = _rating_table_by_pandas(sample_cells, by, year, districts)
    got = overview.rating_table(sample_cells, by, year, districts)
    pd.testing.assert_frame_equal(got, expected, check_index_type=len(expected) > 0)
    assert list(got.index) == list(expected.index)
