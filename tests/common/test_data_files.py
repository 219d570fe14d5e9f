"""Reading the project's data files: one error naming the file and every fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.common.data_files import DataFileError, read_yaml


def test_a_mapping_is_returned_as_read(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("name: Đắk Mil\nyears: [2020, 2021]\n", encoding="utf-8")
    assert read_yaml(path) == {"name": "Đắk Mil", "years": [2020, 2021]}


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        (None, "cannot read the file"),
        ("a: [1, 2\n", "not valid YAML"),
        ("- a\n- b\n", "expected a mapping at the top level"),
        ("", "expected a mapping at the top level"),
    ],
    ids=["missing", "broken", "a list", "empty"],
)
def test_a_file_that_cannot_be_used_is_one_error_naming_it(
    tmp_path: Path, content: str | None, fault: str
) -> None:
    path = tmp_path / "rules.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_yaml(path)
    assert caught.value.path == path
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith(fault)
    assert str(caught.value).startswith(f"{path}: {fault}")


def test_every_fault_is_listed_under_the_file() -> None:
    error = DataFileError(["years: missing", "districts: unknown 'Huyện Ma'"], Path("plan.yaml"))
    assert str(error) == "plan.yaml: 2 problem(s):\n- years: missing\n- districts: unknown 'Huyện Ma'"


def test_a_single_fault_without_a_file_reads_as_itself() -> None:
    error = DataFileError("Empty time frame: ''")
    assert (error.problems, error.path, str(error)) == (
        ["Empty time frame: ''"],
        None,
        "Empty time frame: ''",
    )
