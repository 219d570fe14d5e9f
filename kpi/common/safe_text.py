"""Text folding used wherever users' spelling must be matched: headers, closed lists, place names."""

from __future__ import annotations

import html
import re
import unicodedata

import pandas as pd

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def strip_diacritics(text: str) -> str:
    """Return `text` without Vietnamese diacritics ("Đắk Nông" -> "Dak Nong")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: object) -> str:
    """Return a matching key: lower case, no diacritics, no spaces or punctuation ("Đắk R'lấp" -> "dakrlap")."""
    if text is None:
        return ""
    return _NON_ALNUM.sub("", strip_diacritics(str(text)).lower())


_SEPARATOR = "\x00"
_DROPPED = bytes(b for b in range(256) if chr(b) not in "0123456789abcdefghijklmnopqrstuvwxyz" + _SEPARATOR)


def fold_all(values: pd.Series) -> pd.Series:
    """Return `fold` of every cell, as pandas' str ("" for a blank cell), computed over the whole column at
    once: the cells joined into one text, decomposed and lower-cased, and everything but 0-9 a-z dropped as
    bytes (a year's 30.000 names in about 25 ms instead of 150)."""
    if values.dtype == "str":
        cells = values.fillna("").tolist()
    else:
        cells = values.astype(object).where(values.notna(), "").map(str).tolist()
    joined = _SEPARATOR.join(cells)
    if joined.count(_SEPARATOR) != max(len(cells) - 1, 0):  # a cell holding the separator: one at a time
        return pd.Series([fold(c) for c in cells], index=values.index, dtype="str")
    decomposed = unicodedata.normalize("NFD", joined.replace("đ", "d").replace("Đ", "D")).lower()
    # The marks NFD splits off, and every other letter outside a-z, are not ASCII: encoding drops them.
    kept = decomposed.encode("ascii", "ignore").translate(None, _DROPPED).decode("ascii")
    return pd.Series(kept.split(_SEPARATOR) if cells else [], index=values.index, dtype="str")


# --- showing users' text literally --------------------------------------------------------------------------

WORD_JOINER = "\u2060"  # invisible, zero-width: breaks a pattern without changing what is read
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Patterns Streamlit's renderer finds in plain text after backslash escapes are resolved: bare addresses
# (GFM autolinks "http://...", "www.x", "a@b.c"), emoji and logo shortcodes (":smile:", ":streamlit:"),
# and typographic arrows ("->", "<=", "--"). A word joiner inside each keeps them text.
_AFTER_SCHEME = re.compile(r"(?<=[:@])(?=[\w/+\-])")
_WWW = re.compile(r"(?i)(?<=www)(?=\.)")
_ARROW = re.compile(r"(?<=[<\-~>])(?=[\->=])")


def escape_markdown(text: object) -> str:
    """Return `text` as Markdown that renders exactly as the text: no link, image, emphasis, heading, list,
    table, HTML tag, LaTeX, colour directive, emoji shortcode or bare-address autolink.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them), and a
    word joiner is put where a pattern would still match the unescaped text (see `_AFTER_SCHEME`). Used
    for everything users typed (workbook cells, file names, "by"/"note" fields) that reaches st.markdown,
    st.table cells, captions, alerts, labels and tooltips."""
    if text is None:
        return ""
    value = str(text)
    value = _ARROW.sub(WORD_JOINER, _WWW.sub(WORD_JOINER, _AFTER_SCHEME.sub(WORD_JOINER, value)))
    return _ASCII_PUNCTUATION.sub(r"\\\1", value)


def escape_html(text: object) -> str:
    """Return `text` with HTML's special characters as entities, for plotly titles, labels and hover texts
    (plotly renders a subset of HTML in them, clickable <a href> included; entities show as the character)."""
    if text is None:
        return ""
    return html.escape(str(text), quote=True)


# --- writing users' text into files that spreadsheets open ---------------------------------------------------

# Characters that make Excel, LibreOffice or Google Sheets take a cell for a formula (OWASP, CSV injection):
# "=", "+", "-", "@", and tab or carriage return before them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Return True when a spreadsheet could run `text` as a formula: it must be written as text (.xlsx:
    the quote prefix) or with a leading apostrophe (CSV). Numbers are written as numbers and never are."""
    return text.startswith(FORMULA_START)


def csv_cell(value: object) -> object:
    """Return a value for a CSV cell: a formula-like text with a leading apostrophe, anything else as is."""
    return "'" + value if isinstance(value, str) and formula_like(value) else value


def csv_bytes(table: pd.DataFrame) -> bytes:
    """Return a table as CSV in UTF-8 with a byte order mark, so that Excel opens the accents correctly;
    formula-like texts get a leading apostrophe (`kpi.common.safe_text.csv_cell`), numbers stay numbers."""
    safe = table.map(csv_cell)
    safe.columns = [csv_cell(str(c)) for c in table.columns]
    return safe.to_csv(index=False, lineterminator="\r\n").encode(
        "utf-8-sig"
    )  # RFC 4180: a CR in a cell is quoted
