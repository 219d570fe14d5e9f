"""The workbook contracts: every sheet and column of both kinds declared once, as data.

The declarations are YAML files (data/workbooks/statistics.yaml, data/workbooks/task-reports.yaml), loaded and
checked by one loader, `load_contract`: a faulty file raises ContractError listing every fault. Column ids
(``COOP.members`` is ``"members"``) are the names used everywhere in the code; the Vietnamese headers are what
users see in Excel. Reading, validating, the template, exports and the store all take their column lists from
here (the statistics' sheets below; the task reports' in kpi.workbook.task_contract).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kpi.common.data_files import DataFileError, read_yaml
from kpi.common.i18n import LANGS
from kpi.common.safe_text import fold
from kpi.common.settings import DATA_DIR

CONTRACTS_DIR = DATA_DIR / "workbooks"
STATISTICS_PATH = CONTRACTS_DIR / "statistics.yaml"
TASK_REPORTS_PATH = CONTRACTS_DIR / "task-reports.yaml"


class Kind(StrEnum):
    """How a cell is parsed and checked."""

    TEXT = "text"
    CODE = "code"
    COUNT = "count"  # whole number >= 0
    MONEY = "money"  # triệu đồng, may be negative
    MONEY_NONNEG = "money_nonneg"  # triệu đồng, >= 0
    YEAR = "year"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DISTRICT = "district"
    COMMUNE = "commune"


NUMERIC_KINDS = frozenset({Kind.COUNT, Kind.MONEY, Kind.MONEY_NONNEG, Kind.YEAR})

YES, NO = "Có", "Không"  # the two values of a yes_no cell, both kinds
# The two headers of a sheet read as key | value (`Thông tin` of both kinds).
INFO_KEY_HEADER = "Chỉ tiêu"
INFO_VALUE_HEADER = "Giá trị"


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one row of the two-column sheet `Thông tin`)."""

    id: str
    header: str
    header_en: str
    kind: Kind
    required: bool = False
    unique: bool = False
    choices: tuple[str, ...] = ()
    choice_aliases: dict[str, str] = field(default_factory=dict)
    unit: str = ""
    unit_en: str = ""
    note: str = ""
    note_en: str = ""
    aliases: tuple[str, ...] = ()
    width: int = 14
    # The largest absolute value a cell can sanely hold, in `unit`: beyond it the figure is a typo or a unit
    # mix-up (đồng typed as triệu đồng) and is refused. None for columns bounded otherwise (years, lists).
    # Each maximum's reason is given with it in the declaration file.
    maximum: float | None = None
    # Year on year (kpi/stats/year_checks.py), for one cooperative: a figure this many times last year's or below
    # 1/this of it is a warning (a unit slip, a typo, a half-filled row); None: not compared.
    jump_factor: float | None = None
    # For a closed list with an order (the rating): the ranked values, best first, and the change in rank
    # from last year that is a warning. Values outside `ranked` (not rated) are not compared.
    ranked: tuple[str, ...] = ()
    jump_levels: int | None = None

    @property
    def units(self) -> dict[str, str]:
        """Return the unit in each language of the catalogs, as declared in the contract file (a text parameter)."""
        return dict(zip(LANGS, (self.unit, self.unit_en), strict=True))

    def match_keys(self) -> set[str]:
        """Return the folded header spellings that identify this column."""
        names = (self.header, self.header_en, *self.aliases)
        keys = {header_key(n) for n in names}
        keys |= {header_key(n.split("(")[0]) for n in names if "(" in n}
        return keys


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its name, aliases and columns."""

    id: str
    name: str
    name_en: str
    columns: tuple[Column, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()
    note: str = ""
    frozen_columns: int = 1  # columns kept in view when scrolling right in the template (besides the header)

    def column(self, column_id: str) -> Column:
        """Return the column with this id."""
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)

    @property
    def ids(self) -> list[str]:
        """Return the column ids in sheet order."""
        return [c.id for c in self.columns]

    def match_keys(self) -> set[str]:
        """Return the folded sheet names that identify this sheet."""
        return {fold(n) for n in (self.name, self.name_en, *self.aliases)}


# Abbreviations that users write either way; both sides fold to the short form.
_ABBREVIATIONS = (("canboquanly", "cbql"), ("tohoptac", "tht"), ("hoptacxa", "htx"))


def header_key(text: object) -> str:
    """Return the matching key of a header: folded, with HTX/THT/CBQL written out or not."""
    key = fold(text)
    for long, short in _ABBREVIATIONS:
        key = key.replace(long, short)
    return key


def find_sheets(names: list[str], sheets: tuple[Sheet, ...]) -> dict[str, str]:
    """Return {sheet id: name in the file} of the declared `sheets` found among the workbook's sheet `names`.

    A sheet is found by its folded name, English name or an alias; of two names that fold alike the later
    one is taken. Only these sheets are ever parsed: the others of a file are never opened.
    """
    by_key = {header_key(name): name for name in names}
    found: dict[str, str] = {}
    for sheet in sheets:
        keys = {header_key(n) for n in (sheet.name, sheet.name_en, *sheet.aliases)}
        name = next((name for key, name in by_key.items() if key in keys), None)
        if name is not None:
            found[sheet.id] = name
    return found


# --- the declaration files ----------------------------------------------------------------------------------


class ContractError(DataFileError):
    """A workbook declaration file that cannot be used; `problems` lists every fault found."""


_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
EXTERNAL_LIST = "external"  # a closed list filled in by code (the task file's statuses and quantities)
_TOP_KEYS = {"maxima", "jumps", "lists", "sheets"}
_SHEET_KEYS = {"id", "name", "name_en", "aliases", "required", "note", "frozen_columns", "columns"}
_COLUMN_KEYS = {
    "id", "header", "header_en", "kind", "aliases", "required", "unique", "list", "unit", "unit_en", "maximum", "jump",
    "ranked", "width", "note", "note_en",
}  # fmt: skip


class _Faults:
    """Collects the faults of one file, each prefixed with where it stands."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.items.append(f"{where}: {text}")

    def unknown_keys(self, where: str, raw: Mapping, allowed: set[str]) -> None:
        for key in sorted(set(raw) - allowed, key=str):
            self.add(where, f"unknown field {key!r} (allowed: {', '.join(sorted(allowed))})")

    def text(self, where: str, raw: Mapping, key: str, *, required: bool = True) -> str:
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(where, f"{key} must be a non-empty text, found {value!r}")
            return ""
        return value

    def texts(self, where: str, raw: Mapping, key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(where, f"{key} must be a list of non-empty texts, found {value!r}")
            return ()
        return tuple(value)

    def flag(self, where: str, raw: Mapping, key: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.add(where, f"{key} must be true or false, found {value!r}")
            return default
        return value

    def number(self, where: str, raw: Mapping, key: str, *, above: float) -> float | None:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > above:
            self.add(where, f"{key} must be a number above {above:g}, found {value!r}")
            return None
        return float(value)

    def mapping(self, where: str, value: object) -> Mapping:
        if not isinstance(value, Mapping):
            self.add(where, f"expected a mapping, found {type(value).__name__}")
            return {}
        return value


@dataclass(frozen=True)
class _Limits:
    """The named maxima, jumps and closed lists of a file, as columns refer to them."""

    maxima: dict[str, float]
    factors: dict[str, float]
    levels: dict[str, int]
    lists: dict[str, tuple[tuple[str, ...], dict[str, str]]]


def load_contract(path: str | Path) -> dict[str, Sheet]:
    """Return {sheet id: Sheet} of a declaration file, in file order; ContractError lists every fault (a
    file that is no YAML mapping at all raises the DataFileError of `read_yaml`)."""
    path = Path(path)
    raw = read_yaml(path)
    faults = _Faults()
    faults.unknown_keys("top level", raw, _TOP_KEYS)
    limits = _load_limits(raw, faults)
    sheets: dict[str, Sheet] = {}
    raw_sheets = raw.get("sheets")
    if not isinstance(raw_sheets, list) or not raw_sheets:
        faults.add("top level", "sheets must be a non-empty list")
        raw_sheets = []
    for i, raw_sheet in enumerate(raw_sheets, start=1):
        sheet = _load_sheet(f"sheet {i}", faults.mapping(f"sheet {i}", raw_sheet), limits, faults)
        if sheet is None:
            continue
        if sheet.id in sheets:
            faults.add(f"sheet {sheet.id}", "declared twice")
        sheets[sheet.id] = sheet
    if faults.items:
        raise ContractError(faults.items, path)
    return sheets


def _load_limits(raw: Mapping, faults: _Faults) -> _Limits:
    maxima = {}
    for name, entry in faults.mapping("maxima", raw.get("maxima", {})).items():
        where = f"maxima {name}"
        entry = faults.mapping(where, entry)
        faults.unknown_keys(where, entry, {"value", "reason"})
        faults.text(where, entry, "reason")
        value = faults.number(where, entry, "value", above=0)
        if value is not None:
            maxima[str(name)] = value
    factors, levels = {}, {}
    for name, entry in faults.mapping("jumps", raw.get("jumps", {})).items():
        where = f"jumps {name}"
        entry = faults.mapping(where, entry)
        faults.unknown_keys(where, entry, {"factor", "levels", "reason"})
        faults.text(where, entry, "reason")
        if ("factor" in entry) == ("levels" in entry):
            faults.add(where, "give either factor (a ratio above 1) or levels (ranks), not both or neither")
        elif "factor" in entry:
            factor = faults.number(where, entry, "factor", above=1)
            if factor is not None:
                factors[str(name)] = factor
        elif (
            isinstance(entry["levels"], int) and not isinstance(entry["levels"], bool) and entry["levels"] > 0
        ):
            levels[str(name)] = entry["levels"]
        else:
            faults.add(where, f"levels must be a whole number above 0, found {entry['levels']!r}")
    lists = {}
    for name, entry in faults.mapping("lists", raw.get("lists", {})).items():
        where = f"lists {name}"
        entry = faults.mapping(where, entry)
        faults.unknown_keys(where, entry, {"values", "aliases"})
        values = faults.texts(where, entry, "values")
        if not values or len(set(values)) != len(values):
            faults.add(where, "values must be a non-empty list without repeats")
        aliases = {str(k): v for k, v in faults.mapping(f"{where} aliases", entry.get("aliases", {})).items()}
        for alias, value in aliases.items():
            if alias != fold(alias):
                faults.add(where, f"alias {alias!r} must be written folded ({fold(alias)!r})")
            if value not in values:
                faults.add(where, f"alias {alias!r} points at {value!r}, which is not one of the values")
        lists[str(name)] = (values, aliases)
    return _Limits(maxima, factors, levels, lists)


def _load_sheet(where: str, raw: Mapping, limits: _Limits, faults: _Faults) -> Sheet | None:
    faults.unknown_keys(where, raw, _SHEET_KEYS)
    sheet_id = raw.get("id")
    if not isinstance(sheet_id, str) or not _ID.match(sheet_id):
        faults.add(where, f"id must be snake_case, found {sheet_id!r}")
        return None
    where = f"sheet {sheet_id}"
    columns: list[Column] = []
    raw_columns = raw.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        faults.add(where, "columns must be a non-empty list")
        raw_columns = []
    for i, raw_column in enumerate(raw_columns, start=1):
        column = _load_column(
            f"{where}, column {i}", faults.mapping(f"{where}, column {i}", raw_column), limits, faults
        )
        if column is not None:
            columns.append(column)
    seen: dict[str, str] = {}
    for column in columns:
        for key in sorted(column.match_keys()):
            other = seen.setdefault(key, column.id)
            if other != column.id:
                faults.add(where, f"columns {other} and {column.id} are both read from a header {key!r}")
    if len({c.id for c in columns}) != len(columns):
        faults.add(where, "two columns have the same id")
    frozen = raw.get("frozen_columns", 1)
    if isinstance(frozen, bool) or not isinstance(frozen, int) or not 0 <= frozen <= len(columns):
        faults.add(
            where, f"frozen_columns must be a whole number from 0 to the number of columns, found {frozen!r}"
        )
        frozen = 1
    return Sheet(
        id=sheet_id,
        name=faults.text(where, raw, "name"),
        name_en=faults.text(where, raw, "name_en"),
        columns=tuple(columns),
        required=faults.flag(where, raw, "required", True),
        aliases=faults.texts(where, raw, "aliases"),
        note=faults.text(where, raw, "note", required=False),
        frozen_columns=frozen,
    )


def _load_column(where: str, raw: Mapping, limits: _Limits, faults: _Faults) -> Column | None:
    column_id = raw.get("id")
    if not isinstance(column_id, str) or not _ID.match(column_id):
        faults.add(where, f"id must be snake_case, found {column_id!r}")
        return None
    where = f"{where.rsplit(', column', 1)[0]}, column {column_id}"
    faults.unknown_keys(where, raw, _COLUMN_KEYS)
    try:
        kind = Kind(raw.get("kind"))
    except ValueError:
        faults.add(where, f"kind {raw.get('kind')!r} is not one of {', '.join(k.value for k in Kind)}")
        return None
    choices: tuple[str, ...] = ()
    choice_aliases: dict[str, str] = {}
    list_name = raw.get("list")
    if (kind == Kind.CHOICE) != (list_name is not None):
        faults.add(where, "a column of kind choice, and only such a column, names its closed list")
    elif list_name is not None and list_name != EXTERNAL_LIST:
        if list_name not in limits.lists:
            faults.add(where, f"list {list_name!r} is not declared under lists")
        else:
            choices, choice_aliases = limits.lists[list_name]
    maximum = _named(where, raw, "maximum", limits.maxima, faults)
    if maximum is not None and kind not in NUMERIC_KINDS:
        faults.add(where, f"a maximum needs a numeric kind, not {kind}")
    jump_factor = jump_levels = None
    ranked = faults.texts(where, raw, "ranked")
    jump = raw.get("jump")
    if jump is not None:
        if jump in limits.factors:
            jump_factor = limits.factors[jump]
            if kind not in NUMERIC_KINDS:
                faults.add(where, f"a jump factor needs a numeric kind, not {kind}")
        elif jump in limits.levels:
            jump_levels = limits.levels[jump]
            if not ranked:
                faults.add(where, f"jump {jump!r} counts ranks: the column needs ranked values")
        else:
            faults.add(where, f"jump {jump!r} is not declared under jumps")
    if ranked and list_name is None:
        faults.add(where, "ranked values need a closed list (list)")
    elif ranked and choices and not set(ranked) <= set(choices):
        faults.add(
            where, f"ranked values {', '.join(sorted(set(ranked) - set(choices)))} are not in its list"
        )
    unit = faults.text(where, raw, "unit", required=False)
    unit_en = faults.text(where, raw, "unit_en", required=False)
    if bool(unit) != bool(unit_en):
        faults.add(where, "unit and unit_en go together: give both or neither")
    width = raw.get("width", 14)
    if isinstance(width, bool) or not isinstance(width, int) or not 0 < width <= 255:
        faults.add(where, f"width must be a whole number from 1 to 255, found {width!r}")
        width = 14
    return Column(
        id=column_id,
        header=faults.text(where, raw, "header"),
        header_en=faults.text(where, raw, "header_en"),
        kind=kind,
        required=faults.flag(where, raw, "required", False),
        unique=faults.flag(where, raw, "unique", False),
        choices=choices,
        choice_aliases=choice_aliases,
        unit=unit,
        unit_en=unit_en,
        note=faults.text(where, raw, "note"),
        note_en=faults.text(where, raw, "note_en"),
        aliases=faults.texts(where, raw, "aliases"),
        width=width,
        maximum=maximum,
        jump_factor=jump_factor,
        ranked=ranked,
        jump_levels=jump_levels,
    )


def _named(where: str, raw: Mapping, key: str, declared: Mapping[str, Any], faults: _Faults) -> Any:
    name = raw.get(key)
    if name is None:
        return None
    if name not in declared:
        faults.add(where, f"{key} {name!r} is not declared under {key.replace('maximum', 'maxima')}")
        return None
    return declared[name]


# --- the statistics workbook --------------------------------------------------------------------------------

INFO, COOP, GROUP = load_contract(STATISTICS_PATH).values()
SHEETS: tuple[Sheet, ...] = (INFO, COOP, GROUP)

STATUSES = COOP.column("status").choices
STATUS_OPERATING, STATUS_SUSPENDED, STATUS_DISSOLVED = STATUSES
RATINGS = COOP.column("rating").choices
SECTORS = COOP.column("sector").choices
