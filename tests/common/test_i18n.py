"""The text catalogs: one key per text, in every language, faults listed at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.common.data_files import DataFileError
from kpi.common.i18n import load_catalog, t, texts


def test_a_text_is_given_in_the_language_asked_with_its_fields_filled() -> None:
    assert t("overview.target_name", "vi", year=2025) == "Mục tiêu 2025"
    assert t("overview.target_name", "en", year=2025) == "Target 2025"


def test_texts_gives_a_key_in_every_language_each_field_from_its_own_language() -> None:
    assert texts("problem.yoy_jump.up", times={"vi": "12,5", "en": "12.5"}) == {
        "vi": "gấp 12,5 lần",
        "en": "12.5 times as much",
    }
    assert texts("auth.role.analyst") == {"vi": "cán bộ nhập liệu", "en": "analyst"}


def test_a_key_twice_and_a_missing_language_are_both_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text('x: {vi: "Có", en: "Yes"}\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('x: {vi: "Có", en: "Yes"}\ny: {vi: "Không"}\n', encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_catalog(tmp_path)
    assert caught.value.path == tmp_path
    assert caught.value.problems == [
        "b.yaml: key 'x' already defined in a.yaml",
        "b.yaml: key 'y' needs a text for each of vi, en",
    ]
