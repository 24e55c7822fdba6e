"""The client's appointment e-mails, each with the appointment's ``.ics``, through the task queue.

Four kinds: ``booked`` and ``moved`` (an invitation, ``METHOD:REQUEST``), ``cancelled``
(``METHOD:CANCEL``, ``STATUS:CANCELLED``) and ``reminder`` (a day before, by default; see
:mod:`headwise.care.reminders`). The booking services call :func:`queue_appointment_mail` once
per change; the e-mail is queued when the transaction commits, so a booking the database refuses
sends nothing. The task carries the appointment's SEQUENCE: a mail whose appointment has changed
again since is not sent (the later change sends its own). Nothing goes to a client who withdrew
consent to processing (:func:`headwise.clients.selectors.may_process`), an archived client, or
a client without an e-mail address; nothing is sent about an appointment that has begun.
"""

from __future__ import annotations

import datetime as dt
from email.mime.text import MIMEText
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from headwise.care import ics
from headwise.care.models import Appointment, AppointmentStatus
from headwise.clients.models import Client, ClientStatus
from headwise.clients.selectors import may_process

Kind = Literal["booked", "moved", "cancelled", "reminder"]
KINDS: tuple[str, ...] = ("booked", "moved", "cancelled", "reminder")


def queue_appointment_mail(appointment: Appointment, kind: Kind) -> None:
    """Queue the e-mail of ``kind`` about ``appointment`` once the transaction commits."""
    from headwise.care.tasks import send_appointment_mail

    uuid, sequence = str(appointment.uuid), appointment.ics_sequence
    transaction.on_commit(lambda: send_appointment_mail.enqueue(uuid, kind, sequence))


def address_of(client: Client) -> str:
    return client.email or (client.user.email if client.user else "")


def language_of(client: Client) -> str:
    return (client.user.language if client.user else "") or settings.LANGUAGE_CODE


def may_mail(appointment: Appointment, *, now: dt.datetime) -> bool:
    """Whether the client may get an e-mail about this appointment now (one rule for all four)."""
    client = appointment.client
    return (
        appointment.starts_at > now
        and client.status == ClientStatus.ACTIVE
        and bool(address_of(client))
        and may_process(client=client)
    )


def local_when(appointment: Appointment) -> dict[str, str]:
    """The appointment's day and hours on the location's clock, in the active language."""
    zone = ZoneInfo(appointment.location.time_zone)
    starts, ends = appointment.starts_at.astimezone(zone), appointment.ends_at.astimezone(zone)
    return {
        "day": formats.date_format(starts, "l j F Y"),
        "starts": starts.strftime("%H:%M"),
        "ends": ends.strftime("%H:%M"),
        "zone": appointment.location.time_zone,
    }


def appointment_mail(
    *, appointment_uuid: str, kind: str, sequence: int, now: dt.datetime | None = None
) -> bool:
    """Send one appointment e-mail; ``False`` (nothing sent) if it no longer applies."""
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_related("client__user", "practitioner", "location", "room", "practice")
        .filter(uuid=appointment_uuid)
        .first()
    )
    if appointment is None or kind not in KINDS or appointment.ics_sequence != sequence:
        return False
    wanted = AppointmentStatus.CANCELLED if kind == "cancelled" else AppointmentStatus.BOOKED
    if appointment.status != wanted or not may_mail(appointment, now=now):
        return False
    send(appointment, kind=kind, now=now)
    return True


def send(appointment: Appointment, *, kind: str, now: dt.datetime) -> None:
    client = appointment.client
    to = address_of(client)
    with translation.override(language_of(client)):
        context = {
            "kind": kind,
            "client": client,
            "appointment": appointment,
            "practice": appointment.practice,
            "where": ics.address_of(appointment),
            "home_url": str(settings.HEADWISE_BASE_URL) + reverse("web:my_home"),
            **local_when(appointment),
        }
        subject = render_to_string("care/email/appointment_subject.txt", context).strip()
        body = render_to_string("care/email/appointment.txt", context)
        method: ics.Method = "CANCEL" if kind == "cancelled" else "REQUEST"
        calendar = ics.appointment_ics(appointment, method=method, attendee=to, stamp=now)
    message = EmailMessage(subject, body, None, [to])
    part = MIMEText(calendar.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="appointment.ics")
    message.attach(part)
    message.send()
