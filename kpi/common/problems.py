"""Problems found in a workbook: where (sheet, Excel row, column), what was found, what was expected."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kpi.common.formatting import format_number
from kpi.common.i18n import t


class Severity(StrEnum):
    """Errors stop an import; warnings are shown and the workbook can still be used; information lines (an
    automatic correction) are shown apart and counted as neither."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One problem of a workbook, located as the user sees it in Excel."""

    severity: Severity
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    params: dict[str, object] = field(default_factory=dict)
    cell: str | None = None  # "H14": the cell in the user's file (its column letter as found there)

    def message(self, lang: str = "vi") -> str:
        """Return the message alone (without the location), in the language asked."""
        # The template (catalog key problem.<code>) may name the location too ("Thiếu sheet '{sheet}'");
        # params may be {vi, en} texts or numbers, shown in the language asked.
        params = {k: _visible(localise(v, lang)) for k, v in self.params.items()}
        located = {"sheet": self.sheet or "", "row": self.row or "", "column": self.column or ""}
        return t(
            f"problem.{self.code}", lang, **{**located, **params, "value": display_value(self.value, lang)}
        )

    def location(self, lang: str = "vi") -> str:
        """Return "Sheet 'HTX', dòng 7, cột 'Số thành viên'" (parts that are known)."""
        parts = []
        if self.sheet:
            parts.append(f"{t('problem.where.sheet', lang)} '{self.sheet}'")
        if self.row is not None:
            parts.append(f"{t('problem.where.row', lang)} {self.row}")
        if self.column:
            parts.append(f"{t('problem.where.column', lang)} '{self.column}'")
        if self.cell:
            parts.append(f"{t('problem.where.cell', lang)} {self.cell}")
        return ", ".join(parts)

    def line(self, lang: str = "vi") -> str:
        """Return the one-line form printed by `check`: severity, location, message."""
        where = self.location(lang)
        head = t(f"imports.severity.{self.severity.value}", lang)  # the word of the import page's table
        return f"{head}: {where}: {self.message(lang)}" if where else f"{head}: {self.message(lang)}"

    def record(self, lang: str = "vi") -> dict[str, object]:
        """Return the problem as a flat record (for tables and downloads)."""
        return {
            "severity": self.severity.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": display_value(self.value, lang) if self.value is not None else None,
            "message": self.message(lang),
        }


def display_value(value: object, lang: str = "vi") -> str:
    """Return a cell value as the user typed it, numbers in the language's format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    # Huge, infinite or NaN: beyond grouping and rounding (Decimal.quantize would raise).
    if isinstance(value, float) and not abs(value) < 1e15:
        return f"{value:g}"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return format_number(value, 0, lang)
        return (
            format_number(value, 3, lang).rstrip("0").rstrip(",.") if isinstance(value, float) else str(value)
        )
    return one_line(str(value))


_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
MAX_SHOWN_CHARS = 120
# Characters never shown as they are: control characters (an ESC sequence would drive the terminal) and the
# bidi embeddings, overrides and isolates (they make the rest of a line read backwards).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Return `text` fit for a one-line message: line breaks as spaces, control and bidi characters as
    <U+XXXX>, cut after MAX_SHOWN_CHARS with "…"."""
    text = _visible(_LINE_BREAKS.sub(" ", text))
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _visible(text: object) -> object:
    """Return a text with its control and bidi characters written as <U+XXXX>; anything else unchanged."""
    if not isinstance(text, str):
        return text
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def localise(param: object, lang: str = "vi") -> object:
    """Return a message parameter in `lang`: a {vi, en} text picks its language, a number is formatted."""
    if isinstance(param, dict) and "vi" in param:
        return param.get(lang) or param["vi"]
    if isinstance(param, int | float) and not isinstance(param, bool):
        return display_value(param, lang)
    return param


def error(code: str, **kw: object) -> Problem:
    """Return an error problem."""
    return Problem(Severity.ERROR, code, **_split(kw))


def warning(code: str, **kw: object) -> Problem:
    """Return a warning problem."""
    return Problem(Severity.WARNING, code, **_split(kw))


def info(code: str, **kw: object) -> Problem:
    """Return an information line (an automatic correction, shown apart)."""
    return Problem(Severity.INFO, code, **_split(kw))


def _split(kw: dict[str, object]) -> dict[str, object]:
    located = {k: kw.pop(k) for k in ("sheet", "row", "column", "value", "cell") if k in kw}
    return {**located, "params": kw}


def with_cells(problems: list[Problem], letters: dict[tuple[str, str], str]) -> list[Problem]:
    """Return the problems with their Excel cell ("H14") where the sheet, row and column are known.

    `letters` maps (sheet name in the file, column header) to the letter of that column in the user's file.
    """
    out = []
    for p in problems:
        letter = (
            letters.get((p.sheet or "", p.column or "")) if p.row is not None and p.cell is None else None
        )
        out.append(replace(p, cell=f"{letter}{p.row}") if letter else p)
    return out


def summarise(problems: list[Problem], limit: int, lang: str = "vi") -> list[str]:
    """Return the lines to print: the first `limit` problems, then one line with the count of the rest."""
    lines = [p.line(lang) for p in problems[:limit]]
    if len(problems) > limit:
        rest = Problem(Severity.ERROR, "truncated", params={"count": len(problems) - limit, "shown": limit})
        lines.append(rest.message(lang))
    return lines
