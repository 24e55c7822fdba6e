"""What a diary day is: the one definition every page, answer, reminder and analysis uses.

A *day* is a calendar date in the client's own time zone, from local 00:00 to the next local
00:00 (23 or 25 hours on the days the clocks change). The rules, with their sources, are in
``docs/diary.md`` ("What a day is"):

* An instant belongs to the local date on the client's clock (:func:`local_date`).
* An attack touches every local day from the one it starts on to the one holding its last
  moment (:func:`attack_local_days`): one that spans midnight counts on both days (e-diary
  practice, van der Arend et al., Cephalalgia 2023), and one that ends at exactly 00:00 does
  not touch the new day, because none of it happened on that day. An attack still open (no
  end yet) touches only the day it started on: its end is not known, and the engine has no
  clock, so the same diary gives the same days at any hour.
* A day's state (:func:`day_state`) is *missing* when the client told us nothing about it,
  *migraine*, *headache* or *free* otherwise. Missing is never headache-free (IHS trial
  guidelines: Tassorelli et al., Cephalalgia 2018;38:815; Diener et al., Cephalalgia
  2020;40:1026). A day is recorded when the client told us anything about it: a check-in, an
  attack or an intake; a check-in saying "headache" makes a headache day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from headwise.clinical.days import DayTable

__all__ = [
    "DayState",
    "EPOCH_ORDINAL",
    "local_date",
    "local_day_numbers",
    "attack_local_days",
    "attack_dates",
    "state_of",
    "day_state",
]

_JUST_BEFORE = timedelta(microseconds=1)


class DayState(StrEnum):
    """The state of one local day, as every view shows it."""

    MISSING = "missing"
    FREE = "free"
    HEADACHE = "headache"
    MIGRAINE = "migraine"

    @property
    def recorded(self) -> bool:
        """The client told us something about the day."""
        return self is not DayState.MISSING


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The date on the client's clock at ``instant`` (an aware datetime).

    Examples
    --------
    >>> from datetime import UTC
    >>> local_date(datetime(2026, 1, 1, 0, 30, tzinfo=UTC), ZoneInfo("America/New_York"))
    datetime.date(2025, 12, 31)
    """
    return instant.astimezone(zone).date()


def attack_local_days(start: datetime, end: datetime | None, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local day an attack touches (inclusive).

    An attack ending at exactly local 00:00 does not touch the new day; an open attack
    (``end`` is ``None``) and one without duration touch only the day they started on.

    Examples
    --------
    >>> z = ZoneInfo("Europe/Amsterdam")
    >>> attack_local_days(datetime(2026, 3, 1, 22, tzinfo=z), datetime(2026, 3, 2, 0, tzinfo=z), z)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
    >>> attack_local_days(datetime(2026, 3, 1, 22, tzinfo=z), datetime(2026, 3, 2, 0, 1, tzinfo=z), z)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 2))
    """
    first = local_date(start, zone)
    if end is None or end <= start:
        return first, first
    return first, local_date(end - _JUST_BEFORE, zone)


def attack_dates(start: datetime, end: datetime | None, zone: ZoneInfo) -> list[date]:
    """Every local day an attack touches, in order (:func:`attack_local_days` expanded)."""
    first, last = attack_local_days(start, end, zone)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def state_of(*, recorded: bool, headache: bool, migraine: bool) -> DayState:
    """The state of a day from its flags: missing, then migraine, then headache, else free."""
    if not recorded:
        return DayState.MISSING
    if migraine:
        return DayState.MIGRAINE
    return DayState.HEADACHE if headache else DayState.FREE


def day_state(table: DayTable, day: date) -> DayState:
    """The state of one local day in the engine's day table; a day outside it is missing.

    Examples
    --------
    >>> from headwise.clinical.days import days
    >>> from headwise.clinical.model import ClientInfo, Diary
    >>> t = days(Diary(ClientInfo("UTC"), frozenset({date(2026, 1, 1)}),
    ...                headache_dates=frozenset({date(2026, 1, 2)})))
    >>> [day_state(t, date(2026, 1, d)).value for d in (1, 2, 3)]
    ['free', 'headache', 'missing']
    """
    i = (day - table.start).days
    if not 0 <= i < table.n_days:
        return DayState.MISSING
    return state_of(
        recorded=bool(table.column("recorded")[i]),
        headache=bool(table.column("headache")[i]),
        migraine=bool(table.column("migraine")[i]),
    )


#: Day numbers count days since 1970-01-01 (``date.toordinal() - EPOCH_ORDINAL``).
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def local_day_numbers(micros: npt.NDArray[np.int64], zone: ZoneInfo) -> npt.NDArray[np.int64]:
    """:func:`local_date` for many instants at once: day numbers (days since 1970-01-01) of
    the local dates on ``zone``'s clock at ``micros`` (microseconds since the Unix epoch, UTC).

    The same rule as :func:`local_date`, by another route: the instant of each local midnight
    in the span is computed once per calendar date (``datetime.combine(day, 00:00, zone)``,
    which in a spring-forward gap is the instant the new day begins), and each instant is
    placed between two midnights with ``np.searchsorted``. One Python step per calendar date of
    the span, none per instant.

    Examples
    --------
    >>> z = ZoneInfo("America/New_York")
    >>> t = datetime(2026, 1, 1, 0, 30, tzinfo=ZoneInfo("UTC"))
    >>> us = np.array([int(t.timestamp()) * 1_000_000], dtype=np.int64)
    >>> [date.fromordinal(int(d) + EPOCH_ORDINAL) for d in local_day_numbers(us, z)]
    [datetime.date(2025, 12, 31)]
    """
    values = np.asarray(micros, dtype=np.int64)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    # Every UTC offset in use lies within +-26 h, so two days of margin hold every local date.
    first = int(values.min() // 86_400_000_000) - 2
    last = int(values.max() // 86_400_000_000) + 2
    epoch = date(1970, 1, 1)
    midnights = np.array(
        [
            int(datetime.combine(epoch + timedelta(days=d), datetime.min.time(), tzinfo=zone).timestamp())
            * 1_000_000
            for d in range(first, last + 1)
        ],
        dtype=np.int64,
    )
    out: npt.NDArray[np.int64] = np.searchsorted(midnights, values, side="right").astype(np.int64) - 1 + first
    return out
