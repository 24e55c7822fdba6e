"""headwise.stats.cohort against independent computations (statsmodels, SciPy, by hand)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from headwise.stats import AnalysisError
from headwise.stats import cohort as c


def test_the_wilson_interval_is_statsmodels_wilson() -> None:
    k = np.array([0, 1, 7, 19, 20, 3])
    n = np.array([20, 20, 20, 20, 20, 4])
    low, high = c.wilson_interval(k, n)
    # statsmodels: proportion_confint(count, nobs, alpha=0.05, method="wilson")
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)
    # By hand, 7 of 20: p = 0.35, z = 1.959964: (0.1812, 0.5671) (Newcombe 1998, method 3).
    assert (round(low[2], 4), round(high[2], 4)) == (0.1812, 0.5671)


def test_the_wilson_interval_of_no_one_is_not_a_number() -> None:
    low, high = c.wilson_interval([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])
    with pytest.raises(AnalysisError):
        c.wilson_interval([3], [2])


def test_the_mean_interval_is_student_t_per_group() -> None:
    rng = np.random.default_rng(4)
    values = rng.normal(-2.0, 3.0, 61)
    group = rng.integers(0, 3, values.size)
    got = c.mean_by_group(group, values, 4)
    for g in range(3):
        x = values[group == g]
        # statsmodels: DescrStatsW(x).tconfint_mean(alpha=0.05); SciPy: stats.t.interval
        ref = DescrStatsW(x).tconfint_mean(alpha=0.05)
        np.testing.assert_allclose((got.low[g], got.high[g]), ref, rtol=1e-10)
        sp = sps.t.interval(0.95, x.size - 1, loc=x.mean(), scale=sps.sem(x))
        np.testing.assert_allclose((got.low[g], got.high[g]), sp, rtol=1e-10)
        assert got.n[g] == x.size and got.sd[g] == pytest.approx(x.std(ddof=1))
    assert got.n[3] == 0 and np.isnan(got.mean[3]) and np.isnan(got.low[3])


def test_one_value_has_a_mean_but_no_interval() -> None:
    got = c.mean_by_group([0], [5.0], 1)
    assert got.mean[0] == 5.0 and np.isnan(got.low[0]) and np.isnan(got.high[0])


def test_the_group_outcomes_of_a_small_case_by_hand() -> None:
    # Baseline and follow-up migraine days of five clients, 28 recorded days each, one with
    # 14 recorded follow-up days (its rate is per 28 recorded days: 3 / 14 * 28 = 6).
    got = c.group_outcomes(
        [0, 0, 0, 1, 1],
        2,
        baseline_days=[10, 8, 0, 12, 4],
        baseline_recorded=[28, 28, 28, 28, 28],
        follow_days=[4, 6, 2, 3, 4],
        follow_recorded=[28, 28, 28, 14, 28],
    )
    # Reductions: 60%, 25%, none (no baseline), 50%, 0%.
    assert got.n_clients.tolist() == [3, 2]
    assert got.no_baseline.tolist() == [1, 0]
    assert got.responders[0.3].k.tolist() == [1, 1] and got.responders[0.3].n.tolist() == [2, 2]
    assert got.responders[0.5].k.tolist() == [1, 1]
    assert got.responders[0.75].k.tolist() == [0, 0]
    # Changes: -6, -2, +2 in group 0 (mean -2), -6 and 0 in group 1 (mean -3).
    assert got.change.mean.tolist() == pytest.approx([-2.0, -3.0])
    ref = DescrStatsW(np.array([-6.0, -2.0, 2.0])).tconfint_mean(alpha=0.05)
    assert (got.change.low[0], got.change.high[0]) == pytest.approx(ref)
    lo, hi = proportion_confint(1, 2, alpha=0.05, method="wilson")
    assert (got.responders[0.5].low[0], got.responders[0.5].high[0]) == pytest.approx((lo, hi))


def test_it_refuses_units_without_recorded_days() -> None:
    with pytest.raises(AnalysisError):
        c.group_outcomes(
            [0], 1, baseline_days=[0], baseline_recorded=[0], follow_days=[1], follow_recorded=[2]
        )
    with pytest.raises(AnalysisError):
        c.proportion_by_group([0, 2], [True, False], 2)


def test_the_wilson_interval_covers_at_its_nominal_rate_in_simulation() -> None:
    # 4,000 samples of 40 clients with a true responder rate of 0.3 (fixed seed): the Wilson
    # interval covers 0.3 in about 95% of them (Brown, Cai & DasGupta 2001, fig. 4).
    rng = np.random.default_rng(2021)
    k = rng.binomial(40, 0.3, 4000)
    low, high = c.wilson_interval(k, np.full(k.size, 40))
    coverage = np.mean((low <= 0.3) & (high >= 0.3))
    assert 0.93 <= coverage <= 0.97
