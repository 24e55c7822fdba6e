"""monthly_rate against statsmodels' Wilson interval, and its edge cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from headwise.stats import AnalysisError, monthly_rate


@pytest.mark.parametrize(("events", "recorded"), [(0, 28), (6, 28), (28, 28), (1, 1), (13, 90), (45, 365)])
def test_it_matches_statsmodels_wilson_interval(events: int, recorded: int) -> None:
    # Reference: statsmodels.stats.proportion.proportion_confint(events, recorded, 0.05, "wilson")
    low, high = proportion_confint(events, recorded, alpha=0.05, method="wilson")
    rate = monthly_rate(events, recorded)
    assert rate.estimate == pytest.approx(events / recorded * 28, rel=1e-12)
    assert rate.low == pytest.approx(low * 28, rel=1e-9, abs=1e-12)
    assert rate.high == pytest.approx(high * 28, rel=1e-9, abs=1e-12)


def test_it_leaves_missing_days_out_of_the_denominator() -> None:
    half_kept = monthly_rate(4, 14, 28)
    assert half_kept.estimate == pytest.approx(8.0)
    assert half_kept.completeness == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 0), "recorded_days"),
        ((5, 4), "days_with_event"),
        ((-1, 4), "days_with_event"),
        ((1, 10, 9), "total_days"),
    ],
)
def test_it_rejects_impossible_counts_and_names_them(args: tuple[int, ...], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        monthly_rate(*args)


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_it_always_brackets_the_estimate(counts: tuple[int, int]) -> None:
    rate = monthly_rate(*counts)
    assert 0 <= rate.low <= rate.estimate <= rate.high <= 28


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_it_never_rises_when_a_headache_free_day_is_added(counts: tuple[int, int]) -> None:
    events, recorded = counts
    assert monthly_rate(events, recorded + 1).estimate <= monthly_rate(events, recorded).estimate
