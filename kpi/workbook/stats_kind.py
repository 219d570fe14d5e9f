"""The statistics workbook (sheets `Thông tin`, `HTX`, `THT`) as a `WorkbookKind`: kind 'stats' of the store.

The stored tables are generated from the contract (`kpi.workbook.contract`): `stats_info` keeps the values of
`Thông tin` but the year (the version's), `stats_coops` and `stats_groups` every column of their sheets.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from kpi.common.settings import ReadLimits
from kpi.domain.places import Reference
from kpi.workbook.contract import COOP, GROUP, INFO, NUMERIC_KINDS, SHEETS, Kind, Sheet
from kpi.workbook.dataset import YEAR, Dataset
from kpi.workbook.kind import WorkbookKind, stored_sheet
from kpi.workbook.reader import ROW, RawWorkbook, read_workbook
from kpi.workbook.validate import CleanWorkbook, Validation, validate_workbook
from kpi.workbook.writer import write_workbook

STATS = "stats"

INFO_STORED = stored_sheet(INFO, "stats_info", per_row=False, skip=(YEAR,))  # the year is the version's


def _scalar(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


# Dtype objects, not names: pandas looks a name up in its registry of dtypes on every conversion, which costs
# more than converting the few rows of one cooperative's history.
_TEXT = pd.Series([], dtype="str").dtype
_YES_NO = pd.BooleanDtype()


def typed_rows(rows: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    """Return stored rows of a sheet with the dtypes validation gives (float64, boolean, str), `_row` and, when
    the rows carry it, `year`."""
    columns: dict[str, object] = {}  # arrays, made a frame once: inserting column by column costs more
    for col in sheet.columns:
        if col.id not in rows:
            continue
        values = rows[col.id].to_numpy()
        if col.kind in NUMERIC_KINDS:
            columns[col.id] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif col.kind == Kind.YES_NO:
            columns[col.id] = pd.array(values.astype(object), dtype=_YES_NO)
        else:
            columns[col.id] = pd.array(values.astype(object), dtype=_TEXT)
    for extra in (ROW, YEAR):
        if extra in rows:
            columns[extra] = rows[extra].to_numpy().astype("int64")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def info_values(info: pd.DataFrame) -> dict[str, object]:
    """Return the stored values of `Thông tin` of one version (None where not stored)."""
    return {name: (_scalar(info[name].iloc[0]) if len(info) else None) for name in INFO_STORED.names}


def dataset(frames: Mapping[str, pd.DataFrame]) -> Dataset:
    """Return the Dataset of the typed rows of several versions (each frame with its `year`)."""
    info = frames[INFO.id].sort_values(YEAR, kind="stable")
    records = [
        {YEAR: int(r[YEAR]), **{n: _scalar(r[n]) for n in INFO_STORED.names}} for _, r in info.iterrows()
    ]
    return Dataset(
        coops=frames[COOP.id],
        groups=frames[GROUP.id],
        info=pd.DataFrame(records, columns=[*INFO.ids]),
    )


class StatsKind(WorkbookKind):
    """The statistics workbook: read and checked with the bundled districts and communes (`reference`)."""

    write_options = ("reference",)
    write = staticmethod(write_workbook)

    def read(self, data: bytes, limits: ReadLimits | None = None, **_: object) -> RawWorkbook:
        return read_workbook(data, limits)

    def validate(
        self, raw: RawWorkbook, reference: Reference | None = None, today: date | None = None, **_: object
    ) -> Validation:
        return validate_workbook(raw, reference, today)

    def frames(self, clean: CleanWorkbook) -> dict[str, pd.DataFrame]:
        info = pd.DataFrame([{name: clean.info.get(name) for name in INFO_STORED.names}])
        return {INFO.id: info, COOP.id: clean.coops, GROUP.id: clean.groups}

    def row_counts(self, clean: CleanWorkbook) -> dict[str, int]:
        return {COOP.id: len(clean.coops), GROUP.id: len(clean.groups)}

    def typed(self, sheet_id: str, rows: pd.DataFrame) -> pd.DataFrame:
        if sheet_id == INFO.id:
            return rows.reset_index(drop=True).astype(object).map(_scalar)
        return typed_rows(rows, COOP if sheet_id == COOP.id else GROUP)

    def restore(self, year: int, frames: Mapping[str, pd.DataFrame]) -> CleanWorkbook:
        return CleanWorkbook(
            year=year,
            info={YEAR: year, **info_values(frames[INFO.id])},
            coops=frames[COOP.id].drop(columns=YEAR, errors="ignore"),
            groups=frames[GROUP.id].drop(columns=YEAR, errors="ignore"),
        )

    def written(self, clean: CleanWorkbook) -> dict[str, object]:
        return {"info": clean.info, "coops": clean.coops, "groups": clean.groups}

    def year_cell(self, raw: RawWorkbook) -> tuple[str, str, int] | None:
        _, row = raw.info.get(YEAR, (None, None))
        return None if row is None else (INFO.id, YEAR, row)


STATS_KIND = StatsKind(
    STATS, SHEETS, (INFO_STORED, stored_sheet(COOP, "stats_coops"), stored_sheet(GROUP, "stats_groups"))
)

__all__ = ["INFO_STORED", "STATS", "STATS_KIND", "StatsKind", "dataset", "info_values", "typed_rows"]
