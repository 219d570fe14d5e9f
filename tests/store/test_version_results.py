"""Tests of the results table of the store (kpi/store/results.py, migrations 0005 to 0007) and of the partial reads of
cooperatives (kpi/store/coop_rows.py), on SQLite and, through scripts/with-postgres.sh, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from kpi.store import results as kept
from kpi.store.coop_rows import coop_rows
from kpi.store.versions import Store, open_store
from tests.store.test_versions import OPERATOR, at_revision, make_workbook, store_url, stored, with_members

__all__ = ["store_url"]  # the fixture, shared with the store's tests

STAMP = kept.Stamp("a" * 64, 1)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An opened (migrated) empty store."""
    with open_store(store_url) as opened:
        yield opened


FRAMES = {
    "floats with a blank": pd.DataFrame({"value": [1.5, float("nan"), -2.0]}),
    "whole numbers": pd.DataFrame({"count": pd.Series([0, 3, 2**40], dtype="int64")}),
    "texts with a blank (pandas' str)": pd.DataFrame({"district": pd.Series(["Cư Jút", None], dtype="str")}),
    "objects: None beside texts": pd.DataFrame({"district": pd.Series([None, "Đắk Mil"], dtype=object)}),
    "lists of names in cells": pd.DataFrame({"names": [["HTX A", "=HTX B"], []], "count": [2, 0]}),
    "yes and no": pd.DataFrame({"flag": [True, False]}),
    "no rows": pd.DataFrame({"value": pd.Series(dtype="float64"), "name": pd.Series(dtype="str")}),
}


@pytest.mark.parametrize("frame", FRAMES.values(), ids=FRAMES.keys())
def test_a_frame_written_as_bytes_reads_back_equal_with_its_dtypes(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(kept.frame_from_bytes(kept.frame_to_bytes(frame)), frame)


def test_a_large_frame_is_stored_compressed_and_a_small_one_as_it_is_both_read_back_equal() -> None:
    large = pd.DataFrame({"name": ["HTX Nông nghiệp Hòa Thuận"] * 200_000})  # about 6 MB of text as Arrow
    small = pd.DataFrame({"name": ["HTX Nông nghiệp Hòa Thuận"] * 100})
    for frame, compressed in [(large, True), (small, False)]:
        written = kept.frame_to_bytes(frame)
        text_bytes = len("HTX Nông nghiệp Hòa Thuận".encode()) * len(frame)
        assert (len(written) < text_bytes / 2) is compressed
        pd.testing.assert_frame_equal(kept.frame_from_bytes(written), frame)


def test_results_are_read_back_only_with_the_stamp_they_were_stored_with(store: Store) -> None:
    stored(store, make_workbook(2024))
    (vid,) = kept.version_ids(store, {2024: 1}).values()
    frames = {name: FRAMES[name] for name in ("floats with a blank", "lists of names in cells")}
    kept.store_results(store, vid, frames, STAMP)
    back = kept.load_results(store, [vid], STAMP)
    assert set(back[vid]) == set(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(back[vid][name], frame)
    assert kept.load_results(store, [vid], STAMP, names=["floats with a blank"])[vid].keys() == {
        "floats with a blank"
    }
    assert kept.load_results(store, [vid], kept.Stamp("b" * 64, 1)) == {}
    assert kept.load_results(store, [vid], kept.Stamp("a" * 64, 2)) == {}


def test_storing_results_again_replaces_the_whole_set(store: Store) -> None:
    stored(store, make_workbook(2024))
    (vid,) = kept.version_ids(store, {2024: 1}).values()
    kept.store_results(store, vid, {"old": FRAMES["yes and no"], "both": FRAMES["yes and no"]}, STAMP)
    kept.store_results(store, vid, {"both": FRAMES["whole numbers"]}, STAMP)
    back = kept.load_results(store, [vid], STAMP)[vid]
    assert list(back) == ["both"]
    pd.testing.assert_frame_equal(back["both"], FRAMES["whole numbers"])


def test_removing_the_sample_data_removes_its_results_with_it(store: Store) -> None:
    stored(store, make_workbook(2023), is_sample=True)
    stored(store, make_workbook(2024))
    ids = kept.version_ids(store, {2023: 1, 2024: 1})
    for vid in ids.values():
        kept.store_results(store, vid, {"x": FRAMES["yes and no"]}, STAMP)
    store.delete_sample("kiểm thử", identity=OPERATOR)
    assert set(kept.load_results(store, ids.values(), STAMP)) == {ids[2024]}
    assert [(r["version_id"], r["name"]) for r in store.dump()["version_results"]] == [(ids[2024], "x")]


# --- partial reads of the cooperatives ------------------------------------------------------------------------


def test_reading_some_columns_of_every_year_gives_what_the_whole_dataset_holds(store: Store) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=with_members(40)))
    whole = store.load_dataset().coops
    codes = coop_rows(store, store.current_versions(), columns=["code", "members"])
    assert list(codes.columns) == ["code", "members", "_row", "year"]
    pd.testing.assert_frame_equal(codes, whole[["code", "members", "_row", "year"]])


def test_reading_some_rows_of_some_years_gives_those_rows_whole(store: Store) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024, coops=with_members(40)))
    whole = store.load_dataset().coops
    wanted = {2023: [int(whole["_row"].iloc[0])], 2024: whole.loc[whole["year"] == 2024, "_row"].tolist()[1:]}
    rows = coop_rows(store, store.current_versions(), rows=wanted)
    expected = whole[
        ((whole["year"] == 2023) & whole["_row"].isin(wanted[2023]))
        | ((whole["year"] == 2024) & whole["_row"].isin(wanted[2024]))
    ].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, expected)
    assert len(rows) == 1 + 2
    assert coop_rows(store, store.current_versions(), rows={}).empty


def test_asking_for_a_column_the_sheet_does_not_have_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="password"):
        coop_rows(store, {}, columns=["code", "password"])


def test_a_store_holding_results_as_text_opens_with_them_gone_and_they_are_computed_again(tmp_path) -> None:
    """A database at revision 0005 (results as JSON text) opens at the head with an empty binary results table:
    the results are derived, so a reader computes them again from the rows, which are intact."""
    import sqlalchemy as sa

    from kpi.stats.results import default_stamp, stored_results
    from kpi.store.versions import head_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with open_store(url) as store:
        stored(store, make_workbook(2024))
    text_results = (
        "INSERT INTO version_results (version_id, name, fingerprint, method, computed_at, payload)"
        " VALUES (1, 'values', :f, :m, '2026-11-01', '{\"columns\": []}')",
        {"f": default_stamp().fingerprint, "m": default_stamp().method},
    )
    at_revision(url, "0005", text_results)
    with open_store(url) as store:
        assert store.revision() == head_revision()
        with store.read_transaction() as conn:
            (payload,) = [
                c for c in sa.inspect(conn).get_columns("version_results") if c["name"] == "payload"
            ]
        assert isinstance(payload["type"], sa.LargeBinary)
        assert store.dump()["version_results"] == []
        results = stored_results(store)
        assert results.years == [2024]
        assert {r["name"] for r in store.dump()["version_results"]} >= {
            "values",
            "rating_cells",
            "populations",
        }


def test_the_database_keeps_the_payloads_as_written_without_compressing_them_again(store: Store) -> None:
    # The payloads are compressed already (Arrow with lz4); PostgreSQL compressing a year's register again cost
    # about 0,07 s of every import (migration 0007 sets the column's storage to EXTERNAL: out of line, as is).
    stored(store, make_workbook(2024))
    (vid,) = kept.version_ids(store, {2024: 1}).values()
    frame = pd.DataFrame({"name": [f"HTX Nông nghiệp số {i}" for i in range(20_000)]})
    kept.store_results(store, vid, {"register": frame}, STAMP)
    written = len(kept.frame_to_bytes(frame))
    with store.engine.connect() as conn:
        if store.is_postgres:
            storage = conn.exec_driver_sql(
                "SELECT attstorage FROM pg_attribute"
                " WHERE attrelid = 'version_results'::regclass AND attname = 'payload'"
            ).scalar_one()
            assert storage == "e"  # external: never compressed
            size = "pg_column_size(payload)"
        else:
            size = "length(payload)"
        assert conn.exec_driver_sql(f"SELECT {size} FROM version_results").scalar_one() == written
