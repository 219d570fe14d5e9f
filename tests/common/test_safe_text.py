"""Folding for matching, and users' text shown literally (Markdown for Streamlit, HTML entities for plotly)."""

from __future__ import annotations

import html
import random
import string

import pandas as pd
import pytest

from kpi.common.safe_text import WORD_JOINER, escape_html, escape_markdown, fold, fold_all
from tests.hostile import ALL, PAYLOADS, rendered_literally


@pytest.mark.parametrize("payload", [*PAYLOADS, ALL, "HTX Đắk Mil 12.079,5 (2024) -> a--b <= c"])
def test_escaped_markdown_renders_as_the_text_itself(payload):
    assert rendered_literally(escape_markdown(payload), payload)


@pytest.mark.parametrize("payload", PAYLOADS[:-1])  # the last is Streamlit's own syntax, not CommonMark's
def test_an_unescaped_payload_is_not_literal_so_the_check_can_fail(payload):
    assert not rendered_literally(payload, payload)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đắk Mil", "Đắk Mil"),
        ("a*b", r"a\*b"),
        ("http://x", "http\\:" + WORD_JOINER + r"\/\/x"),
        (None, ""),
        (12, "12"),
    ],
)
def test_escape_markdown_escapes_punctuation_and_breaks_addresses(text, expected):
    assert escape_markdown(text) == expected


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_html_has_no_tag_and_reads_back_as_the_text(payload):
    escaped = escape_html(payload)
    assert "<" not in escaped and ">" not in escaped
    assert html.unescape(escaped) == payload


def test_fold_still_matches_spellings():
    assert fold("Đắk R'lấp") == "dakrlap"


# (cell, its key worked out by hand): Vietnamese letters, other scripts' marks, letters that decompose or
# lower-case to ASCII only with help, and cells that are not text.
FOLDED = [
    ("Đắk R'lấp", "dakrlap"),
    ("HTX Nông nghiệp Hòa Thuận", "htxnongnghiephoathuan"),
    ("ĐĐđđ", "dddd"),
    ("CỘNG TÁC", "congtac"),
    ("e\u0301 và ề", "evae"),  # a mark typed apart, and the same letter precomposed
    ("İzmir", "izmir"),  # a dotted capital I: its dot is a mark
    ("Kelvin \u212a", "kelvink"),  # the Kelvin sign decomposes to K
    ("Ω ω µ ß ﬁ", ""),  # letters outside a-z are dropped, not transliterated
    ("HTX\x00A", "htxa"),  # the separator of the column-wide fold, inside a cell
    ("6400123 / 01", "640012301"),
    ("  ", ""),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
    (12, "12"),
    (3.5, "35"),
]


@pytest.mark.parametrize(("cell", "key"), FOLDED, ids=[repr(c) for c, _ in FOLDED])
def test_a_column_folds_cell_by_cell_as_fold_does(cell, key):
    assert fold("" if cell is None or cell != cell else cell) == key
    folded = fold_all(pd.Series([cell, "Đắk Mil"], dtype=object))
    assert folded.tolist() == [key, "dakmil"]
    assert str(folded.dtype) == "str"


def test_a_text_column_with_blanks_folds_to_empty_keys_where_blank():
    column = pd.Series(["Cư Jút", None, "Krông Nô"], dtype="str", index=[5, 7, 9])
    folded = fold_all(column)
    assert folded.tolist() == ["cujut", "", "krongno"]
    assert folded.index.tolist() == [5, 7, 9]


def test_any_line_of_punctuation_letters_and_digits_renders_as_itself():
    # 500 random one-line texts over every ASCII punctuation character, letters with diacritics and digits.
    rng = random.Random(485)
    alphabet = string.punctuation + string.ascii_letters + string.digits + "  Đắkđơư"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))).strip()
        if text:
            assert rendered_literally(escape_markdown(text), text), text
