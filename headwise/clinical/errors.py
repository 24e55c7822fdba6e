"""The one exception the clinical engine raises."""

from __future__ import annotations

__all__ = ["AnalysisError"]


class AnalysisError(ValueError):
    """Input that the clinical engine cannot analyse.

    The message always names the field (a dotted path, e.g. ``attacks[3].end``)
    and the reason, as ``"<field>: <reason>"``.

    Examples
    --------
    >>> err = AnalysisError("end", "end is before start")
    >>> str(err.within("attacks[3]"))
    'attacks[3].end: end is before start'
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def within(self, prefix: str) -> AnalysisError:
        """Return the same error with ``prefix`` put in front of the field path."""
        joined = (
            f"{prefix}.{self.field}"
            if self.field and not self.field.startswith("[")
            else (f"{prefix}{self.field}")
        )
        return AnalysisError(joined, self.reason)
