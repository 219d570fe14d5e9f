"""The project's own data files (plans, places, tasks, text catalogs, checks, sample parameters...): one way
of reading them as YAML and one error for a file that cannot be used, naming the file and every fault in it,
so that whoever edits the file fixes it in one pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when it is built in


class DataFileError(ValueError):
    """A data file that cannot be used: `path` (None when not read from a file) and `problems`, every fault."""

    def __init__(self, problems: str | Iterable[str], path: str | Path | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.path = Path(path) if path is not None else None
        where = f"{self.path}: " if self.path is not None else ""
        if len(self.problems) == 1:
            super().__init__(where + self.problems[0])
        else:
            super().__init__(f"{where}{len(self.problems)} problem(s):\n- " + "\n- ".join(self.problems))


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Return the mapping a YAML file holds; raise DataFileError when it cannot be read, is not valid YAML or
    holds something else than a mapping."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise DataFileError(f"cannot read the file ({exc.strerror or exc})", path) from exc
    except yaml.YAMLError as exc:
        raise DataFileError(f"not valid YAML ({exc})", path) from exc
    if not isinstance(data, dict):
        raise DataFileError("expected a mapping at the top level", path)
    return data


def checked_file(
    default: Path, check: Callable[[dict[str, Any], Path], dict[str, Any]]
) -> Callable[[str | Path | None], dict[str, Any]]:
    """Return a loader of a YAML file checked by `check(raw, path)`: the `default` path when none is given,
    each path read and checked once per process (`check` raises DataFileError listing every fault)."""

    @cache
    def _load(path: Path) -> dict[str, Any]:
        return check(read_yaml(path), path)

    def load(path: str | Path | None = None) -> dict[str, Any]:
        return _load(Path(path) if path else default)

    return load
