"""Per-client outcomes against independent computations (statsmodels, SciPy, hand counts)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep

from headwise.stats import AnalysisError
from headwise.stats.outcomes import (
    NotAssessable,
    ResponderStatus,
    dominant_phase,
    exact_rate_ratio_interval,
    garwood_interval,
    mover_difference,
    pearson_dispersion,
    period_bounds,
    period_outcomes,
    period_table,
    welch_interval,
)
from headwise.stats.series import DaySeries

START = date(2026, 1, 1)
FIRST_SESSION = START + timedelta(days=28)


def series(
    n: int,
    *,
    migraine: list[int] = (),  # type: ignore[assignment]
    missing: list[int] = (),  # type: ignore[assignment]
    sessions: tuple[date, ...] = (FIRST_SESSION,),
    **columns: object,
) -> DaySeries:
    """``n`` days from START, all recorded but ``missing``, migraine on the listed days."""
    recorded = np.ones(n, dtype=bool)
    recorded[list(missing)] = False
    mig = np.zeros(n, dtype=bool)
    mig[list(migraine)] = True
    return DaySeries.from_columns(
        START,
        recorded=recorded,
        migraine=mig,
        headache=mig,
        session_days=sessions,
        **columns,  # type: ignore[arg-type]
    )


# --- Intervals against statsmodels and SciPy ---------------------------------------------------


@pytest.mark.parametrize(("count", "exposure"), [(0, 28), (1, 28), (6, 28), (8, 22), (27, 28), (140, 365)])
def test_it_matches_statsmodels_exact_poisson_interval(count: int, exposure: int) -> None:
    # Reference: statsmodels.stats.rates.confint_poisson(count, exposure, method="exact-c")
    low, high = confint_poisson(count, exposure, method="exact-c", alpha=0.05)
    mine = garwood_interval(count, exposure)
    assert mine[0] == pytest.approx(low, rel=1e-10, abs=1e-14)
    assert mine[1] == pytest.approx(high, rel=1e-10)


def test_the_dispersion_scales_the_variance_as_quasi_poisson_does() -> None:
    # With a large count the exact interval is close to Wald's: rate +- 1.96 sqrt(phi * y) / n.
    y, n, phi = 4000, 10000, 2.5
    low, high = garwood_interval(y, n, dispersion=phi)
    half = sps.norm.ppf(0.975) * np.sqrt(phi * y) / n
    assert (high - low) / 2 == pytest.approx(half, rel=0.01)
    assert garwood_interval(y, n, dispersion=1.0)[1] < high


@pytest.mark.parametrize(
    ("y1", "n1", "y2", "n2"), [(4, 28, 8, 28), (0, 28, 5, 28), (12, 20, 3, 28), (9, 14, 9, 26)]
)
def test_the_change_matches_statsmodels_mover(y1: int, n1: int, y2: int, n2: int) -> None:
    # Reference: confint_poisson_2indep(y1, n1, y2, n2, method="mover", compare="diff",
    # method_mover="exact-c"), per day; ours is per 28 days.
    low, high = confint_poisson_2indep(y1, n1, y2, n2, method="mover", compare="diff", method_mover="exact-c")
    ci1 = tuple(28 * x for x in garwood_interval(y1, n1))
    ci2 = tuple(28 * x for x in garwood_interval(y2, n2))
    mine = mover_difference(28 * y1 / n1, ci1, 28 * y2 / n2, ci2)  # type: ignore[arg-type]
    assert mine[0] == pytest.approx(28 * low, rel=1e-9)
    assert mine[1] == pytest.approx(28 * high, rel=1e-9)


@pytest.mark.parametrize(
    ("y1", "n1", "y2", "n2"), [(4, 28, 8, 28), (0, 28, 5, 28), (12, 20, 3, 28), (7, 14, 7, 28)]
)
def test_the_rate_ratio_matches_the_clopper_pearson_interval_of_the_share(
    y1: int, n1: int, y2: int, n2: int
) -> None:
    # Reference: given y1 + y2, y1 ~ Binomial(y1 + y2, p) with p = n1 R / (n1 R + n2); SciPy's
    # binomtest(y1, y1 + y2).proportion_ci(method="exact") mapped through R = p/(1-p) * n2/n1.
    ci = sps.binomtest(y1, y1 + y2).proportion_ci(confidence_level=0.95, method="exact")
    expected = (ci.low / (1 - ci.low) * n2 / n1, ci.high / (1 - ci.high) * n2 / n1)
    mine = exact_rate_ratio_interval(y1, n1, y2, n2)
    assert mine is not None
    assert mine[0] == pytest.approx(expected[0], rel=1e-9, abs=1e-14)
    assert mine[1] == pytest.approx(expected[1], rel=1e-9)


def test_the_rate_ratio_has_no_upper_end_from_a_zero_baseline_and_none_from_two_zeros() -> None:
    low, high = exact_rate_ratio_interval(3, 28, 0, 28)  # type: ignore[misc]
    assert high == np.inf and low > 0
    assert exact_rate_ratio_interval(0, 28, 0, 28) is None


def test_welch_matches_scipy() -> None:
    x = [6.0, 7.0, 5.0, 8.0, 7.0]
    y = [8.0, 9.0, 7.0, 9.0, 8.0, 10.0]
    # Reference: scipy.stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    ref = sps.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    low, high = welch_interval(x, y)  # type: ignore[misc]
    assert (low, high) == pytest.approx((ref.low, ref.high), rel=1e-10)
    assert welch_interval([5.0], y) is None


def test_the_dispersion_matches_a_statsmodels_poisson_glm_with_period_terms() -> None:
    # Block counts with rates that differ by period; reference: statsmodels GLM (Poisson, one
    # dummy per period, offset log(exposure)): pearson_chi2 / df_resid.
    y = np.array([0, 5, 1, 6, 2, 2, 1, 0, 3, 4, 0, 3])
    n = np.array([7, 7, 7, 7, 7, 7, 7, 5, 7, 7, 7, 6])
    g = np.repeat([0, 1, 2], 4)
    design = np.eye(3)[g]
    fit = sm.GLM(y, design, family=sm.families.Poisson(), offset=np.log(n)).fit()
    assert pearson_dispersion(y, n, g) == pytest.approx(fit.pearson_chi2 / fit.df_resid, rel=1e-8)


def test_the_dispersion_is_never_below_poisson_and_needs_degrees_of_freedom() -> None:
    even = np.array([2, 2, 2, 2, 2, 2])
    assert pearson_dispersion(even, np.full(6, 7), np.zeros(6, dtype=np.int64)) == 1.0
    few = np.array([0, 7, 0])
    assert pearson_dispersion(few, np.full(3, 7), np.zeros(3, dtype=np.int64)) == 1.0  # 2 df < 4


# --- Periods, the baseline and the hand-computed case ----------------------------------------------


def test_periods_are_laid_back_from_the_baseline_and_on_from_the_first_session() -> None:
    # first session at column 40: baseline 12..39, before 0..11, after 40..67, 68..95, 96..99
    assert period_bounds(100, 40) == [
        ("before", 0, 12),
        ("baseline", 12, 40),
        ("after", 40, 68),
        ("after", 68, 96),
        ("after", 96, 100),
    ]
    assert period_bounds(60, None) == [("period", 0, 28), ("period", 28, 56), ("period", 56, 60)]
    assert period_bounds(40, 14, baseline_days=14, period_days=28)[0] == ("baseline", 0, 14)


def test_a_hand_computed_client() -> None:
    # 70 days from 1 Jan; first session on day 28. Baseline days 0..27: migraine on 8 days
    # (0, 3, 6, 9, 12, 15, 18, 21) -> 8 per 28. Period 1 (days 28..55): migraine on 28, 35,
    # 42, 49 -> 4 on 28 recorded days = 4 per 28; change -4, percent -50 %. Period 2 (days
    # 56..69, 14 days): days 60..66 missing (7), migraine on 56 and 67 -> 2 on 7 recorded days
    # = 8 per 28: missing days are not headache-free, so it is not 2 per 14 days = 4 per 28.
    s = series(
        70,
        migraine=[0, 3, 6, 9, 12, 15, 18, 21, 28, 35, 42, 49, 56, 67],
        missing=list(range(60, 67)),
    )
    o = period_outcomes(s)
    assert o.baseline is not None and not o.baseline_incomplete
    b = o.baseline.rates["migraine_days"]
    assert (b.count, b.recorded_days, b.per_28) == (8, 28, 8.0)
    p1, p2 = o.periods
    r1 = p1.rates["migraine_days"]
    assert (r1.count, r1.recorded_days, r1.per_day, r1.per_28) == (4, 28, 4 / 28, 4.0)
    c1 = p1.changes["migraine_days"]
    assert c1 is not None
    assert (c1.absolute, c1.percent) == (-4.0, -50.0)
    assert [(r.threshold, r.status) for r in p1.responders] == [
        (30, ResponderStatus.RESPONDER),
        (50, ResponderStatus.RESPONDER),  # exactly 50 %: a responder (IHS: >= 50 %)
        (75, ResponderStatus.NON_RESPONDER),
    ]
    r2 = p2.rates["migraine_days"]
    assert (p2.n_days, p2.recorded_days, p2.missing_days, p2.short) == (14, 7, 7, True)
    assert (r2.count, r2.per_28) == (2, 8.0)
    assert p2.start == date(2026, 2, 26) and p2.end == date(2026, 3, 11)
    # 7 recorded days < 14: too few to classify.
    assert {r.reason for r in p2.responders} == {NotAssessable.PERIOD_INSUFFICIENT}
    # Dispersion: weekly counts 3, 2, 2, 1 around 2 (Pearson 1); 1, 1, 1, 1 around 1 (0); in
    # period 2, 1 of 4 and 1 of 3 recorded days around 2/7 (1/56 + 1/42): 1.042 on 10 - 3 = 7
    # df is under 1, so phi = 1 and each interval is the exact Poisson one x 28.
    assert o.dispersion["migraine_days"] == 1.0
    low, high = confint_poisson(4, 28, method="exact-c")
    assert (r1.low, r1.high) == pytest.approx((low * 28, high * 28), rel=1e-9)


def test_an_interval_of_days_never_passes_28_per_28_but_one_of_attacks_may() -> None:
    s = series(56, migraine=list(range(28, 56)), attack_day=[28, 28, 29], attack_peak=[5, 6, 7])
    period = period_outcomes(s).periods[0]
    assert period.rates["migraine_days"].high == 28.0
    attacks = period.rates["attacks"]
    assert attacks.count == 3 and attacks.high is not None and attacks.high > attacks.per_28  # type: ignore[operator]


def test_clustered_weeks_widen_the_interval_beyond_poisson() -> None:
    # Alternate weeks of 6 and 0 migraine days: week counts vary far more than Poisson allows.
    days = [d for w in range(0, 12, 2) for d in range(w * 7, w * 7 + 6)]
    o = period_outcomes(series(84, migraine=days))
    assert o.dispersion["migraine_days"] > 1.5
    r = o.periods[0].rates["migraine_days"]
    plain = garwood_interval(r.count, r.recorded_days)
    assert r.high - r.low > 28 * (plain[1] - plain[0])  # type: ignore[operator]


def test_the_baseline_is_flagged_under_80_percent_complete() -> None:
    # 22 of 28 baseline days recorded is 78.6 %: flagged; 23 is 82.1 %: not flagged.
    flagged = period_outcomes(series(56, migraine=[1, 2], missing=list(range(22, 28))))
    kept = period_outcomes(series(56, migraine=[1, 2], missing=list(range(23, 28))))
    assert flagged.baseline_incomplete and flagged.baseline.recorded_days == 22  # type: ignore[union-attr]
    assert not kept.baseline_incomplete


def test_a_baseline_before_the_diary_began_counts_its_days_as_missing() -> None:
    # The diary starts 10 days before the first session: the baseline has 28 days, 18 missing.
    s = series(38, migraine=[2], sessions=(START + timedelta(days=10),))
    o = period_outcomes(s)
    assert o.baseline is not None
    assert (o.baseline.n_days, o.baseline.recorded_days, o.baseline.missing_days) == (28, 10, 18)
    assert o.baseline.start == START - timedelta(days=18)
    assert o.baseline_incomplete
    assert {r.reason for r in o.periods[0].responders} == {NotAssessable.BASELINE_INSUFFICIENT}


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"migraine": [30, 31]}, NotAssessable.BASELINE_ZERO),
        ({"migraine": [1, 30], "missing": list(range(13, 28))}, NotAssessable.BASELINE_INSUFFICIENT),
        ({"migraine": [1, 30], "sessions": ()}, NotAssessable.NO_SESSION),
    ],
)
def test_a_responder_status_that_cannot_be_given_says_why(
    kwargs: dict[str, object], reason: NotAssessable
) -> None:
    o = period_outcomes(series(56, **kwargs))  # type: ignore[arg-type]
    if reason is NotAssessable.NO_SESSION:
        assert o.baseline is None and o.periods == ()
        return
    assert {(r.status, r.reason) for r in o.periods[0].responders} == {
        (ResponderStatus.NOT_ASSESSABLE, reason)
    }


def test_a_baseline_of_14_recorded_days_is_enough_to_classify() -> None:
    # Baseline: 14 recorded days with 1 migraine day = 2 per 28; period: 1 of 28 = 1 per 28,
    # a 50 % reduction. One recorded day fewer and the baseline is insufficient (above).
    o = period_outcomes(series(56, migraine=[1, 30], missing=list(range(14, 28))))
    assert o.baseline_incomplete
    r50 = o.periods[0].responder(50)
    assert (
        r50 is not None and r50.status is ResponderStatus.RESPONDER and r50.reduction == pytest.approx(50.0)
    )


def test_the_baseline_zero_case_has_no_percent_change_but_an_absolute_one() -> None:
    o = period_outcomes(series(56, migraine=[30, 31]))
    change = o.periods[0].changes["migraine_days"]
    assert change is not None and change.absolute == 2.0 and change.percent is None


def test_means_are_over_attacks_and_leave_an_aura_without_headache_out_of_the_intensity() -> None:
    # Baseline attacks: peaks 8, 6, 7 (mean 7), hours 10, 20; period: peaks 5, 0 (aura only), 4.
    s = series(
        56,
        migraine=[1, 5, 9, 30, 35, 40],
        attack_day=[1, 5, 9, 30, 35, 40],
        attack_peak=[8, 6, 7, 5, 0, 4],
        attack_hours=[10, 20, np.nan, 4, 1, 8],
    )
    o = period_outcomes(s)
    assert o.baseline is not None
    base = o.baseline.means["peak_intensity"]
    after = o.periods[0].means["peak_intensity"]
    assert (base.n, base.mean, after.n, after.mean) == (3, 7.0, 2, 4.5)
    ref = sps.t.interval(0.95, 2, loc=7.0, scale=np.std([8, 6, 7], ddof=1) / np.sqrt(3))
    assert (base.low, base.high) == pytest.approx(ref, rel=1e-10)
    assert o.baseline.means["attack_hours"].mean == 15.0  # the open attack has no duration
    change = o.periods[0].mean_changes["peak_intensity"]
    ref_w = sps.ttest_ind([5, 4], [8, 6, 7], equal_var=False).confidence_interval(0.95)
    assert change is not None and change.difference == -2.5
    assert (change.low, change.high) == pytest.approx((ref_w.low, ref_w.high), rel=1e-10)


def test_medication_is_counted_per_class() -> None:
    n = 56
    triptan = np.zeros(n, dtype=bool)
    triptan[[2, 30, 31]] = True
    s = series(n, acute_medication=triptan, medication={"triptan": triptan})
    o = period_outcomes(s)
    assert o.baseline.rates["medication_days:triptan"].count == 1  # type: ignore[union-attr]
    assert o.periods[0].rates["medication_days:triptan"].count == 2
    assert o.periods[0].rates["acute_medication_days"].count == 2


def test_a_day_that_is_not_recorded_cannot_be_a_migraine_day() -> None:
    with pytest.raises(AnalysisError, match="migraine is true on a day that is not recorded"):
        DaySeries.from_columns(START, recorded=[True, False], migraine=[False, True])


def test_an_empty_series_has_no_periods_and_no_error() -> None:
    empty = DaySeries.from_columns(START, recorded=[], session_days=(START - timedelta(days=3),))
    # The baseline (28 days before the session 3 days before the start) is all missing.
    o = period_outcomes(empty)
    assert o.periods == () and o.baseline is not None and o.baseline.recorded_days == 0
    assert period_table(empty).recorded_days.tolist() == [0]
    assert len(period_table(empty).recorded()) == 0


def test_the_period_table_names_care_without_a_plan_phase_treatment() -> None:
    # A plan phase that began before the first session does not make the periods before the
    # baseline "under care"; after the session, days in no plan phase make "treatment".
    phase = ("intensive",) * 10 + ("before",) * 46 + ("no_plan",) * 30
    s = series(86, migraine=[3], phase=phase, sessions=(START + timedelta(days=56),))
    assert period_table(s).phase == ("before", "baseline", "treatment", "treatment")


def test_dominant_phase_takes_the_most_days() -> None:
    assert dominant_phase(["intensive"] * 10 + ["stabilising"] * 18) == "stabilising"


def test_the_period_table_marks_the_baseline_and_keeps_the_periods_before_it() -> None:
    # 100 days, first session at day 68: before 0..11, before 12..39, baseline 40..67, after 68..95, 96..99
    phase = ("before",) * 68 + ("intensive",) * 32
    s = series(
        100, migraine=[0, 20, 21, 50, 70], missing=[5, 6], phase=phase, sessions=(START + timedelta(days=68),)
    )
    t = period_table(s)
    assert t.phase == ("before", "before", "baseline", "intensive", "intensive")
    assert t.migraine_days.tolist() == [1, 2, 1, 1, 0]
    assert t.recorded_days.tolist() == [10, 28, 28, 28, 4]
    assert t.n_days.tolist() == [12, 28, 28, 28, 4]  # type: ignore[union-attr]
    assert t.period_start[2] == START + timedelta(days=40)
    assert t.sessions.tolist() == [0, 0, 0, 1, 0]  # type: ignore[union-attr]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 200),
    session=st.one_of(st.none(), st.integers(-40, 220)),
    baseline_days=st.integers(7, 42),
    period_days=st.integers(7, 35),
    data=st.data(),
)
def test_counts_per_period_sum_to_the_totals(
    n: int, session: int | None, baseline_days: int, period_days: int, data: st.DataObject
) -> None:
    recorded = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    migraine = recorded & np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    sessions = () if session is None else (START + timedelta(days=session),)
    s = DaySeries.from_columns(
        START, recorded=recorded, migraine=migraine, headache=migraine, session_days=sessions
    )
    t = period_table(s, period_days=period_days, baseline_days=baseline_days)
    # The periods cover the series: every recorded and migraine day falls in exactly one.
    assert int(t.migraine_days.sum()) == int(migraine.sum())
    assert int(t.recorded_days.sum()) == int(recorded.sum())
    o = period_outcomes(s, baseline_days=baseline_days, period_days=period_days)
    analysed = ([o.baseline] if o.baseline else []) + list(o.periods)
    if session is not None:
        lo = max(0, min(session - baseline_days, n))
        assert sum(p.rates["migraine_days"].count for p in analysed) == int(migraine[lo:].sum())
        assert sum(p.recorded_days for p in analysed) == int(recorded[lo:].sum())
    for p in analysed:
        assert p.recorded_days + p.missing_days == p.n_days
        r = p.rates["migraine_days"]
        if r.per_28 is not None:
            assert r.low <= r.per_28 <= r.high <= 28  # type: ignore[operator]
