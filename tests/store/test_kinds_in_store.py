"""The store is written once for every kind of workbook (kpi/store/versions.py with kpi/workbook/kinds.py): a toy
third kind declared here is stored, listed, rolled back and read back through the same store code; both real
kinds go through the one import, and its problems (the year that differs) are alike on both.

The stores come from tests/store/test_versions.py (a fresh SQLite file, and a fresh PostgreSQL database when
KPI_TEST_POSTGRES_URL is set).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Mapping
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi.common import problems as pb
from kpi.store import versions as store_module
from kpi.store.versions import STATS, TASKS, Status, Store
from kpi.workbook import kinds
from kpi.workbook.contract import Column, Kind, Sheet
from kpi.workbook.kind import StoredColumn, StoredSheet, StoredType, WorkbookKind
from kpi.workbook.reader import ROW, RawWorkbook, read_sheets
from kpi.workbook.validate import Validation
from tests.builders import grid_bytes, info_rows
from tests.store import test_versions as test_store
from tests.store.test_task_versions import progress_bytes
from tests.store.test_versions import OPERATOR, make_workbook

store_url = test_store.store_url
store = test_store.store

# --- a toy kind: one sheet of district figures, as the district-aggregate forms might be ---------------------

TOY_INFO = Sheet(
    id="info", name="Thông tin", name_en="Info", columns=(Column("year", "Năm báo cáo", "Year", Kind.YEAR),)
)
TOY_SHEET = Sheet(
    id="districts",
    name="Huyện",
    name_en="Districts",
    columns=(
        Column("district", "Huyện", "District", Kind.TEXT, required=True),
        Column("coops", "Số HTX", "Cooperatives", Kind.COUNT),
    ),
)


@dataclasses.dataclass
class ToyWorkbook:
    """The clean toy workbook: its year and its district rows."""

    year: int
    districts: pd.DataFrame


class ToyKind(WorkbookKind):
    """District figures, as the district-aggregate forms might be: one sheet of rows and the year."""

    def read(self, data: bytes, limits=None, **_: object) -> RawWorkbook:
        return read_sheets(data, (TOY_INFO, TOY_SHEET), limits)

    def validate(self, raw: RawWorkbook, **_: object) -> Validation:
        year = self.raw_year(raw)
        if year is None:
            return Validation([pb.error("no_rows", sheet="Thông tin")])
        rows = raw.tables[TOY_SHEET.id]
        clean = pd.DataFrame(
            {
                "district": rows["district"].astype(str),
                "coops": pd.to_numeric(rows["coops"]).astype("float64"),
                ROW: rows[ROW].astype("int64"),
            }
        )
        return Validation(list(raw.problems), ToyWorkbook(year, clean))  # type: ignore[arg-type]

    def frames(self, clean: ToyWorkbook) -> dict[str, pd.DataFrame]:
        return {TOY_SHEET.id: clean.districts}

    def row_counts(self, clean: ToyWorkbook) -> dict[str, int]:
        return {TOY_SHEET.id: len(clean.districts)}

    def typed(self, sheet_id: str, rows: pd.DataFrame) -> pd.DataFrame:
        out = rows.drop(columns="version_id").reset_index(drop=True)
        out["coops"] = out["coops"].astype("float64")
        return out

    def restore(self, year: int, frames: Mapping[str, pd.DataFrame]) -> ToyWorkbook:
        return ToyWorkbook(year, frames[TOY_SHEET.id].drop(columns="year"))

    def write(self, target, notice=None, year=None, rows=()) -> None:
        target.write(toy_bytes(year, rows))

    def written(self, clean: ToyWorkbook) -> dict[str, object]:
        return {"year": clean.year, "rows": clean.districts[["district", "coops"]].values.tolist()}

    def year_cell(self, raw: RawWorkbook) -> tuple[str, str, int] | None:
        return ("info", "year", raw.info["year"][1]) if "year" in raw.info else None

    @property
    def texts(self) -> str:
        return "kinds.tasks"  # a real new kind brings its own texts; the toy borrows the tasks' for messages


TOY = ToyKind(
    "toy_districts",
    (TOY_INFO, TOY_SHEET),
    (
        StoredSheet(
            TOY_SHEET.id,
            "toy_districts",
            (
                StoredColumn("district", StoredType.TEXT, required=True),
                StoredColumn("coops", StoredType.NUMBER),
            ),
        ),
    ),
)


def toy_bytes(year: int, rows: list[tuple[str, int]]) -> bytes:
    """Return a toy workbook of `year` with one line per (district, cooperatives)."""
    return grid_bytes({"Thông tin": info_rows(year), "Huyện": [["Huyện", "Số HTX"], *map(list, rows)]})


@pytest.fixture
def toy_store(store: Store) -> Iterator[Store]:
    """The store with the toy kind registered and its table created (as its migration would)."""
    kinds.register(TOY)
    try:
        tables = list(store_module.row_tables(TOY.id).values())
        store_module.metadata.create_all(store.engine, tables=tables)
        yield store
    finally:
        store_module.forget_row_tables(TOY.id)
        kinds.unregister(TOY.id)


def test_a_third_kind_is_stored_and_read_back_by_the_same_store_code(toy_store: Store) -> None:
    first = toy_store.import_workbook(
        toy_bytes(2024, [("Cư Jút", 12), ("Đắk Mil", 9)]),
        "h1.xlsx",
        2024,
        "Lan",
        kind=TOY.id,
        identity=OPERATOR,
    )
    assert (first.status, first.version, first.row_counts) == (Status.STORED, 1, {"districts": 2})
    second_file = toy_bytes(2024, [("Cư Jút", 13)])
    second = toy_store.import_workbook(second_file, "h2.xlsx", 2024, "Lan", kind=TOY.id, identity=OPERATOR)
    assert second.version == 2
    assert toy_store.current_versions(TOY.id) == {2024: 2}
    assert toy_store.current_versions(STATS) == {} and toy_store.current_versions(TASKS) == {}

    back = toy_store.load_version(2024, 1, kind=TOY.id)
    assert back.districts[["district", "coops", ROW]].values.tolist() == [
        ["Cư Jút", 12.0, 2],
        ["Đắk Mil", 9.0, 3],
    ]
    rows = toy_store.load_rows(TOY.id, TOY_SHEET.id)
    assert rows[["district", "coops", "year"]].values.tolist() == [["Cư Jút", 13.0, 2024]]

    assert toy_store.rollback(2024, 1, "Lan", kind=TOY.id, identity=OPERATOR).changed
    assert toy_store.load_rows(TOY.id, TOY_SHEET.id)["district"].tolist() == ["Cư Jút", "Đắk Mil"]
    assert toy_store.history(kind=TOY.id)["action"].tolist() == ["import", "import", "rollback"]

    again = toy_store.import_workbook(second_file, "h2-lai.xlsx", 2024, "Lan", kind=TOY.id, identity=OPERATOR)
    assert (again.status, again.version) == (Status.DUPLICATE, 2)  # the same bytes are recognised

    out = io.BytesIO()
    assert toy_store.export_year(2024, out, kind=TOY.id) == 1
    assert toy_store.import_workbook(
        out.getvalue(), "xuat.xlsx", 2024, "Lan", kind=TOY.id, identity=OPERATOR
    ).ok


def test_a_third_kind_is_refused_like_the_others_when_the_year_differs(toy_store: Store) -> None:
    before = toy_store.dump()
    outcome = toy_store.import_workbook(
        toy_bytes(2024, [("Cư Jút", 12)]), "h.xlsx", 2023, "Lan", kind=TOY.id, identity=OPERATOR
    )
    assert outcome.status == Status.REJECTED
    assert (outcome.errors[0].code, outcome.errors[0].sheet, outcome.errors[0].row) == (
        "year_mismatch",
        "Thông tin",
        2,
    )
    assert toy_store.dump() == before


# --- the two real kinds through the one import ------------------------------------------------------------

TODAY = date(2026, 3, 1)
# kind, a workbook of 2024, where its year stands (sheet, Excel row, header)
BOTH = {
    "stats": (STATS, lambda: make_workbook(2024), ("Thông tin", 2, "Năm báo cáo")),
    "tasks": (TASKS, lambda: progress_bytes(year=2024), ("Thông tin", 2, "Năm báo cáo")),
    "tasks_without_info_year": (TASKS, lambda: progress_bytes(year=None), ("Báo cáo nhiệm vụ", 2, "Năm")),
}


@pytest.mark.parametrize("case", BOTH, ids=str)
def test_a_year_that_differs_is_located_at_the_cell_of_the_workbooks_year_on_every_kind(
    store: Store, case: str
) -> None:
    kind, data, (sheet, row, column) = BOTH[case]
    outcome = store.import_workbook(data(), "x.xlsx", 2023, "Lan", kind=kind, today=TODAY, identity=OPERATOR)
    assert outcome.status == Status.REJECTED and outcome.kind == kind
    problem = outcome.errors[0]
    assert (problem.code, problem.sheet, problem.row, problem.column) == ("year_mismatch", sheet, row, column)
    assert problem.cell  # named by its cell too
    assert "2024" in problem.message("en") and "2023" in problem.message("en")


@pytest.mark.parametrize("kind", [STATS, TASKS])
def test_both_kinds_are_written_by_the_one_write_of_a_version(
    store: Store, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []
    original = Store.write_version

    def spy(self, conn, kind_id, year, frames, **kw):
        written.append((kind_id, year, sorted(frames)))
        return original(self, conn, kind_id, year, frames, **kw)

    monkeypatch.setattr(Store, "write_version", spy)
    data = make_workbook(2024) if kind == STATS else progress_bytes()
    outcome = store.import_workbook(data, "x.xlsx", None, "Lan", kind=kind, today=TODAY, identity=OPERATOR)
    assert outcome.status == Status.STORED
    stored = {s.sheet_id for s in kinds.kind(kind).stored}
    [(kind_id, year, sheets)] = written
    assert (kind_id, year) == (kind, 2024) and set(sheets) <= stored


def test_the_tasks_outcome_speaks_english_when_asked(store: Store) -> None:
    outcome = store.import_workbook(
        progress_bytes(), "x.xlsx", None, "Lan", kind=TASKS, today=TODAY, identity=OPERATOR
    )
    assert outcome.message("en") == "Stored the task progress report of 2024 as version 1 (4 report rows)."
    assert outcome.message("vi") == "Đã lưu báo cáo tiến độ nhiệm vụ năm 2024, phiên bản 1 (4 dòng báo cáo)."


def test_the_sample_versions_of_every_kind_are_listed_and_real_data_of_either_kind_is_seen(
    store: Store,
) -> None:
    assert store.sample_versions() == [] and not store.has_real()
    stats = store.import_workbook(
        make_workbook(2023), "m.xlsx", None, "Mẫu", is_sample=True, identity=OPERATOR
    )
    tasks = store.import_workbook(
        progress_bytes(), "m.xlsx", None, "Mẫu", is_sample=True, kind=TASKS, today=TODAY, identity=OPERATOR
    )
    assert stats.ok and tasks.ok
    assert store.sample_versions() == [("stats", 2023, 1), ("tasks", 2024, 1)]
    assert not store.has_real()
    real = store.import_workbook(
        progress_bytes(year=2024, unit="Sở KH&ĐT (thật)"),
        "t.xlsx",
        None,
        "Lan",
        kind=TASKS,
        today=TODAY,
        identity=OPERATOR,
    )
    assert real.ok and store.has_real()  # a real progress report beside the sample: real data is there
    store.rollback(2024, None, "Lan", kind=TASKS, identity=OPERATOR)
    assert not store.has_real()  # stored, but no longer in force


@pytest.mark.parametrize("kind_id", [STATS, TASKS])
def test_the_tables_generated_from_a_kind_agree_with_the_migrated_database(
    store: Store, kind_id: str
) -> None:
    inspector = sa.inspect(store.engine)
    for table in store_module.row_tables(kind_id).values():
        migrated = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(migrated) == [c.name for c in table.columns], table.name
        for column in table.columns:
            assert migrated[column.name]["nullable"] == column.nullable, (table.name, column.name)
        key = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert key == [c.name for c in table.primary_key.columns], table.name
