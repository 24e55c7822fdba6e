"""Monthly rates of diary days, normalised per recorded day, with an honest interval."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

from headwise.stats.errors import AnalysisError

DAYS_PER_MONTH = 28
"""IHS convention: a month is 28 days (IHS trial guidelines; docs/clinical-definitions.md)."""


@dataclass(frozen=True)
class MonthlyRate:
    """Days with an event per 28 days, from the days that were recorded.

    Attributes
    ----------
    estimate : float
        ``days_with_event / recorded_days * 28``.
    low, high : float
        Wilson score interval for the proportion of recorded days, scaled to 28 days.
    days_with_event, recorded_days, total_days : int
        The counts it rests on; ``total_days - recorded_days`` days were missing.
    completeness : float
        ``recorded_days / total_days``.
    method : str
        How the interval was computed.
    """

    estimate: float
    low: float
    high: float
    days_with_event: int
    recorded_days: int
    total_days: int
    completeness: float
    method: str = "Wilson score interval for a proportion, scaled to 28 days"


def monthly_rate(
    days_with_event: int,
    recorded_days: int,
    total_days: int | None = None,
    *,
    period_days: int = DAYS_PER_MONTH,
    confidence: float = 0.95,
) -> MonthlyRate:
    """Monthly rate of days with an event, as headache trials count them.

    The rate is the proportion of *recorded* days with the event times ``period_days``
    (IHS convention: monthly rate = days with X / recorded days × 28). Missing days are
    left out of the denominator, never counted as event-free. The interval is the Wilson
    score interval for a binomial proportion (Wilson, JASA 1927;22:209), which stays inside
    [0, 1] and behaves at 0 and n events, scaled by ``period_days``.

    Parameters
    ----------
    days_with_event : int
        Recorded days on which the event happened (e.g. migraine days).
    recorded_days : int
        Days with a diary entry in the period.
    total_days : int, optional
        Calendar days in the period, for completeness; defaults to ``recorded_days``.
    period_days : int
        Length of a "month"; 28 by the IHS convention.
    confidence : float
        Two-sided confidence level, between 0 and 1.

    Examples
    --------
    >>> r = monthly_rate(6, 28)
    >>> round(r.estimate, 2), round(r.low, 2), round(r.high, 2)
    (6.0, 2.86, 11.07)
    >>> monthly_rate(3, 14, 28).completeness
    0.5
    """
    total = recorded_days if total_days is None else total_days
    if recorded_days < 1:
        raise AnalysisError("recorded_days must be at least 1: no rate without recorded days")
    if not 0 <= days_with_event <= recorded_days:
        raise AnalysisError("days_with_event must lie between 0 and recorded_days")
    if total < recorded_days:
        raise AnalysisError("total_days cannot be fewer than recorded_days")
    if not 0 < confidence < 1:
        raise AnalysisError("confidence must lie strictly between 0 and 1")
    if period_days < 1:
        raise AnalysisError("period_days must be at least 1")
    n = recorded_days
    p = days_with_event / n
    z = float(norm.ppf(0.5 + confidence / 2))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At 0 and n events the Wilson bounds are exactly 0 and 1; say so rather than round.
    low = 0.0 if days_with_event == 0 else max(0.0, centre - half)
    high = 1.0 if days_with_event == n else min(1.0, centre + half)
    return MonthlyRate(
        estimate=p * period_days,
        low=low * period_days,
        high=high * period_days,
        days_with_event=days_with_event,
        recorded_days=recorded_days,
        total_days=total,
        completeness=recorded_days / total,
    )
