"""The figure builders: titles that say what and which year, traces, Vietnamese numbers, whole-year axes."""

from __future__ import annotations

import json
import shutil
import struct

import pandas as pd
import plotly.graph_objects as go
import pytest

from kpi.stats import charts
from kpi.stats.report import default_plan
from kpi.stats.scorecard import rating_targets
from tests.dashboard_fakes import fake_report, fake_result

# Số HTX: baseline 200 in 2020, 232 in 2024, target 264 in 2025, by hand:
#   progress share (232 - 200) / (264 - 200) = 0,5
#   required rate (264 / 200) ** (1/5) - 1 = 0,05711; expected 2024: 200 * 1,05711 ** 4 = 249,7
#   observed rate (232 / 200) ** (1/4) - 1 = 0,03780; projection 2025: 232 * 1,03780 = 240,8
COOPS = fake_result(
    "cooperatives",
    year=2024,
    value=232.0,
    status="acceleration_needed",
    history={2020: 200.0, 2021: 210.0, 2022: 216.0, 2023: 224.0, 2024: 232.0, 2025: 240.0},
    needed=32.0,
    baseline=200.0,
    baseline_year=2020,
    progress_share=0.5,
    expected_value=249.7,
    projected_value=240.8,
    cagr_required=0.05711,
    cagr_observed=0.03780,
)


def _trace(fig, name):
    return next(tr for tr in fig.data if tr.name == name)


# --- bullet chart --------------------------------------------------------------------------------------


def _bullet_report():
    return fake_report(
        2024,
        [
            COOPS,
            # 800 of a target of 504 is 158,7%: beyond the scale's 150%, achieved
            fake_result(
                "managers",
                value=800.0,
                status="achieved",
                baseline=550.0,
                baseline_year=2020,
                progress_share=-1.0,
            ),
            # lower is better, moved the wrong way: a ceiling has no share, the text gives value and ceiling
            fake_result(
                "weak_share",
                value=30.0,
                status="deterioration",
                baseline=18.0,
                baseline_year=2020,
                progress_share=-4.0,
            ),
            # lower is better and reached: the bar is drawn full
            fake_result("average_share", value=38.0, status="achieved"),
        ],
    )


def test_the_bullet_chart_title_names_the_plan_the_count_and_the_year():
    fig = charts.build_bullet_figure(_bullet_report())
    assert fig.layout.title.text == "<b>17 chỉ tiêu của Kế hoạch 485/KH-UBND so với mục tiêu, năm 2024</b>"
    assert "vạch đen: mức cần có năm 2024" in fig.layout.title.subtitle.text.replace("<br>", " ")
    assert fig.layout.xaxis.title.text.startswith("% mục tiêu đã đạt<br>")


def test_the_bullet_chart_has_one_row_per_indicator_in_plan_order():
    rows = charts.bullet_rows(_bullet_report())
    assert list(rows["id"]) == [ind.id for ind in default_plan().indicators]


def test_a_bullet_bar_is_the_share_of_the_target_as_on_the_cards():
    rows = charts.bullet_rows(_bullet_report()).set_index("id")
    assert rows.loc["cooperatives", "bar"] == pytest.approx(87.879, abs=1e-3)  # 232 / 264
    assert rows.loc["cooperatives", "bar_text"] == "88% · ◆ Cần tăng tốc"
    # expected mark: 249,7 / 264 = 94,58% of the target
    assert rows.loc["cooperatives", "expected"] == pytest.approx(94.58, abs=0.01)
    hover = rows.loc["cooperatives", "hover"]
    assert "Năm 2024: 232 HTX" in hover
    assert "Mục tiêu 2025: 264 HTX" in hover
    assert "Đạt 87,9% mục tiêu" in hover
    # the progress from the base year is there too, but only labelled as such
    assert "Tiến độ từ năm gốc 2020: 50% chặng đường" in hover
    assert "Chưa đến năm mục tiêu" in hover  # the status explained in plain words


def test_a_bar_beyond_the_scale_is_clipped_but_its_text_tells_the_true_share():
    rows = charts.bullet_rows(_bullet_report()).set_index("id")
    assert rows.loc["managers", "bar"] == charts.BULLET_RANGE[1]
    assert rows.loc["managers", "bar_text"] == "159% · ✔ Đã đạt"  # 800 / 504 = 1,587


def test_a_lower_is_better_indicator_shows_its_value_against_the_ceiling():
    rows = charts.bullet_rows(_bullet_report()).set_index("id")
    assert pd.isna(rows.loc["weak_share", "bar"])
    assert rows.loc["weak_share", "bar_text"] == "30,0% / ≤ 15,0% · ✖ Đi lùi"
    assert rows.loc["average_share", "bar"] == 100.0
    assert rows.loc["average_share", "bar_text"] == "38,0% / ≤ 40,0% · ✔ Đã đạt"


def test_derived_targets_are_marked_in_the_labels_and_explained_under_the_chart():
    rows = charts.bullet_rows(_bullet_report()).set_index("id")
    assert rows.loc["weak_share", "label"].endswith("(suy ra)")
    assert "(suy ra)" not in rows.loc["cooperatives", "label"]
    fig = charts.build_bullet_figure(_bullet_report())
    assert "(suy ra): Kế hoạch không ghi con số này" in fig.layout.xaxis.title.text


def test_an_indicator_without_data_has_no_bar_and_says_so():
    rows = charts.bullet_rows(_bullet_report()).set_index("id")
    assert pd.isna(rows.loc["members", "bar"])
    assert rows.loc["members", "bar_text"] == "? Chưa đủ dữ liệu"


def test_the_bullet_chart_uses_vietnamese_separators_and_percent_ticks():
    fig = charts.build_bullet_figure(_bullet_report())
    assert fig.layout.separators == ",."
    assert fig.layout.xaxis.ticksuffix == "%"
    assert fig.layout.xaxis.tickvals is None  # plotly drops the suffix on explicit tick values


def test_the_bullet_chart_in_english():
    fig = charts.build_bullet_figure(_bullet_report(), "en")
    assert fig.layout.title.text == "<b>The 17 indicators of Plan 485/KH-UBND against their targets, 2024</b>"


# --- sparkline and one indicator ------------------------------------------------------------------------


def test_the_sparkline_draws_whole_years_with_vietnamese_hover_texts():
    members = default_plan().indicator("members")
    fig = charts.build_sparkline({2022: 25000.0, 2023: None, 2024: 27379.0}, members)
    line = fig.data[0]
    assert list(line.x) == [2022, 2024]
    assert list(line.customdata) == ["2022: 25.000 người", "2024: 27.379 người"]
    assert fig.layout.xaxis.visible is False


def test_the_sparkline_stops_at_the_chosen_year():
    fig = charts.build_sparkline({2022: 1.0, 2023: 2.0, 2024: 3.0}, upto=2023)
    assert list(fig.data[0].x) == [2022, 2023]


def test_the_indicator_chart_says_what_it_shows_and_up_to_which_year():
    fig = charts.build_indicator_figure(COOPS, default_plan())
    assert fig.layout.title.text == "<b>Số HTX: thực tế so với mục tiêu năm 2025</b>"
    assert fig.layout.title.subtitle.text.replace("<br>", " ").startswith(
        "Số liệu đến năm 2024, đánh giá: cần tăng tốc."
    )
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == "d"


def test_the_indicator_chart_shows_values_up_to_the_report_year_in_vietnamese_format():
    fig = charts.build_indicator_figure(COOPS, default_plan())
    observed = _trace(fig, "Thực tế")
    assert list(observed.x) == [2020, 2021, 2022, 2023, 2024]  # 2025 is after the report's year
    assert list(observed.text) == ["200", "210", "216", "224", "232"]
    assert observed.customdata[-1] == "Thực tế năm 2024: 232 HTX"


def test_the_required_path_is_dashed_from_the_baseline_to_the_target():
    fig = charts.build_indicator_figure(COOPS, default_plan())
    path = _trace(fig, "Lộ trình cần đạt")
    assert path.line.dash == "dash"
    assert (path.x[0], path.x[-1]) == (2020, 2025)
    assert path.y[0] == pytest.approx(200.0)
    assert path.y[-1] == pytest.approx(264.0, abs=0.1)


def test_the_projection_is_dotted_from_the_current_value_to_the_target_year():
    fig = charts.build_indicator_figure(COOPS, default_plan())
    projection = _trace(fig, "Dự báo theo tốc độ hiện nay")
    assert projection.line.dash == "dot"
    assert list(projection.x) == [2024, 2025]
    assert projection.customdata[-1] == "Dự báo năm 2025: 241 HTX"  # 232 × 1,0378 = 240,8


def test_the_target_is_a_star_named_with_its_year_and_value_and_a_dotted_level_line():
    fig = charts.build_indicator_figure(COOPS, default_plan())
    target = _trace(fig, "Mục tiêu 2025: 264 HTX")
    assert (target.x[0], target.y[0]) == (2025, 264.0)
    assert target.marker.symbol == "star"
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1, line.line.dash) == (264.0, 264.0, "dot")


def test_a_percentage_indicator_has_percent_ticks_with_one_decimal_at_most():
    share = fake_result("good_fair_share", value=38.5, history={2023: 36.25, 2024: 38.5})
    fig = charts.build_indicator_figure(share, default_plan())
    assert fig.layout.yaxis.ticksuffix == "%"
    assert fig.layout.yaxis.tickformat == ",.1~f"
    assert list(_trace(fig, "Thực tế").text) == ["36,3", "38,5"]


# --- districts ----------------------------------------------------------------------------------------


def test_district_bars_are_sorted_best_first_with_missing_ones_last():
    ind = default_plan().indicator("members")
    fig = charts.build_district_bar({"Cư Jút": 1200.0, "Gia Nghĩa": 2500.0, "Tuy Đức": None}, ind, 2024)
    bar = fig.data[0]
    assert list(bar.y) == ["Gia Nghĩa", "Cư Jút", "Tuy Đức"]
    assert list(bar.text) == ["2.500 người", "1.200 người", "không có số liệu"]
    assert fig.layout.title.text == "<b>Số thành viên HTX theo huyện, thành phố, năm 2024</b>"


def test_for_a_lower_is_better_share_the_lowest_district_comes_first():
    ind = default_plan().indicator("weak_share")
    fig = charts.build_district_bar({"Cư Jút": 20.0, "Gia Nghĩa": 10.0}, ind, 2024)
    assert list(fig.data[0].y) == ["Gia Nghĩa", "Cư Jút"]


def test_a_share_by_district_shows_the_province_and_the_target_as_reference_lines():
    ind = default_plan().indicator("good_fair_share")
    fig = charts.build_district_bar({"Cư Jút": 50.0, "Gia Nghĩa": 40.0}, ind, 2024, province=46.25)
    assert len(fig.layout.shapes) == 2
    names = [tr.name for tr in fig.data[1:]]
    assert names == ["Toàn tỉnh: 46,3%", "Mục tiêu 2025: 45,0%"]


def test_a_count_by_district_has_no_province_target_line():
    ind = default_plan().indicator("cooperatives")
    fig = charts.build_district_bar({"Cư Jút": 30.0, "Gia Nghĩa": 40.0}, ind, 2024, province=70.0)
    assert len(fig.layout.shapes) == 0 and len(fig.data) == 1


# --- ratings -------------------------------------------------------------------------------------------

RATING_COUNTS = pd.DataFrame(
    {"Tốt": [1, 2], "Khá": [1, 2], "Trung bình": [1, 4], "Yếu": [1, 0], "Chưa xếp loại": [0, 2]},
    index=pd.Index([2023, 2024], name="year"),
)


def test_rating_bars_are_shares_of_the_rated_cooperatives_as_in_the_rating_indicators():
    fig = charts.build_rating_figure(RATING_COUNTS)
    classes = [tr.name for tr in fig.data[:4]]
    assert classes == ["Tốt", "Khá", "Trung bình", "Yếu"]  # the unrated are counted, not drawn
    good = fig.data[0]
    assert list(good.x) == ["2023", "2024"]
    assert list(good.y) == pytest.approx([25.0, 25.0])  # 1 of 4 rated; 2 of 8 rated (2 more unrated)
    assert good.customdata[1] == "<b>2024</b><br>Tốt: 2 HTX (25,0%)"
    assert "đã được xếp loại" in fig.layout.title.subtitle.text
    assert fig.layout.barmode == "stack"
    assert fig.layout.title.text == "<b>Xếp loại HTX đang hoạt động, 2023–2024</b>"


def test_the_rating_targets_form_one_more_hatched_bar():
    fig = charts.build_rating_figure(RATING_COUNTS, targets=rating_targets(default_plan()))
    target_bars = fig.data[4:]
    assert [tr.text[0] for tr in target_bars] == [
        "Tốt, Khá<br>≥ 45%",
        "Trung bình<br>≤ 40%",
        "Yếu<br>≤ 15%<br>(suy ra)",  # the plan only says "reduce" the weak share
    ]
    assert target_bars[0].customdata[0] == "Mục tiêu đến năm 2025: Tốt, Khá ≥ 45% (trên số HTX đã xếp loại)"
    # the weak share's bar is often too thin for its label, so the subtitle says it is derived
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " ")
    assert "Mục tiêu suy ra (Kế hoạch không ghi số): Yếu ≤ 15%." in subtitle
    assert {tr.x[0] for tr in target_bars} == {"Mục tiêu 2025"}
    assert all(tr.marker.pattern.shape == "/" for tr in target_bars)


def test_each_rating_bar_is_labelled_with_the_number_of_cooperatives_behind_it():
    fig = charts.build_rating_figure(RATING_COUNTS, targets=rating_targets(default_plan()))
    assert list(fig.layout.xaxis.ticktext) == [
        "2023<br>4 đã xếp loại<br>0 chưa",
        "2024<br>8 đã xếp loại<br>2 chưa",
        "Mục tiêu 2025",
    ]


def test_ratings_by_sector_are_horizontal_and_name_the_year():
    counts = RATING_COUNTS.rename(index={2023: "Nông nghiệp", 2024: "Vận tải"}).rename_axis("sector")
    fig = charts.build_rating_figure(counts, by="sector", year=2024, targets=rating_targets(default_plan()))
    assert fig.data[0].orientation == "h"
    assert list(fig.layout.yaxis.ticktext) == [
        "Nông nghiệp (4 đã xếp loại · 0 chưa)",
        "Vận tải (8 đã xếp loại · 2 chưa)",
        "Mục tiêu 2025",
    ]
    assert fig.data[4].text[0] == "Tốt, Khá ≥ 45%"  # one line: a horizontal bar is low
    assert fig.layout.title.text == "<b>Xếp loại HTX đang hoạt động theo lĩnh vực, năm 2024</b>"


# --- figures built without plotly's validation ------------------------------------------------------------

_SECTOR_COUNTS = RATING_COUNTS.rename(index={2023: "Nông nghiệp", 2024: "Vận tải"}).rename_axis("sector")
UNVALIDATED = {
    "bullet": lambda lang: charts.build_bullet_figure(_bullet_report(), lang),
    "bullet of a card group": lambda lang: charts.build_bullet_figure(
        _bullet_report(), lang, group_id="scale"
    ),
    "sparkline": lambda lang: charts.build_sparkline(COOPS.history, COOPS.indicator, lang, upto=2024),
    "sparkline without data": lambda lang: charts.build_sparkline({}, None, lang),
    "indicator": lambda lang: charts.build_indicator_figure(COOPS, default_plan(), lang),
    "share by district with its lines": lambda lang: charts.build_district_bar(
        {"Cư Jút": 41.5, "Gia Nghĩa": 60.0, "Tuy Đức": None},
        default_plan().indicator("good_fair_share"),
        2024,
        lang,
        province=52.0,
    ),
    "count by district": lambda lang: charts.build_district_bar(
        {"Cư Jút": 30.0, "Gia Nghĩa": 40.0}, default_plan().indicator("cooperatives"), 2024, lang
    ),
    "ratings by year": lambda lang: charts.build_rating_figure(
        RATING_COUNTS, lang, targets=rating_targets(default_plan())
    ),
    "ratings by sector": lambda lang: charts.build_rating_figure(
        _SECTOR_COUNTS, lang, "sector", 2024, rating_targets(default_plan()), "Gia Nghĩa"
    ),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", sorted(UNVALIDATED))
def test_a_figure_built_without_validation_is_the_one_plotly_validates(kind, lang):
    fig = UNVALIDATED[kind](lang)
    validated = go.Figure(fig.to_dict())  # every property checked and coerced by plotly
    assert json.loads(fig.to_json()) == json.loads(validated.to_json())
    assert fig.layout.template.layout.separators == validated.layout.template.layout.separators == ",."


# --- file names, toolbar and images ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "year", "lang", "expected"),
    [
        (default_plan().indicator("cooperatives"), 2024, "vi", "so-htx-2024.png"),
        ("cooperatives", 2024, "vi", "so-htx-2024.png"),  # an indicator id of the plan
        ("avg_income", 2023, "vi", "thu-nhap-binh-quan-thanh-vien-lao-dong-thuong-xuyen-2023.png"),
        (default_plan().indicator("members"), 2023, "vi", "so-thanh-vien-htx-2023.png"),
        (default_plan().indicator("cooperatives"), 2024, "en", "number-of-cooperatives-2024.png"),
        ("Xếp loại theo huyện Đắk R'lấp", 2025, "vi", "xep-loai-theo-huyen-dak-r-lap-2025.png"),
        ("Tiến độ các chỉ tiêu", None, "vi", "tien-do-cac-chi-tieu.png"),
    ],
)
def test_image_file_names_are_ascii_folded_with_the_year(name, year, lang, expected):
    assert charts.image_file_name(name, year, lang) == expected


def test_the_chart_toolbar_downloads_a_png_at_twice_the_resolution_with_that_name():
    config = charts.chart_config("so-htx-2024.png")
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "so-htx-2024"}
    assert config["displaylogo"] is False


@pytest.mark.browser  # CI must run it (KPI_TEST_REQUIRE): kaleido draws the image in Debian's Chromium
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs the system Chromium")
def test_figure_png_renders_twice_the_figure_size():
    fig = charts.build_sparkline({2022: 1.0, 2024: 3.0})
    png = charts.figure_png(fig, scale=2, width=300)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (600, 140)  # 300 × 70 px at scale 2


def test_a_district_name_with_html_is_drawn_as_text_not_as_a_link():
    ind = default_plan().indicator("cooperatives")
    name = '<a href="http://evil.example">x</a><img src=http://evil.example/t.png>'
    fig = charts.build_district_bar({name: 3.0, "Cư Jút": None}, ind, 2024)
    bar = fig.data[0]
    assert "&lt;a href=&quot;http://evil.example&quot;&gt;" in bar.y[0]
    assert all("<a" not in v and "<img" not in v for v in [*bar.y, *bar.customdata])
