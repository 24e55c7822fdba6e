"""Three-valued (Kleene) logic for criteria whose answers may be missing.

``True`` is *met*, ``False`` *not met* and ``None`` *unknown*: a criterion whose outcome could
flip depending on unanswered questions is unknown, never "no".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Tri", "Status", "Criterion", "all3", "any3", "not3", "at_least", "status_of"]

Tri = bool | None


class Status(StrEnum):
    """Outcome of one criterion."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


def status_of(value: Tri) -> Status:
    """Map a three-valued answer to a :class:`Status`."""
    if value is None:
        return Status.UNKNOWN
    return Status.MET if value else Status.NOT_MET


def not3(value: Tri) -> Tri:
    """Kleene negation.

    >>> not3(None) is None, not3(True)
    (True, False)
    """
    return None if value is None else not value


def all3(values: Iterable[Tri]) -> Tri:
    """Kleene conjunction: False if any is False, else None if any unknown, else True.

    >>> all3([True, None]) is None, all3([False, None]), all3([])
    (True, False, True)
    """
    result: Tri = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def any3(values: Iterable[Tri]) -> Tri:
    """Kleene disjunction: True if any is True, else None if any unknown, else False.

    >>> any3([False, None]) is None, any3([True, None]), any3([])
    (True, True, False)
    """
    result: Tri = False
    for v in values:
        if v is True:
            return True
        if v is None:
            result = None
    return result


def at_least(k: int, values: Iterable[Tri]) -> Tri:
    """Whether at least ``k`` values are true, in three-valued logic.

    Met when ``k`` are known true; not met when even all unknowns being true would fall short.

    >>> at_least(2, [True, None, False, False]) is None
    True
    >>> at_least(2, [True, True, None]), at_least(3, [True, None, False])
    (True, False)
    """
    vs = list(values)
    yes = sum(1 for v in vs if v is True)
    unknown = sum(1 for v in vs if v is None)
    if yes >= k:
        return True
    if yes + unknown < k:
        return False
    return None


@dataclass(frozen=True, slots=True)
class Criterion:
    """One diagnostic criterion with its outcome and the reason.

    ``code`` names the ICHD-3 criterion (e.g. ``"1.1 C"``).
    """

    code: str
    text: str
    status: Status
    reason: str

    @property
    def value(self) -> Tri:
        """The outcome as ``True``/``False``/``None``."""
        if self.status is Status.UNKNOWN:
            return None
        return self.status is Status.MET
