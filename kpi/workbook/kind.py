"""What a kind of workbook is, for the code that handles every kind alike (the store, the upload check, the
preview, the command line, page 6): its sheets, how it is read and checked, which rows the store keeps, how
those rows come back, how it is written, and the keys of its texts.

The statistics workbooks (`kpi.workbook.stats_kind`) and the task progress reports (`kpi.workbook.tasks_kind`)
are two instances; `kpi.workbook.kinds` is the registry. A new kind is a module declaring one `WorkbookKind`
plus its data (contract, texts), and a migration creating the tables its `stored` sheets declare.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import pandas as pd

from kpi.common import problems as pb
from kpi.common.settings import ReadLimits
from kpi.workbook.contract import NUMERIC_KINDS, Kind, Sheet
from kpi.workbook.reader import ROW, RawWorkbook
from kpi.workbook.validate import Validation


class StoredType(StrEnum):
    """The type of a stored column (the store maps it to an SQL type)."""

    TEXT = "text"
    NUMBER = "number"  # a float
    INTEGER = "integer"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class StoredColumn:
    """One column of a row table."""

    name: str
    type: StoredType = StoredType.TEXT
    required: bool = False  # NOT NULL


@dataclass(frozen=True)
class StoredSheet:
    """The rows of one sheet that the store keeps, in the table `table`.

    A sheet of rows is keyed by (version, Excel row `_row`); a sheet of single values (`per_row=False`, the
    sheet `Thông tin`) has one row per version, keyed by the version.
    """

    sheet_id: str
    table: str
    columns: tuple[StoredColumn, ...]
    per_row: bool = True

    @property
    def names(self) -> list[str]:
        """Return the stored column names (besides the version and the Excel row)."""
        return [c.name for c in self.columns]


def stored_type(kind: Kind) -> StoredType:
    """Return the stored type of a contract column kind (numbers as floats, yes/no as booleans, the rest text)."""
    if kind in NUMERIC_KINDS:
        return StoredType.NUMBER
    if kind == Kind.YES_NO:
        return StoredType.BOOLEAN
    return StoredType.TEXT


def stored_sheet(
    sheet: Sheet,
    table: str,
    *,
    per_row: bool = True,
    skip: tuple[str, ...] = (),
    required: bool = False,
) -> StoredSheet:
    """Return the stored sheet of a contract sheet: every column but `skip`, typed by its kind; NOT NULL where
    the contract requires a value when `required`."""
    columns = tuple(
        StoredColumn(c.id, stored_type(c.kind), required=required and c.required)
        for c in sheet.columns
        if c.id not in skip
    )
    return StoredSheet(sheet.id, table, columns, per_row=per_row)


@dataclass(frozen=True)
class WorkbookKind(ABC):
    """One kind of workbook: a subclass says how it is read, checked, stored and written, an instance names
    it (`id`, the value of `versions.kind`), its contract's sheets and the sheets whose rows the store keeps.

    The methods take the kind's options as keywords (the statistics: `reference`; the task reports: `tasks`,
    `today`) and ignore the others, so that generic code passes one set to any kind.
    """

    id: str  # versions.kind
    sheets: tuple[Sheet, ...]  # the sheets of its contract
    stored: tuple[StoredSheet, ...]  # the sheets whose rows the store keeps

    write_options: ClassVar[tuple[str, ...]] = ()  # the options its writer takes (`reference`; `tasks`)

    @abstractmethod
    def read(self, data: bytes, limits: ReadLimits | None = None, **options: object) -> RawWorkbook:
        """Return the raw sheets of a workbook; raise WorkbookUnreadable when it is none."""

    @abstractmethod
    def validate(self, raw: RawWorkbook, **options: object) -> Validation:
        """Return every problem of a raw workbook and, without errors, its clean workbook (`.clean`)."""

    @abstractmethod
    def frames(self, clean: Any) -> dict[str, pd.DataFrame]:
        """Return the rows to store of a clean workbook, by stored sheet id."""

    @abstractmethod
    def row_counts(self, clean: Any) -> dict[str, int]:
        """Return the row counts recorded with a version of a clean workbook."""

    @abstractmethod
    def typed(self, sheet_id: str, rows: pd.DataFrame) -> pd.DataFrame:
        """Return stored rows of a sheet with the dtypes validation gives."""

    @abstractmethod
    def restore(self, year: int, frames: Mapping[str, pd.DataFrame]) -> Any:
        """Return the clean workbook of one stored version from its typed rows."""

    @abstractmethod
    def write(self, target: str | Path | BinaryIO, **fields: object) -> None:
        """Write a workbook in the template's format (`notice`, the fields of `written`, `write_options`)."""

    @abstractmethod
    def written(self, clean: Any) -> dict[str, object]:
        """Return the writer's keyword arguments that write a clean workbook."""

    @abstractmethod
    def year_cell(self, raw: RawWorkbook) -> tuple[str, str, int] | None:
        """Return (sheet id, column id, Excel row) of the cell that holds the workbook's year, if any."""

    def raw_year(self, raw: RawWorkbook) -> int | None:
        """Return the year written in `Thông tin` of a workbook that may have failed validation."""
        return raw_info_year(raw, "year")

    @property
    def texts(self) -> str:
        """Return the prefix of its texts in data/i18n/kinds.yaml (<texts>.stored, .duplicate, .rows, .cli.*)."""
        return f"kinds.{self.id}"

    def sheet(self, sheet_id: str) -> Sheet:
        """Return the contract sheet with this id."""
        for sheet in self.sheets:
            if sheet.id == sheet_id:
                return sheet
        raise KeyError(sheet_id)

    def stored_sheet(self, sheet_id: str) -> StoredSheet:
        """Return the stored sheet with this id."""
        for stored in self.stored:
            if stored.sheet_id == sheet_id:
                return stored
        raise KeyError(sheet_id)

    def reader(self, **options: object) -> Callable[[bytes, ReadLimits], RawWorkbook]:
        """Return the reader with the options bound, as `kpi.workbook.reader.read_within_limits` calls it."""
        return lambda data, limits: self.read(data, limits, **options)

    def template_bytes(self, **options: object) -> bytes:
        """Return the blank template of this kind."""
        return self.export_bytes(None, **options)

    def export_bytes(self, clean: object, notice: str | None = None, **options: object) -> bytes:
        """Return a clean workbook of this kind written in the template's format (blank for None)."""
        buffer = io.BytesIO()
        self.export(buffer, clean, notice, **options)
        return buffer.getvalue()

    def export(
        self, target: str | Path | BinaryIO, clean: object, notice: str | None = None, **options: object
    ) -> None:
        """Write a clean workbook of this kind (None: the blank template) to `target`, formulas neutralised."""
        fields = {} if clean is None else self.written(clean)
        wanted = {k: v for k, v in options.items() if k in self.write_options}
        self.write(target, notice=notice, **fields, **wanted)

    def year_mismatch(self, raw: RawWorkbook, file_year: int, year: int) -> pb.Problem:
        """Return the error of a workbook of `file_year` imported as `year`, located at its year's cell."""
        where: dict[str, object] = {}
        found = self.year_cell(raw)
        if found is not None:
            sheet_id, column_id, row = found
            sheet = self.sheet(sheet_id)
            where = {
                "sheet": raw.sheet_names.get(sheet_id, sheet.name),
                "row": row,
                "column": sheet.column(column_id).header,
            }
        problem = pb.error("year_mismatch", value=file_year, year=year, **where)
        return pb.with_cells([problem], raw.letters)[0]


def raw_info_year(raw: RawWorkbook, column_id: str) -> int | None:
    """Return the whole year written in the info value `column_id` of a raw workbook, else None."""
    value = raw.info.get(column_id, (None, None))[0]
    try:
        number = float(str(value).strip().replace(" ", ""))
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def first_row(raw: RawWorkbook, sheet_id: str) -> int | None:
    """Return the Excel row of the first data row of a table sheet, else None."""
    table = raw.tables.get(sheet_id)
    if table is None or table.empty or ROW not in table:
        return None
    return int(table[ROW].iloc[0])


__all__ = [
    "StoredColumn",
    "StoredSheet",
    "StoredType",
    "WorkbookKind",
    "first_row",
    "raw_info_year",
    "stored_sheet",
    "stored_type",
]
