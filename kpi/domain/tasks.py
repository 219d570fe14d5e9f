"""The appendix tasks of Plan 485, loaded and checked: groups, tasks, agencies, statuses, promised quantities
and their time frames, read into schedules; and the columns of a clean progress report (REPORT_COLUMNS).

The rules that judge reports (latest status, overdue, quantities) are in `kpi.tasks.rules`; the reports are
checked where they are read (`kpi.workbook.task_reports`).
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

from kpi.common.data_files import DataFileError, read_yaml
from kpi.common.safe_text import fold, strip_diacritics
from kpi.common.settings import DATA_DIR

DEFAULT_TASKS_PATH = DATA_DIR / "tasks" / "kh-485-2020-tasks.yaml"
DEFAULT_AGENCIES_PATH = DATA_DIR / "agencies.yaml"

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
    "note",
    "difficulties",
)  # a clean progress report as read, stored and judged (besides the Excel row `_row`)
DONE = "done"
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}  # "Quý II" in time frames and report cells

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


# --------------------------------------------------------------------------------------------- errors


class TaskDataError(DataFileError):
    """The task or agency data files are wrong; `problems` lists every problem found."""


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
        q = ROMAN_QUARTERS.get(m["q"]) or int(m["q"])
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
