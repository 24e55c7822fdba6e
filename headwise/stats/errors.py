class AnalysisError(ValueError):
    """Input a statistic cannot be computed from; the message states the requirement."""
