"""The calendar pages: a location's or a practitioner's week and day, booking from a free slot
(once or weekly × N), moving and closing an appointment, and the waiting list.

Views parse, authorise (staff of the practice; another practice's id is 404), call one service
or selector and render. Every refusal is the services' (``appointment_book``,
``appointment_update``, ``series_book``, ``waitlist_*``), shown on the form's field.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from headwise.accounts.access import StaffRequest, get_staff, staff_required
from headwise.care import calendar, selectors, services
from headwise.care.forms_calendar import BookingForm, MoveForm, StatusForm, WaitlistForm
from headwise.care.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from headwise.care.slots import Slot
from headwise.clients import selectors as client_selectors
from headwise.clients.models import Client
from headwise.clients.services import treatment_blocker
from headwise.common import dates
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.diary.localtime import to_utc, zone_of
from headwise.practice.models import Location, Practitioner, Room, Service

#: Clients offered in the booking form's list before anything is typed in its search.
CLIENT_OPTIONS = 50


# --- parsing the URL and the query -----------------------------------------------------------


def _day(value: str) -> dt.date:
    """A date in the path; anything else, or a date outside the calendar, finds no page."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None
    if not dates.in_calendar(day):
        raise Http404
    return day


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        raise Http404 from None


def _instant(value: str | None) -> dt.datetime | None:
    """An aware instant in a query (a slot's start, ISO 8601 with an offset)."""
    if not value:
        return None
    try:
        found = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise Http404 from None
    if found.tzinfo is None or not dates.in_calendar(found):
        raise Http404
    return found.astimezone(dt.UTC)


def _services(request: StaffRequest) -> list[Service]:
    return list(
        Service.objects.for_practice(request.practice).filter(is_active=True).order_by("position", "name")
    )


def _chosen_service(request: StaffRequest, offered: list[Service]) -> Service | None:
    wanted = _uuid(request.GET.get("service"))
    if wanted is None:
        return offered[0] if offered else None
    for service in offered:
        if service.uuid == wanted:
            return service
    raise Http404


def _chosen_client(request: StaffRequest) -> Client | None:
    wanted = _uuid(request.GET.get("client"))
    if wanted is None:
        return None
    return client_selectors.client_get(practice=request.practice, client_id=wanted)


def _keep(service: Service | None, client: Client | None) -> str:
    pairs = [("service", service.uuid if service else None), ("client", client.uuid if client else None)]
    return urlencode({k: str(v) for k, v in pairs if v})


# --- the week and the day --------------------------------------------------------------------


@staff_required
def calendar_home(request: StaffRequest) -> HttpResponse:
    """This week at the practitioner's first location, else the practice's first location.

    For a client (``?client=``, the client page's link): the week their plan's next session is
    due, at the location of their plan's practitioner.
    """
    client = _chosen_client(request)
    plan = selectors.active_plan(client=client) if client is not None else None
    mine = plan.practitioner if plan is not None else None
    if mine is None:
        mine = (
            Practitioner.objects.for_practice(request.practice).filter(membership=request.membership).first()
        )
    locations = Location.objects.for_practice(request.practice).filter(is_active=True).order_by("name")
    location = (
        mine.locations.filter(is_active=True).order_by("name").first() if mine else None
    ) or locations.first()
    if location is None:
        messages.error(request, _("Add a location first: the calendar is kept per location."))
        return redirect("web:practice_settings" if request.membership.is_owner else "web:staff_home")
    day = calendar.local_today(zoneinfo.ZoneInfo(location.time_zone))
    if plan is not None:
        state = selectors.plan_cadence(plan=plan, rules=services.cadence_rules_get(practice=request.practice))
        if state.next_on is not None and state.next_on > day:
            day = state.next_on
    url = reverse("calendar:location_week", args=[location.uuid, day.isoformat()])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _render(request: StaffRequest, context: dict[str, Any]) -> HttpResponse:
    template = "care/calendar/_grid.html" if request.htmx else "care/calendar/page.html"
    return render(request, template, context)


def _nav(name: str, key: uuid.UUID, grid: calendar.Grid, keep: str) -> dict[str, str]:
    step = dt.timedelta(days=calendar.WEEK_DAYS if grid.view == "week" else 1)
    today = calendar.local_today(grid.zone)

    def at(day: dt.date, view: str = grid.view) -> str:
        url = reverse(f"calendar:{name}_{view}", args=[key, day.isoformat()])
        return f"{url}?{keep}" if keep else url

    return {
        "previous": at(grid.first - step),
        "next": at(grid.first + step),
        "today": at(today),
        "week": at(grid.first, "week"),
        "day": at(grid.first if grid.view == "day" else max(grid.first, min(today, grid.last)), "day"),
    }


def _context(request: StaffRequest, grid: calendar.Grid, **extra: Any) -> dict[str, Any]:
    client = extra.get("client")
    return {
        "grid": grid,
        "locations": Location.objects.for_practice(request.practice).filter(is_active=True).order_by("name"),
        "practitioners": Practitioner.objects.for_practice(request.practice).filter(is_active=True),
        "offered": extra.pop("offered"),
        "keep": _keep(grid.service, client),
        # reversed once for the page, not once per entry
        "urls": {
            "appointment": reverse("calendar:home") + "appointments/",
            "book": reverse("calendar:book"),
            "fit": reverse("calendar:waitlist_fit"),
        },
        "client_query": f"client={client.uuid}" if client else "",
        **extra,
    }


def _location_view(request: StaffRequest, location_id: uuid.UUID, day: str, view: str) -> HttpResponse:
    location = get_staff(request, Location.objects.all(), location_id)
    first = _day(day)
    first = calendar.week_start(first) if view == "week" else first
    offered = _services(request)
    service, client = _chosen_service(request, offered), _chosen_client(request)
    grid = calendar.location_grid(
        practice=request.practice, location=location, service=service, first=first, view=view
    )
    keep = _keep(service, client)
    context = _context(
        request,
        grid,
        offered=offered,
        client=client,
        location=location,
        nav=_nav("location", location.uuid, grid, keep),
    )
    return _render(request, context)


@staff_required
def location_week(request: StaffRequest, location_id: uuid.UUID, day: str) -> HttpResponse:
    return _location_view(request, location_id, day, "week")


@staff_required
def location_day(request: StaffRequest, location_id: uuid.UUID, day: str) -> HttpResponse:
    return _location_view(request, location_id, day, "day")


def _practitioner_view(
    request: StaffRequest, practitioner_id: uuid.UUID, day: str, view: str
) -> HttpResponse:
    practitioner = get_staff(request, Practitioner.objects.all(), practitioner_id)
    first = _day(day)
    first = calendar.week_start(first) if view == "week" else first
    offered = _services(request)
    service, client = _chosen_service(request, offered), _chosen_client(request)
    home = practitioner.locations.filter(is_active=True).order_by("name").first()
    zone_name = home.time_zone if home else request.practice.time_zone
    grid = calendar.practitioner_grid(
        practice=request.practice,
        practitioner=practitioner,
        service=service,
        first=first,
        view=view,
        zone_name=zone_name,
    )
    keep = _keep(service, client)
    context = _context(
        request,
        grid,
        offered=offered,
        client=client,
        practitioner=practitioner,
        nav=_nav("practitioner", practitioner.uuid, grid, keep),
    )
    return _render(request, context)


@staff_required
def practitioner_week(request: StaffRequest, practitioner_id: uuid.UUID, day: str) -> HttpResponse:
    return _practitioner_view(request, practitioner_id, day, "week")


@staff_required
def practitioner_day(request: StaffRequest, practitioner_id: uuid.UUID, day: str) -> HttpResponse:
    return _practitioner_view(request, practitioner_id, day, "day")


# --- booking -----------------------------------------------------------------------------------


def _client_state(client: Client | None, *, service: Service | None) -> dict[str, Any]:
    """What the booking form shows beside the slot: the screen's state and the plan's next date.

    Front desk sees the same: whether booking is allowed and when the next session is due,
    never the screen's reasons or the diary's numbers.
    """
    if client is None:
        return {}
    intake = service is not None and service.appointment_kind == AppointmentKind.INTAKE
    plan = selectors.active_plan(client=client)
    state = None
    if plan is not None:
        state = selectors.plan_cadence(plan=plan, rules=services.cadence_rules_get(practice=client.practice))
    return {
        "client": client,
        "screening": client_selectors.latest_screening(client=client),
        "blocker": treatment_blocker(client=client, intake_only=intake),
        "screen_due": client_selectors.screen_due(client=client),
        "plan": plan,
        "plan_state": state,
    }


def _client_options(request: StaffRequest, chosen: Client | None, query: str = "") -> list[Client]:
    found = list(client_selectors.clients_search(practice=request.practice, query=query)[:CLIENT_OPTIONS])
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    return found


def _initial(request: StaffRequest) -> dict[str, Any]:
    """The booking form as a free slot's link fills it (ids in the practice, or 404)."""
    practice = request.practice
    initial: dict[str, Any] = {"count": 1}
    for name, model in (
        ("location", Location),
        ("practitioner", Practitioner),
        ("service", Service),
        ("room", Room),
    ):
        wanted = _uuid(request.GET.get(name))
        if wanted is not None:
            initial[f"{name}_id"] = get_staff(request, model.objects.all(), wanted)
    client = _chosen_client(request)
    if client is not None:
        initial["client_id"] = client
    starts = _instant(request.GET.get("starts"))
    location = initial.get("location_id")
    if starts is not None and location is not None:
        initial["starts_at_local"] = starts.astimezone(zoneinfo.ZoneInfo(location.time_zone)).replace(
            tzinfo=None
        )
    if "service_id" not in initial:
        initial["service_id"] = (
            Service.objects.for_practice(practice).filter(is_active=True).order_by("position").first()
        )
    return initial


def _book_page(
    request: StaffRequest, form: BookingForm, *, nearby: list[Slot] | None = None, status: int = 200
) -> HttpResponse:
    cleaned = getattr(form, "cleaned_data", {}) if form.is_bound else {}
    client = cleaned.get("client_id") or form.initial.get("client_id")
    service = cleaned.get("service_id") or form.initial.get("service_id")
    context = {
        "form": form,
        "client_options": _client_options(request, client),
        "nearby": _nearby_rows(request, nearby or [], form),
        **_client_state(client, service=service),
    }
    return render(request, "care/calendar/book.html", context, status=status)


def _nearby_rows(request: StaffRequest, nearby: list[Slot], form: BookingForm) -> list[dict[str, Any]]:
    """Each nearby free slot as the hidden fields of a one-button form that books it."""
    if not nearby or not form.is_bound:
        return []
    practice = request.practice
    practitioners = {
        p.pk: p
        for p in Practitioner.objects.for_practice(practice).filter(
            pk__in={s.practitioner_id for s in nearby}
        )
    }
    rooms = {r.pk: r for r in Room.objects.for_practice(practice).filter(pk__in={s.room_id for s in nearby})}
    locations = {
        loc.pk: loc
        for loc in Location.objects.for_practice(practice).filter(pk__in={s.location_id for s in nearby})
    }
    rows = []
    for slot in nearby:
        location = locations[slot.location_id]
        local = slot.starts_at.astimezone(zoneinfo.ZoneInfo(location.time_zone)).replace(tzinfo=None)
        room = rooms.get(slot.room_id) if slot.room_id else None
        practitioner = practitioners[slot.practitioner_id]
        rows.append(
            {
                "local": local,
                "practitioner": practitioner,
                "room": room,
                "fields": {
                    "client_id": form.data.get("client_id", ""),
                    "service_id": form.data.get("service_id", ""),
                    "practitioner_id": str(practitioner.uuid),
                    "location_id": str(location.uuid),
                    "room_id": str(room.uuid) if room else "",
                    "starts_at_local": local.strftime("%Y-%m-%dT%H:%M"),
                    "count": "1",
                    "notes": form.data.get("notes", ""),
                },
            }
        )
    return rows


@staff_required
def book(request: StaffRequest) -> HttpResponse:
    if request.method != "POST":
        form = BookingForm(practice=request.practice, initial=_initial(request))
        return _book_page(request, form)
    form = BookingForm(request.POST, practice=request.practice)
    if not form.is_valid():
        return _book_page(request, form, status=422)
    data = form.cleaned_data
    location, service = data["location_id"], data["service_id"]
    try:
        starts_at = to_utc(data["starts_at_local"], zone=zone_of(location.time_zone), field="starts_at")
        phase = _phase_of(data["client_id"])
        if data["count"] == 1:
            appointment = services.appointment_book(
                practice=request.practice,
                by=request.user,
                client_id=data["client_id"].uuid,
                practitioner_id=data["practitioner_id"].uuid,
                location_id=location.uuid,
                room_id=data["room_id"].uuid if data["room_id"] else None,
                phase_id=phase.uuid if phase else None,
                service_id=service.uuid,
                kind=service.appointment_kind,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=service.duration_minutes),
                notes=data["notes"],
            )
        else:
            result = services.series_book(
                client=data["client_id"],
                by=request.user,
                practitioner=data["practitioner_id"],
                location=location,
                service=service,
                first_starts_at=starts_at,
                count=data["count"],
                room=data["room_id"],
                phase=phase,
            )
    except services.SlotTaken as exc:
        errors_to_form(form, exc)
        return _book_page(request, form, nearby=list(exc.nearby), status=409)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return _book_page(request, form, status=422)
    if data["count"] == 1:
        messages.success(request, _("Booked: %(client)s.") % {"client": appointment.client})
        return redirect("calendar:appointment", appointment_id=appointment.uuid)
    return render(
        request,
        "care/calendar/series_result.html",
        {
            "result": result,
            "client": data["client_id"],
            "location": location,
            "zone": zone_of(location.time_zone),
        },
    )


def _phase_of(client: Client) -> Any:
    plan = selectors.active_plan(client=client)
    return selectors.current_phase(plan=plan) if plan is not None else None


@staff_required
def book_client_panel(request: StaffRequest) -> HttpResponse:
    """The panel beside the slot for the client chosen in the form (HTMX)."""
    wanted = _uuid(request.GET.get("client_id"))
    client = client_selectors.client_get(practice=request.practice, client_id=wanted) if wanted else None
    service_id = _uuid(request.GET.get("service_id"))
    service = get_staff(request, Service.objects.all(), service_id) if service_id else None
    return render(request, "care/calendar/_client_panel.html", _client_state(client, service=service))


@staff_required
def client_options(request: StaffRequest) -> HttpResponse:
    """The booking form's client list for what is typed in its search (HTMX)."""
    query = request.GET.get("q", "")[:100]
    wanted = _uuid(request.GET.get("client_id"))
    chosen = client_selectors.client_get(practice=request.practice, client_id=wanted) if wanted else None
    return render(
        request,
        "care/calendar/_client_options.html",
        {"client_options": _client_options(request, chosen, query), "chosen": chosen},
    )


# --- one appointment: move, cancel, no-show, attended ----------------------------------------


def _appointment(request: StaffRequest, appointment_id: uuid.UUID) -> Appointment:
    scope = Appointment.objects.select_related("client", "practitioner", "location", "room", "service")
    scope = scope.select_related("created_by", "updated_by")
    return get_staff(request, scope, appointment_id)


def _appointment_page(
    request: StaffRequest,
    appointment: Appointment,
    *,
    move_form: MoveForm | None = None,
    status_form: StatusForm | None = None,
    nearby: list[Slot] | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = zoneinfo.ZoneInfo(appointment.location.time_zone)
    fitting: list[WaitlistEntry] = []
    if appointment.status == AppointmentStatus.CANCELLED and appointment.starts_at > timezone.now():
        fitting = selectors.waitlist_fitting(practice=request.practice, slot=_slot_of(appointment))
    context = {
        "appointment": appointment,
        "zone": zone,
        "starts": appointment.starts_at.astimezone(zone),
        "ends": appointment.ends_at.astimezone(zone),
        "move_form": move_form
        or MoveForm(
            practice=request.practice,
            location=appointment.location,
            initial={
                "starts_at_local": appointment.starts_at.astimezone(zone).replace(tzinfo=None),
                "room_id": appointment.room,
            },
        ),
        "status_form": status_form or StatusForm(),
        "nearby": _nearby_moves(request, nearby or [], zone),
        "fitting": fitting,
        "fit_query": _slot_query(appointment),
        "history": appointment.history.select_related("history_user").order_by("-history_date")[:10],
        "started": appointment.starts_at <= timezone.now(),
    }
    return render(request, "care/calendar/appointment.html", context, status=status)


def _nearby_moves(request: StaffRequest, nearby: list[Slot], zone: zoneinfo.ZoneInfo) -> list[dict[str, Any]]:
    rooms = {
        r.pk: r
        for r in Room.objects.for_practice(request.practice).filter(pk__in={s.room_id for s in nearby})
    }
    return [
        {
            "local": s.starts_at.astimezone(zone).replace(tzinfo=None),
            "room": rooms.get(s.room_id) if s.room_id else None,
        }
        for s in nearby
    ]


def _slot_of(appointment: Appointment) -> Slot:
    return Slot(
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        practitioner_id=appointment.practitioner_id,
        room_id=appointment.room_id,
        location_id=appointment.location_id,
        service_id=appointment.service_id,
    )


def _slot_query(appointment: Appointment) -> str:
    pairs = {
        "location": appointment.location.uuid,
        "practitioner": appointment.practitioner.uuid,
        "starts": appointment.starts_at.isoformat(),
    }
    if appointment.service is not None:
        pairs["service"] = appointment.service.uuid
    if appointment.room is not None:
        pairs["room"] = appointment.room.uuid
    return urlencode({k: str(v) for k, v in pairs.items()})


@staff_required
def appointment_detail(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    return _appointment_page(request, _appointment(request, appointment_id))


@staff_required
@require_POST
def appointment_move(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    form = MoveForm(request.POST, practice=request.practice, location=appointment.location)
    if not form.is_valid():
        return _appointment_page(request, appointment, move_form=form, status=422)
    zone = zone_of(appointment.location.time_zone)
    length = appointment.ends_at - appointment.starts_at
    try:
        starts_at = to_utc(form.cleaned_data["starts_at_local"], zone=zone, field="starts_at")
        room = form.cleaned_data["room_id"]
        services.appointment_update(
            appointment=appointment,
            by=request.user,
            starts_at=starts_at,
            ends_at=starts_at + length,
            room_id=room.uuid if room else None,
        )
    except services.SlotTaken as exc:
        errors_to_form(form, exc)
        appointment.refresh_from_db()
        return _appointment_page(request, appointment, move_form=form, nearby=list(exc.nearby), status=409)
    except ValidationError as exc:
        errors_to_form(form, exc)
        appointment.refresh_from_db()
        return _appointment_page(request, appointment, move_form=form, status=422)
    messages.success(request, _("Moved."))
    return redirect("calendar:appointment", appointment_id=appointment.uuid)


@staff_required
@require_POST
def appointment_status(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _appointment_page(request, appointment, status_form=form, status=422)
    try:
        services.appointment_update(
            appointment=appointment,
            by=request.user,
            status=form.cleaned_data["status"],
            cancellation_reason=form.cleaned_data["cancellation_reason"],
        )
    except ValidationError as exc:
        errors_to_form(form, exc)
        appointment.refresh_from_db()
        return _appointment_page(request, appointment, status_form=form, status=422)
    messages.success(request, _("Saved: %(status)s.") % {"status": appointment.get_status_display()})
    return redirect("calendar:appointment", appointment_id=appointment.uuid)


# --- the waiting list --------------------------------------------------------------------------


def _waitlist_page(request: StaffRequest, form: WaitlistForm, *, status: int = 200) -> HttpResponse:
    entries = list(
        selectors.waitlist_of(
            practice=request.practice, statuses=(WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
        ).select_related("offered_by")
    )
    names = dict(WaitlistForm.base_fields["weekdays"].choices)  # type: ignore[attr-defined]
    for entry in entries:
        entry.days_label = ", ".join(str(names[d]) for d in entry.weekdays if d in names)  # type: ignore[attr-defined]
    return render(request, "care/calendar/waitlist.html", {"form": form, "entries": entries}, status=status)


@staff_required
def waitlist(request: StaffRequest) -> HttpResponse:
    if request.method != "POST":
        client = _chosen_client(request)
        initial: dict[str, Any] = {"earliest": timezone.localdate()}
        if client is not None:
            initial["client_id"] = client
        return _waitlist_page(request, WaitlistForm(practice=request.practice, initial=initial))
    form = WaitlistForm(request.POST, practice=request.practice)
    if not form.is_valid():
        return _waitlist_page(request, form, status=422)
    data = form.cleaned_data
    try:
        services.waitlist_add(
            practice=request.practice,
            by=request.user,
            client_id=data["client_id"].uuid,
            service_id=data["service_id"].uuid if data["service_id"] else None,
            practitioner_id=data["practitioner_id"].uuid if data["practitioner_id"] else None,
            location_id=data["location_id"].uuid if data["location_id"] else None,
            earliest=data["earliest"],
            latest=data["latest"],
            weekdays=sorted(set(data["weekdays"])),
            time_from=data["time_from"],
            time_until=data["time_until"],
            notes=data["notes"],
        )
    except ValidationError as exc:
        errors_to_form(form, exc)
        return _waitlist_page(request, form, status=422)
    messages.success(request, _("%(client)s is on the waiting list.") % {"client": data["client_id"]})
    return redirect("calendar:waitlist")


def _slot_from_query(request: StaffRequest, query: Any) -> tuple[Slot, dict[str, Any]]:
    """A free slot named in a query or a form: its ids within the practice, or 404."""
    found: dict[str, Any] = {}
    for name, model in (
        ("location", Location),
        ("practitioner", Practitioner),
        ("service", Service),
        ("room", Room),
    ):
        wanted = _uuid(query.get(name))
        found[name] = get_staff(request, model.objects.all(), wanted) if wanted else None
    starts = _instant(query.get("starts"))
    if found["location"] is None or found["practitioner"] is None or starts is None:
        raise Http404
    service = found["service"]
    length = dt.timedelta(minutes=service.duration_minutes if service else 60)
    slot = Slot(
        starts_at=starts,
        ends_at=starts + length,
        practitioner_id=found["practitioner"].pk,
        room_id=found["room"].pk if found["room"] else None,
        location_id=found["location"].pk,
        service_id=service.pk if service else None,
    )
    return slot, found


@staff_required
def waitlist_fit(request: StaffRequest) -> HttpResponse:
    """Who on the waiting list fits a free slot, in order, each with an offer (never a booking)."""
    slot, found = _slot_from_query(request, request.GET)
    zone = zoneinfo.ZoneInfo(found["location"].time_zone)
    context = {
        "slot": slot,
        "found": found,
        "starts": slot.starts_at.astimezone(zone),
        "ends": slot.ends_at.astimezone(zone),
        "fitting": selectors.waitlist_fitting(practice=request.practice, slot=slot),
        "slot_query": request.GET.urlencode(),
    }
    return render(request, "care/calendar/waitlist_fit.html", context)


def _entry(request: StaffRequest, waitlist_entry_id: uuid.UUID) -> WaitlistEntry:
    return get_staff(request, WaitlistEntry.objects.select_related("client"), waitlist_entry_id)


@staff_required
@require_POST
def waitlist_offer(request: StaffRequest, waitlist_entry_id: uuid.UUID) -> HttpResponse:
    entry = _entry(request, waitlist_entry_id)
    slot, _found = _slot_from_query(request, request.POST)
    try:
        services.waitlist_offer(entry=entry, by=request.user, slot=slot)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request, _("Offered to %(client)s; book it once they say yes.") % {"client": entry.client}
        )
    return redirect(f"{reverse('calendar:waitlist_fit')}?{request.POST.get('slot_query', '')}")


@staff_required
@require_POST
def waitlist_withdraw(request: StaffRequest, waitlist_entry_id: uuid.UUID) -> HttpResponse:
    entry = _entry(request, waitlist_entry_id)
    try:
        services.waitlist_withdraw(entry=entry, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("%(client)s is off the waiting list.") % {"client": entry.client})
    return redirect("calendar:waitlist")
