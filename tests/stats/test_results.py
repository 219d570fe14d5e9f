"""Tests of the results kept with each version (kpi/stats/results.py over kpi/store/results.py).

Each runs on a fresh SQLite file and, through scripts/with-postgres.sh, on a fresh PostgreSQL database too.
What is stored and read back is compared with the same figures computed from scratch from the store's rows by
the functions the pages used before (compute_values, build_report, rating_counts, population_counts,
commune_coverage_detail, model_cooperatives): an independent route, not a copy of the output. Whether results
were computed or read back is seen by counting the calls of the indicator engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kpi.domain.plan import MeasureKind
from kpi.stats import results as R
from kpi.stats import scorecard
from kpi.stats.indicators import Engine, commune_coverage_detail
from kpi.stats.report import build_report, compute_values, default_engine
from kpi.stats.sample import sample_files
from kpi.store import results as kept
from kpi.store.versions import Store, open_store
from tests.store.test_versions import OPERATOR, make_workbook, store_url, stored, with_members

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
            if district is not None:
                by_sector = scorecard.rating_counts(data, "sector", year, [district])
                pd.testing.assert_frame_equal(results.rating_counts("sector", year, [district]), by_sector)
        fresh_coverage = commune_coverage_detail(engine, data, coverage, year)
        pd.testing.assert_frame_equal(results.commune_coverage(year), fresh_coverage)
        fresh_models = scorecard.model_cooperatives(engine, data, models, year)
        pd.testing.assert_frame_equal(results.model_cooperatives(year), fresh_models)


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


def test_a_changed_reference_file_or_method_version_recomputes_the_results(
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
