"""The schedule over the JSON API: services, working hours, exceptions, closures, free slots,
series of appointments and the waitlist.

Who may do what (docs/scheduling.md): every staff member reads; the owner edits services,
closures and who offers what; working hours and exceptions are the owner's for anyone and a
practitioner's for themself (:func:`headwise.accounts.access.may_edit_availability`); the front
desk books, books series and keeps the waitlist. Clients see none of it here.
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations (see care.api).

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from headwise.accounts.access import availability_editor_or_403
from headwise.care import selectors, services, slots
from headwise.care.models import PlanPhase, WaitlistEntry
from headwise.care.schemas_schedule import (
    SLOT_RANGE_DAYS,
    ClosureIn,
    ClosureOut,
    ExceptionFilter,
    ExceptionIn,
    ExceptionOut,
    FittingFilter,
    HoursFilter,
    OfferIn,
    OfferOut,
    OfferSlotIn,
    SeriesIn,
    SeriesOut,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    SlotFilter,
    SlotOut,
    WaitlistFilter,
    WaitlistIn,
    WaitlistOut,
    WaitlistPatch,
    WorkingHoursIn,
    WorkingHoursOut,
    WorkingHoursPatch,
)
from headwise.care.slots import Slot
from headwise.clients.models import Client
from headwise.common.api_access import (
    changes,
    get_staff,
    owner_or_403,
    pick,
    pick_one,
    practice_of,
    responses,
    staff_or_404,
    user_of,
)
from headwise.practice import services as practice_services
from headwise.practice.models import (
    AvailabilityException,
    Closure,
    Location,
    Practice,
    Practitioner,
    Room,
    Service,
    WorkingHours,
)

router = Router(tags=["schedule"])

_HOURS = WorkingHours.objects.select_related("practitioner", "location")
_EXCEPTIONS = AvailabilityException.objects.select_related("practitioner", "location")
_WAITLIST = WaitlistEntry.objects.select_related("client", "service", "practitioner", "location")


def _one(practice: Practice, model: Any, field: str, record_id: uuid.UUID | None, what: str) -> Any:
    return pick(model.objects.for_practice(practice), field=field, record_id=record_id, what=what)


def _practitioner(practice: Practice, record_id: uuid.UUID) -> Practitioner:
    return pick_one(
        Practitioner.objects.for_practice(practice),
        field="practitioner_id",
        record_id=record_id,
        what="practitioner",
    )


# --- services -----------------------------------------------------------------------------


@router.get("/services", response=responses(list[ServiceOut]), summary="The practice's services")
def services_list(request: HttpRequest) -> list[Service]:
    return list(Service.objects.for_practice(practice_of(request)).order_by("position", "name"))


@router.post("/services", response=responses(ServiceOut, 201), summary="Add a service (owner)")
def service_create(request: HttpRequest, payload: ServiceIn) -> Status[Service]:
    practice = owner_or_403(request).practice
    return Status(201, practice_services.service_add(practice=practice, **payload.dict()))


@router.get("/services/{service_id}", response=responses(ServiceOut), summary="One service")
def service_read(request: HttpRequest, service_id: uuid.UUID) -> Service:
    return get_staff(request, Service.objects.all(), service_id)


@router.patch("/services/{service_id}", response=responses(ServiceOut), summary="Change a service (owner)")
def service_update(request: HttpRequest, service_id: uuid.UUID, payload: ServicePatch) -> Service:
    service = get_staff(request, Service.objects.all(), service_id)
    owner_or_403(request)
    return practice_services.service_update(service=service, **changes(payload))


def _offer_of(practitioner: Practitioner) -> dict[str, Any]:
    return {
        "practitioner_id": practitioner.uuid,
        "service_ids": [s.uuid for s in practitioner.services.order_by("position", "name")],
        "location_ids": [loc.uuid for loc in practitioner.locations.order_by("name")],
    }


@router.get(
    "/practitioners/{practitioner_id}/offer",
    response=responses(OfferOut),
    summary="The services a practitioner offers and where they work",
)
def offer_read(request: HttpRequest, practitioner_id: uuid.UUID) -> dict[str, Any]:
    return _offer_of(get_staff(request, Practitioner.objects.all(), practitioner_id))


@router.put(
    "/practitioners/{practitioner_id}/offer",
    response=responses(OfferOut),
    summary="Set the services a practitioner offers and where they work (owner)",
)
def offer_set(request: HttpRequest, practitioner_id: uuid.UUID, payload: OfferIn) -> dict[str, Any]:
    practitioner = get_staff(request, Practitioner.objects.all(), practitioner_id)
    practice = owner_or_403(request).practice
    found_services = found_locations = None
    if payload.service_ids is not None:
        found_services = [_one(practice, Service, "service_ids", i, "service") for i in payload.service_ids]
    if payload.location_ids is not None:
        found_locations = [
            _one(practice, Location, "location_ids", i, "location") for i in payload.location_ids
        ]
    practice_services.practitioner_offer_set(
        practitioner=practitioner, services=found_services, locations=found_locations
    )
    return _offer_of(practitioner)


# --- working hours ------------------------------------------------------------------------


@router.get("/working-hours", response=responses(list[WorkingHoursOut]), summary="Weekly working hours")
def hours_list(request: HttpRequest, filters: Query[HoursFilter]) -> list[WorkingHours]:
    found = _HOURS.filter(practice=practice_of(request))
    if filters.practitioner is not None:
        found = found.filter(practitioner__uuid=filters.practitioner)
    if filters.location is not None:
        found = found.filter(location__uuid=filters.location)
    return list(found.order_by("practitioner__display_name", "weekday", "starts"))


@router.post(
    "/working-hours",
    response=responses(WorkingHoursOut, 201),
    summary="Add weekly hours (owner; a practitioner their own)",
)
def hours_create(request: HttpRequest, payload: WorkingHoursIn) -> Status[WorkingHours]:
    practice = practice_of(request)
    practitioner = _practitioner(practice, payload.practitioner_id)
    availability_editor_or_403(request, practitioner)
    location = pick_one(
        Location.objects.for_practice(practice),
        field="location_id",
        record_id=payload.location_id,
        what="location",
    )
    fields = payload.dict(exclude={"practitioner_id", "location_id"})
    hours = practice_services.working_hours_add(practitioner=practitioner, location=location, **fields)
    return Status(201, hours)


@router.get("/working-hours/{working_hours_id}", response=responses(WorkingHoursOut), summary="One stretch")
def hours_read(request: HttpRequest, working_hours_id: uuid.UUID) -> WorkingHours:
    return get_staff(request, _HOURS, working_hours_id)


@router.patch(
    "/working-hours/{working_hours_id}", response=responses(WorkingHoursOut), summary="Change weekly hours"
)
def hours_update(
    request: HttpRequest, working_hours_id: uuid.UUID, payload: WorkingHoursPatch
) -> WorkingHours:
    hours = get_staff(request, _HOURS, working_hours_id)
    availability_editor_or_403(request, hours.practitioner)
    fields = changes(payload, nullable=("valid_from", "valid_until"))
    if "location_id" in fields:
        fields["location"] = pick_one(
            Location.objects.for_practice(hours.practice),
            field="location_id",
            record_id=fields.pop("location_id"),
            what="location",
        )
    return practice_services.working_hours_update(hours=hours, **fields)


@router.delete(
    "/working-hours/{working_hours_id}", response=responses(None, 204), summary="Remove weekly hours"
)
def hours_delete(request: HttpRequest, working_hours_id: uuid.UUID) -> Status[None]:
    hours = get_staff(request, _HOURS, working_hours_id)
    availability_editor_or_403(request, hours.practitioner)
    practice_services.working_hours_delete(hours=hours)
    return Status(204, None)


# --- exceptions and closures --------------------------------------------------------------


@router.get("/exceptions", response=responses(list[ExceptionOut]), summary="Days unlike the week")
def exceptions_list(request: HttpRequest, filters: Query[ExceptionFilter]) -> list[AvailabilityException]:
    found = _EXCEPTIONS.filter(practice=practice_of(request))
    if filters.practitioner is not None:
        found = found.filter(practitioner__uuid=filters.practitioner)
    if filters.date_from is not None:
        found = found.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        found = found.filter(date__lte=filters.date_to)
    return list(found.order_by("date", "starts")[:500])


@router.post(
    "/exceptions",
    response=responses(ExceptionOut, 201),
    summary="Add a day away or with other hours (owner; a practitioner their own)",
)
def exception_create(request: HttpRequest, payload: ExceptionIn) -> Status[AvailabilityException]:
    practice = practice_of(request)
    practitioner = _practitioner(practice, payload.practitioner_id)
    availability_editor_or_403(request, practitioner)
    location = _one(practice, Location, "location_id", payload.location_id, "location")
    fields = payload.dict(exclude={"practitioner_id", "location_id"})
    return Status(
        201, practice_services.exception_add(practitioner=practitioner, location=location, **fields)
    )


@router.get("/exceptions/{exception_id}", response=responses(ExceptionOut), summary="One exception")
def exception_read(request: HttpRequest, exception_id: uuid.UUID) -> AvailabilityException:
    return get_staff(request, _EXCEPTIONS, exception_id)


@router.delete("/exceptions/{exception_id}", response=responses(None, 204), summary="Remove an exception")
def exception_delete(request: HttpRequest, exception_id: uuid.UUID) -> Status[None]:
    exception = get_staff(request, _EXCEPTIONS, exception_id)
    availability_editor_or_403(request, exception.practitioner)
    practice_services.exception_delete(exception=exception)
    return Status(204, None)


@router.get("/closures", response=responses(list[ClosureOut]), summary="Holidays and other closures")
def closures_list(request: HttpRequest) -> list[Closure]:
    found = Closure.objects.for_practice(practice_of(request)).select_related("location")
    return list(found.order_by("first_day")[:500])


@router.post("/closures", response=responses(ClosureOut, 201), summary="Add a closure (owner)")
def closure_create(request: HttpRequest, payload: ClosureIn) -> Status[Closure]:
    practice = owner_or_403(request).practice
    location = _one(practice, Location, "location_id", payload.location_id, "location")
    fields = payload.dict(exclude={"location_id"})
    return Status(201, practice_services.closure_add(practice=practice, location=location, **fields))


@router.get("/closures/{closure_id}", response=responses(ClosureOut), summary="One closure")
def closure_read(request: HttpRequest, closure_id: uuid.UUID) -> Closure:
    return get_staff(request, Closure.objects.select_related("location"), closure_id)


@router.delete("/closures/{closure_id}", response=responses(None, 204), summary="Remove a closure (owner)")
def closure_delete(request: HttpRequest, closure_id: uuid.UUID) -> Status[None]:
    closure = get_staff(request, Closure.objects.all(), closure_id)
    owner_or_403(request)
    practice_services.closure_delete(closure=closure)
    return Status(204, None)


# --- slots and series ---------------------------------------------------------------------


@router.get("/slots", response=responses(list[SlotOut]), summary="Free slots of a service at a location")
def slots_list(request: HttpRequest, filters: Query[SlotFilter]) -> list[dict[str, Any]]:
    practice = practice_of(request)
    location = pick_one(
        Location.objects.for_practice(practice), field="location", record_id=filters.location, what="location"
    )
    service = pick_one(
        Service.objects.for_practice(practice), field="service", record_id=filters.service, what="service"
    )
    practitioner = pick(
        Practitioner.objects.for_practice(practice),
        field="practitioner",
        record_id=filters.practitioner,
        what="practitioner",
    )
    day_to = filters.date_to or filters.date_from
    if day_to < filters.date_from:
        raise ValidationError({"to": _("The last day cannot be before the first.")})
    if (day_to - filters.date_from).days >= SLOT_RANGE_DAYS:
        raise ValidationError({"to": _("Ask for at most %(days)d days at once.") % {"days": SLOT_RANGE_DAYS}})
    found = slots.free_slots(
        practice=practice,
        location=location,
        service=service,
        day_from=filters.date_from,
        day_to=day_to,
        practitioner=practitioner,
    )
    return slots.slots_with_ids(practice=practice, found=found)


@router.post(
    "/appointments/series",
    response=responses(SeriesOut, 201),
    summary="Book a series (weekly x N): what is free is booked, the other dates are named",
)
def series_create(request: HttpRequest, payload: SeriesIn) -> Status[dict[str, Any]]:
    practice = staff_or_404(request).practice
    client = pick_one(
        Client.objects.for_practice(practice), field="client_id", record_id=payload.client_id, what="client"
    )
    result = services.series_book(
        client=client,
        by=user_of(request),
        practitioner=_practitioner(practice, payload.practitioner_id),
        location=pick_one(
            Location.objects.for_practice(practice),
            field="location_id",
            record_id=payload.location_id,
            what="location",
        ),
        service=pick_one(
            Service.objects.for_practice(practice),
            field="service_id",
            record_id=payload.service_id,
            what="service",
        ),
        first_starts_at=payload.first_starts_at,
        count=payload.count,
        every_days=payload.every_days,
        room=_one(practice, Room, "room_id", payload.room_id, "room"),
        phase=pick(
            PlanPhase.objects.for_practice(practice).filter(plan__client=client),
            field="phase_id",
            record_id=payload.phase_id,
            what="phase of this client's plans",
        ),
        notes=payload.notes,
    )
    body = {
        "booked": [a.uuid for a in result.booked],
        "skipped": [{"date": day, "reason": reason} for day, reason in result.skipped],
    }
    return Status(201, body)


# --- waitlist -----------------------------------------------------------------------------


@router.get("/waitlist", response=responses(list[WaitlistOut]), summary="The waitlist, first come first")
def waitlist_list(request: HttpRequest, filters: Query[WaitlistFilter]) -> list[WaitlistEntry]:
    statuses = (filters.status,) if filters.status is not None else None
    return list(selectors.waitlist_of(practice=practice_of(request), statuses=statuses)[:500])


@router.post("/waitlist", response=responses(WaitlistOut, 201), summary="Put a client on the waitlist")
def waitlist_create(request: HttpRequest, payload: WaitlistIn) -> Status[WaitlistEntry]:
    practice = staff_or_404(request).practice
    fields = payload.dict()
    entry = services.waitlist_add(practice=practice, by=user_of(request), **fields)
    return Status(201, _WAITLIST.get(pk=entry.pk))


def _slot_of(practice: Practice, data: Any) -> Slot:
    practitioner = pick_one(
        Practitioner.objects.for_practice(practice),
        field="practitioner",
        record_id=data.practitioner if hasattr(data, "practitioner") else data.practitioner_id,
        what="practitioner",
    )
    location = pick_one(
        Location.objects.for_practice(practice),
        field="location",
        record_id=data.location if hasattr(data, "location") else data.location_id,
        what="location",
    )
    service_id = data.service if hasattr(data, "service") else data.service_id
    service = pick(
        Service.objects.for_practice(practice), field="service", record_id=service_id, what="service"
    )
    if data.ends_at <= data.starts_at:
        raise ValidationError({"ends_at": _("The slot must end after it starts.")})
    return Slot(
        starts_at=data.starts_at.astimezone(dt.UTC),
        ends_at=data.ends_at.astimezone(dt.UTC),
        practitioner_id=practitioner.pk,
        room_id=None,
        location_id=location.pk,
        service_id=service.pk if service is not None else None,
    )


@router.get(
    "/waitlist/fitting",
    response=responses(list[WaitlistOut]),
    summary="Who on the waitlist fits a free slot, in order",
)
def waitlist_fitting(request: HttpRequest, filters: Query[FittingFilter]) -> list[WaitlistEntry]:
    practice = practice_of(request)
    return selectors.waitlist_fitting(practice=practice, slot=_slot_of(practice, filters))


@router.get("/waitlist/{waitlist_entry_id}", response=responses(WaitlistOut), summary="One waitlist entry")
def waitlist_read(request: HttpRequest, waitlist_entry_id: uuid.UUID) -> WaitlistEntry:
    return get_staff(request, _WAITLIST, waitlist_entry_id)


@router.patch(
    "/waitlist/{waitlist_entry_id}", response=responses(WaitlistOut), summary="Change a waitlist entry"
)
def waitlist_update(
    request: HttpRequest, waitlist_entry_id: uuid.UUID, payload: WaitlistPatch
) -> WaitlistEntry:
    entry = get_staff(request, _WAITLIST, waitlist_entry_id)
    fields = changes(
        payload,
        nullable=(
            "service_id",
            "practitioner_id",
            "location_id",
            "earliest",
            "latest",
            "time_from",
            "time_until",
        ),
    )
    services.waitlist_update(entry=entry, by=user_of(request), **fields)
    return get_staff(request, _WAITLIST, waitlist_entry_id)


@router.post(
    "/waitlist/{waitlist_entry_id}/withdraw", response=responses(WaitlistOut), summary="Take off the waitlist"
)
def waitlist_withdraw(request: HttpRequest, waitlist_entry_id: uuid.UUID) -> WaitlistEntry:
    entry = get_staff(request, _WAITLIST, waitlist_entry_id)
    return services.waitlist_withdraw(entry=entry, by=user_of(request))


@router.post(
    "/waitlist/{waitlist_entry_id}/offer",
    response=responses(WaitlistOut),
    summary="Record that a free slot was offered (never books)",
)
def waitlist_offer(request: HttpRequest, waitlist_entry_id: uuid.UUID, payload: OfferSlotIn) -> WaitlistEntry:
    entry = get_staff(request, _WAITLIST, waitlist_entry_id)
    slot = _slot_of(entry.practice, payload)
    return services.waitlist_offer(entry=entry, by=user_of(request), slot=slot)
