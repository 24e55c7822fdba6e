"""Calendars (#11 item 6): every .ics and the feed parsed back with icalendar; the feed's secret;
the client's and the staff's .ics routes; the booking e-mails with their .ics."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from headwise.care import services
from headwise.care.calendars import feed_token_hash
from headwise.care.models import AppointmentStatus, CalendarFeed
from headwise.clients.models import ConsentKind
from tests import factories as f
from tests.conftest import PracticeWorld, login
from tests.web.calendar_world import book_at, location_in, next_dst_change

pytestmark = pytest.mark.django_db


def parse(body: bytes) -> tuple[Calendar, list]:
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def ics_of(http, appointment) -> Calendar:
    response = http.get(f"/me/appointments/{appointment.uuid}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York"])
def test_the_client_ics_keeps_local_time_across_a_dst_change(
    world: PracticeWorld, zone: str, as_client
) -> None:
    change = next_dst_change(zone)
    location = location_in(world, zone)
    before = book_at(world, location, change - dt.timedelta(days=1))
    after = book_at(world, location, change + dt.timedelta(days=1))
    offsets = set()
    for appointment in (before, after):
        calendar = ics_of(as_client, appointment)
        (event,) = calendar.walk("VEVENT")
        assert [tz.tz_name for tz in calendar.timezones] == [zone]
        assert calendar.get_missing_tzids() == set()
        assert str(event["UID"]) == f"{appointment.uuid}@headwise"
        assert event["DTSTART"].params["TZID"] == zone
        assert event.start.hour == 10 and event.start.tzinfo is not None
        assert event.start.astimezone(dt.UTC) == appointment.starts_at
        assert event.end - event.start == dt.timedelta(hours=1)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(event["STATUS"]) == "CONFIRMED"
        offsets.add(event.start.utcoffset())
        # the VTIMEZONE itself gives the same instant to a reader that does not know the zone
        offset = calendar.timezones[0].to_tz().utcoffset(event.start.replace(tzinfo=None))
        assert offset == appointment.starts_at.astimezone(ZoneInfo(zone)).utcoffset()
    assert len(offsets) == 2  # one side of the change each


def test_uid_stays_and_sequence_grows_and_cancel_says_cancelled(world: PracticeWorld, as_client) -> None:
    location = location_in(world, "Europe/Amsterdam")
    appointment = book_at(world, location, timezone.now().date() + dt.timedelta(days=5))
    first = ics_of(as_client, appointment).walk("VEVENT")[0]
    assert int(first["SEQUENCE"]) == 0
    services.appointment_update(
        appointment=appointment,
        by=world.front_desk,
        starts_at=appointment.starts_at + dt.timedelta(hours=2),
        ends_at=appointment.ends_at + dt.timedelta(hours=2),
    )
    moved = ics_of(as_client, appointment).walk("VEVENT")[0]
    assert moved["UID"] == first["UID"]
    assert int(moved["SEQUENCE"]) == 1
    assert moved.start.hour == 12
    services.appointment_update(appointment=appointment, by=world.front_desk, notes="bring water")
    assert int(ics_of(as_client, appointment).walk("VEVENT")[0]["SEQUENCE"]) == 1  # notes: no change
    services.appointment_update(
        appointment=appointment,
        by=world.front_desk,
        status=AppointmentStatus.CANCELLED,
        cancellation_reason="private-reason-ill",
    )
    calendar = ics_of(as_client, appointment)
    cancelled = calendar.walk("VEVENT")[0]
    assert cancelled["UID"] == first["UID"]
    assert int(cancelled["SEQUENCE"]) == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(calendar["METHOD"]) == "CANCEL"
    unfolded = calendar.to_ical().replace(b"\r\n ", b"")
    assert b"bring water" not in unfolded and b"private-reason" not in unfolded
    # (a distinct string: a generated name such as "William" holds "ill")


def test_the_client_gets_only_their_own_ics_and_staff_get_any_of_the_practice(
    world: PracticeWorld, outsider: PracticeWorld, as_client, as_front_desk
) -> None:
    own = world.records["appointment"]
    other = f.AppointmentFactory(
        client=world.other_client,
        practice=world.practice,
        practitioner=f.PractitionerFactory(membership__practice=world.practice),  # not double-booked
        location=world.records["location"],
    )
    assert as_client.get(f"/me/appointments/{own.uuid}.ics").status_code == 200
    assert as_client.get(f"/me/appointments/{other.uuid}.ics").status_code == 404
    assert as_client.get(f"/appointments/{own.uuid}.ics").status_code == 404
    response = as_front_desk.get(f"/appointments/{other.uuid}.ics")
    assert response.status_code == 200
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert world.other_client.given_name not in str(event["SUMMARY"])  # the client's copy
    assert as_front_desk.get(f"/appointments/{outsider.records['appointment'].uuid}.ics").status_code == 404


def test_the_me_page_links_the_next_appointment_ics(world: PracticeWorld, as_client) -> None:
    page = as_client.get("/me/").content.decode()
    assert f"/me/appointments/{world.records['appointment'].uuid}.ics" in page


# --- the practitioner's feed ------------------------------------------------------------------


def _create_feed(http) -> str:
    response = http.post("/settings/calendar/", {"action": "create"})
    assert response.status_code == 200
    match = re.search(r'value="(http[^"]+/calendar/feed/[^"]+\.ics)"', response.content.decode())
    assert match, "the new feed's address is shown"
    return match.group(1).split("testserver", 1)[1]


def test_a_practitioner_makes_a_feed_that_serves_their_appointments(
    world: PracticeWorld, as_practitioner
) -> None:
    before = CalendarFeed.objects.count()
    path = _create_feed(as_practitioner)
    assert CalendarFeed.objects.count() == before + 1
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()  # only the hash is kept
    assert token not in as_practitioner.get("/settings/calendar/").content.decode()  # shown once
    location = location_in(world, "America/New_York")
    change = next_dst_change("America/New_York")
    booked = [book_at(world, location, change + dt.timedelta(days=d)) for d in (-1, 1)]
    far = book_at(world, location, timezone.now().date() + dt.timedelta(days=400))
    response = world_anonymous_get(path)  # anyone with the address, no session needed
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # the one rule of NoStoreMiddleware
    calendar, events = parse(response.content)
    uids = {str(e["UID"]) for e in events}
    assert {f"{a.uuid}@headwise" for a in booked} <= uids
    assert f"{world.records['appointment'].uuid}@headwise" in uids
    assert f"{far.uuid}@headwise" not in uids  # more than a year ahead
    assert "America/New_York" in [tz.tz_name for tz in calendar.timezones]
    ours = [e for e in events if str(e["UID"]) in {f"{a.uuid}@headwise" for a in booked}]
    assert sorted(e.start.hour for e in ours) == [10, 10]
    assert len({e.start.utcoffset() for e in ours}) == 2
    for e in events:
        assert str(e["CLASS"]) == "PRIVATE"
        assert str(e["SUMMARY"]).startswith(f"{world.client.given_name} O.")
    assert world.client.family_name not in response.content.decode()
    assert world.client.email not in response.content.decode()


def world_anonymous_get(path: str):
    from django.test import Client as HttpClient

    return HttpClient().get(path)


def test_a_revoked_or_unknown_feed_is_404_and_says_nothing(world: PracticeWorld, as_practitioner) -> None:
    path = _create_feed(as_practitioner)
    feed = CalendarFeed.objects.get(token_hash=feed_token_hash(path.rsplit("/", 1)[1].removesuffix(".ics")))
    assert world_anonymous_get(path).status_code == 200
    assert world_anonymous_get(path.replace(".ics", "x.ics")).status_code == 404
    response = as_practitioner.post(f"/settings/calendar/{feed.uuid}/revoke/")
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    gone = world_anonymous_get(path)
    assert gone.status_code == 404
    assert world.practice.name not in gone.content.decode()


def test_only_the_feeds_practitioner_or_an_owner_revokes_it(
    world: PracticeWorld, outsider: PracticeWorld, as_front_desk, as_owner
) -> None:
    feed = world.records["calendar_feed"]
    assert as_front_desk.post(f"/settings/calendar/{feed.uuid}/revoke/").status_code == 403
    assert login(outsider.owner).post(f"/settings/calendar/{feed.uuid}/revoke/").status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert as_owner.post(f"/settings/calendar/{feed.uuid}/revoke/").status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_front_desk_has_no_feed_to_make(world: PracticeWorld, as_front_desk) -> None:
    before = CalendarFeed.objects.count()
    response = as_front_desk.post("/settings/calendar/", {"action": "create"}, follow=True)
    assert "Only a practitioner has a calendar feed." in response.content.decode()
    assert CalendarFeed.objects.count() == before


def test_reminder_settings_refuse_a_bad_number_and_save_nothing(
    world: PracticeWorld, as_owner, as_practitioner
) -> None:
    response = as_owner.post(
        "/settings/calendar/reminders/", {"appointment_reminders": "on", "appointment_reminder_hours": "0"}
    )
    assert response.status_code == 422
    assert "Hours before the appointment" in response.content.decode()
    world.practice.refresh_from_db()
    assert world.practice.appointment_reminder_hours == 24 and world.practice.appointment_reminders
    assert (
        as_practitioner.post("/settings/calendar/reminders/", {"appointment_reminder_hours": "5"}).status_code
        == 403
    )
    assert (
        as_owner.post("/settings/calendar/reminders/", {"appointment_reminder_hours": "48"}).status_code
        == 302
    )
    world.practice.refresh_from_db()
    assert world.practice.appointment_reminder_hours == 48 and not world.practice.appointment_reminders


# --- e-mails ------------------------------------------------------------------------------------


def _attachment(message) -> tuple[str, Calendar]:
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]["Content-Type"], Calendar.from_ical(parts[0].get_payload(decode=True))


def _mails_to(world: PracticeWorld) -> list:
    address = world.client.email or world.client_user.email
    return [m for m in mail.outbox if address in m.to]


def test_booking_moving_and_cancelling_mail_the_client_with_the_ics(
    world: PracticeWorld, django_capture_on_commit_callbacks
) -> None:
    location = location_in(world, "Europe/Amsterdam")
    day = next_dst_change("Europe/Amsterdam") + dt.timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book_at(world, location, day)
    (booked,) = _mails_to(world)
    content_type, calendar = _attachment(booked)
    assert "method=REQUEST" in content_type.replace('"', "")
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{appointment.uuid}@headwise" and event.start.hour == 10
    assert "ORGANIZER" in event and "ATTENDEE" in event
    assert "10:00" in booked.body and "11:00" in booked.body
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_update(
            appointment=appointment,
            by=world.front_desk,
            starts_at=appointment.starts_at + dt.timedelta(hours=3),
            ends_at=appointment.ends_at + dt.timedelta(hours=3),
        )
    moved = _mails_to(world)[-1]
    assert "13:00" in moved.body
    assert int(_attachment(moved)[1].walk("VEVENT")[0]["SEQUENCE"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_update(
            appointment=appointment, by=world.front_desk, status=AppointmentStatus.CANCELLED
        )
    cancelled = _mails_to(world)[-1]
    content_type, calendar = _attachment(cancelled)
    assert "method=CANCEL" in content_type.replace('"', "")
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert len(_mails_to(world)) == 3


def test_no_booking_mail_after_consent_is_withdrawn_and_dutch_for_a_dutch_client(
    world: PracticeWorld, django_capture_on_commit_callbacks
) -> None:
    location = location_in(world, "Europe/Amsterdam")
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book_at(world, location, timezone.now().date() + dt.timedelta(days=6))
    (message,) = _mails_to(world)
    assert message.subject.startswith("Geboekt")
    f.ConsentFactory(
        client=world.client,
        practice=world.practice,
        text=f.ConsentTextFactory(practice=world.practice, kind=ConsentKind.DATA),
        granted=False,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book_at(world, location, timezone.now().date() + dt.timedelta(days=8))
    assert _mails_to(world) == []
