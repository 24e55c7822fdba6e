"""Per-client outcomes: a baseline, the 28-day periods after it, and how far each moved.

Measures follow the IHS guidelines for controlled trials of drugs in migraine (acute treatment,
4th ed., Diener et al., Cephalalgia 2019;39:687-710; preventive treatment of episodic migraine,
Diener et al., Cephalalgia 2020;40:1026-1044, whose 4-week baseline and 50% responder rate on
monthly migraine days are used here) and the day definitions of ICHD-3 (Cephalalgia
2018;38:1-211) as the clinical engine implements them: monthly migraine days, headache days,
moderate/severe headache days, acute-medication days (any class and per class), days lost,
attacks, mean peak intensity and mean attack duration. A "month" is 28 days; every rate is
per *recorded* day, scaled to 28 days, so a missing day is never counted as headache-free.

Intervals (docs/outcomes.md states them for readers):

* **A rate** (days or attacks per 28 recorded days): the exact Poisson interval of Garwood
  (Biometrika 1936;28:437-442), widened for over-dispersion by the quasi-Poisson principle
  (Wedderburn, Biometrika 1974;61:439-447; McCullagh & Nelder, *Generalized Linear Models*,
  2nd ed., 1989, sec. 4.5): the count ``y`` with dispersion ``phi`` is treated as the effective
  count ``y/phi`` on the effective exposure ``n/phi``, as the gamma interval of Fay & Feuer
  (Stat Med 1997;16:791-801) treats weighted counts. ``phi`` is the Pearson statistic of the
  client's 7-day blocks around their period's rate, over its degrees of freedom, never below 1.
  Migraine days cluster (an attack lasts up to 72 hours and recurs), so days are not
  independent; the blocks capture that clustering within a week, which a day-level binomial or
  plain Poisson interval would ignore and so come out too narrow. Slow month-to-month swings
  are not in it: that is the phase model's work (docs/outcomes-model.md).
* **A change** (period minus baseline, per 28 days): the MOVER interval (Zou & Donner, Stat Med
  2008;27:1693-1702; for Poisson rates Li, Tang & Wong, Comput Stat 2014;29:869-889) built from
  the two rates' intervals above.
* **A percent change** (rate ratio minus 1): the exact conditional interval: given the two
  counts' total, the period's share is binomial, and its Clopper-Pearson interval (Biometrika
  1934;26:404-413) maps to the rate ratio (Breslow & Day, *Statistical Methods in Cancer
  Research* II, IARC 1987), on effective counts as above.
* **A mean** (peak intensity, attack duration): Student's t interval over the period's attacks;
  its change from the baseline: Welch's interval (Welch, Biometrika 1947;34:28-35).

Every interval is at ``confidence`` (default 95%) and says how many recorded days it rests on.
The change intervals treat the baseline and the period as independent samples of the client's
days; they do not correct for regression to the mean (people start therapy at their worst):
see docs/outcomes-model.md for the estimate that does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

import numpy as np
from scipy import special

from headwise.stats.errors import AnalysisError
from headwise.stats.rates import DAYS_PER_MONTH
from headwise.stats.series import PHASE_BEFORE, DaySeries, FloatArray, IntArray

__all__ = [
    "BASELINE",
    "BLOCK_DAYS",
    "TREATMENT",
    "TREATMENT_PHASES",
    "DAY_MEASURES",
    "MEAN_MEASURES",
    "RESPONDER_THRESHOLDS",
    "Change",
    "Mean",
    "MeanChange",
    "Outcomes",
    "PeriodOutcome",
    "PeriodTable",
    "Rate",
    "Responder",
    "ResponderStatus",
    "NotAssessable",
    "period_outcomes",
    "dominant_phase",
    "exact_rate_ratio_interval",
    "garwood_interval",
    "mover_difference",
    "pearson_dispersion",
    "period_bounds",
    "period_table",
    "welch_interval",
]

#: The phase label of the baseline period (the ``baseline_days`` before the first session).
BASELINE = "baseline"
#: Phase labels of periods under care in a :class:`PeriodTable`; ``treatment`` is a period after
#: the first session whose days lie mostly in no plan phase.
TREATMENT = "treatment"
TREATMENT_PHASES: tuple[str, ...] = ("intensive", "stabilising", "maintenance", TREATMENT)
#: Days per block for the dispersion estimate.
BLOCK_DAYS = 7
#: Rate measures counted in days (at most one per day): name -> the series' day column.
DAY_MEASURES: Mapping[str, str] = MappingProxyType(
    {
        "migraine_days": "migraine",
        "headache_days": "headache",
        "moderate_severe_days": "moderate_severe",
        "acute_medication_days": "acute_medication",
        "days_lost": "days_lost",
    }
)
#: Measures that are means over the attacks of a period.
MEAN_MEASURES: tuple[str, ...] = ("peak_intensity", "attack_hours")
#: IHS responder thresholds: percent reduction of monthly migraine days from the baseline.
RESPONDER_THRESHOLDS: tuple[int, ...] = (30, 50, 75)


class ResponderStatus(StrEnum):
    RESPONDER = "responder"
    NON_RESPONDER = "non_responder"
    NOT_ASSESSABLE = "not_assessable"


class NotAssessable(StrEnum):
    """Why a responder status cannot be given (the pages word it for the reader)."""

    NO_SESSION = "no_session"
    """No session yet: there is no baseline to compare with."""
    BASELINE_INSUFFICIENT = "baseline_insufficient"
    """Fewer than ``min_recorded_days`` recorded days in the baseline."""
    BASELINE_ZERO = "baseline_zero"
    """No migraine day in the baseline: a reduction from zero is not defined."""
    PERIOD_INSUFFICIENT = "period_insufficient"
    """Fewer than ``min_recorded_days`` recorded days in the period."""


# --- Intervals --------------------------------------------------------------------------------


def _alpha(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise AnalysisError("confidence must lie strictly between 0 and 1")
    return 1.0 - confidence


def garwood_interval(
    count: float, exposure: float, *, dispersion: float = 1.0, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact Poisson (Garwood) interval for ``count / exposure``, on effective counts.

    With ``dispersion`` phi, the interval is Garwood's for the count ``count/phi`` on the
    exposure ``exposure/phi`` (Fay & Feuer, Stat Med 1997;16:791-801): the estimate stays
    ``count/exposure`` and its variance becomes ``phi * count / exposure**2``, the quasi-Poisson
    variance. With phi = 1 it is Garwood (Biometrika 1936;28:437).

    Examples
    --------
    >>> low, high = garwood_interval(6, 28)
    >>> round(low * 28, 3), round(high * 28, 3)
    (2.202, 13.059)
    >>> garwood_interval(0, 28)[0]
    0.0
    """
    if exposure <= 0:
        raise AnalysisError("exposure must be positive")
    if count < 0:
        raise AnalysisError("count cannot be negative")
    if dispersion < 1:
        raise AnalysisError("dispersion must be at least 1")
    alpha = _alpha(confidence)
    y = count / dispersion
    n = exposure / dispersion
    # chi2.ppf(q, 2k) / 2 is the gamma quantile gammaincinv(k, q): the ufunc, without SciPy's
    # distribution machinery (a page computes some hundred of these).
    low = 0.0 if y == 0 else float(special.gammaincinv(y, alpha / 2)) / n
    high = float(special.gammaincinv(y + 1, 1 - alpha / 2)) / n
    return low, high


def mover_difference(
    rate1: float, ci1: tuple[float, float], rate2: float, ci2: tuple[float, float]
) -> tuple[float, float]:
    """MOVER interval for ``rate1 - rate2`` from the two rates' own intervals.

    Zou & Donner, Stat Med 2008;27:1693-1702, eq. 5-6: the limits recover the variances from
    the single intervals, so an asymmetric (exact) interval stays asymmetric.

    Examples
    --------
    Period 4 (3 to 6), baseline 8 (6 to 11): -4 - sqrt(1**2 + 3**2), -4 + sqrt(2**2 + 2**2).

    >>> mover_difference(4.0, (3.0, 6.0), 8.0, (6.0, 11.0))
    (-7.16227766016838, -1.1715728752538097)
    """
    d = rate1 - rate2
    low = d - float(np.hypot(rate1 - ci1[0], ci2[1] - rate2))
    high = d + float(np.hypot(ci1[1] - rate1, rate2 - ci2[0]))
    return low, high


def exact_rate_ratio_interval(
    count1: float,
    exposure1: float,
    count2: float,
    exposure2: float,
    *,
    dispersion: float = 1.0,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """Exact conditional interval for the rate ratio ``(count1/exposure1) / (count2/exposure2)``.

    Given the total, ``count1`` is binomial with share ``p = e1*R / (e1*R + e2)``; the
    Clopper-Pearson limits of ``p`` (beta quantiles, which accept the non-integer effective
    counts ``count/dispersion``) map to ``R = p/(1-p) * e2/e1``. ``None`` when both counts are
    zero; the upper limit is ``inf`` when ``count2`` is zero.

    Examples
    --------
    >>> low, high = exact_rate_ratio_interval(4, 28, 8, 28)
    >>> round(low, 4), round(high, 4)
    (0.1102, 1.8664)
    """
    if exposure1 <= 0 or exposure2 <= 0:
        raise AnalysisError("exposures must be positive")
    if dispersion < 1:
        raise AnalysisError("dispersion must be at least 1")
    alpha = _alpha(confidence)
    a = count1 / dispersion
    b = count2 / dispersion
    if a == 0 and b == 0:
        return None
    p_low = 0.0 if a == 0 else float(special.betaincinv(a, b + 1, alpha / 2))
    p_high = 1.0 if b == 0 else float(special.betaincinv(a + 1, b, 1 - alpha / 2))
    scale = exposure2 / exposure1
    low = p_low / (1 - p_low) * scale
    high = np.inf if p_high >= 1 else p_high / (1 - p_high) * scale
    return low, float(high)


def welch_interval(
    x: Sequence[float] | FloatArray, y: Sequence[float] | FloatArray, *, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Welch's interval for ``mean(x) - mean(y)`` (unequal variances); ``None`` under 2 values each.

    Examples
    --------
    >>> low, high = welch_interval([5, 6, 7], [7, 8, 9, 8])
    >>> round(low, 3), round(high, 3)
    (-3.992, -0.008)
    """
    alpha = _alpha(confidence)
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.size < 2 or b.size < 2:
        return None
    va = float(a.var(ddof=1)) / a.size
    vb = float(b.var(ddof=1)) / b.size
    d = float(a.mean() - b.mean())
    se2 = va + vb
    if se2 == 0:
        return d, d
    df = se2**2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(special.stdtrit(df, 1 - alpha / 2)) * float(np.sqrt(se2))
    return d - half, d + half


def _t_interval(values: FloatArray, confidence: float) -> tuple[float, float] | None:
    if values.size < 2:
        return None
    m = float(values.mean())
    half = float(special.stdtrit(values.size - 1, 1 - _alpha(confidence) / 2)) * float(
        values.std(ddof=1) / np.sqrt(values.size)
    )
    return m - half, m + half


def pearson_dispersion(counts: IntArray, exposures: IntArray, groups: IntArray, *, min_df: int = 4) -> float:
    """Quasi-Poisson dispersion of block counts around their group's rate, never below 1.

    ``phi = sum((y - n*r_g)**2 / (n*r_g)) / (blocks - groups)`` over blocks with exposure
    (McCullagh & Nelder 1989, sec. 4.5, the Pearson estimate), where ``r_g`` is the rate of
    the block's group (its period). Groups with no event add nothing to the sum, and no block
    nor degree of freedom either. With fewer than ``min_df`` degrees of freedom the data cannot
    estimate phi and 1 (Poisson) is returned.

    Examples
    --------
    Two periods of four weeks: 0, 7, 0, 7 migraine days (rate 1/2, expected 3.5 a week, Pearson
    4 x 3.5**2 / 3.5 = 14) and 1, 1, 1, 1 (rate 1/7, expected 1, Pearson 0); 8 - 2 = 6 df:

    >>> import numpy as np
    >>> y = np.array([0, 7, 0, 7, 1, 1, 1, 1]); n = np.full(8, 7); g = np.array([0]*4 + [1]*4)
    >>> round(pearson_dispersion(y, n, g), 3)
    2.333
    """
    keep = exposures > 0
    y = counts[keep].astype(np.float64)
    n = exposures[keep].astype(np.float64)
    g = groups[keep]
    if y.size == 0:
        return 1.0
    _, g = np.unique(g, return_inverse=True)
    rate = np.bincount(g, y) / np.bincount(g, n)
    expected = n * rate[g]
    informative = rate[g] > 0
    groups_used = int(np.unique(g[informative]).size)
    df = int(np.count_nonzero(informative)) - groups_used
    if df < min_df:
        return 1.0
    chi2 = float(np.sum((y[informative] - expected[informative]) ** 2 / expected[informative]))
    return max(1.0, chi2 / df)


# --- Periods ---------------------------------------------------------------------------------


def period_bounds(
    n_days: int, first_session: int | None, *, baseline_days: int = 28, period_days: int = 28
) -> list[tuple[str, int, int]]:
    """The analysis periods as ``(kind, first, stop)`` column ranges of a series of ``n_days``.

    ``kind`` is ``"before"`` (earlier periods of ``period_days``, counted back from the
    baseline's start and cut at the series' first day), ``"baseline"`` (the ``baseline_days``
    before the column ``first_session``) or ``"after"`` (``period_days`` each from the first
    session on). Without a session, periods of ``period_days`` run from the first day, kind
    ``"period"``. ``stop`` is cut at ``n_days`` (the diary ends there, so the last period may be
    short). The baseline's and the after-periods' ``first`` is *not* cut: a baseline that starts
    before the series' first day has those days as missing days (columns below 0 hold nothing).

    Examples
    --------
    >>> period_bounds(100, 40, baseline_days=28, period_days=28)
    [('before', 0, 12), ('baseline', 12, 40), ('after', 40, 68), ('after', 68, 96), ('after', 96, 100)]
    >>> period_bounds(30, 10, baseline_days=28, period_days=28)
    [('baseline', -18, 10), ('after', 10, 30)]
    """
    if baseline_days < 1 or period_days < 1:
        raise AnalysisError("baseline_days and period_days must be at least 1")
    if first_session is None:
        return [("period", lo, min(lo + period_days, n_days)) for lo in range(0, n_days, period_days)]
    k = first_session
    base_lo = k - baseline_days
    before: list[tuple[str, int, int]] = []
    hi = base_lo
    while hi > 0:
        lo = max(hi - period_days, 0)
        if lo < n_days:
            before.append(("before", lo, min(hi, n_days)))
        hi -= period_days
    out = list(reversed(before))
    if base_lo < n_days:
        out.append((BASELINE, base_lo, min(k, n_days)))
    lo = k
    while lo < n_days:
        if min(lo + period_days, n_days) > max(lo, 0):
            out.append(("after", lo, min(lo + period_days, n_days)))
        lo += period_days
    return out


def dominant_phase(labels: Sequence[str]) -> str:
    """The most frequent label; a tie goes to the label whose last day comes latest.

    Examples
    --------
    >>> dominant_phase(["intensive"] * 10 + ["stabilising"] * 18)
    'stabilising'
    >>> dominant_phase(["intensive", "stabilising", "stabilising", "intensive"])
    'intensive'
    """
    if not labels:
        raise AnalysisError("a period needs at least one day")
    last = {lab: i for i, lab in enumerate(labels)}
    return max(last, key=lambda lab: (labels.count(lab), last[lab]))


def _first_session(series: DaySeries) -> int | None:
    return series.index_of(series.session_days[0]) if series.session_days else None


@dataclass(frozen=True)
class PeriodTable:
    """Per-period arrays for the phase model (docs/outcomes-model.md), one entry per period.

    ``migraine_days`` are counted on recorded days, ``recorded_days`` is the offset's exposure;
    ``phase`` is ``"before"`` for periods before the baseline, ``"baseline"`` for the baseline,
    and after it the dominant plan phase of the period's days (:data:`TREATMENT_PHASES`), or
    ``"treatment"`` when most of its days lie in no plan phase (sessions without a plan).
    Without any session every period is ``"before"``: nothing in the diary is under care. ``month_of_year`` is
    the month (1-12) of the period's middle day. ``n_days`` (calendar days) and ``sessions``
    (sessions in the period) are ``None`` when a caller built the table without them. A period
    with no recorded day has ``recorded_days`` 0: :meth:`recorded` leaves those out.
    """

    migraine_days: IntArray
    recorded_days: IntArray
    phase: tuple[str, ...]
    period_start: tuple[date, ...]
    month_of_year: IntArray
    n_days: IntArray | None = None
    sessions: IntArray | None = None

    def __post_init__(self) -> None:
        n = len(self.phase)
        for name in ("migraine_days", "recorded_days", "month_of_year", "n_days", "sessions"):
            value = getattr(self, name)
            if value is None:
                continue
            array = np.array(value, dtype=np.int64)
            if array.shape != (n,):
                raise AnalysisError(f"{name} must have one entry per period ({n})")
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        if len(self.period_start) != n:
            raise AnalysisError(f"period_start must have one entry per period ({n})")
        if np.any(self.migraine_days > self.recorded_days) or np.any(self.migraine_days < 0):
            raise AnalysisError("migraine_days must lie between 0 and recorded_days")

    def __len__(self) -> int:
        return len(self.phase)

    def recorded(self) -> PeriodTable:
        """The periods with at least one recorded day (a GLM's offset needs exposure)."""
        keep = self.recorded_days > 0
        idx = np.flatnonzero(keep)
        return PeriodTable(
            migraine_days=self.migraine_days[keep],
            recorded_days=self.recorded_days[keep],
            phase=tuple(self.phase[i] for i in idx),
            period_start=tuple(self.period_start[i] for i in idx),
            month_of_year=self.month_of_year[keep],
            n_days=None if self.n_days is None else self.n_days[keep],
            sessions=None if self.sessions is None else self.sessions[keep],
        )


def _sums(values: IntArray | FloatArray, bounds: Sequence[tuple[str, int, int]]) -> IntArray:
    if not bounds:
        return np.zeros(0, dtype=np.int64)
    n = len(values)
    starts = np.clip(np.array([lo for _, lo, _ in bounds], dtype=np.int64), 0, n)
    stops = np.clip(np.array([hi for _, _, hi in bounds], dtype=np.int64), 0, n)
    cum = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    out: IntArray = cum[stops] - cum[starts]
    return out


def _session_counts(series: DaySeries, bounds: Sequence[tuple[str, int, int]]) -> IntArray:
    idx = series.session_indices()
    return np.array([int(np.count_nonzero((idx >= lo) & (idx < hi))) for _, lo, hi in bounds], dtype=np.int64)


def _model_phase(series: DaySeries, kind: str, lo: int, hi: int) -> str:
    if kind == BASELINE:
        return BASELINE
    if kind != "after":
        return PHASE_BEFORE
    dominant = dominant_phase(series.phase[max(lo, 0) : hi])
    return dominant if dominant in TREATMENT_PHASES else TREATMENT


def period_table(
    series: DaySeries, *, period_days: int = 28, baseline_days: int | None = None
) -> PeriodTable:
    """The per-period arrays of ``series`` for the phase model.

    Periods are laid as :func:`period_bounds` lays them (``baseline_days`` defaults to
    ``period_days``), the periods before the baseline included: they tell the client's usual
    level. Without a session there is no baseline and every period is ``"before"``.

    Examples
    --------
    >>> s = DaySeries.from_columns(date(2026, 1, 1), recorded=[True] * 70,
    ...     migraine=[i % 7 == 0 for i in range(70)],
    ...     phase=("before",) * 56 + ("intensive",) * 14, session_days=(date(2026, 2, 26),))
    >>> t = period_table(s)
    >>> t.phase, t.migraine_days.tolist(), t.recorded_days.tolist(), t.month_of_year.tolist()
    (('before', 'baseline', 'intensive'), [4, 4, 2], [28, 28, 14], [1, 2, 3])
    """
    bounds = period_bounds(
        series.n_days,
        _first_session(series),
        baseline_days=period_days if baseline_days is None else baseline_days,
        period_days=period_days,
    )
    phases = tuple(_model_phase(series, kind, lo, hi) for kind, lo, hi in bounds)
    middle = [series.start + timedelta(days=(lo + hi - 1) // 2) for _, lo, hi in bounds]
    return PeriodTable(
        migraine_days=_sums(series.migraine.astype(np.int64), bounds),
        recorded_days=_sums(series.recorded.astype(np.int64), bounds),
        phase=phases,
        period_start=tuple(series.start + timedelta(days=lo) for _, lo, _ in bounds),
        month_of_year=np.array([d.month for d in middle], dtype=np.int64),
        n_days=np.array([hi - lo for _, lo, hi in bounds], dtype=np.int64),
        sessions=_session_counts(series, bounds),
    )


# --- Per-period outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A count on a period's recorded days, per recorded day and per 28 days, with its interval.

    ``per_day``, ``per_28``, ``low`` and ``high`` are ``None`` when no day was recorded;
    ``low``/``high`` bound ``per_28``.
    """

    count: int
    recorded_days: int
    per_day: float | None
    per_28: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Change:
    """A period's rate against the baseline's, per 28 days.

    ``absolute`` = period - baseline (``low``/``high`` its MOVER interval); ``percent`` =
    (ratio - 1) x 100 with the exact conditional interval (``None`` when the baseline count is 0;
    ``percent_high`` is ``inf`` when the interval has no upper end).
    """

    absolute: float
    low: float
    high: float
    percent: float | None
    percent_low: float | None
    percent_high: float | None


@dataclass(frozen=True)
class Mean:
    """A mean over the period's attacks (``n`` of them), with Student's t interval."""

    n: int
    mean: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class MeanChange:
    """Period mean minus baseline mean, with Welch's interval (``None`` under 2 attacks each)."""

    difference: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Responder:
    """The IHS responder status at ``threshold`` percent reduction of monthly migraine days."""

    threshold: int
    status: ResponderStatus
    reduction: float | None
    """Percent reduction from the baseline (negative: more migraine days)."""
    reason: NotAssessable | None = None


@dataclass(frozen=True)
class PeriodOutcome:
    """One period's measures (``kind`` ``"baseline"`` or ``"after"``; ``index`` 0 is the baseline).

    ``phase`` is the period's dominant care phase (``"baseline"`` for the baseline).
    """

    index: int
    kind: str
    phase: str
    start: date
    end: date
    n_days: int
    full_days: int
    recorded_days: int
    sessions: int
    rates: Mapping[str, Rate]
    means: Mapping[str, Mean]
    changes: Mapping[str, Change | None]
    mean_changes: Mapping[str, MeanChange | None]
    responders: tuple[Responder, ...]

    @property
    def missing_days(self) -> int:
        """Days without any entry (never counted as headache-free)."""
        return self.n_days - self.recorded_days

    @property
    def completeness(self) -> float:
        """Recorded days / days in the period."""
        return self.recorded_days / self.n_days if self.n_days else 0.0

    @property
    def short(self) -> bool:
        """Fewer days than a whole period (the diary ends, or starts, inside it)."""
        return self.n_days < self.full_days

    def responder(self, threshold: int = 50) -> Responder | None:
        """The responder status at ``threshold`` percent, if computed."""
        return next((r for r in self.responders if r.threshold == threshold), None)


@dataclass(frozen=True)
class Outcomes:
    """A client's baseline and the periods after it.

    ``baseline`` is ``None`` without a session or when the baseline lies wholly before the
    series (then ``periods`` is empty too). ``baseline_incomplete`` flags a baseline recorded on
    fewer than ``min_completeness`` of its days (80% by default). ``dispersion`` is the
    quasi-Poisson factor each rate's interval used (1 = Poisson).
    """

    first_session: date | None
    baseline: PeriodOutcome | None
    periods: tuple[PeriodOutcome, ...]
    baseline_days: int
    period_days: int
    min_completeness: float
    min_recorded_days: int
    confidence: float
    dispersion: Mapping[str, float]
    rate_measures: tuple[str, ...]

    @property
    def baseline_incomplete(self) -> bool:
        """The baseline has fewer recorded days than ``min_completeness`` of its length."""
        if self.baseline is None:
            return True
        return self.baseline.recorded_days < self.min_completeness * self.baseline_days


def _rate_columns(series: DaySeries) -> dict[str, IntArray]:
    columns = {name: series.column(col).astype(np.int64) for name, col in DAY_MEASURES.items()}
    for drug_class, col in series.medication.items():
        columns[f"medication_days:{drug_class}"] = col.astype(np.int64)
    columns["attacks"] = series.attacks
    return columns


def _blocks(bounds: Sequence[tuple[str, int, int]]) -> list[tuple[int, int, int]]:
    return [
        (g, lo, min(lo + BLOCK_DAYS, hi))
        for g, (_, p_lo, hi) in enumerate(bounds)
        for lo in range(p_lo, hi, BLOCK_DAYS)
    ]


def _rate(count: int, recorded: int, dispersion: float, confidence: float, cap: float | None) -> Rate:
    if recorded == 0:
        return Rate(count, 0, None, None, None, None)
    low, high = garwood_interval(count, recorded, dispersion=dispersion, confidence=confidence)
    per_day = count / recorded
    top = high * DAYS_PER_MONTH
    return Rate(
        count,
        recorded,
        per_day,
        per_day * DAYS_PER_MONTH,
        low * DAYS_PER_MONTH,
        min(top, cap) if cap is not None else top,
    )


def _change(period: Rate, base: Rate, dispersion: float, confidence: float) -> Change | None:
    if period.recorded_days == 0 or base.recorded_days == 0:
        return None
    m = float(DAYS_PER_MONTH)
    period_28 = period.count / period.recorded_days * m
    base_28 = base.count / base.recorded_days * m
    ci_p = garwood_interval(period.count, period.recorded_days, dispersion=dispersion, confidence=confidence)
    ci_b = garwood_interval(base.count, base.recorded_days, dispersion=dispersion, confidence=confidence)
    low, high = mover_difference(period_28, (ci_p[0] * m, ci_p[1] * m), base_28, (ci_b[0] * m, ci_b[1] * m))
    percent = percent_low = percent_high = None
    ratio = exact_rate_ratio_interval(
        period.count,
        period.recorded_days,
        base.count,
        base.recorded_days,
        dispersion=dispersion,
        confidence=confidence,
    )
    if base.count > 0 and ratio is not None:
        percent = (period_28 / base_28 - 1) * 100
        percent_low, percent_high = (ratio[0] - 1) * 100, (ratio[1] - 1) * 100
    return Change(period_28 - base_28, low, high, percent, percent_low, percent_high)


def _attack_values(series: DaySeries, name: str, lo: int, hi: int) -> FloatArray:
    inside = (series.attack_day >= lo) & (series.attack_day < hi)
    values = series.attack_peak if name == "peak_intensity" else series.attack_hours
    chosen = values[inside]
    chosen = chosen[~np.isnan(chosen)]
    if name == "peak_intensity":
        # An aura without headache has peak 0: no headache, so no headache intensity (ICHD-3 1.2.1.2).
        chosen = chosen[chosen > 0]
    out: FloatArray = chosen.astype(np.float64)
    return out


def _mean(values: FloatArray, confidence: float) -> Mean:
    if values.size == 0:
        return Mean(0, None, None, None)
    ci = _t_interval(values, confidence)
    return Mean(int(values.size), float(values.mean()), *(ci if ci else (None, None)))


def _responders(
    period: Rate, base: Rate | None, base_ok: bool, period_ok: bool, has_session: bool
) -> tuple[Responder, ...]:
    reason: NotAssessable | None = None
    reduction: float | None = None
    if not has_session or base is None:
        reason = NotAssessable.NO_SESSION
    elif not base_ok:
        reason = NotAssessable.BASELINE_INSUFFICIENT
    elif base.count == 0:
        reason = NotAssessable.BASELINE_ZERO
    elif not period_ok:
        reason = NotAssessable.PERIOD_INSUFFICIENT
    else:
        ratio = (period.count / period.recorded_days) / (base.count / base.recorded_days)
        reduction = (1 - ratio) * 100
    out = []
    for threshold in RESPONDER_THRESHOLDS:
        if reason is not None or reduction is None:
            out.append(Responder(threshold, ResponderStatus.NOT_ASSESSABLE, None, reason))
        else:
            # A small tolerance: 14 -> 7 days is exactly 50%, whatever the floating point says.
            met = reduction >= threshold - 1e-9
            status = ResponderStatus.RESPONDER if met else ResponderStatus.NON_RESPONDER
            out.append(Responder(threshold, status, reduction))
    return tuple(out)


def period_outcomes(
    series: DaySeries,
    *,
    baseline_days: int = 28,
    period_days: int = 28,
    min_completeness: float = 0.8,
    min_recorded_days: int = 14,
    confidence: float = 0.95,
) -> Outcomes:
    """The baseline and every following period of one client's series.

    Parameters
    ----------
    series
        The client's days (:class:`~headwise.stats.series.DaySeries`).
    baseline_days
        Days before the first session that form the baseline (IHS: 28).
    period_days
        Length of each period after the first session (28).
    min_completeness
        A baseline recorded on fewer than this share of its days is flagged (80%).
    min_recorded_days
        Fewer recorded days than this in the baseline or a period makes the responder status
        "not assessable" (a rate from under half a month of entries is too unsure to classify).
    confidence
        Two-sided level of every interval.

    Examples
    --------
    Baseline: 28 recorded days, 8 migraine days; then 28 days with 4:

    >>> s = DaySeries.from_columns(date(2026, 1, 1), recorded=[True] * 56,
    ...     migraine=[i in (0, 3, 6, 9, 12, 15, 18, 21, 28, 35, 42, 49) for i in range(56)],
    ...     session_days=(date(2026, 1, 29),))
    >>> o = period_outcomes(s)
    >>> r = o.periods[0].rates["migraine_days"]
    >>> r.count, r.per_28, o.periods[0].changes["migraine_days"].percent
    (4, 4.0, -50.0)
    >>> [x.status.value for x in o.periods[0].responders]
    ['responder', 'responder', 'non_responder']
    """
    if not 0 < min_completeness <= 1:
        raise AnalysisError("min_completeness must lie in (0, 1]")
    first = _first_session(series)
    bounds = period_bounds(series.n_days, first, baseline_days=baseline_days, period_days=period_days)
    analysed = [b for b in bounds if b[0] in (BASELINE, "after")]
    columns = _rate_columns(series)
    recorded = _sums(series.recorded.astype(np.int64), analysed)
    blocks = _blocks(analysed)
    block_groups = np.array([g for g, _, _ in blocks], dtype=np.int64)
    block_rec = _sums(series.recorded.astype(np.int64), [("", lo, hi) for _, lo, hi in blocks])
    dispersion: dict[str, float] = {}
    counts: dict[str, IntArray] = {}
    for name, col in columns.items():
        counts[name] = _sums(col, analysed)
        block_counts = _sums(col, [("", lo, hi) for _, lo, hi in blocks])
        dispersion[name] = pearson_dispersion(block_counts, block_rec, block_groups)
    sessions = _session_counts(series, analysed)
    has_baseline = bool(analysed) and analysed[0][0] == BASELINE
    base_rates: dict[str, Rate] = {}
    base_values: dict[str, FloatArray] = {}
    out: list[PeriodOutcome] = []
    for j, (kind, lo, hi) in enumerate(analysed):
        rec = int(recorded[j])
        rates = {
            name: _rate(
                int(counts[name][j]),
                rec,
                dispersion[name],
                confidence,
                None if name == "attacks" else float(DAYS_PER_MONTH),
            )
            for name in columns
        }
        values = {name: _attack_values(series, name, lo, hi) for name in MEAN_MEASURES}
        if kind == BASELINE:
            base_rates, base_values = rates, values
        is_after = kind == "after"
        changes = {
            name: _change(rates[name], base_rates[name], dispersion[name], confidence)
            if is_after and has_baseline
            else None
            for name in columns
        }
        mean_changes: dict[str, MeanChange | None] = {}
        for name in MEAN_MEASURES:
            if is_after and has_baseline and values[name].size and base_values[name].size:
                ci = welch_interval(values[name], base_values[name], confidence=confidence)
                diff = float(values[name].mean() - base_values[name].mean())
                mean_changes[name] = MeanChange(diff, *(ci if ci else (None, None)))
            else:
                mean_changes[name] = None
        base_rec = int(recorded[0]) if has_baseline else 0
        responders = (
            _responders(
                rates["migraine_days"],
                base_rates.get("migraine_days"),
                base_rec >= min_recorded_days,
                rec >= min_recorded_days,
                first is not None,
            )
            if is_after
            else ()
        )
        full = baseline_days if kind == BASELINE else period_days
        out.append(
            PeriodOutcome(
                index=j if has_baseline else j + 1,
                kind=kind,
                phase=BASELINE if kind == BASELINE else dominant_phase(series.phase[max(lo, 0) : hi]),
                start=series.start + timedelta(days=lo),
                end=series.start + timedelta(days=hi - 1),
                n_days=hi - lo,
                full_days=full,
                recorded_days=rec,
                sessions=int(sessions[j]),
                rates=MappingProxyType(rates),
                means=MappingProxyType({name: _mean(values[name], confidence) for name in MEAN_MEASURES}),
                changes=MappingProxyType(changes),
                mean_changes=MappingProxyType(mean_changes),
                responders=responders,
            )
        )
    baseline = out[0] if has_baseline else None
    return Outcomes(
        first_session=series.session_days[0] if series.session_days else None,
        baseline=baseline,
        periods=tuple(p for p in out if p.kind == "after"),
        baseline_days=baseline_days,
        period_days=period_days,
        min_completeness=min_completeness,
        min_recorded_days=min_recorded_days,
        confidence=confidence,
        dispersion=MappingProxyType(dispersion),
        rate_measures=tuple(columns),
    )
