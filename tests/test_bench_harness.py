"""The benchmark harness: medians and ratios on fake clocks worked out by hand, and a smoke run of bench."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import Benchmark, Candidate, Measurement, Report, Work, measure, measure_together, ratio
from bench.results import cells, markdown_table

ROOT = Path(__file__).resolve().parent.parent


def fake_clock(durations: list[float]):
    """Return a clock whose successive (start, end) readings are `duration` apart, one pair per run."""
    readings = []
    now = 100.0
    for d in durations:
        readings += [now, now + d]
        now += d + 1.0
    it = iter(readings)
    return lambda: next(it)


@pytest.mark.parametrize(
    ("durations", "median"),
    [
        # sorted 1,0 2,0 3,0 4,0 5,0 -> the middle one, 3,0
        ([5.0, 1.0, 4.0, 2.0, 3.0], 3.0),
        # four runs: sorted 1,0 2,0 4,0 8,0 -> mean of 2,0 and 4,0 = 3,0
        ([2.0, 8.0, 4.0, 1.0], 3.0),
        # one slow outlier does not move the median: sorted 0,5 0,6 0,6 0,7 30,0 -> 0,6
        ([0.7, 30.0, 0.5, 0.6, 0.6], 0.6),
        ([0.5], 0.5),
    ],
)
def test_measure_keeps_every_timed_run_and_reports_their_median(durations, median):
    m = measure(lambda: None, repeat=len(durations), warmup=0, memory=False, clock=fake_clock(durations))
    assert m.times == pytest.approx(tuple(durations))
    assert m.median == pytest.approx(median)


def test_warm_up_runs_are_not_read_from_the_clock_so_only_timed_runs_count():
    calls = []
    m = measure(lambda: calls.append(1), repeat=3, warmup=2, memory=False, clock=fake_clock([1.0, 2.0, 4.0]))
    assert len(calls) == 5  # 2 warm-up + 3 timed
    assert m.times == pytest.approx((1.0, 2.0, 4.0))


@pytest.mark.parametrize(
    ("durations", "min_time", "max_repeat", "runs"),
    [
        # 3 runs of 0,5 s = 1,5 s < 2,0 s: a 4th run makes 2,0 s
        ([0.5] * 10, 2.0, 25, 4),
        # 3 runs of 1,0 s already reach 2,0 s: no extra run
        ([1.0] * 10, 2.0, 25, 3),
        # 0,1 s runs would need 20, the cap stops at 6
        ([0.1] * 10, 2.0, 6, 6),
    ],
)
def test_short_work_runs_again_until_the_timed_runs_add_up_to_min_time(durations, min_time, max_repeat, runs):
    clock = fake_clock(durations)
    m = measure(
        lambda: None, repeat=3, warmup=0, memory=False, min_time=min_time, max_repeat=max_repeat, clock=clock
    )
    assert len(m.times) == runs


def test_setup_runs_before_every_run_and_hands_its_result_to_the_work():
    made = iter(range(100))
    seen = []
    measure(seen.append, repeat=2, warmup=1, memory=False, setup=lambda: next(made))
    assert seen == [0, 1, 2]


def test_memory_is_measured_in_one_extra_run_that_sees_a_large_allocation():
    runs = []
    m = measure(lambda: runs.append(bytearray(8 * 1024 * 1024)), repeat=1, warmup=0)
    assert len(runs) == 2  # one timed, one under tracemalloc
    assert m.peak_python >= 8 * 1024 * 1024
    assert m.peak_rss is None or m.peak_rss > 8 * 1024 * 1024


@pytest.mark.parametrize(
    ("candidate", "baseline", "expected"),
    [(3.0, 2.0, 1.5), (1.2, 2.4, 0.5), (0.0, 5.0, 0.0), (1.0, 0.0, float("inf"))],
)
def test_ratio_is_candidate_over_baseline(candidate, baseline, expected):
    assert ratio(candidate, baseline) == expected


@pytest.mark.parametrize(
    ("candidate_times", "target", "shown_ratio", "passed", "verdict"),
    [
        # medians 3,0 / 2,0 = 1,5: exactly on the target passes
        ((3.0, 2.9, 3.1), 1.5, "1,50×", True, "✓ đạt · pass"),
        # medians 3,1 / 2,0 = 1,55 misses 1,5
        ((3.1, 3.1, 9.0), 1.5, "1,55×", False, "✗ chưa đạt · fail"),
        # no target: shown for information
        ((1.0, 1.0, 1.0), None, "0,50×", None, "(thông tin · info)"),
    ],
)
def test_a_candidate_row_compares_medians_with_the_baseline_of_the_same_run(
    candidate_times, target, shown_ratio, passed, verdict
):
    report = Report()
    bench = Benchmark(report, "read")
    bench.baseline("bare read", Measurement((2.0, 1.0, 5.0)))  # median 2,0
    row = bench.candidate("read + check", Measurement(candidate_times), target=target)
    assert report.rows == [row]
    assert row.passed is passed
    shown = cells(row)
    assert shown[5] == shown_ratio
    assert shown[7] == verdict
    assert "| read | read + check | bare read |" in markdown_table(report)


def test_works_measured_together_take_turns_in_rotating_rounds():
    order = []
    works = [Work(lambda name=name: order.append(name)) for name in "ABC"]
    measure_together(works, repeat=3, warmup=1, memory=False)
    assert "".join(order) == "ABC" + "ABC" + "BCA" + "CAB"  # warm-up round, then three timed rounds


def test_compare_gives_each_candidate_its_own_times_against_the_same_baseline():
    # Rounds: (base 2, fast 1, slow 6), then (fast 1, slow 8, base 2), then (slow 7, base 4, fast 3).
    clock = fake_clock([2.0, 1.0, 6.0, 1.0, 8.0, 2.0, 7.0, 4.0, 3.0])
    report = Report()
    bench = Benchmark(report, "import", repeat=3, warmup=0, memory=False)
    fast, slow = bench.compare(
        ("check", lambda: None),
        [Candidate("fast", lambda: None, target=1.5), Candidate("slow", lambda: None, target=1.5)],
        clock=clock,
    )
    assert bench.baselines["check"].times == (2.0, 2.0, 4.0)  # median 2,0
    assert fast.candidate.times == (1.0, 1.0, 3.0) and fast.ratio == 0.5 and fast.passed
    assert slow.candidate.times == (6.0, 8.0, 7.0) and slow.ratio == 3.5 and not slow.passed
    assert report.rows == [fast, slow]


def test_a_candidate_without_a_baseline_is_refused():
    with pytest.raises(ValueError, match="baseline"):
        Benchmark(Report(), "x").candidate("c", Measurement((1.0,)))


def test_a_quick_read_benchmark_writes_its_table_with_the_machine_and_how_it_was_made(tmp_path):
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "read", "--results", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "python -m bench --quick --only read" in text
    assert "CPU:" in text and "Python:" in text and "RAM:" in text
    assert "| read | kpi.workbook.validate.check_bytes | pandas.read_excel calamine |" in text
    assert "kpi.workbook.validate.check_bytes" in done.stdout
