"""Text folding used wherever users' spelling must be matched: headers, closed lists, place names."""

from __future__ import annotations

import re
import unicodedata

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
