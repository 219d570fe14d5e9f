"""Tests of the Đắk Nông administrative reference (kpi/domain/places.py and data/reference/dak-nong-admin.yaml).

Expected values come from /work/shared/docs/domain-notes.md section 4.1, counted by hand.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from kpi.common.data_files import DataFileError
from kpi.domain.places import Commune, District, Reference, load_reference
from tests.plan_facts import DISTRICT_NAMES


@pytest.fixture(scope="module")
def ref() -> Reference:
    """The bundled reference file, loaded once for the module."""
    return load_reference()


def matched(ref: Reference, district: str, text: str) -> Commune:
    """Return the commune `text` names in `district`, failing the test when none matches."""
    commune = ref.match_commune(district, text)
    assert commune is not None, (district, text)
    return commune


# -- the bundled file -------------------------------------------------------------------------------------------


def test_the_bundled_file_loads_from_the_default_path(ref: Reference) -> None:
    assert isinstance(ref, Reference)
    assert ref.meta["province"] == "Đắk Nông"


def test_the_province_has_8_districts_in_display_order(ref: Reference) -> None:
    assert ref.district_names() == list(DISTRICT_NAMES)
    assert [district.id for district in ref.districts] == [
        "gia_nghia",
        "cu_jut",
        "dak_glong",
        "dak_mil",
        "dak_rlap",
        "dak_song",
        "krong_no",
        "tuy_duc",
    ]


def test_the_province_has_71_communes(ref: Reference) -> None:
    assert ref.commune_count() == 71


@pytest.mark.parametrize(
    ("district_id", "expected_count"),
    [
        ("gia_nghia", 8),
        ("cu_jut", 8),
        ("dak_glong", 7),
        ("dak_mil", 10),
        ("dak_rlap", 11),
        ("dak_song", 9),
        ("krong_no", 12),
        ("tuy_duc", 6),
    ],
)
def test_each_district_has_the_commune_count_of_the_notes(
    ref: Reference, district_id: str, expected_count: int
) -> None:
    assert ref.commune_count(district_id) == expected_count
    assert len(ref.get_district(district_id).communes) == expected_count


def test_there_are_6_phuong_5_thi_tran_and_60_xa(ref: Reference) -> None:
    assert Counter(commune.type for commune in ref.communes()) == {"phuong": 6, "thi_tran": 5, "xa": 60}


def test_all_phuong_are_in_gia_nghia_and_the_thi_tran_are_the_five_of_the_notes(ref: Reference) -> None:
    assert {c.district_id for c in ref.communes() if c.type == "phuong"} == {"gia_nghia"}
    assert {(c.district_id, c.name) for c in ref.communes() if c.type == "thi_tran"} == {
        ("cu_jut", "Ea T'ling"),
        ("dak_mil", "Đắk Mil"),
        ("dak_rlap", "Kiến Đức"),
        ("dak_song", "Đức An"),
        ("krong_no", "Đắk Mâm"),
    }


def test_gia_nghia_is_the_only_city_and_the_rest_are_huyen(ref: Reference) -> None:
    assert [(district.id, district.type) for district in ref.districts if district.type != "huyen"] == [
        ("gia_nghia", "thanh_pho")
    ]


@pytest.mark.parametrize(
    ("district_id", "expected_code"),
    [("gia_nghia", "660"), ("dak_rlap", "666"), ("cu_jut", None), ("tuy_duc", None)],
)
def test_gso_codes_are_kept_only_where_the_notes_give_one(
    ref: Reference, district_id: str, expected_code: str | None
) -> None:
    assert ref.get_district(district_id).code == expected_code


def test_every_unit_is_valid_from_2020_until_30_june_2025(ref: Reference) -> None:
    units = [*ref.districts, *ref.communes()]
    assert {(unit.valid_from, unit.valid_to) for unit in units} == {(date(2020, 1, 1), date(2025, 6, 30))}


def test_every_district_keeps_its_source_urls(ref: Reference) -> None:
    for district in ref.districts:
        assert district.sources
        assert all(url.startswith(("http://", "https://")) for url in district.sources)


@pytest.mark.parametrize(
    ("district_id", "expected_status"),
    [
        ("gia_nghia", "confirmed"),
        ("cu_jut", "partly"),
        ("dak_glong", "confirmed"),
        ("dak_mil", "confirmed"),
        ("dak_rlap", "confirmed"),
        ("dak_song", "partly"),
        ("krong_no", "partly"),
        ("tuy_duc", "confirmed"),
    ],
)
def test_each_district_keeps_the_mark_of_its_row_in_the_notes(
    ref: Reference, district_id: str, expected_status: str
) -> None:
    assert ref.get_district(district_id).status == expected_status


@pytest.mark.parametrize(
    ("district_id", "commune_name", "expected_status"),
    [
        ("cu_jut", "Cư K'Nia", "inferred"),
        ("cu_jut", "Đắk D'Rông", "inferred"),
        ("cu_jut", "Nam Dong", "inferred"),
        ("cu_jut", "Ea Pô", "confirmed"),
        ("dak_song", "Trường Xuân", "inferred"),
        ("dak_song", "Nâm N'Jang", "confirmed"),
        ("krong_no", "Nam Xuân", "confirmed"),
        ("krong_no", "Buôn Choah", "partly"),
        ("gia_nghia", "Đắk R'Moan", "confirmed"),
    ],
)
def test_each_commune_keeps_its_confirmation_mark(
    ref: Reference, district_id: str, commune_name: str, expected_status: str
) -> None:
    commune = matched(ref, district_id, commune_name)
    assert commune.status == expected_status


def test_status_totals_are_56_confirmed_9_partly_6_inferred(ref: Reference) -> None:
    # inferred: 3 in Cư Jút + 3 in Đắk Song; partly: Krông Nô's 12 minus Đắk Mâm, Nam Xuân, Tân Thành.
    assert Counter(commune.status for commune in ref.communes()) == {
        "confirmed": 56,
        "partly": 9,
        "inferred": 6,
    }


# -- labels -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("district_id", "commune_name", "expected_label"),
    [
        ("gia_nghia", "Đắk Nia", "Xã Đắk Nia"),
        ("gia_nghia", "Nghĩa Đức", "Phường Nghĩa Đức"),
        ("cu_jut", "Ea T'ling", "Thị trấn Ea T'ling"),
    ],
)
def test_a_commune_label_puts_its_type_in_front(
    ref: Reference, district_id: str, commune_name: str, expected_label: str
) -> None:
    commune = matched(ref, district_id, commune_name)
    assert commune.label == expected_label


@pytest.mark.parametrize(
    ("district_id", "expected_label"),
    [("gia_nghia", "Thành phố Gia Nghĩa"), ("dak_rlap", "Huyện Đắk R'lấp")],
)
def test_a_district_label_puts_its_type_in_front(
    ref: Reference, district_id: str, expected_label: str
) -> None:
    assert ref.get_district(district_id).label == expected_label


# -- district matching ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_id"),
    [
        ("Đắk R'lấp", "dak_rlap"),
        ("Huyện Đắk R'Lấp", "dak_rlap"),
        ("dak rlap", "dak_rlap"),
        ("ĐĂK R’LẤP", "dak_rlap"),
        ("Đăk R'lấp", "dak_rlap"),
        ("H. Đắk R’lấp", "dak_rlap"),
        ("TP. Gia Nghĩa", "gia_nghia"),
        ("TP Gia Nghĩa", "gia_nghia"),
        ("Thành phố Gia Nghia", "gia_nghia"),
        ("thanh pho gia nghia", "gia_nghia"),
        ("Thị xã Gia Nghĩa", "gia_nghia"),
        ("  gia   nghĩa ", "gia_nghia"),
        ("Krong No", "krong_no"),
        ("Huyện Krông Nô", "krong_no"),
        ("H. Tuy Đức", "tuy_duc"),
        ("TUY DUC", "tuy_duc"),
        ("Đắk Glong", "dak_glong"),
        ("Đắk G'Long", "dak_glong"),
        ("Dak Glong", "dak_glong"),
        ("Đăk G’long", "dak_glong"),
        ("Cu Jut", "cu_jut"),
        ("huyện cư jút", "cu_jut"),
        ("Đăk Mil", "dak_mil"),
        ("Dak Song", "dak_song"),
    ],
)
def test_a_district_is_matched_from_any_common_spelling(ref: Reference, text: str, expected_id: str) -> None:
    district = ref.match_district(text)
    assert district is not None
    assert district.id == expected_id


@pytest.mark.parametrize("text", ["Đắk Nông", "Buôn Ma Thuột", "Đắk", "", None, "Huyện", "Nghĩa Đức"])
def test_an_unknown_district_name_gives_none(ref: Reference, text: str | None) -> None:
    assert ref.match_district(text) is None


# -- commune matching -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("district", "text", "expected_label"),
    [
        ("gia_nghia", "P. Nghĩa Đức", "Phường Nghĩa Đức"),
        ("gia_nghia", "phường nghia duc", "Phường Nghĩa Đức"),
        ("gia_nghia", "xã Đắk Nia", "Xã Đắk Nia"),
        ("gia_nghia", "X. Dak Nia", "Xã Đắk Nia"),
        ("gia_nghia", "Đắk R’Moan", "Xã Đắk R'Moan"),
        ("cu_jut", "TT. Ea T'ling", "Thị trấn Ea T'ling"),
        ("cu_jut", "TT Ea Tling", "Thị trấn Ea T'ling"),
        ("cu_jut", "thi tran  EA T’LING", "Thị trấn Ea T'ling"),
        ("cu_jut", "Cư Knia", "Xã Cư K'Nia"),
        ("dak_rlap", "Thị trấn Kiến Đức", "Thị trấn Kiến Đức"),
        ("dak_rlap", "Kien Duc", "Thị trấn Kiến Đức"),
        ("dak_mil", "Đắk Mil", "Thị trấn Đắk Mil"),
        ("dak_mil", "Xa Dak N'drot", "Xã Đắk N'Drót"),
        ("dak_glong", "Quảng Hoà", "Xã Quảng Hòa"),
        ("krong_no", "Nâm N'Dir", "Xã Nâm N'Đir"),
        ("tuy_duc", "Đăk Buk So", "Xã Đắk Búk So"),
    ],
)
def test_a_commune_is_matched_with_or_without_its_type_prefix(
    ref: Reference, district: str, text: str, expected_label: str
) -> None:
    commune = matched(ref, district, text)
    assert commune.label == expected_label
    assert commune.district_id == district


@pytest.mark.parametrize("district", ["dak_rlap", "Huyện Đắk R'Lấp", "dak rlap"])
def test_the_district_of_a_commune_lookup_can_be_an_id_or_any_spelling_of_its_name(
    ref: Reference, district: str
) -> None:
    commune = matched(ref, district, "Nhân Cơ")
    assert (commune.district_id, commune.name) == ("dak_rlap", "Nhân Cơ")


def test_the_district_of_a_commune_lookup_can_be_a_district_object(ref: Reference) -> None:
    district = ref.get_district("tuy_duc")
    assert isinstance(district, District)
    commune = ref.match_commune(district, "Quảng Trực")
    assert isinstance(commune, Commune)
    assert commune.name == "Quảng Trực"


@pytest.mark.parametrize(
    ("district", "text"),
    [
        ("gia_nghia", "Xã Không Có"),
        ("gia_nghia", ""),
        ("gia_nghia", None),
        ("cu_jut", "Phường"),
        ("dak_song", "Đắk Mil"),  # a thị trấn of Đắk Mil, not of Đắk Song
    ],
)
def test_an_unknown_commune_name_gives_none(ref: Reference, district: str, text: str | None) -> None:
    assert ref.match_commune(district, text) is None


@pytest.mark.parametrize(
    ("district", "text"),
    [
        ("cu_jut", "P. Nghĩa Đức"),  # Gia Nghĩa
        ("tuy_duc", "Thị trấn Kiến Đức"),  # Đắk R'lấp
        ("gia_nghia", "Ea Pô"),  # Cư Jút
        ("krong_no", "Quảng Sơn"),  # Đắk Glong
    ],
)
def test_a_commune_of_another_district_gives_none(ref: Reference, district: str, text: str) -> None:
    assert ref.match_commune(district, text) is None


def test_a_commune_lookup_in_an_unknown_district_gives_none(ref: Reference) -> None:
    assert ref.match_commune("Huyện Không Có", "Đắk Nia") is None


# -- validity ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected_count"), [(2019, 0), (2020, 71), (2023, 71), (2025, 71), (2026, 0)]
)
def test_communes_valid_in_a_year_are_those_that_existed_at_any_time_that_year(
    ref: Reference, year: int, expected_count: int
) -> None:
    assert len(ref.communes_valid_in(year)) == expected_count


@pytest.mark.parametrize(("year", "expected_count"), [(2024, 12), (2026, 0)])
def test_communes_valid_in_a_year_can_be_limited_to_one_district(
    ref: Reference, year: int, expected_count: int
) -> None:
    communes = ref.communes_valid_in(year, "krong_no")
    assert len(communes) == expected_count
    assert {commune.district_id for commune in communes} <= {"krong_no"}


def test_communes_valid_in_an_unknown_district_raises_key_error(ref: Reference) -> None:
    with pytest.raises(KeyError, match="khong_co"):
        ref.communes_valid_in(2024, "khong_co")


# -- problems in the file ---------------------------------------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "meta": {"title": "Test", "province": "Đắk Nông"},
    "types": {
        "thanh_pho": {"vi": "Thành phố", "en": "City", "level": "district", "prefixes": ["TP."]},
        "huyen": {"vi": "Huyện", "en": "District", "level": "district", "prefixes": ["H."]},
        "phuong": {"vi": "Phường", "en": "Ward", "level": "commune", "prefixes": ["P."]},
        "xa": {"vi": "Xã", "en": "Commune", "level": "commune", "prefixes": ["X."]},
    },
    "districts": [
        {
            "id": "gia_nghia",
            "code": "660",
            "name": "Gia Nghĩa",
            "type": "thanh_pho",
            "valid_from": date(2020, 1, 1),
            "valid_to": date(2025, 6, 30),
            "variants": [],
            "status": "confirmed",
            "sources": ["https://example.org/gia-nghia"],
            "communes": [
                {"name": "Nghĩa Đức", "type": "phuong", "status": "confirmed", "variants": []},
                {"name": "Đắk Nia", "type": "xa", "status": "confirmed", "variants": []},
            ],
        },
        {
            "id": "cu_jut",
            "code": None,
            "name": "Cư Jút",
            "type": "huyen",
            "valid_from": date(2020, 1, 1),
            "valid_to": date(2025, 6, 30),
            "variants": [],
            "status": "partly",
            "sources": ["https://example.org/cu-jut"],
            "communes": [{"name": "Ea Pô", "type": "xa", "status": "confirmed", "variants": []}],
        },
    ],
}


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "admin.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problems(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        load_reference(_write(tmp_path, data))
    return caught.value.problems


def test_a_minimal_valid_file_loads(tmp_path: Path) -> None:
    ref = load_reference(_write(tmp_path, MINIMAL))
    assert ref.district_names() == ["Gia Nghĩa", "Cư Jút"]
    assert ref.commune_count() == 3


def test_the_loader_reports_several_problems_at_once(tmp_path: Path) -> None:
    text = """
meta: {title: Broken, province: Đắk Nông}
types:
  huyen: {vi: Huyện, en: District, level: district}
  xa: {vi: Xã, en: Commune, level: commune}
districts:
  - id: cu_jut
    name: Cư Jút
    type: huyen
    valid_from: 2025-06-30
    valid_to: 2020-01-01
    status: confirmed
    sources: [https://example.org/cu-jut]
    communes:
      - {name: Ea Pô, type: lang, status: confirmed}
"""
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_reference(path)
    problems = caught.value.problems
    assert len(problems) == 2
    assert any("valid_to 2020-01-01 is before valid_from 2025-06-30" in problem for problem in problems)
    assert any("unknown type 'lang'" in problem for problem in problems)
    assert "2 problem(s)" in str(caught.value)


def _duplicate_district_id(data: dict[str, Any]) -> None:
    data["districts"][1]["id"] = "gia_nghia"


def _commune_listed_twice(data: dict[str, Any]) -> None:
    data["districts"][0]["communes"].append({"name": "Đăk Nia", "type": "xa", "status": "confirmed"})


def _unknown_district_type(data: dict[str, Any]) -> None:
    data["districts"][1]["type"] = "quan"


def _commune_type_used_for_a_district(data: dict[str, Any]) -> None:
    data["districts"][1]["type"] = "xa"


def _valid_to_before_valid_from(data: dict[str, Any]) -> None:
    data["districts"][0]["valid_to"] = date(2019, 12, 31)


def _missing_district_name(data: dict[str, Any]) -> None:
    del data["districts"][1]["name"]


def _missing_commune_name(data: dict[str, Any]) -> None:
    data["districts"][0]["communes"][1]["name"] = "  "


def _district_variant_collides(data: dict[str, Any]) -> None:
    data["districts"][1]["variants"] = ["TP. Gia Nghia"]


def _commune_variant_collides(data: dict[str, Any]) -> None:
    data["districts"][0]["communes"][1]["variants"] = ["Nghia Duc"]


def _unknown_status(data: dict[str, Any]) -> None:
    data["districts"][0]["communes"][0]["status"] = "C"


def _unquoted_code(data: dict[str, Any]) -> None:
    data["districts"][0]["code"] = 660


def _missing_valid_from(data: dict[str, Any]) -> None:
    del data["districts"][0]["valid_from"]


def _source_is_not_a_url(data: dict[str, Any]) -> None:
    data["districts"][1]["sources"] = ["domain-notes 4.1"]


def _misspelt_key(data: dict[str, Any]) -> None:
    data["districts"][0]["valid_unti"] = date(2025, 6, 30)


def _commune_outlives_its_district(data: dict[str, Any]) -> None:
    data["districts"][0]["communes"][0]["valid_to"] = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("mutate", "expected_fragment"),
    [
        (_duplicate_district_id, "duplicate id 'gia_nghia'"),
        (_commune_listed_twice, "Xã Đăk Nia is listed twice"),
        (_unknown_district_type, "unknown type 'quan'"),
        (_commune_type_used_for_a_district, "type 'xa' is a commune-level type"),
        (_valid_to_before_valid_from, "valid_to 2019-12-31 is before valid_from 2020-01-01"),
        (_missing_district_name, "districts[1] (cu_jut): missing name"),
        (_missing_commune_name, "communes[1]: missing name"),
        (_district_variant_collides, "both match the folded spelling 'tpgianghia'"),
        (_commune_variant_collides, "Phường Nghĩa Đức and Xã Đắk Nia both match"),
        (_unknown_status, "status 'C' is not one of"),
        (_unquoted_code, "code 660 must be a quoted string"),
        (_missing_valid_from, "missing valid_from"),
        (_source_is_not_a_url, "is not an http(s) URL"),
        (_misspelt_key, "unknown key(s) valid_unti"),
        (_commune_outlives_its_district, "outside its district's validity"),
    ],
)
def test_the_loader_names_each_kind_of_problem(tmp_path: Path, mutate: Any, expected_fragment: str) -> None:
    data = copy.deepcopy(MINIMAL)
    mutate(data)
    problems = _problems(tmp_path, data)
    assert any(expected_fragment in problem for problem in problems), problems


def test_a_missing_file_is_reported_as_a_problem(tmp_path: Path) -> None:
    problems = _problems_of_path(tmp_path / "nowhere.yaml")
    assert len(problems) == 1
    assert "cannot read the file" in problems[0]


def _problems_of_path(path: Path) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        load_reference(path)
    return caught.value.problems


# --- suggestions for a name that matches nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đắc Mil", ["Đắk Mil"]),  # "dacmil" against "dakmil": 5 of 6 letters, ratio 2 × 5 / 12 = 0,83
        ("Dak Mi", ["Đắk Mil"]),  # "dakmi" in "dakmil": 2 × 5 / 11 = 0,91
        ("Gia Nghiaa", ["Gia Nghĩa"]),
        ("Krong Pa", []),  # a district of Gia Lai: "krongpa" against "krongno" is 2 × 5 / 14 = 0,71 < 0,75
        ("Hà Nội", []),
        ("", []),
    ],
)
def test_an_unknown_district_gets_the_closest_districts_as_suggestions(
    ref: Reference, text: str, expected: list[str]
) -> None:
    assert [d.name for d in ref.suggest_districts(text)] == expected


def test_an_unknown_commune_gets_the_closest_communes_of_its_district(ref: Reference) -> None:
    dak_mil = ref.match_district("Đắk Mil")
    # "ducman" is 2 × 6 / 13 = 0,92 of "ducmanh" and 2 × 5 / 13 = 0,77 of "ducminh" ("ducm" and "n")
    assert [c.name for c in ref.suggest_communes(dak_mil, "Duc Man")] == ["Đức Mạnh", "Đức Minh"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ea Pô", ["Cư Jút"]), ("ea po", ["Cư Jút"]), ("Đức Mạnh", ["Đắk Mil"]), ("Xã Không Có", [])],
)
def test_the_districts_that_have_a_commune_are_found_by_any_spelling(
    ref: Reference, text: str, expected: list[str]
) -> None:
    assert [d.name for d in ref.districts_with_commune(text)] == expected
