"""Year-on-year checks (kpi/stats/year_checks.py): a workbook against the year before, with hand-worked cases.

Every cooperative of the builders has 20 members, 5 workers, 3 managers, a revenue of 1.000 triệu đồng, an
income of 50 and the rating Khá unless a case says otherwise; sheet HTX's header is on row 1, so the n-th
cooperative stands on Excel row n + 1, and its columns are in the template's order (H members, I workers,
J revenue, K profit, L income, M rating, N managers).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.cli import main as cli
from kpi.stats.preview import compare
from kpi.stats.year_checks import load_rules, year_on_year
from kpi.store.versions import open_store
from kpi.workbook.dataset import dataset_from_workbooks
from kpi.workbook.validate import check_bytes, check_file
from tests.builders import coop, group, workbook
from tests.store.test_versions import OPERATOR

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PER_COOP = {"yoy_jump", "yoy_rating"}


def clean(year: int, coops: list[dict]):
    """Return the clean workbook of `year` holding `coops` (and one THT row)."""
    result = check_bytes(workbook(year=year, coops=coops, groups=[group()]))
    assert result.ok, [p.line() for p in result.problems]
    return result.clean


def warnings(before: list[dict], after: list[dict], year: int = 2027):
    """Return the warnings of the workbook of `year` holding `after` against `before` in the year before."""
    return year_on_year(dataset_from_workbooks([clean(year - 1, before)]), clean(year, after))


@pytest.mark.parametrize(
    ("column", "before", "after", "expected"),
    [
        # 10.000 / 1.000 = 10: the factor itself is a warning.
        ("revenue", 1000, 10000, "Mã HTX 'A1': năm 2026 là 1.000, năm 2027 là 10.000 (gấp 10 lần)"),
        ("revenue", 1000, 9999, None),  # 9,999 times: below the factor
        # 100 / 1.000 = 1/10: a fall to a tenth is one too.
        ("revenue", 1000, 100, "Mã HTX 'A1': năm 2026 là 1.000, năm 2027 là 100 (chỉ bằng 1/10)"),
        ("revenue", 1000, 101, None),  # 1.000 / 101 = 9,9: within
        # the issue's slip: 35.704 / 1.000 = 35,704, shown with one decimal.
        ("revenue", 1000, 35704, "Mã HTX 'A1': năm 2026 là 1.000, năm 2027 là 35.704 (gấp 35,7 lần)"),
        # members typed with two zeros too many: 2.000 / 20 = 100, no decimal from 100 on.
        ("members", 20, 2000, "Mã HTX 'A1': năm 2026 là 20, năm 2027 là 2.000 (gấp 100 lần)"),
        # a monthly income typed as yearly the year before: 600 / 50 = 12.
        ("avg_income", 50, 600, "Mã HTX 'A1': năm 2026 là 50, năm 2027 là 600 (gấp 12 lần)"),
        ("managers", 3, 30, "Mã HTX 'A1': năm 2026 là 3, năm 2027 là 30 (gấp 10 lần)"),
        ("workers", 5, 0, None),  # zero has no ratio
        ("revenue", 1000, None, None),  # neither has a blank
        ("profit", 100, 10000, None),  # profit swings and changes sign: not compared
    ],
)
def test_a_figure_beyond_its_factor_from_last_year_is_a_warning_naming_code_column_and_both_values(
    column: str, before: object, after: object, expected: str | None
) -> None:
    found = [
        p
        for p in warnings([coop("A1", **{column: before})], [coop("A1", **{column: after})])
        if p.code in PER_COOP
    ]
    if expected is None:
        assert found == []
        return
    (problem,) = found
    header_letter = {"revenue": "J", "members": "H", "avg_income": "L", "managers": "N"}[column]
    assert (problem.row, problem.cell) == (2, f"{header_letter}2")
    assert problem.message() == f"{expected}; hãy kiểm tra lại số liệu và đơn vị."


def test_cooperatives_rated_in_neither_year_give_no_rating_warning_and_no_error() -> None:
    # a rating column blank in every row keeps a text dtype; ranking it must not subtract texts
    assert [
        p for p in warnings([coop("A1", rating=None)], [coop("A1", rating=None)]) if p.code in PER_COOP
    ] == []


@pytest.mark.parametrize(
    ("before", "after", "levels"),
    [
        ("Khá", "Yếu", 2),  # Khá (2nd) to Yếu (4th)
        ("Tốt", "Yếu", 3),
        ("Yếu", "Khá", 2),  # up as well as down
        ("Khá", "Trung bình", None),  # one class: a usual year
        ("Khá", "Chưa xếp loại", None),  # not rated is no class
    ],
)
def test_a_rating_two_classes_away_from_last_year_is_a_warning(
    before: str, after: str, levels: int | None
) -> None:
    found = [
        p for p in warnings([coop("A1", rating=before)], [coop("A1", rating=after)]) if p.code in PER_COOP
    ]
    if levels is None:
        assert found == []
        return
    (problem,) = found
    assert problem.cell == "M2"
    assert problem.message() == (
        f"Mã HTX 'A1': xếp loại năm 2026 là '{before}', năm 2027 là '{after}' "
        f"(đổi {levels} bậc trong một năm); hãy kiểm tra lại."
    )


def test_cooperatives_gone_without_being_dissolved_are_named_the_dissolved_ones_are_not() -> None:
    before = [coop("A1"), coop("A2", status="Giải thể"), coop("A3", status="Tạm ngừng hoạt động")]
    found = [p for p in warnings(before, [coop("A1")]) if p.code == "yoy_vanished"]
    assert [p.message() for p in found] == [
        "Mã HTX 'A3' (HTX Nông nghiệp Mẫu, Cư Jút) có trong số liệu năm 2026 (Tạm ngừng hoạt động) nhưng không "
        "có trong tệp năm 2027; nếu HTX đã giải thể, hãy giữ dòng của HTX với Tình trạng 'Giải thể'."
    ]


def six(**cells: object) -> list[dict]:
    return [coop(f"A{i}", **cells) for i in range(1, 7)]


def test_the_issues_workbook_three_htx_instead_of_six_and_one_revenue_x100_is_flagged_first_per_htx() -> None:
    # 2026: six HTX, 120 members, revenue 6 × 1.000 = 6.000. 2027: A1, A2, A3 with A1's revenue 100.000:
    # HTX 6 → 3 (−50,0%), members 120 → 60 (−50,0%), revenue 6.000 → 100.000 + 2 × 1.000 = 102.000
    # (102.000 / 6.000 − 1 = +1.600,0%). Coverage 6/6 → 3/3 of operating HTX: unchanged.
    after = [coop("A1", revenue=100000), coop("A2"), coop("A3")]
    found = warnings(six(), after)
    assert [(p.code, p.value if p.code != "yoy_total" else p.params["measure"]["vi"]) for p in found] == [
        ("yoy_jump", 100000.0),
        ("yoy_vanished", "A4"),
        ("yoy_vanished", "A5"),
        ("yoy_vanished", "A6"),
        ("yoy_total", "Số HTX (không kể HTX giải thể)"),
        ("yoy_total", "Tổng số thành viên"),
        ("yoy_total", "Tổng doanh thu"),
    ]
    totals = [p.message() for p in found if p.code == "yoy_total"]
    assert totals[0].startswith(
        "Số HTX (không kể HTX giải thể): năm 2026 là 6, năm 2027 là 3 (−50,0%), thay đổi quá 25% so với năm trước; "
        "lý do của ngưỡng: cả nước tăng khoảng 8-10% mỗi năm"
    )
    assert totals[1].startswith(
        "Tổng số thành viên: năm 2026 là 120, năm 2027 là 60 (−50,0%), thay đổi quá 30%"
    )
    assert totals[2].startswith(
        "Tổng doanh thu: năm 2026 là 6.000, năm 2027 là 102.000 (+1.600,0%), thay đổi quá 50%"
    )
    assert found[-1].message("en").startswith("Total revenue: 6,000 in 2026, 102,000 in 2027 (+1,600.0%)")


@pytest.mark.parametrize(
    ("count_before", "count_after", "change"),
    [
        (4, 5, None),  # +25,0%: the limit itself is no warning
        (4, 6, "+50,0%"),
        (6, 5, None),  # −16,7%
        (8, 5, "−37,5%"),  # 5 / 8 − 1
    ],
)
def test_the_number_of_htx_moving_beyond_a_quarter_is_a_warning(
    count_before: int, count_after: int, change: str | None
) -> None:
    # revenue shared so that its total stays 6.000 triệu đồng; members left blank (a total of 0 is not compared)
    before = [coop(f"A{i}", members=None, revenue=6000 / count_before) for i in range(count_before)]
    after = [coop(f"A{i}", members=None, revenue=6000 / count_after) for i in range(count_after)]
    found = [p for p in warnings(before, after) if p.code == "yoy_total"]
    assert [p.params["change"]["vi"] for p in found] == ([change] if change else [])


@pytest.mark.parametrize(
    ("with_revenue", "expected"),
    [
        (9, None),  # 10/10 = 100% → 9/10 = 90%: a fall of 10 points, the limit itself
        (8, "năm 2026 là 10/10 (100,0%), năm 2027 là 8/10 (80,0%), giảm quá 10 điểm %"),
    ],
)
def test_fewer_operating_htx_giving_a_figure_than_last_year_is_a_warning(
    with_revenue: int, expected: str | None
) -> None:
    # revenue 1.000 each: 10.000 → 8.000 or 9.000 (−20% or −10%): within the 50% of the total
    before = [coop(f"A{i}") for i in range(10)]
    after = [coop(f"A{i}", revenue=1000 if i < with_revenue else None) for i in range(10)]
    found = [p for p in warnings(before, after) if p.code == "yoy_coverage"]
    if expected is None:
        assert found == []
        return
    (problem,) = found
    assert problem.column == "Doanh thu (triệu đồng)"
    assert problem.message().startswith(f"Số HTX đang hoạt động có số liệu ở cột này: {expected}")


def test_without_the_year_before_in_the_store_there_is_nothing_to_compare() -> None:
    data = dataset_from_workbooks([clean(2025, [coop("A1", revenue=1)])])
    assert year_on_year(data, clean(2027, [coop("A1", revenue=1000)])) == []


def test_the_sample_years_follow_each_other_without_a_warning() -> None:
    years = {y: check_file(str(SAMPLE / f"du-lieu-mau-{y}.xlsx")).clean for y in (2024, 2025)}
    assert year_on_year(dataset_from_workbooks([years[2024]]), years[2025]) == []


def test_the_thresholds_are_data_with_their_reasons() -> None:
    rules = load_rules()
    assert {t.id: t.max_change for t in rules.totals} == {"coops": 0.25, "members": 0.30, "revenue": 0.50}
    assert all(t.reason["vi"] and t.reason["en"] for t in rules.totals)
    assert rules.coverage_columns == ("revenue", "profit", "avg_income")


def test_the_preview_of_an_import_carries_the_year_on_year_warnings() -> None:
    before = dataset_from_workbooks([clean(2026, six())])
    preview = compare(before, clean(2027, [coop("A1", revenue=100000), *six()[1:]]))
    assert [(p.code, p.value) for p in preview.year_warnings] == [("yoy_jump", 100000.0), ("yoy_total", None)]
    assert preview.year_compared
    older = dataset_from_workbooks([clean(2025, six())])
    assert not compare(older, clean(2027, six())).year_compared  # 2026 is not there


# --- the command line: check --db and import ----------------------------------------------------------------


@pytest.fixture
def store_2026(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kpi.sqlite'}"
    with open_store(url) as store:
        outcome = store.import_workbook(
            workbook(year=2026, coops=six(), groups=[group()]), "2026.xlsx", None, "Lan", identity=OPERATOR
        )
        assert outcome.ok
    return url


def test_check_with_a_store_prints_the_year_on_year_warnings_first_and_still_exits_0(
    tmp_path: Path, store_2026: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2027.xlsx"
    path.write_bytes(workbook(year=2027, coops=[coop("A1", revenue=100000), *six()[1:]], groups=[group()]))
    assert cli.main(["check", str(path), "--db", store_2026]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Cảnh báo: Sheet 'HTX', dòng 2, cột 'Doanh thu (triệu đồng)', ô J2: Mã HTX 'A1': năm 2026 là 1.000, "
        "năm 2027 là 100.000 (gấp 100 lần); hãy kiểm tra lại số liệu và đơn vị."
    )
    assert out[1].startswith(
        "Cảnh báo: Sheet 'HTX': Tổng doanh thu: năm 2026 là 6.000, năm 2027 là 105.000 (+1.650,0%)"
    )
    assert out[2:] == ["Tệp dùng được: 6 HTX, năm 2027.", "So với số liệu năm 2026 trong kho: 2 cảnh báo."]
    assert cli.main(["check", str(path)]) == 0  # without --db: no comparison
    assert capsys.readouterr().out.splitlines() == ["Tệp dùng được: 6 HTX, năm 2027."]


def test_check_with_a_store_lacking_the_year_before_says_so(
    tmp_path: Path, store_2026: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2025.xlsx"
    path.write_bytes(workbook(year=2025, coops=six(), groups=[group()]))
    assert cli.main(["--lang", "en", "check", str(path), "--db", store_2026]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "The workbook can be used: 6 cooperatives, year 2025.",
        "The store has no data for 2024: no comparison with the year before.",
    ]


def test_import_prints_the_year_on_year_warnings_first_and_stores_the_workbook(
    tmp_path: Path, store_2026: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2027.xlsx"
    path.write_bytes(workbook(year=2027, coops=six()[:3], groups=[group()]))
    assert cli.main(["import", str(path), "--by", "Lan", "--db", store_2026]) == 0
    out = capsys.readouterr().out.splitlines()
    # A4, A5, A6 gone; HTX 6 → 3 and members 120 → 60 (−50%); revenue 6.000 → 3.000 is −50%, the limit itself
    for line, code in zip(out[:3], ("A4", "A5", "A6"), strict=True):
        assert line.startswith(f"Cảnh báo: Sheet 'HTX': Mã HTX '{code}' (HTX Nông nghiệp Mẫu, Cư Jút)")
    assert out[3].startswith(
        "Cảnh báo: Sheet 'HTX': Số HTX (không kể HTX giải thể): năm 2026 là 6, năm 2027 là 3"
    )
    assert out[4].startswith("Cảnh báo: Sheet 'HTX': Tổng số thành viên: năm 2026 là 120, năm 2027 là 60")
    assert not any("Tổng doanh thu" in line for line in out)
    with open_store(store_2026) as store:
        assert store.current_versions() == {2026: 1, 2027: 1}


def test_check_with_a_store_that_cannot_be_reached_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2027.xlsx"
    path.write_bytes(workbook(year=2027, coops=six(), groups=[group()]))
    url = "postgresql+psycopg://kpi@127.0.0.1:1/kpi"  # a closed port
    assert cli.main(["check", str(path), "--db", url]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Lỗi: Không mở được kho dữ liệu (postgresql+psycopg://kpi@127.0.0.1:1/kpi): ")
    assert len(err.splitlines()) == 1


def test_a_real_workbook_is_not_compared_with_sample_data_a_sample_one_is(tmp_path: Path) -> None:
    from kpi.stats.preview import against_store

    url = f"sqlite:///{tmp_path / 'kpi.sqlite'}"
    sample = {y: (SAMPLE / f"du-lieu-mau-{y}.xlsx").read_bytes() for y in (2024, 2025)}
    with open_store(url) as store:
        for data in sample.values():
            assert store.import_workbook(data, "mau.xlsx", None, "Lan", is_sample=True, identity=OPERATOR).ok
        # a real 2026 workbook with a single HTX: the sample 2025 (291 HTX) goes with its import, so nothing
        # is compared and nothing is said of the 290 others
        assert against_store(store, clean(2026, [coop("A1")])) == ([], False)
        # the sample workbook of 2025 is compared with the sample 2024 in the store (a series without a jump)
        assert against_store(store, check_bytes(sample[2025]).clean) == ([], True)
