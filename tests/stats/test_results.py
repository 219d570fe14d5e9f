"""Tests of the results kept with each version (kpi/stats/results.py over kpi/store/results.py).

Each runs on a fresh SQLite file and, through scripts/with-postgres.sh, on a fresh PostgreSQL database too.
What is stored and read back is compared with the same figures computed from scratch from the store's rows by
the functions the pages used before (compute_values, build_report, rating_counts, population_counts,
commune_coverage_detail, model_cooperatives, and the list's order and codes of kpi.stats.coops): an independent route, not a copy of the output. Whether results
were computed or read back is seen by counting the calls of the indicator engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kpi.common.i18n import LANGS
from kpi.domain.plan import MeasureKind
from kpi.stats import coops, scorecard
from kpi.stats import results as R
from kpi.stats.indicators import Engine, commune_coverage_detail
from kpi.stats.quality import QualityTables, year_quality
from kpi.stats.report import build_report, compute_values, default_engine, default_reference
from kpi.stats.sample import sample_files
from kpi.store import results as kept
from kpi.store.versions import Store, open_store
from tests.store.test_versions import BASE_COOPS, OPERATOR, make_workbook, store_url, stored, with_members

__all__ = ["store_url"]  # the fixture, shared with the store's tests


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store that keeps the results of what it imports."""
    with open_store(store_url) as opened:
        yield R.keep_results(opened)


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of the indicator engine (one per year whose results are computed)."""
    calls: list[int] = []
    compute = Engine.compute

    def counted(self, data, by_district=False):
        calls.append(len(data.years))
        return compute(self, data, by_district=by_district)

    monkeypatch.setattr(Engine, "compute", counted)
    return calls


def import_sample(store: Store) -> None:
    """Import the six sample years as the dashboard seeds an empty store."""
    for path in sample_files():
        outcome = store.import_workbook(path.read_bytes(), path.name, None, "kiểm thử", identity=OPERATOR)
        assert outcome.ok, [p.line() for p in outcome.problems]


def plain_values(values: pd.DataFrame) -> pd.DataFrame:
    """Return a long table with a missing district as None and values as float64 (the engine's concat leaves
    None or NaN, object or float, depending on which indicators have values)."""
    district = values["district"].astype(object)
    return values.assign(
        district=district.where(district.notna(), None),
        value=pd.to_numeric(values["value"]).astype("float64"),
    ).reset_index(drop=True)


def assert_same_as_from_scratch(results: R.Results, store: Store) -> None:
    """Assert that every figure the pages read from the results equals the figure computed from the rows."""
    data = store.load_dataset()
    engine = default_engine()
    versions = store.current_versions()
    assert results.years == data.years
    for by_district in (False, True):
        fresh = plain_values(compute_values(data, by_district=by_district))
        pd.testing.assert_frame_equal(plain_values(results.values(by_district)), fresh)
    coverage = scorecard.indicator_of_kind(engine.plan, MeasureKind.COMMUNE_COVERAGE)
    models = scorecard.indicator_of_kind(engine.plan, MeasureKind.DISTRICT_COUNT)
    pd.testing.assert_frame_equal(results.rating_counts("year"), scorecard.rating_counts(data, "year"))
    for year in data.years:
        for by_district in (False, True):
            kept_json = results.report(year, by_district).to_json("vi", by_district)
            assert kept_json == build_report(data, year, by_district).to_json("vi", by_district)
        for by, districts in [("district", engine.districts), ("sector", None)]:
            fresh = scorecard.rating_counts(data, by, year, districts)
            pd.testing.assert_frame_equal(results.rating_counts(by, year, districts), fresh)
        for district in [None, *engine.districts, "Không có huyện này"]:
            fresh = scorecard.population_counts(engine, data, year, district)
            assert results.population_counts(year, district) == fresh
            assert R.stored_population_counts(store, year, versions[year], district) == fresh
            if district is not None:
                by_sector = scorecard.rating_counts(data, "sector", year, [district])
                pd.testing.assert_frame_equal(results.rating_counts("sector", year, [district]), by_sector)
        fresh_coverage = commune_coverage_detail(engine, data, coverage, year)
        pd.testing.assert_frame_equal(results.commune_coverage(year), fresh_coverage)
        fresh_models = scorecard.model_cooperatives(engine, data, models, year)
        pd.testing.assert_frame_equal(results.model_cooperatives(year), fresh_models)
    # The list of cooperatives: each year's register and codes, as kpi.stats.coops makes them from the rows.
    codes = R.stored_codes(store, versions)
    assert sorted(codes) == data.years
    for year in data.years:
        rows = data.coops[data.coops["year"] == year]
        fresh_register = coops.list_order(rows, engine.districts)
        pd.testing.assert_frame_equal(R.stored_register(store, year, versions[year]), fresh_register)
        pd.testing.assert_frame_equal(codes[year], coops.code_rows(rows))


# --- kept at import, read back as computed -------------------------------------------------------------------


def test_the_sample_years_read_back_from_the_store_equal_their_computation_from_scratch(
    store: Store, engine_calls: list[int]
) -> None:
    import_sample(store)
    assert engine_calls == [1] * 6  # each version's results computed once, at its import
    engine_calls.clear()
    results = R.stored_results(store)
    assert engine_calls == []  # read back, not computed
    assert_same_as_from_scratch(results, store)


def test_a_store_opened_again_reads_the_results_kept_without_computing(
    store_url: str, store: Store, engine_calls: list[int]
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=with_members(40)))
    engine_calls.clear()
    with open_store(store_url) as again:  # another process, say: no callback, nothing in memory
        results = R.stored_results(again)
        assert engine_calls == []
        assert_same_as_from_scratch(results, again)


def test_a_version_imported_without_keeping_results_has_them_computed_and_stored_when_first_read(
    store_url: str, engine_calls: list[int]
) -> None:
    with open_store(store_url) as plain:  # no keep_results: as an old checkout imported it
        stored(plain, make_workbook(2024))
        assert engine_calls == []
        first = R.stored_results(plain)
        assert engine_calls == [1]
        second = R.stored_results(plain)
        assert engine_calls == [1]  # stored by the first read
        assert_same_as_from_scratch(first, plain)
        pd.testing.assert_frame_equal(first.values(True), second.values(True))


def test_a_rollback_serves_the_results_kept_with_the_version_made_current(
    store: Store, engine_calls: list[int]
) -> None:
    stored(store, make_workbook(2024))
    stored(store, make_workbook(2024, coops=with_members(40)))
    assert engine_calls == [1, 1]
    members_of_v2 = R.stored_results(store).report(2024).result("members").assessment.value
    store.rollback(2024, 1, "kiểm thử", identity=OPERATOR)
    results = R.stored_results(store)
    assert engine_calls == [1, 1]  # version 1's results were kept at its import
    assert_same_as_from_scratch(results, store)
    # version 1 has 12 + 8 members in its operating cooperatives, version 2 has 40 + 8
    assert (results.report(2024).result("members").assessment.value, members_of_v2) == (20, 48)


def test_a_rollback_to_a_version_without_results_computes_them_at_once(
    store: Store, engine_calls: list[int]
) -> None:
    stored(store, make_workbook(2024))
    stored(store, make_workbook(2024, coops=with_members(40)))
    (v1,) = kept.version_ids(store, {2024: 1}).values()
    kept.delete_results(store, [v1])
    store.rollback(2024, 1, "kiểm thử", identity=OPERATOR)
    assert engine_calls == [1, 1, 1]
    assert kept.load_results(store, [v1], R.default_stamp(), names=()) == {v1: {}}


# --- read when asked (the pages' first visit decodes only what it shows) ------------------------------------


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the kept tables decoded from the store's bytes."""
    calls: list[int] = []
    decode = kept.frame_from_bytes

    def counted(data: bytes) -> pd.DataFrame:
        calls.append(1)
        return decode(data)

    monkeypatch.setattr(kept, "frame_from_bytes", counted)
    return calls


def test_results_read_when_asked_equal_their_computation_from_scratch(store: Store) -> None:
    import_sample(store)
    assert_same_as_from_scratch(R.stored_results(store, lazy=True), store)


def test_results_read_when_asked_decode_only_the_tables_and_years_asked_for(
    store: Store, decoded: list[int]
) -> None:
    import_sample(store)  # six years, each with its five tables
    results = R.stored_results(store, lazy=True)
    assert (results.years, len(decoded)) == ([2020, 2021, 2022, 2023, 2024, 2025], 0)
    results.population_counts(2024)
    assert len(decoded) == 1  # that year's population counts
    results.commune_coverage(2023)
    results.model_cooperatives(2023)
    assert len(decoded) == 3
    results.report(2025)
    assert len(decoded) == 3 + 6  # the values of every year: a report has each indicator's history
    results.report(2021, by_district=True)
    results.population_counts(2024, "Gia Nghĩa")
    results.values()
    assert len(decoded) == 9  # asked for again: nothing decoded again
    results.rating_counts("district", 2024)
    assert len(decoded) == 9 + 6


def test_results_read_when_asked_compute_a_version_without_results_at_once_and_only_once(
    store_url: str, engine_calls: list[int]
) -> None:
    with open_store(store_url) as plain:  # no keep_results: as an old checkout imported it
        stored(plain, make_workbook(2024))
        results = R.stored_results(plain, lazy=True)
        assert engine_calls == [1]  # computed (and stored) when the results were asked for
        results.report(2024, by_district=True)
        results.commune_coverage(2024)
        R.stored_results(plain, lazy=True).report(2024)
        assert engine_calls == [1]  # kept in memory, then read back: never computed again
        assert_same_as_from_scratch(results, plain)


# --- never stale ---------------------------------------------------------------------------------------------


def test_the_same_plan_and_method_read_back_without_computing(store: Store, engine_calls: list[int]) -> None:
    stored(store, make_workbook(2024))
    engine_calls.clear()
    for _ in range(3):
        R.stored_results(store, stamp=R.stamp_of())
    assert engine_calls == []


def test_a_changed_plan_file_recomputes_the_results_and_stores_them_with_its_fingerprint(
    store: Store, engine_calls: list[int], tmp_path: Path
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    engine_calls.clear()
    plan = tmp_path / R.PLAN_FILE.name
    plan.write_text(R.PLAN_FILE.read_text(encoding="utf-8") + "\n# a changed plan file\n", encoding="utf-8")
    changed = R.stamp_of(plan_file=plan)
    assert changed.fingerprint != R.default_stamp().fingerprint
    assert changed.method == R.METHOD_VERSION
    R.stored_results(store, stamp=changed)
    assert engine_calls == [1, 1]  # both years computed again
    R.stored_results(store, stamp=changed)
    assert engine_calls == [1, 1]  # and kept under the new fingerprint
    ids = kept.version_ids(store, store.current_versions()).values()
    assert set(kept.load_results(store, ids, changed, names=())) == set(ids)
    assert kept.load_results(store, ids, R.default_stamp()) == {}  # the old stamp no longer matches


def test_a_changed_reference_file_rules_file_or_method_version_recomputes_the_results(
    store: Store, engine_calls: list[int], tmp_path: Path
) -> None:
    stored(store, make_workbook(2024))
    reference = tmp_path / R.REFERENCE_FILE.name
    reference.write_text(R.REFERENCE_FILE.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    engine_calls.clear()
    R.stored_results(store, stamp=R.stamp_of(reference_file=reference))
    assert engine_calls == [1]
    newer_method = kept.Stamp(R.default_stamp().fingerprint, R.METHOD_VERSION + 1)
    R.stored_results(store, stamp=newer_method)
    assert engine_calls == [1, 1]
    rules = (
        tmp_path / R.RULES_PATH.name
    )  # the thresholds of the year-on-year checks: the quality depends on them
    rules.write_text(R.RULES_PATH.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    R.stored_results(store, stamp=R.stamp_of(rules_file=rules))
    assert engine_calls == [1, 1, 1]


def test_a_version_with_only_part_of_its_results_stale_is_computed_again_whole(
    store: Store, engine_calls: list[int]
) -> None:
    stored(store, make_workbook(2024))
    (vid,) = kept.version_ids(store, {2024: 1}).values()
    with store.write_transaction() as conn:
        table = kept.version_results_table
        conn.execute(table.update().where(table.c.name == R.VALUES).values(fingerprint="an older plan"))
    engine_calls.clear()
    results = R.stored_results(store)
    assert engine_calls == [1]
    assert_same_as_from_scratch(results, store)


# --- the command line ----------------------------------------------------------------------------------------


def test_kpi_report_from_the_store_reads_the_kept_results_and_prints_the_report_of_the_rows(
    store_url: str, store: Store, engine_calls: list[int], capsys: pytest.CaptureFixture
) -> None:
    import json

    from kpi.cli.main import main

    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=with_members(40)))
    engine_calls.clear()
    assert main(["report", "--db", store_url, "--by", "district", "--format", "json"]) == 0
    assert engine_calls == []
    printed = json.loads(capsys.readouterr().out)
    assert printed == build_report(store.load_dataset(), 2024, True).to_json("vi", by_district=True)


def test_a_restored_sample_keeps_its_versions_results_as_an_import_does(
    store: Store, engine_calls: list[int]
) -> None:
    path = sample_files()[-1]
    store.restore_sample("kiểm thử", [store.sample_version(path.read_bytes(), path.name)], identity=OPERATOR)
    assert engine_calls == [1]
    results = R.stored_results(store)
    assert engine_calls == [1]
    assert_same_as_from_scratch(results, store)


def test_a_rollback_to_no_data_leaves_the_year_out_of_the_results_without_computing(
    store: Store, engine_calls: list[int]
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    store.rollback(2024, None, "kiểm thử", identity=OPERATOR)
    results = R.stored_results(store)
    assert (results.years, engine_calls) == ([2023], [1, 1])
    assert_same_as_from_scratch(results, store)


# --- the quality of a year, kept for the version of the year before it was compared with ------------------------


@pytest.fixture
def quality_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the computations of a year's quality (kpi.stats.quality.year_quality, as kpi.stats.results calls it)."""
    calls: list[int] = []
    compute = R.year_quality

    def counted(data, year, reference):
        calls.append(year)
        return compute(data, year, reference)

    monkeypatch.setattr(R, "year_quality", counted)
    return calls


def assert_quality_as_from_scratch(quality: QualityTables, store: Store, year: int) -> None:
    """Assert that a kept quality equals the quality computed now from the two years' rows."""
    versions = store.current_versions()
    data = store.load_dataset({y: v for y, v in versions.items() if y in (year - 1, year)})
    fresh = QualityTables.of(year_quality(data, year, default_reference()))
    assert (quality.year, quality.compared) == (fresh.year, fresh.compared)
    pd.testing.assert_frame_equal(quality.table, fresh.table)
    for lang in LANGS:
        pd.testing.assert_frame_equal(quality.warnings[lang], fresh.warnings[lang])


def quality_names(store: Store, year: int) -> set[str]:
    """Return the names of the quality frames kept with the version in force of `year`."""
    (vid,) = kept.version_ids(store, {year: store.current_versions()[year]}).values()
    return {r["name"] for r in store.dump()["version_results"] if r["version_id"] == vid and "@" in r["name"]}


def test_a_years_quality_is_computed_once_then_read_back_by_any_reader(
    store_url: str, store: Store, quality_calls: list[int]
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=with_members(120)))
    first = R.stored_quality(store, 2024, store.current_versions())
    assert quality_calls == [2024]
    with open_store(store_url) as again:  # another process, say
        second = R.stored_quality(again, 2024, again.current_versions())
    assert quality_calls == [2024]
    assert_quality_as_from_scratch(second, store, 2024)
    english = R.stored_quality(
        store, 2024, store.current_versions(), ("en",)
    )  # a page in English reads only it
    assert list(english.warnings) == ["en"] and quality_calls == [2024]
    pd.testing.assert_frame_equal(english.warnings["en"], second.warnings["en"])
    assert english.warning_count == second.warning_count
    pd.testing.assert_frame_equal(first.warnings["vi"], second.warnings["vi"])
    # 6400001 went from 12 members to 120: tenfold, the factor of the yearly jump check
    assert second.compared and second.warning_count >= 1
    assert second.warnings["vi"].astype("str").apply(lambda r: r.str.contains("6400001").any(), axis=1).any()


def test_a_new_version_of_the_year_before_has_the_quality_computed_again_and_the_old_one_removed(
    store: Store, quality_calls: list[int]
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    same = R.stored_quality(store, 2024, store.current_versions())
    assert (same.compared, same.warning_count) == (True, 0)  # the same cooperatives and figures both years
    before = quality_names(store, 2024)
    stored(store, make_workbook(2023, coops=with_members(120)), name="2023-b.xlsx")  # 120 to 12: a tenth
    changed = R.stored_quality(store, 2024, store.current_versions())
    assert quality_calls == [2024, 2024]
    assert changed.warning_count >= 1
    assert_quality_as_from_scratch(changed, store, 2024)
    after = quality_names(store, 2024)
    assert len(before) == len(after) == len(QualityTables.NAMES) and not before & after


def test_without_the_year_before_the_quality_is_kept_as_not_compared(
    store: Store, quality_calls: list[int]
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=with_members(120)))
    store.rollback(2023, None, "kiểm thử", identity=OPERATOR)
    quality = R.stored_quality(store, 2024, store.current_versions())
    assert (quality.compared, quality.warning_count) == (False, 0)
    assert_quality_as_from_scratch(quality, store, 2024)
    assert R.stored_quality(store, 2024, store.current_versions()).compared is False
    assert quality_calls == [2024]


def test_results_of_the_version_computed_again_drop_its_kept_quality(store: Store) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    R.stored_quality(store, 2024, store.current_versions())
    (vid,) = kept.version_ids(store, {2024: 1}).values()
    kept.store_results(store, vid, {R.VALUES: pd.DataFrame({"value": [1.0]})}, R.default_stamp())
    assert quality_names(store, 2024) == set()


# --- every year's codes, one index per set of versions ---------------------------------------------------------


def code_index_frames(store: Store) -> set[tuple[int, str]]:
    """Return (version id, name) of every code index kept in the store."""
    return {
        (r["version_id"], r["name"])
        for r in store.dump()["version_results"]
        if r["name"].startswith(R.CODE_INDEX)
    }


def expected_rows(store: Store) -> dict[str, dict[int, list[int]]]:
    """Return {code: {year: Excel rows}} of the versions in force, from the store's rows by plain pandas."""
    rows = store.load_dataset(store.current_versions()).coops
    return {
        code: {int(y): sorted(int(r) for r in g["_row"]) for y, g in per_code.groupby("year")}
        for code, per_code in rows.groupby("code")
    }


def test_every_years_codes_are_kept_as_one_index_made_once_then_read_back(
    store_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=BASE_COOPS[:2]))  # fewer cooperatives in 2024
    expected = expected_rows(store)
    made = R.stored_code_index(store, store.current_versions())
    assert len(code_index_frames(store)) == 1
    monkeypatch.setattr(R, "stored_codes", lambda *a, **k: pytest.fail("made again instead of read"))
    with open_store(store_url) as again:  # another process, say
        read = R.stored_code_index(again, again.current_versions())
    for index in (made, read):
        assert index.years == (2023, 2024)
        assert {code: index.rows_of(code) for code in expected} == expected
        spans = index.years_present(pd.Series(list(expected)))
        assert spans.tolist() == [len(years) for years in expected.values()]


def test_a_new_version_makes_a_new_index_and_the_one_of_the_old_set_is_removed(store: Store) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    R.stored_code_index(store, store.current_versions())
    before = code_index_frames(store)
    stored(store, make_workbook(2024, coops=BASE_COOPS[:1]), name="2024-b.xlsx")  # one cooperative left
    index = R.stored_code_index(store, store.current_versions())
    after = code_index_frames(store)
    assert len(before) == len(after) == 1 and not before & after
    gone = BASE_COOPS[1][0]  # its code: in 2023 only, now
    assert index.rows_of(gone) == expected_rows(store)[gone] and list(index.rows_of(gone)) == [2023]
