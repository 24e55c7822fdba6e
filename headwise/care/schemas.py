"""Shapes of treatment plans, appointments, session records and follow-ups in the JSON API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from headwise.care.models import AppointmentKind, AppointmentStatus, PhaseKind, PlanStatus, Position
from headwise.common.limits import SHORT
from headwise.common.schemas import ITEMS, NOTES, Code, In, QueryIn, Short
from headwise.practice.models import CstStyle


def _uuid_of(obj: object, name: str) -> uuid.UUID | None:
    related = getattr(obj, name, None)
    return related.uuid if related is not None else None


class PhaseOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The phase's id")
    plan_id: uuid.UUID = Field(..., alias="plan.uuid", description="The plan it belongs to")
    kind: PhaseKind = Field(..., description="intensive, stabilising or maintenance")
    starts_on: dt.date = Field(..., description="First day of the phase")
    ends_on: dt.date | None = Field(None, description="Last day, or null while it runs")
    interval_days_min: int = Field(..., description="Sessions every … days, from")
    interval_days_max: int = Field(..., description="Sessions every … days, to")
    notes: str = Field(..., description="Notes")


class PhaseIn(In):
    kind: PhaseKind = Field(..., description="intensive (7 days), stabilising (14–21), maintenance (28–31)")
    starts_on: dt.date = Field(..., description="First day, not before the plan started")
    ends_on: dt.date | None = Field(None, description="Last day, if known")
    interval_days_min: int | None = Field(None, ge=1, le=365, description="Default from the kind")
    interval_days_max: int | None = Field(None, ge=1, le=365, description="Default from the kind")
    notes: str = Field("", max_length=NOTES, description="Notes")


class PhasePatch(In):
    kind: PhaseKind | None = Field(None, description="New kind; resets the interval unless one is given")
    starts_on: dt.date | None = Field(None, description="First day")
    ends_on: dt.date | None = Field(None, description="Last day")
    interval_days_min: int | None = Field(None, ge=1, le=365, description="Sessions every … days, from")
    interval_days_max: int | None = Field(None, ge=1, le=365, description="Sessions every … days, to")
    notes: str | None = Field(None, max_length=NOTES, description="Notes")


class PlanOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The plan's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    practitioner_id: uuid.UUID = Field(
        ..., alias="practitioner.uuid", description="The practitioner in charge"
    )
    started_on: dt.date = Field(..., description="Start of the plan")
    ended_on: dt.date | None = Field(None, description="End of the plan")
    status: PlanStatus = Field(..., description="active, paused or ended")
    goals: str = Field(..., description="Goals in the client's words")
    notes: str = Field(..., description="Notes")
    phases: list[PhaseOut] = Field(..., description="Phases in order of start")

    @staticmethod
    def resolve_phases(obj: object) -> list[object]:
        return list(obj.phases.all())  # type: ignore[attr-defined]


class PlanIn(In):
    practitioner_id: uuid.UUID | None = Field(
        None, description="Practitioner in charge; default the client's, else the caller"
    )
    started_on: dt.date = Field(..., description="Start of the plan")
    ended_on: dt.date | None = Field(None, description="End of the plan")
    status: PlanStatus = Field(PlanStatus.ACTIVE, description="active, paused or ended")
    goals: str = Field("", max_length=NOTES, description="Goals in the client's words")
    notes: str = Field("", max_length=NOTES, description="Notes")


class PlanPatch(In):
    practitioner_id: uuid.UUID | None = Field(None, description="Practitioner in charge")
    started_on: dt.date | None = Field(None, description="Start of the plan")
    ended_on: dt.date | None = Field(None, description="End of the plan")
    status: PlanStatus | None = Field(None, description="active, paused or ended")
    goals: str | None = Field(None, max_length=NOTES, description="Goals in the client's words")
    notes: str | None = Field(None, max_length=NOTES, description="Notes")


class AppointmentOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The appointment's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    client_name: str = Field(..., alias="client.full_name", description="The client's name")
    practitioner_id: uuid.UUID = Field(..., alias="practitioner.uuid", description="The practitioner")
    location_id: uuid.UUID = Field(..., alias="location.uuid", description="The location")
    room_id: uuid.UUID | None = Field(None, description="The room, if one is booked")
    phase_id: uuid.UUID | None = Field(None, description="The plan phase it belongs to")
    service_id: uuid.UUID | None = Field(None, description="The service booked, if one was named")
    kind: AppointmentKind = Field(..., description="intake, session or review")
    starts_at: dt.datetime = Field(..., description="Start, ISO 8601 in UTC")
    ends_at: dt.datetime = Field(..., description="End, ISO 8601 in UTC")
    status: AppointmentStatus = Field(..., description="booked, attended, cancelled or no_show")
    cancelled_at: dt.datetime | None = Field(None, description="When it was cancelled")
    cancellation_reason: str = Field(..., description="Why it was cancelled")
    notes: str = Field(..., description="Notes for the front desk")

    @staticmethod
    def resolve_room_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "room")

    @staticmethod
    def resolve_phase_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "phase")

    @staticmethod
    def resolve_service_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "service")


class AppointmentIn(In):
    client_id: uuid.UUID = Field(..., description="A client of the practice")
    practitioner_id: uuid.UUID = Field(..., description="A practitioner who works at the location")
    location_id: uuid.UUID = Field(..., description="A location of the practice")
    room_id: uuid.UUID | None = Field(None, description="A room of that location")
    phase_id: uuid.UUID | None = Field(None, description="A phase of one of the client's plans")
    service_id: uuid.UUID | None = Field(
        None, description="A service the practitioner offers; sets the default end and kind"
    )
    kind: AppointmentKind | None = Field(
        None, description="intake, session or review; default: the service's, else session"
    )
    starts_at: AwareDatetime = Field(..., description="Start, ISO 8601 with offset")
    ends_at: AwareDatetime | None = Field(
        None, description="End, ISO 8601 with offset, after the start; default: start + the service's length"
    )
    notes: str = Field("", max_length=NOTES, description="Notes for the front desk")
    override_hours: bool = Field(
        False, description="Book outside the practitioner's working hours (owner, or the practitioner)"
    )


class AppointmentPatch(In):
    room_id: uuid.UUID | None = Field(None, description="Move to another room of the location")
    kind: AppointmentKind | None = Field(None, description="intake, session or review")
    starts_at: AwareDatetime | None = Field(None, description="New start (checked for overlaps)")
    ends_at: AwareDatetime | None = Field(None, description="New end (checked for overlaps)")
    status: AppointmentStatus | None = Field(
        None, description="cancelled, attended or no_show (only from booked)"
    )
    cancellation_reason: str | None = Field(None, max_length=200, description="Why it is cancelled")
    notes: str | None = Field(None, max_length=NOTES, description="Notes for the front desk")
    override_hours: bool | None = Field(
        None, description="Move outside the practitioner's working hours (owner, or the practitioner)"
    )


class AppointmentFilter(QueryIn):
    date: dt.date | None = Field(
        None, description="A day (YYYY-MM-DD) in the practice's time zone; default: from now on"
    )
    practitioner: uuid.UUID | None = Field(None, description="Only this practitioner's appointments")
    location: uuid.UUID | None = Field(None, description="Only this location's appointments")
    client: uuid.UUID | None = Field(None, description="Only this client's appointments")


class AddendumOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The addendum's id")
    author: str = Field(..., description="Who wrote it (name, else e-mail)")
    created_at: dt.datetime = Field(..., description="When it was written")
    text: str = Field(..., description="The addendum")

    @staticmethod
    def resolve_author(obj: object) -> str:
        return str(obj.author)  # type: ignore[attr-defined]


class AddendumIn(In):
    text: str = Field(..., min_length=1, max_length=NOTES, description="The addendum; never changed later")


class SessionHappenedOut(Schema):
    """That a session happened: what the front desk may see (no clinical content)."""

    id: uuid.UUID = Field(..., alias="uuid", description="The session record's id")
    started_at: dt.datetime = Field(..., description="Start of the session")
    duration_minutes: int = Field(..., description="Length in minutes")
    practitioner_id: uuid.UUID = Field(..., alias="practitioner.uuid", description="Who treated")
    practitioner_name: str = Field(..., description="The practitioner's name")

    @staticmethod
    def resolve_practitioner_name(obj: object) -> str:
        return str(obj.practitioner)  # type: ignore[attr-defined]


class TechniqueOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The technique's id")
    name: str = Field(..., description="Its name, as records store it")
    is_active: bool = Field(..., description="Offered for new records (false: retired)")


class TechniqueIn(In):
    name: str = Field(..., min_length=1, max_length=SHORT, description="A new technique's name")


class TechniquePatch(In):
    name: str | None = Field(None, min_length=1, max_length=SHORT, description="Rename it")
    is_active: bool | None = Field(None, description="false retires it, true offers it again")


class SessionOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The session record's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    practitioner_id: uuid.UUID = Field(..., alias="practitioner.uuid", description="Who treated")
    appointment_id: uuid.UUID | None = Field(None, description="The appointment it records")
    started_at: dt.datetime = Field(..., description="Start of the session")
    duration_minutes: int = Field(..., description="Length in minutes")
    position: Position = Field(..., description="supine, side, prone or seated")
    clothed: bool = Field(..., description="Client clothed")
    style: CstStyle = Field(..., description="Biomechanical, biodynamic or integrated")
    regions: list[str] = Field(..., description="Contact regions (BodyRegion codes)")
    techniques: list[str] = Field(..., description="Techniques used")
    pressure_grams: int = Field(..., description="Contact pressure in grams (CST: about 5)")
    headache_at_start: int | None = Field(None, ge=0, le=10, description="Headache 0–10 at the start")
    headache_at_end: int | None = Field(None, ge=0, le=10, description="Headache 0–10 at the end")
    sensations: str = Field(..., description="What the client described feeling")
    emotional_release: bool = Field(..., description="Whether an emotional release happened")
    side_effects: list[str] = Field(..., description="Side effects during the session (SideEffect codes)")
    notes: str = Field(..., description="Practitioner's notes")
    location_id: uuid.UUID | None = Field(None, description="Where the session took place")
    room_id: uuid.UUID | None = Field(None, description="The room")
    noticed: list[str] = Field(..., description="What the client noticed (Sensation codes)")
    next_time: str = Field(..., description="The plan for next time")
    soap: bool = Field(..., description="Written in the SOAP layout")
    subjective: str = Field(..., description="SOAP: subjective")
    objective: str = Field(..., description="SOAP: objective")
    assessment: str = Field(..., description="SOAP: assessment (the plan is next_time)")
    locked: bool = Field(..., description="Locked (24 h after the session ended): only addenda now")
    locks_at: dt.datetime = Field(..., description="When it locks, or locked")
    addenda: list[AddendumOut] = Field(..., description="Addenda in the order they were written")
    follow_up_id: uuid.UUID | None = Field(None, description="The 24-hour follow-up")

    @staticmethod
    def resolve_appointment_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "appointment")

    @staticmethod
    def resolve_location_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "location")

    @staticmethod
    def resolve_room_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "room")

    @staticmethod
    def resolve_locked(obj: object) -> bool:
        return bool(obj.is_locked())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_addenda(obj: object) -> list[object]:
        return list(obj.addenda.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_follow_up_id(obj: object) -> uuid.UUID | None:
        return _uuid_of(obj, "follow_up")


class SessionIn(In):
    appointment_id: uuid.UUID | None = Field(None, description="The client's appointment this records")
    practitioner_id: uuid.UUID | None = Field(
        None, description="Who treated; default the appointment's practitioner, else the caller"
    )
    started_at: AwareDatetime | None = Field(
        None, description="Start, ISO 8601 with offset; default the appointment's start"
    )
    duration_minutes: int = Field(60, ge=5, le=240, description="Length in minutes, 5–240")
    position: Position = Field(Position.SUPINE, description="supine, side, prone or seated")
    clothed: bool = Field(True, description="Client clothed")
    style: CstStyle | None = Field(None, description="Default: the practitioner's style")
    regions: list[Code] = Field(
        default_factory=list, max_length=ITEMS, description="BodyRegion codes, e.g. skull_base, sacrum"
    )
    techniques: list[Short] = Field(
        default_factory=list, max_length=ITEMS, description="Techniques used, free text each"
    )
    pressure_grams: int = Field(5, ge=0, le=100, description="Contact pressure in grams, 0–100 (default 5)")
    headache_at_start: int | None = Field(None, ge=0, le=10, description="Headache 0–10 at the start")
    headache_at_end: int | None = Field(None, ge=0, le=10, description="Headache 0–10 at the end")
    sensations: str = Field("", max_length=NOTES, description="What the client described feeling")
    emotional_release: bool = Field(False, description="Whether an emotional release happened")
    side_effects: list[Code] = Field(
        default_factory=list, max_length=ITEMS, description="SideEffect codes, e.g. fatigue"
    )
    notes: str = Field("", max_length=NOTES, description="Practitioner's notes")
    location_id: uuid.UUID | None = Field(None, description="A location; default the appointment's")
    room_id: uuid.UUID | None = Field(None, description="A room of that location; default the appointment's")
    noticed: list[Code] = Field(
        default_factory=list,
        max_length=ITEMS,
        description="Sensation codes, e.g. deep_calm, warmth (emotional_release sets the flag)",
    )
    next_time: str = Field("", max_length=NOTES, description="The plan for next time")
    soap: bool = Field(False, description="Written in the SOAP layout")
    subjective: str = Field("", max_length=NOTES, description="SOAP: subjective")
    objective: str = Field("", max_length=NOTES, description="SOAP: objective")
    assessment: str = Field("", max_length=NOTES, description="SOAP: assessment")


class SessionPatch(In):
    duration_minutes: int | None = Field(None, ge=5, le=240, description="Length in minutes, 5–240")
    position: Position | None = Field(None, description="supine, side, prone or seated")
    clothed: bool | None = Field(None, description="Client clothed")
    style: CstStyle | None = Field(None, description="Style")
    regions: list[Code] | None = Field(None, max_length=ITEMS, description="BodyRegion codes")
    techniques: list[Short] | None = Field(None, max_length=ITEMS, description="Techniques used")
    pressure_grams: int | None = Field(None, ge=0, le=100, description="Contact pressure in grams, 0–100")
    headache_at_start: int | None = Field(None, ge=0, le=10, description="Headache 0–10 at the start")
    headache_at_end: int | None = Field(None, ge=0, le=10, description="Headache 0–10 at the end")
    sensations: str | None = Field(None, max_length=NOTES, description="What the client described feeling")
    emotional_release: bool | None = Field(None, description="Whether an emotional release happened")
    side_effects: list[Code] | None = Field(None, max_length=ITEMS, description="SideEffect codes")
    notes: str | None = Field(None, max_length=NOTES, description="Practitioner's notes")
    noticed: list[Code] | None = Field(None, max_length=ITEMS, description="Sensation codes")
    next_time: str | None = Field(None, max_length=NOTES, description="The plan for next time")
    soap: bool | None = Field(None, description="Written in the SOAP layout")
    subjective: str | None = Field(None, max_length=NOTES, description="SOAP: subjective")
    objective: str | None = Field(None, max_length=NOTES, description="SOAP: objective")
    assessment: str | None = Field(None, max_length=NOTES, description="SOAP: assessment")


class FollowUpOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The follow-up's id")
    session_id: uuid.UUID = Field(..., alias="session.uuid", description="The session followed up")
    client_id: uuid.UUID = Field(..., alias="session.client.uuid", description="The client")
    client_name: str = Field(..., alias="session.client.full_name", description="The client's name")
    due_at: dt.datetime = Field(..., description="When it is due (24 h after the session)")
    completed_at: dt.datetime | None = Field(None, description="When it was done, or null if open")
    side_effects: list[str] = Field(..., description="Side effects since the session (SideEffect codes)")
    faded_within_24h: bool | None = Field(None, description="Whether they faded within 24 h")
    headache_since: bool | None = Field(None, description="Headache since the session")
    passed_at: dt.datetime | None = Field(None, description="When the client said it had passed")
    flagged: bool = Field(..., description="Side effects not passed 48 h after the session")
    notes: str = Field(..., description="Notes")

    @staticmethod
    def resolve_flagged(obj: object) -> bool:
        return bool(obj.is_flagged())  # type: ignore[attr-defined]


Feeling = Literal["fine", "discomfort", "fatigue", "disorientation", "headache", "emotional", "other"]


class MyFollowUpOut(Schema):
    """A follow-up as its client sees it."""

    id: uuid.UUID = Field(..., alias="uuid", description="The follow-up's id")
    session_started_at: dt.datetime = Field(..., alias="session.started_at", description="The session")
    due_at: dt.datetime = Field(..., description="When it is due (24 h after the session)")
    completed_at: dt.datetime | None = Field(None, description="When it was answered")
    side_effects: list[str] = Field(..., description="What the client said they felt (SideEffect codes)")
    passed_at: dt.datetime | None = Field(None, description="When the client said it had passed")


class FollowUpAnswerIn(In):
    feeling: Feeling | None = Field(
        None, description="How the client feels since the session: fine, or a side effect"
    )
    passed: bool | None = Field(None, description="Whether it has passed (after a side effect)")


class FollowUpFilter(QueryIn):
    due: Literal["open", "all"] = Field("open", description="open: not yet completed; all: every one")


class FollowUpPatch(In):
    completed_at: AwareDatetime | None = Field(
        None, description="When the follow-up was done, ISO 8601 with offset; null reopens it"
    )
    side_effects: list[Code] | None = Field(
        None, max_length=ITEMS, description="SideEffect codes since the session"
    )
    faded_within_24h: bool | None = Field(None, description="Whether they faded within 24 h")
    headache_since: bool | None = Field(None, description="Headache since the session")
    notes: str | None = Field(None, max_length=NOTES, description="Notes")
