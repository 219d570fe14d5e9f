"""Checking an uploaded file of any kind of workbook, step by step, within the reading limits; and the mark that
makes a workbook sample data.

`check_upload` is the one place where an upload is held to the limits (file size before it is loaded, then the
data rows of each sheet), for the store, the preview and the command line alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kpi.common import problems as pb
from kpi.common.safe_text import fold
from kpi.common.settings import ReadLimits, read_limits
from kpi.workbook.kind import WorkbookKind
from kpi.workbook.reader import RawWorkbook, WorkbookUnreadable, read_within_limits, size_problem
from kpi.workbook.stats_kind import STATS_KIND
from kpi.workbook.validate import CleanWorkbook, ProblemsBySeverity, Validation

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
    refused: WorkbookUnreadable | None = None  # why the file is no workbook, when it is none
    raw: RawWorkbook | None = None  # the sheets as read, when they could be read
    data: bytes | None = None  # the file's bytes, when they were loaded

    @property
    def ok(self) -> bool:
        """Return True when the workbook can be imported (warnings allowed)."""
        return self.validation is not None and self.validation.ok and not self.errors

    @property
    def clean(self) -> CleanWorkbook | None:
        """Return the clean data when the workbook can be imported."""
        return self.validation.clean if self.ok and self.validation else None


def check_upload(
    source: bytes | Path,
    kind: WorkbookKind = STATS_KIND,
    *,
    max_file_mb: float | None = None,
    max_rows: int | None = None,
    limits: ReadLimits | None = None,
    on_step: Callable[[str], None] | None = None,
    **options: object,
) -> UploadCheck:
    """Return the check of an uploaded file (its bytes, or a file not loaded yet) of a kind of workbook within
    the reading limits, never raising for a bad file.

    The limits are `limits`, or the settings with `max_file_mb` and `max_rows` when given (the store's own).
    `on_step` is called with each step of `CHECK_STEPS` as it starts (for a progress display). `options` go to
    the kind's reader and validator (`reference`; `tasks`, `today`).
    """
    step = on_step or (lambda _name: None)
    limits = limits or read_limits(max_file_mb=max_file_mb, max_rows=max_rows)
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    too_large = size_problem(size, limits)  # before a huge file is loaded into memory
    if too_large is not None:
        return UploadCheck([too_large], unreadable=True)
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    step("read")
    try:
        raw = read_within_limits(data, kind.reader(**options), limits)
    except WorkbookUnreadable as exc:
        return UploadCheck([exc.problem], unreadable=True, refused=exc, data=data)
    if isinstance(raw, list):
        return UploadCheck(raw, data=data)
    step("validate")
    validation = kind.validate(raw, **options)
    return UploadCheck(list(validation.problems), validation, raw=raw, data=data)
