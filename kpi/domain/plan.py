"""The plan as data: load a plan file of `data/plans/`, check it, and return typed, frozen objects.

A plan file holds the plan's identity, the named populations of cooperatives, the card groups, the
indicators with their targets and measures, and the rules of the progress assessment. Nothing of it is
written in Python: a province adds a plan by adding a file. `load_plan` reports every problem of a file
at once (`DataFileError.problems`), so whoever edits the YAML fixes it in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kpi.common.data_files import DataFileError, read_yaml
from kpi.common.formatting import format_date
from kpi.common.settings import DATA_DIR

PLANS_DIR = DATA_DIR / "plans"
DEFAULT_PLAN_ID = "kh-485-2020"
LANGS = ("vi", "en")

# Same rule as dbt's semantic interfaces: lower case, digits and single underscores, no trailing "_".
ID_PATTERN = re.compile(r"\A[a-z]((?!__)[a-z0-9_])*[a-z0-9]\Z")


class Direction(StrEnum):
    """Which way an indicator should move."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class MeasureKind(StrEnum):
    """How an indicator is computed from a workbook (a closed list: the engine knows exactly these)."""

    COUNT = "count"
    SUM = "sum"
    MEAN = "mean"
    WEIGHTED_MEAN = "weighted_mean"
    SHARE = "share"
    INFO = "info"
    GROUP_RATIO = "group_ratio"
    DISTRICT_COUNT = "district_count"
    COMMUNE_COVERAGE = "commune_coverage"


# Parameters each measure kind needs, and which sheet ("coops", "groups", "info") a column parameter names.
MEASURE_PARAMS: dict[MeasureKind, tuple[str, ...]] = {
    MeasureKind.COUNT: ("population",),
    MeasureKind.SUM: ("population", "column"),
    MeasureKind.MEAN: ("population", "column"),
    MeasureKind.WEIGHTED_MEAN: ("population", "column", "weight"),
    MeasureKind.SHARE: ("population", "where"),
    MeasureKind.INFO: ("field",),
    MeasureKind.GROUP_RATIO: ("numerator", "denominator"),
    MeasureKind.DISTRICT_COUNT: ("population", "where"),
    MeasureKind.COMMUNE_COVERAGE: ("population", "where"),
}
_COLUMN_PARAMS: dict[str, str] = {
    "column": "coops",
    "weight": "coops",
    "numerator": "groups",
    "denominator": "groups",
    "field": "info",
}

WHERE_OPERATORS = ("in", "not_in", "gt", "ge", "lt", "le", "eq")
_LIST_OPERATORS = ("in", "not_in")
_NUMBER_OPERATORS = ("gt", "ge", "lt", "le")

# Statuses that `kpi.stats.assess` assigns by rule rather than by threshold; every plan must declare them.
RULE_STATUSES = ("achieved", "not_achieved", "insufficient_data", "unable_to_assess")

MAX_HEADLINE = 4  # large tiles that fit one row of the overview's first screen at 1366x768


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese and English."""

    vi: str
    en: str

    def get(self, lang: str = "vi") -> str:
        """Return the text in `lang` ("vi" or "en")."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
        return self.vi if lang == "vi" else self.en


class TargetSource(StrEnum):
    """Where a target comes from: the plan states the figure, or it was derived (the note says how and why)."""

    PLAN = "plan"
    DERIVED = "derived"


@dataclass(frozen=True)
class Target:
    """The value aimed at, by a year, with its source: stated by the plan or derived (then `note` says why)."""

    value: float
    year: int
    source: TargetSource = TargetSource.PLAN
    note: Text | None = None

    @property
    def derived(self) -> bool:
        """Return True when the plan does not state this figure itself."""
        return self.source == TargetSource.DERIVED


@dataclass(frozen=True)
class Baseline:
    """The starting value the plan states (or that is derived from it), with its year."""

    value: float
    year: int
    derived: bool = False
    note: Text | None = None


@dataclass(frozen=True)
class Measure:
    """How an indicator is computed: a kind and its parameters (see MEASURE_PARAMS)."""

    kind: MeasureKind
    params: dict[str, Any]


@dataclass(frozen=True)
class Population:
    """A named set of cooperatives (rows of sheet HTX) selected by a where clause."""

    id: str
    description: Text
    where: dict[str, Any]


@dataclass(frozen=True)
class Group:
    """A card group of the overview."""

    id: str
    name: Text


@dataclass(frozen=True)
class Indicator:
    """One indicator of the plan with its target, optional baseline, measure and provenance."""

    id: str
    group: str
    name: Text
    unit: Text
    decimals: int
    direction: Direction
    target: Target
    baseline: Baseline | None
    by_district: bool
    measure: Measure
    definition: Text
    source_quote: str
    note: Text | None = None

    @property
    def higher_is_better(self) -> bool:
        """Return True when a higher value is better."""
        return self.direction == Direction.HIGHER_IS_BETTER


@dataclass(frozen=True)
class StatusLabel:
    """A status of the assessment with its labels and a plain-words explanation (shown where the badge is)."""

    id: str
    vi: str
    en: str
    help: Text | None = None

    def get(self, lang: str = "vi") -> str:
        """Return the label in `lang`."""
        return Text(self.vi, self.en).get(lang)


@dataclass(frozen=True)
class AssessmentRules:
    """The rules of the progress assessment: method, zero replacement, thresholds and status labels."""

    method: Text
    zero_replacement: float
    thresholds: tuple[tuple[str, float], ...]
    below_all: str
    statuses: tuple[StatusLabel, ...]

    def status(self, status: str) -> StatusLabel:
        """Return the status of id `status`; raise KeyError when the plan has none such."""
        for item in self.statuses:
            if item.id == status:
                return item
        raise KeyError(status)

    def label(self, status: str, lang: str = "vi") -> str:
        """Return the label of a status id in `lang`."""
        return self.status(status).get(lang)

    def help(self, status: str, lang: str = "vi") -> str:
        """Return the plain-words explanation of a status id in `lang` ("" when the plan gives none)."""
        item = self.status(status)
        return item.help.get(lang) if item.help is not None else ""


@dataclass(frozen=True)
class Reference:
    """A document the plan carries out (a conclusion, a programme)."""

    number: str
    date: dt.date
    issuer: str
    title: Text


@dataclass(frozen=True)
class Signatory:
    """Who signed the plan, and in which capacity."""

    name: str
    role: Text


@dataclass(frozen=True)
class Source:
    """Where the plan's text comes from, with a note on how it was read."""

    file: str
    note: Text


@dataclass(frozen=True)
class Period:
    """The years the plan covers."""

    start: int
    end: int


@dataclass(frozen=True)
class Plan:
    """A plan: identity, populations, groups, indicators and assessment rules."""

    id: str
    number: str
    date: dt.date
    issuer: Text
    signed_by: Signatory
    title: Text
    province: str
    implements: tuple[Reference, ...]
    source: Source
    period: Period
    populations: dict[str, Population]
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    assessment: AssessmentRules
    headline: tuple[str, ...] = ()  # ids of the indicators shown first and large on the overview
    population_counts: tuple[str, ...] = ()  # ids of the populations whose sizes the pages name

    def details(self, lang: str = "vi") -> dict[str, object]:
        """Return the plan's identity as text parameters in `lang`: number, date (Vietnamese format), issuer,
        title, signer, role and the first and last years of its period (start, end)."""
        return {
            "number": self.number,
            "date": format_date(self.date, lang),
            "issuer": self.issuer.get(lang),
            "title": self.title.get(lang),
            "signer": self.signed_by.name,
            "role": self.signed_by.role.get(lang),
            "start": self.period.start,
            "end": self.period.end,
        }

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id (KeyError if there is none)."""
        for item in self.indicators:
            if item.id == indicator_id:
                return item
        raise KeyError(indicator_id)

    def headline_indicators(self) -> tuple[Indicator, ...]:
        """Return the headline indicators (the overview's large tiles), in the file's order."""
        return tuple(self.indicator(i) for i in self.headline)

    def indicators_in(self, group_id: str) -> tuple[Indicator, ...]:
        """Return the indicators of a card group, in file order."""
        return tuple(item for item in self.indicators if item.group == group_id)

    def referenced_columns(self) -> dict[str, frozenset[str]]:
        """Return the column ids the plan reads, per sheet id ("coops", "groups", "info").

        The workbook schema lives above this module, so the cross-check against it is done by its users
        (and by tests), not here.
        """
        used: dict[str, set[str]] = {"coops": set(), "groups": set(), "info": set()}
        for population in self.populations.values():
            used["coops"] |= set(population.where)
        for item in self.indicators:
            for name, value in item.measure.params.items():
                if name in _COLUMN_PARAMS:
                    used[_COLUMN_PARAMS[name]].add(value)
                elif name == "where":
                    used["coops"] |= set(value)
        return {sheet: frozenset(columns) for sheet, columns in used.items()}


def list_plans(directory: Path | None = None) -> list[Path]:
    """Return the plan files of `data/plans/` (or `directory`), sorted by name."""
    return sorted((directory or PLANS_DIR).glob("*.yaml"))


def load_plan(path: Path | None = None) -> Plan:
    """Return the plan read from `path` (default: the Plan 485 file); raise DataFileError listing every fault."""
    path = Path(path) if path is not None else PLANS_DIR / f"{DEFAULT_PLAN_ID}.yaml"
    reader = _Reader()
    plan = reader.plan(read_yaml(path), expected_id=path.stem)
    if reader.problems:
        raise DataFileError(reader.problems, path)
    assert plan is not None
    return plan


# --- reading and checking -------------------------------------------------------------------------------


class _Reader:
    """Reads the raw YAML tree into dataclasses, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # -- scalar helpers: each returns a usable fallback after recording a problem

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if isinstance(value, Mapping):
            return dict(value)
        self.problem(
            where, "is missing" if value is None else f"must be a mapping, not {type(value).__name__}"
        )
        return {}

    def string(self, value: Any, where: str) -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.problem(where, "is missing" if value in (None, "") else "must be a text")
        return ""

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        self.problem(where, "is missing" if value is None else f"must be a number, not {value!r}")
        return math.nan

    def year(self, value: Any, where: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
            return value
        self.problem(where, "is missing" if value is None else f"must be a year, not {value!r}")
        return 0

    def boolean(self, value: Any, where: str, default: bool | None = None) -> bool:
        if isinstance(value, bool):
            return value
        if value is None and default is not None:
            return default
        self.problem(where, "is missing" if value is None else f"must be true or false, not {value!r}")
        return bool(default)

    def date(self, value: Any, where: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(where, "is missing" if value is None else f"must be a date YYYY-MM-DD, not {value!r}")
        return dt.date(1900, 1, 1)

    def text(self, value: Any, where: str) -> Text:
        if not isinstance(value, Mapping):
            self.problem(where, "is missing" if value is None else "must have a 'vi' and an 'en' text")
            return Text("", "")
        return Text(
            self.string(value.get("vi"), f"{where}.vi"),
            self.string(value.get("en"), f"{where}.en"),
        )

    def optional_text(self, value: Any, where: str) -> Text | None:
        return None if value is None else self.text(value, where)

    def identifier(self, value: Any, where: str) -> str:
        ident = self.string(value, where)
        if ident and not ID_PATTERN.match(ident):
            self.problem(
                where, f"'{ident}' is not snake_case (lower case letters, digits, single underscores)"
            )
        return ident

    def items(self, value: Any, where: str) -> list[Any]:
        if isinstance(value, list) and value:
            return value
        self.problem(where, "is missing" if value is None else "must be a non-empty list")
        return []

    # -- sections

    def plan(self, raw: Any, expected_id: str) -> Plan | None:
        root = self.mapping(raw, "file")
        head = self.mapping(root.get("plan"), "plan")
        plan_id = self.string(head.get("id"), "plan.id")
        if plan_id and plan_id != expected_id:
            self.problem("plan.id", f"'{plan_id}' differs from the file name '{expected_id}.yaml'")
        period_raw = self.mapping(head.get("period"), "plan.period")
        period = Period(
            self.year(period_raw.get("start"), "plan.period.start"),
            self.year(period_raw.get("end"), "plan.period.end"),
        )
        if period.start and period.end and period.start > period.end:
            self.problem("plan.period", f"starts ({period.start}) after it ends ({period.end})")
        signed = self.mapping(head.get("signed_by"), "plan.signed_by")
        source = self.mapping(head.get("source"), "plan.source")
        implements = tuple(
            self.reference(item, f"plan.implements[{i}]")
            for i, item in enumerate(self.items(head.get("implements"), "plan.implements"))
        )
        populations = self.populations(root.get("populations"))
        groups = self.groups(root.get("groups"))
        assessment = self.assessment(root.get("assessment"))
        indicators = self.indicators(root.get("indicators"), populations, {g.id for g in groups})
        headline = self.headline(root.get("headline"), {x.id for x in indicators})
        counted = self.counted(root.get("population_counts"), set(populations))
        plan = Plan(
            id=plan_id,
            number=self.string(head.get("number"), "plan.number"),
            date=self.date(head.get("date"), "plan.date"),
            issuer=self.text(head.get("issuer"), "plan.issuer"),
            signed_by=Signatory(
                self.string(signed.get("name"), "plan.signed_by.name"),
                self.text(signed.get("role"), "plan.signed_by.role"),
            ),
            title=self.text(head.get("title"), "plan.title"),
            province=self.string(head.get("province"), "plan.province"),
            implements=implements,
            source=Source(
                self.string(source.get("file"), "plan.source.file"),
                self.text(source.get("note"), "plan.source.note"),
            ),
            period=period,
            populations=populations,
            groups=groups,
            indicators=indicators,
            assessment=assessment,
            headline=headline,
            population_counts=counted,
        )
        return None if self.problems else plan

    def headline(self, raw: Any, known: set[str]) -> tuple[str, ...]:
        ids = [self.string(value, f"headline[{i}]") for i, value in enumerate(self.items(raw, "headline"))]
        for i, ident in enumerate(ids):
            if ident and ident not in known:
                self.problem(f"headline[{i}]", f"unknown indicator '{ident}'")
        self.unique(ids, "headline", "indicator id")
        if len(ids) > MAX_HEADLINE:
            self.problem(
                "headline", f"lists {len(ids)} indicators; at most {MAX_HEADLINE} fit the first screen"
            )
        return tuple(ids)

    def counted(self, raw: Any, known: set[str]) -> tuple[str, ...]:
        ids = [
            self.string(v, f"population_counts[{i}]")
            for i, v in enumerate(self.items(raw, "population_counts"))
        ]
        for i, ident in enumerate(ids):
            if ident and ident not in known:
                self.problem(f"population_counts[{i}]", f"unknown population '{ident}'")
        self.unique(ids, "population_counts", "population id")
        return tuple(ids)

    def reference(self, raw: Any, where: str) -> Reference:
        item = self.mapping(raw, where)
        return Reference(
            number=self.string(item.get("number"), f"{where}.number"),
            date=self.date(item.get("date"), f"{where}.date"),
            issuer=self.string(item.get("issuer"), f"{where}.issuer"),
            title=self.text(item.get("title"), f"{where}.title"),
        )

    def populations(self, raw: Any) -> dict[str, Population]:
        result: dict[str, Population] = {}
        for key, value in self.mapping(raw, "populations").items():
            where = f"populations.{key}"
            ident = self.identifier(key, where)
            item = self.mapping(value, where)
            result[ident] = Population(
                id=ident,
                description=self.text(item.get("description"), f"{where}.description"),
                where=self.where(item.get("where"), f"{where}.where"),
            )
        if not result:
            self.problem("populations", "no population is declared")
        return result

    def where(self, raw: Any, where: str) -> dict[str, Any]:
        clause = self.mapping(raw, where)
        for column, condition in clause.items():
            at = f"{where}.{column}"
            self.identifier(column, at)
            tests = self.mapping(condition, at)
            if not tests:
                self.problem(at, "has no condition")
            for operator, operand in tests.items():
                if operator not in WHERE_OPERATORS:
                    self.problem(
                        at, f"unknown operator '{operator}' (expected one of {', '.join(WHERE_OPERATORS)})"
                    )
                elif operator in _LIST_OPERATORS and not (isinstance(operand, list) and operand):
                    self.problem(f"{at}.{operator}", "must be a non-empty list")
                elif operator in _NUMBER_OPERATORS:
                    self.number(operand, f"{at}.{operator}")
                elif operator == "eq" and not isinstance(operand, bool | int | float | str):
                    self.problem(f"{at}.eq", f"must be a single value, not {operand!r}")
        return clause

    def groups(self, raw: Any) -> tuple[Group, ...]:
        result = []
        for i, value in enumerate(self.items(raw, "groups")):
            item = self.mapping(value, f"groups[{i}]")
            ident = self.identifier(item.get("id"), f"groups[{i}].id")
            result.append(Group(ident, self.text(item.get("name"), f"groups[{i}].name")))
        self.unique([g.id for g in result], "groups", "group id")
        return tuple(result)

    def unique(self, ids: list[str], where: str, what: str) -> None:
        seen: set[str] = set()
        for ident in ids:
            if ident and ident in seen:
                self.problem(where, f"duplicate {what} '{ident}'")
            seen.add(ident)

    def indicators(
        self, raw: Any, populations: Mapping[str, Population], group_ids: set[str]
    ) -> tuple[Indicator, ...]:
        result = []
        for i, value in enumerate(self.items(raw, "indicators")):
            item = self.mapping(value, f"indicators[{i}]")
            label = item.get("id") if isinstance(item.get("id"), str) else i
            where = f"indicators[{label}]"
            ident = self.identifier(item.get("id"), f"{where}.id")
            group = self.string(item.get("group"), f"{where}.group")
            if group and group not in group_ids:
                self.problem(f"{where}.group", f"unknown group '{group}'")
            direction_raw = item.get("direction")
            try:
                direction = Direction(direction_raw)
            except ValueError:
                self.problem(
                    f"{where}.direction",
                    f"unknown direction {direction_raw!r} (expected {' or '.join(d.value for d in Direction)})",
                )
                direction = Direction.HIGHER_IS_BETTER
            decimals = item.get("decimals")
            if not (isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 6):
                self.problem(f"{where}.decimals", f"must be a whole number from 0 to 6, not {decimals!r}")
                decimals = 0
            target = self.target(item.get("target"), f"{where}.target")
            baseline = self.baseline(item.get("baseline"), f"{where}.baseline")
            if baseline and target.year and baseline.year and baseline.year >= target.year:
                self.problem(
                    f"{where}.baseline.year", f"{baseline.year} is not before the target year {target.year}"
                )
            result.append(
                Indicator(
                    id=ident,
                    group=group,
                    name=self.text(item.get("name"), f"{where}.name"),
                    unit=self.text(item.get("unit"), f"{where}.unit"),
                    decimals=decimals,
                    direction=direction,
                    target=target,
                    baseline=baseline,
                    by_district=self.boolean(item.get("by_district"), f"{where}.by_district"),
                    measure=self.measure(item.get("measure"), f"{where}.measure", populations),
                    definition=self.text(item.get("definition"), f"{where}.definition"),
                    source_quote=self.string(item.get("source_quote"), f"{where}.source_quote"),
                    note=self.optional_text(item.get("note"), f"{where}.note"),
                )
            )
        self.unique([x.id for x in result], "indicators", "indicator id")
        return tuple(result)

    def target(self, raw: Any, where: str) -> Target:
        item = self.mapping(raw, where)
        note = self.optional_text(item.get("note"), f"{where}.note")
        source_raw = item.get("source")
        try:
            source = TargetSource(source_raw)
        except ValueError:
            found = "is missing" if source_raw is None else f"unknown source {source_raw!r}"
            expected = " or ".join(s.value for s in TargetSource)
            self.problem(
                f"{where}.source", f"{found} (expected {expected}: does the plan state this figure?)"
            )
            source = TargetSource.DERIVED
        if "derived" in item:
            self.problem(
                f"{where}.derived", "is not used for a target: write source: plan or source: derived"
            )
        if source == TargetSource.DERIVED and note is None:
            self.problem(
                f"{where}.note", "a derived target needs a note giving the reason and how it was derived"
            )
        return Target(
            value=self.number(item.get("value"), f"{where}.value"),
            year=self.year(item.get("year"), f"{where}.year"),
            source=source,
            note=note,
        )

    def baseline(self, raw: Any, where: str) -> Baseline | None:
        if raw is None:
            return None
        item = self.mapping(raw, where)
        derived = self.boolean(item.get("derived"), f"{where}.derived", default=False)
        note = self.optional_text(item.get("note"), f"{where}.note")
        if derived and note is None:
            self.problem(f"{where}.note", "a derived figure needs a note saying how it was derived")
        return Baseline(
            value=self.number(item.get("value"), f"{where}.value"),
            year=self.year(item.get("year"), f"{where}.year"),
            derived=derived,
            note=note,
        )

    def measure(self, raw: Any, where: str, populations: Mapping[str, Population]) -> Measure:
        item = self.mapping(raw, where)
        kind_raw = item.get("kind")
        try:
            kind = MeasureKind(kind_raw)
        except ValueError:
            self.problem(
                f"{where}.kind",
                f"unknown measure kind {kind_raw!r} (expected one of {', '.join(k.value for k in MeasureKind)})",
            )
            return Measure(MeasureKind.COUNT, {})
        params = {k: v for k, v in item.items() if k != "kind"}
        needed = MEASURE_PARAMS[kind]
        for name in needed:
            if params.get(name) in (None, "", {}):
                self.problem(f"{where}.{name}", f"is missing (measure '{kind}' needs {', '.join(needed)})")
        for name in params:
            if name not in needed:
                self.problem(f"{where}.{name}", f"is not a parameter of measure '{kind}'")
        population = params.get("population")
        if "population" in needed and population and population not in populations:
            self.problem(f"{where}.population", f"unknown population '{population}'")
        for name in needed:
            if name in _COLUMN_PARAMS and params.get(name):
                self.identifier(params[name], f"{where}.{name}")
        if "where" in needed and params.get("where"):
            params["where"] = self.where(params["where"], f"{where}.where")
        return Measure(kind, params)

    def assessment(self, raw: Any) -> AssessmentRules:
        item = self.mapping(raw, "assessment")
        statuses = []
        for i, value in enumerate(self.items(item.get("statuses"), "assessment.statuses")):
            entry = self.mapping(value, f"assessment.statuses[{i}]")
            statuses.append(
                StatusLabel(
                    self.identifier(entry.get("id"), f"assessment.statuses[{i}].id"),
                    self.string(entry.get("vi"), f"assessment.statuses[{i}].vi"),
                    self.string(entry.get("en"), f"assessment.statuses[{i}].en"),
                    self.text(entry.get("help"), f"assessment.statuses[{i}].help"),
                )
            )
        declared = {s.id for s in statuses}
        self.unique([s.id for s in statuses], "assessment.statuses", "status id")
        thresholds = []
        for i, value in enumerate(self.items(item.get("thresholds"), "assessment.thresholds")):
            entry = self.mapping(value, f"assessment.thresholds[{i}]")
            status = self.string(entry.get("status"), f"assessment.thresholds[{i}].status")
            if status and status not in declared:
                self.problem(
                    f"assessment.thresholds[{i}].status", f"status '{status}' is not declared in statuses"
                )
            thresholds.append(
                (status, self.number(entry.get("min_ratio"), f"assessment.thresholds[{i}].min_ratio"))
            )
        ratios = [r for _, r in thresholds]
        if any(not a > b for a, b in zip(ratios, ratios[1:], strict=False)):
            self.problem("assessment.thresholds", f"min_ratio must strictly descend, found {ratios}")
        below_all = self.string(item.get("below_all"), "assessment.below_all")
        if below_all and below_all not in declared:
            self.problem("assessment.below_all", f"status '{below_all}' is not declared in statuses")
        for status in RULE_STATUSES:
            if statuses and status not in declared:
                self.problem(
                    "assessment.statuses", f"status '{status}' must be declared (the assessment uses it)"
                )
        zero = self.number(item.get("zero_replacement"), "assessment.zero_replacement")
        if zero <= 0:
            self.problem("assessment.zero_replacement", f"must be a small positive number, not {zero}")
        return AssessmentRules(
            method=self.text(item.get("method"), "assessment.method"),
            zero_replacement=zero,
            thresholds=tuple(thresholds),
            below_all=below_all,
            statuses=tuple(statuses),
        )
