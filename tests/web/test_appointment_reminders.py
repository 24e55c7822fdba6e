"""Appointment reminders (#11 item 7): queued once, never for a cancelled appointment or a
client who withdrew consent, with the local time right across a DST change."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from headwise.care import reminders, services
from headwise.care.models import AppointmentStatus
from headwise.clients.models import ConsentKind
from tests import factories as f
from tests.conftest import PracticeWorld
from tests.web.calendar_world import book_at, location_in, next_dst_change

pytestmark = pytest.mark.django_db

# clock.move_to gets UTC instants: given a ZoneInfo, time-machine also moves the process's zone.


def _mine(world: PracticeWorld) -> list:
    address = world.client.email or world.client_user.email
    return [m for m in mail.outbox if address in m.to and "Reminder" in m.subject]


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York"])
def test_the_reminder_is_queued_once_with_the_local_time_after_a_dst_change(
    world: PracticeWorld, clock, zone: str
) -> None:
    world.records["appointment"].delete()
    location = location_in(world, zone)
    change = next_dst_change(zone)
    appointment = book_at(world, location, change, hour=10)  # the day the clocks change
    # 24 hours before 10:00 on the change day is 09:00 or 11:00 on the day before, local time
    clock.move_to(appointment.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=24, minutes=1))
    assert reminders.reminders_to_queue() == []
    clock.move_to(appointment.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=23, minutes=50))
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send-appointment-reminders", stdout=out)
    assert "1 appointment reminder(s) enqueued." in out.getvalue()
    call_command("send-appointment-reminders", stdout=out)
    (sent,) = _mine(world)
    assert "10:00" in sent.subject and "10:00" in sent.body and "11:00" in sent.body
    assert zone in sent.body
    part = next(p for p in sent.message().walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.start.hour == 10 and event.start.astimezone(dt.UTC) == appointment.starts_at
    appointment.refresh_from_db()
    assert appointment.reminded_at is not None
    assert appointment.starts_at.astimezone(ZoneInfo(zone)).hour == 10


def test_two_runs_at_once_queue_the_reminder_once(world: PracticeWorld, clock) -> None:
    world.records["appointment"].delete()
    appointment = book_at(world, location_in(world, "Europe/Amsterdam"), next_dst_change("Europe/Amsterdam"))
    clock.move_to(appointment.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=2))
    both_saw = reminders.reminders_to_queue()  # what a second, overlapping run has already read
    assert [a.pk for a in both_saw] == [appointment.pk]
    mail.outbox.clear()
    assert reminders.queue_reminders() == 1
    assert reminders.queue_reminders(due=both_saw) == 0  # its claim finds the row taken
    assert len(_mine(world)) == 1


def test_no_reminder_when_cancelled_withdrawn_or_switched_off(world: PracticeWorld, clock) -> None:
    world.records["appointment"].delete()
    location = location_in(world, "Europe/Amsterdam")
    day = next_dst_change("Europe/Amsterdam")
    cancelled = book_at(world, location, day, hour=9)
    services.appointment_update(
        appointment=cancelled, by=world.front_desk, status=AppointmentStatus.CANCELLED
    )
    kept = book_at(world, location, day, hour=14)
    clock.move_to(kept.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=6))
    world.practice.appointment_reminders = False
    world.practice.save()
    assert reminders.reminders_to_queue() == []
    world.practice.appointment_reminders = True
    world.practice.save()
    assert [a.pk for a in reminders.reminders_to_queue()] == [kept.pk]
    f.ConsentFactory(
        client=world.client,
        practice=world.practice,
        text=f.ConsentTextFactory(practice=world.practice, kind=ConsentKind.DATA),
        granted=False,
    )
    mail.outbox.clear()
    assert reminders.queue_reminders() == 0
    assert _mine(world) == []


def test_moving_an_appointment_asks_for_a_new_reminder(world: PracticeWorld, clock) -> None:
    world.records["appointment"].delete()
    appointment = book_at(world, location_in(world, "Europe/Amsterdam"), next_dst_change("Europe/Amsterdam"))
    clock.move_to(appointment.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=3))
    assert reminders.queue_reminders() == 1
    services.appointment_update(
        appointment=appointment,
        by=world.front_desk,
        starts_at=appointment.starts_at + dt.timedelta(hours=1),
        ends_at=appointment.ends_at + dt.timedelta(hours=1),
    )
    appointment.refresh_from_db()
    assert appointment.reminded_at is None and appointment.ics_sequence == 1
    mail.outbox.clear()
    assert reminders.queue_reminders() == 1
    assert len(_mine(world)) == 1
