"""The arithmetic of availability, without Django: weekly hours, exceptions and closures turned
into instants, busy time taken away, and slots laid on what is left.

Everything here is pure (frozen dataclasses and aware datetimes in, lists out; no I/O), so the
slot engine (:mod:`headwise.care.slots`) and the booking checks (:mod:`headwise.care.services`)
use one definition of "available" and "free". ``lint-imports`` keeps Django out of it.

Time zones
----------
Working hours are wall-clock times of the location's zone. A local day's window is made with
:func:`datetime.datetime.combine` in that zone and then read as UTC, so a window of 09:00-17:00
lasts eight hours on an ordinary day and on the days the clocks change alike; on the day of the
autumn change a window of 01:00-04:00 lasts four real hours (the repeated hour counts twice,
``fold=0`` takes the first 02:00-03:00), on the spring day a wall time in the gap (02:30 in
Europe/Amsterdam on 29 March 2026) is read with the offset before the change, which is the
instant the clock shows 03:30. See PEP 495 (local time disambiguation) and the ``zoneinfo``
documentation.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC

#: An interval of instants, start included, end excluded (aware datetimes).
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class WeeklyHours:
    """Every ``weekday`` (0 = Monday) from ``starts`` to ``ends`` (wall clock), between
    ``valid_from`` and ``valid_until`` inclusive (None = open-ended)."""

    weekday: int
    starts: dt.time
    ends: dt.time
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def applies_on(self, day: dt.date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class DayException:
    """A day unlike the week: ``starts``/``ends`` None = away that day; set = works only these
    hours that day (at the location the caller asks about)."""

    date: dt.date
    starts: dt.time | None = None
    ends: dt.time | None = None

    @property
    def is_away(self) -> bool:
        return self.starts is None or self.ends is None


@dataclass(frozen=True)
class Busy:
    """Time already taken: an appointment from ``starts_at`` to ``ends_at`` and the free time
    its service needs after it (``buffer``)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    buffer: dt.timedelta = dt.timedelta(0)

    @property
    def interval(self) -> Interval:
        return (self.starts_at, self.ends_at + self.buffer)


def days(day_from: dt.date, day_to: dt.date) -> list[dt.date]:
    """The dates from ``day_from`` to ``day_to``, both included."""
    return [day_from + dt.timedelta(days=i) for i in range((day_to - day_from).days + 1)]


def local_instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant the clock of ``zone`` shows ``time`` on ``day`` (fold 0, see above)."""
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(UTC)


def day_window_times(
    day: dt.date,
    *,
    hours: Iterable[WeeklyHours],
    exceptions: Iterable[DayException],
    closed: bool,
) -> list[tuple[dt.time, dt.time]]:
    """The wall-clock stretches worked on ``day``, in order.

    A closure wins over everything; then an away exception; then exceptions with hours replace
    the weekly pattern of the day; otherwise the weekly hours that apply on the day.
    """
    if closed:
        return []
    todays = [e for e in exceptions if e.date == day]
    if any(e.is_away for e in todays):
        return []
    if todays:
        return sorted((e.starts, e.ends) for e in todays if e.starts is not None and e.ends is not None)
    return sorted((h.starts, h.ends) for h in hours if h.applies_on(day))


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals covering the same instants; touching ones are joined."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def availability(
    *,
    day_from: dt.date,
    day_to: dt.date,
    zone: ZoneInfo,
    hours: Sequence[WeeklyHours],
    exceptions: Sequence[DayException],
    closed_days: Iterable[dt.date] = (),
) -> list[Interval]:
    """The instants worked from ``day_from`` to ``day_to`` (local days of ``zone``), merged."""
    closed = set(closed_days)
    windows: list[Interval] = []
    for day in days(day_from, day_to):
        for starts, ends in day_window_times(day, hours=hours, exceptions=exceptions, closed=day in closed):
            windows.append((local_instant(day, starts, zone), local_instant(day, ends, zone)))
    return merge(windows)


def closed_days(
    closures: Iterable[tuple[dt.date, dt.date]], day_from: dt.date, day_to: dt.date
) -> set[dt.date]:
    """The days between ``day_from`` and ``day_to`` that fall in any (first, last) closure."""
    out: set[dt.date] = set()
    for first, last in closures:
        start, end = max(first, day_from), min(last, day_to)
        out.update(days(start, end) if start <= end else [])
    return out


class Occupancy:
    """Busy time of one practitioner or room, asked "is [start, end) free?" in O(log n)."""

    def __init__(self, busy: Iterable[Busy | Interval]) -> None:
        self._intervals = merge(b.interval if isinstance(b, Busy) else b for b in busy)
        self._starts = [start for start, _ in self._intervals]

    def is_free(self, start: dt.datetime, end: dt.datetime) -> bool:
        i = bisect.bisect_left(self._starts, end)
        return i == 0 or self._intervals[i - 1][1] <= start


def contains(windows: Sequence[Interval], start: dt.datetime, end: dt.datetime) -> bool:
    """Whether [start, end) lies inside one of the merged ``windows``."""
    return any(ws <= start and end <= we for ws, we in windows)


@dataclass(frozen=True)
class Candidate:
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: object | None


def lay_slots(
    *,
    windows: Sequence[Interval],
    duration: dt.timedelta,
    buffer: dt.timedelta,
    step: dt.timedelta,
    practitioner: Occupancy,
    rooms: Sequence[tuple[object, Occupancy]] = (),
    not_before: dt.datetime | None = None,
) -> list[Candidate]:
    """Slots of ``duration`` inside the ``windows``, on a grid of ``step`` from each window's
    start, where the practitioner (and, if the location has rooms, one of ``rooms``, the first
    free in the given order) is free for the duration plus ``buffer``.

    The appointment itself must end inside the window; its buffer may run past the window's end
    (a last session ends at closing time), but not into another appointment.
    """
    out: list[Candidate] = []
    for ws, we in windows:
        start = ws
        while start + duration <= we:
            end = start + duration
            if (not_before is None or start >= not_before) and practitioner.is_free(start, end + buffer):
                if not rooms:
                    out.append(Candidate(start, end, None))
                else:
                    room = next((key for key, occ in rooms if occ.is_free(start, end + buffer)), None)
                    if room is not None:
                        out.append(Candidate(start, end, room))
            start += step
    return out
