"""The clean statistics of several reporting years (one frame per sheet, each row with its `year`), as the
store reads them back and the indicators take them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kpi.workbook.contract import COOP, GROUP, INFO
from kpi.workbook.validate import CleanWorkbook

YEAR = "year"


@dataclass
class Dataset:
    """The clean data of several reporting years, each frame with a `year` column."""

    coops: pd.DataFrame  # clean_coops of every year
    groups: pd.DataFrame  # clean_groups of every year
    info: pd.DataFrame  # one row per year: the `Thông tin` values

    @property
    def years(self) -> list[int]:
        """Return the reporting years present, ascending."""
        return sorted(int(y) for y in self.info[YEAR].dropna().unique())


def dataset_from_workbooks(workbooks: Iterable[CleanWorkbook]) -> Dataset:
    """Return a Dataset built from clean workbooks (one per year; a later one of the same year wins)."""
    by_year = {wb.year: wb for wb in workbooks}
    coops = [wb.coops.assign(**{YEAR: y}) for y, wb in sorted(by_year.items())]
    groups = [wb.groups.assign(**{YEAR: y}) for y, wb in sorted(by_year.items())]
    info = pd.DataFrame([{**wb.info, YEAR: y} for y, wb in sorted(by_year.items())], columns=[*INFO.ids])
    return Dataset(
        coops=pd.concat(coops, ignore_index=True) if coops else _empty(COOP.ids),
        groups=pd.concat(groups, ignore_index=True) if groups else _empty(GROUP.ids),
        info=info,
    )


def _empty(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*ids, YEAR])
