"""Data quality of a stored year, for analysts: per district, how many cooperatives reported each field, the
blank cells, and the year-on-year warnings of the version in force (kpi/stats/year_checks.py).

Pure: the page "Chất lượng số liệu" lays out what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.common import problems as pb
from kpi.common.formatting import format_number
from kpi.common.i18n import LANGS, t
from kpi.domain.places import Reference
from kpi.stats.preview import problems_table
from kpi.stats.year_checks import year_on_year
from kpi.workbook.contract import COOP, STATUS_DISSOLVED
from kpi.workbook.dataset import YEAR, Dataset
from kpi.workbook.reader import ROW
from kpi.workbook.validate import CleanWorkbook

# The fields counted: every column of sheet HTX that may be left blank (the required ones never are). A
# dissolved cooperative may leave its figures blank (the template says so): only the others are counted.
FIELDS = tuple(c.id for c in COOP.columns if not c.required)
DISTRICT, COOPS, BLANKS, WARNINGS = "district", "coops", "blanks", "warnings"
TOTAL = "__total__"  # the district key of the province's row


@dataclass
class Quality:
    """The quality of one year: `table` has one row per district, in reference order, then the province
    (district TOTAL): the cooperatives not dissolved (`coops`), per field of FIELDS how many gave it, the
    blank cells of those fields (`blanks`) and the year-on-year warnings of its cooperatives (`warnings`);
    `warnings` lists those warnings (empty when the year before is not stored)."""

    year: int
    table: pd.DataFrame
    warnings: list[pb.Problem]
    compared: bool  # the year before is stored, so the year-on-year checks ran


def year_quality(data: Dataset, year: int, reference: Reference) -> Quality:
    """Return the quality of `year` in `data` (the versions in force)."""
    coops = data.coops[data.coops[YEAR] == year] if len(data.coops) else data.coops
    kept = coops[coops["status"] != STATUS_DISSOLVED]
    stored = CleanWorkbook(
        year=year, info={}, coops=coops.assign(**{ROW: None}), groups=data.groups.iloc[0:0]
    )
    warnings = year_on_year(data, stored)
    # A cooperative gone since last year is counted in the district it had then.
    both = data.coops[data.coops[YEAR].isin([year - 1, year])].sort_values(YEAR, kind="stable")
    district_of = dict(zip(both["code"].astype("str").str.strip(), both["district"], strict=True))
    warned = pd.Series(
        [district_of.get(str(p.params.get("htx") or p.value or "").strip()) for p in warnings], dtype="object"
    )
    rows = []
    for name in [*reference.district_names(), TOTAL]:
        part = kept if name == TOTAL else kept[kept["district"] == name]
        reported = {f: int(part[f].notna().sum()) for f in FIELDS}
        in_district = warned.notna() if name == TOTAL else warned == name
        rows.append(
            {
                DISTRICT: name,
                COOPS: len(part),
                **reported,
                BLANKS: len(part) * len(FIELDS) - sum(reported.values()),
                # the whole year's warnings (totals, coverage) belong to no district: counted in the province's row
                WARNINGS: len(warnings) if name == TOTAL else int(in_district.sum()),
            }
        )
    table = pd.DataFrame(rows, columns=[DISTRICT, COOPS, *FIELDS, BLANKS, WARNINGS])
    return Quality(year, table, warnings, year - 1 in data.years)


@dataclass(frozen=True)
class QualityTables:
    """The quality of one year as the page shows it, in every language: what is kept with the version.

    `table` is `Quality.table`; `warnings` holds, per language (every one, or those read back), `problems_table`
    of `Quality.warnings`.
    """

    year: int
    table: pd.DataFrame
    compared: bool
    warnings: dict[str, pd.DataFrame]

    NAMES = ("table", "compared", *(f"warnings_{lang}" for lang in LANGS))  # the frames kept

    @staticmethod
    def names(langs: tuple[str, ...] = LANGS) -> tuple[str, ...]:
        """Return the names of the frames a page in `langs` reads (the warnings of other languages are not)."""
        return ("table", "compared", *(f"warnings_{lang}" for lang in langs))

    @classmethod
    def of(cls, quality: Quality) -> QualityTables:
        """Return the tables of a quality computed now."""
        warnings = {lang: problems_table(quality.warnings, lang) for lang in LANGS}
        return cls(quality.year, quality.table, quality.compared, warnings)

    @property
    def warning_count(self) -> int:
        """Return the number of year-on-year warnings."""
        return len(next(iter(self.warnings.values())))

    def frames(self) -> dict[str, pd.DataFrame]:
        """Return the tables as named frames (NAMES), to be kept."""
        return {
            "table": self.table,
            "compared": pd.DataFrame({"compared": [self.compared]}),
            **{f"warnings_{lang}": frame for lang, frame in self.warnings.items()},
        }

    @classmethod
    def from_frames(cls, year: int, frames: dict[str, pd.DataFrame]) -> QualityTables:
        """Return the tables written by `frames` (the warnings of the languages among them)."""
        warnings = {lang: frames[f"warnings_{lang}"] for lang in LANGS if f"warnings_{lang}" in frames}
        return cls(year, frames["table"], bool(frames["compared"]["compared"].iloc[0]), warnings)


def readable_quality(quality: Quality | QualityTables, lang: str = "vi") -> pd.DataFrame:
    """Return the quality table as analysts read it, one column per district then the province, one row per
    measure (the cooperatives, each field under its template header, the blanks, the warnings), the counts
    written the Vietnamese way (27.379): eight districts fit a screen across, seventeen measures do not."""
    frame = quality.table.set_index(DISTRICT)
    names = {
        COOPS: t("quality.col.coops", lang),
        BLANKS: t("quality.col.blanks", lang),
        WARNINGS: t("quality.col.warnings", lang),
        **{f: COOP.column(f).header if lang == "vi" else COOP.column(f).header_en for f in FIELDS},
    }
    out = frame.T.map(lambda n: format_number(n, 0, lang))
    out.columns = [t("quality.total", lang) if d == TOTAL else d for d in out.columns]
    out.insert(0, t("quality.col.measure", lang), [names[m] for m in out.index])
    return out.reset_index(drop=True)


__all__ = ["FIELDS", "TOTAL", "Quality", "QualityTables", "readable_quality", "year_quality"]
