"""Checking a workbook: every cell parsed, every rule of the contract applied, every problem reported at once.

Two steps per sheet. Parsing turns raw cells into typed columns (text numbers read the Vietnamese way,
closed lists and place names normalised) and reports cells that cannot be read. Then the sheet's pandera
schema, built once from the declarations of `kpi.workbook.contract`, checks ranges, required cells, uniqueness and the
cross-field rules lazily, so that all failures come back together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kpi.common import problems as pb
from kpi.common.formatting import format_number
from kpi.common.i18n import LANGS, t, texts
from kpi.common.number_text import parse_number_text
from kpi.common.safe_text import fold
from kpi.domain.places import Reference, load_reference
from kpi.workbook.contract import COOP, GROUP, INFO, NO, NUMERIC_KINDS, YES, Column, Kind, Sheet
from kpi.workbook.reader import ROW, BadCell, RawWorkbook, WorkbookUnreadable, read_workbook

EARLIEST_YEAR = 1945  # no cooperative or report of this plan predates it; guards against typos like 204

_YES_KEYS = frozenset({"co", "c", "x", "yes", "y", "1", "true", "dung"})
_NO_KEYS = frozenset({"khong", "k", "ko", "no", "n", "0", "false", "sai"})


@dataclass
class CleanWorkbook:
    """A workbook that passed validation: typed frames under column ids, and the info values."""

    year: int
    info: dict[str, object]
    coops: pd.DataFrame  # clean_coops: one row per cooperative, column ids of schema.COOP + _row
    groups: pd.DataFrame  # clean_groups: one row per district, column ids of schema.GROUP + _row
    # (sheet name, column header) -> column letter in the file read (empty for data read from the store)
    letters: dict[tuple[str, str], str] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)  # sheet id -> name in the file read


class ProblemsBySeverity:
    """The errors, warnings and notes of the `problems` of a check's outcome (a validation, an upload)."""

    problems: list[pb.Problem]

    @property
    def errors(self) -> list[pb.Problem]:
        """Return the problems that stop the workbook from being used."""
        return [p for p in self.problems if p.severity == pb.Severity.ERROR]

    @property
    def warnings(self) -> list[pb.Problem]:
        """Return the problems that are only shown."""
        return [p for p in self.problems if p.severity == pb.Severity.WARNING]

    @property
    def notes(self) -> list[pb.Problem]:
        """Return the information lines (automatic corrections), shown apart."""
        return [p for p in self.problems if p.severity == pb.Severity.INFO]


@dataclass
class Validation(ProblemsBySeverity):
    """The outcome of checking one workbook: its problems and, when it has no error, the clean data."""

    problems: list[pb.Problem] = field(default_factory=list)
    clean: CleanWorkbook | None = None

    @property
    def ok(self) -> bool:
        """Return True when the workbook can be used."""
        return not self.errors and self.clean is not None

    def table(self, lang: str = "vi") -> pd.DataFrame:
        """Return the problems as a table (severity, sheet, row, column, cell, value, message)."""
        columns = ["severity", "sheet", "row", "column", "cell", "value", "message"]
        return pd.DataFrame([p.record(lang) for p in self.problems], columns=columns)


def check_bytes(data: bytes, reference: Reference | None = None, today: date | None = None) -> Validation:
    """Return the validation of a workbook's bytes; raise WorkbookUnreadable when it is no workbook."""
    return validate_workbook(read_workbook(data), reference, today)


def check_file(path: str, reference: Reference | None = None) -> Validation:
    """Return the validation of a workbook file; raise WorkbookUnreadable when it is no workbook."""
    return validate_workbook(read_workbook(path), reference)


def validate_workbook(
    raw: RawWorkbook, reference: Reference | None = None, today: date | None = None
) -> Validation:
    """Return every problem of a raw workbook and, if there is no error, its clean data."""
    reference = reference or _shipped_reference()
    today = today or date.today()
    problems = list(raw.problems)

    info, year = _validate_info(raw, today, problems)
    frames: dict[str, pd.DataFrame] = {}
    for sheet in (COOP, GROUP):
        if sheet.id not in raw.tables:
            frames[sheet.id] = _empty_clean(sheet)
            continue
        name = raw.sheet_names[sheet.id]
        typed, unreadable = parse_table(raw.tables[sheet.id], sheet, name, reference, problems)
        # A required column missing from the sheet is reported once, not as a blank cell on every row.
        missing = [c.id for c in sheet.columns if _column_missing(raw.problems, name, c)]
        unreadable |= {(int(r), c) for r in typed[ROW] for c in missing}
        frames[sheet.id] = typed
        problems.extend(_run_schema(typed, sheet, name, year, unreadable))

    problems.sort(key=_problem_order)
    problems = pb.with_cells(problems, raw.letters)
    if any(p.severity == pb.Severity.ERROR for p in problems) or year is None:
        return Validation(problems)
    clean = CleanWorkbook(
        year=year,
        info=info,
        coops=frames[COOP.id],
        groups=frames[GROUP.id],
        letters=dict(raw.letters),
        sheet_names=dict(raw.sheet_names),
    )
    return Validation(problems, clean)


@cache
def _shipped_reference() -> Reference:
    """Return the reference lists shipped with the project, parsed once per process (the file is static)."""
    return load_reference()


def _column_missing(problems: list[pb.Problem], sheet_name: str, col: Column) -> bool:
    return any(
        p.code == "missing_column" and p.sheet == sheet_name and p.column == col.header for p in problems
    )


def _problem_order(p: pb.Problem) -> tuple:
    sheet_rank = {INFO.name: 0, COOP.name: 1, GROUP.name: 2}
    where = (sheet_rank.get(p.sheet or "", 3 if p.sheet else -1), p.row or 0)
    return (p.severity == pb.Severity.INFO, *where, p.severity != pb.Severity.ERROR)


def _empty_clean(sheet: Sheet) -> pd.DataFrame:
    return pd.DataFrame(
        {**{c.id: pd.Series(dtype=_dtype(c)) for c in sheet.columns}, ROW: pd.Series(dtype="int64")}
    )


def _dtype(col: Column) -> str:
    if col.kind in NUMERIC_KINDS:
        return "float64"
    if col.kind == Kind.YES_NO:
        return "boolean"
    return "str"


# --- info sheet ---------------------------------------------------------------------------------------------


def _validate_info(
    raw: RawWorkbook, today: date, problems: list[pb.Problem]
) -> tuple[dict[str, object], int | None]:
    name = raw.sheet_names.get(INFO.id, INFO.name)
    info: dict[str, object] = {}
    for col in INFO.columns:
        if col.id not in raw.info:
            info[col.id] = None
            continue
        value, row = raw.info[col.id]
        where = {"sheet": name, "row": row, "column": col.header}
        if col.kind in NUMERIC_KINDS:
            number, problem = _parse_cell_number(value, col)
            if problem:
                problems.append(pb.error(problem[0], value=value, **where, **problem[1]))
                number = None
            elif number is not None and col.kind == Kind.MONEY_NONNEG and number < 0:
                problems.append(pb.error("negative", value=value, **where))
                number = None
            elif number is not None and not beneath_maximum(number, col):
                problems.append(above_maximum(value, col, where))
                number = None
            info[col.id] = number
        else:
            info[col.id] = None if value is None else str(value).strip()
        if (
            col.required
            and info[col.id] is None
            and not any(p.row == row and p.sheet == name for p in problems)
        ):
            problems.append(pb.error("required", **where))
    year = info.get("year")
    if year is not None:
        high = today.year + 1
        if not float(year).is_integer() or not EARLIEST_YEAR <= year <= high:
            value, row = raw.info["year"]
            problems.append(
                pb.error(
                    "bad_year",
                    sheet=name,
                    row=row,
                    column=INFO.column("year").header,
                    value=_year_value(value),
                    low=EARLIEST_YEAR,
                    high=high,
                )
            )
            year = None
        else:
            year = int(year)
    info["year"] = year
    return info, year


def _plain_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _parse_cell_number(value: object, col: Column) -> tuple[float | None, tuple[str, dict] | None]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None, None
    if isinstance(value, bool):
        return None, ("not_a_number", {"expected": _expected_number(col)})
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value), None
    if not isinstance(value, str):  # a date, a time or anything else a number cell should not hold
        return None, ("not_a_number", {"expected": _expected_number(col)})
    parsed = parse_number_text(value)
    if parsed.problem == "ambiguous_number":
        return None, (
            "ambiguous_number",
            {"vi_reading": parsed.vi_reading, "en_reading": parsed.en_reading},
        )
    if parsed.problem == "foreign_number":
        example = parsed.en_reading
        if col.kind == Kind.YEAR and example is not None and float(example).is_integer():
            return None, ("foreign_number", {"example": f"'{int(example)}'"})  # a year has no thousands dot
        return None, ("foreign_number", {"example": _fmt_vi_example(example)})
    if parsed.problem:
        return None, ("not_a_number", {"expected": _expected_number(col)})
    return parsed.value, None


def _fmt(x: float | None) -> str:
    """Return a number written the Vietnamese way with the decimals it has (the example of a fix)."""
    if x is None:
        return "?"
    decimals = 0 if float(x).is_integer() else min(len(repr(x).split(".")[1]), 6)
    return format_number(x, decimals)


def _year_value(value: object) -> object:
    """Return a year for messages without a thousands dot: 1900, not 1.900; 2019,5, not 2.019,5."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float) and abs(value) < 1e15:
        return repr(value).replace(".", ",")
    return value


def _fmt_vi_example(x: float | None) -> str:
    return f"'{_fmt(x)}'"


def beneath_maximum(number: float, col: Column) -> bool:
    """Return True when `number` is within the column's sane maximum (always, for a column without one)."""
    return col.maximum is None or abs(number) <= col.maximum


def above_maximum(value: object, col: Column, where: dict[str, object]) -> pb.Problem:
    """Return the error of a value beyond the column's sane maximum, with the maximum and its unit."""
    unit = texts("workbook.unit", unit=col.units) if col.unit else ""
    return pb.error("above_maximum", value=value, maximum=float(col.maximum or 0), unit=unit, **where)


def _expected_number(col: Column) -> dict[str, str]:
    """Return what a number cell of `col` should hold, in both languages."""
    key = {
        Kind.COUNT: "workbook.expected.count_unit" if col.unit else "workbook.expected.count",
        Kind.MONEY: "workbook.expected.money",
        Kind.MONEY_NONNEG: "workbook.expected.money_nonneg",
        Kind.YEAR: "workbook.expected.year",
    }[col.kind]
    return texts(key, unit=col.units)


# --- parsing a table sheet ----------------------------------------------------------------------------------


def parse_table(
    raw: pd.DataFrame, sheet: Sheet, sheet_name: str, reference: Reference, problems: list[pb.Problem]
) -> tuple[pd.DataFrame, set[tuple[int, str]]]:
    """Return the typed frame of a raw table and the (row, column id) cells that could not be read.

    Problems of parsing are appended to `problems`.
    """
    unreadable: set[tuple[int, str]] = set()
    rows = [int(r) for r in raw[ROW]]
    found = _Found(sheet_name, rows, problems, unreadable)
    typed: dict[str, pd.Series] = {}
    for col in sheet.columns:
        cells = found.drop_refused(list(raw[col.id]), col)
        if col.kind in NUMERIC_KINDS:
            values = _parse_numbers(cells, col, found)
        elif col.kind == Kind.CHOICE:
            lookup = _choice_lookup(col)
            values = found.resolve(
                cells,
                col,
                lambda v, lookup=lookup: lookup.get(fold(v)),
                "not_in_list",
                expected="; ".join(col.choices),
            )
        elif col.kind == Kind.YES_NO:
            values = found.resolve(cells, col, _yes_no, "not_in_list", expected=f"{YES}; {NO}")
        elif col.kind == Kind.DISTRICT:
            values = found.resolve(
                cells,
                col,
                lambda v: _district_name(reference, v),
                "unknown_district",
                extra=lambda v: {"suggestion": suggestion(reference.suggest_districts(v))},
                expected=", ".join(reference.district_names()),
            )
            found.corrections(cells, values, col)
        elif col.kind == Kind.CODE:
            values = [None if v is None else _code_text(v) for v in cells]
        else:
            values = [None if v is None else str(v).strip() for v in cells]
        typed[col.id] = values
    for col in sheet.columns:
        if col.kind == Kind.COMMUNE:
            cells = [None if v.__class__ is BadCell else v for v in raw[col.id]]
            typed[col.id] = _parse_commune(cells, typed["district"], col, reference, found)
    frame = pd.DataFrame(
        {
            **{c.id: pd.Series(typed[c.id], index=raw.index, dtype=_dtype(c)) for c in sheet.columns},
            ROW: pd.Series(rows, index=raw.index, dtype="int64"),
        }
    )
    return frame, unreadable


_TEXT_OR_BLANK = frozenset({str, type(None)})


class _Found:
    """Where parse problems of one sheet go: the problem list and the set of unreadable cells."""

    def __init__(self, sheet_name: str, rows: list[int], problems: list[pb.Problem], unreadable: set):
        self.sheet_name, self.rows, self.problems, self.unreadable = sheet_name, rows, problems, unreadable

    def report(self, i: int, col: Column, code: str, value: object, params: dict) -> None:
        """Record the cell of position `i` as unreadable, with its problem."""
        row = self.rows[i]
        self.unreadable.add((row, col.id))
        self.problems.append(
            pb.error(code, sheet=self.sheet_name, row=row, column=col.header, value=value, **params)
        )

    def drop_refused(self, cells: list[object], col: Column) -> list[object]:
        """Return the cells with those refused while reading (reported then) as blanks, marked unreadable."""
        if BadCell not in set(map(type, cells)):
            return cells
        out = []
        for i, value in enumerate(cells):
            if value.__class__ is BadCell:
                self.unreadable.add((self.rows[i], col.id))
                value = None
            out.append(value)
        return out

    def resolve(
        self, cells: list[object], col: Column, resolve, code: str, extra=None, **params: object
    ) -> list[object]:
        """Return each cell resolved (once per distinct value); cells that resolve to None are reported,
        with the parameters `extra(value)` adds when given."""
        if set(map(type, cells)) <= _TEXT_OR_BLANK:
            return self._resolve_texts(cells, col, resolve, code, extra, params)
        cache: dict[tuple[type, object], object] = {}
        details: dict[tuple[type, object], dict] = {}  # the parameters of a value that resolves to nothing
        out: list[object] = []
        for i, value in enumerate(cells):
            if value is None:
                out.append(None)
                continue
            key = (type(value), value)
            if key not in cache:
                cache[key] = resolve(value)
                if cache[key] is None:
                    details[key] = {**params, **(extra(value) if extra else {})}
            if cache[key] is None:
                self.report(i, col, code, value, details[key])
            out.append(cache[key])
        return out

    def _resolve_texts(
        self, cells: list[object], col: Column, resolve, code: str, extra, params: dict[str, object]
    ) -> list[object]:
        """`resolve` of a column of texts and blanks (the usual case): each distinct text is resolved once, in
        order of first appearance, and the cells are mapped in one pass in C (a text key needs no type)."""
        resolved = {value: resolve(value) for value in dict.fromkeys(cells) if value is not None}
        failed = {value: None for value, found in resolved.items() if found is None}
        for value in failed:
            failed[value] = {**params, **(extra(value) if extra else {})}
        if failed:
            for i, value in enumerate(cells):
                if value in failed:
                    self.report(i, col, code, value, failed[value])
        return list(map(resolved.get, cells))

    def corrections(self, cells: list[object], names: list[object], col: Column) -> None:
        """Report, as one information line per distinct spelling, every place name read as another spelling."""
        rows_of: dict[tuple[str, str], list[int]] = {}
        for i, (value, name) in enumerate(zip(cells, names, strict=True)):
            if value is not None and name is not None and str(value).strip() != name:
                rows_of.setdefault((str(value).strip(), str(name)), []).append(self.rows[i])
        for (value, name), rows in rows_of.items():
            self.problems.append(
                pb.info(
                    "spelling_corrected",
                    sheet=self.sheet_name,
                    row=rows[0],
                    column=col.header,
                    value=value,
                    name=name,
                    also=_also_rows(rows[1:]),
                )
            )


MAX_LISTED_ROWS = 10  # rows named in one line of spelling corrections; the rest are counted


def _also_rows(rows: list[int]) -> dict[str, str] | str:
    """Return " (cả ở các dòng 7, 9)" for the other rows of a correction, "" when there is none."""
    if not rows:
        return ""
    shown = ", ".join(str(r) for r in rows[:MAX_LISTED_ROWS])
    more = len(rows) - MAX_LISTED_ROWS
    if more > 0:
        return texts("workbook.also_rows_more", rows=shown, more=more)
    return texts("workbook.also_rows", rows=shown)


def suggestion(units: list) -> dict[str, str] | str:
    """Return " Có phải 'Đắk Mil'?" naming the closest known units (`Reference.suggest_*`), "" when none."""
    if not units:
        return ""
    names = [f"'{u.name}'" for u in units]
    parts = [", ".join(names[:-1]), names[-1]] if len(names) > 1 else names
    joined = {lang: t("workbook.or", lang).join(parts) for lang in LANGS}
    return texts("workbook.suggestion", names=joined)


def _code_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


_NUMBER_CELL_TYPES = frozenset({float, int, type(None)})


def _parse_numbers(cells: list[object], col: Column, found: _Found) -> list[float]:
    if set(map(type, cells)) <= _NUMBER_CELL_TYPES:  # only number cells and blanks: numpy reads None as NaN
        return np.array(cells, dtype="float64").tolist()
    out = [np.nan] * len(cells)
    for i, value in enumerate(cells):
        if value is None:
            continue
        if _plain_number(value):  # the common case: a number cell
            out[i] = float(value)
            continue
        # Anything else (text, True/False, a date or a time) goes through the text reading, which reports it.
        number, problem = _parse_cell_number(value, col)
        if problem:
            found.report(i, col, problem[0], value, problem[1])
        elif number is not None:
            out[i] = number
    return out


def _choice_lookup(col: Column) -> dict[str, str]:
    lookup = {fold(c): c for c in col.choices}
    lookup.update(col.choice_aliases)
    return lookup


def _yes_no(v: object) -> bool | None:
    if isinstance(v, bool):
        return v
    key = fold(v if not isinstance(v, float) or not v.is_integer() else int(v))
    return True if key in _YES_KEYS else False if key in _NO_KEYS else None


def _district_name(reference: Reference, v: object) -> str | None:
    d = reference.match_district(str(v))
    return d.name if d else None


def _parse_commune(
    cells: list[object], districts: list[object], col: Column, reference: Reference, found: _Found
) -> list[object]:
    """Return the communes named as in the reference list.

    A commune of another district than the one given is an error naming both; a commune unknown anywhere is
    a warning with the closest names of its district; a spelling read as another is an information line.
    """
    cache: dict[tuple[str, str], str | None] = {}
    unknown: dict[tuple[str, str], tuple[str, dict[str, str] | str]] = {}
    out: list[object] = []
    names: list[object] = []
    for i, (value, district) in enumerate(zip(cells, districts, strict=True)):
        if value is None:
            out.append(None)
            names.append(None)
            continue
        text = str(value).strip()
        if district is None:  # no district, or one already reported as unknown: nothing to match against
            out.append(text)
            names.append(None)
            continue
        if (district, text) not in cache:
            match = reference.match_commune(district, text)
            cache[(district, text)] = match.name if match else None
        name = cache[(district, text)]
        names.append(name)
        if name is None:
            if (district, text) not in unknown:  # looked up once per spelling: difflib is not free
                unknown[(district, text)] = _unknown_commune(reference, district, text)
            others, close = unknown[(district, text)]
            if others:
                found.report(i, col, "commune_other_district", value, {"other": others, "district": district})
            else:
                found.problems.append(
                    pb.warning(
                        "unknown_commune",
                        sheet=found.sheet_name,
                        row=found.rows[i],
                        column=col.header,
                        value=value,
                        district=district,
                        suggestion=close,
                    )
                )
        out.append(text if name is None else name)
    found.corrections(cells, names, col)
    return out


def _unknown_commune(reference: Reference, district: str, text: str) -> tuple[str, dict[str, str] | str]:
    """Return (the other districts that have this commune, joined; "" if none) and the suggestion of the
    closest communes of `district` (when no other district has it)."""
    others = [d.name for d in reference.districts_with_commune(text) if d.name != district]
    if others:
        return ", ".join(others), ""
    home = reference.match_district(district)
    return "", suggestion(reference.suggest_communes(home, text) if home else [])


# --- the declared schema of each sheet ----------------------------------------------------------------------


def _whole(s: pd.Series) -> pd.Series:
    return s == np.floor(s)


def sheet_schema(sheet: Sheet) -> pa.DataFrameSchema:
    """Return the pandera schema of a table sheet, built once from its declaration (the report year comes later)."""
    return _schema_by_id(sheet.id)


@cache
def _schema_by_id(sheet_id: str) -> pa.DataFrameSchema:
    sheet = next(s for s in (COOP, GROUP) if s.id == sheet_id)
    columns = {}
    for col in sheet.columns:
        checks = []
        if col.kind == Kind.COUNT:
            checks = [pa.Check(lambda s: s >= 0, name="negative"), pa.Check(_whole, name="not_whole")]
        elif col.kind == Kind.MONEY_NONNEG:
            checks = [pa.Check(lambda s: s >= 0, name="negative")]
        elif col.kind == Kind.YEAR:
            checks = [
                pa.Check(_whole, name="not_whole"),
                pa.Check(lambda s: s >= EARLIEST_YEAR, name="bad_year"),
            ]
        if col.maximum is not None:
            # Negative values of a column that must be ≥ 0 are reported as negative, not as beyond the maximum.
            signed = col.kind == Kind.MONEY
            checks.append(
                pa.Check(lambda s, m=col.maximum, a=signed: (s.abs() if a else s) <= m, name="above_maximum")
            )
        columns[col.id] = pa.Column(
            _dtype(col),
            checks=checks,
            nullable=not col.required,
            unique=col.unique,
            required=True,
            coerce=False,
        )
    wide = []
    if sheet.id == COOP.id:
        wide.append(
            pa.Check(
                lambda d: (
                    ~((d["managers_vocational"].fillna(0) + d["managers_higher"].fillna(0)) > d["managers"])
                ),
                name="managers_split",
            )
        )
    if sheet.id == GROUP.id:
        wide.append(pa.Check(lambda d: ~(d["certified"] > d["groups"]), name="certified_above_groups"))
    return pa.DataFrameSchema(columns, checks=wide, strict=False, name=sheet.name)


_WIDE_COLUMN = {"managers_split": "managers", "certified_above_groups": "groups"}


def _run_schema(
    typed: pd.DataFrame, sheet: Sheet, sheet_name: str, year: int | None, unreadable: set[tuple[int, str]]
) -> list[pb.Problem]:
    schema = sheet_schema(sheet)
    problems: list[pb.Problem] = []
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.extend(_from_failures(exc.failure_cases, typed, sheet, sheet_name, unreadable))
    if year is not None and "founded_year" in typed:
        late = typed["founded_year"] > year
        for idx in typed.index[late.fillna(False)]:
            problems.append(
                pb.error(
                    "founded_after_report",
                    sheet=sheet_name,
                    row=int(typed.at[idx, ROW]),
                    column=sheet.column("founded_year").header,
                    value=int(typed.at[idx, "founded_year"]),
                    year=year,
                )
            )
    return problems


def _from_failures(fc: pd.DataFrame, typed, sheet, sheet_name, unreadable) -> list[pb.Problem]:
    problems: list[pb.Problem] = []
    fc = fc[fc["index"].notna()]
    seen: set[tuple[int, str]] = set()
    duplicate_rows: dict[str, list[int]] = {}
    for check, column, index, value in fc[["check", "column", "index", "failure_case"]].itertuples(
        index=False
    ):
        index = int(index)
        row = int(typed.at[index, ROW])
        col_id = _WIDE_COLUMN.get(check, column)
        if (row, col_id, check) in seen or (row, col_id) in unreadable:
            continue
        seen.add((row, col_id, check))
        col = sheet.column(col_id)
        where = {"sheet": sheet_name, "row": row, "column": col.header}
        if check == "not_nullable":
            problems.append(pb.error("required", **where))
        elif check == "field_uniqueness":
            duplicate_rows.setdefault(str(value), []).append(row)
        elif check == "negative":
            problems.append(pb.error("negative", value=value, **where))
        elif check == "above_maximum":
            problems.append(above_maximum(value, col, where))
        elif check == "not_whole":
            shown = _year_value(value) if col.kind == Kind.YEAR else value
            problems.append(pb.error("not_whole", value=shown, expected=_expected_number(col), **where))
        elif check == "bad_year":
            problems.append(
                pb.error(
                    "bad_year", value=_year_value(value), low=EARLIEST_YEAR, high=date.today().year, **where
                )
            )
        elif check == "managers_split":
            v, h = typed.at[index, "managers_vocational"], typed.at[index, "managers_higher"]
            v, h = (0 if pd.isna(v) else v), (0 if pd.isna(h) else h)
            problems.append(
                pb.error(
                    "managers_split",
                    value=typed.at[index, "managers"],
                    vocational=float(v),
                    higher=float(h),
                    total=float(v) + float(h),
                    **where,
                )
            )
        elif check == "certified_above_groups":
            problems.append(
                pb.error(
                    "certified_above_groups",
                    value=typed.at[index, "groups"],
                    certified=float(typed.at[index, "certified"]),
                    **where,
                )
            )
    code = "duplicate_code" if sheet.id == COOP.id else "duplicate_district"
    key_col = next(c for c in sheet.columns if c.unique)
    for value, dup_rows in duplicate_rows.items():
        all_rows = sorted(typed.loc[typed[key_col.id] == value, ROW].astype(int))
        for row in dup_rows:
            others = ", ".join(str(r) for r in all_rows if r != row)
            problems.append(
                pb.error(
                    code, sheet=sheet_name, row=row, column=key_col.header, value=value, other_rows=others
                )
            )
    return problems


__all__ = [
    "CleanWorkbook",
    "Validation",
    "WorkbookUnreadable",
    "check_bytes",
    "check_file",
    "validate_workbook",
]
