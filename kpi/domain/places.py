"""Reference data of Đắk Nông's administrative units: loading, checking and name matching.

The units, their validity and their sources live in `data/reference/dak-nong-admin.yaml`. Matching folds the
user's text with `kpi.common.safe_text.fold` and looks it up in dicts built once at load time, so a call costs one dict hit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kpi.common.data_files import DataFileError, read_yaml
from kpi.common.safe_text import fold
from kpi.common.settings import DATA_DIR

DEFAULT_PATH = DATA_DIR / "reference" / "dak-nong-admin.yaml"

STATUSES = ("confirmed", "partly", "inferred")
DISTRICT_LEVEL = "district"
COMMUNE_LEVEL = "commune"
LEVELS = (DISTRICT_LEVEL, COMMUNE_LEVEL)

_ID_RE = re.compile(r"\A[a-z]((?!__)[a-z0-9_])*[a-z0-9]\Z")
_CODE_RE = re.compile(r"\A[0-9]+\Z")
_TYPE_KEYS = {"vi", "en", "level", "prefixes"}
_DISTRICT_KEYS = {
    "id",
    "code",
    "name",
    "type",
    "valid_from",
    "valid_to",
    "variants",
    "status",
    "sources",
    "communes",
}
_COMMUNE_KEYS = {"name", "type", "code", "valid_from", "valid_to", "variants", "status", "sources"}


@dataclass(frozen=True)
class UnitType:
    """A kind of unit (huyện, xã, ...) with its names and the prefixes users write in front of a name."""

    id: str
    vi: str
    en: str
    level: str
    prefixes: tuple[str, ...] = ()


class _Unit:
    """What districts and communes share: a name with its Vietnamese type, and the dates it is valid."""

    name: str
    type_vi: str
    valid_from: date
    valid_to: date | None

    @property
    def label(self) -> str:
        """Return the name with its Vietnamese type in front ("Xã Đắk Nia", "Huyện Cư Jút")."""
        return f"{self.type_vi} {self.name}" if self.type_vi else self.name

    def exists_in(self, year: int) -> bool:
        """Return True when the unit existed at any time during `year`."""
        return self.valid_from <= date(year, 12, 31) and (
            self.valid_to is None or self.valid_to >= date(year, 1, 1)
        )


@dataclass(frozen=True)
class Commune(_Unit):
    """A commune-level unit (phường, thị trấn or xã) of one district."""

    name: str
    type: str
    district_id: str
    valid_from: date
    valid_to: date | None
    status: str
    variants: tuple[str, ...] = ()
    code: str | None = None
    sources: tuple[str, ...] = ()
    type_vi: str = field(default="", compare=False)


@dataclass(frozen=True)
class District(_Unit):
    """A district-level unit (thành phố or huyện) with its communes in file order."""

    id: str
    code: str | None
    name: str
    type: str
    valid_from: date
    valid_to: date | None
    status: str
    variants: tuple[str, ...]
    communes: tuple[Commune, ...]
    sources: tuple[str, ...] = ()
    type_vi: str = field(default="", compare=False)


# Suggestions for a name that matches nothing: the closest folded spellings by difflib's ratio (2 × matching
# characters / total). 0,75 takes "dacmil" for "dakmil" (0,83) and "dakmi" (0,91) but not "krongpa" for
# "krongno" (0,71) nor anything for a name of another province.
SUGGESTION_CUTOFF = 0.75
SUGGESTIONS = 3


def _closest(key: str, units_by_key: Mapping[str, Any], n: int) -> list[Any]:
    """Return the distinct units of the keys closest to `key`, best first."""
    if not key:
        return []
    found: list[Any] = []
    for match in difflib.get_close_matches(key, list(units_by_key), n=4 * n, cutoff=SUGGESTION_CUTOFF):
        unit = units_by_key[match]
        if unit not in found:
            found.append(unit)
    return found[:n]


def _match_keys(names: Iterable[str], prefixes: Iterable[str]) -> set[str]:
    """Return the folded lookup keys of `names`, bare and with each prefix in front."""
    folded_prefixes = {""} | {fold(prefix) for prefix in prefixes}
    return {prefix + fold(name) for name in names if fold(name) for prefix in folded_prefixes}


def _level_prefixes(types: Mapping[str, UnitType], level: str) -> tuple[str, ...]:
    """Return every prefix (type names and abbreviations) of the types of `level`."""
    prefixes: list[str] = []
    for unit_type in types.values():
        if unit_type.level == level:
            prefixes.extend((unit_type.vi, *unit_type.prefixes))
    return tuple(prefixes)


class Reference:
    """The administrative units with fast lookups by any accepted spelling."""

    def __init__(
        self,
        districts: Iterable[District],
        types: Mapping[str, UnitType],
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        self._districts = tuple(districts)
        self.types: dict[str, UnitType] = dict(types)
        self.meta: dict[str, Any] = dict(meta or {})
        self._by_id = {district.id: district for district in self._districts}
        district_prefixes = _level_prefixes(self.types, DISTRICT_LEVEL)
        commune_prefixes = _level_prefixes(self.types, COMMUNE_LEVEL)
        self._district_by_key: dict[str, District] = {}
        self._commune_by_key: dict[str, dict[str, Commune]] = {}
        for district in self._districts:
            for key in _match_keys((district.name, *district.variants), district_prefixes):
                self._district_by_key.setdefault(key, district)
            communes_by_key: dict[str, Commune] = {}
            for commune in district.communes:
                for key in _match_keys((commune.name, *commune.variants), commune_prefixes):
                    communes_by_key.setdefault(key, commune)
            self._commune_by_key[district.id] = communes_by_key

    @property
    def districts(self) -> tuple[District, ...]:
        """Return the districts in display order."""
        return self._districts

    def district_names(self) -> list[str]:
        """Return the canonical district names in display order."""
        return [district.name for district in self._districts]

    def get_district(self, district_id: str) -> District:
        """Return the district with id `district_id`; raise KeyError when there is none."""
        try:
            return self._by_id[district_id]
        except KeyError:
            raise KeyError(f"unknown district id {district_id!r}") from None

    def match_district(self, text: object) -> District | None:
        """Return the district that `text` names (any case, diacritics, apostrophe or prefix), else None."""
        return self._district_by_key.get(fold(text))

    def match_commune(self, district: District | str, text: object) -> Commune | None:
        """Return the commune of `district` (a District, an id or a name) that `text` names, else None."""
        if isinstance(district, District):
            district_id: str | None = district.id
        else:
            found = self._by_id.get(district) or self.match_district(district)
            district_id = found.id if found else None
        if district_id is None:
            return None
        return self._commune_by_key.get(district_id, {}).get(fold(text))

    def suggest_districts(self, text: object, n: int = SUGGESTIONS) -> list[District]:
        """Return up to `n` districts whose folded spellings come closest to `text` (best first)."""
        return _closest(fold(text), self._district_by_key, n)

    def suggest_communes(self, district: District, text: object, n: int = SUGGESTIONS) -> list[Commune]:
        """Return up to `n` communes of `district` whose folded spellings come closest to `text`."""
        return _closest(fold(text), self._commune_by_key.get(district.id, {}), n)

    def districts_with_commune(self, text: object) -> list[District]:
        """Return the districts that have a commune named `text` (any accepted spelling), in display order."""
        key = fold(text)
        return [d for d in self._districts if key in self._commune_by_key.get(d.id, {})]

    def communes(self, district_id: str | None = None) -> list[Commune]:
        """Return the communes of one district, or of all districts, in display order."""
        districts = (self.get_district(district_id),) if district_id is not None else self._districts
        return [commune for district in districts for commune in district.communes]

    def communes_valid_in(self, year: int, district_id: str | None = None) -> list[Commune]:
        """Return the communes that existed at any time during `year` (of one district when given)."""
        return [commune for commune in self.communes(district_id) if commune.exists_in(year)]

    def commune_count(self, district_id: str | None = None) -> int:
        """Return the number of communes (of one district when given), whatever their validity."""
        return len(self.communes(district_id))


def load_reference(path: Path | None = None) -> Reference:
    """Return the reference read from `path` (default: the bundled file); raise DataFileError on problems."""
    path = DEFAULT_PATH if path is None else Path(path)
    return build_reference(read_yaml(path), path)


def build_reference(data: object, path: Path | None = None) -> Reference:
    """Return the reference described by the parsed YAML `data` (read from `path`); raise DataFileError listing
    every problem."""
    return _Builder().build(data, path)


class _Builder:
    """Checks the parsed YAML and collects every problem before building the Reference."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def build(self, data: object, path: Path | None) -> Reference:
        if not isinstance(data, Mapping):
            raise DataFileError("the file must hold a mapping with keys meta, types and districts", path)
        meta = self._meta(data.get("meta"))
        types = self._types(data.get("types"))
        districts = self._districts(data.get("districts"), types)
        self._check_collisions(districts, types)
        if self.problems:
            raise DataFileError(self.problems, path)
        return Reference(districts, types, meta)

    # -- sections ---------------------------------------------------------------------------------------------

    def _meta(self, raw: object) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            self.problems.append("meta: missing or not a mapping")
            return {}
        for key in ("title", "province"):
            if not _is_text(raw.get(key)):
                self.problems.append(f"meta: missing {key}")
        return dict(raw)

    def _types(self, raw: object) -> dict[str, UnitType]:
        if not isinstance(raw, Mapping) or not raw:
            self.problems.append("types: missing or not a mapping")
            return {}
        types: dict[str, UnitType] = {}
        for type_id, spec in raw.items():
            where = f"types.{type_id}"
            if not isinstance(type_id, str) or not _ID_RE.match(type_id):
                self.problems.append(f"{where}: the id must be snake_case")
            if not isinstance(spec, Mapping):
                self.problems.append(f"{where}: must be a mapping with vi, en and level")
                continue
            self._unknown_keys(where, spec, _TYPE_KEYS)
            for key in ("vi", "en"):
                if not _is_text(spec.get(key)):
                    self.problems.append(f"{where}: missing {key}")
            level = spec.get("level")
            if level not in LEVELS:
                self.problems.append(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
            prefixes = self._text_list(where, "prefixes", spec.get("prefixes"))
            types[str(type_id)] = UnitType(
                id=str(type_id),
                vi=str(spec.get("vi") or ""),
                en=str(spec.get("en") or ""),
                level=str(level),
                prefixes=prefixes,
            )
        return types

    def _districts(self, raw: object, types: Mapping[str, UnitType]) -> list[District]:
        if not isinstance(raw, list) or not raw:
            self.problems.append("districts: missing or not a non-empty list")
            return []
        districts: list[District] = []
        seen_ids: dict[str, int] = {}
        for index, spec in enumerate(raw):
            where = f"districts[{index}]"
            if not isinstance(spec, Mapping):
                self.problems.append(f"{where}: must be a mapping")
                continue
            district_id = spec.get("id")
            if isinstance(district_id, str) and district_id:
                where = f"{where} ({district_id})"
                if not _ID_RE.match(district_id):
                    self.problems.append(f"{where}: id {district_id!r} is not snake_case")
                if district_id in seen_ids:
                    self.problems.append(
                        f"{where}: duplicate id {district_id!r} (already used by districts[{seen_ids[district_id]}])"
                    )
                else:
                    seen_ids[district_id] = index
            else:
                self.problems.append(f"{where}: missing id")
                district_id = ""
            self._unknown_keys(where, spec, _DISTRICT_KEYS)
            name = self._name(where, spec)
            unit_type = self._type(where, spec, types, DISTRICT_LEVEL)
            valid_from, valid_to = self._validity(where, spec, None)
            sources = self._sources(where, spec, required=True)
            communes = self._communes(where, spec.get("communes"), types, district_id, valid_from, valid_to)
            districts.append(
                District(
                    id=district_id,
                    code=self._code(where, spec),
                    name=name,
                    type=unit_type.id if unit_type else str(spec.get("type")),
                    valid_from=valid_from,
                    valid_to=valid_to,
                    status=self._status(where, spec),
                    variants=self._text_list(where, "variants", spec.get("variants")),
                    communes=tuple(communes),
                    sources=sources,
                    type_vi=unit_type.vi if unit_type else "",
                )
            )
        return districts

    def _communes(
        self,
        district_where: str,
        raw: object,
        types: Mapping[str, UnitType],
        district_id: str,
        district_from: date,
        district_to: date | None,
    ) -> list[Commune]:
        if not isinstance(raw, list) or not raw:
            self.problems.append(f"{district_where}: communes missing or not a non-empty list")
            return []
        communes: list[Commune] = []
        for index, spec in enumerate(raw):
            where = f"{district_where}.communes[{index}]"
            if not isinstance(spec, Mapping):
                self.problems.append(f"{where}: must be a mapping")
                continue
            if _is_text(spec.get("name")):
                where = f"{where} ({spec['name']})"
            self._unknown_keys(where, spec, _COMMUNE_KEYS)
            name = self._name(where, spec)
            unit_type = self._type(where, spec, types, COMMUNE_LEVEL)
            valid_from, valid_to = self._validity(where, spec, (district_from, district_to))
            if valid_from < district_from or (
                district_to is not None and (valid_to is None or valid_to > district_to)
            ):
                self.problems.append(f"{where}: validity lies outside its district's validity")
            communes.append(
                Commune(
                    name=name,
                    type=unit_type.id if unit_type else str(spec.get("type")),
                    district_id=district_id,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    status=self._status(where, spec),
                    variants=self._text_list(where, "variants", spec.get("variants")),
                    code=self._code(where, spec),
                    sources=self._sources(where, spec, required=False),
                    type_vi=unit_type.vi if unit_type else "",
                )
            )
        return communes

    # -- fields -----------------------------------------------------------------------------------------------

    def _name(self, where: str, spec: Mapping[str, Any]) -> str:
        name = spec.get("name")
        if not _is_text(name) or not fold(name):
            self.problems.append(f"{where}: missing name")
            return ""
        return name.strip()

    def _type(
        self, where: str, spec: Mapping[str, Any], types: Mapping[str, UnitType], level: str
    ) -> UnitType | None:
        type_id = spec.get("type")
        unit_type = types.get(type_id) if isinstance(type_id, str) else None
        if unit_type is None:
            self.problems.append(f"{where}: unknown type {type_id!r} (known: {', '.join(types)})")
            return None
        if unit_type.level != level:
            self.problems.append(
                f"{where}: type {type_id!r} is a {unit_type.level}-level type, not {level}-level"
            )
            return None
        return unit_type

    def _status(self, where: str, spec: Mapping[str, Any]) -> str:
        status = spec.get("status")
        if status not in STATUSES:
            self.problems.append(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
        return str(status)

    def _code(self, where: str, spec: Mapping[str, Any]) -> str | None:
        code = spec.get("code")
        if code is None:
            return None
        if not isinstance(code, str) or not _CODE_RE.match(code):
            self.problems.append(f"{where}: code {code!r} must be a quoted string of digits or null")
            return None
        return code

    def _validity(
        self, where: str, spec: Mapping[str, Any], default: tuple[date, date | None] | None
    ) -> tuple[date, date | None]:
        if default is not None and "valid_from" not in spec and "valid_to" not in spec:
            return default  # inherited from the district, which is checked on its own
        if default is not None and "valid_from" not in spec:
            valid_from = default[0]
        else:
            valid_from = self._date(where, "valid_from", spec.get("valid_from"), required=True) or date.min
        if default is not None and "valid_to" not in spec:
            valid_to = default[1]
        else:
            valid_to = self._date(where, "valid_to", spec.get("valid_to"), required=False)
        if valid_to is not None and valid_to < valid_from:
            self.problems.append(f"{where}: valid_to {valid_to} is before valid_from {valid_from}")
        return valid_from, valid_to

    def _date(self, where: str, key: str, value: object, *, required: bool) -> date | None:
        if value is None:
            if required:
                self.problems.append(f"{where}: missing {key}")
            return None
        if isinstance(value, date):
            return value.date() if isinstance(value, datetime) else value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problems.append(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)")
        return None

    def _sources(self, where: str, spec: Mapping[str, Any], *, required: bool) -> tuple[str, ...]:
        sources = self._text_list(where, "sources", spec.get("sources"))
        if required and not sources:
            self.problems.append(f"{where}: no sources")
        for url in sources:
            if not url.startswith(("http://", "https://")):
                self.problems.append(f"{where}: source {url!r} is not an http(s) URL")
        return sources

    def _text_list(self, where: str, key: str, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(_is_text(item) for item in value):
            self.problems.append(f"{where}: {key} must be a list of non-empty strings")
            return ()
        return tuple(item.strip() for item in value)

    def _unknown_keys(self, where: str, spec: Mapping[str, Any], allowed: set[str]) -> None:
        unknown = sorted(str(key) for key in spec if key not in allowed)
        if unknown:
            self.problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")

    # -- collisions -------------------------------------------------------------------------------------------

    def _check_collisions(self, districts: list[District], types: Mapping[str, UnitType]) -> None:
        district_prefixes = _level_prefixes(types, DISTRICT_LEVEL)
        commune_prefixes = _level_prefixes(types, COMMUNE_LEVEL)
        self._collide(
            "districts",
            [(district.label or district.id, district.name, district.variants) for district in districts],
            district_prefixes,
        )
        for district in districts:
            self._collide(
                f"district {district.id or district.name}",
                [(commune.label, commune.name, commune.variants) for commune in district.communes],
                commune_prefixes,
            )

    def _collide(
        self, scope: str, units: list[tuple[str, str, tuple[str, ...]]], prefixes: tuple[str, ...]
    ) -> None:
        """Report units of one scope listed twice, or whose spellings fold to the same lookup key."""
        owner_of_key: dict[str, int] = {}
        reported: set[tuple[int, int]] = set()
        for index, (label, name, _variants) in enumerate(units):
            for earlier in range(index):
                if name and fold(units[earlier][1]) == fold(name):
                    self.problems.append(f"{scope}: {label} is listed twice")
                    reported.add((earlier, index))
        for index, (label, name, variants) in enumerate(units):
            for key in sorted(_match_keys((name, *variants), prefixes)):
                earlier = owner_of_key.setdefault(key, index)
                if earlier != index and (earlier, index) not in reported:
                    reported.add((earlier, index))
                    self.problems.append(
                        f"{scope}: {units[earlier][0]} and {label} both match the folded spelling {key!r}"
                    )


def _is_text(value: object) -> bool:
    """Return True for a string with something other than spaces."""
    return isinstance(value, str) and bool(value.strip())
