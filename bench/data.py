"""The inputs of the benchmarks: large valid workbooks, generated once into bench/out/ (git-ignored).

The read benchmark prefers the project's own sample generator (`python -m kpi sample --scale national`)
when it exists, so that it measures the workbook users will try first; otherwise, and for the other sizes
and years, a quick generator here writes valid rows through `kpi.workbook.writer.write_workbook`.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.domain.places import load_reference
from kpi.stats.report import default_plan
from kpi.workbook.contract import COOP, RATINGS, SECTORS, STATUSES
from kpi.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
NATIONAL = 30_000  # cooperatives of the benchmark workbook: the order of the whole country's count
QUICK = 1_000  # cooperatives per workbook with --quick
PROVINCIAL = (
    300  # cooperatives per workbook of a province's store (the sample's order): the baseline of scale
)


def bench_years(count: int = 6) -> list[int]:
    """Return `count` consecutive reporting years ending with the plan's last year."""
    end = default_plan().period.end
    return list(range(end - count + 1, end + 1))


def have_module(name: str) -> bool:
    """Return True when the module can be imported (another engineer may not have written it yet)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def workbook_path(n: int, year: int, out: Path = OUT) -> Path:
    """Return the path of the generated workbook of `n` cooperatives for `year`, writing it if missing."""
    path = out / f"bench-{n}-{year}.xlsx"
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial.xlsx")  # concurrent runs never share one
        write_generated(partial, n, year)
        partial.replace(path)
    return path


def sample_workbook(out: Path = OUT) -> Path | None:
    """Return the national sample workbook of `kpi.stats.sample` (generated once), or None when it is unavailable.

    `python -m kpi sample --scale national --out DIR` may write one workbook or one per year; the newest
    (last by name) is taken.
    """
    if not have_module("kpi.stats.sample"):
        return None
    target = out / "sample-national"
    found = sorted(target.glob("*.xlsx")) if target.exists() else []
    if not found:
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "kpi", "sample", "--scale", "national", "--out", str(target)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"python -m kpi sample failed ({done.returncode}):\n{done.stderr[-2000:]}")
        found = sorted(target.glob("*.xlsx"))
    return found[-1] if found else None


def generated_frames(n: int, year: int, seed: int = 485) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Return (info, coops, groups) of a valid workbook of `n` cooperatives for `year`.

    The same codes come back every year, with figures that drift from year to year, as in real series.
    """
    reference = load_reference()
    rng = np.random.default_rng(seed)  # same cooperatives every year ...
    drift = np.random.default_rng(seed * 10_000 + year)  # ... with this year's figures
    districts = [d for d in reference.districts if d.exists_in(year)]
    communes = {d.name: [c.name for c in reference.communes_valid_in(year, d.id)] for d in districts}
    district = rng.choice([d.name for d in districts], size=n)
    pick = rng.random(n)
    commune = [communes[d][int(p * len(communes[d]))] for d, p in zip(district, pick, strict=True)]
    managers = drift.integers(1, 12, size=n)
    vocational = (managers * drift.random(n) * 0.6).astype(int)
    higher = ((managers - vocational) * drift.random(n) * 0.8).astype(int)
    revenue = np.round(drift.gamma(2.0, 900.0, size=n), 1)
    status_p = np.array([0.86, 0.09, 0.05])
    coops = pd.DataFrame(
        {
            "code": [f"{6400000000 + i}" for i in range(n)],
            "name": [f"HTX Dịch vụ tổng hợp số {i + 1}" for i in range(n)],
            "district": district,
            "commune": commune,
            "sector": rng.choice(SECTORS, size=n),
            "founded_year": np.minimum(rng.integers(1996, year + 1, size=n), year),
            "status": drift.choice(STATUSES, size=n, p=status_p),
            "members": drift.integers(7, 400, size=n),
            "workers": drift.integers(0, 60, size=n),
            "revenue": revenue,
            "profit": np.round(revenue * drift.normal(0.06, 0.08, size=n), 1),
            "avg_income": np.round(drift.gamma(6.0, 8.0, size=n), 1),
            "rating": drift.choice(RATINGS, size=n, p=[0.22, 0.38, 0.25, 0.1, 0.05]),
            "managers": managers,
            "managers_vocational": vocational,
            "managers_higher": higher,
            "ocop_products": drift.choice([0, 0, 0, 0, 1, 2], size=n),
            "value_chain": drift.random(n) < 0.3,
            "model": drift.random(n) < 0.04,
        },
        columns=COOP.ids,
    )
    group_count = drift.integers(20, 200, size=len(districts))
    groups = pd.DataFrame(
        {
            "district": [d.name for d in districts],
            "groups": group_count,
            "certified": (group_count * drift.uniform(0.2, 0.9, size=len(districts))).astype(int),
        }
    )
    info = {
        "year": year,
        "reporting_unit": "Sở Kế hoạch và Đầu tư (số liệu sinh cho phép đo)",
        "fund_capital": float(drift.integers(5_000, 30_000)),
    }
    return info, coops, groups


def write_generated(target: Path, n: int, year: int) -> None:
    """Write a valid generated workbook of `n` cooperatives for `year` to `target`."""
    info, coops, groups = generated_frames(n, year)
    write_workbook(
        target, info=info, coops=coops, groups=groups, notice="Số liệu sinh tự động cho phép đo hiệu năng."
    )
