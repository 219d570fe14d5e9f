"""The implementation report of the plan (section V.3: "tổng hợp báo cáo tình hình thực hiện hàng quý, hàng
năm"), and the final review of the plan's period, as a document model that kpi/reports/docx_writer.py and
kpi/reports/xlsx_writer.py write out.

Pure (no streamlit). Every number comes from `kpi.stats.report.build_report` (the numbers of `kpi report --format
json`), the task board of `kpi.tasks.board`, and the store's version records; every text from the catalogs
(data/i18n/brief.yaml) and the letterhead file (data/reports/brief.yaml). Cells keep their numbers (`Num`),
so that the Word writer formats them the Vietnamese way and the Excel writer keeps them as numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from kpi.common.data_files import read_yaml
from kpi.common.formatting import MISSING, format_date, format_number, format_percent, format_signed
from kpi.common.i18n import t
from kpi.common.safe_text import fold
from kpi.common.settings import DATA_DIR
from kpi.domain.plan import Plan
from kpi.domain.tasks import DONE, TaskList
from kpi.stats import charts
from kpi.stats.assess import ACHIEVED
from kpi.stats.report import Report, default_engine
from kpi.stats.results import Results, stored_results
from kpi.stats.scorecard import overall_sentence, rating_targets
from kpi.tasks.board import (
    NO_REPORT,
    OVERDUE,
    TOTAL,
    TaskBoard,
    build_board,
    lead_names,
    overdue_table,
    period_text,
    status_count_table,
    status_label,
    summary_counts,
)
from kpi.tasks.cadence import LATE, load_cadence, reporting_grid, reporting_status
from kpi.tasks.rules import period_end
from kpi.workbook.kinds import STATS, TASKS
from kpi.workbook.task_contract import PLANS, REPORT, default_tasks

LETTERHEAD_FILE = DATA_DIR / "reports" / "brief.yaml"
QUARTERS = (1, 2, 3, 4)
# Report statuses whose report text tells of an obstacle: gathered under "Khó khăn, vướng mắc và đề xuất".
_TROUBLE_STATUSES = ("late", "not_started")


# --- the document model -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    """A number of a table cell: its value, decimals, and how it reads ("≤ " before, "%" after, a sign)."""

    value: float | None
    decimals: int = 0
    percent: bool = False
    signed: bool = False
    prefix: str = ""

    def text(self, lang: str = "vi") -> str:
        """Return the number as users read it ("27.379", "42,2%", "+6", "≤ 40,0%"; "–" when missing)."""
        if self.value is None:
            return MISSING
        if self.signed:
            body = format_signed(self.value, self.decimals, lang)
            return body + ("%" if self.percent and body != "0" else "")
        body = (
            format_percent(self.value, self.decimals, lang)
            if self.percent
            else format_number(self.value, self.decimals, lang)
        )
        return self.prefix + body


Cell = str | Num | None


@dataclass(frozen=True)
class Table:
    """A table of the report: its id (the Excel sheet's name), caption, header and rows."""

    id: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths in the Word table (default: equal)


@dataclass(frozen=True)
class Picture:
    """A chart as a PNG picture with its caption."""

    caption: str
    png: bytes


Block = str | Table | Picture


@dataclass
class Section:
    """A numbered part of the report: heading and paragraphs, tables and pictures in order."""

    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Letterhead:
    """The header and signature block of the report (data/reports/brief.yaml), in one language."""

    parent: str
    issuer: str
    nation: str
    motto: str
    number: str
    place_date: str
    recipient: str
    copies: tuple[str, ...]
    signer: str


@dataclass
class Brief:
    """The whole report: letterhead, title, sections, and whether it shows sample data."""

    lang: str
    year: int
    quarter: int | None
    final: bool
    letterhead: Letterhead
    kind: str  # "BÁO CÁO"
    title: str
    intro: str
    sections: list[Section]
    sample: bool

    def tables(self) -> list[Table]:
        """Return every table of the report, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def pictures(self) -> list[Picture]:
        """Return every picture of the report, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Picture)]


# --- the inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefData:
    """What the report is made from: the statistics, the task reports and the versions behind them.

    `sources` and `task_sources` have the columns of `version_sources` (year, version, file_name,
    imported_at, imported_by, is_sample).
    """

    results: Results  # the statistics' results (kept with each version in a store: kpi.stats.results)
    task_reports: pd.DataFrame | None
    sources: pd.DataFrame
    task_sources: pd.DataFrame
    task_plans: pd.DataFrame | None = None  # the V.1 register (`Store.load_rows(TASKS, PLANS.id)`)


SOURCE_COLUMNS = ["year", "version", "file_name", "imported_at", "imported_by", "is_sample"]


def version_sources(store: Any, kind: str = "stats") -> pd.DataFrame:
    """Return the current version of each year of `kind` in the store, with who imported it and when."""
    rows = [
        {
            "year": info.year,
            "version": info.version,
            "file_name": info.file_name,
            "imported_at": pd.Timestamp(info.imported_at),
            "imported_by": info.imported_by,
            "is_sample": bool(info.is_sample),
        }
        for info in store.current_version_infos(kind)
    ]
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def load_brief_data(store: Any) -> BriefData:
    """Return the statistics, task reports and version records of the store's current versions."""
    task_rows = store.load_sheets(TASKS, None, (REPORT.id, PLANS.id))
    return BriefData(
        results=stored_results(store),
        task_reports=task_rows[REPORT.id],
        sources=version_sources(store, STATS),
        task_sources=version_sources(store, TASKS),
        task_plans=task_rows[PLANS.id],
    )


@cache
def _letterhead_raw(path: Path) -> dict:
    return read_yaml(path)["letterhead"]


def load_letterhead(lang: str = "vi", plan: Plan | None = None, path: Path | None = None) -> Letterhead:
    """Return the letterhead in `lang`, the place being the plan's province."""
    raw = _letterhead_raw(path or LETTERHEAD_FILE)
    place = plan.province if plan is not None else ""

    def text(key: str) -> str:
        return str(raw[key][lang]).format(place=place)

    return Letterhead(
        parent=text("parent"),
        issuer=text("issuer"),
        nation=text("nation"),
        motto=text("motto"),
        number=text("number"),
        place_date=text("place_date"),
        recipient=text("recipient"),
        copies=tuple(str(c) for c in raw["copies"][lang]),
        signer=text("signer"),
    )


# --- periods ----------------------------------------------------------------------------------------------


def is_final(plan: Plan, year: int, final: bool = False) -> bool:
    """Return True when the report is the final review: asked for, or the year is the plan's last year."""
    return final or year == plan.period.end


# --- building ---------------------------------------------------------------------------------------------


def build_brief(
    data: BriefData,
    year: int,
    quarter: int | None = None,
    lang: str = "vi",
    final: bool = False,
    tasks: TaskList | None = None,
    today: dt.date | None = None,
    pictures: bool = True,
) -> Brief:
    """Return the implementation report of `year` (and `quarter`), with the final review of the plan when
    `final` or when `year` is the plan's last year. Raises ValueError for a year without statistics."""
    if year not in data.results.years:
        raise ValueError(f"no statistics for {year}")
    if quarter is not None and quarter not in QUARTERS:
        raise ValueError(f"quarter must be one of {QUARTERS}, not {quarter!r}")
    engine = default_engine()
    plan = engine.plan
    report = data.results.report(year, by_district=True)
    tasks = tasks or default_tasks()
    today = today or dt.date.today()
    as_of = min(period_end(year, quarter), today)
    board = build_board(tasks, data.task_reports, as_of)
    final = is_final(plan, year, final)
    sample = bool(data.sources["is_sample"].any()) or bool(data.task_sources["is_sample"].any())

    period = (
        t("brief.period_quarter", lang, quarter=quarter, year=year)
        if quarter
        else t("brief.period_year", lang, year=year)
    )
    title = t("brief.title", lang, plan=plan.number, period=period)
    if final and quarter is None and year == plan.period.end:
        title = t("brief.title_final", lang, plan=plan.number, start=plan.period.start, end=plan.period.end)
    sections = [
        _targets_section(report, lang, quarter),
        _districts_section(report, lang),
    ]
    if pictures:
        sections[0].blocks.extend(_pictures(data, report, lang, sample, today))
    sections += [
        _tasks_section(board, year, quarter, lang, data.task_plans),
        _troubles_section(board, data.task_reports, year, quarter, lang),
    ]
    if final:
        sections.append(_final_section(report, board, lang))
    sections.append(_data_section(data, report, board, quarter, lang, sample))
    _number(sections, lang)
    return Brief(
        lang=lang,
        year=year,
        quarter=quarter,
        final=final,
        letterhead=load_letterhead(lang, plan),
        kind=t("brief.kind", lang),
        title=title,
        intro=t("brief.intro", lang, **plan.details(lang), period=period),
        sections=sections,
        sample=sample,
    )


def _number(sections: list[Section], lang: str) -> None:
    """Number the sections (I, II...), the tables (Bảng 1...) and the pictures (Hình 1...) in order."""
    tables = pictures = 0
    for n, section in enumerate(sections, start=1):
        section.heading = f"{_roman(n)}. {section.heading}"
        for i, block in enumerate(section.blocks):
            if isinstance(block, Table):
                tables += 1
                caption = t("brief.table.caption", lang, n=tables, caption=block.caption)
                section.blocks[i] = dataclasses.replace(block, caption=caption)
            elif isinstance(block, Picture):
                pictures += 1
                caption = t("brief.fig.caption", lang, n=pictures, caption=block.caption)
                section.blocks[i] = dataclasses.replace(block, caption=caption)


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _source_label(report: Report, indicator_id: str, lang: str) -> str:
    ind = report.plan.indicator(indicator_id)
    return t(f"brief.source.{ind.target.source.value}", lang)


def indicator_rows(report: Report, lang: str = "vi") -> tuple[tuple[Cell, ...], ...]:
    """Return one row per indicator: no., name, unit, value, target (year), % of target, status in words,
    change on the previous year with data, target source."""
    rows = []
    for n, r in enumerate(report.results, start=1):
        ind, a = r.indicator, r.assessment
        percent = ind.unit.get(lang).strip() == "%"
        rows.append(
            (
                str(n),
                ind.name.get(lang),
                ind.unit.get(lang),
                Num(a.value, ind.decimals, percent),
                Num(ind.target.value, ind.decimals, percent, prefix="" if ind.higher_is_better else "≤ "),
                str(ind.target.year),
                Num(r.target_share, 1, True),
                report.plan.assessment.label(a.status, lang),
                Num(r.change, ind.decimals, signed=True),
                _source_label(report, ind.id, lang),
            )
        )
    return tuple(rows)


def _targets_section(report: Report, lang: str, quarter: int | None) -> Section:
    year = report.year
    section = Section(t("brief.h.targets", lang, year=year))
    verdict = t("brief.verdict", lang, year=year, sentence=overall_sentence(report, lang))
    section.blocks.append(verdict)
    if quarter is not None:
        section.blocks.append(t("brief.quarter_note", lang, year=year, quarter=quarter))
    columns = tuple(t(f"brief.col.{c}", lang, year=year) for c in _INDICATOR_COLUMNS)
    section.blocks.append(
        Table(
            "indicators",
            t("brief.table.indicators", lang, year=year),
            columns,
            indicator_rows(report, lang),
            widths=(0.6, 3.4, 1.5, 1.4, 1.4, 0.9, 1.2, 1.5, 1.3, 1.2),
        )
    )
    derived = [r for r in report.results if r.indicator.target.derived]
    if derived:
        names = "; ".join(r.indicator.name.get(lang) for r in derived)
        section.blocks.append(t("brief.derived_note", lang, names=names))
    return section


_INDICATOR_COLUMNS = (
    "no",
    "indicator",
    "unit",
    "value",
    "target",
    "target_year",
    "share",
    "status",
    "change",
    "source",
)


def _pictures(data: BriefData, report: Report, lang: str, sample: bool, today: dt.date) -> list[Picture]:
    """Return the progress chart, the district chart of the first headline indicator counted by district,
    and the ratings chart over the years, as briefing pictures (footer with source, sample mark)."""
    plan = report.plan
    note = charts.data_note(data.sources, report.year, lang)
    spec = charts.ImageSpec(footer=charts.image_footer(plan, note, today, lang, sample), sample=sample)
    figures = [(t("brief.fig.progress", lang, year=report.year), charts.build_bullet_figure(report, lang))]
    district = next((r for r in report.results if r.indicator.by_district and r.districts), None)
    for ind in plan.headline_indicators():
        r = report.result(ind.id)
        if ind.by_district and r.districts:
            district = r
            break
    if district is not None:
        fig = charts.build_district_bar(
            district.districts, district.indicator, report.year, lang, province=district.assessment.value
        )
        name = district.indicator.name.get(lang)
        figures.append((t("brief.fig.district", lang, name=name, year=report.year), fig))
    counts = data.results.rating_counts("year")
    counts = counts[[int(y) <= report.year for y in counts.index]]
    fig = charts.build_rating_figure(counts, lang, "year", targets=rating_targets(plan))
    figures.append((t("brief.fig.ratings", lang, year=report.year), fig))
    return [Picture(caption, charts.briefing_png(fig, spec)) for caption, fig in figures]


def district_rows(report: Report, districts: list[str], lang: str = "vi") -> tuple[tuple[Cell, ...], ...]:
    """Return one row per indicator counted by district: name (unit), each district's value, the province."""
    rows = []
    for r in report.results:
        if r.districts is None:
            continue
        ind = r.indicator
        percent = ind.unit.get(lang).strip() == "%"
        cells: list[Cell] = [f"{ind.name.get(lang)} ({ind.unit.get(lang)})"]
        cells += [Num(r.districts.get(d), ind.decimals, percent) for d in districts]
        cells.append(Num(r.assessment.value, ind.decimals, percent))
        rows.append(tuple(cells))
    return tuple(rows)


def _districts_section(report: Report, lang: str) -> Section:
    districts = default_engine().districts
    section = Section(t("brief.h.districts", lang, year=report.year))
    columns = (t("brief.col.indicator", lang), *districts, t("brief.col.province", lang))
    section.blocks.append(
        Table(
            "districts",
            t("brief.table.districts", lang, year=report.year),
            columns,
            district_rows(report, districts, lang),
            widths=(3.0, *([1.0] * (len(districts) + 1))),
        )
    )
    return section


def _frame_table(table_id: str, caption: str, frame: pd.DataFrame, widths: tuple[float, ...] = ()) -> Table:
    """Return a Table from a DataFrame of kpi.tasks.board (integers kept as numbers, the rest as text)."""
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells: list[Cell] = []
        for v in values:
            if isinstance(v, bool) or v is None or (isinstance(v, float) and pd.isna(v)):
                cells.append("" if v is None or not isinstance(v, bool) else str(v))
            elif isinstance(v, int | float) or hasattr(v, "dtype"):
                cells.append(Num(float(v)))
            else:
                cells.append(str(v))
        rows.append(tuple(cells))
    return Table(table_id, caption, tuple(str(c) for c in frame.columns), tuple(rows), widths)


def register_rows(plans: pd.DataFrame | None, year: int, lang: str = "vi") -> tuple[tuple[Cell, ...], ...]:
    """Return the V.1 register up to `year`: the latest record of each unit (a later year's record replaces an
    earlier one), in the order first recorded: unit, issued (Có/Không), number, date, note, year recorded."""
    if plans is None or plans.empty:
        return ()
    upto = plans[plans["year"] <= year]
    latest: dict[str, dict] = {}
    for record in upto.to_dict("records"):
        latest[fold(record["unit"])] = record
    return tuple(
        (
            _plain_text(r["unit"]),
            t("brief.yes" if r["issued"] else "brief.no", lang),
            _plain_text(r["plan_number"]),
            _plain_text(r["plan_date"]),
            _plain_text(r["note"]),
            str(int(r["year"])),
        )
        for r in latest.values()
    )


def _register_blocks(plans: pd.DataFrame | None, year: int, lang: str) -> list[Block]:
    rows = register_rows(plans, year, lang)
    if not rows:
        return [t("brief.register_none", lang)]
    issued = sum(r[1] == t("brief.yes", lang) for r in rows)
    columns = tuple(
        t(f"brief.col.{c}", lang)
        for c in ("register_unit", "issued", "plan_number", "plan_date", "note", "recorded")
    )
    return [
        t("brief.register_summary", lang, issued=issued, n=len(rows)),
        Table(
            "register", t("brief.table.register", lang), columns, rows, widths=(3.0, 1.0, 1.6, 1.3, 2.0, 0.9)
        ),
    ]


def _period_reports(board: TaskBoard, year: int, quarter: int | None) -> pd.DataFrame:
    """Return the clean report rows of the period: the quarter, or every row of the year."""
    clean = board.reports
    rows = clean[clean["year"] == year]
    if quarter is not None:
        rows = rows[rows["quarter"] == quarter]
    return rows


def _task_of(board: TaskBoard) -> dict[tuple[str, int], Any]:
    return {task.key: task for task in board.tasks}


def _tasks_section(
    board: TaskBoard, year: int, quarter: int | None, lang: str, plans: pd.DataFrame | None = None
) -> Section:
    section = Section(t("brief.h.tasks", lang))
    counts = summary_counts(board)
    parts = [
        f"{counts[s]} {status_label(board.tasks, s, lang).lower()}"
        for s in [*[st.id for st in board.tasks.statuses], NO_REPORT]
        if counts.get(s)
    ]
    section.blocks.append(
        t(
            "brief.tasks_summary",
            lang,
            total=counts[TOTAL],
            as_of=format_date(board.as_of, lang),
            parts="; ".join(parts),
            overdue=counts[OVERDUE],
        )
    )
    section.blocks.append(
        _frame_table(
            "task_status",
            t("brief.table.task_status", lang),
            status_count_table(board, "agency", lang, drop_empty=True),
            widths=(3.0,),
        )
    )
    section.blocks.extend(_register_blocks(plans, year, lang))
    overdue = overdue_table(board, lang)
    if overdue.empty:
        section.blocks.append(t("brief.no_overdue", lang))
    else:
        section.blocks.append(
            _frame_table(
                "overdue",
                t("brief.table.overdue", lang, n=len(overdue)),
                overdue,
                widths=(0.9, 1.6, 2.2, 1.6, 1.3, 4.0),
            )
        )
    period = _period_label(year, quarter, lang)
    grid = reporting_grid(board, year, lang)
    section.blocks.append(t("brief.reporting_rule", lang, days=load_cadence().due_days))
    section.blocks.append(
        _frame_table(
            "reporting", t("brief.table.reporting_grid", lang, year=year), grid, widths=(2.2, 1, 1, 1, 1, 1.6)
        )
    )
    section.blocks.append(
        Table(
            "reports",
            t("brief.table.reports", lang, period=period),
            tuple(
                t(f"brief.col.{c}", lang)
                for c in ("agency", "task", "period", "status", "result", "evidence")
            ),
            period_report_rows(board, year, quarter, lang),
            widths=(1.6, 0.9, 1.1, 1.2, 3.6, 2.2),
        )
    )
    return section


def _period_label(year: int, quarter: int | None, lang: str) -> str:
    return (
        t("brief.period_quarter", lang, quarter=quarter, year=year)
        if quarter
        else t("brief.period_year", lang, year=year)
    )


_REPORT_FIELDS = ("agency", "task", "period", "status", "result", "evidence")


def period_reports(board: TaskBoard, year: int, quarter: int | None, lang: str = "vi") -> list[dict]:
    """Return the reports of the period, one per task and period (a report's several quantity rows are one),
    as texts: agency (lead), task, period, status, result, evidence, difficulties; plus status_id. Ordered by
    agency, then plan order, then period."""
    reports = _period_reports(board, year, quarter)
    tasks = _task_of(board)
    order = {task.key: i for i, task in enumerate(board.tasks)}
    seen: set = set()
    rows = []
    for r in reports.to_dict("records"):
        key = (r["group"], int(r["number"]))
        q = None if pd.isna(r["quarter"]) else int(r["quarter"])
        if (key, q) in seen:
            continue
        seen.add((key, q))
        task = tasks[key]
        lead = lead_names(board.tasks, task, lang)
        rows.append(
            {
                "_sort": (lead, order[key], 5 if q is None else q),
                "agency": lead,
                "task": task.label,
                "period": period_text(r["year"], q, lang),
                "status": status_label(board.tasks, r["status"], lang),
                "status_id": r["status"],
                "result": _plain_text(r["result"]),
                "evidence": _plain_text(r["evidence"]),
                "difficulties": _plain_text(r.get("difficulties")),
            }
        )
    return sorted(rows, key=lambda row: row["_sort"])


def _plain_text(value: object) -> str:
    """Return a stored text, "" for a blank (None or NaN)."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def period_report_rows(board: TaskBoard, year: int, quarter: int | None, lang: str = "vi"):
    """Return the rows of the table of the period's reports: lead agency, task, period, status, result,
    document."""
    return tuple(tuple(r[f] for f in _REPORT_FIELDS) for r in period_reports(board, year, quarter, lang))


def _troubles_section(
    board: TaskBoard, raw_reports: pd.DataFrame | None, year: int, quarter: int | None, lang: str
) -> Section:
    """Return "Khó khăn, vướng mắc và đề xuất": what the period's reports say in their column of difficulties,
    and what the reports late or not started say of their result; the notes; the proposals the data call for."""
    section = Section(t("brief.h.troubles", lang))
    period = _period_label(year, quarter, lang)
    rows = [
        r
        for r in period_reports(board, year, quarter, lang)
        if r["difficulties"] or r["status_id"] in _TROUBLE_STATUSES
    ]
    labels = ", ".join(status_label(board.tasks, s, lang) for s in _TROUBLE_STATUSES)
    if not rows:
        section.blocks.append(t("brief.no_troubles", lang, period=period, statuses=labels))
    else:
        section.blocks.append(t("brief.troubles_intro", lang, period=period, statuses=labels, n=len(rows)))
        for r in rows:
            said = r["difficulties"] or r["result"] or MISSING
            section.blocks.append(f"- {r['agency']} ({r['task']}, {r['period']}, {r['status']}): {said}")
    notes = _period_notes(raw_reports, year, quarter)
    if notes:
        section.blocks.append(t("brief.notes_intro", lang))
        section.blocks.extend(f"- {n}" for n in notes)
    section.blocks.extend(_proposals(board, year, quarter, lang))
    return section


def _proposals(board: TaskBoard, year: int, quarter: int | None, lang: str) -> list[str]:
    """Return the proposals the data call for: the overdue tasks to be explained, the agencies that have
    not reported for the period to report (none when nothing is overdue and every agency reported)."""
    out = []
    flags = board.flags[board.flags["overdue"].astype(bool)]
    if not flags.empty:
        labels = ", ".join(f"{g}.{int(n)}" for g, n in zip(flags["group"], flags["number"], strict=True))
        out.append(t("brief.proposal_overdue", lang, n=len(flags), tasks=labels))
    status = reporting_status(board, year)
    if quarter is not None:
        status = status[status["quarter"].notna() & (status["quarter"] <= quarter)]
    late = status[status["state"] == LATE]
    if not late.empty:
        agencies = board.tasks.agencies
        names = [
            agencies[a].short_vi if lang == "vi" else agencies[a].name_en
            for a in dict.fromkeys(late["agency"])
        ]
        period = _period_label(year, quarter, lang)
        out.append(t("brief.proposal_report", lang, n=len(names), agencies=", ".join(names), period=period))
    return out


def _period_notes(raw_reports: pd.DataFrame | None, year: int, quarter: int | None) -> list[str]:
    """Return the distinct notes of the period's reports (the clean rows do not keep them), without the
    sample generator's "Dữ liệu mẫu"."""
    if raw_reports is None or "note" not in raw_reports.columns or raw_reports.empty:
        return []
    rows = raw_reports[pd.to_numeric(raw_reports["year"], errors="coerce") == year]
    if quarter is not None:
        rows = rows[pd.to_numeric(rows["quarter"], errors="coerce") == quarter]
    notes = rows["note"].dropna().astype(str).str.strip()
    return [n for n in dict.fromkeys(notes) if n and n != t("brief.sample_note_text", "vi")]


def _final_section(report: Report, board: TaskBoard, lang: str) -> Section:
    plan = report.plan
    start, end = plan.period.start, plan.period.end
    section = Section(t("brief.h.final", lang, start=start, end=end))
    due = [r for r in report.results if r.indicator.target.year <= report.year]
    achieved = [r for r in due if r.assessment.status == ACHIEVED]
    later = [r for r in report.results if r.indicator.target.year > report.year]
    early = sum(r.assessment.status == ACHIEVED for r in later)
    key = "brief.final_targets" if due else "brief.final_targets_none_due"
    counts = {"achieved": len(achieved), "due": len(due), "later": len(later), "early": early}
    section.blocks.append(t(key, lang, year=report.year, **counts))
    rows = []
    for n, r in enumerate(report.results, start=1):
        ind, a = r.indicator, r.assessment
        percent = ind.unit.get(lang).strip() == "%"
        first = next((r.history[y] for y in sorted(r.history) if r.history[y] is not None), None)
        verdict = (
            t("brief.final.achieved", lang)
            if a.status == ACHIEVED
            else t("brief.final.not_yet", lang, year=ind.target.year)
            if ind.target.year > report.year
            else t("brief.final.not_achieved", lang)
        )
        rows.append(
            (
                str(n),
                ind.name.get(lang),
                Num(first, ind.decimals, percent),
                Num(a.value, ind.decimals, percent),
                Num(ind.target.value, ind.decimals, percent, prefix="" if ind.higher_is_better else "≤ "),
                verdict,
                _source_label(report, ind.id, lang),
            )
        )
    cols = ("no", "indicator", "first", "value", "target", "verdict", "source")
    section.blocks.append(
        Table(
            "final_targets",
            t("brief.table.final_targets", lang, start=start, end=report.year),
            tuple(t(f"brief.col.{c}", lang, year=report.year) for c in cols),
            tuple(rows),
            widths=(0.5, 3.6, 1.3, 1.3, 1.3, 1.3, 1.0),
        )
    )
    years = [y for y in report.years if y <= report.year]
    path_rows = []
    for r in report.results:
        ind = r.indicator
        percent = ind.unit.get(lang).strip() == "%"
        cells: list[Cell] = [f"{ind.name.get(lang)} ({ind.unit.get(lang)})"]
        cells += [Num(r.history.get(y), ind.decimals, percent) for y in years]
        path_rows.append(tuple(cells))
    section.blocks.append(
        Table(
            "path",
            t("brief.table.path", lang, start=years[0] if years else start, end=report.year),
            (t("brief.col.indicator", lang), *[str(y) for y in years]),
            tuple(path_rows),
            widths=(3.0, *([1.0] * len(years))),
        )
    )
    section.blocks.append(t("brief.final_districts", lang))
    counts = summary_counts(board)
    section.blocks.append(
        t(
            "brief.final_tasks",
            lang,
            total=counts[TOTAL],
            done=counts.get(DONE, 0),
            open=counts[TOTAL] - counts.get(DONE, 0),
            as_of=format_date(board.as_of, lang),
        )
    )
    latest = {(r["group"], int(r["number"])): r for r in board.latest.to_dict("records")}
    task_rows = []
    for task in board.tasks:
        status = latest[task.key]["status"]
        task_rows.append(
            (
                task.label,
                lead_names(board.tasks, task, lang),
                task.time_frame,
                status_label(board.tasks, status, lang),
                t("brief.final.done" if status == DONE else "brief.final.not_done", lang),
            )
        )
    section.blocks.append(
        Table(
            "final_tasks",
            t("brief.table.final_tasks", lang),
            tuple(t(f"brief.col.{c}", lang) for c in ("task", "agency", "time_frame", "status", "done")),
            tuple(task_rows),
            widths=(0.7, 2.0, 1.8, 1.6, 1.4),
        )
    )
    return section


def _data_section(
    data: BriefData, report: Report, board: TaskBoard, quarter: int | None, lang: str, sample: bool
) -> Section:
    section = Section(t("brief.h.data", lang))
    if sample:
        section.blocks.append(t("brief.sample_warning", lang, mark=t("image.sample_mark", lang)))
    section.blocks.append(t("brief.data_method", lang, plan=report.plan.number, year=report.year))
    kinds = (("stats", data.sources), ("tasks", data.task_sources))
    rows = []
    for kind, frame in kinds:
        for r in frame.sort_values("year").to_dict("records"):
            rows.append(
                (
                    t(f"brief.kind.{kind}", lang),
                    str(int(r["year"])),
                    Num(r["version"]),
                    str(r["file_name"] or ""),
                    str(r["imported_by"] or ""),
                    format_date(pd.Timestamp(r["imported_at"]).date(), lang),
                    t("brief.yes", lang) if r["is_sample"] else t("brief.no", lang),
                )
            )
    cols = ("data_kind", "year", "version", "file", "by", "imported_at", "sample")
    section.blocks.append(
        Table(
            "versions",
            t("brief.table.versions", lang),
            tuple(t(f"brief.col.{c}", lang) for c in cols),
            tuple(rows),
            widths=(1.2, 0.7, 0.8, 2.6, 1.8, 1.2, 0.8),
        )
    )
    return section


__all__ = [
    "Brief",
    "BriefData",
    "Letterhead",
    "Num",
    "Picture",
    "Section",
    "Table",
    "build_brief",
    "district_rows",
    "indicator_rows",
    "is_final",
    "load_brief_data",
    "load_letterhead",
    "period_end",
    "period_report_rows",
    "period_reports",
    "register_rows",
    "version_sources",
]
