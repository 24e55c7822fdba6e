"""The practice router: the practice, locations, rooms, practitioners and staff."""

from __future__ import annotations

import pytest

from headwise.accounts.models import User
from headwise.practice.models import Location, Membership, Practitioner, Role, Room
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db


def test_it_shows_my_practice_to_every_staff_role(as_owner, as_practitioner, as_front_desk, world) -> None:
    for http in (as_owner, as_practitioner, as_front_desk):
        response = http.get("/api/practice")
        assert response.status_code == 200
        assert response.json()["id"] == str(world.practice.uuid)


def test_it_hides_practice_structure_from_a_client(as_client, world: PracticeWorld) -> None:
    assert as_client.get("/api/practice").status_code == 404
    assert as_client.get("/api/locations").status_code == 404
    assert as_client.get(f"/api/locations/{world.records['location'].uuid}").status_code == 404


def test_it_lists_only_my_practices_locations(as_front_desk, world, outsider) -> None:
    response = as_front_desk.get("/api/locations")
    assert response.status_code == 200
    assert [x["id"] for x in response.json()] == [str(world.records["location"].uuid)]


def test_it_lets_the_owner_add_a_location(as_owner, world: PracticeWorld) -> None:
    response = call(as_owner, "post", "/api/locations", {"name": "Zeist", "time_zone": "Europe/Berlin"})
    assert response.status_code == 201
    created = Location.objects.get(uuid=response.json()["id"])
    assert (created.practice, created.time_zone) == (world.practice, "Europe/Berlin")


@pytest.mark.parametrize("persona", ["as_practitioner", "as_front_desk"])
def test_it_refuses_location_writes_to_other_roles(persona, request, world: PracticeWorld) -> None:
    http = request.getfixturevalue(persona)
    location = world.records["location"]
    assert call(http, "post", "/api/locations", {"name": "Zeist"}).status_code == 403
    assert call(http, "patch", f"/api/locations/{location.uuid}", {"name": "New"}).status_code == 403
    assert Location.objects.filter(practice=world.practice).count() == 1
    location.refresh_from_db()
    assert location.name == "Alpha centre"


def test_it_names_a_bad_time_zone_and_saves_nothing(as_owner, world: PracticeWorld) -> None:
    response = call(as_owner, "post", "/api/locations", {"name": "Mars", "time_zone": "Mars/Base"})
    assert fields_of(response) == ["time_zone"]
    assert not Location.objects.filter(name="Mars").exists()


def test_it_names_a_taken_location_name(as_owner, world: PracticeWorld) -> None:
    response = call(as_owner, "post", "/api/locations", {"name": "Alpha centre"})
    assert fields_of(response) == ["name"]
    assert Location.objects.filter(practice=world.practice).count() == 1


def test_it_lets_the_owner_change_a_location(as_owner, world: PracticeWorld) -> None:
    location = world.records["location"]
    response = call(as_owner, "patch", f"/api/locations/{location.uuid}", {"city": "Zeist"})
    assert response.status_code == 200
    location.refresh_from_db()
    assert (location.city, location.name) == ("Zeist", "Alpha centre")


def test_it_refuses_null_for_a_required_location_field(as_owner, world: PracticeWorld) -> None:
    location = world.records["location"]
    response = call(as_owner, "patch", f"/api/locations/{location.uuid}", {"name": None})
    assert fields_of(response) == ["name"]
    location.refresh_from_db()
    assert location.name == "Alpha centre"


def test_it_lists_and_adds_rooms(as_owner, as_front_desk, world: PracticeWorld) -> None:
    location = world.records["location"]
    listed = as_front_desk.get(f"/api/locations/{location.uuid}/rooms")
    assert [r["id"] for r in listed.json()] == [str(world.records["room"].uuid)]
    created = call(as_owner, "post", f"/api/locations/{location.uuid}/rooms", {"name": "Garden room"})
    assert created.status_code == 201
    assert Room.objects.get(uuid=created.json()["id"]).location == location


def test_it_refuses_room_writes_to_front_desk(as_front_desk, world: PracticeWorld) -> None:
    location, room = world.records["location"], world.records["room"]
    assert (
        call(as_front_desk, "post", f"/api/locations/{location.uuid}/rooms", {"name": "X"}).status_code == 403
    )
    assert call(as_front_desk, "patch", f"/api/rooms/{room.uuid}", {"name": "X"}).status_code == 403
    assert Room.objects.filter(location=location).count() == 1


def test_it_lets_the_owner_rename_a_room_but_not_to_a_taken_name(as_owner, world: PracticeWorld) -> None:
    room = world.records["room"]
    f.RoomFactory(location=world.records["location"], practice=world.practice, name="Blue")
    assert fields_of(call(as_owner, "patch", f"/api/rooms/{room.uuid}", {"name": "Blue"})) == ["name"]
    response = call(as_owner, "patch", f"/api/rooms/{room.uuid}", {"name": "Green", "is_active": False})
    assert response.status_code == 200
    room.refresh_from_db()
    assert (room.name, room.is_active) == ("Green", False)


def test_it_reads_a_room(as_practitioner, world: PracticeWorld) -> None:
    room = world.records["room"]
    response = as_practitioner.get(f"/api/rooms/{room.uuid}")
    assert response.json()["location_id"] == str(world.records["location"].uuid)


def test_it_lists_practitioners_with_their_locations(as_front_desk, world: PracticeWorld) -> None:
    practitioner = world.records["practitioner"]
    practitioner.locations.add(world.records["location"])
    response = as_front_desk.get("/api/practitioners")
    found = {p["id"]: p for p in response.json()}
    assert found[str(practitioner.uuid)]["location_ids"] == [str(world.records["location"].uuid)]
    one = as_front_desk.get(f"/api/practitioners/{practitioner.uuid}")
    assert one.json()["display_name"] == practitioner.display_name


def test_it_lists_staff_with_roles(as_practitioner, world: PracticeWorld) -> None:
    response = as_practitioner.get("/api/staff")
    roles = {m["email"]: m["role"] for m in response.json()}
    assert roles == {
        "owner@alpha.example": "owner",
        "prac@alpha.example": "practitioner",
        "desk@alpha.example": "front_desk",
    }


def test_it_lets_the_owner_add_a_practitioner(as_owner, world: PracticeWorld) -> None:
    body = {
        "email": "new@alpha.example",
        "full_name": "Noor Visser",
        "password": "a-long-unusual-passphrase",
        "role": "practitioner",
        "profession": "osteopath",
        "location_ids": [str(world.records["location"].uuid)],
    }
    response = call(as_owner, "post", "/api/staff", body)
    assert response.status_code == 201
    membership = Membership.objects.get(uuid=response.json()["id"])
    assert membership.practice == world.practice
    assert list(membership.practitioner.locations.all()) == [world.records["location"]]


def test_it_refuses_staff_writes_to_non_owners(as_practitioner, as_front_desk, world: PracticeWorld) -> None:
    body = {
        "email": "x@alpha.example",
        "full_name": "X",
        "password": "a-long-unusual-passphrase",
        "role": "owner",
    }
    for http in (as_practitioner, as_front_desk):
        assert call(http, "post", "/api/staff", body).status_code == 403
        membership = world.records["membership"]
        assert call(http, "patch", f"/api/staff/{membership.uuid}", {"role": "owner"}).status_code == 403
    assert not User.objects.filter(email="x@alpha.example").exists()
    assert Membership.objects.get(pk=world.records["membership"].pk).role == Role.FRONT_DESK


def test_it_names_every_bad_staff_field_and_creates_no_login(as_owner, world, outsider) -> None:
    body = {
        "email": "desk@alpha.example",
        "full_name": "Dup",
        "password": "short",
        "role": "practitioner",
        "location_ids": [str(outsider.records["location"].uuid)],
    }
    response = call(as_owner, "post", "/api/staff", body)
    assert fields_of(response) == ["location_ids"]
    body["location_ids"] = []
    assert set(fields_of(call(as_owner, "post", "/api/staff", body))) == {"email", "password", "profession"}
    assert User.objects.filter(email="desk@alpha.example").count() == 1
    assert Practitioner.objects.filter(practice=world.practice).count() == 2


def test_it_changes_a_role_and_access(as_owner, world: PracticeWorld) -> None:
    membership = world.records["membership"]
    response = call(as_owner, "patch", f"/api/staff/{membership.uuid}", {"role": "owner", "is_active": False})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == (Role.OWNER, False)


def test_it_keeps_the_last_active_owner(world: PracticeWorld) -> None:
    owner = Membership.objects.get(user=world.owner)
    http = login(world.owner)
    assert fields_of(call(http, "patch", f"/api/staff/{owner.uuid}", {"role": "practitioner"})) == ["role"]
    assert fields_of(call(http, "patch", f"/api/staff/{owner.uuid}", {"is_active": False})) == ["is_active"]
    owner.refresh_from_db()
    assert (owner.role, owner.is_active) == (Role.OWNER, True)


def test_it_lets_one_of_two_owners_step_down(world: PracticeWorld) -> None:
    f.MembershipFactory(practice=world.practice, role=Role.OWNER)
    owner = Membership.objects.get(user=world.owner)
    response = call(login(world.owner), "patch", f"/api/staff/{owner.uuid}", {"role": "practitioner"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.role == Role.PRACTITIONER
