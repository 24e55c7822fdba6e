"""Which dates and times Headwise accepts, in one place for the pages and the API.

* **The calendar's range** (:data:`EARLIEST` … :data:`LATEST`): every date or instant a person
  can send. Python's calendar ends at 9999-12-31; a date near either end cannot be moved by a
  day or into another time zone, so the diary's arithmetic would fail on it. Nothing in a
  headache diary lies before 1900 (the oldest living people were born after it) or centuries
  ahead, so anything outside is refused with an error naming the field, never a crash.
* **A date of birth** is not in the future and not before :data:`EARLIEST`.
* **A diary time** (an attack, a dose, an aura, an exposure) is not in the future beyond
  :data:`FUTURE_TOLERANCE` (a phone's clock may run a little ahead) and not before the client
  was born (or :data:`EARLIEST` when the date of birth is unknown).

Each ``*_problem`` function answers ``None`` when the value is fine, else the message to show.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)

#: Clock skew allowed between a phone and the server before a time counts as "in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=2)


def _day_of(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def in_calendar(value: dt.date | dt.datetime) -> bool:
    """Whether ``value`` lies within the calendar Headwise works in."""
    return EARLIEST <= _day_of(value) <= LATEST


def calendar_problem(value: dt.date | dt.datetime | None) -> str | None:
    if value is None or in_calendar(value):
        return None
    return _("Give a date between %(first)s and %(last)s.") % {
        "first": EARLIEST.isoformat(),
        "last": LATEST.isoformat(),
    }


def birth_date_problem(born: dt.date | None, *, today: dt.date) -> str | None:
    if born is None:
        return None
    if born > today:
        return _("The date of birth cannot be in the future.")
    if born < EARLIEST:
        return _("The date of birth cannot be before %(first)s.") % {"first": EARLIEST.isoformat()}
    return None


def diary_time_problem(
    value: dt.datetime | None, *, now: dt.datetime, born: dt.date | None = None
) -> str | None:
    """An instant in a client's diary: not in the future, not before the client was born."""
    if value is None:
        return None
    if value > now + FUTURE_TOLERANCE:
        return _("This time is in the future.")
    first = max(born, EARLIEST) if born is not None else EARLIEST
    if value.date() < first:
        if born is not None and born >= EARLIEST:
            return _("This time is before the client's date of birth.")
        return _("Give a date between %(first)s and %(last)s.") % {
            "first": EARLIEST.isoformat(),
            "last": LATEST.isoformat(),
        }
    return None
