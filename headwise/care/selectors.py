"""Reads of care records: the schedule, plans, sessions and open follow-ups of one practice."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.db.models import QuerySet
from django.utils import timezone

from headwise.care.models import Appointment, AppointmentStatus, FollowUp, SessionRecord, TreatmentPlan
from headwise.clients.models import Client
from headwise.practice.models import Practice


def appointments_list(
    *,
    appointments: QuerySet[Appointment],
    day: dt.date | None,
    time_zone: str,
    practitioner_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
) -> QuerySet[Appointment]:
    """Appointments of an already scoped queryset starting on ``day`` (local), else from now on.

    Cancelled appointments are left out.
    """
    found = appointments.exclude(status=AppointmentStatus.CANCELLED)
    if day is None:
        found = found.filter(ends_at__gt=timezone.now())
    else:
        zone = zoneinfo.ZoneInfo(time_zone)
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        found = found.filter(starts_at__gte=start, starts_at__lt=end)
    if practitioner_id is not None:
        found = found.filter(practitioner__uuid=practitioner_id)
    if location_id is not None:
        found = found.filter(location__uuid=location_id)
    if client_id is not None:
        found = found.filter(client__uuid=client_id)
    return found.select_related("client", "practitioner", "location", "room", "phase").order_by("starts_at")


def plans_of_client(*, client: Client) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.filter(client=client)
        .select_related("client", "practitioner")
        .prefetch_related("phases__plan")
        .order_by("-started_on")
    )


def sessions_of_client(*, client: Client) -> QuerySet[SessionRecord]:
    return (
        SessionRecord.objects.filter(client=client)
        .select_related("client", "practitioner", "appointment", "follow_up")
        .order_by("-started_at")
    )


def follow_ups_list(*, practice: Practice, only_open: bool) -> QuerySet[FollowUp]:
    found = FollowUp.objects.for_practice(practice).select_related("session__client")
    if only_open:
        found = found.filter(completed_at__isnull=True)
    return found.order_by("due_at")
