"""What every kind's import preview is, for page 6 and the command line.

Two parts, written once for every kind of workbook:
- the store's side (`preview_basis`): the versions an import is compared with, the version in force that the
  confirmation expects (a stale preview is refused), the sample versions the import removes, and whether a
  workbook marked as sample would stand beside real data;
- the interface both kinds' previews implement (`ImportPreview`): the year, the version compared with, what the
  import replaces, the headline counts of the change and the kind's own sections, titled tables or figures that
  the page lays out as they come, without knowing the kind.

Pure: nothing is written here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import pandas as pd

from kpi.common import problems as pb
from kpi.store.versions import STATS, Store


@dataclass(frozen=True)
class StoreMix:
    """Which stored versions of a kind are sample data, and what stays in force once they are removed."""

    sample: list[tuple[int, int]]  # (year, version) of every stored sample version of the kind
    real: dict[int, int]  # year -> version in force once the sample versions are gone

    @property
    def sample_years(self) -> list[int]:
        """Return the years that hold sample versions, ascending."""
        return sorted({y for y, _ in self.sample})


def store_mix(store: Store, kind: str = STATS) -> StoreMix:
    """Return the sample versions of a kind and the real versions that would then be in force.

    A year whose current version is a sample falls back to its newest real version, as `Store.delete_sample`
    does.
    """
    current = store.current_versions(kind)
    if not store.has_sample():
        return StoreMix(sample=[], real=dict(current))
    sample: list[tuple[int, int]] = []
    real: dict[int, int] = {}
    for year in sorted(current):
        versions = store.versions(year, kind=kind)
        sample += [(year, v.version) for v in versions if v.is_sample]
        kept = [v for v in versions if not v.is_sample]
        in_force = [v for v in kept if v.current]
        if in_force:
            real[year] = in_force[0].version
        elif kept:
            real[year] = max(v.version for v in kept)
    return StoreMix(sample=sample, real=real)


@dataclass(frozen=True)
class PreviewBasis:
    """The store's side of a preview, the same for every kind (default: an empty store)."""

    is_sample: bool = False  # the workbook's reporting unit marks it as sample data
    # year -> version compared with, every year of the kind: for a real workbook the real versions that stay
    # in force once the sample data is gone (real data never stands beside sample data); for a sample
    # workbook the versions in force.
    compared: dict[int, int] = field(default_factory=dict)
    # The version of the workbook's year in force when the preview was made (sample or real; None: none);
    # the import is refused if it is no longer the one in force (`Store.import_workbook(expected_version=)`).
    store_version: int | None = None
    sample_to_remove: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, year, version)
    mixes_with_real: bool = False  # a sample workbook while real data is in force: it must not be imported


def preview_basis(store: Store, kind: str, year: int, is_sample: bool) -> PreviewBasis:
    """Return the store's side of the preview of a workbook of `kind` and `year` (marked as sample or not).

    A real workbook removes the sample versions of every kind and is compared with the real versions alone;
    a workbook marked as sample removes nothing, is compared with what is in force, and must not be imported
    while real data (of any kind) is in force.
    """
    in_force = store.current_versions(kind)
    if is_sample:
        return PreviewBasis(
            is_sample=True,
            compared=dict(in_force),
            store_version=in_force.get(year),
            mixes_with_real=store.has_real(),
        )
    return PreviewBasis(
        compared=dict(store_mix(store, kind).real),
        store_version=in_force.get(year),
        sample_to_remove=store.sample_versions(),
    )


class Count(NamedTuple):
    """One headline count of a preview (label and value as users read them)."""

    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """One part of a preview that only its kind has, laid out by the page as it comes.

    A `title` without `folded` is a bold line (with `help`) above the table or figure; with `folded` the table
    or figure is inside an expander of that title (`opened`: open at first). A section with `text` alone is a
    line of text. `narrow` lays a short table out in a narrow column; `key` names its widgets.
    """

    key: str
    title: str = ""
    table: pd.DataFrame | None = None
    figure: Any = None  # a plotly figure
    text: str = ""
    help: str | None = None
    folded: bool = False
    opened: bool = False
    narrow: bool = False


class ImportPreview(ABC):
    """What an import would do to its year, for every kind (`kpi.stats.preview.StatsPreview`,
    `kpi.tasks.preview.TaskImportPreview`): page 6 lays it out with one function
    (`ui.data_admin.preview_step`) and confirms it with the store's side of it (`basis`).

    A subclass has the fields `year`, `current_version` (the version compared with; None: the year has none),
    `has_changes` and `basis`, and gives its headline counts (`summary`) and its sections (`sections`).
    """

    year: int
    current_version: int | None
    has_changes: bool
    basis: PreviewBasis

    # Whether the kind checks a workbook against the year before; a kind that does fills `year_warnings` (shown
    # first) and `year_compared` (whether the year before is there to compare with).
    year_checked: ClassVar[bool] = False
    year_warnings: Sequence[pb.Problem] = ()
    year_compared: bool = False

    @property
    def is_new_year(self) -> bool:
        """Return True when the year has no version to compare with: the import is its first."""
        return self.current_version is None

    @property
    def is_sample(self) -> bool:
        """Return True when the workbook is marked as sample data."""
        return self.basis.is_sample

    @property
    def mixes_with_real(self) -> bool:
        """Return True when the workbook is sample data and real data is in force (it must not be imported)."""
        return self.basis.mixes_with_real

    @property
    def store_version(self) -> int | None:
        """Return the version of the year in force at the preview, which the confirmation expects."""
        return self.basis.store_version

    @property
    def sample_to_remove(self) -> list[tuple[str, int, int]]:
        """Return the (kind, year, version)s of the sample versions the import removes."""
        return self.basis.sample_to_remove

    @abstractmethod
    def summary(self, lang: str = "vi") -> list[Count]:
        """Return the headline counts of the change, in order (none: the kind has no headline)."""

    @abstractmethod
    def sections(self, lang: str = "vi") -> list[Section]:
        """Return the kind's own parts of the preview, in the order shown."""


__all__ = [
    "Count",
    "ImportPreview",
    "PreviewBasis",
    "Section",
    "StoreMix",
    "preview_basis",
    "store_mix",
]
