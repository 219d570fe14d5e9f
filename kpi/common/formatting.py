"""Numbers, percentages and dates as users read them, through Babel's CLDR locales ("vi" first, "en").

CLDR's `vi` locale (Babel 2.19) already has "." as group symbol and "," as decimal symbol, as Vietnamese
official reports require (27.379; 12.079,5), so the locale is used as it is; tests/common/test_formatting.py
checks those symbols, so a CLDR change would show up there. Patterns are built per call only to fix the
number of decimals, and the percent sign follows the number without a space (45,0%).

Two choices differ from Babel's defaults on purpose:
- rounding is half up (2,5 -> 3; 0,125 -> 0,13), as people round by hand; Babel rounds half to even;
- negative numbers take a true minus sign "−" (U+2212), not the hyphen of CLDR, so that "−2,5" in a table
  never reads as a dash. Missing values (None, NaN, infinity) are shown as an en dash "–".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import cache

from babel import Locale, dates, numbers

DISPLAY_TZ = "Asia/Ho_Chi_Minh"  # every user of the store is in Viet Nam; the store keeps UTC

LANGS = ("vi", "en")
MISSING = "\u2013"  # en dash
MINUS = "\u2212"  # true minus sign


def format_number(x: float | int | None, decimals: int = 0, lang: str = "vi") -> str:
    """Return `x` with grouped thousands and exactly `decimals` decimals ("27.379", "12.079,5"; en "27,379")."""
    rounded = _rounded(x, decimals, lang)
    if rounded is None:
        return MISSING
    with localcontext(_context_for(rounded, decimals)):
        text = numbers.format_decimal(abs(rounded), format=_number_pattern(decimals), locale=_locale(lang))
    return f"{MINUS}{text}" if rounded < 0 else text


def format_percent(x_percent: float | int | None, decimals: int = 1, lang: str = "vi") -> str:
    """Return a value already in percent with a percent sign and no space (45 -> "45,0%"; en "45.0%")."""
    rounded = _rounded(x_percent, decimals, lang)
    if rounded is None:
        return MISSING
    # Decimal division by 100 is exact, so Babel's own multiplication by 100 gives back the rounded value.
    with localcontext(_context_for(rounded, decimals)):
        text = numbers.format_percent(
            abs(rounded) / 100, format=_number_pattern(decimals, "%"), locale=_locale(lang)
        )
    return f"{MINUS}{text}" if rounded < 0 else text


def format_value(x: float | int | None, unit: str, decimals: int = 0, lang: str = "vi") -> str:
    """Return a value with its unit ("27.379 người", "12.079,5 triệu đồng"; "45,0%" when the unit is "%")."""
    if unit.strip() == "%":
        return format_percent(x, decimals, lang)
    text = format_number(x, decimals, lang)
    if text == MISSING or not unit.strip():
        return text
    return f"{text} {unit.strip()}"


def format_signed(x: float | int | None, decimals: int = 0, lang: str = "vi") -> str:
    """Return a change with its sign ("+6", "−2,5"); zero after rounding has no sign ("0")."""
    rounded = _rounded(x, decimals, lang)
    if rounded is None:
        return MISSING
    text = format_number(rounded, decimals, lang)
    return f"{numbers.get_plus_sign_symbol(lang)}{text}" if rounded > 0 else text


def format_date(d: dt.date | None, lang: str = "vi") -> str:
    """Return a date as "11/09/2020" (vi: dd/MM/yyyy, zero-padded); en uses CLDR's medium form "Sep 11, 2020"."""
    _check_lang(lang)
    if d is None:
        return MISSING
    if isinstance(d, dt.datetime):
        d = d.date()
    if lang == "vi":
        return dates.format_date(d, "dd/MM/yyyy", locale=lang)
    return dates.format_date(d, "medium", locale=lang)


def _pattern(decimals: int) -> str:
    """Return the CLDR pattern with grouping and exactly `decimals` decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


@cache
def _number_pattern(decimals: int, suffix: str = "") -> numbers.NumberPattern:
    """Return `_pattern(decimals) + suffix` parsed by Babel, once per process (parsing it on every number
    cost more than formatting the number: the overview formats about 200)."""
    return numbers.parse_pattern(_pattern(decimals) + suffix)


@cache
def _locale(lang: str) -> Locale:
    """Return Babel's locale of a language, parsed once per process."""
    return Locale.parse(lang)


def _context_for(value: Decimal, decimals: int) -> Context:
    """Return a decimal context precise enough for every digit of `value` (1e308 has 309; the default keeps 28)."""
    return Context(prec=max(28, value.adjusted() + decimals + 4))


def _rounded(x: object, decimals: int, lang: str) -> Decimal | None:
    """Return `x` rounded half up to `decimals` places as a Decimal, or None when it is missing."""
    _check_lang(lang)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise ValueError(f"decimals must be a whole number >= 0, not {decimals!r}")
    if x is None or isinstance(x, bool):
        return None
    try:
        # repr gives the shortest text that reads back as the same float: 2.675 stays 2.675, not 2.67499...
        value = Decimal(x) if isinstance(x, int | Decimal) else Decimal(repr(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_finite():
        return None
    rounded = value.quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_context_for(value, decimals)
    )
    return rounded if rounded != 0 else abs(rounded)  # no "−0"


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
