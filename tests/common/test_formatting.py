"""Vietnamese (and English) number, percent and date formats."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from babel import numbers

from kpi.common.formatting import format_date, format_number, format_percent, format_signed, format_value

MINUS = "\u2212"


def test_cldr_vi_groups_with_a_dot_and_marks_decimals_with_a_comma():
    # The module relies on Babel's vi locale as it is; if CLDR ever changes these symbols, this fails first.
    assert numbers.get_group_symbol("vi") == "."
    assert numbers.get_decimal_symbol("vi") == ","


@pytest.mark.parametrize(
    ("x", "decimals", "lang", "expected"),
    [
        (27379, 0, "vi", "27.379"),
        (12079.5, 1, "vi", "12.079,5"),
        (27379, 0, "en", "27,379"),
        (12079.5, 1, "en", "12,079.5"),
        (1650, 0, "vi", "1.650"),
        (999, 0, "vi", "999"),
        (1234567.891, 2, "vi", "1.234.567,89"),
        (97, 1, "vi", "97,0"),
        (2.5, 0, "vi", "3"),  # half up, not half to even
        (0.125, 2, "vi", "0,13"),
        (2.675, 2, "vi", "2,68"),  # the float 2.675 is read as written
        (-1234.5, 1, "vi", f"{MINUS}1.234,5"),
        (-0.04, 1, "vi", "0,0"),  # no "−0,0"
        (Decimal("1.005"), 2, "vi", "1,01"),
        (None, 0, "vi", "–"),
        (math.nan, 1, "vi", "–"),
        (math.inf, 0, "vi", "–"),
    ],
)
def test_format_number_groups_thousands_and_fixes_decimals(x, decimals, lang, expected):
    assert format_number(x, decimals, lang) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "lang", "expected"),
    [
        (45, 1, "vi", "45,0%"),
        (45, 1, "en", "45.0%"),
        (35.25, 1, "vi", "35,3%"),
        (99.15, 1, "vi", "99,2%"),
        (100, 0, "vi", "100%"),
        (0, 1, "vi", "0,0%"),
        (1234.5, 1, "vi", "1.234,5%"),
        (-3.25, 1, "vi", f"{MINUS}3,3%"),
        (None, 1, "vi", "–"),
    ],
)
def test_format_percent_takes_a_value_already_in_percent(x, decimals, lang, expected):
    assert format_percent(x, decimals, lang) == expected


def test_format_percent_defaults_to_one_decimal_in_vietnamese():
    assert format_percent(45) == "45,0%"


@pytest.mark.parametrize(
    ("x", "unit", "decimals", "lang", "expected"),
    [
        (27379, "người", 0, "vi", "27.379 người"),
        (12079.5, "triệu đồng", 1, "vi", "12.079,5 triệu đồng"),
        (45, "%", 1, "vi", "45,0%"),
        (264, "HTX", 0, "vi", "264 HTX"),
        (27379, "people", 0, "en", "27,379 people"),
        (5, "", 0, "vi", "5"),
        (None, "người", 0, "vi", "–"),
        (None, "%", 1, "vi", "–"),
    ],
)
def test_format_value_puts_the_unit_after_the_number(x, unit, decimals, lang, expected):
    assert format_value(x, unit, decimals, lang) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "lang", "expected"),
    [
        (6, 0, "vi", "+6"),
        (-2.5, 1, "vi", f"{MINUS}2,5"),
        (1234.5, 1, "vi", "+1.234,5"),
        (1234.5, 1, "en", "+1,234.5"),
        (0, 0, "vi", "0"),
        (-0.01, 1, "vi", "0,0"),
        (None, 0, "vi", "–"),
    ],
)
def test_format_signed_shows_plus_and_a_true_minus(x, decimals, lang, expected):
    assert format_signed(x, decimals, lang) == expected


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (dt.date(2020, 9, 11), "vi", "11/09/2020"),
        (dt.date(2023, 2, 1), "vi", "01/02/2023"),
        (dt.datetime(2020, 3, 9, 14, 30), "vi", "09/03/2020"),
        (dt.date(2020, 9, 11), "en", "Sep 11, 2020"),
        (None, "vi", "–"),
    ],
)
def test_format_date_pads_day_and_month(d, lang, expected):
    assert format_date(d, lang) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_number(1, 0, "fr"),
        lambda: format_percent(1, 1, "de"),
        lambda: format_date(dt.date(2020, 1, 1), "xx"),
        lambda: format_number(1, -1, "vi"),
    ],
)
def test_an_unknown_language_or_negative_decimals_is_refused(call):
    with pytest.raises(ValueError):
        call()


def test_a_huge_value_is_formatted_in_full_instead_of_failing() -> None:
    """A count typed as 1e20 in a workbook must still print (Decimal's default 28 digits used to refuse 1e308)."""
    assert format_number(1e20) == "100.000.000.000.000.000.000"
    assert format_number(1e308).startswith("100.000.000.000")
