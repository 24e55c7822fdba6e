"""compare_phases against independent computations: closed forms and statsmodels fits written here."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from headwise.stats import AnalysisError, compare_phases
from headwise.stats.phases import Caveat


def test_one_binary_covariate_has_the_closed_form_rate_ratio() -> None:
    # Poisson GLM with one binary covariate: the MLE rate ratio is the ratio of total counts over
    # total exposure, and var(log RR) = phi * (1/Y1 + 1/Y0) when the periods show no positive
    # autocorrelation, phi the Pearson dispersion (hand-computed below).
    y = [4, 6, 1, 6, 1]
    rec = [28, 28, 28, 28, 28]
    phase = ["baseline", "treatment", "treatment", "treatment", "treatment"]
    # No "before" period: the baseline is the reference (and the caveat says so).
    r = compare_phases(y, rec, phase)
    expected = (14 / 112) / (4 / 28)  # 0.875
    assert r.treatment is not None
    assert r.treatment.estimate == pytest.approx(0.875, rel=1e-7)
    assert r.reference == "baseline"
    assert Caveat.REFERENCE_IS_SELECTED_BASELINE in r.caveats
    # Fitted means: 4 (baseline, saturated) and 3.5 per treated period; Pearson chi2 =
    # 4 * 2.5**2 / 3.5 = 7.142857 on 5 - 2 = 3 df. Residuals alternate in sign: lag-1
    # autocorrelation r1 = -0.75, its expectation under independence E0 = -(3 * 1/4) / 3 = -0.25,
    # so rho = max(0, (r1 - E0) / (1 - 3/5)) = 0.
    phi = 4 * 2.5**2 / 3.5 / 3
    assert r.dispersion == pytest.approx(phi, rel=1e-9) and r.autocorrelation == 0.0
    se = math.sqrt(phi * (1 / 14 + 1 / 4))
    q = sps.t.ppf(0.975, 2)  # n - k - 1 = 2 df: 4.302652729749464
    assert r.treatment.log_se == pytest.approx(se, rel=1e-6)
    assert r.treatment.low == pytest.approx(expected * math.exp(-q * se), rel=1e-6)
    assert r.treatment.high == pytest.approx(expected * math.exp(q * se), rel=1e-6)
    assert r.treatment.periods == 4 and r.treatment.recorded_days == 112 and r.treatment.migraine_days == 14


def _series() -> tuple[np.ndarray, np.ndarray, list[str]]:
    y = np.array([5, 7, 4, 6, 8, 5, 7, 11, 6, 4, 5, 3, 4, 2, 5, 3, 4, 3])
    rec = np.array([27, 28, 25, 28, 26, 28, 27, 28, 28, 26, 27, 28, 25, 28, 28, 27, 26, 28])
    phase = ["before"] * 7 + ["baseline"] + ["intensive"] * 2 + ["stabilising"] * 3 + ["maintenance"] * 5
    return y, rec, phase


def _independent_sandwich(
    y: np.ndarray, rec: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """The documented covariance, written out with statsmodels' fit and explicit sums."""
    res = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(rec)).fit()
    n, k = x.shape
    r = res.resid_pearson
    phi = max(1.0, res.pearson_chi2 / (n - k))
    bread = res.cov_params()  # (X'WX)^-1
    w = np.sqrt(res.mu)
    h = (w[:, None] * x) @ bread @ (w[:, None] * x).T
    e0 = -sum(h[t, t - 1] for t in range(1, n)) / (n - k)
    r1 = sum(r[t] * r[t - 1] for t in range(1, n)) / sum(r * r)
    rho = min(max((r1 - e0) / (1 - 3 / n), 0.0), 0.95)
    meat = np.zeros((k, k))
    for s in range(n):
        for t in range(n):
            meat += rho ** abs(s - t) * w[s] * w[t] * np.outer(x[s], x[t])
    return np.asarray(res.params), phi * bread @ meat @ bread, rho


def test_headline_matches_a_statsmodels_fit_and_the_documented_covariance() -> None:
    y, rec, phase = _series()
    r = compare_phases(y, rec, phase)
    # 7 before periods and 10 treated: the trend is kept; the baseline has its own term.
    assert r.terms == ("intercept", "baseline", "treatment", "trend")
    assert r.reference == "before" and Caveat.TREND_ADJUSTED in r.caveats
    idx = np.arange(18, dtype=float)
    x = np.column_stack(
        [
            np.ones(18),
            [p == "baseline" for p in phase],
            [p in ("intensive", "stabilising", "maintenance") for p in phase],
            (idx - idx.mean()) / 13,
        ]
    ).astype(float)
    # Reference: sm.GLM(y, x, family=Poisson(), offset=log(rec)).fit() and the sandwich above.
    params, cov, rho = _independent_sandwich(y, rec, x)
    assert r.treatment is not None and r.baseline_excess is not None
    assert r.treatment.estimate == pytest.approx(math.exp(params[2]), rel=1e-6)
    assert r.baseline_excess.estimate == pytest.approx(math.exp(params[1]), rel=1e-6)
    assert r.autocorrelation == pytest.approx(rho, abs=1e-9)
    assert r.treatment.log_se == pytest.approx(math.sqrt(cov[2, 2]), rel=1e-6)
    q = sps.t.ppf(0.975, 13 * (1 - rho) / (1 + rho))  # df: 18 periods - 4 terms - 1, shrunk by rho
    assert r.treatment.low == pytest.approx(math.exp(params[2] - q * math.sqrt(cov[2, 2])), rel=1e-6)
    res = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(rec)).fit()
    assert r.dispersion == pytest.approx(res.pearson_chi2 / res.df_resid, rel=1e-6)
    assert r.dispersion_p == pytest.approx(sps.chi2.sf(res.pearson_chi2, res.df_resid), rel=1e-6)
    assert r.periods == 18 and r.recorded_days == int(rec.sum()) and r.migraine_days == int(y.sum())


def test_each_phase_gets_its_own_ratio_from_a_second_model() -> None:
    y, rec, phase = _series()
    r = compare_phases(y, rec, phase)
    assert [b.term for b in r.by_phase] == ["intensive", "stabilising", "maintenance"]
    idx = np.arange(18, dtype=float)
    x = np.column_stack(
        [np.ones(18), [p == "baseline" for p in phase]]
        + [[p == ph for p in phase] for ph in ("intensive", "stabilising", "maintenance")]
        + [(idx - idx.mean()) / 13]
    ).astype(float)
    params, cov, _ = _independent_sandwich(y, rec, x)
    for k, b in enumerate(r.by_phase, start=2):
        assert b.estimate == pytest.approx(math.exp(params[k]), rel=1e-6)
        assert b.log_se == pytest.approx(math.sqrt(cov[k, k]), rel=1e-6)
    assert compare_phases(y, rec, phase, each_phase=False).by_phase == ()


def test_without_a_trend_the_ratios_are_group_rates() -> None:
    # Poisson with group indicators only (before, baseline, care) is saturated in the groups:
    # each ratio is a ratio of group rates (closed form).
    y = [3, 5, 4, 9, 2, 3, 2]
    rec = [28, 28, 26, 28, 27, 28, 28]
    phase = ["before", "before", "before", "baseline", "intensive", "intensive", "stabilising"]
    r = compare_phases(y, rec, phase)
    assert Caveat.TREND_DROPPED in r.caveats and "trend" not in r.terms
    before_rate = 12 / 82
    assert r.treatment is not None and r.baseline_excess is not None
    assert r.treatment.estimate == pytest.approx((7 / 83) / before_rate, rel=1e-7)
    assert r.baseline_excess.estimate == pytest.approx((9 / 28) / before_rate, rel=1e-7)
    assert {b.term: round(b.estimate, 6) for b in r.by_phase} == {
        "intensive": round((5 / 55) / before_rate, 6),
        "stabilising": round((2 / 28) / before_rate, 6),
    }


def test_season_and_menstrual_terms_need_the_data() -> None:
    rng = np.random.default_rng(4)
    n = 26
    rec = np.full(n, 28)
    y = rng.poisson(5, n)
    phase = ["before"] * 12 + ["baseline"] + ["maintenance"] * 13
    months = [(k % 12) + 1 for k in range(n)]
    share = rng.uniform(0.1, 0.3, n)
    full = compare_phases(y, rec, phase, month_of_year=months, menstrual=share)
    assert full.terms == (
        "intercept",
        "baseline",
        "treatment",
        "trend",
        "menstrual",
        "season_sin",
        "season_cos",
    )
    short = compare_phases(
        y[:10], rec[:10], ["before"] * 5 + ["baseline"] + ["treatment"] * 4, month_of_year=months[:10]
    )
    assert "season_sin" not in short.terms and Caveat.SEASON_NOT_MODELLED in short.caveats
    flat = compare_phases(y, rec, phase, menstrual=np.full(n, 0.2))
    assert "menstrual" not in flat.terms and Caveat.MENSTRUAL_NOT_MODELLED in flat.caveats


def test_optional_terms_give_way_to_residual_degrees_of_freedom() -> None:
    y = [3, 4, 5, 3, 4, 6, 8, 2, 3, 2]
    phase = ["before"] * 6 + ["baseline"] + ["treatment"] * 3
    r = compare_phases(y, [28] * 10, phase, menstrual=[0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.2, 0.3, 0.1, 0.2])
    # intercept, baseline, treatment + trend + menstrual = 5 terms, 10 periods: 5 df left (>= 4).
    assert r.terms == ("intercept", "baseline", "treatment", "trend", "menstrual")
    r = compare_phases(y[:9], [28] * 9, phase[:9], menstrual=[0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.2, 0.3, 0.1])
    # 9 periods (2 treated): too few treated for a trend, and the menstrual term still fits.
    assert r.terms == ("intercept", "baseline", "treatment", "menstrual")


def test_periods_without_recorded_days_are_left_out() -> None:
    r = compare_phases(
        [2, 0, 4, 1, 2], [20, 0, 28, 25, 26], ["before", "before", "baseline", "treatment", "treatment"]
    )
    assert r.periods == 4 and Caveat.EMPTY_PERIODS_DROPPED in r.caveats


def test_it_flags_overdispersion_and_calls_it_quasi_poisson() -> None:
    y = [1, 14, 2, 12, 0, 15, 1, 9, 2, 11, 1, 13]
    phase = ["before"] * 5 + ["baseline"] + ["treatment"] * 6
    r = compare_phases(y, [28] * 12, phase)
    assert r.family == "quasi-poisson" and r.family_reason == "pearson_dispersion_above_1"
    assert Caveat.OVERDISPERSED in r.caveats and r.dispersion > 3
    calm = compare_phases(
        [4, 5, 4, 5, 4, 6, 3, 4, 3, 4], [28] * 10, ["before"] * 5 + ["baseline"] + ["treatment"] * 4
    )
    assert calm.family == "poisson" and calm.family_reason == "pearson_dispersion_consistent_with_1"


def test_no_migraine_days_under_care_gives_no_ratio_rather_than_a_made_up_one() -> None:
    r = compare_phases(
        [4, 5, 6, 0, 0, 0], [28] * 6, ["before", "before", "baseline", "treatment", "treatment", "treatment"]
    )
    assert r.treatment is None and Caveat.NOT_CONVERGED in r.caveats


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (([1, 2], [28], ["before", "treatment"]), "recorded_days"),
        (([1, -2], [28, 28], ["before", "treatment"]), "migraine_days"),
        (([1, 2.5], [28, 28], ["before", "treatment"]), "migraine_days"),
        (([30, 2], [28, 28], ["before", "treatment"]), "migraine_days"),
        (([1, 2], [28, 28], ["before", "holiday"]), "phase"),
        (([1, 2], [28, 28], ["before", "before"]), "phase"),
        (([1, 2], [28, 28], ["treatment", "treatment"]), "phase"),
    ],
)
def test_it_rejects_bad_input_naming_the_field(
    args: tuple[list[float], list[int], list[str]], field: str
) -> None:
    with pytest.raises(AnalysisError, match=field):
        compare_phases(*args)


def test_it_rejects_bad_months_and_confidence() -> None:
    with pytest.raises(AnalysisError, match="month_of_year"):
        compare_phases([1, 2], [28, 28], ["before", "treatment"], month_of_year=[0, 13])
    with pytest.raises(AnalysisError, match="confidence"):
        compare_phases([1, 2], [28, 28], ["before", "treatment"], confidence=1.0)
