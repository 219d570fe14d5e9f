"""What a confirmed import on page 6 removes of the sample data (ui.data_admin.samples_removed), for either kind:
a real workbook removes the sample versions of every kind, so that real data never stands beside sample data,
and the confirmation names them all; a sample workbook removes none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ui.data_admin import sample_to_remove, samples_removed

SAMPLES = [("stats", 2023, 1), ("tasks", 2021, 1), ("tasks", 2022, 1)]
STORE = SimpleNamespace(sample_versions=lambda: list(SAMPLES))


@pytest.mark.parametrize(
    ("is_sample", "removed", "form"),
    [
        (False, SAMPLES, {"sample_years": [2023, 2021, 2022], "sample_count": 3}),
        (True, [], {"sample_years": [], "sample_count": 0}),
    ],
    ids=["a real workbook removes every kind's sample", "a sample workbook removes none"],
)
def test_the_sample_a_confirmed_import_removes_is_every_kinds(
    is_sample: bool, removed: list, form: dict
) -> None:
    preview = SimpleNamespace(
        is_sample=is_sample, sample_to_remove=[(2023, 1)]
    )  # a statistics preview's own list
    assert samples_removed(STORE, preview) == removed
    assert sample_to_remove(STORE, preview) == form
