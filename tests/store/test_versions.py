"""Tests of the versioned store (kpi/store/versions.py, kpi/store/migrations/).

Every test runs on a fresh SQLite file, and also on a fresh database of a real PostgreSQL server when
KPI_TEST_POSTGRES_URL is set (scripts/with-postgres.sh sets it); those runs are marked `postgres`.
Workbooks are built here with kpi.workbook.writer.write_workbook from small hand-made tables.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

import kpi.store.versions as store_module
from kpi.common.access import command_line
from kpi.domain.places import load_reference
from kpi.stats.report import build_report
from kpi.store.versions import Action, Status, Store, StoreBusy, StoreError, head_revision, open_store
from kpi.workbook.contract import COOP, GROUP
from kpi.workbook.dataset import dataset_from_workbooks
from kpi.workbook.reader import WorkbookUnreadable, read_workbook
from kpi.workbook.validate import validate_workbook
from kpi.workbook.writer import workbook_bytes

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("KPI_TEST_POSTGRES_URL")

# --- workbooks ----------------------------------------------------------------------------------------------

BASE_COOPS = [
    # code, name, district, commune, sector, founded, status, members, workers, revenue, profit, income, rating,
    # managers, vocational, higher, ocop, value chain, model
    ("6400001", "HTX Nông nghiệp Nghĩa Đức", "Gia Nghĩa", "Nghĩa Đức", "Nông nghiệp", 2010, "Đang hoạt động",
     12, 5, 1500.5, 120.0, 60.0, "Tốt", 3, 1, 2, 1, True, True),
    ("6400002", "-HTX Vận tải Ea Pô", "Cư Jút", "Ea Pô", "Vận tải", 2016, "Đang hoạt động",
     8, 4, 800.0, -15.5, 45.0, "Khá", 2, 1, 0, 0, False, False),
    ("=SUM(A1:A3)", "@HTX Dịch vụ", "Đắk Mil", "Đức Mạnh", None, None, "Tạm ngừng hoạt động",
     None, None, None, None, None, None, None, None, None, None, None, False),
]  # fmt: skip
BASE_GROUPS = [("Gia Nghĩa", 5, 2), ("Cư Jút", 3, 3)]

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def coops_frame(rows: list[tuple] = BASE_COOPS) -> pd.DataFrame:
    """Return a table of cooperatives under the column ids of sheet HTX."""
    return pd.DataFrame(rows, columns=COOP.ids)


def make_workbook(
    year: int = 2024,
    coops: list[tuple] = BASE_COOPS,
    groups: list[tuple] | None = BASE_GROUPS,
    unit: str = "Sở Kế hoạch và Đầu tư",
    fund: float | None = 1000.0,
) -> bytes:
    """Return the bytes of a statistics workbook in the template's format."""
    return _cached_workbook(year, tuple(coops), None if groups is None else tuple(groups), unit, fund)


@cache
def _cached_workbook(year, coops, groups, unit, fund) -> bytes:
    return workbook_bytes(
        info={"year": year, "reporting_unit": unit, "fund_capital": fund},
        coops=coops_frame(list(coops)),
        groups=None if groups is None else pd.DataFrame(list(groups), columns=GROUP.ids),
        reference=_reference(),
    )


@cache
def _reference():
    return load_reference()


def with_members(members: float) -> list[tuple]:
    """Return the base cooperatives with the first one's members changed (another file of the same year)."""
    first = list(BASE_COOPS[0])
    first[COOP.ids.index("members")] = members
    return [tuple(first), *BASE_COOPS[1:]]


def direct_dataset(*workbooks: bytes):
    """Return the Dataset of workbooks read directly, as `report FILE...` does."""
    clean = [validate_workbook(read_workbook(w), _reference()).clean for w in workbooks]
    return dataset_from_workbooks(clean)


def report_json(dataset, year: int) -> dict:
    """Return the report of a year, by district, as JSON."""
    return build_report(dataset, year=year, by_district=True).to_json("vi", by_district=True)


# --- stores -------------------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a new SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'kpi.sqlite'}"
        return
    if not POSTGRES_URL:
        pytest.skip("KPI_TEST_POSTGRES_URL is not set (run through scripts/with-postgres.sh)")
    admin_url = sa.make_url(POSTGRES_URL)
    name = f"kpi_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An opened (migrated) empty store."""
    with open_store(store_url) as opened:
        yield opened


def stored(store: Store, data: bytes, name: str = "hop-tac-xa-2024.xlsx", **kw) -> store_module.ImportOutcome:
    """Import a workbook that must be stored; return the outcome."""
    kw.setdefault("year", None)
    kw.setdefault("by", "Nguyễn Thị Lan")
    outcome = store.import_workbook(data, name, **kw, identity=OPERATOR)
    assert outcome.status == Status.STORED, [p.line() for p in outcome.problems]
    return outcome


def at_revision(url: str, revision: str, *statements: tuple[str, dict]) -> None:
    """Move the database at `url` to the migration `revision` (up or down), then run the SQL `statements`
    ((text, parameters) pairs) there: a store as an older checkout left it."""
    from alembic import command

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            config = store_module._alembic_config(conn)
            current = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
            ).first()
            if current is None:
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
            for sql, parameters in statements:
                conn.execute(sa.text(sql), parameters)
    finally:
        engine.dispose()


# --- opening and migrations ---------------------------------------------------------------------------------


def test_opening_a_new_sqlite_file_creates_its_folder_and_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "data" / "store" / "kpi.sqlite"
    with open_store(f"sqlite:///{path}") as store:
        assert path.is_file()
        assert store.revision() == head_revision()
        assert store.current_versions() == {}


def test_the_database_url_comes_from_kpi_database_url_when_none_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv("KPI_DATABASE_URL", f"sqlite:///{path}")
    with open_store() as store:
        assert store.url == f"sqlite:///{path}"
    assert path.is_file()


def test_the_default_database_is_a_git_ignored_sqlite_file_under_data() -> None:
    from kpi.common.settings import load_settings

    url = load_settings({}).database_url
    assert url == f"sqlite:///{ROOT / 'data' / 'store' / 'kpi.sqlite'}"
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/store/kpi.sqlite"], cwd=ROOT, check=False)
    assert ignored.returncode == 0


def test_a_plain_postgresql_url_uses_the_installed_psycopg_driver() -> None:
    engine = store_module.create_engine("postgresql://kpi@127.0.0.1:5432/kpi")
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


def test_the_migrated_tables_have_the_columns_the_schema_declares(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    columns = {
        t: [c["name"] for c in inspector.get_columns(t)]
        for t in ("stats_info", "stats_coops", "stats_groups")
    }
    assert columns["stats_coops"] == ["version_id", "_row", *COOP.ids]
    assert columns["stats_groups"] == ["version_id", "_row", *GROUP.ids]
    assert columns["stats_info"] == ["version_id", "reporting_unit", "fund_capital"]
    for table in store_module.metadata.sorted_tables:
        assert [c["name"] for c in inspector.get_columns(table.name)] == [c.name for c in table.columns]


def test_opening_the_store_again_keeps_its_data_and_revision(store_url: str) -> None:
    with open_store(store_url) as first:
        stored(first, make_workbook())
    with open_store(store_url) as again:
        assert again.revision() == head_revision()
        assert again.current_versions() == {2024: 1}


# --- import -------------------------------------------------------------------------------------------------


def test_an_import_stores_version_1_of_its_year_with_who_when_and_what(store: Store) -> None:
    data = make_workbook()
    before = pd.Timestamp.now(tz="UTC")
    outcome = store.import_workbook(
        data, "htx-2024.xlsx", 2024, " Nguyễn Thị Lan ", note="Số liệu chính thức", identity=OPERATOR
    )
    assert (outcome.status, outcome.year, outcome.version, outcome.row_counts) == (
        Status.STORED,
        2024,
        1,
        {"coops": 3, "groups": 2},
    )
    assert outcome.message() == "Đã lưu số liệu năm 2024, phiên bản 1 (3 HTX, 2 dòng THT)."
    assert outcome.message("en") == "Stored the data of 2024 as version 1 (3 cooperatives, 2 THT rows)."
    [version] = store.versions(2024)
    assert version.imported_by == "Nguyễn Thị Lan"
    assert version.note == "Số liệu chính thức"
    assert version.file_name == "htx-2024.xlsx"
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.row_counts == {"coops": 3, "groups": 2}
    assert (version.version, version.current, version.is_sample) == (1, True, False)
    assert before <= pd.Timestamp(version.imported_at) <= pd.Timestamp.now(tz="UTC")
    assert store.current_versions() == {2024: 1}
    assert store.years() == [2024]


def test_the_stored_rows_keep_their_types_values_and_excel_rows(store: Store) -> None:
    stored(store, make_workbook())
    clean = store.load_version(2024)
    coops = clean.coops
    assert coops["_row"].tolist() == [2, 3, 4]
    assert coops["code"].tolist() == ["6400001", "6400002", "=SUM(A1:A3)"]
    assert coops["name"].tolist()[1:] == ["-HTX Vận tải Ea Pô", "@HTX Dịch vụ"]
    assert str(coops["members"].dtype) == "float64"
    assert coops["members"].tolist()[:2] == [12.0, 8.0] and pd.isna(coops["members"].iloc[2])
    assert coops["profit"].tolist()[:2] == [120.0, -15.5]
    assert str(coops["value_chain"].dtype) == "boolean"
    assert coops["value_chain"].tolist()[:2] == [True, False] and coops["value_chain"].isna().iloc[2]
    assert str(coops["sector"].dtype) == "str" and coops["sector"].isna().iloc[2]
    assert clean.groups[["district", "groups", "certified", "_row"]].values.tolist() == [
        ["Gia Nghĩa", 5.0, 2.0, 2],
        ["Cư Jút", 3.0, 3.0, 3],
    ]
    assert clean.info == {"year": 2024, "reporting_unit": "Sở Kế hoạch và Đầu tư", "fund_capital": 1000.0}


def test_the_same_file_imported_again_creates_no_version_and_says_so(store: Store) -> None:
    data = make_workbook()
    stored(store, data, name="lan-1.xlsx")
    before = store.dump()
    again = store.import_workbook(data, "lan-1 (copy).xlsx", 2024, "Trần Văn Minh", identity=OPERATOR)
    assert (again.status, again.version, again.ok) == (Status.DUPLICATE, 1, True)
    assert again.message() == "Tệp này đã được nhập cho năm 2024 (phiên bản 1); không tạo phiên bản mới."
    assert store.dump() == before


def test_a_second_file_of_the_year_becomes_version_2_and_the_first_stays(store: Store) -> None:
    stored(store, make_workbook())
    second = stored(store, make_workbook(coops=with_members(40)))
    assert second.version == 2
    assert store.current_versions() == {2024: 2}
    assert [(v.version, v.current) for v in store.versions(2024)] == [(1, False), (2, True)]
    assert store.load_version(2024, 1).coops["members"].iloc[0] == 12.0
    assert store.load_version(2024).coops["members"].iloc[0] == 40.0
    assert store.load_dataset().coops["members"].iloc[0] == 40.0


def test_each_year_has_its_own_version_numbers(store: Store) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    stored(store, make_workbook(2024, coops=with_members(30)))
    assert store.current_versions() == {2023: 1, 2024: 2}
    assert store.years() == [2023, 2024]


def test_a_year_given_that_differs_from_the_workbook_is_refused_naming_both(store: Store) -> None:
    outcome = store.import_workbook(make_workbook(2024), "htx.xlsx", 2023, "Lan", identity=OPERATOR)
    assert outcome.status == Status.REJECTED
    assert [p.line() for p in outcome.errors] == [
        "Lỗi: Sheet 'Thông tin', dòng 2, cột 'Năm báo cáo', ô B2: Năm báo cáo trong tệp là 2024, khác với năm đã chọn 2023."
    ]
    assert store.current_versions() == {}


def test_a_file_above_the_size_limit_is_refused_with_its_size(store_url: str) -> None:
    with open_store(store_url, max_file_mb=1) as store:
        outcome = store.import_workbook(
            b"x" * (3 * 1024 * 1024 // 2), "big.xlsx", None, "Lan", identity=OPERATOR
        )
    assert outcome.status == Status.REJECTED
    assert [p.line() for p in outcome.problems] == ["Lỗi: Tệp nặng 1,5 MB, vượt giới hạn 1 MB."]


def test_a_sheet_above_the_row_limit_is_refused_with_its_row_count(store_url: str) -> None:
    with open_store(store_url, max_rows=2) as store:
        outcome = store.import_workbook(make_workbook(), "htx.xlsx", None, "Lan", identity=OPERATOR)
    assert outcome.status == Status.REJECTED
    assert [p.line() for p in outcome.problems] == [
        "Lỗi: Sheet 'HTX': Sheet có 3 dòng, vượt giới hạn 2 dòng."
    ]


def test_the_limits_come_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_MAX_FILE_MB", "7")
    monkeypatch.setenv("KPI_MAX_ROWS", "500")
    with open_store(f"sqlite:///{tmp_path / 'kpi.sqlite'}") as store:
        assert (store.max_file_mb, store.max_rows) == (7, 500)


def _negative_members() -> list[tuple]:
    row = list(BASE_COOPS[0])
    row[COOP.ids.index("members")] = -3
    return [tuple(row), *BASE_COOPS[1:]]


def _repeated_code() -> list[tuple]:
    return [BASE_COOPS[0], BASE_COOPS[0], BASE_COOPS[1]]


def _no_cooperative_sheet() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.load_workbook(io.BytesIO(make_workbook()))
    del book["HTX"]
    book.save(buffer)
    return buffer.getvalue()


REJECTED_CASES = {
    "negative_members": (lambda: make_workbook(coops=_negative_members()), {}, {}, "negative"),
    "repeated_code": (lambda: make_workbook(coops=_repeated_code()), {}, {}, "duplicate_code"),
    "missing_sheet": (_no_cooperative_sheet, {}, {}, "missing_sheet"),
    "other_year": (lambda: make_workbook(2023), {"year": 2024}, {}, "year_mismatch"),
    "too_large": (lambda: make_workbook(2023), {}, {"max_file_mb": 0.001}, "too_large"),
    "too_many_rows": (lambda: make_workbook(2023), {}, {"max_rows": 1}, "too_many_rows"),
    "no_importer_name": (lambda: make_workbook(2023), {"by": "  "}, {}, "importer_required"),
}


@pytest.mark.parametrize("case", REJECTED_CASES, ids=str)
def test_a_rejected_workbook_leaves_the_store_exactly_as_it_was(store_url: str, case: str) -> None:
    build, import_kw, limits, code = REJECTED_CASES[case]
    with open_store(store_url) as first:
        stored(first, make_workbook(2024, coops=BASE_COOPS[:2]))
    assert_rejected_unchanged(store_url, limits, build(), f"{case}.xlsx", code, **import_kw)


def assert_rejected_unchanged(store_url: str, limits: dict, data: bytes, name: str, code: str, **kw) -> None:
    """Import `data` into the store of `store_url` opened with `limits`: it is rejected with a problem of
    `code`, and the store's dump is the same after as before."""
    with open_store(store_url, **limits) as store:
        before = store.dump()
        outcome = store.import_workbook(data, name, **{"year": None, "by": "Lan", **kw}, identity=OPERATOR)
        assert outcome.status == Status.REJECTED
        assert code in {p.code for p in outcome.errors}
        assert store.dump() == before


def test_a_file_that_is_no_workbook_raises_unreadable_and_leaves_the_store_unchanged(store: Store) -> None:
    stored(store, make_workbook())
    before = store.dump()
    with pytest.raises(WorkbookUnreadable):
        store.import_workbook(b"Ma HTX;Ten HTX\n1;A\n", "htx.csv", None, "Lan", identity=OPERATOR)
    assert store.dump() == before


def test_a_crash_while_writing_leaves_the_store_exactly_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored(store, make_workbook())
    before = store.dump()
    real_insert = store_module.insert_frame

    def insert_then_crash(conn, table, frame, version_id):
        real_insert(conn, table, frame, version_id)
        if table.name == "stats_coops":
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "insert_frame", insert_then_crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.import_workbook(make_workbook(coops=with_members(99)), "b.xlsx", None, "Lan", identity=OPERATOR)
    assert store.dump() == before


KILLED_IMPORT = """
import sys, time
import kpi.store.versions as st
from kpi.common.access import command_line

real_insert = st.insert_frame

def insert_then_hang(conn, table, frame, version_id):
    real_insert(conn, table, frame, version_id)
    if table.name == "stats_coops":
        print("rows written, not committed", flush=True)
        time.sleep(120)

st.insert_frame = insert_then_hang
store = st.open_store(sys.argv[1])
store.import_workbook(open(sys.argv[2], "rb").read(), "second.xlsx", None, "Lan", identity=command_line("kiem-thu"))
print("committed", flush=True)
"""


def test_an_import_killed_part_way_leaves_the_previous_version_current(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    stored(store, make_workbook())
    before = store.dump()
    second = tmp_path / "second.xlsx"
    second.write_bytes(make_workbook(coops=with_members(77)))
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_IMPORT, store_url, str(second)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "rows written, not committed", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    with open_store(store_url, lock_timeout=10) as after:
        assert after.current_versions() == {2024: 1}
        assert after.dump() == before
        assert stored(after, second.read_bytes()).version == 2  # the lock was released with the dead process


# --- concurrency --------------------------------------------------------------------------------------------


def test_an_import_that_cannot_get_the_lock_in_time_is_told_to_try_again(store_url: str) -> None:
    with open_store(store_url) as holder, open_store(store_url, lock_timeout=0.3) as store:
        stored(store, make_workbook())
        before = store.dump()
        with holder.write_transaction():
            started = time.monotonic()
            outcome = store.import_workbook(
                make_workbook(coops=with_members(5)), "b.xlsx", None, "Lan", identity=OPERATOR
            )
            waited = time.monotonic() - started
        assert outcome.status == Status.BUSY
        assert (
            outcome.message()
            == "Đang có người khác nhập dữ liệu, hãy thử lại sau ít phút; chưa có gì được lưu."
        )
        assert 0.25 <= waited < 5
        assert store.dump() == before
        with holder.write_transaction(), pytest.raises(StoreBusy):
            store.rollback(2024, 1, "Lan", identity=OPERATOR)


def _import_together(store_url: str, files: list[bytes], monkeypatch: pytest.MonkeyPatch) -> list:
    """Import the files from one thread each, all starting at once; return the outcomes in file order."""
    real_insert = store_module.insert_frame

    def slow_insert(conn, table, frame, version_id):
        real_insert(conn, table, frame, version_id)
        time.sleep(0.2)  # widen the window in which unserialised writers would interleave

    monkeypatch.setattr(store_module, "insert_frame", slow_insert)
    stores = [open_store(store_url) for _ in files]
    barrier = threading.Barrier(len(files))
    outcomes: list = [None] * len(files)

    def run(i: int) -> None:
        barrier.wait()
        outcomes[i] = stores[i].import_workbook(
            files[i], f"file-{i}.xlsx", 2024, f"Người {i}", identity=OPERATOR
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for s in stores:
        s.close()
    return outcomes


def test_two_imports_at_the_same_time_are_serialised_into_versions_1_and_2(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [make_workbook(coops=with_members(100)), make_workbook(coops=with_members(200))]
    outcomes = _import_together(store_url, files, monkeypatch)
    assert sorted(o.version for o in outcomes) == [1, 2]
    assert all(o.status == Status.STORED for o in outcomes)
    with open_store(store_url) as store:
        for outcome, members in zip(outcomes, (100.0, 200.0), strict=True):
            clean = store.load_version(2024, outcome.version)
            assert (len(clean.coops), clean.coops["members"].iloc[0]) == (3, members)
            assert len(clean.groups) == 2
        last = next(o for o in outcomes if o.version == 2)
        assert store.current_versions() == {2024: 2}
        assert store.history()["by"].tolist() == _by_in_version_order(outcomes)
        assert store.load_dataset().coops["members"].iloc[0] == (100.0, 200.0)[outcomes.index(last)]


def _by_in_version_order(outcomes: list) -> list[str]:
    return [f"Người {i}" for i, _ in sorted(enumerate(outcomes), key=lambda pair: pair[1].version)]


def test_the_same_file_imported_twice_at_the_same_time_is_stored_once(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_workbook()
    outcomes = _import_together(store_url, [data, data], monkeypatch)
    assert sorted(o.status.value for o in outcomes) == ["duplicate", "stored"]
    assert {o.version for o in outcomes} == {1}
    with open_store(store_url) as store:
        assert [v.version for v in store.versions(2024)] == [1]


# --- rollback and history -----------------------------------------------------------------------------------


def test_rollback_makes_an_earlier_version_current_and_is_an_event(store: Store) -> None:
    stored(store, make_workbook(), name="v1.xlsx")
    stored(store, make_workbook(coops=with_members(40)), name="v2.xlsx")
    outcome = store.rollback(2024, 1, "Trần Văn Minh", note="v2 sai số thành viên", identity=OPERATOR)
    assert (outcome.version, outcome.previous, outcome.changed) == (1, 2, True)
    assert outcome.message() == "Năm 2024: phiên bản 1 là phiên bản đang dùng (trước đó: phiên bản 2)."
    assert store.current_versions() == {2024: 1}
    assert store.load_dataset().coops["members"].iloc[0] == 12.0
    history = store.history()
    assert history["action"].tolist() == ["import", "import", "rollback"]
    assert history.iloc[-1][["version", "by", "note", "previous_version"]].tolist() == [
        1,
        "Trần Văn Minh",
        "v2 sai số thành viên",
        2,
    ]
    assert [v.version for v in store.versions(2024)] == [1, 2]  # nothing is deleted
    assert stored(store, make_workbook(coops=with_members(50))).version == 3


def test_the_records_of_the_versions_in_force_are_those_of_each_years_current_version(store: Store) -> None:
    stored(store, make_workbook(2022), name="2022.xlsx")
    stored(store, make_workbook(2023), name="2023-v1.xlsx")
    stored(store, make_workbook(2023, coops=with_members(40)), name="2023-v2.xlsx", by="Lan")
    stored(store, make_workbook(2024), name="2024.xlsx")
    store.rollback(2024, None, "Lan", identity=OPERATOR)  # 2024 has no version in force
    infos = store.current_version_infos()
    assert [(i.year, i.version, i.file_name, i.imported_by, i.current) for i in infos] == [
        (2022, 1, "2022.xlsx", "Nguyễn Thị Lan", True),
        (2023, 2, "2023-v2.xlsx", "Lan", True),
    ]
    assert infos == [v for year in (2022, 2023) for v in store.versions(year) if v.current]
    assert store.current_version_infos("tasks") == []


def test_rolling_back_to_the_current_version_changes_nothing(store: Store) -> None:
    stored(store, make_workbook())
    before = store.dump()
    outcome = store.rollback(2024, 1, "Lan", identity=OPERATOR)
    assert (outcome.changed, outcome.message()) == (
        False,
        "Năm 2024: phiên bản 1 đã là phiên bản đang dùng; không có gì thay đổi.",
    )
    assert store.dump() == before


@pytest.mark.parametrize(
    ("year", "version", "message"),
    [
        (2024, 5, "Năm 2024 không có phiên bản 5; các phiên bản có: 1, 2."),
        (2019, 1, "Kho dữ liệu chưa có số liệu năm 2019; các năm có: 2024."),
    ],
)
def test_rollback_to_a_version_that_does_not_exist_is_refused(
    store: Store, year: int, version: int, message: str
) -> None:
    stored(store, make_workbook())
    stored(store, make_workbook(coops=with_members(40)))
    before = store.dump()
    with pytest.raises(StoreError) as caught:
        store.rollback(year, version, "Lan", identity=OPERATOR)
    assert caught.value.problem.message() == message
    assert store.dump() == before


def test_the_history_lists_every_event_and_can_be_filtered_by_year(store: Store) -> None:
    data_2023 = make_workbook(2023)
    stored(store, data_2023, name="2023.xlsx", by="An", note="đầu tiên")
    stored(store, make_workbook(2024), name="2024.xlsx", by="Bình")
    stored(store, make_workbook(2024, coops=with_members(40)), name="2024b.xlsx", by="Chi")
    store.rollback(2024, 1, "Dũng", identity=OPERATOR)
    history = store.history()
    table = history[["action", "year", "version", "by", "file_name", "current"]]
    assert table.astype(object).where(table.notna(), None).values.tolist() == [
        ["import", 2023, 1, "An", "2023.xlsx", True],
        ["import", 2024, 1, "Bình", "2024.xlsx", True],
        ["import", 2024, 2, "Chi", "2024b.xlsx", False],
        ["rollback", 2024, 1, "Dũng", None, True],
    ]
    first = history.iloc[0]
    assert (first["note"], first["sha256"], first["row_counts"]) == (
        "đầu tiên",
        hashlib.sha256(data_2023).hexdigest(),
        {"coops": 3, "groups": 2},
    )
    assert store.history(year=2023)["file_name"].tolist() == ["2023.xlsx"]
    assert history["event"].is_monotonic_increasing and history["at"].is_monotonic_increasing


# --- reading for the KPIs, export ---------------------------------------------------------------------------


def test_the_store_gives_the_same_dataset_and_kpis_as_the_workbooks_read_directly(store: Store) -> None:
    files = [make_workbook(2023, coops=BASE_COOPS[:2]), make_workbook(2024, coops=with_members(15))]
    for data in files:
        stored(store, data)
    direct = direct_dataset(*files)
    loaded = store.load_dataset()
    pd.testing.assert_frame_equal(loaded.coops, direct.coops)
    pd.testing.assert_frame_equal(loaded.groups, direct.groups)
    pd.testing.assert_frame_equal(loaded.info, direct.info)
    assert report_json(loaded, 2024) == report_json(direct, 2024)


def test_load_dataset_reads_the_versions_asked_for(store: Store) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    stored(store, make_workbook(2024, coops=with_members(40)))
    older = store.load_dataset({2024: 1})
    assert older.years == [2024]
    assert older.coops["members"].iloc[0] == 12.0
    with pytest.raises(StoreError, match="no version 9"):
        store.load_dataset({2024: 9})


def test_an_empty_store_gives_an_empty_dataset(store: Store) -> None:
    data = store.load_dataset()
    assert data.years == []
    assert list(data.coops.columns) == [*COOP.ids, "_row", "year"]


def test_the_dataset_is_read_with_one_query_per_sheet(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    stored(store, make_workbook(2023))
    stored(store, make_workbook(2024))
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    sheet_reads: list[tuple[str, list[int]]] = []
    real_read = store_module._read_rows

    def counting_read(conn, table, ids):
        sheet_reads.append((table.name, sorted(ids)))
        return real_read(conn, table, ids)

    monkeypatch.setattr(store_module, "_read_rows", counting_read)
    data = store.load_dataset()
    assert data.years == [2023, 2024]
    assert sorted(sheet_reads) == [
        ("stats_coops", [2023, 2024]),
        ("stats_groups", [2023, 2024]),
        ("stats_info", [2023, 2024]),
    ]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1  # the current ids


def test_an_export_imported_again_gives_the_same_kpis(store: Store, tmp_path: Path) -> None:
    original = make_workbook(2024)
    stored(store, original)
    out = tmp_path / "xuat-2024.xlsx"
    assert store.export_year(2024, out) == 1
    again = stored(store, out.read_bytes(), name=out.name)
    assert again.version == 2
    assert report_json(store.load_dataset({2024: 2}), 2024) == report_json(direct_dataset(original), 2024)
    pd.testing.assert_frame_equal(store.load_version(2024, 2).coops, store.load_version(2024, 1).coops)


def test_an_export_writes_formula_like_texts_as_plain_text(store: Store, tmp_path: Path) -> None:
    stored(store, make_workbook(2024))
    out = tmp_path / "xuat.xlsx"
    store.export_year(2024, out)
    sheet = openpyxl.load_workbook(out)["HTX"]
    code, name = sheet.cell(row=4, column=1), sheet.cell(row=4, column=2)
    assert (code.value, code.data_type, code.quotePrefix) == ("=SUM(A1:A3)", "s", True)
    assert (name.value, name.data_type, name.quotePrefix) == ("@HTX Dịch vụ", "s", True)
    assert sheet.cell(row=3, column=2).quotePrefix is True  # "-HTX Vận tải Ea Pô"
    assert sheet.cell(row=2, column=2).quotePrefix is False


def test_exporting_a_year_not_stored_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no data for 2030"):
        store.export_year(2030, tmp_path / "x.xlsx")


# --- sample data --------------------------------------------------------------------------------------------


def test_the_first_real_import_can_remove_the_sample_versions_as_events(store: Store) -> None:
    stored(store, make_workbook(2023), name="mau-2023.xlsx", by="Hệ thống", is_sample=True)
    stored(store, make_workbook(2024), name="mau-2024.xlsx", by="Hệ thống", is_sample=True)
    assert store.has_sample()
    real = stored(store, make_workbook(2024, coops=with_members(31)), by="Lan", replace_sample=True)
    assert real.version == 2  # numbers are never reused: version 1 of 2024 was the sample
    assert real.removed_sample == [("stats", 2023, 1), ("stats", 2024, 1)]
    assert real.message().endswith("Đã xoá số liệu mẫu (2 phiên bản).")
    assert not store.has_sample()
    assert store.current_versions() == {2024: 2}
    assert [v.version for v in store.versions(2024)] == [2]
    history = store.history()
    assert history["action"].tolist() == ["import", "import", "delete_sample", "delete_sample", "import"]
    assert history["is_sample"].tolist() == [True, True, False, False, False]
    dump = store.dump()
    assert {r["version_id"] for r in dump["stats_coops"]} == {3}
    assert len(dump["stats_info"]) == 1


def test_deleting_sample_data_falls_back_to_the_newest_real_version(store: Store) -> None:
    stored(store, make_workbook(2024), by="Lan")
    stored(store, make_workbook(2024, coops=with_members(9)), by="Hệ thống", is_sample=True)
    assert store.current_versions() == {2024: 2}
    assert store.delete_sample("Lan", identity=OPERATOR) == [("stats", 2024, 2)]
    assert store.current_versions() == {2024: 1}
    assert store.history()["action"].tolist() == [Action.IMPORT, Action.IMPORT, Action.DELETE_SAMPLE]
    assert store.delete_sample("Lan", identity=OPERATOR) == []


def test_a_store_has_events_of_a_kind_once_anything_of_it_was_imported_even_if_removed_since(
    store: Store,
) -> None:
    assert not store.has_events()
    stored(store, make_workbook(2024), is_sample=True)
    assert store.has_events() and not store.has_events("tasks")
    store.delete_sample("Lan", identity=OPERATOR)
    assert store.current_versions() == {} and store.has_events()  # the dashboard does not seed it again


def test_a_sample_export_carries_the_sample_notice(store: Store, tmp_path: Path) -> None:
    stored(store, make_workbook(2024), by="Hệ thống", is_sample=True)
    store.export_year(2024, tmp_path / "mau.xlsx")
    first = openpyxl.load_workbook(tmp_path / "mau.xlsx")["Hướng dẫn"]["A1"].value
    assert first.startswith("SỐ LIỆU MẪU")


# --- speed --------------------------------------------------------------------------------------------------


def test_thirty_thousand_cooperatives_are_written_quickly(store: Store) -> None:
    n = 30_000
    rows = [(f"C{i:06d}", f"HTX {i}", *BASE_COOPS[0][2:]) for i in range(n)]
    frame = coops_frame(rows).assign(_row=range(2, n + 2))
    frame["value_chain"] = frame["value_chain"].astype("boolean")
    started = time.process_time()  # CPU time of this process: stable on a busy machine
    with store.write_transaction() as conn:
        store.write_version(
            conn,
            "stats",
            2024,
            {"coops": frame},
            file_name="big.xlsx",
            sha256="0" * 64,
            by="bench",
            note=None,
            is_sample=False,
            row_counts={"coops": n},
        )
    elapsed = time.process_time() - started
    assert (
        elapsed < 2.0
    )  # reading such a workbook takes seconds (bench/ compares); row-by-row ORM work would not fit
    assert len(store.load_version(2024).coops) == n


# --- a confirmation checks that the preview is still what is in force ----------------------------------------


def _snapshot(store: Store) -> tuple:
    return store.current_versions(), len(store.history()), [v.version for v in store.versions(2024)]


def test_an_import_whose_preview_saw_the_version_in_force_is_stored(store: Store) -> None:
    stored(store, make_workbook())
    outcome = stored(store, make_workbook(coops=with_members(99)), expected_version=1)
    assert outcome.version == 2


def test_a_first_import_of_a_year_previewed_as_new_is_stored(store: Store) -> None:
    assert stored(store, make_workbook(), expected_version=None).version == 1


@pytest.mark.parametrize(
    ("expected", "seen"),
    [(None, "–"), (1, "1")],
    ids=["previewed as a new year, imported meanwhile", "previewed on version 1, replaced meanwhile"],
)
def test_a_confirmation_after_the_year_changed_is_refused_and_writes_nothing(
    store: Store, expected: int | None, seen: str
) -> None:
    stored(store, make_workbook())
    if expected == 1:
        stored(store, make_workbook(coops=with_members(50)), name="other.xlsx")
    before = _snapshot(store)
    current = before[0][2024]
    outcome = store.import_workbook(
        make_workbook(coops=with_members(99)),
        "late.xlsx",
        None,
        "Lê Văn Bình",
        expected_version=expected,
        identity=OPERATOR,
    )
    assert outcome.status == Status.STALE and not outcome.ok
    assert _snapshot(store) == before
    assert outcome.message() == (
        f"Số liệu năm 2024 đã thay đổi kể từ khi xem trước (phiên bản đang dùng lúc xem trước: {seen}, "
        f"bây giờ: {current}), có thể do người khác vừa nhập hoặc quay lại phiên bản cũ. Chưa có gì được lưu; "
        "hãy xem trước lại với số liệu hiện tại rồi mới xác nhận."
    )


def test_a_rollback_after_the_preview_also_makes_the_confirmation_stale(store: Store) -> None:
    stored(store, make_workbook())
    stored(store, make_workbook(coops=with_members(50)), name="other.xlsx")
    store.rollback(2024, 1, "Lê Văn Bình", None, identity=OPERATOR)
    outcome = store.import_workbook(
        make_workbook(coops=with_members(99)),
        "late.xlsx",
        None,
        "Lê Văn Bình",
        expected_version=2,
        identity=OPERATOR,
    )
    assert outcome.status == Status.STALE
    assert store.current_versions() == {2024: 1}


def test_an_import_without_a_preview_is_not_checked(store: Store) -> None:
    stored(store, make_workbook())
    assert stored(store, make_workbook(coops=with_members(99))).version == 2


# --- undo: rollback to "no data", restoring the sample (issue 15) --------------------------------------------


def test_a_rollback_to_no_data_leaves_the_year_without_a_current_version_and_is_an_event(
    store: Store,
) -> None:
    stored(store, make_workbook(2023), name="2023.xlsx")
    stored(store, make_workbook(2024), name="2024.xlsx", by="Lan")
    outcome = store.rollback(2024, None, "Trần Văn Minh", note="nhập nhầm", identity=OPERATOR)
    assert (outcome.version, outcome.previous, outcome.changed) == (None, 1, True)
    assert outcome.message() == (
        "Năm 2024: không còn phiên bản nào đang dùng, các trang coi năm này là chưa có số liệu "
        "(trước đó: phiên bản 1). Các phiên bản vẫn được giữ và có thể dùng lại."
    )
    assert store.current_versions() == {2023: 1}
    assert (store.years(), store.stored_years()) == ([2023], [2023, 2024])
    assert set(store.load_dataset().coops["year"]) == {2023}
    last = store.history().iloc[-1]
    assert (last["action"], last["year"], last["by"], last["note"], last["previous_version"]) == (
        "rollback",
        2024,
        "Trần Văn Minh",
        "nhập nhầm",
        1,
    )
    assert pd.isna(last["version"]) and not last["current"]
    assert [v.current for v in store.versions(2024)] == [False]  # kept, not in force


def test_a_later_rollback_makes_a_version_current_again_after_no_data(store: Store) -> None:
    stored(store, make_workbook(2024))
    store.rollback(2024, None, "Lan", identity=OPERATOR)
    outcome = store.rollback(2024, 1, "Lan", identity=OPERATOR)
    assert (outcome.version, outcome.previous, outcome.changed) == (1, None, True)
    assert outcome.message() == "Năm 2024: phiên bản 1 là phiên bản đang dùng (trước đó: không có số liệu)."
    assert store.current_versions() == {2024: 1}
    assert store.history()["action"].tolist() == ["import", "rollback", "rollback"]


def test_a_rollback_to_no_data_twice_changes_nothing_the_second_time(store: Store) -> None:
    stored(store, make_workbook(2024))
    store.rollback(2024, None, "Lan", identity=OPERATOR)
    before = store.dump()
    outcome = store.rollback(2024, None, "Lan", identity=OPERATOR)
    assert (outcome.changed, outcome.message()) == (
        False,
        "Năm 2024 đã không có phiên bản nào đang dùng; không có gì thay đổi.",
    )
    assert store.dump() == before


def test_a_rollback_to_no_data_of_a_year_never_imported_is_refused(store: Store) -> None:
    stored(store, make_workbook(2024))
    before = store.dump()
    with pytest.raises(StoreError) as caught:
        store.rollback(2019, None, "Lan", identity=OPERATOR)
    assert caught.value.problem.message() == "Kho dữ liệu chưa có số liệu năm 2019; các năm có: 2024."
    assert store.dump() == before


def test_an_import_after_no_data_gets_the_next_number_and_becomes_current(store: Store) -> None:
    stored(store, make_workbook(2024))
    store.rollback(2024, None, "Lan", identity=OPERATOR)
    assert stored(store, make_workbook(2024, coops=with_members(40))).version == 2
    assert store.current_versions() == {2024: 2}


def test_a_rollback_without_a_name_asks_for_the_person_acting_not_the_importer(store: Store) -> None:
    stored(store, make_workbook(2024))
    with pytest.raises(StoreError) as caught:
        store.rollback(2024, None, "  ", identity=OPERATOR)
    assert caught.value.problem.message() == "Hãy ghi tên người thực hiện."


def _sample_then_first_real_import(store: Store) -> list[store_module.SampleVersion]:
    """Store sample 2023 and 2024 (version 1 each), then a real 2024 that removes them (version 2); return the
    two sample workbooks ready to be restored."""
    samples = {2023: make_workbook(2023), 2024: make_workbook(2024, coops=with_members(9))}
    for year, data in samples.items():
        stored(store, data, name=f"mau-{year}.xlsx", by="Hệ thống", is_sample=True)
    stored(
        store, make_workbook(2024, coops=with_members(31)), name="that.xlsx", by="Lan", replace_sample=True
    )
    return [store.sample_version(data, f"mau-{year}.xlsx") for year, data in samples.items()]


def test_restoring_the_sample_is_refused_while_real_data_is_in_force(store: Store) -> None:
    samples = _sample_then_first_real_import(store)
    before = store.dump()
    with pytest.raises(StoreError) as caught:
        store.restore_sample("Lan", samples, identity=OPERATOR)
    assert caught.value.problem.code == "sample_over_real_data"
    assert "các năm 2024 đang dùng số liệu thật" in caught.value.problem.message()
    assert store.dump() == before


def test_after_a_rollback_to_no_data_the_sample_comes_back_current_and_the_real_version_stays(
    store: Store,
) -> None:
    samples = _sample_then_first_real_import(store)
    store.rollback(2024, None, "Lan", identity=OPERATOR)
    written = store.restore_sample("Lan", samples, identity=OPERATOR)
    # 2023: version 1 was the removed sample, so 2; 2024: versions 1 (sample) and 2 (real) were used, so 3
    assert written == [("stats", 2023, 2), ("stats", 2024, 3)]
    assert store.current_versions() == {2023: 2, 2024: 3}
    assert [(v.version, v.is_sample, v.current) for v in store.versions(2024)] == [
        (2, False, False),
        (3, True, True),
    ]
    assert store.has_sample()
    assert store.load_dataset().coops.query("year == 2024")["members"].iloc[0] == 9.0
    restored = store.history().query("action == 'restore_sample'")
    assert restored[["year", "version", "by", "file_name", "is_sample"]].values.tolist() == [
        [2023, 2, "Lan", "mau-2023.xlsx", True],
        [2024, 3, "Lan", "mau-2024.xlsx", True],
    ]
    before = store.dump()
    assert store.restore_sample("Lan", samples, identity=OPERATOR) == []  # already there: nothing written
    assert store.dump() == before


def test_a_sample_workbook_with_errors_cannot_be_prepared_for_restoring(store: Store) -> None:
    negative = list(BASE_COOPS[0])
    negative[COOP.ids.index("members")] = -3
    with pytest.raises(StoreError) as caught:
        store.sample_version(make_workbook(2024, coops=[tuple(negative), *BASE_COOPS[1:]]), "mau.xlsx")
    assert caught.value.problem.severity == "error"
