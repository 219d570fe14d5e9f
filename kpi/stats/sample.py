"""Sample data: believable, clearly marked, NOT official workbooks of Plan 485, one per year 2020-2025.

A seeded simulation of Đắk Nông's cooperatives. Each cooperative has a persistent latent strength (district
effect + sector effect + its own draw, drifting a little every year); ratings, OCOP products, value chains and
trained managers go to the strongest by rank with exact yearly counts, and money figures rise with strength and
are scaled to the province's yearly averages. Every figure of the story is a parameter in
`data/sample/generator.yaml`, which says where it comes from. `python -m kpi sample`
writes the files; `--scale national` writes one large workbook for benchmarks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.common.data_files import DataFileError, checked_file
from kpi.common.settings import DATA_DIR
from kpi.domain.places import Reference, load_reference
from kpi.workbook import writer
from kpi.workbook.contract import (
    COOP,
    GROUP,
    RATINGS,
    SECTORS,
    STATUS_DISSOLVED,
    STATUS_OPERATING,
    STATUS_SUSPENDED,
)

SAMPLE_DIR = DATA_DIR / "sample"
PARAMS_PATH = SAMPLE_DIR / "generator.yaml"
NATIONAL_DIR = SAMPLE_DIR / "national"
SCALES = ("province", "national")
UNRATED = RATINGS[-1]  # "Chưa xếp loại"
RATED = RATINGS[:-1]  # Tốt, Khá, Trung bình, Yếu: best first

_MAX_SLOTS = 16  # manager slots kept per cooperative; far above any count the parameters allow
_BISECTION_STEPS = 60


# --- parameters -----------------------------------------------------------------------------------------------


# The generator's parameters (checked; DataFileError lists every problem).
load_params = checked_file(PARAMS_PATH, lambda raw, path: _checked(raw, load_reference(), path))


def _checked(raw: dict[str, Any], reference: Reference, path: Path) -> dict[str, Any]:
    problems: list[str] = []
    years = raw.get("years") or []
    yearly = [
        "existing",
        "dissolved",
        "ratings",
        "fund_capital",
        "value_chain",
        ("members", "totals"),
        ("workers", "totals"),
        ("revenue", "averages"),
        ("profit", "averages"),
        ("income", "averages"),
        ("managers", "vocational"),
        ("managers", "higher"),
        ("ocop", "holders"),
        ("groups", "certified_share"),
    ]
    for key in yearly:
        table = raw.get(key) if isinstance(key, str) else (raw.get(key[0]) or {}).get(key[1])
        name = key if isinstance(key, str) else ".".join(key)
        if not isinstance(table, dict) or sorted(table) != sorted(years):
            problems.append(f"{name}: needs one value for each year {years}")
    for year, shares in (raw.get("ratings") or {}).items():
        if not isinstance(shares, dict) or list(shares) != list(RATED):
            problems.append(f"ratings.{year}: needs the classes {', '.join(RATED)} in this order")
        elif abs(sum(shares.values()) - 100) > 1e-9:
            problems.append(f"ratings.{year}: shares add up to {sum(shares.values())}, not 100")
    names = reference.district_names()
    for key in ("districts", "model_cooperatives"):
        if sorted(raw.get(key) or {}) != sorted(names):
            problems.append(f"{key}: needs exactly the districts {', '.join(names)}")
    sectors = raw.get("sectors") or {}
    if unknown := [s for s in sectors if s not in SECTORS]:
        problems.append(f"sectors: not in the closed list: {', '.join(unknown)}")
    for share in ("share", "new_share"):
        total = sum(float(s.get(share, 0)) for s in sectors.values())
        if abs(total - 1) > 1e-9:
            problems.append(f"sectors.*.{share}: add up to {total}, not 1")
    for sector, spec in sectors.items():
        if not any("{qualifier}" in n for n in spec.get("names", [])) and spec.get("new_share", 0) > 0:
            problems.append(f"sectors.{sector}.names: a sector that grows needs a pattern with {{qualifier}}")
    districts = raw.get("districts") or {}
    if abs(sum(float(d.get("weight", 0)) for d in districts.values()) - 1) > 1e-9:
        problems.append("districts.*.weight: must add up to 1")
    if problems:
        raise DataFileError(problems, path)
    return raw


def _notice(lang: str) -> str:
    return " ".join(load_params()["notice"][lang].split())


SAMPLE_NOTICE: str = _notice("vi")
SAMPLE_NOTICE_EN: str = _notice("en")


def sample_files(directory: Path | None = None) -> list[Path]:
    """Return the yearly sample workbooks present in `directory` (default data/sample/), by year."""
    params = load_params()
    directory = Path(directory) if directory else SAMPLE_DIR
    paths = [directory / params["files"]["pattern"].format(year=y) for y in params["years"]]
    return [p for p in paths if p.is_file()]


# --- the simulation -----------------------------------------------------------------------------------------


@dataclass
class SampleYear:
    """One year of sample data, ready for `kpi.workbook.writer.write_workbook`."""

    year: int
    info: dict[str, object]
    coops: pd.DataFrame  # columns of schema.COOP
    groups: pd.DataFrame  # columns of schema.GROUP


class _Population:
    """Every cooperative created so far: persistent attributes as numpy arrays, grown as cooperatives are founded."""

    def __init__(self) -> None:
        self.cols: dict[str, np.ndarray] = {}
        self.slots = np.empty((0, _MAX_SLOTS))
        self.codes: set[str] = set()
        self.names: set[str] = set()

    def __len__(self) -> int:
        return len(self.cols.get("code", ()))

    def add(self, cols: dict[str, np.ndarray], slots: np.ndarray) -> None:
        for key, values in cols.items():
            self.cols[key] = np.concatenate([self.cols[key], values]) if key in self.cols else values
        self.slots = np.vstack([self.slots, slots])

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key]

    def __setitem__(self, key: str, values: np.ndarray) -> None:
        self.cols[key] = values


class _Generator:
    """The seeded simulation of one scale; `run()` returns the data of every year."""

    def __init__(self, params: dict[str, Any], seed: int, scale: float, reference: Reference):
        self.p = params
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        self.years: list[int] = list(params["years"])
        self.district_names = reference.district_names()
        self.districts = [params["districts"][d] for d in self.district_names]
        self.communes = {d.name: [c.name for c in d.communes] for d in reference.districts}
        self.sector_names = list(params["sectors"])
        self.sectors = [params["sectors"][s] for s in self.sector_names]
        self.pop = _Population()
        self.name_queues: dict[tuple[int, str], tuple[list[str], str]] = {}
        self.name_numbers: dict[str, int] = {}
        self.groups = np.array([d["groups"] for d in self.districts], dtype=float) * scale

    def count(self, value: float) -> int:
        """Return a count of the parameter file at this scale."""
        return round(value * self.scale)

    def run(self) -> dict[int, SampleYear]:
        """Return the data of every year: each year dissolves some cooperatives, founds others, then reports."""
        out = {}
        p = self.p
        for i, year in enumerate(self.years):
            if i == 0:
                founded = self.count(p["founded_first_year"])
                initial = self.count(p["existing"][year]) - founded + self.count(p["dissolved"][year])
                self._found(initial, year=None)
            else:
                prev = self.years[i - 1]
                founded = (
                    self.count(p["existing"][year])
                    - self.count(p["existing"][prev])
                    + self.count(p["dissolved"][year])
                )
                self.pop["drift"] = self.pop["drift"] + self.rng.normal(
                    0, p["strength"]["drift"], len(self.pop)
                )
            self._dissolve(year)
            self._found(founded, year=year)
            out[year] = self._year(year)
        return out

    # --- births and deaths ---

    def _found(self, n: int, year: int | None) -> None:
        """Add `n` cooperatives founded in `year` (None: the stock that existed before the first year)."""
        p, rng = self.p, self.rng
        if n <= 0:
            return
        if year is None:
            spec = p["initial_founded"]
            span = np.arange(spec["from"], spec["to"] + 1)
            weights = np.exp(spec["growth"] * (span - span[0]))
            founded = rng.choice(span, size=n, p=weights / weights.sum())
            sector_share = [s["share"] for s in self.sectors]
            own_mean = 0.0
        else:
            founded = np.full(n, year)
            sector_share = [s["new_share"] for s in self.sectors]
            own_mean = p["strength"]["new_mean"]
        weights = np.array([d["weight"] for d in self.districts])
        district = rng.choice(len(self.districts), size=n, p=weights / weights.sum())
        sector = _exact_choice(rng, n, np.array(sector_share, dtype=float))
        sizes = np.array([len(self.communes[name]) for name in self.district_names])
        picks = rng.integers(0, sizes[district])
        commune = np.array(
            [self.communes[self.district_names[d]][k] for d, k in zip(district, picks, strict=True)],
            dtype=object,
        )
        district_effect = np.array([self.districts[d]["strength"] for d in district])
        sector_effect = np.array([self.sectors[s]["strength"] for s in sector])
        own = rng.normal(own_mean, 1.0, n)
        size = rng.normal(0, p["revenue"]["spread"], n)
        member_factor = np.array([self.sectors[s]["members"] for s in sector])
        mem, wrk = p["members"], p["workers"]
        members_base = (
            mem["median"] * member_factor * np.exp(mem["size"] * size + rng.normal(0, mem["spread"], n))
        )
        workers_base = wrk["median"] * np.exp(wrk["size"] * size + rng.normal(0, wrk["spread"], n))
        m = p["managers"]
        managers = rng.choice(np.array(m["counts"]), size=n, p=np.array(m["weights"]) / sum(m["weights"]))
        managers = managers + np.array([self.sectors[s].get("managers_extra", 0) for s in sector])
        o = p["ocop"]
        products = rng.choice(
            np.array(o["products"]), size=n, p=np.array(o["product_weights"]) / sum(o["product_weights"])
        )
        cols = {
            "code": np.array(self._codes(n), dtype=object),
            "district": np.array([self.district_names[d] for d in district], dtype=object),
            "commune": commune,
            "sector": np.array([self.sector_names[s] for s in sector], dtype=object),
            "sector_index": sector,
            "founded_year": founded.astype(float),
            "base_strength": district_effect + sector_effect + own,
            "drift": np.zeros(n),
            "size": size,
            "members_base": members_base,
            "workers_base": workers_base,
            "managers": managers.astype(float),
            "products": products.astype(float),
            "ocop_affinity": rng.normal(0, 1, n),
            "chain_affinity": rng.normal(0, 1, n),
            "alive": np.ones(n, dtype=bool),
            "dissolved_in": np.zeros(n),
            "suspended": np.zeros(n, dtype=bool),
        }
        cols["name"] = np.array(
            [self._name(s, c) for s, c in zip(sector, commune, strict=True)], dtype=object
        )
        self.pop.add(cols, rng.random((n, _MAX_SLOTS)))

    def _codes(self, n: int) -> list[str]:
        """Return `n` new codes: the prefix, then random digits, never one given before."""
        spec = self.p["code"]
        width = spec["digits"] - len(spec["prefix"])
        out: list[str] = []
        while len(out) < n:
            for number in self.rng.integers(0, 10**width, size=n - len(out) + 8):
                code = f"{spec['prefix']}{number:0{width}d}"
                if code not in self.pop.codes and len(out) < n:
                    self.pop.codes.add(code)
                    out.append(code)
        return out

    def _name(self, sector: int, commune: str) -> str:
        """Return a name not used yet: the sector's plain patterns first, then with qualifiers, then numbered."""
        key = (sector, commune)
        if key not in self.name_queues:
            patterns = self.sectors[sector]["names"]
            plain = [n for n in patterns if "{qualifier}" not in n]
            qualified = [n for n in patterns if "{qualifier}" in n]
            qualifiers = self.p["qualifiers"]
            offset = int(self.rng.integers(len(qualifiers)))
            queue = [plain[i].format(place=commune) for i in self.rng.permutation(len(plain))]
            queue += [
                pattern.format(place=commune, qualifier=qualifiers[(offset + k) % len(qualifiers)])
                for k in range(len(qualifiers))
                for pattern in qualified
            ]
            self.name_queues[key] = (queue[::-1], plain[0].format(place=commune))
        queue, fallback = self.name_queues[key]
        while queue:
            name = queue.pop()
            if name not in self.pop.names:
                self.pop.names.add(name)
                return name
        number = self.name_numbers.get(fallback, 1)
        while (name := f"{fallback} số {number + 1}") in self.pop.names:
            number += 1
        self.name_numbers[fallback] = number + 1
        self.pop.names.add(name)
        return name

    def strength(self) -> np.ndarray:
        """Return every cooperative's latent strength this year."""
        return self.pop["base_strength"] + self.pop["drift"]

    def _dissolve(self, year: int) -> None:
        pop = self.pop
        n = self.count(self.p["dissolved"][year])
        candidates = np.flatnonzero(pop["alive"] & (pop["founded_year"] < year))
        exits = self.p["exits"]
        weights = np.exp(-exits["strength"] * self.strength()[candidates]) * np.where(
            pop["suspended"][candidates], exits["dissolve_was_suspended"], 1.0
        )
        chosen = self.rng.choice(
            candidates, size=min(n, len(candidates)), replace=False, p=weights / weights.sum()
        )
        pop["alive"][chosen] = False
        pop["dissolved_in"][chosen] = year

    # --- one year's figures ---

    def _year(self, year: int) -> SampleYear:
        p, rng, pop = self.p, self.rng, self.pop
        strength = self.strength()
        listed = np.flatnonzero(pop["alive"] | (pop["dissolved_in"] == year))
        existing = pop["alive"]
        new = existing & (pop["founded_year"] == year)
        old = existing & ~new

        # status: a few of the old ones suspended, the weakest and those suspended last year most likely
        old_idx = np.flatnonzero(old)
        n_suspended = round(p["suspended_share"] * len(old_idx))
        exits = p["exits"]
        weights = np.exp(-exits["strength"] * strength[old_idx]) * np.where(
            pop["suspended"][old_idx], exits["suspend_was_suspended"], 1.0
        )
        suspended_idx = rng.choice(old_idx, size=n_suspended, replace=False, p=weights / weights.sum())
        suspended = np.zeros(len(pop), dtype=bool)
        suspended[suspended_idx] = True
        pop["suspended"] = suspended
        operating = existing & ~suspended
        rated = operating & ~new

        rating = np.full(len(pop), None, dtype=object)
        rating[existing] = UNRATED
        _allocate_ratings(rating, np.flatnonzero(rated), strength, p["ratings"][year])

        members = self._members(existing, new, year)
        workers = self._workers(existing, operating, new, year)
        revenue = self._revenue(operating, suspended, new, strength, year)
        profit = self._profit(operating, suspended, revenue, strength, year)
        income = self._income(operating, workers, strength, year)
        vocational, higher = self._training(existing, strength, year)
        ocop = self._ocop(existing & ~new, strength, year)
        chain = self._chain(operating, strength, year)
        model = self._models(operating, rating, strength, year)

        nan = np.full(len(pop), np.nan)
        frame = pd.DataFrame(
            {
                "code": pop["code"],
                "name": pop["name"],
                "district": pop["district"],
                "commune": pop["commune"],
                "sector": pop["sector"],
                "founded_year": pop["founded_year"],
                "status": np.where(
                    existing, np.where(suspended, STATUS_SUSPENDED, STATUS_OPERATING), STATUS_DISSOLVED
                ),
                "members": members,
                "workers": workers,
                "revenue": revenue,
                "profit": profit,
                "avg_income": income,
                "rating": rating,
                "managers": np.where(existing, pop["managers"], nan),
                "managers_vocational": vocational,
                "managers_higher": higher,
                "ocop_products": np.where(existing, np.where(ocop, pop["products"], 0.0), nan),
                "value_chain": np.where(existing, chain, None),
                "model": np.where(existing, model, None),
            }
        ).iloc[listed]
        order = {d: i for i, d in enumerate(self.district_names)}
        frame = frame.assign(_d=frame["district"].map(order)).sort_values(
            ["_d", "commune", "name"], kind="stable"
        )
        frame = frame.drop(columns="_d").reset_index(drop=True)[COOP.ids]
        return SampleYear(
            year=year,
            info={
                "year": year,
                "reporting_unit": p["reporting_unit"],
                "fund_capital": float(p["fund_capital"][year]),
            },
            coops=frame,
            groups=self._groups(year),
        )

    def _members(self, existing: np.ndarray, new: np.ndarray, year: int) -> np.ndarray:
        spec = self.p["members"]
        noise = np.exp(self.rng.normal(0, spec["noise"], len(self.pop)))
        raw = self.pop["members_base"] * noise * np.where(new, spec["new_factor"], 1.0)
        out = np.full(len(self.pop), np.nan)
        out[existing] = _counts_to_total(raw[existing], self.count(spec["totals"][year]), spec["minimum"])
        return out

    def _workers(self, existing: np.ndarray, operating: np.ndarray, new: np.ndarray, year: int) -> np.ndarray:
        spec = self.p["workers"]
        noise = np.exp(self.rng.normal(0, spec["noise"], len(self.pop)))
        raw = self.pop["workers_base"] * noise * np.where(new, spec["new_factor"], 1.0)
        out = np.where(existing, 0.0, np.nan)
        out[operating] = _counts_to_total(raw[operating], self.count(spec["totals"][year]), spec["minimum"])
        return out

    def _revenue(self, operating, suspended, new, strength, year) -> np.ndarray:
        spec = self.p["revenue"]
        factor = np.array([s["revenue"] for s in self.sectors])[self.pop["sector_index"]]
        log_revenue = (
            np.log(factor)
            + self.pop["size"]
            + spec["strength"] * strength
            + self.rng.normal(0, spec["noise"], len(self.pop))
        )
        raw = np.exp(log_revenue) * np.where(new, spec["new_factor"], 1.0)
        out = np.full(len(self.pop), np.nan)
        out[operating] = _round(raw[operating] * spec["averages"][year] / raw[operating].mean(), 1)
        out[suspended] = 0.0
        return out

    def _profit(self, operating, suspended, revenue, strength, year) -> np.ndarray:
        spec, rng = self.p["profit"], self.rng
        rows = np.flatnonzero(operating)
        spread = spec["strength"] * strength[rows] + rng.normal(0, spec["noise"], len(rows))
        # the bad year hits the big traders of coffee and pepper hardest: odds proportional to revenue
        hit = np.zeros(len(rows), dtype=bool)
        n_hit = round(spec["shocks"][year] * len(rows))
        if n_hit:
            exposure = revenue[rows] / revenue[rows].sum()
            hit[rng.choice(len(rows), size=n_hit, replace=False, p=exposure)] = True
        shock = np.where(hit, rng.uniform(*spec["shock_margin"], len(rows)), 0.0)
        rev = revenue[rows]

        def margins(shift: float) -> np.ndarray:
            return np.where(hit, shock, np.clip(shift + spread, spec["floor"], spec["ceiling"]))

        def average(shift: float) -> float:
            return float(_round(margins(shift) * rev, 1).mean())

        shift = _bisect(average, spec["averages"][year], spec["floor"] - 1, spec["ceiling"] + 1)
        out = np.full(len(self.pop), np.nan)
        out[rows] = _round(margins(shift) * rev, 1)
        low, high = spec["suspended_loss"]
        out[suspended] = -_round(self.rng.uniform(low, high, int(suspended.sum())), 1)
        return out

    def _income(self, operating, workers, strength, year) -> np.ndarray:
        spec = self.p["income"]
        raw = np.exp(spec["strength"] * strength + self.rng.normal(0, spec["noise"], len(self.pop)))
        use = operating & (workers > 0)
        w = workers[use]

        def average(level: float) -> float:
            values = _round(np.maximum(raw[use] * level, spec["minimum"]), 1)
            return float((values * w).sum() / w.sum())

        level = _bisect(average, spec["averages"][year], 0.0, spec["averages"][year] * 10)
        out = np.full(len(self.pop), np.nan)
        out[use] = _round(np.maximum(raw[use] * level, spec["minimum"]), 1)
        return out

    def _training(self, existing, strength, year) -> tuple[np.ndarray, np.ndarray]:
        """Return (vocational, higher) trained managers: exact province totals, able cooperatives first."""
        spec = self.p["managers"]
        rows = np.flatnonzero(existing)
        slot_taken = np.arange(_MAX_SLOTS)[None, :] < self.pop["managers"][rows][:, None]
        keys = self.pop.slots[rows] - spec["training_strength"] * strength[rows][:, None]
        keys = np.where(slot_taken, keys, np.inf)
        order = np.argsort(keys, axis=None, kind="stable")
        n_higher, n_vocational = self.count(spec["higher"][year]), self.count(spec["vocational"][year])
        slot_row = order // _MAX_SLOTS
        higher = np.bincount(slot_row[:n_higher], minlength=len(rows))
        vocational = np.bincount(slot_row[n_higher : n_higher + n_vocational], minlength=len(rows))
        out_v, out_h = np.full(len(self.pop), np.nan), np.full(len(self.pop), np.nan)
        out_v[rows], out_h[rows] = vocational, higher
        return out_v, out_h

    def _ocop(self, eligible, strength, year) -> np.ndarray:
        can = np.array([bool(s["ocop"]) for s in self.sectors])[self.pop["sector_index"]]
        return _top(
            eligible & can, strength + self.pop["ocop_affinity"], self.count(self.p["ocop"]["holders"][year])
        )

    def _chain(self, operating, strength, year) -> np.ndarray:
        return _top(operating, strength + self.pop["chain_affinity"], self.count(self.p["value_chain"][year]))

    def _models(self, operating, rating, strength, year) -> np.ndarray:
        out = np.zeros(len(self.pop), dtype=bool)
        good = np.isin(rating, RATED[:2])
        for name in self.district_names:
            n = sum(1 for first in self.p["model_cooperatives"][name] if first <= year)
            in_district = operating & (self.pop["district"] == name)
            pool = in_district & good if (in_district & good).sum() >= n else in_district
            out |= _top(pool, strength, n)
        return out

    def _groups(self, year: int) -> pd.DataFrame:
        spec = self.p["groups"]
        if year != self.years[0]:
            self.groups = self.groups * (
                1 + spec["growth"] + self.rng.normal(0, spec["noise"], len(self.groups))
            )
        counts = _round(self.groups)
        offsets = np.array([d["certified"] for d in self.districts], dtype=float)
        share = np.clip(spec["certified_share"][year] + offsets, 0, 100) / 100
        return pd.DataFrame(
            {"district": self.district_names, "groups": counts, "certified": _round(counts * share)}
        )[GROUP.ids]


def _exact_choice(rng: np.random.Generator, n: int, shares: np.ndarray) -> np.ndarray:
    """Return n category indices in random order whose counts follow `shares` as closely as whole numbers allow."""
    counts = _largest_remainder(shares / shares.sum() * n, n)
    return rng.permutation(np.repeat(np.arange(len(shares)), counts))


def _largest_remainder(quotas: np.ndarray, total: int) -> np.ndarray:
    counts = np.floor(quotas).astype(int)
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _allocate_ratings(rating: np.ndarray, rows: np.ndarray, strength: np.ndarray, shares: dict) -> None:
    """Give the rated rows their classes by rank of strength, with exact counts from cumulative shares.

    Rounding the cumulative shares (not each class) keeps "Tốt + Khá" within half a cooperative of its share.
    """
    order = rows[np.argsort(-strength[rows], kind="stable")]
    bounds = _round(np.cumsum([shares[c] for c in RATED]) / 100 * len(rows)).astype(int)
    start = 0
    for cls, end in zip(RATED, bounds, strict=True):
        rating[order[start:end]] = cls
        start = end


def _top(mask: np.ndarray, score: np.ndarray, n: int) -> np.ndarray:
    """Return a mask of the `n` rows of `mask` with the highest score."""
    rows = np.flatnonzero(mask)
    out = np.zeros(len(mask), dtype=bool)
    out[rows[np.argsort(-score[rows], kind="stable")[:n]]] = True
    return out


def _counts_to_total(raw: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Return whole numbers >= minimum proportional to `raw` whose sum is `total` (or near it)."""
    if len(raw) == 0:
        return raw
    scaled = raw * total / raw.sum()
    for _ in range(3):
        values = np.maximum(_round(scaled), minimum)
        free = values > minimum
        gap = total - values.sum()
        if gap == 0 or not free.any():
            break
        scaled = np.where(free, scaled * (1 + gap / values[free].sum()), scaled)
    return np.maximum(_round(scaled), minimum)


def _round(values, decimals: int = 0):
    """Return `values` rounded to `decimals`, the same on every processor.

    numpy's exp and log take other SIMD paths on AVX-512 machines and may differ in the last bit; rounding first
    to 7 more decimals absorbs that, so a value near a tie (30,55) rounds alike everywhere.
    """
    return np.round(np.round(values, decimals + 7), decimals)


def _bisect(func, target: float, low: float, high: float) -> float:
    """Return x in [low, high] where the increasing function `func` meets `target` (as near as it gets)."""
    for _ in range(_BISECTION_STEPS):
        mid = (low + high) / 2
        if func(mid) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def generate(
    seed: int | None = None, scale: str = "province", params: dict | None = None
) -> dict[int, SampleYear]:
    """Return the sample data of every year (province) or of the last year only (national), by year."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    params = params or load_params()
    seed = params["seed"] if seed is None else seed
    factor = 1.0
    if scale == "national":
        factor = params["national"]["cooperatives"] / params["existing"][params["years"][-1]]
    data = _Generator(params, seed, factor, load_reference()).run()
    if scale == "national":
        last = max(data)
        return {last: data[last]}
    return data


# --- writing -----------------------------------------------------------------------------------------------------


def workbook_bytes(sample: SampleYear) -> bytes:
    """Return the workbook of one sample year: the template's format, marked as sample data, stable bytes
    (created on 15/12 of its year, so that regenerating changes no byte)."""
    return writer.workbook_bytes(
        info=sample.info,
        coops=sample.coops,
        groups=sample.groups,
        notice=SAMPLE_NOTICE,
        created=datetime.datetime(sample.year, 12, 15),
    )


def sample_workbooks(directory: Path | None = None) -> list[tuple[str, bytes]]:
    """Return (file name, bytes) of every yearly sample workbook: the files of `directory` (default
    data/sample/), or generated in memory when there are none (same bytes as `write_sample` writes)."""
    paths = sample_files(directory)
    if paths:
        return [(p.name, p.read_bytes()) for p in paths]
    params = load_params()
    pattern = params["files"]["pattern"]
    return [
        (pattern.format(year=y), workbook_bytes(s)) for y, s in generate(None, "province", params).items()
    ]


def write_sample(out_dir: Path | None = None, seed: int | None = None) -> list[Path]:
    """Write one workbook per year into `out_dir` (default data/sample/); return their paths by year."""
    params = load_params()
    out_dir = Path(out_dir) if out_dir else SAMPLE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for year, sample in generate(seed, "province", params).items():
        path = out_dir / params["files"]["pattern"].format(year=year)
        path.write_bytes(workbook_bytes(sample))
        paths.append(path)
    return paths


def write_national(out: Path | None = None, seed: int | None = None) -> Path:
    """Write the large benchmark workbook to `out` (a .xlsx path or a directory; default data/sample/national/)."""
    params = load_params()
    out = Path(out) if out else NATIONAL_DIR
    path = out if out.suffix.lower() == ".xlsx" else out / params["files"]["national_name"]
    path.parent.mkdir(parents=True, exist_ok=True)
    (sample,) = generate(seed, "national", params).values()
    path.write_bytes(workbook_bytes(sample))
    return path
