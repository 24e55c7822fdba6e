"""Writes of care records: plans and phases, booking, session records and the 24-hour follow-up.

Booking is one service, :func:`appointment_book`, with every check inside one transaction that
holds a lock on the practitioner's row (and the room's), so two bookings of the same slot
cannot both pass the overlap check.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.accounts.access import may_edit_availability
from headwise.accounts.models import User
from headwise.care import intervals, slots
from headwise.care.appointment_mail import Kind, queue_appointment_mail
from headwise.care.models import (
    DEFAULT_TECHNIQUES,
    LOCKED_MESSAGE,
    PHASE_INTERVAL_DAYS,
    PRACTITIONER_FREE,
    ROOM_FREE,
    Addendum,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    BodyRegion,
    CadenceRuleSet,
    FollowUp,
    PhaseDecision,
    PhaseDecisionKind,
    PhaseKind,
    PlanPhase,
    PlanStatus,
    Sensation,
    SessionRecord,
    SideEffect,
    Technique,
    TreatmentPlan,
    WaitlistEntry,
    WaitlistStatus,
)
from headwise.care.selectors import CADENCE_FIELDS, plan_cadence, rules_to_clinical, waitlist_entry_fits
from headwise.care.slots import Slot
from headwise.clients.models import Client, ClientStatus
from headwise.clients.services import treatment_blocker
from headwise.clinical import cadence
from headwise.common.services import apply_changes, pick, pick_one, refuse_unknown, update
from headwise.diary.localtime import client_today
from headwise.practice.models import (
    MAX_BUFFER_MINUTES,
    Location,
    Practice,
    Practitioner,
    Room,
    Service,
)

FOLLOW_UP_AFTER = dt.timedelta(hours=24)


def _practitioner_of(user: User) -> Practitioner | None:
    return Practitioner.objects.filter(membership__user=user, is_active=True).first()


def _ordered(start: Any, end: Any, *, field: str, what: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError({field: _("%(what)s cannot be before the start.") % {"what": what}})


# --- plans and phases ---------------------------------------------------------------------


def _plan_practitioner(*, client: Client, by: User, practitioner_id: uuid.UUID | None) -> Practitioner:
    scope = Practitioner.objects.for_practice(client.practice).filter(is_active=True)
    chosen = pick(scope, field="practitioner_id", record_id=practitioner_id, what="active practitioner")
    chosen = chosen or client.assigned_practitioner or _practitioner_of(by)
    if chosen is None:
        raise ValidationError({"practitioner_id": _("Choose the practitioner in charge of the plan.")})
    return chosen


@transaction.atomic
def plan_create(
    *, client: Client, by: User, practitioner_id: uuid.UUID | None = None, **fields: Any
) -> TreatmentPlan:
    practitioner = _plan_practitioner(client=client, by=by, practitioner_id=practitioner_id)
    plan = TreatmentPlan(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner,
        created_by=by,
        updated_by=by,
        **fields,
    )
    return _plan_save(plan)


@transaction.atomic
def plan_update(*, plan: TreatmentPlan, by: User, **fields: Any) -> TreatmentPlan:
    if "practitioner_id" in fields:
        plan.practitioner = _plan_practitioner(
            client=plan.client, by=by, practitioner_id=fields.pop("practitioner_id")
        )
    return _plan_save(apply_changes(plan, fields, by=by))


def _plan_save(plan: TreatmentPlan) -> TreatmentPlan:
    _ordered(plan.started_on, plan.ended_on, field="ended_on", what=_("The end of the plan"))
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def phase_add(*, plan: TreatmentPlan, kind: str, **fields: Any) -> PlanPhase:
    """A new phase; the session interval defaults to the kind's (intensive 7, stabilising
    14–21, maintenance 28–31 days)."""
    phase = PlanPhase(practice_id=plan.practice_id, plan=plan, kind=kind)
    return phase_update(phase=phase, **fields)


@transaction.atomic
def phase_update(*, phase: PlanPhase, **fields: Any) -> PlanPhase:
    kind = fields.pop("kind", None) or phase.kind
    kind_changed = kind != phase.kind or phase.pk is None
    phase.kind = kind
    apply_changes(phase, fields)
    default = PHASE_INTERVAL_DAYS.get(PhaseKind(kind))
    if default is not None and kind_changed:
        if fields.get("interval_days_min") is None:
            phase.interval_days_min = default[0]
        if fields.get("interval_days_max") is None:
            phase.interval_days_max = default[1]
    if phase.starts_on is not None and phase.starts_on < phase.plan.started_on:
        raise ValidationError({"starts_on": _("A phase cannot start before its plan.")})
    _ordered(phase.starts_on, phase.ends_on, field="ends_on", what=_("The end of the phase"))
    _ordered(
        phase.interval_days_min,
        phase.interval_days_max,
        field="interval_days_max",
        what=_("The longest interval"),
    )
    phase.full_clean()
    phase.save()
    return phase


# --- booking ------------------------------------------------------------------------------


def _lock(practitioner: Practitioner, room: Room | None) -> None:
    """Serialise bookings per practitioner (and per room); always in this order."""
    Practitioner.objects.select_for_update(no_key=True).filter(pk=practitioner.pk).first()
    if room is not None:
        Room.objects.select_for_update(no_key=True).filter(pk=room.pk).first()


class SlotTaken(ValidationError):  # noqa: N818 - the name the schedule code uses
    """A booking refused because its time is not free: the practitioner or the room is taken,
    or it lies outside the practitioner's availability. ``message_dict`` names the field
    (``starts_at`` or ``room_id``); ``nearby`` holds the closest free slots for the same
    practitioner, location and service (:func:`headwise.care.slots.nearby_free_slots`)."""

    def __init__(
        self, message: Any, *, nearby: list[Slot] | None = None, practice: Practice | None = None
    ) -> None:
        super().__init__(message)
        self.nearby: list[Slot] = list(nearby or [])
        self.practice = practice

    def api_extra(self) -> dict[str, Any]:
        """What the API's 422 answer adds to its errors: ``nearby``, the free slots with ids."""
        if self.practice is None:
            return {"nearby": []}
        return {"nearby": slots.slots_with_ids(practice=self.practice, found=self.nearby)}


def _taken(appointment: Appointment, field: str, message: str) -> SlotTaken:
    nearby = slots.nearby_free_slots(
        practice=appointment.practice,
        appointment_like=appointment,
        exclude_appointment_id=appointment.pk,
    )
    if nearby:
        zone = slots.zone_of(appointment.location)
        times = ", ".join(formats.date_format(s.starts_at.astimezone(zone), "D j M H:i") for s in nearby)
        message = _("%(message)s Free nearby: %(times)s.") % {"message": message, "times": times}
    return SlotTaken({field: message}, nearby=nearby, practice=appointment.practice)


def _check_slot(appointment: Appointment) -> None:
    """Every rule a booked appointment must keep; raises ValidationError naming the field.

    An appointment keeps its practitioner and its room busy from its start to its end plus its
    service's buffer; the new one may not overlap another's busy time, nor another its own.
    """
    if appointment.ends_at <= appointment.starts_at:
        raise ValidationError({"ends_at": _("The appointment must end after it starts.")})
    practitioner, location, room = appointment.practitioner, appointment.location, appointment.room
    if not practitioner.is_active:
        raise ValidationError({"practitioner_id": _("This practitioner no longer treats clients.")})
    if not location.is_active:
        raise ValidationError({"location_id": _("This location no longer takes bookings.")})
    if not practitioner.locations.filter(pk=location.pk).exists():
        raise ValidationError({"location_id": _("The practitioner does not work at this location.")})
    if room is not None and (room.location_id != location.pk or not room.is_active):
        raise ValidationError({"room_id": _("The room is not an active room of this location.")})
    service = appointment.service
    if service is not None:
        if service.practice_id != appointment.practice_id or not service.is_active:
            raise ValidationError({"service_id": _("This service is not offered.")})
        if not practitioner.services.filter(pk=service.pk).exists():
            raise ValidationError({"service_id": _("The practitioner does not offer this service.")})
    until = appointment.ends_at + slots.buffer_of(service)
    others = (
        Appointment.objects.filter(
            starts_at__lt=until,
            ends_at__gt=appointment.starts_at - dt.timedelta(minutes=MAX_BUFFER_MINUTES),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk=appointment.pk)
        .filter(
            Q(practitioner=practitioner) | Q(room=room) if room is not None else Q(practitioner=practitioner)
        )
        .values_list("practitioner_id", "room_id", "starts_at", "ends_at", "service__buffer_minutes")
    )
    clashes = [
        (prac_id, room_id)
        for prac_id, room_id, starts_at, ends_at, buffer in others
        if ends_at + dt.timedelta(minutes=buffer or 0) > appointment.starts_at
    ]
    if any(prac_id == practitioner.pk for prac_id, _room in clashes):
        raise _taken(appointment, "starts_at", _("The practitioner has another appointment at this time."))
    if room is not None and any(room_id == room.pk for _prac, room_id in clashes):
        raise _taken(appointment, "room_id", _("The room is booked at this time."))


def _may_override_hours(by: User, practitioner: Practitioner) -> bool:
    return may_edit_availability(getattr(by, "membership", None), practitioner)


def _check_hours(appointment: Appointment, *, by: User, override_hours: bool) -> None:
    """The practitioner's availability (:mod:`headwise.care.slots`): not on a closure or an away
    day, and, once the practitioner has weekly hours, inside them (or an exception's hours).
    ``override_hours`` lets the owner, or the practitioner for themselves, book outside."""
    if override_hours:
        if not _may_override_hours(by, appointment.practitioner):
            raise ValidationError(
                {"override_hours": _("Only the owner or the practitioner can book outside working hours.")}
            )
        return
    location = appointment.location
    zone = slots.zone_of(location)
    first = appointment.starts_at.astimezone(zone).date()
    last = appointment.ends_at.astimezone(zone).date()
    calendar = slots.read_calendar(
        practice=appointment.practice,
        location=location,
        practitioner_ids=[appointment.practitioner_id],
        day_from=first,
        day_to=last,
        exclude_appointment_id=appointment.pk,
    )
    if calendar.closed:
        raise _taken(appointment, "starts_at", _("The location is closed on this day."))
    windows = calendar.windows(appointment.practitioner_id)
    scheduled = appointment.practitioner_id in calendar.scheduled
    away = any(e.is_away for e in calendar.exceptions.get(appointment.practitioner_id, []))
    if away or (
        (scheduled or calendar.exceptions.get(appointment.practitioner_id))
        and not intervals.contains(windows, appointment.starts_at, appointment.ends_at)
    ):
        raise _taken(
            appointment, "starts_at", _("This is outside the practitioner's working hours at this location.")
        )


def _check_client(client: Client, *, kind: str) -> None:
    if client.status == ClientStatus.ARCHIVED:
        raise ValidationError({"client_id": _("The client is archived.")})
    # A prospective client (from the public page) may come for an intake; the screen's rule
    # below keeps everything else until a screening is on record.
    _check_screen(client, kind=kind)


def _check_screen(client: Client, *, kind: str = AppointmentKind.SESSION) -> None:
    """The safety screen's one rule (``treatment_blocker``), for booking and session records alike.

    Safety first: an intake may come before the screen, a CST session may not.
    """
    blocker = treatment_blocker(client=client, intake_only=kind == AppointmentKind.INTAKE)
    if blocker is not None:
        raise ValidationError({"client_id": blocker})


@transaction.atomic
def appointment_book(
    *,
    practice: Practice,
    by: User,
    client_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    location_id: uuid.UUID,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    room_id: uuid.UUID | None = None,
    phase_id: uuid.UUID | None = None,
    service_id: uuid.UUID | None = None,
    kind: str | None = None,
    notes: str = "",
    override_hours: bool = False,
) -> Appointment:
    """Book an appointment, checking everything under a lock on the practitioner's row.

    Every id is resolved within ``practice`` (another practice's id answers a ValidationError
    naming the field). With a ``service`` the end defaults to its length and the kind to its
    kind, and the practitioner must offer it. Then: the practitioner is active and works at the
    location, the room belongs to the location, nothing of the practitioner's or the room's
    overlaps (buffers included; :class:`SlotTaken` with nearby free slots otherwise), the time
    lies in the practitioner's availability unless ``override_hours`` (owner, or the
    practitioner themself), the end is after the start, and the client's latest safety
    screening allows treatment (an uncleared *refer* blocks, a *caution* must be acknowledged
    first). Nothing is written if any fails.
    """
    client = pick_one(
        Client.objects.for_practice(practice), field="client_id", record_id=client_id, what="client"
    )
    practitioner = pick_one(
        Practitioner.objects.for_practice(practice),
        field="practitioner_id",
        record_id=practitioner_id,
        what="practitioner",
    )
    location = pick_one(
        Location.objects.for_practice(practice), field="location_id", record_id=location_id, what="location"
    )
    room = pick(Room.objects.for_practice(practice), field="room_id", record_id=room_id, what="room")
    phase = pick(
        PlanPhase.objects.for_practice(practice).filter(plan__client=client),
        field="phase_id",
        record_id=phase_id,
        what="phase of this client's plans",
    )
    service = pick(
        Service.objects.for_practice(practice), field="service_id", record_id=service_id, what="service"
    )
    if ends_at is None:
        if service is None:
            raise ValidationError({"ends_at": _("Give the end, or a service whose length sets it.")})
        ends_at = starts_at + dt.timedelta(minutes=service.duration_minutes)
    if kind is None:
        kind = service.appointment_kind if service is not None else AppointmentKind.SESSION
    _lock(practitioner, room)
    appointment = Appointment(
        practice=practice,
        client=client,
        practitioner=practitioner,
        location=location,
        room=room,
        phase=phase,
        service=service,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        notes=notes,
        created_by=by,
        updated_by=by,
    )
    _check_client(client, kind=kind)
    _check_slot(appointment)
    _check_hours(appointment, by=by, override_hours=override_hours)
    appointment.full_clean()
    _save_slot(appointment)
    queue_appointment_mail(appointment, "booked")
    return appointment


@dataclass(frozen=True)
class SeriesResult:
    """What :func:`series_book` booked, and the local dates it could not book with the reason."""

    booked: list[Appointment]
    skipped: list[tuple[dt.date, str]]


#: The longest series one request books (a year of weekly sessions).
SERIES_MAX = 52


@transaction.atomic
def series_book(
    *,
    client: Client,
    by: User,
    practitioner: Practitioner,
    location: Location,
    service: Service,
    first_starts_at: dt.datetime,
    count: int,
    every_days: int = 7,
    room: Room | None = None,
    phase: PlanPhase | None = None,
    notes: str = "",
) -> SeriesResult:
    """Book ``count`` appointments of ``service``, ``every_days`` apart at the same local time
    of the location's zone (10:00 stays 10:00 across a change of the clocks), each through
    :func:`appointment_book` in its own savepoint: what is free is booked, every date that is
    not is returned with the reason (the first error's message). Without a ``room`` each
    appointment takes the first free room of the location, if it has any.
    """
    if not 1 <= count <= SERIES_MAX:
        raise ValidationError({"count": _("Book between 1 and %(max)d appointments.") % {"max": SERIES_MAX}})
    if not 1 <= every_days <= 92:
        raise ValidationError({"every_days": _("Choose an interval between 1 and 92 days.")})
    zone = slots.zone_of(location)
    local = first_starts_at.astimezone(zone)
    booked: list[Appointment] = []
    skipped: list[tuple[dt.date, str]] = []
    for i in range(count):
        day = local.date() + dt.timedelta(days=i * every_days)
        starts_at = intervals.local_instant(day, local.time().replace(tzinfo=None), zone)
        ends_at = starts_at + dt.timedelta(minutes=service.duration_minutes)
        chosen = (
            room if room is not None else _free_room(location, starts_at, ends_at + slots.buffer_of(service))
        )
        try:
            with transaction.atomic():
                booked.append(
                    appointment_book(
                        practice=client.practice,
                        by=by,
                        client_id=client.uuid,
                        practitioner_id=practitioner.uuid,
                        location_id=location.uuid,
                        room_id=chosen.uuid if chosen is not None else None,
                        phase_id=phase.uuid if phase is not None else None,
                        service_id=service.uuid,
                        starts_at=starts_at,
                        notes=notes,
                    )
                )
        except ValidationError as exc:
            reasons = [m for messages in exc.message_dict.values() for m in messages]
            skipped.append((day, reasons[0] if reasons else str(exc)))
    return SeriesResult(booked=booked, skipped=skipped)


def _free_room(location: Location, starts_at: dt.datetime, until: dt.datetime) -> Room | None:
    """The first active room of the location (by name) free from ``starts_at`` to ``until``
    (buffers of the others included); None when it has no rooms or none is free."""
    rooms = list(Room.objects.filter(location=location, is_active=True).order_by("name"))
    if not rooms:
        return None
    busy = (
        Appointment.objects.filter(
            room__in=rooms,
            starts_at__lt=until,
            ends_at__gt=starts_at - dt.timedelta(minutes=MAX_BUFFER_MINUTES),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("room_id", "ends_at", "service__buffer_minutes")
    )
    taken = {r for r, ends_at, buffer in busy if ends_at + dt.timedelta(minutes=buffer or 0) > starts_at}
    return next((r for r in rooms if r.pk not in taken), None)


_TERMINAL = {AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED}


@transaction.atomic
def appointment_update(*, appointment: Appointment, by: User, **fields: Any) -> Appointment:
    """Reschedule, move room, cancel, or mark attended / no-show, re-checking the slot."""
    before = _calendar_state(appointment)
    status = fields.pop("status", None)
    reason = fields.pop("cancellation_reason", None)
    override_hours = bool(fields.pop("override_hours", False))
    moves = {"starts_at", "ends_at", "room_id"} & set(fields)
    if "room_id" in fields:
        room_id = fields.pop("room_id")
        scope = Room.objects.for_practice(appointment.practice)
        appointment.room = pick(scope, field="room_id", record_id=room_id, what="room")
    apply_changes(appointment, fields)
    if moves:
        if appointment.status != AppointmentStatus.BOOKED:
            raise ValidationError({"status": _("Only a booked appointment can be moved.")})
        _lock(appointment.practitioner, appointment.room)
        _check_slot(appointment)
        _check_hours(appointment, by=by, override_hours=override_hours)
    if status is not None and status != appointment.status:
        _change_status(appointment, status=status, reason=reason)
    elif reason is not None:
        appointment.cancellation_reason = reason
    appointment.updated_by = by
    appointment.full_clean()
    mail = _bump_sequence(appointment, before)
    _save_slot(appointment)
    if mail is not None:
        queue_appointment_mail(appointment, mail)
    return appointment


def _calendar_state(appointment: Appointment) -> tuple[Any, ...]:
    """What a calendar shows of an appointment: its time, place and status."""
    a = appointment
    return (a.starts_at, a.ends_at, a.location_id, a.room_id, a.status)


def _bump_sequence(appointment: Appointment, before: tuple[Any, ...]) -> Kind | None:
    """Raise the iCalendar SEQUENCE when time, place or status changed (headwise.care.ics);
    a new time needs a new reminder. Returns the e-mail the change calls for, if any."""
    after = _calendar_state(appointment)
    if after == before:
        return None
    appointment.ics_sequence += 1
    if after[:2] != before[:2]:
        appointment.reminded_at = None
    if appointment.status == AppointmentStatus.CANCELLED:
        return "cancelled"
    return "moved" if appointment.status == AppointmentStatus.BOOKED else None


def _save_slot(appointment: Appointment) -> None:
    """Save; on PostgreSQL a double booking the checks above missed (another path, a race the
    lock does not cover) is refused by the database, and answered like the check's own error."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint == PRACTITIONER_FREE:
            raise _taken(
                appointment, "starts_at", _("The practitioner has another appointment at this time.")
            ) from exc
        if constraint == ROOM_FREE:
            raise _taken(appointment, "room_id", _("The room is booked at this time.")) from exc
        raise


def _change_status(appointment: Appointment, *, status: str, reason: str | None) -> None:
    if appointment.status in _TERMINAL:
        raise ValidationError({"status": _("This appointment is already closed.")})
    if status == AppointmentStatus.CANCELLED:
        appointment.cancelled_at = timezone.now()
        appointment.cancellation_reason = reason or ""
    elif appointment.starts_at > timezone.now():
        raise ValidationError({"status": _("An appointment that has not started cannot be marked so yet.")})
    appointment.status = status


# --- waitlist -----------------------------------------------------------------------------

_WAITLIST_REFS = {
    "service_id": (Service, "service"),
    "practitioner_id": (Practitioner, "practitioner"),
    "location_id": (Location, "location"),
}
_WAITLIST_FIELDS = {"earliest", "latest", "weekdays", "time_from", "time_until", "notes"}


def _waitlist_fields(entry: WaitlistEntry, fields: dict[str, Any]) -> None:
    refuse_unknown(fields, set(_WAITLIST_REFS) | _WAITLIST_FIELDS)
    for name, (model, what) in _WAITLIST_REFS.items():
        if name in fields:
            found = pick(
                model.objects.for_practice(entry.practice),
                field=name,
                record_id=fields.pop(name),
                what=what,
            )
            setattr(entry, name.removesuffix("_id"), found)
    if "weekdays" in fields:
        days = fields.pop("weekdays") or []
        if not isinstance(days, list | tuple) or any(
            not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days
        ):
            raise ValidationError({"weekdays": _("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")})
        entry.weekdays = sorted(set(days))
    apply_changes(entry, fields)
    _ordered(entry.earliest, entry.latest, field="latest", what=_("The last date"))
    if entry.time_from is not None and entry.time_until is not None and entry.time_until <= entry.time_from:
        raise ValidationError({"time_until": _("The end of the time of day must be after its start.")})
    if entry.service is not None and not entry.service.is_active:
        raise ValidationError({"service_id": _("This service is not offered.")})
    if entry.practitioner is not None and not entry.practitioner.is_active:
        raise ValidationError({"practitioner_id": _("This practitioner no longer treats clients.")})


@transaction.atomic
def waitlist_add(*, practice: Practice, by: User, client_id: uuid.UUID, **fields: Any) -> WaitlistEntry:
    """Put a client on the waitlist with their constraints (``service_id``, ``practitioner_id``,
    ``location_id``, ``earliest``, ``latest``, ``weekdays``, ``time_from``, ``time_until``,
    ``notes``; each empty = any). Ids are resolved within ``practice`` (field named otherwise)."""
    client = pick_one(
        Client.objects.for_practice(practice), field="client_id", record_id=client_id, what="client"
    )
    if client.status != ClientStatus.ACTIVE:
        raise ValidationError({"client_id": _("The client is archived.")})
    entry = WaitlistEntry(practice=practice, client=client, created_by=by, updated_by=by)
    _waitlist_fields(entry, dict(fields))
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def waitlist_update(*, entry: WaitlistEntry, by: User, **fields: Any) -> WaitlistEntry:
    """Change an entry's constraints or notes while it is waiting or offered."""
    if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
        raise ValidationError({"status": _("This waitlist entry is closed.")})
    _waitlist_fields(entry, dict(fields))
    entry.updated_by = by
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, by: User) -> WaitlistEntry:
    """Take an entry off the waitlist (the client no longer waits); kept in the history."""
    if entry.status in (WaitlistStatus.WITHDRAWN, WaitlistStatus.BOOKED):
        raise ValidationError({"status": _("This waitlist entry is closed.")})
    entry.status = WaitlistStatus.WITHDRAWN
    entry.updated_by = by
    entry.save()
    return entry


@transaction.atomic
def waitlist_offer(*, entry: WaitlistEntry, by: User, slot: Slot) -> WaitlistEntry:
    """Record that ``slot`` was offered to the client (by whom, when, which slot). It never
    books: the front desk books once the client accepts. The slot must meet the entry's
    constraints (``slot`` named otherwise) and the entry must be waiting or offered before."""
    if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
        raise ValidationError({"status": _("This waitlist entry is closed.")})
    location = Location.objects.for_practice(entry.practice).filter(pk=slot.location_id).first()
    practitioner = Practitioner.objects.for_practice(entry.practice).filter(pk=slot.practitioner_id).first()
    if location is None or practitioner is None:
        raise ValidationError({"slot": _("This slot is not one of the practice's.")})
    zone = slots.zone_of(location)
    if not waitlist_entry_fits(
        entry,
        practitioner_id=slot.practitioner_id,
        location_id=slot.location_id,
        service_id=slot.service_id,
        starts_local=slot.starts_at.astimezone(zone),
        ends_local=slot.ends_at.astimezone(zone),
    ):
        raise ValidationError({"slot": _("This slot does not meet the client's wishes on the waitlist.")})
    entry.status = WaitlistStatus.OFFERED
    entry.offered_at = timezone.now()
    entry.offered_by = by
    entry.offered_starts_at = slot.starts_at
    entry.offered_practitioner = practitioner
    entry.offered_location = location
    entry.updated_by = by
    entry.save()
    return entry


@transaction.atomic
def waitlist_booked(*, entry: WaitlistEntry, by: User) -> WaitlistEntry:
    """Close an entry because the client now has the earlier appointment."""
    if entry.status in (WaitlistStatus.WITHDRAWN, WaitlistStatus.BOOKED):
        raise ValidationError({"status": _("This waitlist entry is closed.")})
    entry.status = WaitlistStatus.BOOKED
    entry.updated_by = by
    entry.save()
    return entry


# --- session records and follow-ups -------------------------------------------------------


def _check_codes(values: Iterable[str], *, field: str, known: type[Any], what: str) -> list[str]:
    codes = list(values)
    for code in codes:
        if code not in known.values:
            allowed = ", ".join(known.values)
            raise ValidationError(
                {
                    field: _("%(code)s is not a %(what)s code; use one of: %(allowed)s.")
                    % {"code": code, "what": what, "allowed": allowed}
                }
            )
    return codes


def _check_session_codes(fields: dict[str, Any]) -> None:
    if fields.get("regions") is not None:
        fields["regions"] = _check_codes(
            fields["regions"], field="regions", known=BodyRegion, what=_("body region")
        )
    if fields.get("side_effects") is not None:
        fields["side_effects"] = _check_codes(
            fields["side_effects"], field="side_effects", known=SideEffect, what=_("side effect")
        )
    if fields.get("noticed") is not None:
        fields["noticed"] = _check_codes(
            fields["noticed"], field="noticed", known=Sensation, what=_("sensation")
        )
        # the checklist's "emotional release" and the record's flag are one fact
        fields["emotional_release"] = Sensation.EMOTIONAL_RELEASE in fields["noticed"]


def _check_techniques(
    practice: Practice, names: Iterable[str] | None, *, kept: Iterable[str] = ()
) -> list[str]:
    """Names from the practice's list of techniques that are offered; a record keeps the
    names it already has (``kept``), also when they have been retired since."""
    if names is None:
        return []
    offered = set(
        techniques_of(practice=practice).filter(is_active=True).values_list("name", flat=True)
    ) | set(kept)
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        if name not in offered:
            raise ValidationError(
                {"techniques": _("%(name)s is not on the practice's list of techniques.") % {"name": name}}
            )
    return chosen


def _session_place(practice: Practice, fields: dict[str, Any], record: SessionRecord) -> None:
    """Resolve ``location_id`` and ``room_id`` within the practice; a room of that location."""
    if "location_id" in fields:
        record.location = pick(
            Location.objects.for_practice(practice),
            field="location_id",
            record_id=fields.pop("location_id"),
            what="location",
        )
    if "room_id" in fields:
        record.room = pick(
            Room.objects.for_practice(practice),
            field="room_id",
            record_id=fields.pop("room_id"),
            what="room",
        )
    if (
        record.room is not None
        and record.location is not None
        and record.room.location_id != record.location.pk
    ):
        raise ValidationError({"room_id": _("This room is not at the session's location.")})
    if record.room is not None and record.location is None:
        record.location = record.room.location


def _not_in_future(started_at: dt.datetime) -> None:
    if started_at > timezone.now():
        raise ValidationError({"started_at": _("A session can be recorded once it has begun.")})


@transaction.atomic
def session_record_create(
    *,
    client: Client,
    by: User,
    appointment_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
    started_at: dt.datetime | None = None,
    style: str | None = None,
    **fields: Any,
) -> SessionRecord:
    """Record a session and create its follow-up, due 24 hours after the start.

    A booked appointment it records is marked attended; its location and room are the
    session's unless others are given. Refused, like a booking, while the client's latest
    safety screen blocks CST (an uncleared *refer*, an unacknowledged *caution*, or no screen
    at all).
    """
    _check_screen(client)
    appointment = pick(
        Appointment.objects.filter(client=client).select_for_update(no_key=True),
        field="appointment_id",
        record_id=appointment_id,
        what="appointment of this client",
    )
    if appointment is not None and SessionRecord.objects.filter(appointment=appointment).exists():
        raise ValidationError({"appointment_id": _("This appointment already has a session record.")})
    scope = Practitioner.objects.for_practice(client.practice)
    practitioner = pick(scope, field="practitioner_id", record_id=practitioner_id, what="practitioner")
    practitioner = practitioner or (appointment.practitioner if appointment else None) or _practitioner_of(by)
    if practitioner is None:
        raise ValidationError({"practitioner_id": _("Say who treated the client.")})
    started_at = started_at or (appointment.starts_at if appointment else None)
    if started_at is None:
        raise ValidationError({"started_at": _("Give the start of the session.")})
    _not_in_future(started_at)
    _check_session_codes(fields)
    fields["techniques"] = _check_techniques(client.practice, fields.get("techniques"))
    record = SessionRecord(
        practice_id=client.practice_id,
        client=client,
        appointment=appointment,
        practitioner=practitioner,
        started_at=started_at,
        style=style or practitioner.cst_style,
        location=appointment.location if appointment else None,
        room=appointment.room if appointment else None,
        created_by=by,
        updated_by=by,
    )
    _session_place(client.practice, fields, record)
    apply_changes(record, fields)
    record.full_clean()
    record.save()
    follow_up = FollowUp(
        practice_id=client.practice_id,
        session=record,
        due_at=started_at + FOLLOW_UP_AFTER,
        created_by=by,
        updated_by=by,
    )
    follow_up.full_clean()
    follow_up.save()
    if appointment is not None and appointment.status == AppointmentStatus.BOOKED:
        appointment.status = AppointmentStatus.ATTENDED
        appointment.updated_by = by
        appointment.save(update_fields=["status", "updated_by", "updated_at"])
    return record


def refuse_if_locked(record: SessionRecord, fields: Iterable[str] = ()) -> None:
    """A locked record refuses every change, naming each field that was to change."""
    if record.is_locked():
        names = list(fields) or ["__all__"]
        raise ValidationError({name: LOCKED_MESSAGE for name in names})


@transaction.atomic
def session_record_update(*, record: SessionRecord, by: User, **fields: Any) -> SessionRecord:
    """Change a session record until it locks (24 hours after the session ended)."""
    # the row as stored, locked against a concurrent change, decides
    stored = SessionRecord.objects.select_for_update(no_key=True).get(pk=record.pk)
    refuse_if_locked(stored, fields)
    if "started_at" in fields:
        _not_in_future(fields["started_at"])
    _check_session_codes(fields)
    if "practitioner_id" in fields:
        record.practitioner = pick_one(
            Practitioner.objects.for_practice(record.practice),
            field="practitioner_id",
            record_id=fields.pop("practitioner_id"),
            what="practitioner",
        )
    if "techniques" in fields:
        fields["techniques"] = _check_techniques(
            record.practice, fields["techniques"], kept=stored.techniques
        )
    _session_place(record.practice, fields, record)
    record = update(record, fields, by=by)
    if record.is_locked():
        # a change of start or length that would put the record past its lock is refused
        raise ValidationError({"started_at": LOCKED_MESSAGE})
    return record


@transaction.atomic
def addendum_add(*, session: SessionRecord, by: User, text: str) -> Addendum:
    """Add a note under a session record; addenda are never changed and come in order."""
    addendum = Addendum(practice_id=session.practice_id, session=session, author=by, text=text.strip())
    addendum.full_clean(exclude=["session", "practice", "author"])
    addendum.save()
    return addendum


# --- the practice's list of techniques ----------------------------------------------------


def techniques_of(*, practice: Practice) -> Any:
    """The practice's techniques, every one (retired too), seeded with the common ones the
    first time the list is asked for."""
    found = Technique.objects.for_practice(practice)
    if not found.exists():
        Technique.objects.bulk_create(
            [
                Technique(practice=practice, name=name, position=i)
                for i, name in enumerate(DEFAULT_TECHNIQUES)
            ],
            ignore_conflicts=True,
        )
    return found.order_by("position", "name")


def _technique_name(practice: Practice, name: str, *, other_than: Technique | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the technique a name.")})
    same = Technique.objects.for_practice(practice).filter(name__iexact=name)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise ValidationError({"name": _("The list already has a technique of this name.")})
    return name


@transaction.atomic
def technique_add(*, practice: Practice, name: str) -> Technique:
    techniques = techniques_of(practice=practice)
    last = max((t.position for t in techniques), default=-1)
    technique = Technique(practice=practice, name=_technique_name(practice, name), position=last + 1)
    technique.full_clean(exclude=["practice"])
    technique.save()
    return technique


@transaction.atomic
def technique_update(
    *, technique: Technique, name: str | None = None, is_active: bool | None = None
) -> Technique:
    """Rename, retire or offer again. Records keep the name they were written with."""
    if name is not None:
        technique.name = _technique_name(technique.practice, name, other_than=technique)
    if is_active is not None:
        technique.is_active = is_active
    technique.full_clean(exclude=["practice"])
    technique.save()
    return technique


# --- the 24-hour follow-up ----------------------------------------------------------------


@transaction.atomic
def follow_up_update(*, follow_up: FollowUp, by: User, **fields: Any) -> FollowUp:
    _check_session_codes(fields)
    completed = fields.get("completed_at")
    if completed is not None and completed < follow_up.session.started_at:
        raise ValidationError({"completed_at": _("A follow-up cannot be done before the session.")})
    if fields.get("faded_within_24h") is True and follow_up.passed_at is None:
        # faded within the day: passed by the time the follow-up was done
        fields["passed_at"] = completed or follow_up.completed_at or timezone.now()
    return update(follow_up, fields, by=by)


# --- a plan's course: start, pause, end, and the practitioner's phase decisions -----------


def cadence_rules_get(*, practice: Practice) -> CadenceRuleSet:
    """The practice's cadence rules, made with the engine's defaults on first use."""
    rules = CadenceRuleSet.objects.for_practice(practice).first()
    if rules is not None:
        return rules
    defaults = {name: getattr(cadence.DEFAULT_RULES, name) for name in CADENCE_FIELDS}
    with transaction.atomic():
        rules, _created = CadenceRuleSet.objects.get_or_create(practice=practice, defaults=defaults)
    return rules


@transaction.atomic
def cadence_rules_update(*, practice: Practice, by: User, **fields: Any) -> CadenceRuleSet:
    """Change the practice's cadence rules; the engine checks them together before anything is saved."""
    refuse_unknown(fields, CADENCE_FIELDS)
    rules = CadenceRuleSet.objects.select_for_update(no_key=True).get(
        pk=cadence_rules_get(practice=practice).pk
    )
    apply_changes(rules, fields, by=by)
    rules.full_clean()
    try:
        rules_to_clinical(rules)
    except clinical.AnalysisError as exc:
        raise ValidationError({exc.field: exc.reason}) from exc
    rules._history_user = by  # type: ignore[attr-defined]
    rules.save()
    return rules


@transaction.atomic
def plan_start(
    *,
    client: Client,
    by: User,
    started_on: dt.date,
    kind: str = PhaseKind.INTENSIVE,
    practitioner_id: uuid.UUID | None = None,
    goals: str = "",
) -> TreatmentPlan:
    """A new plan with its first phase; refused while another plan of the client has not ended."""
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).first()
    if TreatmentPlan.objects.filter(client=client).exclude(status=PlanStatus.ENDED).exists():
        raise ValidationError(
            {"started_on": _("This client already has a plan; end it before starting another.")}
        )
    if kind not in PhaseKind.values:
        raise ValidationError({"kind": _("Choose one of the listed phases.")})
    plan = plan_create(
        client=client, by=by, practitioner_id=practitioner_id, started_on=started_on, goals=goals
    )
    phase_add(plan=plan, kind=kind, starts_on=started_on)
    return plan


def _locked(plan: TreatmentPlan) -> TreatmentPlan:
    return TreatmentPlan.objects.select_for_update(no_key=True).select_related("client").get(pk=plan.pk)


@transaction.atomic
def plan_set_status(*, plan: TreatmentPlan, by: User, status: str) -> TreatmentPlan:
    """Pause, resume or end a plan; ending it ends its open phase on the client's today."""
    plan = _locked(plan)
    if plan.status == PlanStatus.ENDED:
        raise ValidationError({"status": _("This plan has ended; start a new one.")})
    if status not in PlanStatus.values or status == plan.status:
        raise ValidationError({"status": _("Choose pause, resume or end.")})
    if status == PlanStatus.ENDED:
        today = max(client_today(plan.client), plan.started_on)
        for phase in PlanPhase.objects.filter(plan=plan, ends_on__isnull=True):
            phase_update(phase=phase, ends_on=max(today, phase.starts_on))
        return plan_update(plan=plan, by=by, status=status, ended_on=today)
    return plan_update(plan=plan, by=by, status=status)


def _numbers(suggestion: cadence.Suggestion) -> dict[str, Any]:
    """What the rule used, as stored with the decision (dates as ISO text)."""

    def window(w: cadence.Window) -> dict[str, Any]:
        return {
            "start": w.start.isoformat(),
            "end": w.end.isoformat(),
            "recorded_days": w.recorded_days,
            "migraine_days": w.migraine_days,
            "rate": None if w.rate is None else round(w.rate, 2),
        }

    return {
        "baseline": window(suggestion.baseline),
        "recent": window(suggestion.recent),
        "change": None if suggestion.change is None else round(suggestion.change, 4),
        "rules": {name: getattr(suggestion.rules, name) for name in CADENCE_FIELDS},
    }


@transaction.atomic
def phase_decide(
    *, plan: TreatmentPlan, by: User, phase_id: uuid.UUID, to_kind: str, confirm: bool, note: str = ""
) -> PhaseDecision:
    """The practitioner's answer to the phase change the rules suggest now.

    The suggestion is evaluated again here, and the answer is refused when the page's phase
    or suggested phase is no longer the current one (someone else decided, or the diary
    changed). Confirming ends the current phase on the client's today and starts the new one.
    """
    plan = _locked(plan)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"status": _("Resume the plan before changing its phase.")})
    state = plan_cadence(plan=plan, rules=cadence_rules_get(practice=plan.practice))
    phase, suggestion = state.phase, state.suggestion
    if phase is None or suggestion is None or phase.uuid != phase_id:
        raise ValidationError(
            {"phase_id": _("The plan's phase has changed since the page was shown; look again.")}
        )
    if not suggestion.changes_phase or suggestion.suggested != to_kind:
        raise ValidationError(
            {"to_kind": _("Headwise no longer suggests this change; look at the numbers again.")}
        )
    decision = PhaseDecision(
        practice_id=plan.practice_id,
        plan=plan,
        from_phase=phase,
        to_kind=to_kind,
        rule=suggestion.rule.value,
        numbers=_numbers(suggestion),
        decision=PhaseDecisionKind.CONFIRMED if confirm else PhaseDecisionKind.DECLINED,
        note=note,
        created_by=by,
        updated_by=by,
    )
    decision.full_clean(exclude=["new_phase"])
    if confirm:
        today = state.today
        phase_update(phase=phase, ends_on=max(today, phase.starts_on))
        decision.new_phase = phase_add(plan=plan, kind=to_kind, starts_on=max(today, phase.starts_on))
    decision.save()
    return decision


#: The client's first tap: how they feel since the session; ``fine`` or a side effect.
FEELINGS = ("fine", *SideEffect.values)


@transaction.atomic
def follow_up_answer(
    *, follow_up: FollowUp, by: User, feeling: str | None = None, passed: bool | None = None
) -> FollowUp:
    """The client's answer, in two taps: how they feel, then whether it has passed.

    ``fine`` completes the follow-up at once; a side effect waits for the second answer,
    which may come later too ("it has passed now"). Not before the follow-up is due.
    """
    follow_up = FollowUp.objects.select_for_update(no_key=True).select_related("session").get(pk=follow_up.pk)
    now = timezone.now()
    if now < follow_up.session.started_at:
        raise ValidationError({"feeling": _("This follow-up is not open yet.")})
    if feeling is None and passed is None:
        raise ValidationError({"feeling": _("Say how you feel since the session.")})
    if feeling is not None:
        if feeling not in FEELINGS:
            raise ValidationError(
                {
                    "feeling": _("%(code)s is not an answer here; use one of: %(allowed)s.")
                    % {"code": feeling, "allowed": ", ".join(FEELINGS)}
                }
            )
        if feeling == "fine":
            follow_up.side_effects = []
            follow_up.headache_since = False
            follow_up.faded_within_24h = None
            follow_up.passed_at = None
            follow_up.completed_at = now
        else:
            follow_up.side_effects = [feeling]
            follow_up.headache_since = feeling == SideEffect.HEADACHE
            follow_up.completed_at = None
            follow_up.passed_at = None
            follow_up.faded_within_24h = None
    if passed is not None:
        if not follow_up.side_effects:
            raise ValidationError({"passed": _("First say how you feel since the session.")})
        if follow_up.completed_at is None:
            follow_up.faded_within_24h = passed
            follow_up.completed_at = now
        if passed:
            follow_up.passed_at = now
    follow_up.updated_by = by
    follow_up.full_clean()
    follow_up.save()
    return follow_up
