"""Migraine days by treatment phase: a count model per client, with an honest interval.

Pure: arrays of per-period values in, a frozen dataclass out. See :func:`compare_phases`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from headwise.stats._glm import Fit, fit_poisson
from headwise.stats.errors import AnalysisError

__all__ = [
    "BEFORE",
    "BASELINE",
    "TREATMENT_PHASES",
    "PHASES",
    "RateRatio",
    "PhaseComparison",
    "compare_phases",
    "Caveat",
]

BEFORE = "before"
"""Diary periods before the baseline window."""
BASELINE = "baseline"
"""The 28 days before the first session: the window that made the client start."""
TREATMENT_PHASES = ("intensive", "stabilising", "maintenance", "treatment")
"""Labels of periods with care; ``treatment`` is a period under care with no finer phase."""
PHASES = (BEFORE, BASELINE, *TREATMENT_PHASES)

MIN_REFERENCE_PERIODS = 3
"""Fewer reference (before) or treated periods than this raise :attr:`Caveat.FEW_PERIODS`."""
MIN_TREND_REFERENCE = 6
"""A time trend needs half a year of diary before the baseline (6 periods) to anchor it, as
segmented regression of an interrupted time series does (Bernal et al., Int J Epidemiol
2017;46:348-355); with fewer, a drift cannot be told apart from a change at the start of care."""
MIN_TREND_TREATED = 3
"""... and at least this many periods under care."""
MIN_SEASON_PERIODS = 13
"""A seasonal term needs a year of 28-day periods (13), covering all twelve calendar months."""
MIN_RESIDUAL_DF = 4
"""Optional terms are dropped (season, then menstrual, then trend) to keep this many residual df."""
DISPERSION_ALPHA = 0.05
"""Pearson dispersion test level for calling the counts over-dispersed."""


class Caveat:
    """Codes for what the data cannot show; the pages translate them (never prose here)."""

    REFERENCE_IS_SELECTED_BASELINE = "reference_is_selected_baseline"
    """No diary before the baseline: the reference is the window that made the client start, so
    the ratio includes regression to the mean and cannot be separated from it."""
    BASELINE_MODELLED_SEPARATELY = "baseline_modelled_separately"
    """The baseline window has its own term; the reference is the earlier diary periods."""
    FEW_PERIODS = "few_periods"
    """Fewer than 3 reference or 3 treated periods: the interval is wide and rests on few months."""
    TREND_DROPPED = "trend_dropped_few_periods"
    """Too few periods (under half a year before the baseline, or under 3 under care) to tell a
    slow drift from a change at the start of care: no trend term, so a drift would show as change."""
    TREND_ADJUSTED = "trend_adjusted"
    """The ratio is against the linear drift extrapolated from all periods."""
    SEASON_NOT_MODELLED = "season_not_modelled"
    """Less than a year of periods (or no calendar months given): seasons are not adjusted for."""
    MENSTRUAL_NOT_MODELLED = "menstrual_not_modelled"
    """No (or a constant) menstrual covariate: menstrual timing is not adjusted for."""
    OVERDISPERSED = "overdispersed"
    """Months vary more than chance alone would make them; the interval is widened for it."""
    NOT_CONVERGED = "model_not_converged"
    """The model fit did not converge (e.g. no migraine days at all in a phase): no ratio."""
    OBSERVATIONAL = "observational_no_control_group"
    """Always: one person's diary, no comparison group; other changes at the same time (medication,
    season, work, sleep) could explain a change as well as the care."""
    EMPTY_PERIODS_DROPPED = "empty_periods_dropped"
    """Periods without a single recorded day carry no information and were left out."""


@dataclass(frozen=True)
class RateRatio:
    """A rate ratio of migraine days per recorded day, with its interval.

    ``term`` is what is compared (``"treatment"``, a phase name, or ``"baseline"``), ``reference``
    what it is compared with (``"before"`` or ``"baseline"``). ``log_se`` is the standard error of
    ``log(estimate)``; ``periods`` and ``recorded_days`` count the periods behind ``term``.
    """

    term: str
    reference: str
    estimate: float
    low: float
    high: float
    log_se: float
    periods: int
    recorded_days: int
    migraine_days: int

    @property
    def excludes_one(self) -> bool:
        """The interval lies wholly below or wholly above 1 (no change)."""
        return self.high < 1.0 or self.low > 1.0


@dataclass(frozen=True)
class PhaseComparison:
    """The result of :func:`compare_phases`. Codes, counts and numbers; no prose.

    Attributes
    ----------
    estimand : str
        ``"rate_ratio_treated_vs_untreated"`` (see :func:`compare_phases`).
    reference : str
        ``"before"`` (diary periods before the baseline) or ``"baseline"`` (only the baseline
        window exists before care: then :attr:`Caveat.REFERENCE_IS_SELECTED_BASELINE` is raised).
    treatment : RateRatio | None
        The headline: all periods under care against the reference. ``None`` if it could not be fitted.
    by_phase : tuple[RateRatio, ...]
        Each treatment phase present against the reference, from a model with one term per phase.
    baseline_excess : RateRatio | None
        The baseline window against the earlier periods (how high the starting month stood), when
        earlier periods exist.
    family, family_reason : str
        ``"poisson"`` or ``"quasi-poisson"``, and the code for why (:func:`compare_phases`).
    dispersion, dispersion_p : float
        Pearson chi-square over residual df, and the p-value of the test of dispersion = 1.
    covariance : str
        How the interval was computed.
    autocorrelation : float
        Lag-1 autocorrelation between consecutive periods used in the interval (bias-corrected,
        0 to 0.95).
    terms : tuple[str, ...]
        The headline model's terms, intercept first.
    periods, recorded_days, migraine_days : int
        Periods used (with at least one recorded day), and the day counts over them.
    caveats : tuple[str, ...]
        :class:`Caveat` codes.
    """

    estimand: str
    reference: str
    treatment: RateRatio | None
    by_phase: tuple[RateRatio, ...]
    baseline_excess: RateRatio | None
    family: str
    family_reason: str
    dispersion: float
    dispersion_p: float
    covariance: str
    autocorrelation: float
    terms: tuple[str, ...]
    periods: int
    recorded_days: int
    migraine_days: int
    caveats: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class _Periods:
    y: NDArray[np.float64]
    rec: NDArray[np.float64]
    phase: NDArray[np.str_]
    index: NDArray[np.float64]
    month: NDArray[np.float64] | None
    menstrual: NDArray[np.float64] | None
    dropped: int


def _validated(
    migraine_days: ArrayLike,
    recorded_days: ArrayLike,
    phase: Sequence[str],
    period_index: ArrayLike | None,
    month_of_year: ArrayLike | None,
    menstrual: ArrayLike | None,
) -> _Periods:
    y = np.asarray(migraine_days, dtype=np.float64).ravel()
    rec = np.asarray(recorded_days, dtype=np.float64).ravel()
    ph = np.asarray([str(p) for p in phase], dtype=np.str_)
    n = y.size
    if rec.size != n or ph.size != n:
        raise AnalysisError("recorded_days, phase: must have one value per period, like migraine_days")
    if not np.all(np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        raise AnalysisError("migraine_days: must be whole numbers from 0")
    if not np.all(np.isfinite(rec)) or np.any(rec < 0) or np.any(rec != np.round(rec)):
        raise AnalysisError("recorded_days: must be whole numbers from 0")
    if np.any(y > rec):
        raise AnalysisError("migraine_days: cannot exceed recorded_days in a period")
    unknown = sorted(set(ph.tolist()) - set(PHASES))
    if unknown:
        raise AnalysisError(
            f"phase: unknown label(s) {', '.join(unknown)}; expected one of {', '.join(PHASES)}"
        )
    idx = (
        np.arange(n, dtype=np.float64)
        if period_index is None
        else np.asarray(period_index, np.float64).ravel()
    )
    if idx.size != n or not np.all(np.isfinite(idx)):
        raise AnalysisError("period_index: must have one finite value per period")
    month = None
    if month_of_year is not None:
        month = np.asarray(month_of_year, dtype=np.float64).ravel()
        if month.size != n or np.any((month < 1) | (month > 12)):
            raise AnalysisError("month_of_year: must be 1 to 12, one per period")
    mens = None
    if menstrual is not None:
        mens = np.asarray(menstrual, dtype=np.float64).ravel()
        if mens.size != n or not np.all(np.isfinite(mens)):
            raise AnalysisError("menstrual: must have one finite value per period")
    keep = rec > 0
    return _Periods(
        y=y[keep],
        rec=rec[keep],
        phase=ph[keep],
        index=idx[keep],
        month=None if month is None else month[keep],
        menstrual=None if mens is None else mens[keep],
        dropped=int(n - keep.sum()),
    )


def compare_phases(
    migraine_days: ArrayLike,
    recorded_days: ArrayLike,
    phase: Sequence[str],
    period_index: ArrayLike | None = None,
    *,
    month_of_year: ArrayLike | None = None,
    menstrual: ArrayLike | None = None,
    confidence: float = 0.95,
    each_phase: bool = True,
) -> PhaseComparison:
    """Compare one client's migraine-day rate under care with the rate before care.

    **Estimand.** For this client, the ratio of the expected number of migraine days per recorded
    day in the periods under care to the expected number per recorded day without care, the
    latter estimated from the diary periods before the baseline window (``"before"``), adjusted
    for a linear time trend and, where the data allow, season and a menstrual covariate. The
    baseline window (the 28 days before the first session) is high partly by chance, because
    people start therapy after a bad spell; it therefore gets a term of its own
    (``baseline_excess``) and is never the reference when earlier periods exist. Only when no
    earlier period exists is the baseline the reference; the ratio then includes regression to
    the mean, and :attr:`Caveat.REFERENCE_IS_SELECTED_BASELINE` says so.

    **Model.** ``log E[migraine_days] = log(recorded_days) + a + b_baseline + b_care (+ trend +
    season + menstrual)``, a Poisson GLM with an offset (statsmodels). One model has a single
    care term (the headline, :attr:`PhaseComparison.treatment`); a second has one term per
    treatment phase present (:attr:`PhaseComparison.by_phase`).

    * *Time trend* (``period_index``, per 13 periods): kept only with at least
      :data:`MIN_TREND_REFERENCE` reference periods and :data:`MIN_TREND_TREATED` treated ones;
      with fewer, a slow drift cannot be told apart from a change at the start of care, and a
      trend fitted anyway would make the interval several times wider while resting on an
      extrapolation, so it is dropped (:attr:`Caveat.TREND_DROPPED`).
    * *Season*: ``sin`` and ``cos`` of the calendar month, only with ``month_of_year`` given, at
      least :data:`MIN_SEASON_PERIODS` periods and all twelve months covered.
    * *Menstrual*: ``menstrual`` (e.g. the share of recorded days in the perimenstrual window),
      only when given and not constant.
    * Optional terms are dropped (season first, then menstrual, then trend) while fewer than
      :data:`MIN_RESIDUAL_DF` residual degrees of freedom would remain.

    **Family.** Point estimates are the Poisson ones. The Pearson dispersion is tested against 1
    (chi-square, level :data:`DISPERSION_ALPHA`): over-dispersed counts give ``"quasi-poisson"``
    (``family_reason="pearson_dispersion_above_1"``), otherwise ``"poisson"``
    (``"pearson_dispersion_consistent_with_1"``). Quasi-Poisson rather than negative binomial:
    it keeps the Poisson estimate, which is consistent whenever the mean model is right, and does
    not rest a variance-function parameter on a dozen periods.

    **Interval.** Migraine has slow ups and downs, so neighbouring periods are correlated. The
    interval is the quasi-Poisson sandwich with an AR(1) working correlation between consecutive
    periods (bias-corrected lag-1 autocorrelation of the residuals) and Student's t (see
    :mod:`headwise.stats._glm`, which also says why not Newey–West HAC alone); it never treats
    periods as independent Poisson counts. Periods must be given in time order.

    Parameters
    ----------
    migraine_days, recorded_days : array of int
        Per period: migraine days among the recorded days, and the recorded days (the exposure).
        Periods with no recorded day are left out (:attr:`Caveat.EMPTY_PERIODS_DROPPED`).
    phase : sequence of str
        Per period, one of :data:`PHASES`.
    period_index : array of int, optional
        Position in time (default ``0, 1, 2, ...``).
    month_of_year : array of int 1-12, optional
    menstrual : array of float, optional
    confidence : float
    each_phase : bool
        Also fit the model with one term per treatment phase (``by_phase``); ``False`` skips that
        second fit (``by_phase`` is then empty unless only one phase is present).

    Raises
    ------
    AnalysisError
        Inconsistent arrays, or no period under care or no period before it.
    """
    if not 0.5 <= confidence < 1:
        raise AnalysisError("confidence: must be from 0.5 to below 1")
    p = _validated(migraine_days, recorded_days, phase, period_index, month_of_year, menstrual)
    caveats: list[str] = [Caveat.OBSERVATIONAL]
    if p.dropped:
        caveats.append(Caveat.EMPTY_PERIODS_DROPPED)
    treated = np.isin(p.phase, TREATMENT_PHASES)
    before = p.phase == BEFORE
    baseline = p.phase == BASELINE
    if not treated.any():
        raise AnalysisError("phase: needs at least one period under care with recorded days")
    if not (before | baseline).any():
        raise AnalysisError(
            "phase: needs at least one period before care (before or baseline) with recorded days"
        )
    has_before = bool(before.any())
    reference = BEFORE if has_before else BASELINE
    if has_before:
        caveats.append(Caveat.BASELINE_MODELLED_SEPARATELY)
    else:
        caveats.append(Caveat.REFERENCE_IS_SELECTED_BASELINE)
    n_ref = int((before if has_before else baseline).sum())
    n_treated = int(treated.sum())
    if n_ref < MIN_REFERENCE_PERIODS or n_treated < MIN_REFERENCE_PERIODS:
        caveats.append(Caveat.FEW_PERIODS)

    core: dict[str, NDArray[np.float64]] = {"intercept": np.ones(p.y.size)}
    if has_before and baseline.any():
        core[BASELINE] = baseline.astype(np.float64)
    optional: list[tuple[str, dict[str, NDArray[np.float64]]]] = []
    if n_ref >= MIN_TREND_REFERENCE and n_treated >= MIN_TREND_TREATED and has_before:
        optional.append(("trend", {"trend": (p.index - p.index.mean()) / 13.0}))
    else:
        caveats.append(Caveat.TREND_DROPPED)
    if p.menstrual is not None and np.ptp(p.menstrual) > 0:
        optional.append(("menstrual", {"menstrual": p.menstrual - p.menstrual.mean()}))
    else:
        caveats.append(Caveat.MENSTRUAL_NOT_MODELLED)
    if p.month is not None and p.y.size >= MIN_SEASON_PERIODS and np.unique(p.month).size == 12:
        angle = 2 * math.pi * p.month / 12
        optional.append(("season", {"season_sin": np.sin(angle), "season_cos": np.cos(angle)}))
    else:
        caveats.append(Caveat.SEASON_NOT_MODELLED)
    phases_present = [ph for ph in TREATMENT_PHASES if (p.phase == ph).any()]
    widest = len(core) + len(phases_present) + sum(len(cols) for _, cols in optional)
    order = ("season", "menstrual", "trend")
    for name in order:  # drop the least essential term first while df are short
        if p.y.size - widest >= MIN_RESIDUAL_DF:
            break
        for k, (label, cols) in enumerate(optional):
            if label == name:
                widest -= len(cols)
                optional.pop(k)
                caveats.append(
                    {
                        "season": Caveat.SEASON_NOT_MODELLED,
                        "menstrual": Caveat.MENSTRUAL_NOT_MODELLED,
                        "trend": Caveat.TREND_DROPPED,
                    }[name]
                )
                break
    extra: dict[str, NDArray[np.float64]] = {}
    for _, cols in optional:
        extra.update(cols)
    if "trend" in extra:
        caveats.append(Caveat.TREND_ADJUSTED)

    headline_cols = {**core, "treatment": treated.astype(np.float64), **extra}
    headline = fit_poisson(p.y, p.rec, headline_cols)
    phase_cols = {**core, **{ph: (p.phase == ph).astype(np.float64) for ph in phases_present}, **extra}
    if len(phases_present) == 1:
        per_phase: Fit | None = headline
    else:
        per_phase = fit_poisson(p.y, p.rec, phase_cols) if each_phase else None

    def ratio(fit: Fit, term: str, mask: NDArray[np.bool_]) -> RateRatio | None:
        if not fit.converged or fit.df_resid < 1:
            return None
        est, low, high, se = fit.interval(term, confidence)
        if not all(math.isfinite(v) for v in (est, low, high)):
            return None
        return RateRatio(
            term=term,
            reference=reference,
            estimate=est,
            low=low,
            high=high,
            log_se=se,
            periods=int(mask.sum()),
            recorded_days=int(p.rec[mask].sum()),
            migraine_days=int(p.y[mask].sum()),
        )

    treatment = ratio(headline, "treatment", treated)
    if per_phase is headline:
        by_phase: tuple[RateRatio, ...] = ()
        only = ratio(headline, "treatment", treated)
        if only is not None:
            by_phase = (RateRatio(**{**only.__dict__, "term": phases_present[0]}),)
    elif per_phase is None:
        by_phase = ()
    else:
        by_phase = tuple(r for ph in phases_present if (r := ratio(per_phase, ph, p.phase == ph)) is not None)
    excess = ratio(headline, BASELINE, baseline) if BASELINE in headline.names else None
    if treatment is None:
        caveats.append(Caveat.NOT_CONVERGED)
    over = bool(
        headline.df_resid > 0 and headline.dispersion > 1 and headline.dispersion_p < DISPERSION_ALPHA
    )
    if over:
        caveats.append(Caveat.OVERDISPERSED)
    return PhaseComparison(
        estimand="rate_ratio_treated_vs_untreated",
        reference=reference,
        treatment=treatment,
        by_phase=by_phase,
        baseline_excess=excess,
        family="quasi-poisson" if over else "poisson",
        family_reason="pearson_dispersion_above_1" if over else "pearson_dispersion_consistent_with_1",
        dispersion=headline.dispersion,
        dispersion_p=headline.dispersion_p,
        covariance="quasi_poisson_sandwich_ar1_working_correlation_t",
        autocorrelation=headline.rho,
        terms=headline.names,
        periods=int(p.y.size),
        recorded_days=int(p.rec.sum()),
        migraine_days=int(p.y.sum()),
        caveats=tuple(dict.fromkeys(caveats)),
        confidence=confidence,
    )
