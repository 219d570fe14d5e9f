"""Sample progress reports of the plan's 34 tasks: believable, clearly marked, NOT official, one per year 2020-2025.

A seeded story told by `data/sample/tasks/generator.yaml`: ongoing tasks in progress, yearly tasks reported
each year, deadline tasks done (some late) or overdue, one yearly task with a missing year, quantities near
their promise. Each workbook is in the progress template's format with the sample notice at the top of its
instructions and "Dữ liệu mẫu" in the note column of every row. `python -m kpi tasks-sample`
writes them to `data/sample/tasks/`; `load_task_samples(store)` stores them as
sample versions, as the dashboard's first run does with the statistics samples.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.common.access import system
from kpi.common.data_files import DataFileError, checked_file
from kpi.common.settings import DATA_DIR
from kpi.domain.tasks import Task, TaskList
from kpi.store.versions import TASKS
from kpi.workbook.task_contract import PLAN_COLUMNS, STORED_COLUMNS, default_tasks
from kpi.workbook.task_reports import write_task_workbook

SAMPLE_DIR = DATA_DIR / "sample" / "tasks"
PARAMS_PATH = SAMPLE_DIR / "generator.yaml"
SAMPLE_BY = "Dữ liệu mẫu"  # the importer's name of the sample versions


# The sample's parameters, checked against the task file (DataFileError lists every fault).
load_params = checked_file(PARAMS_PATH, lambda raw, path: _checked(raw, default_tasks(), path))


def _checked(raw: dict[str, Any], tasks: TaskList, path: Path) -> dict[str, Any]:
    problems: list[str] = []
    labels = {t.label for t in tasks}
    statuses = {s.id for s in tasks.statuses}
    for key in (
        "seed",
        "years",
        "files",
        "notice",
        "row_note",
        "reporting_unit",
        "results",
        "document_codes",
    ):
        if key not in raw:
            problems.append(f"missing '{key}'")
    if sorted(raw.get("results") or {}) != sorted(labels):
        problems.append("results: needs exactly one entry per task of the task file")
    for label, entries in (raw.get("deadline_reports") or {}).items():
        if label not in labels:
            problems.append(f"deadline_reports: unknown task {label}")
        for entry in entries:
            if len(entry) != 3 or entry[2] not in statuses:
                problems.append(
                    f"deadline_reports.{label}: {entry} must be [year, quarter or null, status id]"
                )
    for label in [
        *(raw.get("missing") or {}),
        *(raw.get("first_year_tasks") or []),
        *(raw.get("per_quarter_tasks") or []),
    ]:
        if label not in labels:
            problems.append(f"unknown task {label}")
    if unknown := set(raw.get("document_codes") or {}) ^ set(tasks.agencies):
        problems.append(
            f"document_codes: needs exactly the agencies of data/agencies.yaml (differs on {sorted(unknown)})"
        )
    if problems:
        raise DataFileError(problems, path)
    return raw


def _notice(lang: str) -> str:
    return " ".join(load_params()["notice"][lang].split())


def sample_notice(lang: str = "vi") -> str:
    """Return the notice that marks the sample as not official (shown in the workbooks and on the page)."""
    return _notice(lang)


# --- the story ----------------------------------------------------------------------------------------------


class _Story:
    """Builds the report rows of every year from the parameters, drawing from one seeded generator."""

    def __init__(self, tasks: TaskList, params: dict[str, Any], seed: int):
        self.tasks = tasks
        self.params = params
        self.rng = np.random.default_rng(seed)
        self.years: list[int] = list(params["years"])
        self.document_numbers: dict[str, int] = {}

    def rows(self) -> dict[int, list[dict[str, Any]]]:
        by_year: dict[int, list[dict[str, Any]]] = {y: [] for y in self.years}
        for task in self.tasks:
            for row in self._task_rows(task):
                by_year[row["year"]].append(row)
        return by_year

    # One list of rows per task, in year and quarter order.
    def _task_rows(self, task: Task) -> list[dict[str, Any]]:
        p = self.params
        label = task.label
        first = self.years[0]
        if label in (p.get("deadline_reports") or {}):
            return self._deadline_rows(task)
        rows = []
        for year in self.years:
            if year in (p.get("missing") or {}).get(label, []):
                continue
            if year == first:
                if label in p.get("first_year_tasks", []):
                    rows += self._period_rows(task, year, 4, "in_progress")
                continue
            if label in p.get("per_quarter_tasks", []):
                for quarter in (1, 2, 3, 4):
                    rows += self._period_rows(task, year, quarter, "in_progress")
                continue
            rows += self._period_rows(task, year, None, self._yearly_status(task, year))
        return rows

    def _yearly_status(self, task: Task, year: int) -> str:
        recurrence = task.schedule.recurrence
        if recurrence == "ongoing":
            return "late" if self.rng.random() < self.params["ongoing_late_share"] else "in_progress"
        if recurrence == "biennial":  # the conference is held every other year, prepared in between
            return "done" if year % 2 == 0 else "in_progress"
        return "in_progress" if self.rng.random() < self.params["yearly_unfinished_share"] else "done"

    def _deadline_rows(self, task: Task) -> list[dict[str, Any]]:
        entries = [tuple(e) for e in self.params["deadline_reports"][task.label]]
        last_year, _, last_status = entries[-1]
        if last_status != "done":  # an unfinished task keeps being reported, yearly, with its last status
            entries += [(y, None, last_status) for y in self.years if y > last_year]
        rows = []
        for year, quarter, status in entries:
            rows += self._period_rows(task, int(year), None if quarter is None else int(quarter), status)
        return rows

    def _period_rows(self, task: Task, year: int, quarter: int | None, status: str) -> list[dict[str, Any]]:
        result, evidence = self._result(task, year, quarter, status)
        base = {
            "group": task.group,
            "number": task.number,
            "year": year,
            "quarter": quarter,
            "status": status,
            "metric": None,
            "quantity": None,
            "result": result,
            "evidence": evidence,
            "note": self.params["row_note"],
            "difficulties": (self.params.get("difficulties") or {}).get(status),
        }
        quantities = self._quantities(task, year, quarter)
        if not quantities:
            return [base]
        return [{**base, "metric": metric, "quantity": float(value)} for metric, value in quantities]

    def _quantities(self, task: Task, year: int, quarter: int | None) -> list[tuple[str, int]]:
        p = self.params
        share = p["quantity_share"]
        out = []
        for q in task.quantities:
            if q.metric == "cooperatives_supported":
                out.append((q.metric, int(p["iv_7_per_year"].get(year, 0))))
                continue
            if q.metric == "farmer_trainees":
                if quarter in p["iv_6_per_quarter"]:
                    out.append((q.metric, int(p["iv_6_per_quarter"][quarter])))
                continue
            if year < self.tasks.rules.first_yearly_report_year:
                continue
            promised = q.value if q.value_max is None else self.rng.uniform(q.value, q.value_max)
            if quarter is not None:
                promised /= 4
            drawn = promised * self.rng.uniform(share["low"], share["high"])
            out.append((q.metric, max(0, int(round(drawn)))))
        return out

    def _result(self, task: Task, year: int, quarter: int | None, status: str) -> tuple[str, str]:
        spec = self.params["results"][task.label]
        text = spec["done"] if status == "done" and "done" in spec else spec["text"]
        if "{n}" in text:
            low, high = spec["n"]
            text = text.format(n=int(self.rng.integers(low, high + 1)))
        code = self.params["document_codes"][task.lead_agency]
        number = self.document_numbers.get(code, 0) + int(self.rng.integers(3, 40))
        self.document_numbers[code] = number
        kind = spec.get("done_evidence") if status == "done" and "done_evidence" in spec else None
        kind = (kind or f"Báo cáo số {{num}}/BC-{code}").format(num=number)
        return text, f"{kind} ngày {self._document_date(year, quarter)}"

    def _document_date(self, year: int, quarter: int | None) -> str:
        # A report is signed a little before the end of its period: in the period's last month.
        month = 12 if quarter is None else 3 * quarter
        day = int(self.rng.integers(10, 26))
        return dt.date(year, month, day).strftime("%d/%m/%Y")


def generate(seed: int | None = None, params: dict[str, Any] | None = None) -> dict[int, pd.DataFrame]:
    """Return {year: clean report rows} of the sample (columns of STORED_COLUMNS, status and metric as ids)."""
    params = params or load_params()
    story = _Story(default_tasks(), params, params["seed"] if seed is None else seed)
    out = {}
    for year, rows in story.rows().items():
        frame = pd.DataFrame(rows, columns=list(STORED_COLUMNS))
        frame = frame.sort_values(
            ["quarter", "group", "number"], key=_sort_key, na_position="last", kind="stable"
        )
        out[year] = frame.reset_index(drop=True)
    return out


def _sort_key(column: pd.Series) -> pd.Series:
    if column.name == "group":
        return column.map({"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5})
    return column


def workbook_bytes(year: int, rows: pd.DataFrame) -> bytes:
    """Return the progress workbook of one sample year, marked as sample data, with stable bytes."""
    params = load_params()
    buffer = io.BytesIO()
    write_task_workbook(
        buffer,
        reports=rows,
        info={"year": year, "reporting_unit": params["reporting_unit"]},
        notice=sample_notice("vi"),
        created=dt.datetime(year, 12, 28),
        plans=sample_register(year, params),
    )
    return buffer.getvalue()


def sample_register(year: int, params: dict[str, Any] | None = None) -> pd.DataFrame | None:
    """Return the sample's V.1 register rows of `year` (generator.yaml `register`), or None."""
    rows = ((params or load_params()).get("register") or {}).get(year)
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS)) if rows else None


def sample_files(directory: Path | None = None) -> list[Path]:
    """Return the sample workbooks present in `directory` (default data/sample/tasks/), by year."""
    params = load_params()
    directory = Path(directory) if directory else SAMPLE_DIR
    paths = [directory / params["files"]["pattern"].format(year=y) for y in params["years"]]
    return [p for p in paths if p.is_file()]


def write_sample(out_dir: Path | None = None, seed: int | None = None) -> list[Path]:
    """Write one sample workbook per year into `out_dir` (default data/sample/tasks/); return their paths."""
    params = load_params()
    out_dir = Path(out_dir) if out_dir else SAMPLE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for year, rows in generate(seed, params).items():
        path = out_dir / params["files"]["pattern"].format(year=year)
        path.write_bytes(workbook_bytes(year, rows))
        paths.append(path)
    return paths


def sample_workbooks(directory: Path | None = None) -> list[tuple[str, bytes]]:
    """Return (file name, bytes) of every sample progress workbook: the files of `directory` (default
    data/sample/tasks/), or generated in memory when there are none."""
    paths = sample_files(directory)
    if paths:
        return [(p.name, p.read_bytes()) for p in paths]
    pattern = load_params()["files"]["pattern"]
    return [(pattern.format(year=y), workbook_bytes(y, rows)) for y, rows in generate().items()]


def load_task_samples(store, by: str = SAMPLE_BY, directory: Path | None = None) -> list:
    """Store every sample workbook as a sample version of its year (kind 'tasks'); return the outcomes.

    Idempotent: a workbook already stored is recognised by its SHA-256 and not stored again. When the files
    are missing (a fresh checkout without them) they are generated in memory, so the page always has data.
    """
    files = sample_workbooks(directory)
    who = system(by)  # the dashboard loads its own sample data, whoever looks at it
    return [
        store.import_workbook(data, name, None, by, is_sample=True, kind=TASKS, identity=who)
        for name, data in files
    ]
