"""The declaration files of the workbook contracts: loaded into sheets, and every fault of a bad file named."""

from __future__ import annotations

import copy

import pytest
import yaml

from kpi.common.data_files import DataFileError
from kpi.workbook.contract import (
    COOP,
    STATISTICS_PATH,
    TASK_REPORTS_PATH,
    ContractError,
    Kind,
    load_contract,
)

GOOD = {
    "maxima": {"people": {"value": 1000, "reason": "a typo beyond"}},
    "jumps": {
        "yearly": {"factor": 10, "reason": "a unit slip"},
        "rank": {"levels": 2, "reason": "rare"},
    },
    "lists": {"grades": {"values": ["Tốt", "Khá", "Chưa xếp loại"], "aliases": {"cxl": "Chưa xếp loại"}}},
    "sheets": [
        {
            "id": "units",
            "name": "Đơn vị",
            "name_en": "Units",
            "columns": [
                {
                    "id": "people",
                    "header": "Số người",
                    "header_en": "People",
                    "kind": "count",
                    "maximum": "people",
                    "jump": "yearly",
                    "unit": "người",
                    "unit_en": "people",
                    "note": "Số nguyên ≥ 0.",
                    "note_en": "A whole number ≥ 0.",
                },
                {
                    "id": "grade",
                    "header": "Xếp loại",
                    "header_en": "Grade",
                    "kind": "choice",
                    "list": "grades",
                    "ranked": ["Tốt", "Khá"],
                    "jump": "rank",
                    "note": "Chọn trong danh sách.",
                    "note_en": "Pick from the list.",
                },
            ],
        }
    ],
}


def write(tmp_path, declaration) -> object:
    path = tmp_path / "contract.yaml"
    path.write_text(yaml.safe_dump(declaration, allow_unicode=True), encoding="utf-8")
    return path


def changed(edit) -> dict:
    declaration = copy.deepcopy(GOOD)
    edit(declaration)
    return declaration


def column(declaration: dict, i: int) -> dict:
    return declaration["sheets"][0]["columns"][i]


def test_a_good_declaration_gives_its_sheets_with_named_limits_resolved(tmp_path) -> None:
    sheets = load_contract(write(tmp_path, GOOD))
    units = sheets["units"]
    assert list(sheets) == ["units"]
    assert units.name == "Đơn vị" and units.required is True
    assert units.ids == ["people", "grade"]
    people, grade = units.columns
    assert (people.kind, people.maximum, people.jump_factor, people.width) == (Kind.COUNT, 1000.0, 10.0, 14)
    assert (people.unit, people.unit_en) == ("người", "people")
    assert grade.choices == ("Tốt", "Khá", "Chưa xếp loại")
    assert grade.choice_aliases == {"cxl": "Chưa xếp loại"}
    assert (grade.ranked, grade.jump_levels, grade.jump_factor) == (("Tốt", "Khá"), 2, None)


FAULTS = [
    (
        "an unknown field",
        lambda d: column(d, 0).update(colour="red"),
        "column people: unknown field 'colour'",
    ),
    (
        "an unknown kind",
        lambda d: column(d, 0).update(kind="float"),
        "column people: kind 'float' is not one",
    ),
    (
        "an id not in snake_case",
        lambda d: column(d, 0).update(id="People"),
        "column 1: id must be snake_case",
    ),
    ("a blank header", lambda d: column(d, 0).update(header=" "), "header must be a non-empty text"),
    ("a missing English note", lambda d: column(d, 0).pop("note_en"), "note_en must be a non-empty text"),
    (
        "a maximum not declared",
        lambda d: column(d, 0).update(maximum="crowd"),
        "maximum 'crowd' is not declared",
    ),
    ("a maximum on text", lambda d: column(d, 0).update(kind="text"), "a maximum needs a numeric kind"),
    ("a jump not declared", lambda d: column(d, 0).update(jump="wild"), "jump 'wild' is not declared"),
    ("a list not declared", lambda d: column(d, 1).update(list="marks"), "list 'marks' is not declared"),
    ("a choice without its list", lambda d: column(d, 1).pop("list"), "a column of kind choice, and only"),
    ("a list on a count", lambda d: column(d, 0).update(list="grades"), "a column of kind choice, and only"),
    (
        "ranked values off the list",
        lambda d: column(d, 1).update(ranked=["Tốt", "Giỏi"]),
        "ranked values Giỏi",
    ),
    (
        "ranks without a list",
        lambda d: column(d, 0).update(ranked=["Tốt"]),
        "ranked values need a closed list",
    ),
    ("a rank jump without ranks", lambda d: column(d, 1).pop("ranked"), "the column needs ranked values"),
    (
        "a required flag as text",
        lambda d: column(d, 0).update(required="yes"),
        "required must be true or false",
    ),
    ("a unit without English", lambda d: column(d, 0).pop("unit_en"), "unit and unit_en go together"),
    ("a width of zero", lambda d: column(d, 0).update(width=0), "width must be a whole number from 1 to 255"),
    (
        "two columns read from one header",
        lambda d: column(d, 1).update(aliases=["So nguoi"]),
        "columns people and grade are both read from a header 'songuoi'",
    ),
    ("a repeated column id", lambda d: column(d, 1).update(id="people"), "two columns have the same id"),
    ("a maximum without reason", lambda d: d["maxima"]["people"].pop("reason"), "maxima people: reason must"),
    ("a maximum of zero", lambda d: d["maxima"]["people"].update(value=0), "value must be a number above 0"),
    (
        "a jump factor of one",
        lambda d: d["jumps"]["yearly"].update(factor=1),
        "factor must be a number above 1",
    ),
    ("a jump of two sorts", lambda d: d["jumps"]["rank"].update(factor=3), "give either factor"),
    (
        "an alias not folded",
        lambda d: d["lists"]["grades"]["aliases"].update(CXL="Khá"),
        "must be written folded",
    ),
    ("an alias to nothing", lambda d: d["lists"]["grades"]["aliases"].update(g="Giỏi"), "points at 'Giỏi'"),
    ("a repeated list value", lambda d: d["lists"]["grades"]["values"].append("Khá"), "without repeats"),
    ("no sheets", lambda d: d.update(sheets=[]), "sheets must be a non-empty list"),
    ("a sheet without columns", lambda d: d["sheets"][0].update(columns=[]), "columns must be a non-empty"),
    (
        "a sheet twice",
        lambda d: d["sheets"].append(copy.deepcopy(d["sheets"][0])),
        "sheet units: declared twice",
    ),
    ("an unknown top-level field", lambda d: d.update(version=2), "top level: unknown field 'version'"),
]


@pytest.mark.parametrize(("case", "edit", "message"), FAULTS, ids=[f[0] for f in FAULTS])
def test_a_faulty_declaration_is_refused_with_a_message_naming_the_fault(
    tmp_path, case, edit, message
) -> None:
    with pytest.raises(ContractError) as caught:
        load_contract(write(tmp_path, changed(edit)))
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_every_fault_of_a_file_is_listed_at_once(tmp_path) -> None:
    def edit(d: dict) -> None:
        column(d, 0).update(kind="float")
        column(d, 1).update(list="marks")
        d["maxima"]["people"].pop("reason")

    with pytest.raises(ContractError) as caught:
        load_contract(write(tmp_path, changed(edit)))
    assert len(caught.value.problems) == 3
    assert "3 problem(s)" in str(caught.value) and str(caught.value).startswith(str(tmp_path))


def test_a_file_that_is_not_yaml_is_refused_with_its_path(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("sheets: [\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_contract(path)
    assert caught.value.path == path and "not valid YAML" in caught.value.problems[0]


@pytest.mark.parametrize(
    ("path", "sheets"),
    [
        (STATISTICS_PATH, ["info", "coops", "groups"]),
        (TASK_REPORTS_PATH, ["info", "task_reports", "implementation_plans"]),
    ],
)
def test_both_kinds_are_declared_by_a_file_the_loader_accepts(path, sheets) -> None:
    assert list(load_contract(path)) == sheets


def test_the_statistics_declaration_keeps_the_headers_and_order_of_the_workbook_format() -> None:
    # The headers of the HTX sheet as the format has always had them (README, sample workbooks).
    assert [c.header for c in COOP.columns][:7] == [
        "Mã HTX",
        "Tên HTX",
        "Huyện/Thành phố",
        "Xã/Phường/Thị trấn",
        "Lĩnh vực",
        "Năm thành lập",
        "Tình trạng",
    ]
    assert COOP.column("revenue").maximum == 100_000_000.0
    assert COOP.column("rating").ranked == ("Tốt", "Khá", "Trung bình", "Yếu")
