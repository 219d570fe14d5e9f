"""The contract of the task progress workbook: its sheets and columns, declared once like `kpi.workbook.contract`.

One row per task and period: the task's id in the plan's appendix ("IV.7"), the year, the quarter (blank for
the whole year), the status, the quantity achieved for one of the task's promised quantities, a short result
and the reference of the document that proves it. The closed lists (statuses, task ids, quantity labels)
come from the task file (`data/tasks/`), so `report_sheet(tasks)` fills them in; the module-level
declarations carry everything else.

A workbook reports one year: the optional sheet `Thông tin` may name it, otherwise the rows' year is the
workbook's year. That year is the year of the stored version, as for the statistics workbooks.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from kpi.common.safe_text import fold
from kpi.domain.tasks import TaskList, load_tasks
from kpi.workbook.contract import Column, Kind, Sheet

INFO = Sheet(
    id="info",  # read as a two-column sheet by kpi.workbook.reader.extract_sheets, like the statistics' Thông tin
    name="Thông tin",
    name_en="Info",
    aliases=("Thông tin chung", "Info"),
    required=False,
    note="Hai cột: Chỉ tiêu | Giá trị. Không bắt buộc.",
    columns=(
        Column(
            "year",
            "Năm báo cáo",
            "Reporting year",
            Kind.YEAR,
            note="Năm mà tệp báo cáo, ví dụ 2024. Nếu ghi, mọi dòng của sheet báo cáo phải cùng năm này.",
            note_en="Year the workbook reports on, e.g. 2024. If given, every report row must have this year.",
            aliases=("Năm", "Year"),
        ),
        Column(
            "reporting_unit",
            "Đơn vị báo cáo",
            "Reporting unit",
            Kind.TEXT,
            note="Cơ quan tổng hợp báo cáo, ví dụ Sở Kế hoạch và Đầu tư tỉnh Đắk Nông.",
            note_en="Body that compiled the report.",
            aliases=("Đơn vị", "Cơ quan báo cáo"),
            width=50,
        ),
    ),
)

REPORT = Sheet(
    id="task_reports",
    name="Báo cáo nhiệm vụ",
    name_en="Task reports",
    aliases=("Báo cáo tiến độ", "Tiến độ nhiệm vụ", "Báo cáo tiến độ nhiệm vụ", "Task reports"),
    note="Mỗi dòng một nhiệm vụ trong một kỳ (quý hoặc cả năm), và một chỉ tiêu số lượng nếu có.",
    columns=(
        Column(
            "task",
            "Mã nhiệm vụ",
            "Task",
            Kind.CODE,
            required=True,
            note="Số hiệu nhiệm vụ trong Phụ lục Kế hoạch 485, ví dụ IV.7 (nhóm IV, nhiệm vụ 7); chọn trong danh sách. Bắt buộc.",
            note_en="The task's number in the plan's appendix, e.g. IV.7 (group IV, task 7); pick from the list. Required.",
            aliases=("Nhiệm vụ", "Mã NV", "Số hiệu nhiệm vụ", "Task id"),
            width=11,
        ),
        Column(
            "task_text",
            "Nội dung nhiệm vụ (tham khảo)",
            "Task text (for reference)",
            Kind.TEXT,
            note="Chỉ để người điền dễ theo dõi; cột này không được đọc khi nhập (xem sheet 'Danh sách nhiệm vụ').",
            note_en="Only a reminder for whoever fills the sheet; never read on import.",
            aliases=("Nội dung nhiệm vụ", "Tên nhiệm vụ"),
            width=48,
        ),
        Column(
            "year",
            "Năm",
            "Year",
            Kind.YEAR,
            required=True,
            note="Năm của kỳ báo cáo, trong thời kỳ của Kế hoạch. Mọi dòng của một tệp cùng một năm. Bắt buộc.",
            note_en="Year of the period reported, within the plan's period. One year per workbook. Required.",
            aliases=("Năm báo cáo", "Year"),
            width=8,
        ),
        Column(
            "quarter",
            "Quý",
            "Quarter",
            Kind.COUNT,
            note="1, 2, 3 hoặc 4 cho báo cáo quý; để trống nếu là báo cáo cả năm.",
            note_en="1, 2, 3 or 4 for a quarterly report; blank for the whole year.",
            aliases=("Quý báo cáo", "Quarter"),
            width=7,
        ),
        Column(
            "status",
            "Tình trạng",
            "Status",
            Kind.CHOICE,
            required=True,
            note="Chưa triển khai; Đang thực hiện; Hoàn thành; Chậm tiến độ (chọn trong danh sách). Bắt buộc.",
            note_en="Not started; In progress; Done; Behind schedule (pick from the list). Required.",
            aliases=("Trạng thái", "Tình trạng thực hiện", "Tiến độ", "Status"),
            width=17,
        ),
        Column(
            "metric",
            "Chỉ tiêu số lượng",
            "Quantity measured",
            Kind.CHOICE,
            note="Chỉ với nhiệm vụ có số lượng trong Kế hoạch (ví dụ Hội nghị tuyên truyền của I.4); mỗi chỉ tiêu một dòng.",
            note_en="Only for tasks with a promised quantity (e.g. awareness conferences of I.4); one row per quantity.",
            aliases=("Chỉ tiêu", "Metric"),
            width=26,
        ),
        Column(
            "quantity",
            "Số lượng đạt được",
            "Quantity achieved",
            Kind.COUNT,
            note="Số đạt được trong kỳ (không cộng dồn); số nguyên ≥ 0. Cần chọn Chỉ tiêu số lượng.",
            note_en="Amount achieved in the period (not cumulative); a whole number ≥ 0. Needs the quantity measured.",
            aliases=("Số lượng", "Đạt được", "Quantity"),
            width=11,
            # Quantities are conferences, trainees, cooperatives founded...: the plan's largest promise is a
            # 1.400 for the whole period (data/tasks/); a million in one period is a typo.
            maximum=1_000_000.0,
        ),
        Column(
            "result",
            "Kết quả thực hiện",
            "Result",
            Kind.TEXT,
            note="Tóm tắt kết quả trong kỳ, một hai câu.",
            note_en="A short summary of what was done in the period.",
            aliases=("Kết quả", "Result"),
            width=50,
        ),
        Column(
            "difficulties",
            "Khó khăn, vướng mắc, đề xuất",
            "Difficulties, obstacles, proposals",
            Kind.TEXT,
            note="Khó khăn, vướng mắc gặp phải trong kỳ và đề xuất, kiến nghị (nếu có); được tổng hợp vào mục “Khó khăn, vướng mắc và đề xuất” của báo cáo quý, năm.",
            note_en="Difficulties met in the period and proposals, if any; gathered into the section “Difficulties, obstacles and proposals” of the quarterly and yearly report.",
            aliases=(
                "Khó khăn, vướng mắc",
                "Khó khăn vướng mắc",
                "Khó khăn",
                "Đề xuất, kiến nghị",
                "Kiến nghị",
                "Difficulties",
            ),
            width=40,
        ),
        Column(
            "evidence",
            "Văn bản chứng minh",
            "Supporting document",
            Kind.TEXT,
            note="Số, ký hiệu và ngày của văn bản chứng minh, ví dụ Báo cáo số 45/BC-SKHĐT ngày 15/12/2024.",
            note_en="Number, code and date of the document that proves the result.",
            aliases=("Số, ký hiệu văn bản", "Văn bản", "Căn cứ", "Evidence"),
            width=30,
        ),
        Column(
            "note",
            "Ghi chú",
            "Note",
            Kind.TEXT,
            note="Ghi chú thêm, nếu có.",
            note_en="Any remark.",
            aliases=("Note",),
            width=24,
        ),
    ),
)

# Section V.1 of the plan: every department and district issues its own implementation plan. The optional
# sheet records, per unit, whether it was issued, its number and date; the report lists the latest record.
PLANS = Sheet(
    id="implementation_plans",
    name="Kế hoạch triển khai",
    name_en="Implementation plans",
    aliases=("Kế hoạch triển khai của đơn vị", "Kế hoạch của các đơn vị", "Implementation plans"),
    required=False,
    note="Mục V.1 của Kế hoạch: mỗi sở, ngành, địa phương ban hành kế hoạch triển khai của mình. Mỗi dòng một đơn vị. Không bắt buộc.",
    columns=(
        Column(
            "unit",
            "Sở, ngành, địa phương",
            "Department or district",
            Kind.TEXT,
            required=True,
            note="Tên sở, ngành hoặc huyện, thành phố ban hành kế hoạch triển khai, ví dụ Sở Nông nghiệp và PTNT, UBND huyện Cư Jút. Bắt buộc.",
            note_en="The department or district that issues its implementation plan. Required.",
            aliases=("Đơn vị", "Cơ quan", "Sở, ngành", "Cơ quan, đơn vị", "Unit"),
            width=36,
        ),
        Column(
            "issued",
            "Đã ban hành",
            "Issued",
            Kind.YES_NO,
            required=True,
            note="Có hoặc Không. Bắt buộc.",
            note_en="Yes or No. Required.",
            aliases=("Ban hành", "Đã ban hành kế hoạch", "Issued"),
            width=12,
        ),
        Column(
            "plan_number",
            "Số, ký hiệu kế hoạch",
            "Plan number",
            Kind.TEXT,
            note="Số, ký hiệu của kế hoạch đã ban hành, ví dụ 123/KH-UBND.",
            note_en="Number and code of the plan issued, e.g. 123/KH-UBND.",
            aliases=("Số kế hoạch", "Số, ký hiệu", "Number"),
            width=22,
        ),
        Column(
            "plan_date",
            "Ngày ban hành",
            "Date issued",
            Kind.TEXT,
            note="Ngày ban hành kế hoạch, ví dụ 15/10/2020.",
            note_en="Date the plan was issued, e.g. 15/10/2020.",
            aliases=("Ngày", "Ngày ký", "Date"),
            width=14,
        ),
        Column(
            "note",
            "Ghi chú",
            "Note",
            Kind.TEXT,
            note="Ghi chú thêm, nếu có.",
            note_en="Any remark.",
            aliases=("Note",),
            width=30,
        ),
    ),
)
PLAN_COLUMNS = tuple(c.id for c in PLANS.columns)  # the register's rows as stored (besides `_row`)

# Written into the template so that whoever fills it sees the tasks; never read back.
TASK_LIST_SHEET = "Danh sách nhiệm vụ"

SHEETS: tuple[Sheet, ...] = (INFO, REPORT, PLANS)
STORED_COLUMNS = (
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
)  # the clean rows as stored (besides the Excel row `_row`); task_text is never kept
# The free-text columns of the stored rows (object dtype, None when blank), from the declarations.
TEXT_COLUMNS = tuple(c.id for c in REPORT.columns if c.kind == Kind.TEXT and c.id in STORED_COLUMNS)


def task_ids(tasks: TaskList) -> tuple[str, ...]:
    """Return the task ids in plan order ("I.1" .. "V.6")."""
    return tuple(task.label for task in tasks)


def report_sheet(tasks: TaskList | None = None) -> Sheet:
    """Return REPORT with its closed lists (statuses, quantity labels) filled in from the task file."""
    if tasks is None:
        return _default_report_sheet()
    status_aliases = {fold(label): s.vi for s in tasks.statuses for label in (s.id, s.en)}
    quantities = {q.metric: q.label_vi for task in tasks for q in task.quantities}
    columns = []
    for col in REPORT.columns:
        if col.id == "status":
            col = dataclasses.replace(
                col, choices=tuple(s.vi for s in tasks.statuses), choice_aliases=status_aliases
            )
        elif col.id == "metric":
            col = dataclasses.replace(
                col,
                choices=tuple(dict.fromkeys(quantities.values())),
                choice_aliases={fold(metric): label for metric, label in quantities.items()},
            )
        columns.append(col)
    return dataclasses.replace(REPORT, columns=tuple(columns))


@cache
def default_tasks() -> TaskList:
    """Return the task list of the default task file, loaded once (it is immutable)."""
    return load_tasks()


@cache
def _default_report_sheet() -> Sheet:
    return report_sheet(default_tasks())


__all__ = [
    "default_tasks",
    "INFO",
    "PLANS",
    "PLAN_COLUMNS",
    "REPORT",
    "SHEETS",
    "STORED_COLUMNS",
    "TEXT_COLUMNS",
    "TASK_LIST_SHEET",
    "report_sheet",
    "task_ids",
]
