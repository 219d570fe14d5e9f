"""Texts that users read, from the catalogs in data/i18n/*.yaml (Vietnamese first, English as a choice).

Each catalog file maps a key to {vi: ..., en: ...}; several files (one per area of the dashboard) are merged,
and the loader reports duplicate keys and missing languages all at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kpi.common.data_files import DataFileError, read_yaml
from kpi.common.settings import DATA_DIR

I18N_DIR = DATA_DIR / "i18n"
LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


def load_catalog(directory: Path | None = None) -> dict[str, dict[str, str]]:
    """Return every text of the catalogs in `directory`, checked (each key once, in every language); raise
    DataFileError listing every fault."""
    texts: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    directory = directory or I18N_DIR
    for path in sorted(directory.glob("*.yaml")):
        for key, value in read_yaml(path).items():
            if key in texts:
                problems.append(f"{path.name}: key '{key}' already defined in {origin[key]}")
                continue
            if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGS):
                problems.append(f"{path.name}: key '{key}' needs a text for each of {', '.join(LANGS)}")
                continue
            texts[key], origin[key] = value, path.name
    if problems:
        raise DataFileError(problems, directory)
    return texts


@cache
def _catalog() -> dict[str, dict[str, str]]:
    return load_catalog()


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Return the text of `key` in `lang`, with `{name}` fields filled from params."""
    entry = _catalog()[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text


def texts(key: str, **params: object) -> dict[str, str]:
    """Return the text of `key` in every language ({"vi": ..., "en": ...}), e.g. for a problem's parameter.

    A parameter given as such a dict is filled in each language from its own entry."""
    return {
        lang: t(key, lang, **{k: v[lang] if isinstance(v, dict) else v for k, v in params.items()})
        for lang in LANGS
    }
