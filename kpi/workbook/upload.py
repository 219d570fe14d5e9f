"""Checking an uploaded file of any kind of workbook, step by step, within the reading limits; and the mark that
makes a workbook sample data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kpi.common import problems as pb
from kpi.common.safe_text import fold
from kpi.common.settings import ReadLimits, read_limits
from kpi.workbook.reader import (
    RawWorkbook,
    WorkbookUnreadable,
    read_within_limits,
    read_workbook,
    size_problem,
)
from kpi.workbook.validate import CleanWorkbook, ProblemsBySeverity, Validation, validate_workbook

SAMPLE_MARK = "dữ liệu mẫu"  # the words that mark a workbook as sample data


def is_sample_unit(reporting_unit: object) -> bool:
    """Return True when a reporting unit (sheet `Thông tin`) marks the workbook as sample data."""
    return fold(SAMPLE_MARK) in fold(reporting_unit)


CHECK_STEPS = ("read", "validate")  # what `check_upload` reports to `on_step`, in order


@dataclass
class UploadCheck(ProblemsBySeverity):
    """The outcome of checking an uploaded file: its problems and, when it can be imported, the validation."""

    problems: list[pb.Problem]
    validation: Validation | None = None
    unreadable: bool = False  # the file is no workbook at all (or too large to open)

    @property
    def ok(self) -> bool:
        """Return True when the workbook can be imported (warnings allowed)."""
        return self.validation is not None and self.validation.ok and not self.errors

    @property
    def clean(self) -> CleanWorkbook | None:
        """Return the clean data when the workbook can be imported."""
        return self.validation.clean if self.ok and self.validation else None


def check_upload(
    data: bytes,
    *,
    max_file_mb: float | None = None,
    max_rows: int | None = None,
    limits: ReadLimits | None = None,
    on_step: Callable[[str], None] | None = None,
    read: Callable[[bytes, ReadLimits], RawWorkbook] = read_workbook,
    validate: Callable[[RawWorkbook], Validation] = validate_workbook,
) -> UploadCheck:
    """Return the check of an uploaded file within the reading limits, never raising for a bad file.

    The limits are `limits`, or the settings with `max_file_mb` and `max_rows` when given (the store's own).
    `on_step` is called with each step of `CHECK_STEPS` as it starts (for a progress display). `read` and
    `validate` default to the statistics workbook; another kind of workbook (the task progress reports)
    passes its own reader and validator.
    """
    step = on_step or (lambda _name: None)
    limits = limits or read_limits(max_file_mb=max_file_mb, max_rows=max_rows)
    too_large = size_problem(len(data), limits)
    if too_large is not None:
        return UploadCheck([too_large], unreadable=True)
    step("read")
    try:
        raw = read_within_limits(data, read, limits)
    except WorkbookUnreadable as exc:
        return UploadCheck([exc.problem], unreadable=True)
    if isinstance(raw, list):
        return UploadCheck(raw)
    step("validate")
    validation = validate(raw)
    return UploadCheck(list(validation.problems), validation)
