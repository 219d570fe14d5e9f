"""Numbers typed as text are read the Vietnamese way; a text the English convention would read otherwise is reported."""

from __future__ import annotations

import pytest

from kpi.common.number_text import parse_number_text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,5", 1234.5),  # dot groups thousands, comma marks decimals
        ("27.379", 27379),  # the plan's own way of writing 27 379 members
        ("1.000.000", 1_000_000),
        ("1,5", 1.5),
        ("0,25", 0.25),
        ("12", 12),
        ("-3", -3),
        ("+7", 7),
        (" 1 234 ", 1234),  # spaces (also used to group thousands) are dropped
        ("1\u00a0234,5", 1234.5),  # no-break space as the group separator
        ("\u221212", -12),  # a true minus sign
        ("\u2013 4,5", -4.5),  # an en dash typed for minus
        ("1,2345", 1.2345),  # four decimals: no English reading has a group of four
    ],
)
def test_a_vietnamese_text_number_is_read_as_written(text: str, value: float) -> None:
    parsed = parse_number_text(text)
    assert parsed.problem is None
    assert parsed.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "vi_reading", "en_reading"),
    [
        ("1,234", 1.234, 1234),
        ("12,000", 12.0, 12000),
        ("-1,500", -1.5, -1500),
    ],
)
def test_a_comma_before_three_digits_is_reported_as_ambiguous(
    text: str, vi_reading: float, en_reading: float
) -> None:
    parsed = parse_number_text(text)
    assert parsed.value is None
    assert parsed.problem == "ambiguous_number"
    assert parsed.vi_reading == pytest.approx(vi_reading)
    assert parsed.en_reading == pytest.approx(en_reading)


@pytest.mark.parametrize(
    ("text", "en_reading"),
    [
        ("1.5", 1.5),  # a decimal point: English only
        ("0.25", 0.25),
        ("1,234,567", 1_234_567),  # comma groups: English only
        ("12,345.6", 12345.6),
    ],
)
def test_a_number_written_the_english_way_is_reported_as_foreign(text: str, en_reading: float) -> None:
    parsed = parse_number_text(text)
    assert parsed.value is None
    assert parsed.problem == "foreign_number"
    assert parsed.en_reading == pytest.approx(en_reading)


@pytest.mark.parametrize("text", ["abc", "12 người", "1.2.3", "1.234.5", "5%", "1e5", "--3", ",5"])
def test_a_text_that_is_no_number_is_reported(text: str) -> None:
    parsed = parse_number_text(text)
    assert parsed.value is None
    assert parsed.problem == "not_a_number"


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_a_text_of_spaces_only_is_blank_not_a_problem(text: str) -> None:
    assert parse_number_text(text) == parse_number_text("")
    assert parse_number_text(text).value is None
    assert parse_number_text(text).problem is None
