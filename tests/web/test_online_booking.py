"""Online booking by existing clients: their own next session from /me/booking/ (issue #11 item 4)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from headwise.care import online
from headwise.care.models import Appointment, AppointmentStatus
from headwise.care.slots import Slot
from headwise.practice.models import WorkingHours
from tests import factories as f
from tests.conftest import PracticeWorld, login

URL = "/me/booking/"


@pytest.fixture
def bookable(world: PracticeWorld) -> PracticeWorld:
    """Online booking on; the client's practitioner works at the location every day 09-17; the
    world's appointment later today is cancelled, so nothing is booked; the phase's interval is
    7 to 10 days after yesterday's session."""
    practice, location = world.practice, world.records["location"]
    practice.online_booking = True
    practice.save(update_fields=["online_booking"])
    prac = world.records["practitioner"]
    prac.locations.add(location)
    today = f.local_today(location.time_zone)
    for weekday in range(7):
        WorkingHours.objects.create(
            practice=practice,
            practitioner=prac,
            location=location,
            weekday=weekday,
            starts=dt.time(9),
            ends=dt.time(17),
            valid_from=today - dt.timedelta(days=1),
        )
    Appointment.objects.filter(pk=world.records["appointment"].pk).update(status=AppointmentStatus.CANCELLED)
    phase = world.records["phase"]
    phase.interval_days_min, phase.interval_days_max = 7, 10
    phase.save(update_fields=["interval_days_min", "interval_days_max"])
    return world


def state(world: PracticeWorld) -> online.OnlineState:
    world.client.refresh_from_db()
    return online.online_state(client=world.client)


def booked(world: PracticeWorld) -> list[Appointment]:
    return list(
        Appointment.objects.filter(client=world.client, status=AppointmentStatus.BOOKED).order_by("starts_at")
    )


def first_slot(world: PracticeWorld) -> Slot:
    slots = state(world).slots
    assert slots, "the fixture leaves free slots in the window"
    return slots[0]


def test_the_window_runs_from_the_shorter_to_the_longer_interval() -> None:
    window = online.interval_window(
        last_session=dt.date(2026, 3, 1),
        next_on=dt.date(2026, 3, 8),
        interval_min=7,
        interval_max=10,
        today=dt.date(2026, 3, 3),
    )
    assert window == online.Window(dt.date(2026, 3, 8), dt.date(2026, 3, 11))
    overdue = online.interval_window(
        last_session=dt.date(2026, 1, 1),
        next_on=dt.date(2026, 3, 3),
        interval_min=14,
        interval_max=21,
        today=dt.date(2026, 3, 3),
    )
    assert overdue == online.Window(dt.date(2026, 3, 3), dt.date(2026, 3, 10))


def test_it_offers_free_slots_only_in_the_window_and_after_the_notice(bookable: PracticeWorld) -> None:
    s = state(bookable)
    zone = zoneinfo.ZoneInfo(bookable.records["location"].time_zone)
    assert s.window is not None and s.slots
    notice = timezone.now() + dt.timedelta(hours=bookable.practice.booking_notice_hours)
    for slot in s.slots:
        assert slot.starts_at >= notice
        assert s.window.first <= slot.starts_at.astimezone(zone).date() <= s.window.last
        assert slot.practitioner_id == bookable.records["practitioner"].pk
    page = login(bookable.client_user).get(URL)
    assert page.status_code == 200
    assert s.slots[0].starts_at.isoformat() in page.content.decode()


def test_a_client_books_a_listed_slot_through_the_booking_service(bookable: PracticeWorld) -> None:
    slot = first_slot(bookable)
    response = login(bookable.client_user).post(
        URL, {"action": "book", "starts_at": slot.starts_at.isoformat()}
    )
    assert response.status_code == 302
    [appointment] = booked(bookable)
    assert appointment.starts_at == slot.starts_at and appointment.ends_at == slot.ends_at
    assert appointment.created_by == bookable.client_user
    assert appointment.phase == bookable.records["phase"]
    assert appointment.service is not None
    home = login(bookable.front_desk).get("/staff/").content.decode()
    assert "Booked online" in home and bookable.client.given_name in home


@pytest.mark.parametrize("shift", [dt.timedelta(minutes=5), dt.timedelta(days=-30), dt.timedelta(days=60)])
def test_a_time_not_offered_is_refused_with_the_field_named(
    bookable: PracticeWorld, shift: dt.timedelta
) -> None:
    slot = first_slot(bookable)
    response = login(bookable.client_user).post(
        URL, {"action": "book", "starts_at": (slot.starts_at + shift).isoformat()}, follow=True
    )
    assert "no longer free, or it is outside the times" in response.content.decode()
    assert booked(bookable) == []


def test_a_slot_taken_meanwhile_is_refused_and_nothing_saved(bookable: PracticeWorld) -> None:
    slot = first_slot(bookable)
    f.AppointmentFactory(
        client=bookable.other_client,
        practice=bookable.practice,
        practitioner=bookable.records["practitioner"],
        location=bookable.records["location"],
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    with pytest.raises(Exception, match="no longer free"):
        online.online_book(client=bookable.client, starts_at=slot.starts_at)
    assert booked(bookable) == []


def test_a_refer_screen_blocks_online_booking_with_a_kind_message(bookable: PracticeWorld) -> None:
    f.SafetyScreeningFactory(client=bookable.client, practice=bookable.practice, outcome="refer")
    slot_time = (timezone.now() + dt.timedelta(days=8)).replace(minute=0, second=0, microsecond=0)
    http = login(bookable.client_user)
    page = http.get(URL).content.decode()
    assert "would like to talk with you first" in page and "Pick a time" not in page
    http.post(URL, {"action": "book", "starts_at": slot_time.isoformat()})
    assert booked(bookable) == []


def test_nothing_is_offered_when_the_practice_has_online_booking_off(bookable: PracticeWorld) -> None:
    slot = first_slot(bookable)
    bookable.practice.online_booking = False
    bookable.practice.save(update_fields=["online_booking"])
    http = login(bookable.client_user)
    assert "does not take bookings online" in http.get(URL).content.decode()
    http.post(URL, {"action": "book", "starts_at": slot.starts_at.isoformat()})
    assert booked(bookable) == []


def book_first(world: PracticeWorld) -> Appointment:
    return online.online_book(client=world.client, starts_at=first_slot(world).starts_at)


def test_a_client_moves_their_next_session_to_another_free_slot(bookable: PracticeWorld) -> None:
    appointment = book_first(bookable)
    http = login(bookable.client_user)
    assert "Move to another time" in http.get(URL).content.decode()
    later = [s for s in state(bookable).slots if s.starts_at > appointment.ends_at][0]
    response = http.post(URL, {"action": "move", "starts_at": later.starts_at.isoformat()})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == later.starts_at and appointment.updated_by == bookable.client_user
    assert len(booked(bookable)) == 1


def test_a_client_cancels_after_confirming(bookable: PracticeWorld) -> None:
    appointment = book_first(bookable)
    http = login(bookable.client_user)
    assert "Yes, cancel it" in http.get("/me/booking/cancel/").content.decode()
    assert http.post("/me/booking/cancel/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == online.ONLINE_REASON


def test_changes_inside_the_cancellation_notice_are_refused(bookable: PracticeWorld, clock: Any) -> None:
    appointment = book_first(bookable)
    clock.move_to(appointment.starts_at - dt.timedelta(hours=bookable.practice.cancel_notice_hours - 1))
    http = login(bookable.client_user)
    page = http.get(URL).content.decode()
    assert "please call the practice" in page and "Move to another time" not in page
    http.post("/me/booking/cancel/")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_second_booking_is_refused_while_one_is_booked(bookable: PracticeWorld) -> None:
    book_first(bookable)
    other = state(bookable).slots[-1]
    http = login(bookable.client_user)
    response = http.post(URL, {"action": "book", "starts_at": other.starts_at.isoformat()}, follow=True)
    assert "booked already" in response.content.decode()
    assert len(booked(bookable)) == 1


def test_a_malformed_time_is_refused(bookable: PracticeWorld) -> None:
    response = login(bookable.client_user).post(URL, {"action": "book", "starts_at": "tomorrow"}, follow=True)
    assert response.status_code == 200 and "Pick one of the times shown." in response.content.decode()
    assert booked(bookable) == []


def test_the_page_speaks_dutch(bookable: PracticeWorld) -> None:
    bookable.client_user.language = "nl"
    bookable.client_user.save(update_fields=["language"])
    assert "Kies een tijd" in login(bookable.client_user).get(URL).content.decode()


def test_staff_pages_are_not_for_clients_and_settings_are_the_owners(world: PracticeWorld) -> None:
    assert login(world.client_user).get("/practice/online-booking/").status_code == 404
    assert login(world.front_desk).get("/practice/online-booking/").status_code == 403
    owner = login(world.owner)
    response = owner.post(
        "/practice/online-booking/",
        {
            "slug": world.practice.slug,
            "online_booking": "on",
            "booking_notice_hours": 12,
            "cancel_notice_hours": 48,
        },
    )
    assert response.status_code == 302
    world.practice.refresh_from_db()
    assert (world.practice.online_booking, world.practice.booking_notice_hours) == (True, 12)
    bad = owner.post(
        "/practice/online-booking/",
        {"slug": "no spaces!", "booking_notice_hours": -1, "cancel_notice_hours": 24},
    )
    assert bad.status_code == 422 and {"slug", "booking_notice_hours"} <= bad.context["form"].errors.keys()
    world.practice.refresh_from_db()
    assert world.practice.booking_notice_hours == 12
