"""Numbers typed as text, read the Vietnamese way ("1.234,5" is 1234.5; "12.345" is 12345).

A text that a person could have meant differently under the English convention is reported, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
# Vietnamese: dot groups of three, optional comma decimals; or plain digits with comma decimals.
_VI_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_VI_PLAIN = re.compile(r"^[+-]?\d+(,\d+)?$")
# English: comma groups of three, optional dot decimals; or plain digits with dot decimals.
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EN_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass(frozen=True)
class ParsedNumber:
    """The reading of one text cell: a value, or the code of the problem and its details."""

    value: float | None
    problem: str | None = None
    vi_reading: float | None = None
    en_reading: float | None = None


def _vi(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _en(text: str) -> float:
    return float(text.replace(",", ""))


def parse_number_text(raw: str) -> ParsedNumber:
    """Return the number a text cell holds, read the Vietnamese way, or why it cannot be read safely."""
    text = _SPACES.sub("", raw.translate(_MINUS))
    if not text:
        return ParsedNumber(None)
    vi_ok = bool(_VI_GROUPED.match(text) or _VI_PLAIN.match(text))
    en_ok = bool(_EN_GROUPED.match(text) or _EN_PLAIN.match(text))
    if vi_ok:
        value = _vi(text)
        # "1,234" is the only Vietnamese-valid shape an English writer produces for a whole number: a lone comma
        # followed by exactly three digits. Everything else that is valid Vietnamese is read the Vietnamese way.
        if en_ok and "." not in text and re.search(r",\d{3}$", text) and text.count(",") == 1:
            other = _en(text)
            if other != value:
                return ParsedNumber(None, "ambiguous_number", value, other)
        return ParsedNumber(value)
    if en_ok:
        return ParsedNumber(None, "foreign_number", None, _en(text))
    return ParsedNumber(None, "not_a_number")
