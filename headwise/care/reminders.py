"""Appointment reminders: an e-mail with the ``.ics``, a practice-set number of hours before.

:func:`reminders_to_queue` finds the booked appointments that start within each practice's
``appointment_reminder_hours`` (practices with ``appointment_reminders`` on) and have no
reminder yet; :func:`queue_reminders` claims each with one conditional UPDATE
(``reminded_at`` still empty, same SEQUENCE) and enqueues its e-mail in the same transaction.
Two runs at once therefore queue each reminder once: the database lets one UPDATE match the row,
the other finds it claimed. Moving an appointment clears ``reminded_at``, so the new time gets
its own reminder; the e-mail task checks the SEQUENCE again before it sends.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from headwise.care.models import Appointment, AppointmentStatus
from headwise.clients.models import Client, ClientStatus
from headwise.clients.selectors import processing_allowed
from headwise.practice.models import Practice


def reminders_to_queue(*, now: dt.datetime | None = None) -> list[Appointment]:
    """The appointments whose reminder is due at ``now`` and not yet queued."""
    now = now or timezone.now()
    due: list[Appointment] = []
    for practice in Practice.objects.filter(appointment_reminders=True).order_by("pk"):
        due += list(
            Appointment.objects.for_practice(practice)
            .filter(
                status=AppointmentStatus.BOOKED,
                reminded_at__isnull=True,
                starts_at__gt=now,
                starts_at__lte=now + dt.timedelta(hours=practice.appointment_reminder_hours),
                client__status=ClientStatus.ACTIVE,
            )
            .select_related("client__user")
            .order_by("starts_at")
        )
    allowed = set(
        processing_allowed(Client.objects.filter(pk__in={a.client_id for a in due})).values_list(
            "pk", flat=True
        )
    )
    return [
        a
        for a in due
        if a.client_id in allowed and (a.client.email or (a.client.user and a.client.user.email))
    ]


def queue_reminders(*, now: dt.datetime | None = None, due: list[Appointment] | None = None) -> int:
    """Claim and enqueue every due reminder (``due``: what :func:`reminders_to_queue` found, read
    again if not given); returns how many this run queued."""
    from headwise.care.tasks import send_appointment_mail

    now = now or timezone.now()
    queued = 0
    for appointment in reminders_to_queue(now=now) if due is None else due:
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=appointment.pk,
                reminded_at__isnull=True,
                status=AppointmentStatus.BOOKED,
                ics_sequence=appointment.ics_sequence,
            ).update(reminded_at=now)
            if claimed:
                send_appointment_mail.enqueue(str(appointment.uuid), "reminder", appointment.ics_sequence)
                queued += 1
    return queued
