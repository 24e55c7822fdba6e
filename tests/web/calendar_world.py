"""Helpers of the calendar tests: appointments on both sides of the next DST change of a zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from headwise.care import services
from headwise.care.models import Appointment
from tests import factories as f
from tests.conftest import PracticeWorld


def next_dst_change(zone: str, *, after_days: int = 3) -> dt.date:
    """The first local day, ``after_days`` or more from the test's today, whose noon has another
    UTC offset than the noon before (the day the clocks change)."""
    tz = ZoneInfo(zone)
    today = timezone.now().astimezone(tz).date()
    for i in range(after_days, after_days + 400):
        day = today + dt.timedelta(days=i)
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=tz)
        before = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), tzinfo=tz)
        if noon.utcoffset() != before.utcoffset():
            return day
    raise AssertionError(f"no DST change in {zone} within a year")


def location_in(world: PracticeWorld, zone: str) -> object:
    location = f.LocationFactory(practice=world.practice, name=f"Office {zone}", time_zone=zone, city="Town")
    world.records["practitioner"].locations.add(location)
    return location


def book_at(world: PracticeWorld, location: object, day: dt.date, hour: int = 10) -> Appointment:
    """Book the world's client at ``hour``:00 local time of the location on ``day`` (an hour)."""
    tz = ZoneInfo(location.time_zone)  # type: ignore[attr-defined]
    starts = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
    world.records["practitioner"].locations.add(location)
    return services.appointment_book(
        practice=world.practice,
        by=world.front_desk,
        client_id=world.client.uuid,
        practitioner_id=world.records["practitioner"].uuid,
        location_id=location.uuid,  # type: ignore[attr-defined]
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
