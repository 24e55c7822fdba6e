"""Statistics for Headwise: pure functions, plain values in, frozen dataclasses out.

No Django, no I/O. Every statistic is tested against an independent implementation
(statsmodels or SciPy) with the reference call written beside the expected numbers.
"""

from headwise.stats.errors import AnalysisError
from headwise.stats.phases import PhaseComparison, RateRatio, compare_phases
from headwise.stats.rates import MonthlyRate, monthly_rate
from headwise.stats.rtm import RtmResult, regression_to_mean

__all__ = [
    "AnalysisError",
    "MonthlyRate",
    "monthly_rate",
    "PhaseComparison",
    "RateRatio",
    "compare_phases",
    "RtmResult",
    "regression_to_mean",
]
