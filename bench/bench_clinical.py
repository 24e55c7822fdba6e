"""Benchmark the clinical engine (``.venv/bin/python bench/bench_clinical.py``).

1. One 10-year diary with daily entries, analysed end to end (classification, days, 28-day
   periods, calendar months, suggestions, medication overuse). Target: < 200 ms.
2. 10,000 one-year diaries on the cohort path (:func:`cohort_period_counts`: every day
   category per 28-day period, from per-attack flags the Django side caches), against a
   minimal vectorised NumPy floor (headache days per 28-day period with a difference array and
   ``np.bincount``) measured in the same run. Target: within 3x the floor.
3. For scale, the per-diary object path (``analyse``) on a sample of one-year diaries.
4. 10,000 one-year diaries end to end on the vectorised path (:func:`cohort_analyse`: ICHD-3
   classification of every attack, then every day category per 28-day period), against the
   same floor as line 2. Building its columns from ``Diary`` objects is input preparation
   (the Django side builds them from database columns) and is timed on its own line.

Synthetic data, fixed seed; medians of several repetitions; interpreter start-up excluded.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from headwise.clinical import (  # noqa: E402
    Attack,
    ClientInfo,
    Diary,
    DrugClass,
    MedicationIntake,
    Pain,
    Quality,
    Side,
    analyse,
    cohort_analyse,
    cohort_period_counts,
    columns_from_diaries,
    days,
    periods,
)
from headwise.clinical.days import ATTACK_ROWS, ROW  # noqa: E402

SEED = 20260329
#: Interleaved rounds for the cohort lines (medians reported).
ROUNDS = 15


def synthetic_diary(n_days: int, rnd: random.Random, start: date = date(2016, 1, 4)) -> Diary:
    """Daily entries; a migraine-like attack on ~15 % of days, a tension-type one on ~8 %."""
    attacks, intakes = [], []
    for k in range(n_days):
        day = start + timedelta(days=k)
        u = rnd.random()
        if u > 0.23:
            continue
        s = datetime(day.year, day.month, day.day, rnd.randrange(24), tzinfo=UTC)
        migr = u < 0.15
        hours = rnd.uniform(2, 30) if migr else rnd.uniform(0.5, 8)
        attacks.append(
            Attack(
                f"a{k}",
                s,
                s + timedelta(hours=hours),
                peak_intensity=rnd.randint(5, 9) if migr else rnd.randint(2, 5),
                side=Side.UNILATERAL if migr else Side.BILATERAL,
                quality=Quality.PULSATING if migr else Quality.PRESSING,
                aggravated_by_activity=migr,
                nausea=migr and rnd.random() < 0.7,
                vomiting=False,
                photophobia=migr or None,
                phonophobia=migr,
                aura=(),
            )
        )
        if rnd.random() < 0.6:
            cls = DrugClass.TRIPTAN if migr else DrugClass.SIMPLE_ANALGESIC
            intakes.append(
                MedicationIntake(f"m{k}", "drug", cls, s + timedelta(minutes=20), Pain.SEVERE, Pain.MILD)
            )
    rec = frozenset(start + timedelta(days=k) for k in range(n_days))
    return Diary(ClientInfo("Europe/Amsterdam", date(1980, 1, 1), True), rec, tuple(attacks), tuple(intakes))


def median_ms(fn: Callable[[], object], reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def interleaved_ms(fns: list[Callable[[], object]], rounds: int) -> list[list[float]]:
    """Times (ms) of each function over ``rounds`` rounds, one call of each per round.

    A slow moment of the machine then falls on the floor and on the engine alike, instead of
    on whichever was being timed then.
    """
    for fn in fns:
        fn()  # warm-up
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, out in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return times


def cohort_columns(n_diaries: int, n_days: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Columnar attacks and intakes for many one-year diaries (as the Django side would load)."""
    per = rng.poisson(0.23 * n_days, n_diaries)
    m = int(per.sum())
    diary = np.repeat(np.arange(n_diaries), per)
    first = rng.integers(0, n_days, m)
    last = np.minimum(first + (rng.random(m) < 0.2), n_days - 1)
    flags = rng.random((len(ATTACK_ROWS), m)) < np.array([[1.0], [0.6], [0.05], [0.7], [0.2], [0.3], [0.6]])
    row_idx, att = np.nonzero(flags)
    rows = np.array([ROW[r] for r in ATTACK_ROWS])[row_idx]
    n_int = rng.poisson(0.12 * n_days, n_diaries)
    k = int(n_int.sum())
    i_diary = np.repeat(np.arange(n_diaries), n_int)
    i_day = rng.integers(0, n_days, k)
    i_row = np.where(rng.random(k) < 0.5, ROW["medication:triptan"], ROW["medication:simple_analgesic"])
    rec_diary = np.repeat(np.arange(n_diaries), n_days)
    rec_day = np.tile(np.arange(n_days), n_diaries)
    keep = rng.random(rec_day.size) < 0.9
    return {
        "diary_days": np.full(n_diaries, n_days, dtype=np.int64),
        "span_diary": diary[att],
        "span_row": rows,
        "span_first": first[att],
        "span_last": last[att],
        "att_diary": diary,
        "att_first": first,
        "att_last": last,
        "point_diary": np.concatenate([rec_diary[keep], i_diary, i_diary, i_diary]),
        "point_row": np.concatenate(
            [
                np.full(int(keep.sum()), ROW["recorded"]),
                i_row,
                np.full(k, ROW["acute_medication"]),
                np.full(k, ROW["headache"]),
            ]
        ),
        "point_day": np.concatenate([rec_day[keep], i_day, i_day, i_day]),
    }


def floor(c: dict[str, np.ndarray], n_days: int) -> np.ndarray:
    """Minimal vectorised count: headache days per 28-day period for every diary."""
    n = c["diary_days"].size
    total = n * n_days
    offs = c["att_diary"] * n_days
    diff = np.bincount(offs + c["att_first"], minlength=total + 1)
    diff -= np.bincount(offs + c["att_last"] + 1, minlength=total + 1)
    headache = np.cumsum(diff)[:total] > 0
    per = -(-n_days // 28)
    period = (np.arange(total) // n_days) * per + (np.arange(total) % n_days) // 28
    return np.bincount(period, weights=headache, minlength=n * per)


def engine(c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return cohort_period_counts(
        c["diary_days"],
        c["span_diary"],
        c["span_row"],
        c["span_first"],
        c["span_last"],
        c["point_diary"],
        c["point_row"],
        c["point_day"],
    )


def main() -> int:
    rnd = random.Random(SEED)
    ten_years = synthetic_diary(3652, rnd)
    t10 = median_ms(lambda: analyse(ten_years), 7)

    rng = np.random.default_rng(SEED)
    cols = cohort_columns(10_000, 365, rng)
    counts, _ = engine(cols)
    base = floor(cols, 365)
    # The engine also marks medication days as headache days, so it can only count more.
    if not np.all(counts[ROW["headache"]] >= base):
        raise SystemExit("cohort counts disagree with the floor")
    floor_ms, engine_ms = interleaved_ms([lambda: floor(cols, 365), lambda: engine(cols)], ROUNDS)
    t_floor, t_engine = statistics.median(floor_ms), statistics.median(engine_ms)

    sample = [synthetic_diary(365, rnd) for _ in range(50)]
    t_obj = median_ms(lambda: [analyse(d) for d in sample], 3) / len(sample)

    print("benchmark                                          median       target")
    print(
        f"10-year diary ({len(ten_years.attacks)} attacks, {len(ten_years.intakes)} intakes), analyse()"
        f"   {t10:8.1f} ms   < 200 ms  {'OK' if t10 < 200 else 'MISSED'}"
    )
    print(f"10,000 one-year diaries, vectorised floor            {t_floor:8.1f} ms")
    ratio = t_engine / t_floor
    print(
        f"10,000 one-year diaries, cohort_period_counts()      {t_engine:8.1f} ms   "
        f"ratio {ratio:.2f}x (< 3x {'OK' if ratio < 3 else 'MISSED'})"
    )
    print(
        f"one-year diary, object path analyse() (50 sampled)  {t_obj:8.2f} ms/diary "
        f"(~{t_obj * 10:.0f} s for 10,000; not vectorised: Python per attack)"
    )

    # 4. End to end with classification, on 10,000 synthetic one-year Diary objects.
    rnd4 = random.Random(SEED + 4)
    cohort = [synthetic_diary(365, rnd4) for _ in range(10_000)]
    t0 = time.perf_counter()
    columns = columns_from_diaries(cohort)
    t_build = (time.perf_counter() - t0) * 1000
    result = cohort_analyse(columns)
    for k in range(0, len(cohort), 500):  # spot check: equal to the per-diary object path
        expected = [[p.recorded_days, *p.counts.values()] for p in periods(days(cohort[k]))]
        if result.counts[:, result.period_diary == k].T.tolist() != expected:
            raise SystemExit(f"cohort_analyse disagrees with days()/periods() on diary {k}")
    floor2_ms, full_ms = interleaved_ms([lambda: floor(cols, 365), lambda: cohort_analyse(columns)], ROUNDS)
    t_floor2, t_full = statistics.median(floor2_ms), statistics.median(full_ms)
    n_att = columns.n_attacks
    ratio_full = t_full / t_floor2
    print(
        f"10,000 one-year diaries, cohort_analyse(): classification + days + periods "
        f"{t_full:8.1f} ms   ratio {ratio_full:.2f}x to the floor ({t_floor2:.1f} ms in these rounds; "
        f"{n_att:,} attacks) (< 3x {'OK' if ratio_full < 3 else 'MISSED'})"
    )
    print(
        f"  input preparation: columns_from_diaries(), 10,000 Diary objects, one run "
        f"{t_build:8.1f} ms (plain Python; not part of the line above)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
