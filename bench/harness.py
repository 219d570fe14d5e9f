"""The benchmark harness: median timings, peak memory, ratios against a baseline measured in the same run.

Absolute seconds say little across machines; a ratio against a baseline timed minutes earlier on the same
machine says how much our code adds to the unavoidable work. Each benchmark module (`bench/bench_*.py`)
gets a `Context`, opens a `Benchmark` in it, measures its baseline(s) and candidates, and the `Report`
gathers the rows into one table, with a target and pass/fail per ratio (shown, never asserted).
"""

from __future__ import annotations

import contextlib
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class Measurement:
    """Timings of one piece of work (seconds, warm-up excluded) and its peak memory (bytes, None if not measured)."""

    times: tuple[float, ...]
    peak_python: int | None = None  # tracemalloc: peak of Python allocations during one run
    peak_rss: int | None = None  # resident set high-water mark of the process during that run

    @property
    def median(self) -> float:
        """Return the median time in seconds."""
        return statistics.median(self.times)

    @property
    def spread(self) -> float:
        """Return max − min of the timings in seconds (how steady the machine was)."""
        return max(self.times) - min(self.times)


def ratio(candidate: float, baseline: float) -> float:
    """Return candidate / baseline (inf when the baseline took no time)."""
    return candidate / baseline if baseline > 0 else float("inf")


@dataclass(frozen=True)
class Work:
    """A piece of work to time: fn, and an untimed setup whose result is passed to fn (None: no argument)."""

    fn: Callable[..., Any]
    setup: Callable[[], Any] | None = None

    def args(self) -> tuple[Any, ...]:
        """Return the arguments of one run (runs the setup)."""
        return (self.setup(),) if self.setup else ()


def measure(
    fn: Callable[..., Any],
    repeat: int = 5,
    warmup: int = 1,
    *,
    setup: Callable[[], Any] | None = None,
    memory: bool = True,
    min_time: float = 0.0,
    max_repeat: int = 25,
    clock: Callable[[], float] = time.perf_counter,
) -> Measurement:
    """Return the timings of `repeat` runs of fn after `warmup` untimed ones, and the peak memory of one more.

    `setup`, when given, runs untimed before every run and its result is passed to fn (a fresh store, a
    cleared cache). With `min_time`, short work runs more often (up to `max_repeat` runs) until the timed
    runs add up to that many seconds, so that the median of sub-second work is not one noisy moment.
    Memory is measured in a separate run because tracemalloc slows Python code down.
    """
    options = {"min_time": min_time, "max_repeat": max_repeat, "clock": clock}
    return measure_together([Work(fn, setup)], repeat, warmup, memory=memory, **options)[0]


def measure_together(
    works: Sequence[Work],
    repeat: int = 5,
    warmup: int = 1,
    *,
    memory: bool = True,
    min_time: float = 0.0,
    max_repeat: int = 25,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Measurement]:
    """Return one measurement per work, timed in interleaved rounds (A B C, then B C A, then C A B...).

    Interleaving makes a baseline and its candidates share whatever else the machine was doing while they
    ran, so their ratio holds even when the absolute times drift. Options as in `measure`; `min_time`
    applies to each work.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")

    def once(work: Work) -> float:
        args = work.args()
        gc.collect()
        start = clock()
        work.fn(*args)
        return clock() - start

    for _ in range(warmup):
        for work in works:
            work.fn(*work.args())
    times: list[list[float]] = [[] for _ in works]
    rounds = 0
    while rounds < repeat or (min(sum(t) for t in times) < min_time and rounds < max_repeat):
        shift = rounds % len(works)
        for i in [*range(shift, len(works)), *range(shift)]:
            times[i].append(once(works[i]))
        rounds += 1
    peaks = [peak_memory(work) if memory else (None, None) for work in works]
    return [Measurement(tuple(t), *peak) for t, peak in zip(times, peaks, strict=True)]


def peak_memory(work: Work) -> tuple[int | None, int | None]:
    """Return (peak of Python allocations, RSS high-water mark) in bytes during one run of the work."""
    args = work.args()
    gc.collect()
    reset_rss_peak()
    tracemalloc.start()
    try:
        work.fn(*args)
        peak_python = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak_python, rss_peak()


def reset_rss_peak() -> bool:
    """Reset the process's RSS high-water mark (Linux ≥ 4.0: write 5 to clear_refs); return True if done."""
    try:
        PROC_CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def proc_field(path: Path, *names: str) -> str | None:
    """Return the value after the colon of the first line of `path` (a /proc file) that starts with one of
    `names` (case ignored), or None when there is no such line or file."""
    prefixes = tuple(name.lower() for name in names)
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.lower().startswith(prefixes)), None)


def proc_kib(path: Path, name: str) -> int | None:
    """Return the size in bytes of the field `name` of a /proc file given in kB ("VmHWM:  1024 kB"), or None."""
    value = proc_field(path, name + ":")
    return int(value.split()[0]) * 1024 if value else None


def rss_peak() -> int | None:
    """Return the RSS high-water mark in bytes: VmHWM (since the last reset), else getrusage's maxrss."""
    peak = proc_kib(PROC_STATUS, "VmHWM")
    if peak is not None:
        return peak
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    except (ImportError, OSError):
        return None


@dataclass
class Row:
    """One line of the table: a candidate against its baseline, with a target for the ratio."""

    benchmark: str
    label: str
    candidate: Measurement
    baseline_label: str
    baseline: Measurement
    target: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        """Return the candidate's median over the baseline's median."""
        return ratio(self.candidate.median, self.baseline.median)

    @property
    def passed(self) -> bool | None:
        """Return whether the ratio meets its target (None when the row has no target)."""
        return None if self.target is None else self.ratio <= self.target


@dataclass
class Report:
    """Every row and note of one run of the benchmarks."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skips and remarks, one sentence each


@dataclass(frozen=True)
class Candidate:
    """A candidate of `Benchmark.compare`: what it is, its work, and the target of its ratio."""

    label: str
    fn: Callable[..., Any]
    setup: Callable[[], Any] | None = None
    target: float | None = None
    note: str = ""


class Benchmark:
    """One benchmark: measures baselines and candidates in turn and adds a row per candidate to the report."""

    def __init__(self, report: Report, name: str, repeat: int = 5, warmup: int = 1, memory: bool = True):
        self.report = report
        self.name = name
        self.repeat = repeat
        self.warmup = warmup
        self.memory = memory
        self.baselines: dict[str, Measurement] = {}

    def measure(self, fn: Callable[..., Any], **kwargs: Any) -> Measurement:
        """Return the measurement of fn with this benchmark's repeat, warm-up and memory options."""
        options = {"repeat": self.repeat, "warmup": self.warmup, "memory": self.memory, **kwargs}
        return measure(fn, **options)

    def baseline(self, label: str, fn: Callable[..., Any] | Measurement, **kwargs: Any) -> Measurement:
        """Measure (or take as measured) a baseline under `label`; return its measurement."""
        m = fn if isinstance(fn, Measurement) else self.measure(fn, **kwargs)
        self.baselines[label] = m
        return m

    def candidate(
        self,
        label: str,
        fn: Callable[..., Any] | Measurement,
        *,
        against: str | None = None,
        target: float | None = None,
        note: str = "",
        **kwargs: Any,
    ) -> Row:
        """Measure a candidate and add its row, as a ratio against `against` (default: the first baseline)."""
        if not self.baselines:
            raise ValueError(f"{self.name}: measure a baseline before any candidate")
        against = against or next(iter(self.baselines))
        m = fn if isinstance(fn, Measurement) else self.measure(fn, **kwargs)
        row = Row(self.name, label, m, against, self.baselines[against], target, note)
        self.report.rows.append(row)
        return row

    def compare(
        self,
        baseline: tuple[str, Callable[..., Any]],
        candidates: Sequence[Candidate],
        *,
        baseline_setup: Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> list[Row]:
        """Time a baseline and its candidates in interleaved rounds; add and return one row per candidate."""
        label, fn = baseline
        works = [Work(fn, baseline_setup), *(Work(c.fn, c.setup) for c in candidates)]
        options = {"repeat": self.repeat, "warmup": self.warmup, "memory": self.memory, **kwargs}
        base, *measured = measure_together(works, **options)
        self.baselines[label] = base
        rows = [
            Row(self.name, c.label, m, label, base, c.target, c.note)
            for c, m in zip(candidates, measured, strict=True)
        ]
        self.report.rows.extend(rows)
        return rows

    def note(self, text: str) -> None:
        """Add a remark about this benchmark to the report."""
        self.report.notes.append(f"{self.name}: {text}")


@dataclass
class Context:
    """What every benchmark module's `run(ctx)` gets: the options of the run, the report, shared inputs."""

    quick: bool = False
    repeat: int = 5
    warmup: int = 1
    postgres_url: str | None = None
    out: Path = Path("bench/out")
    report: Report = field(default_factory=Report)
    shared: dict[str, Any] = field(default_factory=dict)  # inputs built once and reused (stores, workbooks)
    log: Callable[[str], None] = print
    resources: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)  # closed after the run

    def benchmark(self, name: str, **kwargs: Any) -> Benchmark:
        """Return a new benchmark named `name` that adds its rows to this run's report."""
        options = {"repeat": self.repeat, "warmup": self.warmup, **kwargs}
        return Benchmark(self.report, name, **options)

    def skip(self, name: str, reason: str) -> None:
        """Note that benchmark `name` did not run, and why."""
        self.report.notes.append(f"{name}: skipped, {reason}")
