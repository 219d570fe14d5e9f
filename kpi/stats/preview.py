"""What an import would change, before it is confirmed: cooperatives added, removed and changed against the
version of that year in force, and every indicator of the year before and after.

Pure: the page "Nhập dữ liệu" lays out a `StatsPreview` (the statistics' `kpi.store.preview.ImportPreview`: its
headline counts, its lists of cooperatives and its indicator table as sections) and the command line shows its
year-on-year warnings; nothing is written here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import xlsxwriter

from kpi.common import problems as pb
from kpi.common.formatting import DISPLAY_TZ, MINUS, MISSING, format_number, format_signed, format_value
from kpi.common.i18n import t
from kpi.common.safe_text import formula_like
from kpi.stats.report import Report, build_report, default_engine
from kpi.stats.year_checks import year_on_year
from kpi.store.preview import Count, ImportPreview, PreviewBasis, Section, preview_basis
from kpi.store.versions import STATS, Store
from kpi.workbook.contract import COOP, GROUP, INFO, NUMERIC_KINDS, Column, Kind, Sheet
from kpi.workbook.dataset import YEAR, Dataset, dataset_from_workbooks
from kpi.workbook.upload import is_sample_unit
from kpi.workbook.validate import CleanWorkbook

KEY_COLUMNS = ["code", "name", "district", "commune"]  # what identifies a cooperative in the lists
_TOLERANCE = 1e-9  # numbers read back from the store as doubles may differ in the last bit


@dataclass
class StatsPreview(ImportPreview):
    """The difference an import of a statistics workbook would make to its year.

    - `added`, `removed`: one row per cooperative (code, name, district, commune);
    - `changed`: one row per cooperative whose figures differ (code, name, district, commune, `fields`: the
      column ids that differ, in sheet order);
    - `changes`: one row per changed cell (code, name, field, before, after), values as stored;
    - `other_changes`: the same for sheets Thông tin and THT (sheet id, key, field, before, after);
    - `kpis`: one row per indicator (indicator, name, unit, decimals, before, after, change,
      status_before, status_after), for the year imported.
    """

    year: int
    current_version: int | None
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame
    changes: pd.DataFrame
    other_changes: pd.DataFrame
    unchanged: int
    kpis: pd.DataFrame
    rows_before: int = 0
    rows_after: int = 0
    # The warnings of the workbook against the year before in force (kpi.stats.year_checks), shown first, and
    # whether that year is there to compare with (the real versions alone for a real workbook).
    year_warnings: list[pb.Problem] = field(default_factory=list)
    year_compared: bool = False
    basis: PreviewBasis = field(default_factory=PreviewBasis)  # the store's side (kpi.store.preview)

    year_checked: ClassVar[bool] = True

    @property
    def has_changes(self) -> bool:  # type: ignore[override]
        """Return True when the import changes anything at all."""
        return bool(len(self.added) or len(self.removed) or len(self.changed) or len(self.other_changes))

    def summary(self, lang: str = "vi") -> list[Count]:
        """Return the cooperatives added, no longer listed, changed and unchanged."""
        counts = (len(self.added), len(self.removed), len(self.changed), self.unchanged)
        return [
            Count(t(f"imports.metric.{name}", lang), format_number(n, 0, lang))
            for name, n in zip(("added", "removed", "changed", "unchanged"), counts, strict=True)
        ]

    def sections(self, lang: str = "vi") -> list[Section]:
        """Return the lists of cooperatives added (not for a new year), removed (open) and changed, every
        changed cell (not for a new year: every cell is new), then the indicators before and after."""
        found: list[Section] = []

        def listed(key: str, count: int, table: pd.DataFrame, opened: bool = False) -> None:
            title = t(f"imports.list.{key}", lang, count=format_number(count, 0, lang))
            found.append(Section(key, title, table, folded=True, opened=opened))

        if len(self.added) and not self.is_new_year:
            listed("added", len(self.added), keys_table(self.added, lang))
        if len(self.removed):
            listed("removed", len(self.removed), keys_table(self.removed, lang), opened=True)
        if len(self.changed):
            listed("changed", len(self.changed), changed_table(self, lang))
        cells = changes_table(self, lang)
        if len(cells) and not self.is_new_year:
            listed("cells", len(cells), cells)
        title = t("imports.kpis", lang, year=self.year)
        found.append(Section("kpis", title, readable_kpis(self, lang), help=t("imports.kpis_help", lang)))
        return found


def preview_import(store: Store, clean: CleanWorkbook) -> StatsPreview:
    """Return what importing `clean` would change in the store.

    Real data never stands beside sample data (`kpi.store.preview.preview_basis`): a real workbook is compared
    with the real versions alone and `sample_to_remove` lists the sample versions (of every kind) that go; a
    workbook marked as sample data (`is_sample_workbook`) is compared with what the store holds and
    `mixes_with_real` says whether real data is there (then it must not be imported).
    """
    basis = preview_basis(store, STATS, clean.year, is_sample_workbook(clean))
    data = store.load_dataset(basis.compared)
    version = basis.compared.get(clean.year)
    preview = compare(data, clean, version if clean.year in data.years else None)
    preview.basis = basis
    return preview


def against_store(store: Store, clean: CleanWorkbook) -> tuple[list[pb.Problem], bool]:
    """Return (the year-on-year warnings of `clean` against the year before in `store`, whether that year is
    stored), compared as the preview compares: a real workbook with the real versions alone."""
    basis = preview_basis(store, STATS, clean.year, is_sample_workbook(clean))
    before = store.load_dataset(basis.compared)
    return year_on_year(before, clean), clean.year - 1 in before.years


def is_sample_workbook(clean: CleanWorkbook) -> bool:
    """Return True when the workbook's reporting unit marks it as sample data (as `kpi.stats.sample` writes it)."""
    return is_sample_unit(clean.info.get("reporting_unit"))


def compare(before: Dataset, clean: CleanWorkbook, current_version: int | None = None) -> StatsPreview:
    """Return the difference between `before` (every year in force) and the same with `clean` in its year."""
    year = clean.year
    old = before.coops[before.coops[YEAR] == year] if len(before.coops) else before.coops
    new = clean.coops
    old_codes, new_codes = _codes(old), _codes(new)
    added = new[new_codes.isin(set(old_codes)).eq(False)]
    removed = old[old_codes.isin(set(new_codes)).eq(False)]
    changed, changes, unchanged = _changed_coops(old, new)
    after = with_year(before, clean)
    return StatsPreview(
        year=year,
        current_version=current_version,
        added=_keys(added),
        removed=_keys(removed),
        changed=changed,
        changes=changes,
        other_changes=_other_changes(before, clean),
        unchanged=unchanged,
        kpis=kpi_table(before, after, year),
        rows_before=len(old),
        rows_after=len(new),
        year_warnings=year_on_year(before, clean),
        year_compared=year - 1 in before.years,
    )


def with_year(data: Dataset, clean: CleanWorkbook) -> Dataset:
    """Return `data` with the year of `clean` replaced by (or extended with) the clean workbook."""
    new = dataset_from_workbooks([clean])

    def swap(old: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
        kept = old[old[YEAR] != clean.year] if len(old) else old
        parts = [p for p in (kept, fresh) if len(p)]
        if not parts:
            return fresh
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        return out.sort_values(YEAR, kind="stable").reset_index(drop=True)

    return Dataset(
        coops=swap(data.coops, new.coops),
        groups=swap(data.groups, new.groups),
        info=swap(data.info, new.info),
    )


# --- cooperatives --------------------------------------------------------------------------------------------


def _codes(frame: pd.DataFrame) -> pd.Series:
    return frame["code"].astype("str").str.strip()


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[KEY_COLUMNS].copy()
    out["code"] = _codes(frame)
    return out.reset_index(drop=True)


def _changed_coops(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Return (one row per changed cooperative, one row per changed cell, count of identical ones)."""
    compared = [c for c in COOP.columns if c.id != "code"]
    left = old.assign(code=_codes(old))[["code", *[c.id for c in compared]]]
    right = new.assign(code=_codes(new))[["code", *[c.id for c in compared]]]
    both = right.merge(left, on="code", how="inner", suffixes=("", "__old"), sort=False)
    differs = pd.DataFrame(
        {c.id: ~_same(both[f"{c.id}__old"], both[c.id], c) for c in compared}, index=both.index
    )
    any_change = differs.any(axis=1)
    rows, cells = [], []
    for idx in both.index[any_change]:
        fields = [c.id for c in compared if differs.at[idx, c.id]]
        rec = both.loc[idx]
        rows.append({**{k: rec[k] for k in KEY_COLUMNS}, "fields": fields})
        cells += [
            {
                "code": rec["code"],
                "name": rec["name"],
                "field": f,
                "before": _plain(rec[f"{f}__old"]),
                "after": _plain(rec[f]),
            }
            for f in fields
        ]
    changed = pd.DataFrame(rows, columns=[*KEY_COLUMNS, "fields"])
    changes = pd.DataFrame(cells, columns=["code", "name", "field", "before", "after"])
    return changed, changes, int((~any_change).sum())


def _same(before: pd.Series, after: pd.Series, col: Column) -> pd.Series:
    """Return, cell by cell, True when the two values mean the same (blank = blank)."""
    if col.kind in NUMERIC_KINDS:
        a = pd.to_numeric(before, errors="coerce").astype("float64")
        b = pd.to_numeric(after, errors="coerce").astype("float64")
        close = pd.Series(np.isclose(a, b, rtol=0, atol=_TOLERANCE), index=a.index)
        return close | (a.isna() & b.isna())
    if col.kind == Kind.YES_NO:
        a, b = before.astype("boolean"), after.astype("boolean")
        return (a == b).fillna(False).astype(bool) | (a.isna() & b.isna())
    a, b = _text(before), _text(after)
    return a == b


def _text(series: pd.Series) -> pd.Series:
    return series.astype("str").str.strip().where(series.notna(), "").fillna("")


def _plain(value: object) -> object:
    """Return a stored value as a plain Python value (None for blank)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _other_changes(before: Dataset, clean: CleanWorkbook) -> pd.DataFrame:
    """Return the changed values of sheets Thông tin (key "") and THT (key = district)."""
    rows: list[dict] = []
    info_old = before.info[before.info[YEAR] == clean.year] if len(before.info) else before.info
    old_info = info_old.iloc[0].to_dict() if len(info_old) else {}
    for col in INFO.columns:
        if col.id == "year":
            continue
        old, new = old_info.get(col.id), clean.info.get(col.id)
        if not bool(_same(pd.Series([old], dtype="object"), pd.Series([new], dtype="object"), col).iloc[0]):
            rows.append(
                {"sheet": INFO.id, "key": "", "field": col.id, "before": _plain(old), "after": _plain(new)}
            )
    groups_old = before.groups[before.groups[YEAR] == clean.year] if len(before.groups) else before.groups
    rows += _group_changes(groups_old, clean.groups, GROUP)
    return pd.DataFrame(rows, columns=["sheet", "key", "field", "before", "after"])


def _group_changes(old: pd.DataFrame, new: pd.DataFrame, sheet: Sheet) -> list[dict]:
    values = [c for c in sheet.columns if c.id != "district"]
    old_by = {str(r["district"]): r for r in old.to_dict("records")} if len(old) else {}
    new_by = {str(r["district"]): r for r in new.to_dict("records")} if len(new) else {}
    rows = []
    for district in [*new_by, *[d for d in old_by if d not in new_by]]:
        a, b = old_by.get(district, {}), new_by.get(district, {})
        for col in values:
            x, y = a.get(col.id), b.get(col.id)
            same = _same(pd.Series([x], dtype="object"), pd.Series([y], dtype="object"), col).iloc[0]
            if not bool(same):
                rows.append(
                    {
                        "sheet": sheet.id,
                        "key": district,
                        "field": col.id,
                        "before": _plain(x),
                        "after": _plain(y),
                    }
                )
    return rows


# --- indicators ----------------------------------------------------------------------------------------------

KPI_COLUMNS = [
    "indicator",
    "name",
    "unit",
    "decimals",
    "before",
    "after",
    "change",
    "status_before",
    "status_after",
]


def kpi_table(before: Dataset, after: Dataset, year: int, lang: str = "vi") -> pd.DataFrame:
    """Return every indicator of `year` computed on `before` and on `after` (see StatsPreview.kpis)."""
    engine = default_engine()
    old = build_report(before, year, engine=engine)
    new = build_report(after, year, engine=engine)
    return _kpi_rows(old, new, lang)


def _kpi_rows(old: Report, new: Report, lang: str) -> pd.DataFrame:
    rows = []
    for r_new in new.results:
        ind = r_new.indicator
        r_old = old.result(ind.id)
        a, b = r_old.assessment.value, r_new.assessment.value
        rows.append(
            {
                "indicator": ind.id,
                "name": ind.name.get(lang),
                "unit": ind.unit.get(lang),
                "decimals": ind.decimals,
                "before": a,
                "after": b,
                "change": None if a is None or b is None else b - a,
                "status_before": r_old.assessment.status,
                "status_after": r_new.assessment.status,
            }
        )
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


def readable_kpis(preview: StatsPreview, lang: str = "vi") -> pd.DataFrame:
    """Return the indicator table as users read it: names, values with units in Vietnamese format, signed
    changes and status labels, under translated headers."""
    labels = default_engine().plan.assessment.label
    out = []
    for r in preview.kpis.to_dict("records"):
        decimals = int(r["decimals"])
        out.append(
            {
                t("imports.kpi.indicator", lang): r["name"],
                t("imports.kpi.before", lang): format_value(r["before"], r["unit"], decimals, lang),
                t("imports.kpi.after", lang): format_value(r["after"], r["unit"], decimals, lang),
                t("imports.kpi.change", lang): _signed(r["change"], r["unit"], decimals, lang),
                t("imports.kpi.status_before", lang): labels(r["status_before"], lang),
                t("imports.kpi.status_after", lang): labels(r["status_after"], lang),
            }
        )
    return pd.DataFrame(out)


def _signed(x: float | None, unit: str, decimals: int, lang: str) -> str:
    text = format_signed(x, decimals, lang)
    if text == MISSING:
        return text
    if unit.strip() == "%" and text[:1] in ("+", MINUS):  # a change of 0 needs no unit
        return f"{text} {t('imports.kpi.points', lang)}"
    return text


# --- tables as users read them (validation report, changes, history) ----------------------------------------


_PROBLEM_COLUMNS = ("severity", "sheet", "row", "column", "cell", "value", "message")


def problems_table(problems: list[pb.Problem], lang: str = "vi") -> pd.DataFrame:
    """Return the problems as a table under translated headers (Mức độ, Sheet, Dòng, Cột, Ô, Giá trị, Nội dung);
    rows are Excel row numbers (blank when the problem is not on one row)."""
    records = [p.record(lang) for p in problems]
    frame = pd.DataFrame(records, columns=list(_PROBLEM_COLUMNS))
    frame["severity"] = frame["severity"].map(lambda s: t(f"imports.severity.{s}", lang)).astype("str")
    frame["row"] = pd.array(frame["row"].tolist(), dtype="Int64")
    for col in ("sheet", "column", "cell", "value", "message"):
        frame[col] = frame[col].fillna("").astype("str")
    return frame.rename(columns={c: t(f"imports.problem.{c}", lang) for c in _PROBLEM_COLUMNS})


def table_workbook_bytes(
    table: pd.DataFrame,
    sheet_name: str,
    title_lines: Sequence[str] = (),
    plain_columns: Sequence[str] = (),
) -> bytes:
    """Return an .xlsx holding one table under a few title lines: bold wrapped headers, frozen header row,
    a filter on every column, numbers kept as numbers (Excel shows them in the reader's own format);
    `plain_columns` (years, codes) are written without thousands grouping."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = wb.add_worksheet(sheet_name[:31])

    def formats(props: dict) -> tuple:
        # (as is, with the quote prefix): a text Excel could take for a formula is shown as typed, never run.
        return wb.add_format(props), wb.add_format({**props, "quote_prefix": True})

    bold = formats({"bold": True})
    header = formats({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    cell = formats({})
    integer, decimal = wb.add_format({"num_format": "#,##0"}), wb.add_format({"num_format": "#,##0.0"})
    plain = wb.add_format({"num_format": "0"})

    def write_text(r: int, c: int, text: str, fmt: tuple = cell) -> None:
        ws.write_string(r, c, text, fmt[1] if formula_like(text) else fmt[0])

    plain_at = {i for i, name in enumerate(table.columns) if name in set(plain_columns)}
    top = 0
    for line in title_lines:
        write_text(top, 0, line, bold if top == 0 else cell)
        top += 1
    if title_lines:
        top += 1
    for c, name in enumerate(table.columns):
        write_text(top, c, str(name), header)
        width = max([len(str(name))] + [len(str(v)) for v in table[name].head(500).tolist()])
        ws.set_column(c, c, min(max(width + 2, 8), 60))
    for r, values in enumerate(table.itertuples(index=False, name=None), start=top + 1):
        for c, value in enumerate(values):
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, bool | np.bool_):
                write_text(r, c, str(value))
            elif isinstance(value, int | float | np.integer | np.floating):
                number = float(value)
                fmt = plain if c in plain_at else integer if number.is_integer() else decimal
                ws.write_number(r, c, number, fmt)
            else:
                write_text(r, c, str(value))
    ws.freeze_panes(top + 1, 0)
    if len(table.columns):
        ws.autofilter(top, 0, top + max(len(table), 1), len(table.columns) - 1)
    wb.close()
    return buffer.getvalue()


def display(value: object, col: Column | None = None, lang: str = "vi") -> str:
    """Return one stored value as users read it: numbers in Vietnamese format, Có/Không, blank as "–"."""
    value = _plain(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return MISSING
    if (col is not None and col.kind == Kind.YES_NO) or isinstance(value, bool):
        return t("coops.yes", lang) if bool(value) else t("coops.no", lang)
    if col is not None and col.kind == Kind.YEAR:
        return str(int(value))  # type: ignore[arg-type]
    if isinstance(value, int | float):
        number = float(value)
        return format_number(number, 0 if number.is_integer() else 1, lang)
    return str(value)


def _header(sheet: Sheet, column_id: str, lang: str) -> str:
    col = sheet.column(column_id)
    return col.header if lang == "vi" else col.header_en


def changed_table(preview: StatsPreview, lang: str = "vi") -> pd.DataFrame:
    """Return one row per changed cooperative: code, name, district and the changed columns in words."""
    rows = [
        {
            t("imports.col.code", lang): r["code"],
            t("imports.col.name", lang): r["name"],
            t("imports.col.district", lang): r["district"],
            t("imports.col.fields", lang): "; ".join(_header(COOP, f, lang) for f in r["fields"]),
        }
        for r in preview.changed.to_dict("records")
    ]
    columns = [t(f"imports.col.{c}", lang) for c in ("code", "name", "district", "fields")]
    return pd.DataFrame(rows, columns=columns)


def changes_table(preview: StatsPreview, lang: str = "vi") -> pd.DataFrame:
    """Return one row per changed cell of every sheet: where (sheet, cooperative or district), which column,
    the value before and after, in Vietnamese format."""
    rows = []
    for r in preview.changes.to_dict("records"):
        col = COOP.column(r["field"])
        rows.append(
            (COOP.name, f"{r['code']} · {r['name']}", _header(COOP, r["field"], lang),
             display(r["before"], col, lang), display(r["after"], col, lang))
        )  # fmt: skip
    sheets = {INFO.id: INFO, GROUP.id: GROUP}
    for r in preview.other_changes.to_dict("records"):
        sheet = sheets[r["sheet"]]
        col = sheet.column(r["field"])
        rows.append(
            (sheet.name, r["key"] or MISSING, _header(sheet, r["field"], lang),
             display(r["before"], col, lang), display(r["after"], col, lang))
        )  # fmt: skip
    columns = [t(f"imports.col.{c}", lang) for c in ("sheet", "where", "column", "before", "after")]
    return pd.DataFrame(rows, columns=columns)


def keys_table(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return added or removed cooperatives (code, name, district, commune) under translated headers."""
    return frame[KEY_COLUMNS].rename(columns={c: t(f"imports.col.{c}", lang) for c in KEY_COLUMNS})


def history_table(
    history: pd.DataFrame,
    lang: str = "vi",
    *,
    counted: str = COOP.id,
    counted_header: str = "imports.history.rows",
) -> pd.DataFrame:
    """Return the store's events, newest first, as users read them: local time, action in words (sample
    versions marked), year, version, who, note, file, rows of sheet `counted` (the cooperatives; the report
    rows of a progress workbook) under the text key `counted_header`, and whether the version named is in
    force now."""
    tz = ZoneInfo(DISPLAY_TZ)
    rows = []
    for r in history.iloc[::-1].to_dict("records"):
        at = r["at"].astimezone(tz) if _given(r["at"]) else None
        action = t(f"imports.action.{r['action']}", lang)
        previous = r.get("previous_version")
        if r["action"] == "rollback" and _given(previous):
            action = t("imports.action.rollback_from", lang, previous=int(previous))
        if r["action"] == "rollback" and not _given(r["version"]):
            action = t(
                "imports.action.rollback_none", lang, previous=int(previous) if _given(previous) else "–"
            )
        if r["action"] == "import" and r.get("is_sample"):
            action = t("imports.action.import_sample", lang)
        counts = r.get("row_counts") if isinstance(r.get("row_counts"), dict) else {}
        coops = counts.get(counted)
        rows.append(
            {
                t("imports.history.at", lang): at.strftime("%d/%m/%Y %H:%M") if at else MISSING,
                t("imports.history.action", lang): action,
                t("imports.history.year", lang): str(int(r["year"])) if _given(r["year"]) else MISSING,
                t("imports.history.version", lang): int(r["version"]) if _given(r["version"]) else None,
                t("imports.history.by", lang): r["by"] if _given(r["by"]) else "",
                t("imports.history.note", lang): r["note"] if _given(r["note"]) else "",
                t("imports.history.file", lang): r["file_name"] if _given(r["file_name"]) else "",
                t(counted_header, lang): format_number(coops, 0, lang) if coops is not None else "",
                t("imports.history.current", lang): t("imports.history.in_force", lang)
                if r["current"]
                else "",
            }
        )
    columns = [
        t(counted_header if c == "rows" else f"imports.history.{c}", lang)
        for c in ("at", "action", "year", "version", "by", "note", "file", "rows", "current")
    ]
    return pd.DataFrame(rows, columns=columns)


def _given(value: object) -> bool:
    """Return True unless the value is blank (None, NaN, NaT, empty text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True
