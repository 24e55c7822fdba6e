"""regression_to_mean against closed forms, statsmodels and SciPy written out here."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from headwise.stats import AnalysisError, compare_phases, regression_to_mean
from headwise.stats.rtm import RtmCaveat, RtmStatus, naive_before_after

# A client who kept a diary for four periods, started after a bad month, and got better.
Y = [4, 3, 5, 4, 9, 5, 4, 3, 4, 3]
REC = [28, 27, 28, 26, 28, 28, 27, 28, 28, 28]
PHASE = (
    ["before"] * 4 + ["baseline"] + ["intensive", "intensive", "stabilising", "stabilising", "maintenance"]
)


def test_with_a_diary_before_it_measures_the_excess_and_the_change_beyond() -> None:
    r = regression_to_mean(Y, REC, PHASE)
    assert r.status == RtmStatus.DIARY
    # Saturated group model (4 before periods: no trend): closed-form group rates.
    usual, base, care = 16 / 109, 9 / 28, 19 / 139
    assert r.usual_per_28_days == pytest.approx(usual * 28)
    assert r.baseline_per_28_days == pytest.approx(base * 28)
    assert r.care_per_28_days == pytest.approx(care * 28)
    assert r.baseline_excess is not None and r.beyond is not None and r.expected_without_care is not None
    assert r.baseline_excess.estimate == pytest.approx(base / usual, rel=1e-7)  # 2.1897...
    assert r.expected_without_care.estimate == pytest.approx(usual / base, rel=1e-7)
    assert r.expected_without_care.low == pytest.approx(1 / r.baseline_excess.high)
    assert r.beyond.estimate == pytest.approx(care / usual, rel=1e-7)  # 0.9310...
    # The change beyond regression to the mean is the phase model's headline, same interval.
    phases = compare_phases(Y, REC, PHASE)
    assert phases.treatment is not None
    assert (r.beyond.low, r.beyond.high) == pytest.approx((phases.treatment.low, phases.treatment.high))
    assert r.changed_beyond_expected is False  # the interval holds 1
    assert RtmCaveat.ASSUMES_STABLE_USUAL_LEVEL in r.caveats
    # Reusing a fit gives the same answer.
    assert regression_to_mean(Y, REC, PHASE, comparison=phases) == r


def test_the_naive_ratio_is_the_exact_conditional_interval() -> None:
    r = regression_to_mean(Y, REC, PHASE)
    assert r.naive is not None
    assert r.naive.estimate == pytest.approx((19 / 139) / (9 / 28), rel=1e-9)
    # Reference: given n = 19 + 9, the care count is Binomial(n, p), p = RR e1 / (RR e1 + e0);
    # statsmodels' Clopper-Pearson interval for p, mapped to the ratio.
    low, high = proportion_confint(19, 28, alpha=0.05, method="beta")
    e = 139 / 28
    assert r.naive.low == pytest.approx(low / (1 - low) / e, rel=1e-9)
    assert r.naive.high == pytest.approx(high / (1 - high) / e, rel=1e-9)
    assert RtmCaveat.NAIVE_IS_OPTIMISTIC in r.caveats


def test_naive_before_after_edge_cases() -> None:
    zero = naive_before_after(0, 56, 4, 28)
    assert zero.estimate == 0 and zero.low == 0 and zero.high < 1
    with pytest.raises(AnalysisError, match="recorded_days"):
        naive_before_after(1, 0, 4, 28)


def test_with_only_the_intake_figure_it_compares_with_what_the_client_reported() -> None:
    y, rec = [9, 6, 2, 6, 2], [28, 28, 28, 28, 28]
    phase = ["baseline", "intensive", "intensive", "stabilising", "stabilising"]
    r = regression_to_mean(y, rec, phase, usual_monthly_migraine_days=5)
    assert r.status == RtmStatus.INTAKE
    assert RtmCaveat.USUAL_LEVEL_SELF_REPORTED in r.caveats
    assert r.baseline_excess is not None and r.beyond is not None
    # Baseline: 9 days in 28 against 5 per 28; exact Poisson (Garwood) interval, as statsmodels.
    low, high = confint_poisson(9, 28, method="exact-c")
    assert r.baseline_excess.estimate == pytest.approx(9 / 5)
    assert r.baseline_excess.low == pytest.approx(low * 28 / 5, rel=1e-9)
    assert r.baseline_excess.high == pytest.approx(high * 28 / 5, rel=1e-9)
    # Care periods over the reported level: intercept-only GLM with log(rec * 5/28) as offset.
    res = sm.GLM(
        np.array(y[1:]),
        np.ones((4, 1)),
        family=sm.families.Poisson(),
        offset=np.log(np.array(rec[1:]) * 5 / 28),
    ).fit()
    assert r.beyond.estimate == pytest.approx(math.exp(res.params[0]), rel=1e-7)
    assert r.beyond.estimate == pytest.approx(16 / 112 / (5 / 28), rel=1e-7)  # 0.8
    phi = max(1.0, res.pearson_chi2 / res.df_resid)
    assert phi == pytest.approx(4 / 3)  # 4 residuals of +-2 around 4, over 3 df
    # Residuals alternate: rho is clipped at 0 (formula in test_phases), so se = sqrt(phi / 16).
    se = math.sqrt(phi / 16)
    q = sps.t.ppf(0.975, 4 - 1 - 1)
    assert r.beyond.low == pytest.approx(r.beyond.estimate * math.exp(-q * se), rel=1e-6)
    assert r.changed_beyond_expected is False


def test_one_care_period_with_the_intake_figure_uses_the_exact_interval() -> None:
    r = regression_to_mean([9, 2], [28, 28], ["baseline", "intensive"], usual_monthly_migraine_days=6)
    low, high = confint_poisson(2, 28, method="exact-c")
    assert r.beyond is not None and r.beyond.method == "exact_poisson_garwood"
    assert (r.beyond.low, r.beyond.high) == pytest.approx((low * 28 / 6, high * 28 / 6), rel=1e-9)
    assert RtmCaveat.FEW_PERIODS in r.caveats


def test_without_earlier_data_it_says_the_change_cannot_be_separated() -> None:
    r = regression_to_mean([9, 5, 4, 3], [28] * 4, ["baseline", "intensive", "intensive", "stabilising"])
    assert r.status == RtmStatus.NOT_SEPARABLE
    assert r.beyond is None and r.changed_beyond_expected is None and r.baseline_excess is None
    assert RtmCaveat.NOT_SEPARABLE in r.caveats and RtmCaveat.NEEDS_PERIODS_WITHOUT_SESSIONS in r.caveats
    assert r.naive is not None and r.naive.estimate == pytest.approx(12 / 84 / (9 / 28))


def test_a_large_steady_drop_is_reported_as_changed_beyond_expected() -> None:
    y = [10, 11, 9, 10, 12, 11, 14, 3, 2, 3, 2, 3, 2, 3]
    phase = ["before"] * 6 + ["baseline"] + ["maintenance"] * 7
    r = regression_to_mean(y, [28] * 14, phase)
    assert r.beyond is not None and r.beyond.high < 1
    assert r.changed_beyond_expected is True


@pytest.mark.parametrize("usual", [0.0, -1.0, 29.0, float("nan")])
def test_it_rejects_an_impossible_usual_level(usual: float) -> None:
    with pytest.raises(AnalysisError, match="usual_monthly_migraine_days"):
        regression_to_mean([9, 5], [28, 28], ["baseline", "intensive"], usual_monthly_migraine_days=usual)


def test_it_needs_a_period_under_care() -> None:
    with pytest.raises(AnalysisError, match="phase"):
        regression_to_mean([3, 9], [28, 28], ["before", "baseline"])


def test_no_migraine_day_under_care_with_the_intake_figure_gives_the_exact_interval() -> None:
    r = regression_to_mean(
        [9, 0, 0, 0],
        [28] * 4,
        ["baseline", "intensive", "intensive", "stabilising"],
        usual_monthly_migraine_days=6,
    )
    low, high = confint_poisson(0, 84, method="exact-c")
    assert r.beyond is not None and r.beyond.estimate == 0 and r.beyond.method == "exact_poisson_garwood"
    assert r.beyond.high == pytest.approx(high * 28 / 6, rel=1e-9)
    assert r.changed_beyond_expected is True  # 0 of 84 days against 6 per 28: the interval is below 1
