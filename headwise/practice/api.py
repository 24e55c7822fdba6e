"""The practice's structure over the JSON API: the practice, locations, rooms, practitioners, staff."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from headwise.common.api_access import (
    get_staff,
    owner_or_403,
    pick,
    practice_of,
    responses,
)
from headwise.practice import selectors, services
from headwise.practice.models import Location, Membership, Practice, Practitioner, Room
from headwise.practice.schemas import (
    LocationIn,
    LocationOut,
    LocationPatch,
    MembershipIn,
    MembershipOut,
    MembershipPatch,
    PracticeOut,
    PractitionerOut,
    RoomIn,
    RoomOut,
    RoomPatch,
)

router = Router(tags=["practice"])


@router.get("/practice", response=responses(PracticeOut), summary="My practice")
def practice_read(request: HttpRequest) -> Practice:
    return practice_of(request)


@router.get("/locations", response=responses(list[LocationOut]), summary="Locations of my practice")
def locations_list(request: HttpRequest) -> list[Location]:
    return list(selectors.locations_of(practice=practice_of(request)))


@router.post("/locations", response=responses(LocationOut, 201), summary="Add a location (owner)")
def location_create(request: HttpRequest, payload: LocationIn) -> Status[Location]:
    practice = owner_or_403(request).practice
    return Status(201, services.location_create(practice=practice, **payload.dict()))


@router.get("/locations/{location_id}", response=responses(LocationOut), summary="One location")
def location_read(request: HttpRequest, location_id: uuid.UUID) -> Location:
    return get_staff(request, Location.objects.all(), location_id)


@router.patch(
    "/locations/{location_id}", response=responses(LocationOut), summary="Change a location (owner)"
)
def location_update(request: HttpRequest, location_id: uuid.UUID, payload: LocationPatch) -> Location:
    location = get_staff(request, Location.objects.all(), location_id)
    owner_or_403(request)
    return services.location_update(location=location, **payload.dict(exclude_unset=True))


@router.get(
    "/locations/{location_id}/rooms", response=responses(list[RoomOut]), summary="Rooms of a location"
)
def rooms_list(request: HttpRequest, location_id: uuid.UUID) -> list[Room]:
    location = get_staff(request, Location.objects.all(), location_id)
    return list(location.rooms.select_related("location").order_by("name"))


@router.post("/locations/{location_id}/rooms", response=responses(RoomOut, 201), summary="Add a room (owner)")
def room_create(request: HttpRequest, location_id: uuid.UUID, payload: RoomIn) -> Status[Room]:
    location = get_staff(request, Location.objects.all(), location_id)
    owner_or_403(request)
    return Status(201, services.room_create(location=location, **payload.dict()))


@router.get("/rooms/{room_id}", response=responses(RoomOut), summary="One room")
def room_read(request: HttpRequest, room_id: uuid.UUID) -> Room:
    return get_staff(request, Room.objects.select_related("location"), room_id)


@router.patch("/rooms/{room_id}", response=responses(RoomOut), summary="Change a room (owner)")
def room_update(request: HttpRequest, room_id: uuid.UUID, payload: RoomPatch) -> Room:
    room = get_staff(request, Room.objects.select_related("location"), room_id)
    owner_or_403(request)
    return services.room_update(room=room, **payload.dict(exclude_unset=True))


@router.get("/practitioners", response=responses(list[PractitionerOut]), summary="Active practitioners")
def practitioners_list(request: HttpRequest) -> list[Practitioner]:
    found = selectors.practitioners_of(practice=practice_of(request))
    return list(found.select_related("membership").prefetch_related("locations"))


@router.get(
    "/practitioners/{practitioner_id}", response=responses(PractitionerOut), summary="One practitioner"
)
def practitioner_read(request: HttpRequest, practitioner_id: uuid.UUID) -> Practitioner:
    found = Practitioner.objects.select_related("membership").prefetch_related("locations")
    return get_staff(request, found, practitioner_id)


@router.get("/staff", response=responses(list[MembershipOut]), summary="Staff of my practice and their roles")
def staff_list(request: HttpRequest) -> list[Membership]:
    return list(selectors.staff_of(practice=practice_of(request)))


@router.post("/staff", response=responses(MembershipOut, 201), summary="Add a staff member (owner)")
def staff_create(request: HttpRequest, payload: MembershipIn) -> Status[Membership]:
    practice = owner_or_403(request).practice
    scope = Location.objects.for_practice(practice)
    locations = [
        pick(scope, field="location_ids", record_id=i, what="location") for i in payload.location_ids
    ]
    fields = payload.dict(exclude={"location_ids", "profession"})
    membership = services.staff_add(
        practice=practice,
        profession=payload.profession or "",
        locations=[x for x in locations if x],
        **fields,
    )
    return Status(201, membership)


@router.patch(
    "/staff/{membership_id}", response=responses(MembershipOut), summary="Change a role or access (owner)"
)
def staff_update(request: HttpRequest, membership_id: uuid.UUID, payload: MembershipPatch) -> Membership:
    membership = get_staff(request, Membership.objects.select_related("user"), membership_id)
    owner_or_403(request)
    return services.membership_update(membership=membership, **payload.dict(exclude_unset=True))
