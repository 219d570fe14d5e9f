"""Page 1, Tổng quan: the cards show what the core computes for the sample year; sentences, chart, modes."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from kpi.common.formatting import format_number, format_percent
from kpi.stats.report import default_plan
from tests.app.apptest_helpers import (
    ENTRY,
    chart_titles,
    core_report,
    html_bodies,
    latest_year,
    open_page,
    page_css,
    sample_dataset,
)

PLAN = default_plan()
# The targets the plan does not state (read against the plan's text in tests/domain/test_plan.py).
DERIVED = {"weak_share", "communes_with_effective_coop", "value_chain_cooperatives", "districts_with_model"}


@pytest.fixture(scope="module")
def overview():
    """The overview as a reader first sees it: Vietnamese, the latest year."""
    return open_page()


def _card(at, indicator_id: str) -> str:
    (body,) = [
        b for b in html_bodies(at) if f'data-indicator="{indicator_id}"' in b and 'class="kpi-card"' in b
    ]
    return body


def _first_screen(at) -> str:
    (body,) = [b for b in html_bodies(at) if 'class="kpi-tiles"' in b]
    return body


HEADLINE = ["cooperatives", "members", "good_fair_share", "ocop_cooperatives"]  # the plan's design card


@pytest.mark.parametrize("indicator_id", HEADLINE)
def test_the_first_screen_shows_each_headline_target_as_a_tile_with_value_target_and_verdict(
    overview, indicator_id
):
    indicator = PLAN.indicator(indicator_id)
    result = core_report(latest_year()).result(indicator_id)
    number, unit = _shown_value(indicator, result.assessment.value)
    tiles = re.findall(r'<div class="kpi-tile" data-indicator="([a-z_]+)"', _first_screen(overview))
    assert tiles == HEADLINE
    tile = _first_screen(overview).split(f'data-indicator="{indicator_id}"')[1].split('class="kpi-tile"')[0]
    assert f'<span class="kpi-tile-value">{number}</span>' in tile
    if unit:
        assert f'<span class="kpi-unit">{unit}</span>' in tile
    target = format_number(indicator.target.value, indicator.decimals)
    assert f"Mục tiêu {indicator.target.year}: {target}" in tile
    assert PLAN.assessment.label(result.assessment.status, "vi") in tile
    # the main figure: the value as a percentage of the target, worked out here from the core's value
    share = format_percent(100 * result.assessment.value / indicator.target.value, 1)
    assert f"Đạt {share} mục tiêu" in tile


def test_the_summary_under_the_tiles_has_one_chip_per_indicator_with_its_status(overview):
    chips = re.findall(
        r'class="kpi-chip" data-indicator="([a-z_]+)" data-status="([a-z_]+)"', _first_screen(overview)
    )
    report = core_report(latest_year())
    assert chips == [(r.indicator.id, r.assessment.status) for r in report.results]


def _shown_value(indicator, value) -> tuple[str, str]:
    """Return the number and unit a card must show, formatted here from the core's value."""
    unit = indicator.unit.get("vi")
    if unit == "%":
        return format_percent(value, indicator.decimals), ""
    return format_number(value, indicator.decimals), unit


def test_the_overview_runs_without_exception_and_names_the_year(overview):
    assert not overview.exception
    assert overview.title[0].value == f"Tổng quan năm {latest_year()}"


def test_the_sample_data_notice_is_shown(overview):
    assert any("Dữ liệu mẫu" in w.value for w in overview.warning)


@pytest.mark.parametrize("indicator", PLAN.indicators, ids=lambda i: i.id)
def test_each_card_shows_the_value_and_status_the_core_computes(overview, indicator):
    result = core_report(latest_year()).result(indicator.id)
    number, unit = _shown_value(indicator, result.assessment.value)
    card = _card(overview, indicator.id)
    assert f'<span class="kpi-value">{number}</span>' in card
    if unit:
        assert f'<span class="kpi-unit">{unit}</span>' in card
    assert PLAN.assessment.label(result.assessment.status, "vi") in card
    mark = " (suy ra)" if indicator.id in DERIVED else ""
    assert f"Mục tiêu {indicator.target.year}{mark}:" in card


def test_the_headline_counts_the_plans_targets_apart_from_the_derived_ones(overview):
    results = core_report(latest_year()).results
    stated = [r.assessment.status for r in results if r.indicator.id not in DERIVED]
    derived = [r.assessment.status for r in results if r.indicator.id in DERIVED]
    good = sum(s in ("achieved", "on_track") for s in stated)
    good_derived = sum(s in ("achieved", "on_track") for s in derived)
    headline = _first_screen(overview)
    assert f"{good}/{len(stated)} chỉ tiêu Kế hoạch đề ra đã đạt hoặc đúng tiến độ" in headline
    assert f"Thêm {len(derived)} chỉ tiêu suy ra: {good_derived} đã đạt hoặc đúng tiến độ" in headline


def test_there_is_one_sentence_per_group_with_its_own_count(overview):
    (sentences,) = [b for b in html_bodies(overview) if 'class="kpi-sentences"' in b]
    items = re.findall(r"<li>(.*?)</li>", sentences)
    assert len(items) == len(PLAN.groups)
    report = core_report(latest_year())
    for group, item in zip(PLAN.groups, items, strict=True):
        results = [r for r in report.results if r.indicator.group == group.id]
        good = sum(r.assessment.status in ("achieved", "on_track") for r in results)
        assert item.startswith(f"{group.name.vi}: {good}/{len(results)} chỉ tiêu")


def test_the_bullet_chart_is_drawn_with_its_title_and_a_download_button(overview):
    title = f"17 chỉ tiêu của Kế hoạch 485/KH-UBND so với mục tiêu, năm {latest_year()}"
    assert title in chart_titles(overview)
    buttons = overview.get("download_button")
    assert [b.label for b in buttons] == ["Tải ảnh", "Ảnh 16:9", "Tải bộ ảnh"]


def test_choosing_an_earlier_year_shows_that_years_figures():
    year = latest_year() - 2
    at = open_page(year=year)
    assert at.title[0].value == f"Tổng quan năm {year}"
    value = core_report(year).result("cooperatives").assessment.value
    assert f'<span class="kpi-value">{format_number(value)}</span>' in _card(at, "cooperatives")


def test_the_overview_in_english():
    at = open_page(lang="en")
    assert not at.exception
    assert at.title[0].value == f"Overview, {latest_year()}"
    members = core_report(latest_year()).result("members").assessment.value
    assert f'<span class="kpi-value">{format_number(members, 0, "en")}</span>' in _card(at, "members")
    tiles = _first_screen(at)
    assert f'<span class="kpi-tile-value">{format_number(members, 0, "en")}</span>' in tiles


def test_presentation_mode_from_the_address_hides_the_sidebar_and_the_image_buttons():
    at = open_page(present=True)
    css = page_css(at)
    assert '[data-testid="stSidebar"]' in css and "display: none" in css
    assert not at.get("download_button")
    # the overview as slides: previous (disabled on the first), next, and leaving presentation mode
    assert [b.label for b in at.button] == ["Trang trước", "Trang sau", "Thoát chế độ trình chiếu"]
    assert at.button[0].disabled
    assert f"Tổng quan năm {latest_year()}" == at.title[0].value
    at.button(key="leave-presentation").click().run()
    assert "display: none" not in page_css(at)
    assert [b.label for b in at.get("download_button")] == ["Tải ảnh", "Ảnh 16:9", "Tải bộ ảnh"]


def test_the_present_query_parameter_opens_presentation_mode():
    at = AppTest.from_file(ENTRY, default_timeout=180)
    at.query_params["present"] = "1"
    at.run()
    assert at.session_state["present"] is True
    assert "display: none" in page_css(at)


def test_presentation_mode_shows_one_group_per_slide_and_the_address_can_open_one():
    at = open_page(present=True)
    at.button(key="slide-next").click().run()
    assert at.title[0].value == f"{PLAN.groups[0].name.vi} · {latest_year()}"
    tiles = re.findall(r'<div class="kpi-tile" data-indicator="([a-z_]+)"', "".join(html_bodies(at)))
    assert tiles == [ind.id for ind in PLAN.indicators_in(PLAN.groups[0].id)]
    last = open_page(query={"present": "1", "slide": str(1 + len(PLAN.groups))})
    assert last.title[0].value == f"{PLAN.groups[-1].name.vi} · {latest_year()}"
    assert last.button(key="slide-next").disabled


def test_the_overview_names_how_many_cooperatives_each_population_holds(overview):
    coops = sample_dataset().coops
    this_year = coops[coops["year"] == latest_year()]
    existing = int((this_year["status"] != "Giải thể").sum())
    (note,) = [b for b in html_bodies(overview) if 'class="kpi-note"' in b]
    assert f"{format_number(len(this_year))} HTX trong danh sách năm {latest_year()}" in note
    assert f"{format_number(existing)} HTX chưa giải thể" in note
    # the same count as the card "Số HTX"
    assert existing == core_report(latest_year()).result("cooperatives").assessment.value
