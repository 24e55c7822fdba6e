"""Shapes of the schedule in the JSON API: services, availability, slots, series, waitlist."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from ninja import Field, Schema
from pydantic import AwareDatetime

from headwise.care.models import WaitlistStatus
from headwise.common.schemas import ITEMS, NOTES, In, LocalTime, QueryIn, Short
from headwise.practice.models import (
    MAX_BUFFER_MINUTES,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    AppointmentKind,
)

#: A day of the week, 0 = Monday ... 6 = Sunday (as :meth:`datetime.date.weekday`).
Weekday = Annotated[int, Field(ge=0, le=6)]


def _uuid_of(obj: object, name: str) -> uuid.UUID | None:
    related = getattr(obj, name, None)
    return related.uuid if related is not None else None


# --- services -----------------------------------------------------------------------------


class ServiceOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The service's id")
    name: str = Field(..., description="Name, unique within the practice")
    appointment_kind: AppointmentKind = Field(..., description="intake, session or review")
    duration_minutes: int = Field(..., description="Length of an appointment, minutes")
    buffer_minutes: int = Field(..., description="Free time the practitioner keeps after it, minutes")
    is_active: bool = Field(..., description="False once the practice no longer offers it")
    position: int = Field(..., description="Order in lists")


class ServiceIn(In):
    name: str = Field(..., min_length=1, max_length=200, description="Name, unique within the practice")
    appointment_kind: AppointmentKind = Field(
        AppointmentKind.SESSION, description="intake, session or review"
    )
    duration_minutes: int = Field(
        60, ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES, description="Length, minutes"
    )
    buffer_minutes: int = Field(0, ge=0, le=MAX_BUFFER_MINUTES, description="Free time after, minutes")
    is_active: bool = Field(True, description="Whether it is offered")
    position: int = Field(0, ge=0, le=1000, description="Order in lists")


class ServicePatch(In):
    name: str | None = Field(None, min_length=1, max_length=200, description="New name")
    appointment_kind: AppointmentKind | None = Field(None, description="intake, session or review")
    duration_minutes: int | None = Field(
        None, ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES, description="Length, minutes"
    )
    buffer_minutes: int | None = Field(None, ge=0, le=MAX_BUFFER_MINUTES, description="Free time after")
    is_active: bool | None = Field(None, description="Whether it is offered")
    position: int | None = Field(None, ge=0, le=1000, description="Order in lists")


class OfferIn(In):
    service_ids: list[uuid.UUID] | None = Field(
        None, max_length=ITEMS, description="The services the practitioner offers (replaces the list)"
    )
    location_ids: list[uuid.UUID] | None = Field(
        None, max_length=ITEMS, description="The locations the practitioner works at (replaces the list)"
    )


class OfferOut(Schema):
    practitioner_id: uuid.UUID = Field(..., description="The practitioner")
    service_ids: list[uuid.UUID] = Field(..., description="Services offered")
    location_ids: list[uuid.UUID] = Field(..., description="Locations worked at")


# --- availability -------------------------------------------------------------------------


class WorkingHoursOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The stretch's id")
    practitioner_id: uuid.UUID = Field(..., alias="practitioner.uuid", description="The practitioner")
    location_id: uuid.UUID = Field(..., alias="location.uuid", description="The location")
    weekday: int = Field(..., description="0 = Monday ... 6 = Sunday")
    starts: LocalTime = Field(..., description="From, wall clock of the location's time zone")
    ends: LocalTime = Field(..., description="Until, wall clock of the location's time zone")
    valid_from: dt.date | None = Field(None, description="First day it applies (empty: always)")
    valid_until: dt.date | None = Field(None, description="Last day it applies (empty: open-ended)")


class WorkingHoursIn(In):
    practitioner_id: uuid.UUID = Field(..., description="A practitioner of the practice")
    location_id: uuid.UUID = Field(..., description="A location the practitioner works at")
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    starts: LocalTime = Field(..., description="From, HH:MM in the location's time zone")
    ends: LocalTime = Field(..., description="Until, HH:MM, after the start (same day)")
    valid_from: dt.date | None = Field(None, description="First day it applies")
    valid_until: dt.date | None = Field(None, description="Last day it applies")


class WorkingHoursPatch(In):
    location_id: uuid.UUID | None = Field(None, description="Another location the practitioner works at")
    weekday: int | None = Field(None, ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    starts: LocalTime | None = Field(None, description="From, HH:MM")
    ends: LocalTime | None = Field(None, description="Until, HH:MM")
    valid_from: dt.date | None = Field(None, description="First day it applies (null: always)")
    valid_until: dt.date | None = Field(None, description="Last day it applies (null: open-ended)")


class HoursFilter(QueryIn):
    practitioner: uuid.UUID | None = Field(None, description="Only this practitioner's hours")
    location: uuid.UUID | None = Field(None, description="Only the hours at this location")


class ExceptionOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The exception's id")
    practitioner_id: uuid.UUID = Field(..., alias="practitioner.uuid", description="The practitioner")
    location_id: uuid.UUID | None = Field(None, description="The location; empty = everywhere")
    date: dt.date = Field(..., description="The day")
    starts: LocalTime | None = Field(None, description="Empty = away all day; else works only from")
    ends: LocalTime | None = Field(None, description="... until")
    reason: str = Field(..., description="Why")

    @staticmethod
    def resolve_location_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "location")


class ExceptionIn(In):
    practitioner_id: uuid.UUID = Field(..., description="A practitioner of the practice")
    location_id: uuid.UUID | None = Field(None, description="A location; empty = everywhere (away only)")
    date: dt.date = Field(..., description="The day")
    starts: LocalTime | None = Field(None, description="Works only from (HH:MM); empty with ends = away")
    ends: LocalTime | None = Field(None, description="... until (HH:MM)")
    reason: Short = Field("", description="Why")


class ExceptionFilter(QueryIn):
    practitioner: uuid.UUID | None = Field(None, description="Only this practitioner's")
    date_from: dt.date | None = Field(None, alias="from", description="From this day (default: today)")
    date_to: dt.date | None = Field(None, alias="to", description="Until this day")


class ClosureOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The closure's id")
    location_id: uuid.UUID | None = Field(None, description="The location; empty = the whole practice")
    first_day: dt.date = Field(..., description="First day closed")
    last_day: dt.date = Field(..., description="Last day closed")
    reason: str = Field(..., description="Why (a holiday)")

    @staticmethod
    def resolve_location_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "location")


class ClosureIn(In):
    location_id: uuid.UUID | None = Field(None, description="A location; empty = the whole practice")
    first_day: dt.date = Field(..., description="First day closed")
    last_day: dt.date = Field(..., description="Last day closed (at most a year after)")
    reason: Short = Field("", description="Why (a holiday)")


# --- slots and series ---------------------------------------------------------------------


class SlotOut(Schema):
    starts_at: dt.datetime = Field(..., description="Start, ISO 8601 in UTC")
    ends_at: dt.datetime = Field(..., description="End, ISO 8601 in UTC (without the buffer)")
    practitioner_id: uuid.UUID = Field(..., description="The practitioner who is free")
    room_id: uuid.UUID | None = Field(None, description="A free room; empty when the location has none")
    location_id: uuid.UUID = Field(..., description="The location")
    service_id: uuid.UUID | None = Field(None, description="The service")


#: The longest range one request for slots covers.
SLOT_RANGE_DAYS = 31


class SlotFilter(QueryIn):
    location: uuid.UUID = Field(..., description="A location of the practice")
    service: uuid.UUID = Field(..., description="A service of the practice")
    date_from: dt.date = Field(..., alias="from", description="First day, in the location's time zone")
    date_to: dt.date | None = Field(
        None, alias="to", description=f"Last day (default: the first; at most {SLOT_RANGE_DAYS} days on)"
    )
    practitioner: uuid.UUID | None = Field(None, description="Only this practitioner")


class SeriesIn(In):
    client_id: uuid.UUID = Field(..., description="A client of the practice")
    practitioner_id: uuid.UUID = Field(..., description="A practitioner who offers the service there")
    location_id: uuid.UUID = Field(..., description="A location of the practice")
    service_id: uuid.UUID = Field(..., description="The service of every appointment")
    first_starts_at: AwareDatetime = Field(..., description="The first start; the others at its local time")
    count: int = Field(..., ge=1, le=52, description="How many appointments")
    every_days: int = Field(7, ge=1, le=92, description="Days between them (7 = weekly)")
    room_id: uuid.UUID | None = Field(None, description="A room; empty = the first free one")
    phase_id: uuid.UUID | None = Field(None, description="A phase of one of the client's plans")
    notes: str = Field("", max_length=NOTES, description="Notes for the front desk")


class SkippedOut(Schema):
    date: dt.date = Field(..., description="A local date that could not be booked")
    reason: str = Field(..., description="Why")


class SeriesOut(Schema):
    booked: list[uuid.UUID] = Field(..., description="Ids of the appointments booked, in order")
    skipped: list[SkippedOut] = Field(..., description="Dates not booked and why")


# --- waitlist -----------------------------------------------------------------------------


class WaitlistOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The entry's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    client_name: str = Field(..., alias="client.full_name", description="The client's name")
    service_id: uuid.UUID | None = Field(None, description="Wanted service; empty = any")
    practitioner_id: uuid.UUID | None = Field(None, description="Wanted practitioner; empty = any")
    location_id: uuid.UUID | None = Field(None, description="Wanted location; empty = any")
    earliest: dt.date | None = Field(None, description="Not before this day")
    latest: dt.date | None = Field(None, description="Not after this day")
    weekdays: list[int] = Field(..., description="Weekdays that suit (0 = Monday); empty = any")
    time_from: LocalTime | None = Field(None, description="Not starting before (local)")
    time_until: LocalTime | None = Field(None, description="Ending by (local)")
    notes: str = Field(..., description="Notes")
    status: WaitlistStatus = Field(..., description="waiting, offered, booked or withdrawn")
    offered_at: dt.datetime | None = Field(None, description="When a slot was last offered")
    offered_starts_at: dt.datetime | None = Field(None, description="The start of the slot offered")
    created_at: dt.datetime = Field(..., description="When the client was put on the list")

    @staticmethod
    def resolve_service_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "service")

    @staticmethod
    def resolve_practitioner_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "practitioner")

    @staticmethod
    def resolve_location_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "location")


class WaitlistIn(In):
    client_id: uuid.UUID = Field(..., description="A client of the practice")
    service_id: uuid.UUID | None = Field(None, description="Wanted service; empty = any")
    practitioner_id: uuid.UUID | None = Field(None, description="Wanted practitioner; empty = any")
    location_id: uuid.UUID | None = Field(None, description="Wanted location; empty = any")
    earliest: dt.date | None = Field(None, description="Not before this day")
    latest: dt.date | None = Field(None, description="Not after this day")
    weekdays: list[Weekday] = Field([], max_length=7, description="Weekdays that suit, 0 = Monday ... 6")
    time_from: LocalTime | None = Field(None, description="Not starting before (HH:MM)")
    time_until: LocalTime | None = Field(None, description="Ending by (HH:MM)")
    notes: str = Field("", max_length=NOTES, description="Notes")


class WaitlistPatch(In):
    service_id: uuid.UUID | None = Field(None, description="Wanted service (null: any)")
    practitioner_id: uuid.UUID | None = Field(None, description="Wanted practitioner (null: any)")
    location_id: uuid.UUID | None = Field(None, description="Wanted location (null: any)")
    earliest: dt.date | None = Field(None, description="Not before this day")
    latest: dt.date | None = Field(None, description="Not after this day")
    weekdays: list[Weekday] | None = Field(None, max_length=7, description="Weekdays that suit")
    time_from: LocalTime | None = Field(None, description="Not starting before")
    time_until: LocalTime | None = Field(None, description="Ending by")
    notes: str | None = Field(None, max_length=NOTES, description="Notes")


class WaitlistFilter(QueryIn):
    status: WaitlistStatus | None = Field(None, description="Only entries of this status")


class OfferSlotIn(In):
    practitioner_id: uuid.UUID = Field(..., description="The free slot's practitioner")
    location_id: uuid.UUID = Field(..., description="The free slot's location")
    service_id: uuid.UUID | None = Field(None, description="The free slot's service")
    starts_at: AwareDatetime = Field(..., description="The free slot's start")
    ends_at: AwareDatetime = Field(..., description="The free slot's end")


class FittingFilter(QueryIn):
    practitioner: uuid.UUID = Field(..., description="The free slot's practitioner")
    location: uuid.UUID = Field(..., description="The free slot's location")
    service: uuid.UUID | None = Field(None, description="The free slot's service")
    starts_at: AwareDatetime = Field(..., description="The free slot's start")
    ends_at: AwareDatetime = Field(..., description="The free slot's end")
