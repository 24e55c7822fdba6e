"""The schedule router: services, working hours, exceptions, closures, slots, series, waitlist;
who may change what, and bad input refused with the field named and nothing saved."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from headwise.care.models import Appointment, WaitlistEntry, WaitlistStatus
from headwise.practice.models import AvailabilityException, Closure, Service, WorkingHours
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(world: PracticeWorld) -> dict[str, Any]:
    """The practitioner works 09:00-17:00 on weekdays at the world's location; ``monday`` is
    the first Monday at least a week after the test's local today."""
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    for weekday in range(5):
        f.WorkingHoursFactory(practitioner=practitioner, location=location, weekday=weekday)
    today = f.local_today(location.time_zone)
    monday = today + dt.timedelta(days=7 + (7 - today.weekday()) % 7)
    cst = Service.objects.get(practice=world.practice, name="CST session")
    return {"practitioner": practitioner, "location": location, "monday": monday, "cst": cst}


def at(week: dict[str, Any], days: int, hour: int, minute: int = 0) -> str:
    zone = ZoneInfo(week["location"].time_zone)
    return dt.datetime.combine(
        week["monday"] + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=zone
    ).isoformat()


def slots_url(week: dict[str, Any], **extra: str) -> str:
    query = {
        "location": str(week["location"].uuid),
        "service": str(week["cst"].uuid),
        "from": week["monday"].isoformat(),
    }
    query.update(extra)
    return "/api/slots?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_front_desk_reads_free_slots_with_ids(as_front_desk, week, world) -> None:
    answer = call(as_front_desk, "get", slots_url(week))
    assert answer.status_code == 200
    slots = answer.json()
    assert len(slots) == 29  # 09:00 ... 16:00 every quarter hour
    first = slots[0]
    assert first["practitioner_id"] == str(week["practitioner"].uuid)
    assert first["room_id"] == str(world.records["room"].uuid)
    assert first["service_id"] == str(week["cst"].uuid)
    assert dt.datetime.fromisoformat(first["starts_at"]) == dt.datetime.fromisoformat(at(week, 0, 9))


def test_slots_refuse_a_long_range_and_another_practices_location(as_front_desk, week, outsider) -> None:
    too_far = (week["monday"] + dt.timedelta(days=31)).isoformat()
    assert fields_of(call(as_front_desk, "get", slots_url(week, to=too_far))) == ["to"]
    backwards = (week["monday"] - dt.timedelta(days=1)).isoformat()
    assert fields_of(call(as_front_desk, "get", slots_url(week, to=backwards))) == ["to"]
    theirs = slots_url(week, location=str(outsider.records["location"].uuid))
    assert fields_of(call(as_front_desk, "get", theirs)) == ["location"]


def test_a_client_does_not_reach_the_schedule(as_client, week) -> None:
    assert call(as_client, "get", slots_url(week)).status_code == 404
    assert call(as_client, "get", "/api/waitlist").status_code == 404
    assert call(as_client, "get", "/api/working-hours").status_code == 404


def test_a_taken_slot_answers_422_with_nearby_free_slots(as_front_desk, week, world) -> None:
    body = {
        "client_id": str(world.client.uuid),
        "practitioner_id": str(week["practitioner"].uuid),
        "location_id": str(week["location"].uuid),
        "service_id": str(week["cst"].uuid),
        "starts_at": at(week, 0, 10),
    }
    first = call(as_front_desk, "post", "/api/appointments", body)
    assert first.status_code == 201, first.content
    assert first.json()["service_id"] == str(week["cst"].uuid)
    assert dt.datetime.fromisoformat(first.json()["ends_at"]) == dt.datetime.fromisoformat(at(week, 0, 11))
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    again = call(
        as_front_desk, "post", "/api/appointments", {**body, "client_id": str(world.other_client.uuid)}
    )
    assert fields_of(again) == ["starts_at"]
    nearby = again.json()["nearby"]
    assert len(nearby) == 3
    assert all(n["practitioner_id"] == str(week["practitioner"].uuid) for n in nearby)
    assert Appointment.objects.filter(client=world.other_client).count() == 0
    # outside the hours: refused for the front desk, even when it asks to override
    evening = {**body, "client_id": str(world.other_client.uuid), "starts_at": at(week, 0, 19)}
    assert fields_of(call(as_front_desk, "post", "/api/appointments", evening)) == ["starts_at"]
    forced = {**evening, "override_hours": True}
    assert fields_of(call(as_front_desk, "post", "/api/appointments", forced)) == ["override_hours"]
    assert call(login(world.practitioner_user), "post", "/api/appointments", forced).status_code == 201


def test_a_series_books_what_is_free_and_names_the_other_dates(as_front_desk, week, world) -> None:
    f.AppointmentFactory(
        client=world.other_client,
        practice=world.practice,
        practitioner=week["practitioner"],
        location=week["location"],
        starts_at=dt.datetime.fromisoformat(at(week, 7, 10)),
        ends_at=dt.datetime.fromisoformat(at(week, 7, 11)),
    )
    body = {
        "client_id": str(world.client.uuid),
        "practitioner_id": str(week["practitioner"].uuid),
        "location_id": str(week["location"].uuid),
        "service_id": str(week["cst"].uuid),
        "first_starts_at": at(week, 0, 10),
        "count": 3,
    }
    answer = call(as_front_desk, "post", "/api/appointments/series", body)
    assert answer.status_code == 201, answer.content
    assert len(answer.json()["booked"]) == 2
    [skipped] = answer.json()["skipped"]
    assert skipped["date"] == (week["monday"] + dt.timedelta(days=7)).isoformat()
    assert "another appointment" in skipped["reason"]
    assert fields_of(call(as_front_desk, "post", "/api/appointments/series", {**body, "count": 0})) == [
        "count"
    ]


def test_practitioners_edit_their_own_hours_and_the_owner_anyones(world, week) -> None:
    mine = {
        "practitioner_id": str(week["practitioner"].uuid),
        "location_id": str(week["location"].uuid),
        "weekday": 5,
        "starts": "09:00",
        "ends": "13:00",
    }
    before = WorkingHours.objects.count()
    assert call(login(world.front_desk), "post", "/api/working-hours", mine).status_code == 403
    colleague = login(world.records["owner_practitioner"].membership.user)
    assert call(colleague, "post", "/api/working-hours", mine).status_code == 201  # the owner
    other = f.PractitionerFactory(membership__practice=world.practice)
    assert (
        call(login(other.membership.user), "post", "/api/working-hours", {**mine, "weekday": 6}).status_code
        == 403
    )
    own = call(login(world.practitioner_user), "post", "/api/working-hours", {**mine, "weekday": 6})
    assert own.status_code == 201
    assert WorkingHours.objects.count() == before + 2
    url = f"/api/working-hours/{own.json()['id']}"
    assert call(login(world.front_desk), "patch", url, {"ends": "14:00"}).status_code == 403
    assert call(login(world.practitioner_user), "patch", url, {"ends": "14:00"}).json()["ends"] == "14:00:00"
    assert call(login(world.practitioner_user), "delete", url).status_code == 204
    assert WorkingHours.objects.count() == before + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends": "08:00"}, "ends"),
        ({"weekday": 7}, "weekday"),
        ({"starts": "10:00+02:00"}, "starts"),
        ({"weekday": 0, "starts": "16:00", "ends": "18:00"}, "starts"),  # overlaps Monday 09-17
        ({"valid_from": "2026-05-02", "valid_until": "2026-05-01"}, "valid_until"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_hours_are_refused_naming_the_field(as_owner, week, change, field) -> None:
    body = {
        "practitioner_id": str(week["practitioner"].uuid),
        "location_id": str(week["location"].uuid),
        "weekday": 5,
        "starts": "09:00",
        "ends": "13:00",
        **change,
    }
    before = WorkingHours.objects.count()
    assert fields_of(call(as_owner, "post", "/api/working-hours", body)) == [field]
    assert WorkingHours.objects.count() == before


def test_exceptions_and_closures(world, week) -> None:
    day = (week["monday"] + dt.timedelta(days=1)).isoformat()
    away = {"practitioner_id": str(week["practitioner"].uuid), "date": day, "reason": "Course"}
    assert call(login(world.front_desk), "post", "/api/exceptions", away).status_code == 403
    made = call(login(world.practitioner_user), "post", "/api/exceptions", away)
    assert made.status_code == 201 and made.json()["starts"] is None
    hours_without_place = {**away, "starts": "18:00", "ends": "20:00"}
    assert fields_of(call(login(world.owner), "post", "/api/exceptions", hours_without_place)) == [
        "location_id"
    ]
    assert AvailabilityException.objects.filter(practitioner=week["practitioner"]).count() == 1
    free = call(login(world.front_desk), "get", slots_url(week, to=day))
    assert {dt.datetime.fromisoformat(s["starts_at"]).date() for s in free.json()} == {week["monday"]}

    closure = {
        "first_day": week["monday"].isoformat(),
        "last_day": week["monday"].isoformat(),
        "reason": "Easter",
    }
    assert call(login(world.practitioner_user), "post", "/api/closures", closure).status_code == 403
    assert call(login(world.owner), "post", "/api/closures", closure).status_code == 201
    backwards = {**closure, "last_day": (week["monday"] - dt.timedelta(days=1)).isoformat()}
    assert fields_of(call(login(world.owner), "post", "/api/closures", backwards)) == ["last_day"]
    assert call(login(world.front_desk), "get", slots_url(week, to=day)).json() == []
    assert Closure.objects.filter(practice=world.practice, reason="Easter").count() == 1


def test_services_are_the_owners_and_who_offers_them(world) -> None:
    body = {"name": "Craniosacral for children", "duration_minutes": 45, "buffer_minutes": 10}
    assert call(login(world.front_desk), "post", "/api/services", body).status_code == 403
    made = call(login(world.owner), "post", "/api/services", body)
    assert made.status_code == 201
    assert fields_of(call(login(world.owner), "post", "/api/services", body)) == ["name"]
    assert fields_of(
        call(login(world.owner), "post", "/api/services", {**body, "name": "X", "duration_minutes": 1})
    ) == ["duration_minutes"]
    practitioner = world.records["practitioner"]
    url = f"/api/practitioners/{practitioner.uuid}/offer"
    offer = {"service_ids": [made.json()["id"]]}
    assert call(login(world.practitioner_user), "put", url, offer).status_code == 403
    answer = call(login(world.owner), "put", url, offer)
    assert answer.json()["service_ids"] == [made.json()["id"]]
    assert list(practitioner.services.values_list("name", flat=True)) == ["Craniosacral for children"]


def test_the_waitlist_is_kept_by_the_front_desk_and_offers_never_book(as_front_desk, world, week) -> None:
    WaitlistEntry.objects.filter(practice=world.practice).delete()
    body = {
        "client_id": str(world.other_client.uuid),
        "weekdays": [0],
        "time_from": "09:00",
        "notes": "Mornings",
    }
    made = call(as_front_desk, "post", "/api/waitlist", body)
    assert made.status_code == 201, made.content
    bad_day = {**body, "weekdays": [8]}
    assert fields_of(call(as_front_desk, "post", "/api/waitlist", bad_day)) == ["weekdays.0"]
    slot = {
        "practitioner": str(week["practitioner"].uuid),
        "location": str(week["location"].uuid),
        "service": str(week["cst"].uuid),
        "starts_at": at(week, 0, 10).replace("+", "%2B"),
        "ends_at": at(week, 0, 11).replace("+", "%2B"),
    }
    fitting = call(
        as_front_desk, "get", "/api/waitlist/fitting?" + "&".join(f"{k}={v}" for k, v in slot.items())
    )
    assert [e["id"] for e in fitting.json()] == [made.json()["id"]]
    offer = {
        "practitioner_id": str(week["practitioner"].uuid),
        "location_id": str(week["location"].uuid),
        "service_id": str(week["cst"].uuid),
        "starts_at": at(week, 0, 10),
        "ends_at": at(week, 0, 11),
    }
    url = f"/api/waitlist/{made.json()['id']}"
    offered = call(as_front_desk, "post", url + "/offer", offer)
    assert offered.json()["status"] == WaitlistStatus.OFFERED
    assert not Appointment.objects.filter(client=world.other_client).exists()
    tuesday = {**offer, "starts_at": at(week, 1, 10), "ends_at": at(week, 1, 11)}
    assert fields_of(call(as_front_desk, "post", url + "/offer", tuesday)) == ["slot"]
    assert call(as_front_desk, "patch", url, {"notes": "Any morning"}).json()["notes"] == "Any morning"
    assert call(as_front_desk, "post", url + "/withdraw").json()["status"] == WaitlistStatus.WITHDRAWN
