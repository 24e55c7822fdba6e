"""Shapes of practice structure in the JSON API: the practice, locations, rooms, staff."""

from __future__ import annotations

import uuid

from ninja import Field, Schema

from headwise.common.schemas import CODE, SHORT, In
from headwise.practice.models import CstStyle, Profession, Role


class PracticeOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The practice's id")
    name: str = Field(..., description="The practice's name")
    time_zone: str = Field(..., description="IANA time zone of the practice, e.g. Europe/Amsterdam")
    email: str = Field(..., description="Contact e-mail, may be empty")
    phone: str = Field(..., description="Contact phone, may be empty")
    red_flag_onset_age: int = Field(
        ..., description="Age after which a new headache counts as a red flag (50 or 65)"
    )


class LocationOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The location's id")
    name: str = Field(..., description="Name, unique within the practice")
    street: str = Field(..., description="Street and number")
    postal_code: str = Field(..., description="Postal code")
    city: str = Field(..., description="City")
    region: str = Field(..., description="State or region")
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code")
    phone: str = Field(..., description="Phone of the location")
    time_zone: str = Field(..., description="IANA time zone the location's day is counted in")
    is_active: bool = Field(..., description="False once the location no longer takes bookings")


class LocationIn(In):
    name: str = Field(..., min_length=1, max_length=200, description="Name, unique within the practice")
    street: str = Field("", max_length=200, description="Street and number")
    postal_code: str = Field("", max_length=20, description="Postal code")
    city: str = Field("", max_length=100, description="City")
    region: str = Field("", max_length=100, description="State or region")
    country: str = Field("NL", min_length=2, max_length=2, description="ISO 3166-1 alpha-2 country code")
    phone: str = Field("", max_length=40, description="Phone")
    time_zone: str = Field(
        "Europe/Amsterdam", max_length=CODE, description="IANA time zone, e.g. Europe/Berlin"
    )
    is_active: bool = Field(True, description="Whether the location takes bookings")


class LocationPatch(In):
    name: str | None = Field(None, min_length=1, max_length=200, description="New name")
    street: str | None = Field(None, max_length=200, description="Street and number")
    postal_code: str | None = Field(None, max_length=20, description="Postal code")
    city: str | None = Field(None, max_length=100, description="City")
    region: str | None = Field(None, max_length=100, description="State or region")
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO country code")
    phone: str | None = Field(None, max_length=40, description="Phone")
    time_zone: str | None = Field(None, max_length=CODE, description="IANA time zone")
    is_active: bool | None = Field(None, description="Whether the location takes bookings")


class RoomOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The room's id")
    location_id: uuid.UUID = Field(..., alias="location.uuid", description="The room's location")
    name: str = Field(..., description="Name, unique within the location")
    is_active: bool = Field(..., description="False once the room is no longer used")


class RoomIn(In):
    name: str = Field(..., min_length=1, max_length=100, description="Name, unique within the location")
    is_active: bool = Field(True, description="Whether the room can be booked")


class RoomPatch(In):
    name: str | None = Field(None, min_length=1, max_length=100, description="New name")
    is_active: bool | None = Field(None, description="Whether the room can be booked")


class PractitionerOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The practitioner's id")
    membership_id: uuid.UUID = Field(..., alias="membership.uuid", description="Their staff membership")
    display_name: str = Field(..., description="Name shown to clients")
    profession: Profession = Field(..., description="Profession (regulated or not)")
    cst_style: CstStyle = Field(..., description="Biomechanical, biodynamic or integrated")
    credentials: str = Field(..., description="Training and registration")
    location_ids: list[uuid.UUID] = Field(..., description="Locations where they treat")
    is_active: bool = Field(..., description="False once they no longer treat")

    @staticmethod
    def resolve_location_ids(obj: object) -> list[uuid.UUID]:
        return [loc.uuid for loc in obj.locations.all()]  # type: ignore[attr-defined]


class MembershipOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The membership's id")
    email: str = Field(..., alias="user.email", description="Login e-mail")
    full_name: str = Field(..., alias="user.full_name", description="Full name")
    role: Role = Field(..., description="owner, practitioner or front_desk")
    is_active: bool = Field(..., description="False when the person may no longer sign in here")
    practitioner_id: uuid.UUID | None = Field(
        None, description="Their practitioner profile, if they treat clients"
    )

    @staticmethod
    def resolve_practitioner_id(obj: object) -> uuid.UUID | None:
        profile = getattr(obj, "practitioner", None)
        return profile.uuid if profile is not None else None


class MembershipIn(In):
    email: str = Field(..., min_length=3, max_length=254, description="Login e-mail, not yet in use")
    full_name: str = Field(..., min_length=1, max_length=200, description="Full name")
    password: str = Field(
        ..., max_length=SHORT, min_length=1, description="Initial password (checked by the password rules)"
    )
    role: Role = Field(..., description="owner, practitioner or front_desk")
    profession: Profession | None = Field(
        None, description="Required for a practitioner; an owner who treats gives one too"
    )
    cst_style: CstStyle = Field(CstStyle.INTEGRATED, description="CST style of a practitioner")
    location_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Locations where a practitioner treats"
    )


class MembershipPatch(In):
    role: Role | None = Field(None, description="New role")
    is_active: bool | None = Field(None, description="False to withdraw access to the practice")
