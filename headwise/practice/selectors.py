"""Reads of practice structure and the day's schedule."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import QuerySet

from headwise.care.models import Appointment, AppointmentStatus
from headwise.practice.models import Location, Membership, Practice, Practitioner


def appointments_on_day(*, practice: Practice, day: dt.date, time_zone: str) -> QuerySet[Appointment]:
    """Appointments that start on ``day`` in ``time_zone``, cancelled ones left out."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return (
        Appointment.objects.for_practice(practice)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("client", "practitioner", "location", "room")
        .order_by("starts_at")
    )


def locations_of(*, practice: Practice) -> QuerySet[Location]:
    return Location.objects.for_practice(practice).order_by("name")


def staff_of(*, practice: Practice) -> QuerySet[Membership]:
    return (
        Membership.objects.for_practice(practice)
        .select_related("user", "practitioner")
        .order_by("user__full_name")
    )


def practitioners_of(*, practice: Practice) -> QuerySet[Practitioner]:
    return Practitioner.objects.for_practice(practice).filter(is_active=True)
