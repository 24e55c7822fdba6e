"""Statistics for Headwise: pure functions, plain values in, frozen dataclasses out.

No Django, no I/O. Every statistic is tested against an independent implementation
(statsmodels or SciPy) with the reference call written beside the expected numbers.
"""

from headwise.stats.errors import AnalysisError
from headwise.stats.rates import MonthlyRate, monthly_rate

__all__ = ["AnalysisError", "MonthlyRate", "monthly_rate"]
