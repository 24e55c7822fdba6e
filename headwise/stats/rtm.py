"""Regression to the mean, measured: how much of a before/after change the starting month explains.

People book therapy after a bad spell, so the 28 days before the first session (the baseline)
stand above the person's usual level partly by chance, and the months after would be better
even with no effect of care at all (Barnett, van der Pols & Dobson, Int J Epidemiol
2005;34:215-220). :func:`regression_to_mean` measures that part where earlier data exist and
reports the change beyond it; where none exist it says (by a code) that the two cannot be told apart.

Pure: arrays in, a frozen dataclass out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

from headwise.stats._glm import fit_poisson
from headwise.stats.errors import AnalysisError
from headwise.stats.phases import (
    BASELINE,
    BEFORE,
    MIN_REFERENCE_PERIODS,
    TREATMENT_PHASES,
    Caveat,
    PhaseComparison,
    _validated,
    compare_phases,
)

__all__ = ["Ratio", "RtmResult", "RtmStatus", "RtmCaveat", "regression_to_mean", "naive_before_after"]

MONTH = 28


class RtmStatus:
    """What the usual level rests on."""

    DIARY = "measured_from_diary"
    """Diary periods before the baseline give the usual level."""
    INTAKE = "measured_from_intake"
    """Only the usual monthly migraine days the client reported at intake give it."""
    NOT_SEPARABLE = "not_separable"
    """No earlier data: the before/after change cannot be separated from regression to the mean."""


class RtmCaveat:
    """Codes the pages translate."""

    NOT_SEPARABLE = "rtm_not_separable"
    """The change since the baseline may be, in part or whole, regression to the mean."""
    NEEDS_PERIODS_WITHOUT_SESSIONS = "needs_periods_without_sessions"
    """Only a comparison with periods without sessions (diary kept before care, or a pause) could
    separate the two."""
    USUAL_LEVEL_SELF_REPORTED = "usual_level_self_reported"
    """The usual level is the client's own estimate at intake, not measured; its uncertainty is
    unknown and not in the interval."""
    ASSUMES_STABLE_USUAL_LEVEL = "assumes_stable_usual_level"
    """The usual level is assumed not to drift: too little diary before the baseline for the
    phase model's trend term, or only an intake figure."""
    FEW_PERIODS = "few_periods"
    """Fewer than 3 periods behind the usual level or under care."""
    NAIVE_IS_OPTIMISTIC = "naive_comparison_treats_periods_as_independent"
    """The naive before/after interval treats months as independent Poisson counts and uses the
    selected window as the reference: it is too narrow and biased towards improvement."""


@dataclass(frozen=True)
class Ratio:
    """A ratio with its interval; ``method`` is a code for how the interval was computed."""

    estimate: float
    low: float
    high: float
    method: str

    @property
    def excludes_one(self) -> bool:
        return self.high < 1.0 or self.low > 1.0


@dataclass(frozen=True)
class RtmResult:
    """The result of :func:`regression_to_mean`.

    Attributes
    ----------
    status : str
        An :class:`RtmStatus` code.
    usual_per_28_days, baseline_per_28_days, care_per_28_days : float | None
        Migraine days per 28 recorded days: usual level (before the baseline, or as reported at
        intake), in the baseline window, and under care.
    baseline_excess : Ratio | None
        Baseline rate over the usual rate: how far the starting month stood above the usual level.
    expected_without_care : Ratio | None
        The rate ratio (under care over baseline) that regression to the mean alone predicts:
        ``usual / baseline`` = ``1 / baseline_excess``. ``1 - expected_without_care`` is the share of
        the baseline's migraine days expected to go away with no effect of care.
    naive : Ratio
        Under care over the baseline, as a naive before/after comparison reports it.
    beyond : Ratio | None
        The change beyond regression to the mean: the rate under care over the usual rate.
    changed_beyond_expected : bool | None
        ``beyond``'s interval excludes 1; ``None`` when not separable.
    caveats : tuple[str, ...]
        :class:`RtmCaveat` codes.
    """

    status: str
    usual_per_28_days: float | None
    baseline_per_28_days: float | None
    care_per_28_days: float
    baseline_excess: Ratio | None
    expected_without_care: Ratio | None
    naive: Ratio | None
    beyond: Ratio | None
    changed_beyond_expected: bool | None
    usual_periods: int
    care_periods: int
    caveats: tuple[str, ...]
    confidence: float


def _garwood(count: float, confidence: float) -> tuple[float, float]:
    """Exact (Garwood 1936) interval for a Poisson mean given one observed count."""
    a = 1 - confidence
    low = 0.0 if count == 0 else float(sps.chi2.ppf(a / 2, 2 * count) / 2)
    high = float(sps.chi2.ppf(1 - a / 2, 2 * count + 2) / 2)
    return low, high


def naive_before_after(
    care_days: float,
    care_recorded: float,
    baseline_days: float,
    baseline_recorded: float,
    confidence: float = 0.95,
) -> Ratio:
    """Rate under care over the baseline rate, with the exact conditional interval.

    The comparison a simple before/after analysis makes: all days independent Poisson, the
    baseline window as the reference. Given the total ``n = care_days + baseline_days``, the care
    count is binomial with ``p = RR e1 / (RR e1 + e0)``; the Clopper–Pearson interval for ``p``
    maps to the rate ratio (the conditional exact method; Armitage, Berry & Matthews, Statistical
    Methods in Medical Research, 4th ed., 2002, section 5.3).
    """
    if care_recorded <= 0 or baseline_recorded <= 0:
        raise AnalysisError("recorded_days: the baseline and the care periods each need a recorded day")
    n = int(care_days + baseline_days)
    exposure = care_recorded / baseline_recorded
    if n == 0:
        return Ratio(float("nan"), 0.0, float("inf"), "exact_conditional_poisson")
    ci = sps.binomtest(int(care_days), n).proportion_ci(confidence_level=confidence, method="exact")

    def to_ratio(prop: float) -> float:
        return float("inf") if prop >= 1 else prop / (1 - prop) / exposure

    estimate = to_ratio(float(care_days) / n) if baseline_days > 0 else float("inf")
    return Ratio(estimate, to_ratio(float(ci.low)), to_ratio(float(ci.high)), "exact_conditional_poisson")


def regression_to_mean(
    migraine_days: ArrayLike,
    recorded_days: ArrayLike,
    phase: Sequence[str],
    period_index: ArrayLike | None = None,
    *,
    month_of_year: ArrayLike | None = None,
    menstrual: ArrayLike | None = None,
    usual_monthly_migraine_days: float | None = None,
    comparison: PhaseComparison | None = None,
    confidence: float = 0.95,
) -> RtmResult:
    """Measure regression to the mean in one client's before/after change.

    **Estimand.** ``beyond`` is the ratio of the client's migraine-day rate under care (all
    treatment phases) to their *usual* rate without care, the usual rate being measured on the
    diary periods before the baseline window (status ``measured_from_diary``), or, lacking those,
    the usual monthly migraine days the client reported at intake (``measured_from_intake``).

    **Why.** The baseline window is the month that made the client start; its excess over the
    usual level is largely chance (a fluctuation, plus counting noise) and is not expected to
    last. Under a stable usual level (no drift), the expected rate of later periods without any
    effect of care is the usual level itself: the baseline shrinks all the way back to it, so
    regression to the mean alone predicts a ratio of ``usual / baseline``
    (``expected_without_care``) for the naive before/after comparison, and the change beyond it
    is ``care / usual``. How much the periods vary from one to the next (over-dispersion and
    autocorrelation) enters the intervals, not the point estimate.

    **How.** With diary periods before the baseline: the phase model of
    :func:`~headwise.stats.phases.compare_phases` on the same periods (its baseline window has a
    term of its own and the reference is the earlier periods), so that the page's two numbers
    agree: ``beyond`` is its headline ``treatment`` ratio, ``baseline_excess`` its
    ``baseline_excess``; pass ``comparison`` (from the same arrays) to reuse a fit. With the
    intake figure only: the same model on the care periods with ``log(usual rate)`` as extra
    offset for ``beyond`` (the exact Poisson interval with fewer than 3 care periods or no
    migraine day under care), and the exact Poisson interval of the baseline count for
    ``baseline_excess``; the reported figure is taken as known
    (:attr:`RtmCaveat.USUAL_LEVEL_SELF_REPORTED`). Without either: ``beyond`` is ``None`` and the
    status is ``not_separable``.

    ``naive`` is always the under-care over baseline ratio with the exact conditional Poisson
    interval (:func:`naive_before_after`), shown for contrast: it is what an analysis that ignores
    regression to the mean and the correlation of months would report.

    ``changed_beyond_expected`` is ``True`` when ``beyond``'s interval excludes 1.
    """
    if not 0.5 <= confidence < 1:
        raise AnalysisError("confidence: must be from 0.5 to below 1")
    if usual_monthly_migraine_days is not None and not (
        math.isfinite(usual_monthly_migraine_days) and 0 < usual_monthly_migraine_days <= MONTH
    ):
        raise AnalysisError("usual_monthly_migraine_days: must be above 0 and at most 28")
    p = _validated(migraine_days, recorded_days, phase, period_index, month_of_year, menstrual)
    care = np.isin(p.phase, TREATMENT_PHASES)
    before = p.phase == BEFORE
    baseline = p.phase == BASELINE
    if not care.any():
        raise AnalysisError("phase: needs at least one period under care with recorded days")

    def rate(mask: NDArray[np.bool_]) -> float:
        return float(p.y[mask].sum() / p.rec[mask].sum() * MONTH)

    care_rate = rate(care)
    base_rate = rate(baseline) if baseline.any() else None
    naive = (
        naive_before_after(
            float(p.y[care].sum()),
            float(p.rec[care].sum()),
            float(p.y[baseline].sum()),
            float(p.rec[baseline].sum()),
            confidence,
        )
        if baseline.any()
        else None
    )
    caveats: list[str] = []
    if naive is not None:
        caveats.append(RtmCaveat.NAIVE_IS_OPTIMISTIC)
    n_care = int(care.sum())

    if before.any():
        model = comparison or compare_phases(
            migraine_days,
            recorded_days,
            phase,
            period_index,
            month_of_year=month_of_year,
            menstrual=menstrual,
            confidence=confidence,
        )
        n_usual = int(before.sum())
        if n_usual < MIN_REFERENCE_PERIODS or n_care < MIN_REFERENCE_PERIODS:
            caveats.append(RtmCaveat.FEW_PERIODS)
        if Caveat.TREND_ADJUSTED not in model.caveats:
            caveats.append(RtmCaveat.ASSUMES_STABLE_USUAL_LEVEL)
        method = "phase_model_" + model.covariance
        t, b = model.treatment, model.baseline_excess
        beyond = None if t is None else Ratio(t.estimate, t.low, t.high, method)
        excess = None if b is None else Ratio(b.estimate, b.low, b.high, method)
        return RtmResult(
            status=RtmStatus.DIARY,
            usual_per_28_days=rate(before),
            baseline_per_28_days=base_rate,
            care_per_28_days=care_rate,
            baseline_excess=excess,
            expected_without_care=_inverse(excess),
            naive=naive,
            beyond=beyond,
            changed_beyond_expected=None if beyond is None else beyond.excludes_one,
            usual_periods=n_usual,
            care_periods=n_care,
            caveats=tuple(caveats),
            confidence=confidence,
        )

    if usual_monthly_migraine_days is not None:
        usual = usual_monthly_migraine_days / MONTH
        caveats += [RtmCaveat.USUAL_LEVEL_SELF_REPORTED, RtmCaveat.ASSUMES_STABLE_USUAL_LEVEL]
        if n_care < MIN_REFERENCE_PERIODS:
            caveats.append(RtmCaveat.FEW_PERIODS)
        excess = None
        if baseline.any():
            count, exposure = float(p.y[baseline].sum()), float(p.rec[baseline].sum())
            low, high = _garwood(count, confidence)
            excess = Ratio(
                count / exposure / usual,
                low / exposure / usual,
                high / exposure / usual,
                "exact_poisson_garwood",
            )
        y, rec = p.y[care], p.rec[care]
        fit = (
            fit_poisson(y, rec, {"intercept": np.ones(y.size)}, extra_offset=np.full(y.size, math.log(usual)))
            if n_care >= 3 and y.sum() > 0
            else None
        )
        if fit is not None and fit.converged:
            est, low, high, _ = fit.interval("intercept", confidence)
            intake_beyond = Ratio(est, low, high, "quasi_poisson_sandwich_ar1_working_correlation_t")
        else:  # too few periods for a dispersion, or no migraine day at all: exact Poisson
            low, high = _garwood(float(y.sum()), confidence)
            expected = float(rec.sum()) * usual
            intake_beyond = Ratio(
                float(y.sum()) / expected, low / expected, high / expected, "exact_poisson_garwood"
            )
        return RtmResult(
            status=RtmStatus.INTAKE,
            usual_per_28_days=usual_monthly_migraine_days,
            baseline_per_28_days=base_rate,
            care_per_28_days=care_rate,
            baseline_excess=excess,
            expected_without_care=_inverse(excess),
            naive=naive,
            beyond=intake_beyond,
            changed_beyond_expected=intake_beyond.excludes_one,
            usual_periods=0,
            care_periods=n_care,
            caveats=tuple(caveats),
            confidence=confidence,
        )

    caveats += [RtmCaveat.NOT_SEPARABLE, RtmCaveat.NEEDS_PERIODS_WITHOUT_SESSIONS]
    return RtmResult(
        status=RtmStatus.NOT_SEPARABLE,
        usual_per_28_days=None,
        baseline_per_28_days=base_rate,
        care_per_28_days=care_rate,
        baseline_excess=None,
        expected_without_care=None,
        naive=naive,
        beyond=None,
        changed_beyond_expected=None,
        usual_periods=0,
        care_periods=n_care,
        caveats=tuple(caveats),
        confidence=confidence,
    )


def _inverse(r: Ratio | None) -> Ratio | None:
    if r is None:
        return None

    def inv(v: float) -> float:
        return float("inf") if v == 0 else 1 / v

    return Ratio(inv(r.estimate), inv(r.high), inv(r.low), r.method)
