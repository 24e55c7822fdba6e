"""Online booking by the client: their own next session, within the plan's interval and the
practice's notice rules, never past the safety screen.

Everything goes through the staff's booking services (:func:`appointment_book`,
:func:`appointment_update`), so a double booking, a time outside the practitioner's hours or a
blocking screen is refused the same way; this module adds only the client's limits: the
practice has switched online booking on, the time is one of the free slots offered (in the
window of the plan's current phase, after the booking notice), and a change or cancellation
comes before the cancellation notice.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.care import selectors as care_selectors
from headwise.care import services as care_services
from headwise.care.models import Appointment, AppointmentKind, AppointmentStatus, PlanPhase, PlanStatus
from headwise.care.slots import Slot, free_slots
from headwise.clients.models import Client
from headwise.clients.services import treatment_blocker
from headwise.practice.models import Location, Practice, Practitioner, Room, Service

#: Slots offered to the client start on this grid (fewer, clearer choices than staff see).
CLIENT_STEP_MINUTES = 30
#: At most this many days with free slots are listed.
DAYS_SHOWN = 7
ONLINE_REASON = "Cancelled online by the client"


@dataclass(frozen=True)
class Window:
    """The local days the next session may fall on."""

    first: dt.date
    last: dt.date


def interval_window(
    *, last_session: dt.date | None, next_on: dt.date, interval_min: int, interval_max: int, today: dt.date
) -> Window:
    """The next session's days: from when it falls due (``next_on``, as the plan page computes
    it: the last session plus the phase's shorter interval, never before today) to the last
    session plus the longer interval; when that has passed already, as many days as the
    phase's interval spans from the due day.

    >>> interval_window(last_session=dt.date(2026, 3, 1), next_on=dt.date(2026, 3, 8),
    ...                 interval_min=7, interval_max=10, today=dt.date(2026, 3, 3))
    Window(first=datetime.date(2026, 3, 8), last=datetime.date(2026, 3, 11))
    >>> interval_window(last_session=None, next_on=dt.date(2026, 3, 3),
    ...                 interval_min=14, interval_max=21, today=dt.date(2026, 3, 3))
    Window(first=datetime.date(2026, 3, 3), last=datetime.date(2026, 3, 24))
    """
    last = (last_session or today) + dt.timedelta(days=interval_max)
    if last < next_on:
        last = next_on + dt.timedelta(days=interval_max - interval_min)
    return Window(next_on, last)


@dataclass(frozen=True)
class DaySlots:
    day: dt.date
    slots: list[Slot]


@dataclass
class OnlineState:
    """What the client's booking page shows, and what the actions check against."""

    client: Client
    enabled: bool
    blocked: bool = False
    reason: str = ""
    upcoming: Appointment | None = None
    can_change: bool = False
    practitioner: Practitioner | None = None
    location: Location | None = None
    service: Service | None = None
    phase: PlanPhase | None = None
    window: Window | None = None
    days: list[DaySlots] = field(default_factory=list)

    @property
    def slots(self) -> list[Slot]:
        return [s for d in self.days for s in d.slots]


def _notice(hours: int) -> dt.timedelta:
    return dt.timedelta(hours=hours)


def _service_for(practitioner: Practitioner, upcoming: Appointment | None) -> Service | None:
    if upcoming is not None and getattr(upcoming, "service", None) is not None:
        return upcoming.service
    return (
        practitioner.services.filter(is_active=True, appointment_kind=AppointmentKind.SESSION)
        .order_by("position", "name", "pk")
        .first()
    )


def _location_for(
    client: Client, practitioner: Practitioner, upcoming: Appointment | None
) -> Location | None:
    if upcoming is not None:
        return upcoming.location
    last = (
        Appointment.objects.filter(client=client, practitioner=practitioner, location__is_active=True)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("location")
        .order_by("-starts_at")
        .first()
    )
    if last is not None and practitioner.locations.filter(pk=last.location_id).exists():
        return last.location
    return practitioner.locations.filter(is_active=True).order_by("name", "pk").first()


def online_state(*, client: Client, with_slots: bool = True) -> OnlineState:
    """The client's next session, whether they may change it, and the free slots they may pick."""
    practice = client.practice
    state = OnlineState(client=client, enabled=practice.online_booking)
    if not state.enabled:
        return state
    plan = care_selectors.active_plan(client=client)
    cadence = (
        care_selectors.plan_cadence(plan=plan, rules=care_services.cadence_rules_get(practice=practice))
        if plan is not None
        else None
    )
    state.upcoming = cadence.upcoming if cadence is not None else _next_booked(client)
    now = timezone.now()
    if state.upcoming is not None:
        state.can_change = state.upcoming.starts_at - now >= _notice(practice.cancel_notice_hours)
    if treatment_blocker(client=client) is not None:
        state.blocked = True
        return state
    if plan is None or cadence is None or cadence.phase is None or plan.status != PlanStatus.ACTIVE:
        state.reason = _("Your practitioner has not planned your next sessions yet.")
        return state
    if cadence.next_on is None:
        state.reason = _("Your practitioner has not planned your next sessions yet.")
        return state
    state.phase = cadence.phase
    state.practitioner = plan.practitioner
    state.location = _location_for(client, plan.practitioner, state.upcoming)
    state.service = _service_for(plan.practitioner, state.upcoming)
    if state.location is None or state.service is None or not plan.practitioner.is_active:
        state.reason = _("Online booking is not set up for your practitioner yet.")
        return state
    state.window = interval_window(
        last_session=cadence.last_session,
        next_on=cadence.next_on,
        interval_min=cadence.phase.interval_days_min,
        interval_max=cadence.phase.interval_days_max,
        today=cadence.today,
    )
    if with_slots:
        state.days = _days(state, not_before=now + _notice(practice.booking_notice_hours))
    return state


def _next_booked(client: Client) -> Appointment | None:
    return (
        Appointment.objects.filter(
            client=client, status=AppointmentStatus.BOOKED, starts_at__gte=timezone.now()
        )
        .select_related("practitioner", "location", "room")
        .order_by("starts_at")
        .first()
    )


def _days(state: OnlineState, *, not_before: dt.datetime) -> list[DaySlots]:
    assert state.location is not None and state.service is not None and state.window is not None  # noqa: S101
    zone = zoneinfo.ZoneInfo(state.location.time_zone)
    first = max(state.window.first, not_before.astimezone(zone).date())
    if first > state.window.last:
        return []
    found = free_slots(
        practice=state.client.practice,
        location=state.location,
        service=state.service,
        day_from=first,
        day_to=state.window.last,
        practitioner=state.practitioner,
        step_minutes=CLIENT_STEP_MINUTES,
        not_before=not_before,
    )
    days = [
        DaySlots(day, list(group))
        for day, group in groupby(found, key=lambda s: s.starts_at.astimezone(zone).date())
    ]
    return days[:DAYS_SHOWN]


def _chosen(state: OnlineState, starts_at: dt.datetime) -> Slot:
    if state.blocked:
        raise ValidationError({"client_id": _("Please contact the practice to book.")})
    for slot in state.slots:
        if slot.starts_at == starts_at:
            return slot
    raise ValidationError(
        {
            "starts_at": _(
                "This time is no longer free, or it is outside the times you can book. Please pick another."
            )
        }
    )


def _room_uuid(practice: Practice, room_id: int | None) -> Any:
    if room_id is None:
        return None
    return Room.objects.for_practice(practice).values_list("uuid", flat=True).get(pk=room_id)


def _require_enabled(client: Client) -> None:
    if not client.practice.online_booking:
        raise ValidationError({"online_booking": _("This practice does not take online bookings.")})


@transaction.atomic
def online_book(*, client: Client, starts_at: dt.datetime) -> Appointment:
    """Book the client's next session at a free slot offered to them; raises ValidationError
    naming the field (nothing saved) otherwise."""
    _require_enabled(client)
    state = online_state(client=client)
    if state.upcoming is not None:
        raise ValidationError({"starts_at": _("Your next session is booked already: move it instead.")})
    slot = _chosen(state, starts_at)
    assert state.practitioner and state.location and state.service and state.phase  # noqa: S101
    return care_services.appointment_book(
        practice=client.practice,
        by=client.user,  # type: ignore[arg-type]
        client_id=client.uuid,
        practitioner_id=state.practitioner.uuid,
        location_id=state.location.uuid,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        room_id=_room_uuid(client.practice, slot.room_id),
        phase_id=state.phase.uuid,
        service_id=state.service.uuid,
    )


def _changeable(state: OnlineState) -> Appointment:
    upcoming = state.upcoming
    if upcoming is None:
        raise ValidationError({"appointment_id": _("You have no session booked.")})
    if not state.can_change:
        raise ValidationError(
            {
                "starts_at": _(
                    "Your session is less than %(hours)s hours away: please call the practice to change it."
                )
                % {"hours": state.client.practice.cancel_notice_hours}
            }
        )
    return upcoming


@transaction.atomic
def online_move(*, client: Client, starts_at: dt.datetime) -> Appointment:
    """Move the client's next session to another free slot offered to them."""
    _require_enabled(client)
    state = online_state(client=client)
    appointment = _changeable(state)
    slot = _chosen(state, starts_at)
    return care_services.appointment_update(
        appointment=appointment,
        by=client.user,  # type: ignore[arg-type]
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        room_id=_room_uuid(client.practice, slot.room_id),
    )


@transaction.atomic
def online_cancel(*, client: Client) -> Appointment:
    """Cancel the client's next session (before the cancellation notice)."""
    _require_enabled(client)
    state = online_state(client=client, with_slots=False)
    appointment = _changeable(state)
    return care_services.appointment_update(
        appointment=appointment,
        by=client.user,  # type: ignore[arg-type]
        status=AppointmentStatus.CANCELLED,
        cancellation_reason=ONLINE_REASON,
    )


def recent_online_changes(*, practice: Practice, days: int = 7) -> QuerySet[Appointment]:
    """Appointments a client booked, moved or cancelled online in the last ``days``, latest first."""
    since = timezone.now() - dt.timedelta(days=days)
    return (
        Appointment.objects.for_practice(practice)
        .filter(client__user__isnull=False, updated_at__gte=since)
        .filter(Q(created_by=F("client__user")) | Q(updated_by=F("client__user")))
        .select_related("client", "practitioner", "location", "room")
        .order_by("-updated_at", "-pk")
    )
