"""The plan file of Plan 485 and the checks of `load_plan`."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from kpi.common.data_files import DataFileError
from kpi.domain.plan import PLANS_DIR, Direction, Text, list_plans, load_plan
from kpi.workbook import contract as schema
from tests.plan_facts import STATUSES

PLAN_FILE = PLANS_DIR / "kh-485-2020.yaml"
# The public text of the plan, kept in the repository: every quote of the plan file is checked against it.
SOURCE_TEXT = PLANS_DIR / "kh-485-2020.source.txt"
ROOT = PLANS_DIR.parents[1]

# Written by hand from the plan's text (sections II.1, II.2 and appendix row IV.7):
# id: (group, target, target year, baseline value and year or None, direction, by district, unit)
EXPECTED = {
    "cooperatives": ("scale", 264, 2025, None, "higher_is_better", True, "HTX"),
    "members": ("scale", 27379, 2025, None, "higher_is_better", True, "người"),
    "avg_revenue": ("efficiency", 12079, 2025, None, "higher_is_better", True, "triệu đồng/năm"),
    "avg_profit": ("efficiency", 370, 2025, None, "higher_is_better", True, "triệu đồng/năm"),
    "avg_income": ("efficiency", 97, 2025, None, "higher_is_better", True, "triệu đồng/người/năm"),
    "managers": ("workforce", 504, 2025, None, "higher_is_better", True, "người"),
    "managers_vocational": ("workforce", 129, 2025, None, "higher_is_better", True, "người"),
    "managers_higher": ("workforce", 145, 2025, None, "higher_is_better", True, "người"),
    "good_fair_share": ("ratings", 45, 2025, (35, 2020), "higher_is_better", True, "%"),
    "average_share": ("ratings", 40, 2025, (47, 2020), "lower_is_better", True, "%"),
    "weak_share": ("ratings", 15, 2025, (18, 2020), "lower_is_better", True, "%"),
    "ocop_cooperatives": ("ocop_chain_model", 40, 2025, None, "higher_is_better", True, "HTX"),
    "fund_capital": ("support", 20000, 2030, None, "higher_is_better", False, "triệu đồng"),
    "tht_certified_share": ("support", 80, 2025, None, "higher_is_better", True, "%"),
    "districts_with_model": ("ocop_chain_model", 8, 2025, None, "higher_is_better", False, "đơn vị"),
    "communes_with_effective_coop": ("ocop_chain_model", 100, 2025, None, "higher_is_better", True, "%"),
    "value_chain_cooperatives": ("ocop_chain_model", 16, 2025, None, "higher_is_better", True, "HTX"),
}


@pytest.fixture(scope="module")
def plan():
    """The Plan 485 file as loaded by the application."""
    return load_plan()


def test_the_default_plan_is_plan_485_and_is_listed(plan):
    assert plan.id == "kh-485-2020"
    assert plan.number == "485/KH-UBND"
    assert plan.date.isoformat() == "2020-09-11"
    assert plan.signed_by.name == "Trần Xuân Hải"
    assert (plan.period.start, plan.period.end) == (2020, 2025)
    assert [(r.number, r.date.isoformat()) for r in plan.implements] == [
        ("70-KL/TW", "2020-03-09"),
        ("59-CTr/TU", "2020-07-14"),
    ]
    assert PLAN_FILE in list_plans()


def test_the_plan_has_exactly_the_17_public_indicator_ids_in_order(plan):
    assert [i.id for i in plan.indicators] == list(EXPECTED)


def test_the_groups_come_in_display_order(plan):
    assert [g.id for g in plan.groups] == [
        "scale",
        "efficiency",
        "workforce",
        "ratings",
        "ocop_chain_model",
        "support",
    ]
    assert [i.id for i in plan.indicators_in("workforce")] == [
        "managers",
        "managers_vocational",
        "managers_higher",
    ]


@pytest.mark.parametrize("indicator_id", list(EXPECTED))
def test_each_target_year_and_baseline_matches_the_plan(plan, indicator_id):
    group, target, year, baseline, direction, by_district, unit = EXPECTED[indicator_id]
    indicator = plan.indicator(indicator_id)
    assert indicator.group == group
    assert (indicator.target.value, indicator.target.year) == (target, year)
    assert (
        None if indicator.baseline is None else (indicator.baseline.value, indicator.baseline.year)
    ) == baseline
    assert indicator.direction == Direction(direction)
    assert indicator.higher_is_better == (direction == "higher_is_better")
    assert indicator.by_district is by_district
    assert indicator.unit.vi == unit


def test_the_weak_share_target_and_baseline_are_marked_derived_with_a_note(plan):
    weak = plan.indicator("weak_share")
    for figure in (weak.target, weak.baseline):
        assert figure.derived is True
        assert figure.note is not None and "100 − " in figure.note.vi and "100 − " in figure.note.en


def test_figures_stated_in_the_plan_are_not_marked_derived(plan):
    assert plan.indicator("good_fair_share").baseline.derived is False
    assert plan.indicator("members").target.derived is False


# Read against the seed: the weak share has no figure ("giảm"), the communes goal is a general goal (II.1) with
# "phấn đấu", the 16 cooperatives are those task IV.7 supports, and "01-02 mô hình" is per district.
DERIVED_TARGETS = {
    "weak_share",
    "communes_with_effective_coop",
    "value_chain_cooperatives",
    "districts_with_model",
}


@pytest.mark.parametrize("indicator_id", list(EXPECTED))
def test_every_target_says_whether_the_plan_states_it(plan, indicator_id):
    target = plan.indicator(indicator_id).target
    assert target.source == ("derived" if indicator_id in DERIVED_TARGETS else "plan")
    if target.derived:
        assert target.note is not None and target.note.vi and target.note.en


def test_the_headline_targets_are_the_four_of_the_design_card_in_order(plan):
    assert plan.headline == ("cooperatives", "members", "good_fair_share", "ocop_cooperatives")
    assert [i.id for i in plan.headline_indicators()] == list(plan.headline)


def test_the_revenue_target_carries_a_note_about_the_real_average(plan):
    note = plan.indicator("avg_revenue").note
    assert note is not None
    assert "1.650" in note.vi and "7 lần" in note.vi
    assert "1,650" in note.en and "7 times" in note.en


@pytest.mark.parametrize("indicator_id", list(EXPECTED))
def test_every_indicator_has_units_definition_and_source_quote(plan, indicator_id):
    indicator = plan.indicator(indicator_id)
    for text in (indicator.name, indicator.unit, indicator.definition):
        assert text.vi.strip() and text.en.strip()
    assert indicator.source_quote.strip()
    assert indicator.decimals in range(0, 4)


def test_the_plan_names_its_source_text_which_is_in_the_repository(plan):
    assert ROOT / plan.source.file == SOURCE_TEXT
    assert "Kèm theo Kế hoạch số 485/KH-UBND ngày 11/9/2020" in SOURCE_TEXT.read_text(encoding="utf-8")


@pytest.mark.parametrize("indicator_id", list(EXPECTED))
def test_each_source_quote_appears_verbatim_in_the_plan_text(plan, indicator_id):
    assert plan.indicator(indicator_id).source_quote in SOURCE_TEXT.read_text(encoding="utf-8")


def test_the_title_is_the_plan_title_as_in_the_text(plan):
    text = re.sub(r"\s+", " ", SOURCE_TEXT.read_text(encoding="utf-8").replace("**", ""))
    assert plan.title.vi in text


def test_every_status_has_labels_and_thresholds_descend(plan):
    rules = plan.assessment
    assert [s.id for s in rules.statuses] == list(STATUSES)
    assert rules.label("on_track", "vi") == "Đúng tiến độ"
    assert rules.label("deterioration", "en") == "Deterioration"
    assert (rules.label("not_achieved", "vi"), rules.label("not_achieved", "en")) == (
        "Không đạt",
        "Not achieved",
    )
    assert all(rules.help(s.id, lang) for s in rules.statuses for lang in ("vi", "en"))
    assert rules.thresholds == (("on_track", 0.95), ("acceleration_needed", 0.60), ("limited_progress", 0.0))
    assert rules.below_all == "deterioration"
    assert rules.zero_replacement == 0.001


def test_the_columns_the_plan_reads_exist_in_the_workbook_schema(plan):
    sheets = {sheet.id: set(sheet.ids) for sheet in schema.SHEETS}
    for sheet_id, columns in plan.referenced_columns().items():
        assert columns <= sheets[sheet_id], f"{sheet_id}: {sorted(columns - sheets[sheet_id])}"


def test_text_returns_the_language_asked_for():
    text = Text("Số HTX", "Number of cooperatives")
    assert (text.get("vi"), text.get("en")) == ("Số HTX", "Number of cooperatives")
    with pytest.raises(ValueError):
        text.get("fr")


# --- faults ---------------------------------------------------------------------------------------------


_RAW = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def _raw() -> dict:
    return copy.deepcopy(_RAW)


def _indicator(raw: dict, indicator_id: str) -> dict:
    return next(i for i in raw["indicators"] if i["id"] == indicator_id)


def _duplicate_id(raw):
    _indicator(raw, "members")["id"] = "cooperatives"


def _bad_id(raw):
    _indicator(raw, "avg_profit")["id"] = "AvgProfit"


def _missing_unit_en(raw):
    del _indicator(raw, "managers")["unit"]["en"]


def _unknown_direction(raw):
    _indicator(raw, "avg_income")["direction"] = "up"


def _target_without_year(raw):
    del _indicator(raw, "ocop_cooperatives")["target"]["year"]


def _baseline_without_year(raw):
    del _indicator(raw, "average_share")["baseline"]["year"]


def _unknown_group(raw):
    _indicator(raw, "fund_capital")["group"] = "money"


def _unknown_measure_kind(raw):
    _indicator(raw, "managers_higher")["measure"]["kind"] = "median"


def _unknown_population(raw):
    _indicator(raw, "managers_vocational")["measure"]["population"] = "everyone"


def _missing_measure_parameter(raw):
    del _indicator(raw, "avg_revenue")["measure"]["column"]


def _unknown_operator(raw):
    raw["populations"]["operating"]["where"]["status"] = {"like": "Đang%"}


def _thresholds_not_descending(raw):
    raw["assessment"]["thresholds"][1]["min_ratio"] = 0.99


def _undeclared_status(raw):
    raw["assessment"]["thresholds"][0]["status"] = "great"


def _missing_definition(raw):
    del _indicator(raw, "tht_certified_share")["definition"]


def _target_without_source(raw):
    del _indicator(raw, "average_share")["target"]["source"]


def _unknown_target_source(raw):
    _indicator(raw, "avg_income")["target"]["source"] = "guess"


def _old_derived_flag_on_a_target(raw):
    _indicator(raw, "managers")["target"]["derived"] = True


def _unknown_headline(raw):
    raw["headline"] = ["cooperatives", "revenue"]


def _missing_source_quote(raw):
    _indicator(raw, "value_chain_cooperatives")["source_quote"] = ""


FAULTS = [
    (_duplicate_id, "duplicate indicator id 'cooperatives'"),
    (_bad_id, "'AvgProfit' is not snake_case"),
    (_missing_unit_en, "indicators[managers].unit.en: is missing"),
    (_unknown_direction, "unknown direction 'up'"),
    (_target_without_year, "indicators[ocop_cooperatives].target.year: is missing"),
    (_baseline_without_year, "indicators[average_share].baseline.year: is missing"),
    (_unknown_group, "unknown group 'money'"),
    (_unknown_measure_kind, "unknown measure kind 'median'"),
    (_unknown_population, "unknown population 'everyone'"),
    (_missing_measure_parameter, "indicators[avg_revenue].measure.column: is missing"),
    (_unknown_operator, "unknown operator 'like'"),
    (_thresholds_not_descending, "min_ratio must strictly descend"),
    (_undeclared_status, "status 'great' is not declared"),
    (_missing_definition, "indicators[tht_certified_share].definition: is missing"),
    (_missing_source_quote, "indicators[value_chain_cooperatives].source_quote: is missing"),
    (_target_without_source, "indicators[average_share].target.source: is missing (expected plan or derived"),
    (_unknown_target_source, "indicators[avg_income].target.source: unknown source 'guess'"),
    (_old_derived_flag_on_a_target, "indicators[managers].target.derived: is not used for a target"),
    (_unknown_headline, "headline[1]: unknown indicator 'revenue'"),
]


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "kh-485-2020.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("break_it", "message"), FAULTS, ids=[f.__name__.strip("_") for f, _ in FAULTS])
def test_each_fault_is_reported(tmp_path, break_it, message):
    raw = _raw()
    break_it(raw)
    with pytest.raises(DataFileError) as caught:
        load_plan(_write(tmp_path, raw))
    assert any(message in p for p in caught.value.problems), caught.value.problems


def test_a_file_with_several_faults_reports_all_of_them_at_once(tmp_path):
    raw = _raw()
    for break_it, _ in FAULTS:
        break_it(raw)
    with pytest.raises(DataFileError) as caught:
        load_plan(_write(tmp_path, raw))
    problems = caught.value.problems
    missing = [message for _, message in FAULTS if not any(message in p for p in problems)]
    assert missing == [], problems
    assert caught.value.path.name == "kh-485-2020.yaml"  # the file is named once, above its faults
    assert str(caught.value).startswith(f"{caught.value.path}: {len(problems)} problem(s):")


def test_an_unchanged_copy_loads_without_problems(tmp_path):
    assert load_plan(_write(tmp_path, _raw())).indicator("members").target.value == 27379


def test_a_plan_id_that_differs_from_the_file_name_is_reported(tmp_path):
    path = tmp_path / "kh-999-2026.yaml"
    path.write_text(PLAN_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataFileError, match="differs from the file name"):
        load_plan(path)


def test_a_derived_figure_without_a_note_is_reported(tmp_path):
    raw = _raw()
    del _indicator(raw, "weak_share")["target"]["note"]
    with pytest.raises(DataFileError, match=r"weak_share\]\.target\.note: a derived target needs a note"):
        load_plan(_write(tmp_path, raw))


def test_a_file_that_is_not_yaml_is_reported(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plan: {id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_plan(path)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(DataFileError, match="cannot read the file"):
        load_plan(tmp_path / "nothing.yaml")
