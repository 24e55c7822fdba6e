"""Appointments as iCalendar (RFC 5545), a thin layer over the ``icalendar`` library.

One VEVENT per appointment:

- ``UID`` is ``<appointment uuid>@headwise``: the same for every copy of the appointment, so a
  calendar replaces its copy instead of adding a second one;
- ``SEQUENCE`` is :attr:`Appointment.ics_sequence`, raised by the booking services on every
  change of time, place or status (RFC 5545 §3.8.7.4);
- ``DTSTART``/``DTEND`` carry the *location's* time zone (``TZID``) and the calendar holds the
  matching ``VTIMEZONE`` (``Calendar.add_missing_timezones``), so a phone in another zone still
  shows the right instant and a calendar app knows the local hour across a DST change;
- ``STATUS`` is ``CANCELLED`` for a cancelled appointment, ``CONFIRMED`` otherwise.

What an event reveals depends on who reads it (docs/calendars.md): the client's copy names the
kind of visit and the practitioner; the practitioner's private feed names the client by given
name and the initial of the family name, and is marked ``CLASS:PRIVATE``. Neither ever carries
notes, screening answers, diary data or contact details of the client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import STATUS, Calendar, Event, vCalAddress

from headwise.care.models import Appointment, AppointmentStatus

Audience = Literal["client", "practitioner"]
Method = Literal["PUBLISH", "REQUEST", "CANCEL"]

PRODID = "-//Headwise//Headwise appointments//EN"
#: How often a subscribed calendar app is asked to fetch the feed again.
FEED_REFRESH = dt.timedelta(hours=1)
#: The VTIMEZONE's transitions start this long before the first event and end this long after
#: the last (the library's default spans 1970-2038, a few kilobytes per zone).
_ZONE_MARGIN = dt.timedelta(days=366)


def uid_of(appointment: Appointment) -> str:
    """The event's UID: stable for the life of the appointment, whatever changes."""
    return f"{appointment.uuid}@headwise"


def address_of(appointment: Appointment) -> str:
    """The location as one line: name, street, postal code and city, region, country."""
    location = appointment.location
    town = " ".join(p for p in (location.postal_code, location.city) if p)
    parts = [location.name, location.street, town, location.region]
    if appointment.room is not None:
        parts.insert(1, appointment.room.name)
    return ", ".join(p for p in parts if p)


def summary_of(appointment: Appointment, *, audience: Audience) -> str:
    """What the calendar's line says (in the active language)."""
    kind = str(appointment.get_kind_display())
    if audience == "client":
        return _("%(kind)s with %(practitioner)s") % {
            "kind": kind,
            "practitioner": appointment.practitioner.display_name,
        }
    client = appointment.client
    initial = f" {client.family_name[:1]}." if client.family_name else ""
    return f"{client.given_name}{initial} · {kind}"


def _local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def event_of(
    appointment: Appointment,
    *,
    audience: Audience,
    stamp: dt.datetime | None = None,
    attendee: str = "",
) -> Event:
    """One VEVENT for ``appointment`` as ``audience`` may see it.

    ``stamp`` is DTSTAMP (default: when the appointment last changed); ``attendee`` an e-mail
    address for an invitation (METHOD:REQUEST needs an ORGANIZER and an ATTENDEE, RFC 5546 §3.2.2).
    """
    zone = appointment.location.time_zone
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    practice = appointment.practice
    lines = [practice.name]
    if appointment.location.phone or practice.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": appointment.location.phone or practice.phone})
    if cancelled:
        lines.insert(0, _("This appointment is cancelled."))
    event = Event.new(
        uid=uid_of(appointment),
        start=_local(appointment.starts_at, zone),
        end=_local(appointment.ends_at, zone),
        stamp=(stamp or appointment.updated_at).astimezone(dt.UTC),
        sequence=appointment.ics_sequence,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        summary=summary_of(appointment, audience=audience),
        location=address_of(appointment),
        description="\n".join(lines),
    )
    if audience == "practitioner":
        event.add("CLASS", "PRIVATE")
    if attendee:
        organizer = vCalAddress(f"mailto:{practice.email or _default_sender()}")
        organizer.params["CN"] = practice.name
        event.add("ORGANIZER", organizer)
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["ROLE"] = "REQ-PARTICIPANT"
        guest.params["PARTSTAT"] = "ACCEPTED"
        guest.params["RSVP"] = "FALSE"
        event.add("ATTENDEE", guest)
    return event


def _default_sender() -> str:
    sender = str(settings.DEFAULT_FROM_EMAIL)
    return sender.rsplit("<", 1)[-1].rstrip(">").strip() if "<" in sender else sender


def _calendar(events: list[Event], starts: Iterable[dt.datetime], **kwargs: object) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, **kwargs)  # type: ignore[arg-type]
    for event in events:
        calendar.add_component(event)
    moments = sorted(starts)
    if moments:
        calendar.add_missing_timezones(
            first_date=(moments[0] - _ZONE_MARGIN).date(), last_date=(moments[-1] + _ZONE_MARGIN).date()
        )
    return calendar


def appointment_ics(
    appointment: Appointment,
    *,
    audience: Audience = "client",
    method: Method | None = None,
    attendee: str = "",
    stamp: dt.datetime | None = None,
) -> bytes:
    """A calendar holding one appointment.

    ``method`` defaults to CANCEL for a cancelled appointment and PUBLISH otherwise (a file to
    open or import); the e-mails pass REQUEST (an invitation) with the client's ``attendee``.
    """
    if method is None:
        method = "CANCEL" if appointment.status == AppointmentStatus.CANCELLED else "PUBLISH"
    event = event_of(appointment, audience=audience, stamp=stamp, attendee=attendee)
    calendar = _calendar([event], [appointment.starts_at], method=method, uid=str(appointment.uuid))
    return bytes(calendar.to_ical())


def feed_ics(*, name: str, uid: str, appointments: Iterable[Appointment]) -> bytes:
    """The practitioner's feed: every appointment in the window, cancelled ones as CANCELLED
    (so a subscribed calendar drops them rather than keeping a stale copy)."""
    items = list(appointments)
    events = [event_of(a, audience="practitioner") for a in items]
    calendar = _calendar(
        events,
        [a.starts_at for a in items],
        method="PUBLISH",
        name=name,
        uid=uid,
        refresh_interval=FEED_REFRESH,
    )
    calendar.add("X-PUBLISHED-TTL", FEED_REFRESH)
    return bytes(calendar.to_ical())
