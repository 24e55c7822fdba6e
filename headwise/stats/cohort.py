"""Practice cohort outcomes by group, vectorised: responder rates, change in monthly migraine
days, diary completeness and dropout, each with a 95% interval.

Plain NumPy arrays in (one element per client, or per client and phase), frozen dataclasses of
arrays out (one element per group). No Python loop over clients: every sum is a
``np.bincount`` over the group codes.

Definitions
-----------
*Monthly migraine days* are migraine days per 28 recorded days (IHS convention: a month is 28
days; missing days are not counted as migraine-free, the rate rests on recorded days only).

*Responder* at ``r`` (30%, 50%, 75%): the monthly migraine days fell by at least ``r`` of the
baseline value, ``(baseline - follow_up) / baseline >= r`` (IHS guidelines for controlled
trials of preventive treatment: Tassorelli et al., Cephalalgia 2018;38:815 for chronic
migraine; Diener et al., Cephalalgia 2020;40:1026 for episodic migraine: the 50% responder
rate, with 30% and 75% as further endpoints). A client with no migraine day in the baseline
cannot halve it and is left out of the responder rates (counted in ``no_baseline``).

Intervals
---------
Proportions: the Wilson score interval (Wilson, J Am Stat Assoc 1927;22:209-212), which keeps
close to its nominal coverage for small ``n`` and proportions near 0 or 1, where the Wald
interval does not (Brown, Cai & DasGupta, Stat Sci 2001;16:101-133). Means: the Student t
interval, ``mean +- t(0.975, n - 1) * sd / sqrt(n)`` with the sample standard deviation
(``ddof=1``); ``n < 2`` gives no interval (NaN). The clients are the units: each contributes
one value per row, so within a row the values are independent of each other.

An uncontrolled cohort cannot separate what the care did from regression to the mean (people
start when their migraine is at its worst) and the natural course; nothing here claims it can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm, t

from headwise.stats.errors import AnalysisError

__all__ = [
    "RESPONDER_THRESHOLDS",
    "Proportion",
    "Mean",
    "GroupOutcomes",
    "wilson_interval",
    "proportion_by_group",
    "mean_by_group",
    "monthly_rate",
    "group_outcomes",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The IHS responder thresholds: reductions of 30%, 50% and 75% of monthly migraine days.
RESPONDER_THRESHOLDS: tuple[float, ...] = (0.30, 0.50, 0.75)
MONTH_DAYS = 28


@dataclass(frozen=True, slots=True)
class Proportion:
    """``k`` of ``n`` per group, with the Wilson 95% interval (NaN where ``n`` is 0)."""

    k: IntArray
    n: IntArray
    estimate: FloatArray
    low: FloatArray
    high: FloatArray


@dataclass(frozen=True, slots=True)
class Mean:
    """A mean per group with its Student t 95% interval (NaN where ``n < 2``)."""

    n: IntArray
    mean: FloatArray
    sd: FloatArray
    low: FloatArray
    high: FloatArray


@dataclass(frozen=True, slots=True)
class GroupOutcomes:
    """Before/after outcomes per group (see :func:`group_outcomes`).

    Attributes
    ----------
    n_clients
        Units (clients, or client and phase) with enough data in each group.
    baseline, follow_up
        Monthly migraine days (per 28 recorded days), mean per group.
    change
        ``follow_up - baseline`` per unit, mean per group (negative: fewer migraine days).
    responders
        Threshold (0.3, 0.5, 0.75) -> responders among the units with a baseline above 0.
    no_baseline
        Units with no migraine day in the baseline (no responder status).
    """

    n_clients: IntArray
    baseline: Mean
    follow_up: Mean
    change: Mean
    responders: dict[float, Proportion]
    no_baseline: IntArray


def _as_groups(group: npt.ArrayLike, n_groups: int) -> IntArray:
    g = np.asarray(group)
    if g.ndim != 1 or (g.size and not np.issubdtype(g.dtype, np.integer)):
        raise AnalysisError("group must be a one-dimensional array of integer codes")
    g = g.astype(np.int64, copy=False)
    if g.size and (g.min() < 0 or g.max() >= n_groups):
        raise AnalysisError(f"group codes must lie in 0..{n_groups - 1}")
    return g


def wilson_interval(
    k: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for ``k`` successes of ``n``, element-wise (NaN where ``n`` is 0).

    ``(p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` (Wilson 1927; Brown, Cai &
    DasGupta 2001, eq. 4).

    Examples
    --------
    >>> lo, hi = wilson_interval([7], [20])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.1812, 0.5671)
    """
    kk = np.asarray(k, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    if np.any(kk < 0) or np.any(kk > nn):
        raise AnalysisError("k must lie in 0..n")
    z = float(norm.ppf(0.5 + confidence / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = kk / nn
        centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        half = z * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn)
    low: FloatArray = np.where(nn > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high: FloatArray = np.where(nn > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def proportion_by_group(
    group: npt.ArrayLike, flag: npt.ArrayLike, n_groups: int, confidence: float = 0.95
) -> Proportion:
    """The share of units with ``flag`` in each group, with the Wilson interval.

    Examples
    --------
    >>> p = proportion_by_group([0, 0, 0, 1], [True, False, True, False], 2)
    >>> p.k.tolist(), p.n.tolist(), [round(x, 3) for x in p.estimate.tolist()]
    ([2, 0], [3, 1], [0.667, 0.0])
    """
    g = _as_groups(group, n_groups)
    f = np.asarray(flag, dtype=np.bool_)
    if f.shape != g.shape:
        raise AnalysisError("flag and group must have the same length")
    n = np.bincount(g, minlength=n_groups).astype(np.int64)
    k = np.bincount(g[f], minlength=n_groups).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate: FloatArray = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    low, high = wilson_interval(k, n, confidence)
    return Proportion(k, n, estimate, low, high)


def mean_by_group(
    group: npt.ArrayLike, values: npt.ArrayLike, n_groups: int, confidence: float = 0.95
) -> Mean:
    """Mean of ``values`` per group with the Student t interval (NaN values are left out).

    The variance is computed about each group's mean (two passes), not from raw sums of
    squares, so it does not lose precision when the values are large.

    Examples
    --------
    >>> m = mean_by_group([0, 0, 0], [1.0, 2.0, 6.0], 1)
    >>> round(float(m.mean[0]), 3), round(float(m.low[0]), 3), round(float(m.high[0]), 3)
    (3.0, -3.572, 9.572)
    """
    g = _as_groups(group, n_groups)
    v = np.asarray(values, dtype=np.float64)
    if v.shape != g.shape:
        raise AnalysisError("values and group must have the same length")
    keep = ~np.isnan(v)
    g, v = g[keep], v[keep]
    n = np.bincount(g, minlength=n_groups).astype(np.int64)
    total = np.bincount(g, weights=v, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean: FloatArray = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        squares = np.bincount(g, weights=(v - mean[g]) ** 2, minlength=n_groups)
        sd: FloatArray = np.where(n > 1, np.sqrt(squares / np.maximum(n - 1, 1)), np.nan)
        q = np.where(n > 1, t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)), np.nan)
        half = q * sd / np.sqrt(n)
    return Mean(n, mean, sd, mean - half, mean + half)


def monthly_rate(days_with: npt.ArrayLike, recorded: npt.ArrayLike, month: int = MONTH_DAYS) -> FloatArray:
    """Days with an event per ``month`` recorded days, element-wise (NaN with no recorded day).

    Examples
    --------
    >>> monthly_rate([7, 0], [28, 0]).tolist()
    [7.0, nan]
    """
    d = np.asarray(days_with, dtype=np.float64)
    r = np.asarray(recorded, dtype=np.float64)
    if np.any(d < 0) or np.any(d > r):
        raise AnalysisError("days_with must lie in 0..recorded")
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(r > 0, d / r * month, np.nan)
    return out


def group_outcomes(
    group: npt.ArrayLike,
    n_groups: int,
    *,
    baseline_days: npt.ArrayLike,
    baseline_recorded: npt.ArrayLike,
    follow_days: npt.ArrayLike,
    follow_recorded: npt.ArrayLike,
    thresholds: tuple[float, ...] = RESPONDER_THRESHOLDS,
    confidence: float = 0.95,
) -> GroupOutcomes:
    """Before/after outcomes per group, one unit per element (the caller keeps only the units
    with enough data).

    Parameters
    ----------
    group
        Group code of each unit, ``0..n_groups - 1``.
    baseline_days, baseline_recorded
        Migraine days and recorded days in the baseline.
    follow_days, follow_recorded
        Migraine days and recorded days in the follow-up window.

    Examples
    --------
    >>> r = group_outcomes([0, 0], 1, baseline_days=[10, 8], baseline_recorded=[28, 28],
    ...                    follow_days=[4, 8], follow_recorded=[28, 28])
    >>> r.change.mean.tolist(), r.responders[0.5].k.tolist(), r.responders[0.5].n.tolist()
    ([-3.0], [1], [2])
    """
    g = _as_groups(group, n_groups)
    base = monthly_rate(baseline_days, baseline_recorded)
    follow = monthly_rate(follow_days, follow_recorded)
    if base.shape != g.shape or follow.shape != g.shape:
        raise AnalysisError("every array must have one element per unit")
    if np.any(np.isnan(base)) or np.any(np.isnan(follow)):
        raise AnalysisError("every unit needs recorded days in the baseline and the follow-up")
    has_base = base > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        reduction = np.where(has_base, (base - follow) / np.where(has_base, base, 1.0), np.nan)
    responders = {
        r: proportion_by_group(g[has_base], reduction[has_base] >= r - 1e-12, n_groups, confidence)
        for r in thresholds
    }
    return GroupOutcomes(
        n_clients=np.bincount(g, minlength=n_groups).astype(np.int64),
        baseline=mean_by_group(g, base, n_groups, confidence),
        follow_up=mean_by_group(g, follow, n_groups, confidence),
        change=mean_by_group(g, follow - base, n_groups, confidence),
        responders=responders,
        no_baseline=np.bincount(g[~has_base], minlength=n_groups).astype(np.int64),
    )
