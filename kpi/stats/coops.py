"""The list of cooperatives: filtering one year's rows, and following one cooperative across the years.

Pure pandas, for the page "Danh sách HTX" and anything else that lists cooperatives. Rows are the clean
cooperative rows of `kpi.workbook.validate` (column ids of `kpi.workbook.contract.COOP`), with a `year` column when they come
from a `Dataset`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from kpi.common.i18n import t
from kpi.common.safe_text import fold, fold_all
from kpi.stats.preview import display, table_workbook_bytes
from kpi.workbook.contract import COOP, NO, NUMERIC_KINDS, YES, Kind
from kpi.workbook.dataset import YEAR, Dataset
from kpi.workbook.reader import ROW

BLANK = ""  # in a choice filter, stands for "the cell is blank"

# The columns a filter can narrow by a list of values (all of them texts of closed or reference lists).
CHOICE_FILTERS = {
    "districts": "district",
    "communes": "commune",
    "sectors": "sector",
    "statuses": "status",
    "ratings": "rating",
}


@dataclass(frozen=True)
class CoopFilters:
    """What the list is narrowed to; an empty tuple or None means "no condition on this column".

    - `text`: every word must appear in the code or the name (case, accents and spacing ignored);
    - choice lists: the row's value must be one of them; `BLANK` ("") in a list matches a blank cell;
    - `ocop`: True keeps cooperatives owning at least one OCOP product, False those owning none or blank;
    - `value_chain`, `model`: True keeps "Có"; False keeps "Không" and blank cells.
    """

    text: str = ""
    districts: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    ocop: bool | None = None
    value_chain: bool | None = None
    model: bool | None = None

    @classmethod
    def of(cls, filters: CoopFilters | Mapping[str, object] | None) -> CoopFilters:
        """Return filters from a CoopFilters, a mapping of its fields (lists accepted), or None."""
        if filters is None:
            return cls()
        if isinstance(filters, CoopFilters):
            return filters
        known = {f.name for f in fields(cls)}
        unknown = set(filters) - known
        if unknown:
            raise ValueError(f"unknown filters: {', '.join(sorted(unknown))}")
        values = {k: tuple(v) if k in CHOICE_FILTERS and v is not None else v for k, v in filters.items()}
        values = {k: () if k in CHOICE_FILTERS and v is None else v for k, v in values.items()}
        return cls(**values)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        """Return True when any condition is set."""
        return self != CoopFilters()


def filter_coops(
    clean_coops: pd.DataFrame, filters: CoopFilters | Mapping[str, object] | None
) -> pd.DataFrame:
    """Return the rows of `clean_coops` that meet every condition of `filters`, in their original order."""
    f = CoopFilters.of(filters)
    mask = pd.Series(True, index=clean_coops.index)
    for name, column in CHOICE_FILTERS.items():
        chosen = getattr(f, name)
        if chosen:
            mask &= _choice_mask(clean_coops[column], chosen)
    if f.ocop is not None:
        owns = pd.to_numeric(clean_coops["ocop_products"], errors="coerce").fillna(0) >= 1
        mask &= owns if f.ocop else ~owns
    for name in ("value_chain", "model"):
        wanted = getattr(f, name)
        if wanted is not None:
            yes = clean_coops[name].astype("boolean").fillna(False).astype(bool)
            mask &= yes if wanted else ~yes
    kept = clean_coops[mask]
    words = [fold(w) for w in f.text.split()]
    words = [w for w in words if w]
    if words and len(kept):
        # Folding is the costly part: it runs last, on the rows still kept.
        codes, names = fold_all(kept["code"]), fold_all(kept["name"])
        hit = pd.Series(True, index=kept.index)
        for w in words:
            hit &= codes.str.contains(w, regex=False) | names.str.contains(w, regex=False)
        kept = kept[hit]
    return kept


def list_order(clean_coops: pd.DataFrame, districts: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Return one year's rows as the list shows them: by district in the order of `districts` (other districts
    after them), then by name (accents and case ignored), then by Excel row."""
    rank = clean_coops["district"].map({name: i for i, name in enumerate(districts)}).fillna(len(districts))
    keys = pd.DataFrame({"d": rank, "n": fold_all(clean_coops["name"])}, index=clean_coops.index)
    return clean_coops.loc[keys.sort_values(["d", "n"], kind="stable").index].reset_index(drop=True)


def code_keys(codes: pd.Series | list[str], fold_case: bool = False) -> np.ndarray:
    """Return a 64-bit key of each code, trimmed (and case-folded with `fold_case`): pandas' own hash of texts,
    the same in every process, so keys kept with a version match keys made later (`kpi.stats.results` stamps
    the kept tables with a probe of it). Equal codes have equal keys; two codes sharing a key are so rare that
    lookups by key are checked against the codes themselves where it matters (`coop_history`)."""
    trimmed = pd.Series(codes, dtype="str").str.strip()
    if fold_case:
        trimmed = trimmed.str.casefold()
    return pd.util.hash_array(trimmed.to_numpy(dtype=object, na_value=None), categorize=False)


def code_rows(clean_coops: pd.DataFrame) -> pd.DataFrame:
    """Return each row's code key (`code_keys`), its key regardless of case (`fold`) and its Excel row: what
    finding a cooperative across the years needs, as numbers (a year's codes as text cost more to keep, read
    and look up)."""
    return pd.DataFrame(
        {
            "key": code_keys(clean_coops["code"]),
            "fold": code_keys(clean_coops["code"], fold_case=True),
            ROW: clean_coops[ROW].to_numpy().astype("int64"),
        }
    )


@dataclass(frozen=True)
class CodeIndex:
    """Every year's code keys (`code_rows`) as one table: a row per cooperative (distinct code key), its Excel
    row in each year, to find one cooperative across the years and count the years each of many appears in.

    A year holds a code once (the workbook check rejects a code used twice in a year); were one there twice,
    its first row is the one kept.
    """

    years: tuple[int, ...]  # the years, in the order of `codes_by_year`
    keys: np.ndarray  # code_keys of each cooperative (uint64)
    folds: np.ndarray  # code_keys(fold_case=True) of each cooperative
    rows: np.ndarray  # its Excel row in each year, a column per year; ABSENT when not there that year

    ABSENT = -1

    @classmethod
    def of(cls, codes_by_year: Mapping[int, pd.DataFrame]) -> CodeIndex:
        """Return the index of {year: `code_rows`}."""
        frames = list(codes_by_year.values())

        def joined(column: str, dtype: str) -> np.ndarray:
            return np.concatenate(
                [f[column].to_numpy().astype(dtype) for f in frames] or [np.empty(0, dtype)]
            )

        keys, folds, rows = joined("key", "uint64"), joined("fold", "uint64"), joined(ROW, "int64")
        slots = np.repeat(np.arange(len(frames), dtype="int64"), [len(f) for f in frames])
        at, distinct = pd.factorize(keys)
        table = np.full((len(distinct), len(frames)), cls.ABSENT, dtype="int64")
        # Each (cooperative, year) once: its first row that year.
        _, first_of_year = np.unique(at * max(len(frames), 1) + slots, return_index=True)
        table[at[first_of_year], slots[first_of_year]] = rows[first_of_year]
        _, first = np.unique(at, return_index=True)  # each cooperative's first row: its fold key
        return cls(tuple(int(y) for y in codes_by_year), distinct.astype("uint64"), folds[first], table)

    def frame(self) -> pd.DataFrame:
        """Return the index as a table to keep: key, fold, then a column of Excel rows per year."""
        # Excel rows fit 32 bits: the table stays under the size from which kept tables are compressed
        per_year = {str(year): self.rows[:, i].astype("int32") for i, year in enumerate(self.years)}
        return pd.DataFrame({"key": self.keys, "fold": self.folds, **per_year})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> CodeIndex:
        """Return the index kept as `frame()`."""
        years = [c for c in frame.columns if c not in ("key", "fold")]
        rows = frame[years].to_numpy(dtype="int64") if years else np.empty((len(frame), 0), dtype="int64")
        return cls(
            tuple(int(y) for y in years),
            frame["key"].to_numpy().astype("uint64"),
            frame["fold"].to_numpy().astype("uint64"),
            rows,
        )

    def rows_of(self, code: str) -> dict[int, list[int]]:
        """Return {year: Excel rows} of the cooperative `code`, matched as `code_matches` matches (by key), over
        all the years together."""
        hit = _matching(
            lambda: self.keys == code_keys([code])[0],
            lambda: self.folds == code_keys([code], fold_case=True)[0],
        )
        found = {}
        for slot, year in enumerate(self.years):
            rows = self.rows[hit, slot]
            rows = sorted(int(r) for r in rows[rows != self.ABSENT])
            if rows:
                found[year] = rows
        return found

    def years_present(self, codes: pd.Series) -> np.ndarray:
        """Return, for each of `codes` (trimmed here), in how many of the years it appears."""
        at = pd.Index(self.keys).get_indexer(code_keys(codes))  # -1: a code of no year
        spans = (self.rows != self.ABSENT).sum(axis=1)
        out = np.where(at >= 0, spans[at] if len(spans) else 0, 0).astype("int64")
        out[pd.isna(codes).to_numpy()] = 0  # a blank code is no cooperative
        return out


def _choice_mask(series: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    values = [c for c in chosen if c != BLANK]
    mask = series.isin(values).fillna(False).astype(bool)
    if BLANK in chosen:
        mask |= series.isna() | (series.astype("str").str.strip() == "")
    return mask


def choice_options(
    clean_coops: pd.DataFrame, column: str, order: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """Return the values of `column` to offer in a filter: `order` first (those present), then the others
    sorted, then `BLANK` when some cells are blank."""
    # The distinct values first: looking at 30.000 cells one by one is slow, at a few dozen values is not.
    values = clean_coops[column].unique()
    present = {str(v) for v in values if not pd.isna(v)}
    blank = [BLANK] if any(pd.isna(v) or str(v).strip() == "" for v in values) else []
    present = {v for v in present if v.strip()}
    ordered = [v for v in order if v in present]
    rest = sorted(present - set(ordered), key=lambda v: fold(v))
    return [*ordered, *rest, *blank]


# --- one cooperative across the years -------------------------------------------------------------------------

HISTORY_COLUMNS = [YEAR, *COOP.ids]


def code_matches(codes: pd.Series, code: str) -> pd.Series:
    """Return which of `codes` are the cooperative `code`: equal after trimming, else (when none is) equal
    without regard to case."""
    trimmed, wanted = codes.astype("str").str.strip(), str(code).strip()
    mask = _matching(
        lambda: (trimmed == wanted).fillna(False).to_numpy(dtype=bool),
        lambda: (trimmed.str.casefold() == wanted.casefold()).fillna(False).to_numpy(dtype=bool),
    )
    return pd.Series(mask, index=codes.index)


def _matching(exact: Callable[[], np.ndarray], folded: Callable[[], np.ndarray]) -> np.ndarray:
    """Return the rule by which a code names a cooperative: the `exact` matches (after trimming) when there are
    any, else the matches without regard to case (`folded`, computed only then)."""
    hit = exact()
    return hit if hit.any() else folded()


def coop_history(dataset: Dataset, code: str) -> pd.DataFrame:
    """Return one row per reporting year in which the cooperative `code` appears, oldest first.

    Columns: `year` and the column ids of sheet HTX. The code is matched exactly after trimming, then
    without regard to case.
    """
    coops = dataset.coops
    rows = coops[code_matches(coops["code"], code)]
    columns = [c for c in HISTORY_COLUMNS if c in rows.columns]
    out = rows[columns].sort_values(YEAR, kind="stable").reset_index(drop=True)
    out[YEAR] = out[YEAR].astype("int64")
    return out


def rating_path(history: pd.DataFrame, blank: str = "–") -> list[tuple[int, str]]:
    """Return (year, rating) for each year of a cooperative's history; `blank` where no rating was given."""
    return [
        (int(y), blank if pd.isna(r) or str(r).strip() == "" else str(r))
        for y, r in zip(history[YEAR], history["rating"], strict=True)
    ]


def coop_index(clean_coops: pd.DataFrame) -> pd.DataFrame:
    """Return one row per cooperative code (code, name, district, commune), sorted by name then code.

    When the rows span several years, the latest year's name and place are kept.
    """
    columns = ["code", "name", "district", "commune"]
    rows = clean_coops
    if YEAR in rows.columns:
        rows = rows.sort_values(YEAR, kind="stable")
    latest = rows.drop_duplicates("code", keep="last")[columns]
    order = latest["name"].map(fold, na_action="ignore").fillna("")
    return (
        latest.assign(_order=order)
        .sort_values(["_order", "code"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


# --- tables as users read them --------------------------------------------------------------------------------

LIST_COLUMNS = [c.id for c in COOP.columns]


def readable_table(clean_coops: pd.DataFrame, lang: str = "vi", with_year: bool = False) -> pd.DataFrame:
    """Return the rows with the workbook's column headers (Vietnamese, or English), "Có"/"Không" for
    yes/no columns, and numbers left as numbers (so that they still sort as numbers)."""
    columns = ([YEAR] if with_year else []) + [c for c in LIST_COLUMNS if c in clean_coops.columns]
    out = clean_coops[columns].copy()
    yes, no = (YES, NO) if lang == "vi" else (t("coops.yes", lang), t("coops.no", lang))
    for col in COOP.columns:
        if col.kind == Kind.YES_NO and col.id in out:
            flags = out[col.id].astype("boolean")
            out[col.id] = flags.map({True: yes, False: no}, na_action="ignore").astype("str")
    out = out.rename(columns=column_headers(lang))
    return out.reset_index(drop=True)


def column_headers(lang: str = "vi") -> dict[str, str]:
    """Return column id -> header shown to users (the workbook's header in Vietnamese)."""
    headers = {c.id: (c.header if lang == "vi" else c.header_en) for c in COOP.columns}
    headers[YEAR] = t("coops.col.year", lang)
    return headers


# How the on-screen grid shows whole numbers: Streamlit's printf format with "." as the thousands separator
# ("%'.,d" gives 27.379), so numbers keep sorting as numbers, unlike pre-formatted text.
SCREEN_NUMBER_FORMAT = "%'.,d"


def screen_table(clean_coops: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return the rows as the on-screen grid shows them: `readable_table`, with every figure rounded half up
    (away from zero) to a whole number, as a nullable integer. Years stay years; the Excel download keeps
    the exact values."""
    table = readable_table(clean_coops, lang)
    headers = column_headers(lang)
    rounded = {}
    for col in COOP.columns:
        name = headers[col.id]
        if col.kind in NUMERIC_KINDS and name in table:
            x = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            whole = np.sign(x) * np.floor(np.abs(x) + 0.5)
            blank = ~np.isfinite(whole)
            # numpy first, one integer column at the end: pandas' own steps cost more than the rounding
            rounded[name] = pd.arrays.IntegerArray(np.where(blank, 0, whole).astype("int64"), blank)
    return table.assign(**rounded)


def list_workbook_bytes(clean_coops: pd.DataFrame, title_lines: list[str], lang: str = "vi") -> bytes:
    """Return the list as an Excel file to read and share: title lines, then one row per cooperative under
    the workbook's headers. It has no sheet "Thông tin", so it cannot be imported by mistake as a year."""
    table = readable_table(clean_coops, lang)
    headers = column_headers(lang)
    plain = [headers["code"], headers["founded_year"]]
    return table_workbook_bytes(table, t("coops.export.sheet", lang), title_lines, plain_columns=plain)


_FILTER_LABELS = {
    "districts": "coops.filter.district",
    "communes": "coops.filter.commune",
    "sectors": "coops.filter.sector",
    "statuses": "coops.filter.status",
    "ratings": "coops.filter.rating",
}


def describe_filters(filters: CoopFilters | Mapping[str, object] | None, lang: str = "vi") -> str:
    """Return the conditions in words, for the title of a download ("Huyện/Thành phố: Cư Jút; tìm "cà phê"")."""
    f = CoopFilters.of(filters)
    if not f.active:
        return t("coops.export.no_filter", lang)
    parts = []
    if f.text.strip():
        parts.append(t("coops.export.search", lang, text=f.text.strip()))
    for name in CHOICE_FILTERS:
        chosen = getattr(f, name)
        if chosen:
            values = ", ".join(t("coops.filter.blank", lang) if v == BLANK else v for v in chosen)
            parts.append(f"{t(_FILTER_LABELS[name], lang)}: {values}")
    for name in ("ocop", "value_chain", "model"):
        wanted = getattr(f, name)
        if wanted is not None:
            word = t("coops.yes", lang) if wanted else t("coops.no", lang)
            parts.append(f"{t(f'coops.filter.{name}', lang)}: {word}")
    return "; ".join(parts)


# Rows of the history table, in the order an analyst reads a cooperative's year. The identity rows are shown
# only when they change over the years; `identity_line` says them once otherwise.
IDENTITY_ROWS = ("name", "district", "commune", "sector", "founded_year")
FIGURE_ROWS = (
    "status",
    "rating",
    "members",
    "workers",
    "revenue",
    "profit",
    "avg_income",
    "managers",
    "managers_vocational",
    "managers_higher",
    "ocop_products",
    "value_chain",
    "model",
)
# Columns of the on-screen list, most read first (the Excel file keeps the workbook's order).
SCREEN_ORDER = (
    "name",
    "code",
    "district",
    "commune",
    "sector",
    "status",
    "rating",
    *FIGURE_ROWS[2:],
    "founded_year",
)


def history_table(history: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return a cooperative's history as users read it: one row per item (headers of the workbook), one
    column per year, values in Vietnamese format ("–" when blank). Identity rows (name, place, sector, year
    founded) appear only when they differ between years."""
    headers = column_headers(lang)
    item = t("coops.history.field", lang)
    changing = [c for c in IDENTITY_ROWS if history[c].astype("str").nunique(dropna=False) > 1]
    rows = []
    for column_id in (*changing, *FIGURE_ROWS):
        col = COOP.column(column_id)
        values = {
            str(int(y)): display(v, col, lang) for y, v in zip(history[YEAR], history[column_id], strict=True)
        }
        rows.append({item: headers[column_id], **values})
    return pd.DataFrame(rows, columns=[item, *[str(int(y)) for y in history[YEAR]]])


def identity_line(history: pd.DataFrame, lang: str = "vi") -> str:
    """Return who the cooperative is, from its latest year: code, commune and district, sector, year founded."""
    last = history.iloc[-1]

    def known(value: object) -> bool:
        return value is not None and not pd.isna(value) and str(value).strip() != ""

    parts = [t("coops.history.code", lang, code=last["code"])]
    place = ", ".join(str(last[c]) for c in ("commune", "district") if known(last[c]))
    if place:
        parts.append(place)
    if known(last["sector"]):
        parts.append(str(last["sector"]))
    if known(last["founded_year"]):
        parts.append(t("coops.history.founded", lang, year=int(last["founded_year"])))
    return " · ".join(parts)
