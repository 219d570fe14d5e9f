"""Year-on-year checks: a statistics workbook compared with the year before as the store holds it.

Per cooperative (matched by Mã HTX): figures that grow or fall beyond the factor declared with their column
(`Column.jump_factor`), ratings that move by `Column.jump_levels` classes or more, and cooperatives of last
year that are gone without being marked "Giải thể". For the year as a whole: totals that move by more than a
plausible share, and the share of operating cooperatives that gave each figure falling (the thresholds and
their reasons: data/checks/year-on-year.yaml).

Every finding is a warning: it names the Mã HTX, the column, last year's value and this year's, and never
stops an import. Pure: the data of the year before is given (`kpi.stats.preview.against_store` reads a store's).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from kpi.common import problems as pb
from kpi.common.data_files import read_yaml
from kpi.common.formatting import format_number, format_percent
from kpi.common.i18n import LANGS, texts
from kpi.common.settings import DATA_DIR
from kpi.workbook.contract import COOP, NUMERIC_KINDS, STATUS_DISSOLVED, STATUS_OPERATING, Column
from kpi.workbook.dataset import YEAR, Dataset
from kpi.workbook.validate import CleanWorkbook

RULES_PATH = DATA_DIR / "checks" / "year-on-year.yaml"


@dataclass(frozen=True)
class Total:
    """A figure of the whole year: the count of cooperatives not dissolved, or the sum of one column."""

    id: str
    name: dict[str, str]
    max_change: float
    reason: dict[str, str]
    column: str | None = None


@dataclass(frozen=True)
class Rules:
    """The thresholds of the checks of the year as a whole."""

    totals: tuple[Total, ...]
    coverage_columns: tuple[str, ...]
    coverage_max_fall: float
    coverage_reason: dict[str, str]


def load_rules(path: Path | None = None) -> Rules:
    """Return the rules read from `path` (default: the shipped data/checks/year-on-year.yaml)."""
    data = read_yaml(path or RULES_PATH)
    totals = tuple(
        Total(
            id=t["id"],
            name=dict(t["name"]),
            max_change=float(t["max_change"]),
            reason=dict(t["reason"]),
            column=t.get("column"),
        )
        for t in data["totals"]
    )
    for total in totals:
        if total.column is not None:
            COOP.column(total.column)  # a column that does not exist is a KeyError here, not a silent skip
    coverage = data["coverage"]
    columns = tuple(coverage["columns"])
    for column in columns:
        COOP.column(column)
    return Rules(totals, columns, float(coverage["max_fall"]), dict(coverage["reason"]))


@cache
def shipped_rules() -> Rules:
    """Return the shipped rules, read once per process."""
    return load_rules()


def year_on_year(before: Dataset, clean: CleanWorkbook, rules: Rules | None = None) -> list[pb.Problem]:
    """Return the warnings of `clean` against the year before it in `before` (none when that year is absent).

    Order: per cooperative by Excel row, then the cooperatives gone, then the totals and the coverage.
    """
    rules = rules or shipped_rules()
    prev_year = clean.year - 1
    coops = before.coops
    old = coops[coops[YEAR] == prev_year] if len(coops) else coops
    if not len(old) and prev_year not in before.years:
        return []
    new = clean.coops
    sheet = clean.sheet_names.get(COOP.id, COOP.name)
    years = {"year": str(clean.year), "prev_year": str(prev_year)}
    problems = _per_coop(old, new, sheet, years)
    problems += _vanished(old, new, sheet, years)
    problems += _totals(old, new, rules, sheet, years)
    problems += _coverage(old, new, rules, sheet, years)
    return pb.with_cells(problems, clean.letters)


def _codes(frame: pd.DataFrame) -> pd.Series:
    return frame["code"].astype("str").str.strip()


def _per_coop(old: pd.DataFrame, new: pd.DataFrame, sheet: str, years: dict) -> list[pb.Problem]:
    numeric = [c for c in COOP.columns if c.kind in NUMERIC_KINDS and c.jump_factor]
    ranked = [c for c in COOP.columns if c.ranked and c.jump_levels]
    ids = [c.id for c in (*numeric, *ranked)]
    left = old.assign(code=_codes(old))[["code", *ids]].drop_duplicates("code")
    right = new.assign(code=_codes(new))[["code", "_row", *ids]]
    both = right.merge(left, on="code", how="inner", suffixes=("", "__old"), sort=False)
    found: list[tuple[int, int, pb.Problem]] = []
    for position, col in enumerate(numeric):
        for rec in _jumps(both, col).to_dict("records"):
            found.append((_row(rec), position, _jump_problem(rec, col, sheet, years)))
    for position, col in enumerate(ranked, start=len(numeric)):
        rank = {value: i for i, value in enumerate(col.ranked)}
        # to_numeric: a column blank in every row keeps its text dtype through map(), and text cannot subtract
        a = pd.to_numeric(both[f"{col.id}__old"].map(rank), errors="coerce")
        b = pd.to_numeric(both[col.id].map(rank), errors="coerce")
        moved = (b - a).abs() >= col.jump_levels
        for rec in both[moved.fillna(False).astype(bool)].to_dict("records"):
            levels = abs(rank[rec[col.id]] - rank[rec[f"{col.id}__old"]])
            problem = pb.warning(
                "yoy_rating",
                sheet=sheet,
                row=_row(rec) or None,
                column=col.header,
                value=rec[col.id],
                htx=rec["code"],
                before=rec[f"{col.id}__old"],
                levels=str(levels),
                **years,
            )
            found.append((_row(rec), position, problem))
    return [p for _, _, p in sorted(found, key=lambda f: (f[0], f[1]))]


def _row(rec: dict) -> int:
    """Return the Excel row of a cooperative of the workbook; 0 for data read from the store (no row)."""
    row = rec.get("_row")
    return 0 if row is None or pd.isna(row) else int(row)


def _jumps(both: pd.DataFrame, col: Column) -> pd.DataFrame:
    """Return the rows whose value this year is at least `jump_factor` times last year's, or at most 1/it."""
    a = pd.to_numeric(both[f"{col.id}__old"], errors="coerce").astype("float64")
    b = pd.to_numeric(both[col.id], errors="coerce").astype("float64")
    comparable = (a > 0) & (b > 0)  # a blank or a zero has no ratio: nothing to say of it
    ratio = (b / a).where(comparable)
    factor = float(col.jump_factor or 0)
    flagged = (ratio >= factor) | (ratio <= 1 / factor)
    return both[flagged.fillna(False).astype(bool)]


def _jump_problem(rec: dict, col: Column, sheet: str, years: dict) -> pb.Problem:
    before, after = float(rec[f"{col.id}__old"]), float(rec[col.id])
    if after >= before:
        change = texts("problem.yoy_jump.up", times=_ratio_text(after / before))
    else:
        change = texts("problem.yoy_jump.down", times=_ratio_text(before / after))
    return pb.warning(
        "yoy_jump",
        sheet=sheet,
        row=_row(rec) or None,
        column=col.header,
        value=after,
        htx=rec["code"],
        before=before,
        change=change,
        **years,
    )


def _ratio_text(x: float) -> dict[str, str]:
    decimals = 0 if x >= 100 or float(x).is_integer() else 1
    return {lang: format_number(x, decimals, lang) for lang in LANGS}


def _vanished(old: pd.DataFrame, new: pd.DataFrame, sheet: str, years: dict) -> list[pb.Problem]:
    """Return a warning per cooperative of last year, not dissolved then, that the workbook does not hold."""
    gone = old[~_codes(old).isin(set(_codes(new))) & (old["status"] != STATUS_DISSOLVED)]
    return [
        pb.warning(
            "yoy_vanished",
            sheet=sheet,
            value=str(rec["code"]).strip(),
            name=rec["name"],
            district=rec["district"] if isinstance(rec["district"], str) else "–",
            status=rec["status"],
            dissolved=STATUS_DISSOLVED,
            **years,
        )
        for rec in gone.sort_values("code", key=lambda s: s.astype("str")).to_dict("records")
    ]


def _totals(old: pd.DataFrame, new: pd.DataFrame, rules: Rules, sheet: str, years: dict) -> list[pb.Problem]:
    problems = []
    for total in rules.totals:
        before, after = _total(old, total), _total(new, total)
        if not before or before <= 0:
            continue
        change = after / before - 1
        if abs(change) <= total.max_change:
            continue
        shown = {
            lang: ("+" if change > 0 else "") + format_percent(100 * change, 1, lang) for lang in ("vi", "en")
        }
        problems.append(
            pb.warning(
                "yoy_total",
                sheet=sheet,
                measure=total.name,
                before=before,
                after=after,
                change=shown,
                limit={lang: format_percent(100 * total.max_change, 0, lang) for lang in ("vi", "en")},
                reason=total.reason,
                **years,
            )
        )
    return problems


def _total(frame: pd.DataFrame, total: Total) -> float:
    kept = frame[frame["status"] != STATUS_DISSOLVED]
    if total.column is None:
        return float(len(kept))
    return float(pd.to_numeric(kept[total.column], errors="coerce").sum())


def _coverage(
    old: pd.DataFrame, new: pd.DataFrame, rules: Rules, sheet: str, years: dict
) -> list[pb.Problem]:
    problems = []
    old_op, new_op = old[old["status"] == STATUS_OPERATING], new[new["status"] == STATUS_OPERATING]
    if not len(old_op) or not len(new_op):
        return problems
    for column in rules.coverage_columns:
        had, has = int(old_op[column].notna().sum()), int(new_op[column].notna().sum())
        share_before, share_after = had / len(old_op), has / len(new_op)
        if share_before - share_after <= rules.coverage_max_fall + 1e-12:
            continue
        problems.append(
            pb.warning(
                "yoy_coverage",
                sheet=sheet,
                column=COOP.column(column).header,
                had=float(had),
                of_before=float(len(old_op)),
                has=float(has),
                of_after=float(len(new_op)),
                share_before=_percent(share_before),
                share_after=_percent(share_after),
                limit=format_number(100 * rules.coverage_max_fall, 0),
                reason=rules.coverage_reason,
                **years,
            )
        )
    return problems


def _percent(share: float) -> dict[str, str]:
    return {lang: format_percent(100 * share, 1, lang) for lang in ("vi", "en")}


__all__ = ["Rules", "Total", "load_rules", "year_on_year"]
