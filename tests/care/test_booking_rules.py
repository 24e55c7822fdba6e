"""Booking against availability: taken slots answer nearby free ones, hours and closures hold
unless the owner or the practitioner overrides, series book what is free; the waitlist; the
validation of services, hours, exceptions and closures."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from headwise.care import selectors, services
from headwise.care.models import Appointment, WaitlistEntry, WaitlistStatus
from headwise.care.slots import Slot, free_slots
from headwise.practice import services as practice_services
from headwise.practice.models import Service, WorkingHours
from tests import factories as f
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def week(world: PracticeWorld) -> dict[str, Any]:
    """The world's practitioner works 09:00-17:00 Monday to Friday at the world's location; the
    week starts on the first Monday at least a week after the test's now."""
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    for weekday in range(5):
        practice_services.working_hours_add(
            practitioner=practitioner, location=location, weekday=weekday, starts=dt.time(9), ends=dt.time(17)
        )
    today = f.local_today(location.time_zone)
    monday = today + dt.timedelta(days=7 + (7 - today.weekday()) % 7)
    cst = Service.objects.get(practice=world.practice, name="CST session")
    return {"practitioner": practitioner, "location": location, "monday": monday, "cst": cst}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMS)


def book(world: PracticeWorld, week: dict[str, Any], starts_at: dt.datetime, **kw: Any) -> Appointment:
    kw.setdefault("by", world.front_desk)
    kw.setdefault("client_id", world.client.uuid)
    return services.appointment_book(
        practice=world.practice,
        practitioner_id=week["practitioner"].uuid,
        location_id=week["location"].uuid,
        service_id=week["cst"].uuid,
        starts_at=starts_at,
        **kw,
    )


def test_a_service_sets_the_end_and_the_kind(world, week) -> None:
    appointment = book(world, week, at(week["monday"], 10))
    assert appointment.ends_at == at(week["monday"], 11)
    assert appointment.kind == "session" and appointment.service == week["cst"]


def test_a_taken_slot_names_the_field_and_offers_nearby_free_slots(world, week) -> None:
    book(world, week, at(week["monday"], 10))
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    with pytest.raises(services.SlotTaken) as taken:
        book(world, week, at(week["monday"], 10, 30), client_id=world.other_client.uuid)
    assert list(taken.value.message_dict) == ["starts_at"]
    assert "another appointment" in taken.value.message_dict["starts_at"][0]
    assert "Free nearby" in taken.value.message_dict["starts_at"][0]
    nearby = taken.value.nearby
    assert len(nearby) == 3
    # the first is 11:15 (after the 15-minute buffer), 45 minutes from the wanted 10:30
    assert nearby[0].starts_at == at(week["monday"], 11, 15)
    assert all(isinstance(s, Slot) for s in nearby)
    assert Appointment.objects.filter(client=world.other_client).count() == 0


def test_the_buffer_keeps_the_practitioner_after_a_session(world, week) -> None:
    book(world, week, at(week["monday"], 10))
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    with pytest.raises(services.SlotTaken):
        book(world, week, at(week["monday"], 11), client_id=world.other_client.uuid)
    assert book(world, week, at(week["monday"], 11, 15), client_id=world.other_client.uuid).pk


def test_a_taken_room_names_the_room(world, week) -> None:
    room = world.records["room"]
    book(world, week, at(week["monday"], 10), room_id=room.uuid)
    colleague = world.records["owner_practitioner"]
    colleague.locations.add(week["location"])
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    with pytest.raises(services.SlotTaken) as taken:
        services.appointment_book(
            practice=world.practice,
            by=world.front_desk,
            client_id=world.other_client.uuid,
            practitioner_id=colleague.uuid,
            location_id=week["location"].uuid,
            room_id=room.uuid,
            service_id=week["cst"].uuid,
            starts_at=at(week["monday"], 10, 30),
        )
    assert list(taken.value.message_dict) == ["room_id"]


def test_outside_hours_is_refused_unless_the_owner_or_the_practitioner_overrides(world, week) -> None:
    evening = at(week["monday"], 18)
    with pytest.raises(services.SlotTaken) as refused:
        book(world, week, evening)
    assert list(refused.value.message_dict) == ["starts_at"]
    assert refused.value.nearby  # the same day's afternoon
    with pytest.raises(ValidationError) as desk:
        book(world, week, evening, override_hours=True)
    assert list(desk.value.message_dict) == ["override_hours"]
    saturday = at(week["monday"] + dt.timedelta(days=5), 10)
    with pytest.raises(services.SlotTaken):
        book(world, week, saturday)
    assert book(world, week, evening, by=world.practitioner_user, override_hours=True).pk
    assert book(world, week, saturday, by=world.owner, override_hours=True).pk
    # a practitioner may not override another's hours
    other = f.PractitionerFactory(membership__practice=world.practice)
    assert not services._may_override_hours(other.membership.user, week["practitioner"])


def test_a_closure_and_an_away_day_refuse_a_booking(world, week) -> None:
    monday, location = week["monday"], week["location"]
    practice_services.closure_add(
        practice=world.practice, location=location, first_day=monday, last_day=monday, reason="Easter"
    )
    with pytest.raises(services.SlotTaken) as closed:
        book(world, week, at(monday, 10))
    assert "closed" in closed.value.message_dict["starts_at"][0]
    tuesday = monday + dt.timedelta(days=1)
    practice_services.exception_add(practitioner=week["practitioner"], date=tuesday, reason="Course")
    with pytest.raises(services.SlotTaken):
        book(world, week, at(tuesday, 10))
    wednesday = monday + dt.timedelta(days=2)
    practice_services.exception_add(
        practitioner=week["practitioner"],
        location=location,
        date=wednesday,
        starts=dt.time(18),
        ends=dt.time(20),
    )
    with pytest.raises(services.SlotTaken):
        book(world, week, at(wednesday, 10))
    assert book(world, week, at(wednesday, 18, 30)).pk
    assert Appointment.objects.filter(service=week["cst"]).count() == 1


def test_a_practitioner_without_hours_is_booked_at_any_time(world) -> None:
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    late = dt.datetime.combine(
        f.local_today(location.time_zone) + dt.timedelta(days=3), dt.time(21), tzinfo=AMS
    )
    appointment = services.appointment_book(
        practice=world.practice,
        by=world.front_desk,
        client_id=world.client.uuid,
        practitioner_id=practitioner.uuid,
        location_id=location.uuid,
        starts_at=late,
        ends_at=late + dt.timedelta(hours=1),
    )
    assert appointment.pk


def test_a_service_the_practitioner_does_not_offer_is_refused(world, week) -> None:
    week["practitioner"].services.remove(week["cst"])
    with pytest.raises(ValidationError) as refused:
        book(world, week, at(week["monday"], 10))
    assert list(refused.value.message_dict) == ["service_id"]


def test_moving_an_appointment_keeps_to_the_hours(world, week) -> None:
    appointment = book(world, week, at(week["monday"], 10))
    with pytest.raises(services.SlotTaken):
        services.appointment_update(
            appointment=appointment,
            by=world.front_desk,
            starts_at=at(week["monday"], 17),
            ends_at=at(week["monday"], 18),
        )
    moved = services.appointment_update(
        appointment=appointment,
        by=world.front_desk,
        starts_at=at(week["monday"], 10, 30),
        ends_at=at(week["monday"], 11, 30),
    )
    assert moved.starts_at == at(week["monday"], 10, 30)  # its own old time does not block it


# --- series -------------------------------------------------------------------------------


def test_a_weekly_series_books_what_is_free_and_says_which_dates_not(world, week) -> None:
    monday = week["monday"]
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    book(world, week, at(monday + dt.timedelta(days=7), 10), client_id=world.other_client.uuid)
    practice_services.closure_add(
        practice=world.practice,
        first_day=monday + dt.timedelta(days=14),
        last_day=monday + dt.timedelta(days=14),
    )
    result = services.series_book(
        client=world.client,
        by=world.front_desk,
        practitioner=week["practitioner"],
        location=week["location"],
        service=week["cst"],
        first_starts_at=at(monday, 10),
        count=4,
    )
    assert [a.starts_at.astimezone(AMS).date() for a in result.booked] == [
        monday,
        monday + dt.timedelta(days=21),
    ]
    assert [d for d, _ in result.skipped] == [monday + dt.timedelta(days=7), monday + dt.timedelta(days=14)]
    assert "another appointment" in result.skipped[0][1] and "closed" in result.skipped[1][1]
    assert all(a.room == world.records["room"] for a in result.booked)  # the free room was taken


def test_a_series_keeps_the_local_time_across_the_change_of_the_clocks(world) -> None:
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    cst = Service.objects.get(practice=world.practice, name="CST session")
    first = dt.datetime(2026, 10, 19, 10, tzinfo=AMS)  # a Monday; clocks go back on the 25th
    result = services.series_book(
        client=world.client,
        by=world.owner,
        practitioner=practitioner,
        location=location,
        service=cst,
        first_starts_at=first,
        count=3,
    )
    assert [a.starts_at.astimezone(AMS).hour for a in result.booked] == [10, 10, 10]
    assert [a.starts_at.astimezone(dt.UTC).hour for a in result.booked] == [8, 9, 9]


def test_a_series_refuses_a_count_out_of_bounds_and_books_nothing(world, week) -> None:
    for count in (0, services.SERIES_MAX + 1):
        with pytest.raises(ValidationError) as refused:
            services.series_book(
                client=world.client,
                by=world.front_desk,
                practitioner=week["practitioner"],
                location=week["location"],
                service=week["cst"],
                first_starts_at=at(week["monday"], 10),
                count=count,
            )
        assert list(refused.value.message_dict) == ["count"]
    assert Appointment.objects.filter(service=week["cst"]).count() == 0


# --- waitlist -----------------------------------------------------------------------------


def test_waitlist_fitting_matches_constraints_in_order(world, week) -> None:
    monday, cst = week["monday"], week["cst"]
    practice = world.practice
    WaitlistEntry.objects.filter(practice=practice).delete()
    c1, c2, c3, c4 = (f.ClientFactory(practice=practice) for _ in range(4))
    first = services.waitlist_add(
        practice=practice, by=world.front_desk, client_id=c1.uuid, service_id=cst.uuid
    )
    services.waitlist_add(
        practice=practice, by=world.front_desk, client_id=c2.uuid, weekdays=[2]
    )  # Wednesdays
    morning = services.waitlist_add(
        practice=practice,
        by=world.front_desk,
        client_id=c3.uuid,
        time_from=dt.time(9),
        time_until=dt.time(12),
        practitioner_id=week["practitioner"].uuid,
        earliest=monday,
        latest=monday,
    )
    services.waitlist_add(practice=practice, by=world.front_desk, client_id=c4.uuid, time_until=dt.time(10))
    WaitlistEntry.objects.filter(pk=morning.pk).update(created_at=first.created_at - dt.timedelta(hours=1))
    slot = free_slots(
        practice=practice,
        location=week["location"],
        service=cst,
        day_from=monday,
        day_to=monday,
        practitioner=week["practitioner"],
    )[4]  # Monday 10:00-11:00
    fitting = selectors.waitlist_fitting(practice=practice, slot=slot)
    assert [e.client for e in fitting] == [c3, c1]
    offered = services.waitlist_offer(entry=fitting[0], by=world.front_desk, slot=slot)
    assert offered.status == WaitlistStatus.OFFERED and offered.offered_starts_at == slot.starts_at
    assert offered.offered_by == world.front_desk
    assert not Appointment.objects.filter(client=c3).exists()  # offered, never booked
    not_for_c2 = WaitlistEntry.objects.get(client=c2)
    with pytest.raises(ValidationError) as refused:
        services.waitlist_offer(entry=not_for_c2, by=world.front_desk, slot=slot)
    assert list(refused.value.message_dict) == ["slot"]
    services.waitlist_withdraw(entry=not_for_c2, by=world.front_desk)
    with pytest.raises(ValidationError):
        services.waitlist_update(entry=not_for_c2, by=world.front_desk, notes="late")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": ["monday"]}, "weekdays"),
        ({"earliest": dt.date(2026, 5, 2), "latest": dt.date(2026, 5, 1)}, "latest"),
        ({"time_from": dt.time(12), "time_until": dt.time(9)}, "time_until"),
        ({"notes": "x" * 5001}, "notes"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_waitlist_entry_is_refused_naming_the_field(world, fields, field) -> None:
    before = WaitlistEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.waitlist_add(
            practice=world.practice, by=world.front_desk, client_id=world.client.uuid, **fields
        )
    assert field in refused.value.message_dict
    assert WaitlistEntry.objects.count() == before


def test_a_waitlist_entry_cannot_name_another_practices_records(world, outsider) -> None:
    with pytest.raises(ValidationError) as refused:
        services.waitlist_add(
            practice=world.practice,
            by=world.front_desk,
            client_id=world.client.uuid,
            location_id=outsider.records["location"].uuid,
        )
    assert list(refused.value.message_dict) == ["location_id"]


# --- validation of availability -----------------------------------------------------------


def test_hours_at_two_locations_at_once_are_refused(world, week) -> None:
    other = f.LocationFactory(practice=world.practice, name="Westport")
    week["practitioner"].locations.add(other)
    with pytest.raises(ValidationError) as refused:
        practice_services.working_hours_add(
            practitioner=week["practitioner"], location=other, weekday=0, starts=dt.time(16), ends=dt.time(18)
        )
    assert list(refused.value.message_dict) == ["starts"]
    assert "09:00-17:00" in refused.value.message_dict["starts"][0]
    assert practice_services.working_hours_add(
        practitioner=week["practitioner"], location=other, weekday=0, starts=dt.time(17), ends=dt.time(19)
    ).pk
    # dated hours of periods that do not overlap pass; open-ended ones overlap every period
    # from today on; hours that ended before today clash with nothing
    today = f.local_today(other.time_zone)
    for valid_from, valid_until in (
        (today - dt.timedelta(days=400), today - dt.timedelta(days=1)),
        (today + dt.timedelta(days=10), today + dt.timedelta(days=40)),
        (today + dt.timedelta(days=41), None),
    ):
        assert practice_services.working_hours_add(
            practitioner=week["practitioner"],
            location=other,
            weekday=5,
            starts=dt.time(9),
            ends=dt.time(12),
            valid_from=valid_from,
            valid_until=valid_until,
        ).pk
    with pytest.raises(ValidationError):
        practice_services.working_hours_add(
            practitioner=week["practitioner"],
            location=week["location"],
            weekday=5,
            starts=dt.time(10),
            ends=dt.time(11),
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts": dt.time(12), "ends": dt.time(9)}, "ends"),
        ({"starts": dt.time(9), "ends": dt.time(9)}, "ends"),
        ({"weekday": 7}, "weekday"),
        ({"valid_from": dt.date(2026, 5, 2), "valid_until": dt.date(2026, 5, 1)}, "valid_until"),
    ],
)
def test_bad_working_hours_are_refused_naming_the_field(world, fields, field) -> None:
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    base = {"weekday": 5, "starts": dt.time(9), "ends": dt.time(12)}
    before = WorkingHours.objects.count()
    with pytest.raises(ValidationError) as refused:
        practice_services.working_hours_add(
            practitioner=practitioner, location=location, **{**base, **fields}
        )
    assert list(refused.value.message_dict) == [field]
    assert WorkingHours.objects.count() == before


def test_hours_need_a_location_the_practitioner_works_at(world) -> None:
    with pytest.raises(ValidationError) as refused:
        practice_services.working_hours_add(
            practitioner=world.records["practitioner"],
            location=world.records["location"],
            weekday=0,
            starts=dt.time(9),
            ends=dt.time(12),
        )
    assert list(refused.value.message_dict) == ["location_id"]


def test_working_hours_set_replaces_the_week_all_or_nothing(world, week) -> None:
    practitioner, location = week["practitioner"], week["location"]
    made = practice_services.working_hours_set(
        practitioner=practitioner,
        location=location,
        week=[(0, dt.time(8), dt.time(12)), (0, dt.time(13), dt.time(18)), (3, dt.time(9), dt.time(13))],
    )
    assert len(made) == 3
    assert WorkingHours.objects.filter(practitioner=practitioner, location=location).count() == 3
    with pytest.raises(ValidationError) as refused:
        practice_services.working_hours_set(
            practitioner=practitioner,
            location=location,
            week=[(1, dt.time(8), dt.time(12)), (1, dt.time(11), dt.time(14))],
        )
    assert list(refused.value.message_dict) == ["starts"]
    assert WorkingHours.objects.filter(practitioner=practitioner, location=location).count() == 3


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts": dt.time(9)}, "ends"),
        ({"ends": dt.time(9)}, "starts"),
        ({"starts": dt.time(12), "ends": dt.time(9), "with_location": True}, "ends"),
        ({"starts": dt.time(9), "ends": dt.time(12)}, "location_id"),
        ({"reason": "x" * 201}, "reason"),
    ],
)
def test_bad_exceptions_are_refused_naming_the_field(world, fields, field) -> None:
    if fields.pop("with_location", False):
        fields["location"] = world.records["location"]
    with pytest.raises(ValidationError) as refused:
        practice_services.exception_add(
            practitioner=world.records["practitioner"], date=dt.date(2026, 7, 1), **fields
        )
    assert list(refused.value.message_dict) == [field]


def test_bad_closures_and_services_are_refused_naming_the_field(world, outsider) -> None:
    day = dt.date(2026, 7, 1)
    for fields, field in (
        ({"first_day": day, "last_day": day - dt.timedelta(days=1)}, "last_day"),
        ({"first_day": day, "last_day": day + dt.timedelta(days=400)}, "last_day"),
        ({"first_day": day, "last_day": day, "location": outsider.records["location"]}, "location_id"),
    ):
        with pytest.raises(ValidationError) as refused:
            practice_services.closure_add(practice=world.practice, **fields)
        assert list(refused.value.message_dict) == [field]
    for fields, field in (
        ({"name": "cst SESSION", "duration_minutes": 60}, "name"),
        ({"name": "Long", "duration_minutes": 600}, "duration_minutes"),
        ({"name": "Short", "duration_minutes": 2}, "duration_minutes"),
        ({"name": "Buffered", "buffer_minutes": 121}, "buffer_minutes"),
        ({"name": "Odd", "appointment_kind": "surgery"}, "appointment_kind"),
        ({"name": ""}, "name"),
    ):
        with pytest.raises(ValidationError) as refused:
            practice_services.service_add(practice=world.practice, **fields)
        assert field in refused.value.message_dict, (fields, refused.value.message_dict)
    assert Service.objects.filter(practice=world.practice).count() == 6
