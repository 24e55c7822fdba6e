"""The test's now: one fixed instant that every test runs at, whatever the wall clock says.

``NOW`` is read once, when the tests are collected, from ``HEADWISE_TEST_NOW`` (ISO 8601 with an
offset, e.g. ``2026-12-31T22:30:00Z``) or else ``DEFAULT``, an ordinary weekday morning. The
autouse ``clock`` fixture in tests/conftest.py travels there for every test (time-machine,
``tick=False``), so ``timezone.now()``, ``date.today()``, the factories and the server thread of
the browser tests all agree. Tests and factories build their instants from ``NOW`` and days from
``TODAY`` (the personas' own zone), never from the wall clock. ``make test-clock`` runs the
date-sensitive tests (marker ``clock``) at hostile instants.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

ENV = "HEADWISE_TEST_NOW"
DEFAULT = "2026-06-10T08:00:00Z"  # a Wednesday, 10:00 in Amsterdam: nothing special about it
ZONE = ZoneInfo("Europe/Amsterdam")  # the personas' and the factories' zone


def parse(text: str) -> dt.datetime:
    """``text`` as an aware UTC instant; a clear error naming the variable for anything else."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{ENV}={text!r} is not an ISO 8601 instant (e.g. 2026-12-31T22:30:00Z)") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{ENV}={text!r} has no offset: say which instant, e.g. 2026-12-31T22:30:00Z")
    return value.astimezone(dt.UTC)


NOW: dt.datetime = parse(os.environ.get(ENV) or DEFAULT)
TODAY: dt.date = NOW.astimezone(ZONE).date()  # the diary day of a persona at NOW


def today_in(zone: str | dt.tzinfo) -> dt.date:
    """The calendar date at ``NOW`` in ``zone``."""
    return NOW.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()


def local(day: dt.date, hour: int, minute: int = 0, zone: dt.tzinfo = ZONE) -> dt.datetime:
    """The instant of ``hour:minute`` wall time on ``day`` in ``zone`` (a persona's local time)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def describe() -> str:
    """The instant in words, for the test report header: CI output shows which clock a run used."""
    source = ENV if os.environ.get(ENV) else "default"
    return (
        f"clock: tests run at {NOW:%Y-%m-%d %H:%M:%S} UTC = {NOW.astimezone(ZONE):%Y-%m-%d %H:%M %Z} "
        f"{ZONE.key} ({source})"
    )
