"""Reads of care records: the schedule, plans, sessions and open follow-ups of one practice."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from headwise.care.models import (
    FLAG_AFTER_DUE,
    Addendum,
    Appointment,
    AppointmentStatus,
    FollowUp,
    SessionRecord,
    TreatmentPlan,
)
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


# --- session records: addenda, what the front desk may see, the follow-up before ------------


def session_get(*, practice: Practice, session_id: uuid.UUID) -> SessionRecord | None:
    return (
        SessionRecord.objects.for_practice(practice)
        .select_related("client", "practitioner__membership__user", "location", "room", "appointment")
        .filter(uuid=session_id)
        .first()
    )


def addenda_of(*, session: SessionRecord) -> QuerySet[Addendum]:
    return Addendum.objects.filter(session=session).select_related("author").order_by("created_at", "pk")


def sessions_happened(*, client: Client) -> QuerySet[SessionRecord]:
    """That sessions happened, and only that: date, practitioner and length (what the front
    desk may see; no notes, regions, techniques or sensations are even read)."""
    return (
        SessionRecord.objects.filter(client=client)
        .select_related("practitioner__membership__user")
        .only("uuid", "started_at", "duration_minutes", "practitioner", "client_id", "practice_id")
        .order_by("-started_at")
    )


def follow_up_before(*, client: Client, before: dt.datetime) -> FollowUp | None:
    """The follow-up of the client's last session that began before ``before``: its answers
    belong on the next session's record."""
    return (
        FollowUp.objects.filter(session__client=client, session__started_at__lt=before)
        .select_related("session")
        .order_by("-session__started_at")
        .first()
    )


# --- the 24-hour follow-up: the client's cards, the practitioner's list --------------------

#: A follow-up is offered to the client (card, e-mail) from when it is due until this long after.
ANSWER_WINDOW = dt.timedelta(days=7)


def follow_ups_for_client(*, client: Client, now: dt.datetime | None = None) -> list[FollowUp]:
    """The client's follow-ups to answer now: due, within the answer window, not complete, or
    complete with side effects the client has not yet said have passed."""
    now = now or timezone.now()
    found = (
        FollowUp.objects.filter(
            session__client=client,
            due_at__lte=now,
            due_at__gt=now - ANSWER_WINDOW,
            passed_at__isnull=True,
        )
        .select_related("session__practitioner__membership__user")
        .order_by("due_at")
    )
    return [f for f in found if f.completed_at is None or f.side_effects]


@dataclass(frozen=True)
class FollowUpsToDo:
    unanswered: list[FollowUp]
    flagged: list[FollowUp]


def follow_ups_to_do(
    *, practice: Practice, now: dt.datetime | None = None, limit: int = 200
) -> FollowUpsToDo:
    """The practitioners' list: follow-ups due and not answered, and side effects not passed
    48 hours after the session (``FollowUp.is_flagged``, the one rule)."""
    now = now or timezone.now()
    base = FollowUp.objects.for_practice(practice).select_related(
        "session__client", "session__practitioner__membership__user"
    )
    unanswered = list(base.filter(due_at__lte=now, completed_at__isnull=True).order_by("-due_at")[:limit])
    candidates = base.filter(due_at__lte=now - FLAG_AFTER_DUE, passed_at__isnull=True).order_by("-due_at")[
        : limit * 5
    ]
    flagged = [f for f in candidates if f.is_flagged(now)]
    return FollowUpsToDo(unanswered=[f for f in unanswered if not f.is_flagged(now)], flagged=flagged)
