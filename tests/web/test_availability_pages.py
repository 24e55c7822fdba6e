"""The availability pages: the owner edits anyone's hours, a practitioner their own, the front
desk reads; bad input is refused on the page with the field named and nothing saved."""

from __future__ import annotations

import pytest

from headwise.practice.models import AvailabilityException, Closure, Service, WorkingHours
from tests import factories as f
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db


def test_the_settings_page_links_to_availability(as_owner) -> None:
    page = as_owner.get("/practice/")
    assert b"/practice/availability/" in page.content


def test_everyone_on_the_staff_reads_the_availability(world: PracticeWorld) -> None:
    for user in (world.owner, world.practitioner_user, world.front_desk):
        page = login(user).get("/practice/availability/")
        assert page.status_code == 200
        assert b"CST session" in page.content
        assert world.records["practitioner"].display_name.encode() in page.content
    assert login(world.client_user).get("/practice/availability/").status_code in (302, 403, 404)


def test_a_practitioner_adds_and_removes_their_own_hours(world: PracticeWorld) -> None:
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    url = f"/practice/availability/practitioners/{practitioner.uuid}/"
    body = {"hours-location": location.pk, "hours-weekday": 1, "hours-starts": "09:00", "hours-ends": "12:30"}
    answer = login(world.practitioner_user).post(url, body)
    assert answer.status_code == 302
    hours = WorkingHours.objects.get(practitioner=practitioner)
    assert (hours.weekday, hours.starts.strftime("%H:%M"), hours.ends.strftime("%H:%M")) == (
        1,
        "09:00",
        "12:30",
    )
    assert login(world.front_desk).post(url, {**body, "hours-weekday": 2}).status_code == 403
    other = f.PractitionerFactory(membership__practice=world.practice)
    assert login(other.membership.user).post(url, {**body, "hours-weekday": 2}).status_code == 403
    delete = f"/practice/availability/hours/{hours.uuid}/delete/"
    assert login(world.front_desk).post(delete).status_code == 403
    assert login(world.practitioner_user).post(delete).status_code == 302
    assert not WorkingHours.objects.filter(practitioner=practitioner).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours-ends": "08:00"}, b"must end after they start"),
        ({"hours-weekday": 9}, b"Select a valid choice"),
        ({"hours-starts": "nine"}, b"Enter a valid time"),
    ],
)
def test_bad_hours_are_refused_on_the_page(as_owner, world: PracticeWorld, change, message) -> None:
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    body = {
        "hours-location": location.pk,
        "hours-weekday": 1,
        "hours-starts": "09:00",
        "hours-ends": "12:30",
        **change,
    }
    answer = as_owner.post(f"/practice/availability/practitioners/{practitioner.uuid}/", body)
    assert answer.status_code == 422
    assert message in answer.content
    assert not WorkingHours.objects.filter(practitioner=practitioner).exists()


def test_hours_at_a_location_the_practitioner_does_not_work_at_name_the_location(as_owner, world) -> None:
    practitioner, location = world.records["practitioner"], world.records["location"]
    body = {"hours-location": location.pk, "hours-weekday": 1, "hours-starts": "09:00", "hours-ends": "12:00"}
    answer = as_owner.post(f"/practice/availability/practitioners/{practitioner.uuid}/", body)
    assert answer.status_code == 422
    assert b"does not work at this location" in answer.content
    assert not WorkingHours.objects.filter(practitioner=practitioner).exists()


def test_a_day_away_and_a_closure_and_a_service(as_owner, world: PracticeWorld) -> None:
    practitioner = world.records["practitioner"]
    day = f.local_today(world.practice.time_zone).replace(day=1).isoformat()
    url = f"/practice/availability/practitioners/{practitioner.uuid}/"
    assert as_owner.post(url, {"exception-date": day, "exception-reason": "Course"}).status_code == 302
    assert AvailabilityException.objects.filter(practitioner=practitioner, reason="Course").exists()
    half = {"exception-date": day, "exception-starts": "09:00", "exception-ends": "12:00"}
    refused = as_owner.post(url, half)
    assert refused.status_code == 422 and b"need the location" in refused.content
    closure = {"closure-first_day": day, "closure-last_day": day, "closure-reason": "Carnival"}
    assert as_owner.post("/practice/availability/", closure).status_code == 302
    assert Closure.objects.filter(practice=world.practice, reason="Carnival").exists()
    backwards = {**closure, "closure-first_day": "2030-01-02", "closure-last_day": "2030-01-01"}
    assert as_owner.post("/practice/availability/", backwards).status_code == 422
    service = {
        "service-name": "Cranial work for babies",
        "service-appointment_kind": "session",
        "service-duration_minutes": 45,
        "service-buffer_minutes": 15,
        "service-position": 9,
    }
    assert as_owner.post("/practice/availability/", service).status_code == 302
    assert Service.objects.filter(practice=world.practice, name="Cranial work for babies").exists()
    assert (
        login(world.front_desk).post("/practice/availability/", {**service, "service-name": "X"}).status_code
        == 403
    )
    duplicate = as_owner.post("/practice/availability/", {**service, "service-name": "cst session"})
    assert duplicate.status_code == 422 and b"already offers" in duplicate.content
