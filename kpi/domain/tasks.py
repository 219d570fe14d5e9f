"""The appendix tasks of Plan 485: loading and checking them, reading their time frames, and judging
progress reports (latest status, overdue tasks, promised versus achieved quantities).

Everything here is pure: the functions take plain pandas DataFrames of reports and return DataFrames or
plain records, so that the page, the command line and the store can share them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from kpi.common.data_files import DataFileError, read_yaml
from kpi.common.number_text import parse_number_text
from kpi.common.safe_text import fold, strip_diacritics
from kpi.common.settings import DATA_DIR

DEFAULT_TASKS_PATH = DATA_DIR / "tasks" / "kh-485-2020-tasks.yaml"
DEFAULT_AGENCIES_PATH = DATA_DIR / "agencies.yaml"

RECURRENCES = ("ongoing", "yearly", "periodic", "biennial", "deadline", "period")
PERIODS = ("monthly", "quarterly", "half_yearly", "yearly")
QUANTITY_PER = ("year", "total")
INFERABLE_FIELDS = (
    "text",
    "lead_agency",
    "lead_agencies",
    "co_agencies",
    "output",
    "time_frame",
    "note",
    "quantities",
)
REPORT_COLUMNS = (
    "group",
    "number",
    "year",
    "quarter",
    "status",
    "metric",
    "quantity",
    "result",
    "evidence",
    "difficulties",
)
REQUIRED_REPORT_COLUMNS = ("group", "number", "year", "status")
DONE = "done"

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


# --------------------------------------------------------------------------------------------- errors


class TaskDataError(DataFileError):
    """The task or agency data files are wrong; `problems` lists every problem found."""


class ReportDataError(DataFileError):
    """A table of progress reports is wrong; `problems` lists every problem found (in Vietnamese)."""


class TimeFrameError(DataFileError):
    """A time frame ("Thời gian thực hiện/hoàn thành") that cannot be read."""


# ------------------------------------------------------------------------------------------ the model


@dataclass(frozen=True)
class Schedule:
    """When a task is due: a recurrence, an optional start and an optional deadline.

    `deadline` forms (one quarter, month, year or day) and `period` forms (a range) both carry `start`
    (first day of the unit or range) and `deadline` (last day); the other recurrences carry neither.
    """

    recurrence: str
    start: date | None = None
    deadline: date | None = None
    periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agency:
    """One agency: snake_case id, full and short Vietnamese names, English name, spellings in the text."""

    id: str
    name_vi: str
    short_vi: str
    name_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quantity:
    """A promised quantity of a task ("20 Hội nghị/năm"); `per` is "year" or "total"."""

    metric: str
    label_vi: str
    label_en: str
    value: float
    unit: str
    per: str
    value_max: float | None = None
    year: int | None = None
    at_least: bool = False


@dataclass(frozen=True)
class TaskGroup:
    """One of the five groups of the appendix (I..V)."""

    id: str
    title_vi: str
    title_en: str
    task_count: int
    title_original: str | None = None
    inferred: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Task:
    """One task of the appendix, with its parsed schedule and the reasons of every inferred value."""

    group: str
    number: int
    text: str
    lead_agency: str
    lead_agencies: tuple[str, ...]
    co_agencies: tuple[str, ...]
    output: str
    time_frame: str
    schedule: Schedule
    note: str | None = None
    quantities: tuple[Quantity, ...] = ()
    inferred: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    text_original: str | None = None
    output_original: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        """Return (group, number), the task's identity."""
        return (self.group, self.number)

    @property
    def label(self) -> str:
        """Return the task's label as the plan writes it, e.g. "IV.7"."""
        return f"{self.group}.{self.number}"


@dataclass(frozen=True)
class ScheduleRules:
    """Years that drive the overdue rule, read from the task file."""

    plan_start_year: int
    first_yearly_report_year: int
    plan_end_year: int


@dataclass(frozen=True)
class ReportStatus:
    """A status of a progress report: id and labels."""

    id: str
    vi: str
    en: str


@dataclass(frozen=True)
class TaskList:
    """The plan's tasks in plan order, with their groups, the agencies, the schedule rules and statuses."""

    tasks: tuple[Task, ...]
    groups: tuple[TaskGroup, ...]
    agencies: Mapping[str, Agency]
    rules: ScheduleRules
    statuses: tuple[ReportStatus, ...]
    plan: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def __len__(self) -> int:
        return len(self.tasks)

    def get(self, group: str, number: int) -> Task:
        """Return the task (group, number); KeyError when there is none."""
        for task in self.tasks:
            if task.key == (group, number):
                return task
        raise KeyError(f"{group}.{number}")

    def in_group(self, group: str) -> tuple[Task, ...]:
        """Return the tasks of one group, in plan order."""
        return tuple(t for t in self.tasks if t.group == group)

    def status_label(self, status_id: str | None, lang: str = "vi") -> str:
        """Return the label of a status id in `lang` ("vi" or "en"), or "" for None."""
        if status_id is None:
            return ""
        for status in self.statuses:
            if status.id == status_id:
                return status.en if lang == "en" else status.vi
        raise KeyError(status_id)


# ------------------------------------------------------------------------------------ time frames

_DASHES = re.compile(r"[\u2010-\u2015\u2212-]")
_TIME_FRAME_FORMS = {
    "ongoing": re.compile(r"thuong xuyen"),
    "yearly": re.compile(r"(?:hang|moi) nam"),
    "biennial": re.compile(r"(?:hai|2|02) nam (?:mot|1|01) lan"),
    "periodic": re.compile(r"dinh ky (?P<body>.+)"),
    "quarter": re.compile(r"quy (?P<q>iv|iii|ii|i|[1-4]) ?(?:/|-|nam )(?P<y>\d{4})"),
    "month": re.compile(r"thang (?P<m>\d{1,2}) ?(?:/|-|nam )(?P<y>\d{4})"),
    "month_range": re.compile(
        r"(?:tu )?thang (?P<m1>\d{1,2})(?:/(?P<y1>\d{4}))?-(?:thang )?(?P<m2>\d{1,2}) ?(?:/|nam )(?P<y2>\d{4})"
    ),
    "year": re.compile(r"(?:nam )?(?P<y>\d{4})"),
    "year_range": re.compile(r"(?:(?:giai doan|tu nam|nam|tu) )?(?P<y1>\d{4})-(?:nam )?(?P<y2>\d{4})"),
    "day": re.compile(r"(?:truoc )?(?:ngay )?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
}
_PERIOD_WORDS = {
    "thang": "monthly",
    "quy": "quarterly",
    "6 thang": "half_yearly",
    "06 thang": "half_yearly",
    "sau thang": "half_yearly",
    "nua nam": "half_yearly",
    "nam": "yearly",
}


def _normalise_time_frame(text: str) -> str:
    """Return `text` without diacritics, lower case, one dash kind, tight separators, single spaces."""
    s = strip_diacritics(text).lower()
    s = _DASHES.sub("-", s)
    s = re.sub(r"\bden\b", "-", s)  # "đến" is a range separator like the dash
    s = re.sub(r"\s*([-/,])\s*", r"\1", s)
    return re.sub(r"\s+", " ", s).strip(" .;")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _parse_periods(body: str, text: str) -> tuple[str, ...]:
    periods: list[str] = []
    for word in re.split(r",| va | hoac ", body):
        word = re.sub(r"^(?:hang|moi) ", "", word.strip())
        if word not in _PERIOD_WORDS:
            raise TimeFrameError(f"Cannot read the period {word!r} in the time frame {text!r}")
        period = _PERIOD_WORDS[word]
        if period not in periods:
            periods.append(period)
    return tuple(sorted(periods, key=PERIODS.index))


def parse_time_frame(text: str) -> Schedule:
    """Return the Schedule of a time frame as the plan writes it ("Quý I/2021", "Hàng năm"...).

    Raises TimeFrameError naming the text when it matches none of the supported forms.
    """
    if not isinstance(text, str) or not text.strip():
        raise TimeFrameError(f"Empty time frame: {text!r}")
    s = _normalise_time_frame(text)
    try:
        return _schedule_of(s, text)
    except ValueError as exc:  # impossible dates such as month 13
        if isinstance(exc, TimeFrameError):
            raise
        raise TimeFrameError(f"Impossible date in the time frame {text!r}: {exc}") from exc


def _schedule_of(s: str, text: str) -> Schedule:
    forms = _TIME_FRAME_FORMS
    for recurrence in ("ongoing", "yearly", "biennial"):
        if forms[recurrence].fullmatch(s):
            return Schedule(recurrence)
    if m := forms["periodic"].fullmatch(s):
        return Schedule("periodic", periods=_parse_periods(m["body"], text))
    if m := forms["quarter"].fullmatch(s):
        q = _ROMAN.get(m["q"]) or int(m["q"])
        year = int(m["y"])
        return Schedule("deadline", start=date(year, 3 * q - 2, 1), deadline=_month_end(year, 3 * q))
    if m := forms["month"].fullmatch(s):
        year, month = int(m["y"]), int(m["m"])
        return Schedule("deadline", start=date(year, month, 1), deadline=_month_end(year, month))
    if m := forms["month_range"].fullmatch(s):
        year_end = int(m["y2"])
        year_start = int(m["y1"]) if m["y1"] else year_end
        start = date(year_start, int(m["m1"]), 1)
        end = _month_end(year_end, int(m["m2"]))
        return _period(start, end, text)
    if m := forms["year"].fullmatch(s):
        year = int(m["y"])
        return Schedule("deadline", start=date(year, 1, 1), deadline=date(year, 12, 31))
    if m := forms["year_range"].fullmatch(s):
        return _period(date(int(m["y1"]), 1, 1), date(int(m["y2"]), 12, 31), text)
    if m := forms["day"].fullmatch(s):
        day = date(int(m["y"]), int(m["m"]), int(m["d"]))
        return Schedule("deadline", start=None, deadline=day)
    raise TimeFrameError(
        f"Cannot read the time frame {text!r}: expected e.g. 'Thường xuyên', 'Hàng năm', 'Hai năm 01 lần', "
        "'Định kỳ hàng tháng, quý', 'Quý I/2021', 'Tháng 6/2021', 'Năm 2021', 'Năm 2020-2021', "
        "'Giai đoạn 2020-2025' or 'Tháng 02 – 11 năm 2021'"
    )


def _period(start: date, end: date, text: str) -> Schedule:
    if end < start:
        raise TimeFrameError(f"The time frame {text!r} ends before it starts")
    return Schedule("period", start=start, deadline=end)


# -------------------------------------------------------------------------------------------- loading


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def load_agencies(path: str | Path | None = None) -> dict[str, Agency]:
    """Return the agencies of data/agencies.yaml keyed by id; TaskDataError lists every problem."""
    path = Path(path) if path is not None else DEFAULT_AGENCIES_PATH
    problems: list[str] = []
    data = read_yaml(path)
    rows = data.get("agencies")
    if not isinstance(rows, list) or not rows:
        raise TaskDataError([f"{path}: no 'agencies' list"])
    agencies: dict[str, Agency] = {}
    owner_of_key: dict[str, str] = {}
    for i, row in enumerate(rows, start=1):
        where = f"agency #{i}"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        agency_id = _text(row.get("id"))
        where = f"agency #{i} ({agency_id or 'no id'})"
        if not _SNAKE_CASE.match(agency_id):
            problems.append(f"{where}: id must be snake_case")
        elif agency_id in agencies:
            problems.append(f"{where}: duplicate id")
        for key in ("name_vi", "short_vi", "name_en"):
            if not _text(row.get(key)):
                problems.append(f"{where}: missing {key}")
        aliases = row.get("aliases") or []
        if not isinstance(aliases, list) or not all(_text(a) for a in aliases):
            problems.append(f"{where}: aliases must be a list of non-empty texts")
            aliases = []
        agency = Agency(
            id=agency_id,
            name_vi=_text(row.get("name_vi")),
            short_vi=_text(row.get("short_vi")),
            name_en=_text(row.get("name_en")),
            aliases=tuple(a.strip() for a in aliases),
        )
        for name in _agency_names(agency):
            owner = owner_of_key.setdefault(fold(name), agency_id)
            if owner != agency_id:
                problems.append(f"{where}: the name {name!r} also matches agency {owner}")
        if agency_id and agency_id not in agencies:
            agencies[agency_id] = agency
    if problems:
        raise TaskDataError(problems)
    return agencies


def _agency_names(agency: Agency) -> tuple[str, ...]:
    return tuple(n for n in (agency.id, agency.name_vi, agency.short_vi, *agency.aliases) if n)


def find_agency(agencies: Mapping[str, Agency], name: str) -> Agency | None:
    """Return the agency whose id, name, short name or alias matches `name` (folded), or None."""
    key = fold(name)
    if not key:
        return None
    for agency in agencies.values():
        if any(fold(n) == key for n in _agency_names(agency)):
            return agency
    return None


def load_tasks(path: str | Path | None = None, agencies_path: str | Path | None = None) -> TaskList:
    """Return the TaskList of the task file; TaskDataError lists every problem found at once."""
    path = Path(path) if path is not None else DEFAULT_TASKS_PATH
    agencies = load_agencies(agencies_path)
    problems: list[str] = []
    data = read_yaml(path)

    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    if not plan:
        problems.append("missing 'plan' section")
    rules = _load_rules(data.get("schedule_rules"), problems)
    statuses = _load_statuses(data.get("report_statuses"), problems)
    groups = _load_groups(data.get("groups"), problems)
    group_ids = [g.id for g in groups]

    rows = data.get("tasks")
    if not isinstance(rows, list):
        problems.append("missing 'tasks' list")
        rows = []
    tasks: list[Task] = []
    seen: set[tuple[str, int]] = set()
    for i, row in enumerate(rows, start=1):
        task = _load_task(row, i, group_ids, agencies, problems)
        if task is None:
            continue
        if task.key in seen:
            problems.append(f"task {task.label}: duplicate (group, number)")
        seen.add(task.key)
        tasks.append(task)

    expected_total = plan.get("task_count")
    if not isinstance(expected_total, int):
        problems.append("plan.task_count must be an integer")
    elif len(rows) != expected_total:
        problems.append(f"expected {expected_total} tasks, found {len(rows)}")
    for group in groups:
        numbers = sorted(t.number for t in tasks if t.group == group.id)
        if len(numbers) != group.task_count:
            problems.append(f"group {group.id}: expected {group.task_count} tasks, found {len(numbers)}")
        elif numbers != list(range(1, group.task_count + 1)):
            problems.append(f"group {group.id}: task numbers must run 1..{group.task_count}, found {numbers}")
    if problems:
        raise TaskDataError(problems)
    assert rules is not None
    return TaskList(
        tasks=tuple(tasks),
        groups=tuple(groups),
        agencies=MappingProxyType(agencies),
        rules=rules,
        statuses=tuple(statuses),
        plan=MappingProxyType(dict(plan)),
    )


def _load_rules(raw: Any, problems: list[str]) -> ScheduleRules | None:
    keys = ("plan_start_year", "first_yearly_report_year", "plan_end_year")
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), int) for k in keys):
        problems.append(f"schedule_rules must give integer {', '.join(keys)}")
        return None
    rules = ScheduleRules(**{k: raw[k] for k in keys})
    if not rules.plan_start_year <= rules.first_yearly_report_year <= rules.plan_end_year:
        problems.append("schedule_rules: need plan_start_year <= first_yearly_report_year <= plan_end_year")
    return rules


def _load_statuses(raw: Any, problems: list[str]) -> list[ReportStatus]:
    statuses: list[ReportStatus] = []
    if not isinstance(raw, list):
        problems.append("missing 'report_statuses' list")
        return statuses
    for row in raw:
        if not isinstance(row, dict) or not all(_text(row.get(k)) for k in ("id", "vi", "en")):
            problems.append(f"report status {row!r}: needs id, vi and en")
            continue
        statuses.append(ReportStatus(row["id"].strip(), row["vi"].strip(), row["en"].strip()))
    keys = [key for s in statuses for key in {fold(s.id), fold(s.vi), fold(s.en)}]
    if len(keys) != len(set(keys)):
        problems.append("report statuses: ids and labels must be distinct")
    if DONE not in {s.id for s in statuses}:
        problems.append(f"report statuses: the id {DONE!r} is required")
    return statuses


def _load_groups(raw: Any, problems: list[str]) -> list[TaskGroup]:
    groups: list[TaskGroup] = []
    if not isinstance(raw, list) or not raw:
        problems.append("missing 'groups' list")
        return groups
    for row in raw:
        if not isinstance(row, dict):
            problems.append(f"group {row!r}: expected a mapping")
            continue
        group_id = _text(row.get("id"))
        where = f"group {group_id or '?'}"
        for key in ("id", "title_vi", "title_en"):
            if not _text(row.get(key)):
                problems.append(f"{where}: missing {key}")
        if not isinstance(row.get("task_count"), int):
            problems.append(f"{where}: task_count must be an integer")
        if group_id in {g.id for g in groups}:
            problems.append(f"{where}: duplicate id")
        inferred = _load_inferred(row.get("inferred"), ("title_vi", "title_en"), where, problems)
        groups.append(
            TaskGroup(
                id=group_id,
                title_vi=_text(row.get("title_vi")),
                title_en=_text(row.get("title_en")),
                task_count=row.get("task_count") if isinstance(row.get("task_count"), int) else 0,
                title_original=_text(row.get("title_original")) or None,
                inferred=inferred,
            )
        )
    return groups


def _load_inferred(raw: Any, allowed: tuple[str, ...], where: str, problems: list[str]) -> Mapping[str, str]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'inferred' must map field names to reasons")
        return MappingProxyType({})
    for key, reason in raw.items():
        if key not in allowed:
            problems.append(f"{where}: inferred field {key!r} is not one of {', '.join(allowed)}")
        if not _text(reason):
            problems.append(f"{where}: inferred field {key!r} has no reason")
    return MappingProxyType({str(k): _text(v) for k, v in raw.items()})


def _agency_ids(
    raw: Any, where: str, what: str, agencies: Mapping[str, Agency], problems: list[str]
) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        problems.append(f"{where}: {what} must be a list of agency ids")
        return ()
    ids = tuple(_text(a) for a in raw)
    for agency_id in ids:
        if agency_id not in agencies:
            problems.append(f"{where}: unknown agency {agency_id!r} in {what}")
    return ids


def _load_task(
    row: Any, index: int, group_ids: list[str], agencies: Mapping[str, Agency], problems: list[str]
) -> Task | None:
    if not isinstance(row, dict):
        problems.append(f"task #{index}: expected a mapping")
        return None
    group, number = _text(row.get("group")), row.get("number")
    where = f"task {group or '?'}.{number if number is not None else '?'}"
    if group not in group_ids:
        problems.append(f"{where}: unknown group {group!r}")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        problems.append(f"{where}: number must be a positive integer")
        number = 0
    for key in ("text", "output", "time_frame"):
        if not _text(row.get(key)):
            problems.append(f"{where}: missing {key}")

    lead = _text(row.get("lead_agency"))
    if not lead:
        problems.append(f"{where}: missing lead_agency")
    elif lead not in agencies:
        problems.append(f"{where}: unknown agency {lead!r} in lead_agency")
    leads = _agency_ids(row.get("lead_agencies"), where, "lead_agencies", agencies, problems) or (
        (lead,) if lead else ()
    )
    if leads and lead and leads[0] != lead:
        problems.append(f"{where}: lead_agency must be the first of lead_agencies")
    co = _agency_ids(row.get("co_agencies"), where, "co_agencies", agencies, problems)

    schedule = Schedule("ongoing")
    if _text(row.get("time_frame")):
        try:
            schedule = parse_time_frame(row["time_frame"])
        except TimeFrameError as exc:
            problems.append(f"{where}: {exc}")

    quantities = _load_quantities(row.get("quantities"), where, problems)
    inferred = _load_inferred(row.get("inferred"), INFERABLE_FIELDS, where, problems)
    note = _text(row.get("note")) or None
    return Task(
        group=group,
        number=number,
        text=_text(row.get("text")),
        lead_agency=lead,
        lead_agencies=leads,
        co_agencies=co,
        output=_text(row.get("output")),
        time_frame=_text(row.get("time_frame")),
        schedule=schedule,
        note=note,
        quantities=quantities,
        inferred=inferred,
        text_original=_text(row.get("text_original")) or None,
        output_original=_text(row.get("output_original")) or None,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _load_quantities(raw: Any, where: str, problems: list[str]) -> tuple[Quantity, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: quantities must be a list")
        return ()
    quantities: list[Quantity] = []
    for row in raw:
        if not isinstance(row, dict):
            problems.append(f"{where}: quantity {row!r} must be a mapping")
            continue
        metric = _text(row.get("metric"))
        what = f"{where}: quantity {metric or '?'}"
        if not _SNAKE_CASE.match(metric):
            problems.append(f"{what}: metric must be a snake_case id")
        if metric in {q.metric for q in quantities}:
            problems.append(f"{what}: duplicate metric")
        for key in ("label_vi", "label_en", "unit"):
            if not _text(row.get(key)):
                problems.append(f"{what}: missing {key}")
        value, value_max, year = row.get("value"), row.get("value_max"), row.get("year")
        if not _is_number(value):
            problems.append(f"{what}: value must be a number")
            value = 0
        if value_max is not None and (not _is_number(value_max) or value_max < value):
            problems.append(f"{what}: value_max must be a number not below value")
            value_max = None
        if row.get("per") not in QUANTITY_PER:
            problems.append(f"{what}: per must be one of {', '.join(QUANTITY_PER)}")
        if year is not None and not isinstance(year, int):
            problems.append(f"{what}: year must be an integer")
            year = None
        quantities.append(
            Quantity(
                metric=metric,
                label_vi=_text(row.get("label_vi")),
                label_en=_text(row.get("label_en")),
                value=value,
                unit=_text(row.get("unit")),
                per=str(row.get("per")),
                value_max=value_max,
                year=year,
                at_least=bool(row.get("at_least", False)),
            )
        )
    return tuple(quantities)


# ------------------------------------------------------------------------------------------- reports


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_int(value: Any) -> int | None:
    """Return `value` as an int when it is a whole number (1, 1.0, "1"), else None."""
    if _blank(value) or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _as_quarter(value: Any) -> tuple[int | None, bool]:
    """Return (quarter or None, ok): blank is a yearly report; 1-4, "Q1", "Quý I" are quarters."""
    if _blank(value):
        return None, True
    text = re.sub(r"^(?:quy|q)\s*", "", strip_diacritics(str(value)).strip().lower())
    quarter = _ROMAN.get(text) or _as_int(text)
    return (quarter, True) if quarter in (1, 2, 3, 4) else (None, False)


_NUMBER_PROBLEMS = {
    "not_a_number": "không phải là số",
    "foreign_number": "viết theo kiểu tiếng Anh, hãy viết kiểu Việt Nam (1.234,5)",
    "ambiguous_number": "có thể hiểu theo hai cách, hãy viết rõ (1.234 hoặc 1,5)",
}


def _as_float(value: Any) -> tuple[float | None, str | None]:
    """Return (number or None, problem text or None); text cells are read the Vietnamese way."""
    if _blank(value):
        return None, None
    if _is_number(value):
        return float(value), None
    parsed = parse_number_text(str(value))
    if parsed.problem is not None:
        return None, _NUMBER_PROBLEMS.get(parsed.problem, "không đọc được")
    return parsed.value, None


def normalize_reports(tasks: TaskList, reports: pd.DataFrame | None) -> pd.DataFrame:
    """Return a clean copy of a report table (columns REPORT_COLUMNS, status as ids, quarter None for a
    yearly report); ReportDataError lists every problem, in Vietnamese, with 1-based row numbers."""
    if reports is None:
        reports = pd.DataFrame(columns=list(REPORT_COLUMNS))
    missing = [c for c in REQUIRED_REPORT_COLUMNS if c not in reports.columns]
    if missing:
        raise ReportDataError([f"thiếu cột: {', '.join(missing)}"])
    status_ids = {fold(label): s.id for s in tasks.statuses for label in (s.id, s.vi, s.en)}
    metrics = {t.key: {q.metric for q in t.quantities} for t in tasks}
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for position, raw in enumerate(reports.to_dict("records"), start=1):
        where = f"dòng {position}"
        group = _text(str(raw.get("group"))).upper() if not _blank(raw.get("group")) else ""
        number = _as_int(raw.get("number"))
        key = (group, number)
        if key not in metrics:
            problems.append(
                f"{where}: không có nhiệm vụ {group or '?'}.{number if number is not None else '?'}"
            )
        year = _as_int(raw.get("year"))
        if year is None:
            problems.append(f"{where}: năm không hợp lệ ({raw.get('year')!r})")
        quarter, quarter_ok = _as_quarter(raw.get("quarter"))
        if not quarter_ok:
            problems.append(f"{where}: quý phải là 1, 2, 3, 4 hoặc để trống ({raw.get('quarter')!r})")
        status = status_ids.get(fold(raw.get("status")))
        if status is None:
            labels = ", ".join(s.vi for s in tasks.statuses)
            problems.append(f"{where}: trạng thái {raw.get('status')!r} không thuộc: {labels}")
        metric = None if _blank(raw.get("metric")) else str(raw.get("metric")).strip()
        quantity, number_problem = _as_float(raw.get("quantity"))
        if number_problem is not None:
            problems.append(f"{where}: số lượng {raw.get('quantity')!r} {number_problem}")
        if metric is not None and key in metrics and metric not in metrics[key]:
            problems.append(f"{where}: chỉ tiêu {metric!r} không có trong nhiệm vụ {group}.{number}")
        if quantity is not None and metric is None:
            problems.append(f"{where}: có số lượng nhưng thiếu chỉ tiêu (metric)")
        rows.append(
            {
                "group": group,
                "number": number,
                "year": year,
                "quarter": quarter,
                "status": status,
                "metric": metric,
                "quantity": quantity,
                "result": None if _blank(raw.get("result")) else str(raw.get("result")).strip(),
                "evidence": None if _blank(raw.get("evidence")) else str(raw.get("evidence")).strip(),
                "difficulties": None
                if _blank(raw.get("difficulties"))
                else str(raw.get("difficulties")).strip(),
            }
        )
    if problems:
        raise ReportDataError(problems)
    clean = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    clean["number"] = clean["number"].astype("Int64")
    clean["year"] = clean["year"].astype("Int64")
    clean["quarter"] = clean["quarter"].astype("Int64")
    clean["quantity"] = clean["quantity"].astype("float64")
    return clean


def _period_rank(clean: pd.DataFrame) -> pd.Series:
    """Return year*10 + quarter, a yearly report (no quarter) ranking after the fourth quarter."""
    return clean["year"].astype("int64") * 10 + clean["quarter"].fillna(5).astype("int64")


def _period_end(year: int, quarter: int | None) -> date:
    return date(year, 12, 31) if quarter is None else _month_end(year, 3 * quarter)


def latest_status(tasks: TaskList, reports: pd.DataFrame | None) -> pd.DataFrame:
    """Return one row per task (plan order) with its latest report: group, number, year, quarter, status,
    result, evidence. The latest is the highest (year, quarter), a yearly report counting as the end of its
    year; between reports of the same period the last row wins. Tasks never reported get empty values."""
    clean = normalize_reports(tasks, reports)
    columns = ["group", "number", "year", "quarter", "status", "result", "evidence"]
    latest_rows: dict[tuple[str, int], dict[str, Any]] = {}
    if not clean.empty:
        ranked = clean.assign(_rank=_period_rank(clean), _pos=range(len(clean)))
        ranked = ranked.sort_values(["_rank", "_pos"], kind="stable")
        latest = ranked.groupby(["group", "number"], sort=False).tail(1)
        latest_rows = {(r["group"], int(r["number"])): r for r in latest.to_dict("records")}
    records = []
    for task in tasks:
        row = latest_rows.get(task.key, {})
        records.append(
            {
                "group": task.group,
                "number": task.number,
                "year": row.get("year"),
                "quarter": None if _blank(row.get("quarter")) else row.get("quarter"),
                "status": row.get("status"),
                "result": row.get("result"),
                "evidence": row.get("evidence"),
            }
        )
    frame = pd.DataFrame(records, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    frame["quarter"] = frame["quarter"].astype("Int64")
    for column in ("status", "result", "evidence"):
        frame[column] = _objects_or_none(frame[column])
    return frame


def _objects_or_none(column: pd.Series) -> pd.Series:
    """Return `column` as dtype object with None (not NaN) for missing values."""
    return column.astype(object).where(column.notna(), None)


def _due_windows(task: Task, rules: ScheduleRules, last_past_year: int) -> list[tuple[int, int]]:
    """Return the (first, last) year windows a repeating task owes a report for, up to last_past_year."""
    first, end = rules.first_yearly_report_year, rules.plan_end_year
    step = 2 if task.schedule.recurrence == "biennial" else 1
    windows = [(y, min(y + step - 1, end)) for y in range(first, end + 1, step)]
    return [w for w in windows if w[1] <= last_past_year]


def overdue(tasks: TaskList, reports: pd.DataFrame | None, today: date) -> pd.DataFrame:
    """Return one row per task (plan order): group, number, recurrence, deadline, overdue, reason,
    missing_years, completed_after_deadline.

    Rules:
    - deadline and period tasks are overdue when their deadline is before `today` and no report of the task
      says "Hoàn thành". A "Hoàn thành" report of any period clears the flag, even one after the deadline;
      `completed_after_deadline` then tells that the first such report's period ends after the deadline.
    - yearly, periodic (monthly/quarterly, so at least yearly) and biennial tasks are overdue when a past
      year of the plan (schedule_rules.first_yearly_report_year .. min(today.year - 1, plan_end_year)) has
      no report at all (any status); a biennial task owes one report per two-year window from the first
      year, the last window clipped at the plan's end year. `missing_years` lists the uncovered years.
    - ongoing tasks ("Thường xuyên") are never overdue by rule.
    """
    clean = normalize_reports(tasks, reports)
    rules = tasks.rules
    last_past_year = min(today.year - 1, rules.plan_end_year)
    records = []
    for task in tasks:
        mine = clean[(clean["group"] == task.group) & (clean["number"] == task.number)]
        schedule = task.schedule
        is_overdue, reason, missing, after = False, None, [], False
        if schedule.recurrence in ("deadline", "period") and schedule.deadline is not None:
            done = mine[mine["status"] == DONE]
            if done.empty:
                if schedule.deadline < today:
                    is_overdue, reason = True, "deadline_passed"
            else:
                first_done = min(
                    _period_end(int(y), None if _blank(q) else int(q))
                    for y, q in zip(done["year"], done["quarter"], strict=True)
                )
                after = first_done > schedule.deadline
        elif schedule.recurrence in ("yearly", "periodic", "biennial"):
            reported = {int(y) for y in mine["year"]}
            for first, last in _due_windows(task, rules, last_past_year):
                window = range(first, last + 1)
                if not reported.intersection(window):
                    missing.extend(window)
            if missing:
                is_overdue, reason = True, "missing_reports"
        records.append(
            {
                "group": task.group,
                "number": task.number,
                "recurrence": schedule.recurrence,
                "deadline": schedule.deadline,
                "overdue": is_overdue,
                "reason": reason,
                "missing_years": missing,
                "completed_after_deadline": after,
            }
        )
    frame = pd.DataFrame(records)
    frame["overdue"] = frame["overdue"].astype(bool)
    frame["reason"] = _objects_or_none(frame["reason"])
    return frame


def _quantity_years(task: Task, quantity: Quantity, rules: ScheduleRules) -> list[int]:
    if quantity.year is not None:
        return [quantity.year]
    schedule = task.schedule
    if schedule.start is not None and schedule.deadline is not None:
        return list(range(schedule.start.year, schedule.deadline.year + 1))
    return list(range(rules.first_yearly_report_year, rules.plan_end_year + 1))


def quantities_by_year(tasks: TaskList, reports: pd.DataFrame | None) -> pd.DataFrame:
    """Return promised versus achieved quantities per task, metric and year.

    Columns: group, number, metric, label_vi, label_en, unit, per, at_least, year, promised, promised_max,
    achieved, achieved_cumulative. Years: the quantity's own year, else the task's date range, else
    first_yearly_report_year .. plan_end_year. Report quantities are amounts of their own period: a year's
    achieved value is the sum of its yearly reports (no quarter) when there are any, else the sum of its
    quarterly reports; NaN when nothing was reported. For per="total" compare achieved_cumulative with
    promised (the total due by the last year).
    """
    clean = normalize_reports(tasks, reports)
    clean = clean[clean["metric"].notna() & clean["quantity"].notna()]
    columns = [
        "group", "number", "metric", "label_vi", "label_en", "unit", "per", "at_least",
        "year", "promised", "promised_max", "achieved", "achieved_cumulative",
    ]  # fmt: skip
    records = []
    for task in tasks:
        mine = clean[(clean["group"] == task.group) & (clean["number"] == task.number)]
        for quantity in task.quantities:
            rows = mine[mine["metric"] == quantity.metric]
            cumulative: float | None = None
            for year in _quantity_years(task, quantity, tasks.rules):
                in_year = rows[rows["year"] == year]
                yearly = in_year[in_year["quarter"].isna()]
                chosen = yearly if not yearly.empty else in_year
                achieved = float(chosen["quantity"].sum()) if not chosen.empty else None
                if achieved is not None:
                    cumulative = (cumulative or 0.0) + achieved
                records.append(
                    {
                        "group": task.group,
                        "number": task.number,
                        "metric": quantity.metric,
                        "label_vi": quantity.label_vi,
                        "label_en": quantity.label_en,
                        "unit": quantity.unit,
                        "per": quantity.per,
                        "at_least": quantity.at_least,
                        "year": year,
                        "promised": float(quantity.value),
                        "promised_max": None if quantity.value_max is None else float(quantity.value_max),
                        "achieved": achieved,
                        "achieved_cumulative": cumulative,
                    }
                )
    frame = pd.DataFrame(records, columns=columns)
    for column in ("promised", "promised_max", "achieved", "achieved_cumulative"):
        frame[column] = frame[column].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    frame["number"] = frame["number"].astype("int64")
    return frame


def tasks_to_records(tasks: TaskList, latest: pd.DataFrame, overdue: pd.DataFrame) -> list[dict[str, Any]]:
    """Return one JSON-ready dict per task (plan order): group, number, lead_agency (short name; several
    joined with "; "), deadline (ISO date or None), recurrence, status (id or None), overdue (bool), inferred
    (field names), text, output, time_frame. This is the contract of `python -m kpi tasks --format json`."""
    status_of = {
        (str(r["group"]), int(r["number"])): None if _blank(r["status"]) else str(r["status"])
        for r in latest.to_dict("records")
    }
    overdue_of = {(str(r["group"]), int(r["number"])): bool(r["overdue"]) for r in overdue.to_dict("records")}
    records = []
    for task in tasks:
        deadline = task.schedule.deadline
        records.append(
            {
                "group": task.group,
                "number": task.number,
                "lead_agency": "; ".join(tasks.agencies[a].short_vi for a in task.lead_agencies),
                "deadline": deadline.isoformat() if deadline else None,
                "recurrence": task.schedule.recurrence,
                "status": status_of.get(task.key),
                "overdue": overdue_of.get(task.key, False),
                "inferred": list(task.inferred),
                "text": task.text,
                "output": task.output,
                "time_frame": task.time_frame,
            }
        )
    return records
