"""Free slots: the practitioners' availability at a location minus what is booked.

Availability is the weekly hours (:class:`~headwise.practice.models.WorkingHours`) minus away
days and with the hours of exception days (:class:`~headwise.practice.models.AvailabilityException`),
none on closures (:class:`~headwise.practice.models.Closure`), all in the LOCATION's time zone
(:mod:`headwise.care.intervals` does the arithmetic). An appointment that is not cancelled keeps
its practitioner, and its room, busy from its start until its end plus its service's buffer.

The reads are a fixed handful of queries for the whole range, whatever the number of
appointments or practitioners: the practitioners, their hours, exceptions, the closures, the
rooms and the appointments in the range.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q
from django.utils import timezone

from headwise.care import intervals
from headwise.care.intervals import Busy, DayException, Occupancy, WeeklyHours
from headwise.care.models import Appointment, AppointmentStatus
from headwise.practice.models import (
    MAX_BUFFER_MINUTES,
    AvailabilityException,
    Closure,
    Location,
    Practice,
    Practitioner,
    Room,
    Service,
    WorkingHours,
)

#: How far from a wanted time :func:`nearby_free_slots` looks: that day and the next seven.
NEARBY_DAYS = 7


@dataclass(frozen=True)
class Slot:
    """A free time: ``starts_at``/``ends_at`` aware UTC datetimes (the service's length, without
    its buffer), the practitioner's, room's (None when the location has no rooms), location's
    and service's primary keys (``service_id`` None when the length was given instead)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    practitioner_id: int
    room_id: int | None
    location_id: int
    service_id: int | None


class Occupying(Protocol):
    """An appointment a caller has already read (the calendar's week), as the busy time needs it."""

    @property
    def practitioner_id(self) -> int: ...
    @property
    def room_id(self) -> int | None: ...
    @property
    def starts_at(self) -> dt.datetime: ...
    @property
    def ends_at(self) -> dt.datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def buffer_minutes(self) -> int | None:
        """Its service's buffer (None without a service)."""


class AppointmentLike(Protocol):
    """What :func:`nearby_free_slots` needs of a wanted appointment (an unsaved Appointment)."""

    practitioner: Practitioner
    location: Location
    service: Service | None
    starts_at: dt.datetime
    ends_at: dt.datetime


def zone_of(location: Location) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(location.time_zone)


def local_range(location: Location, day_from: dt.date, day_to: dt.date) -> intervals.Interval:
    """The instants of the location's days ``day_from`` .. ``day_to`` (UTC)."""
    zone = zone_of(location)
    return (
        intervals.local_instant(day_from, dt.time.min, zone),
        intervals.local_instant(day_to + dt.timedelta(days=1), dt.time.min, zone),
    )


def buffer_of(service: Service | None) -> dt.timedelta:
    return dt.timedelta(minutes=service.buffer_minutes if service is not None else 0)


# --- reading the range --------------------------------------------------------------------


@dataclass
class Calendar:
    """What the database holds for one location and some practitioners over a range of days."""

    location: Location
    day_from: dt.date
    day_to: dt.date
    hours: dict[int, list[WeeklyHours]]
    exceptions: dict[int, list[DayException]]
    closed: set[dt.date]
    rooms: list[Room]
    practitioner_busy: dict[int, list[Busy]]
    room_busy: dict[int, list[Busy]]
    #: practitioners with weekly hours at ANY location (availability rules apply to them)
    scheduled: set[int]

    def windows(self, practitioner_id: int) -> list[intervals.Interval]:
        return intervals.availability(
            day_from=self.day_from,
            day_to=self.day_to,
            zone=zone_of(self.location),
            hours=self.hours.get(practitioner_id, []),
            exceptions=self.exceptions.get(practitioner_id, []),
            closed_days=self.closed,
        )


def read_calendar(
    *,
    practice: Practice,
    location: Location,
    practitioner_ids: Sequence[int],
    day_from: dt.date,
    day_to: dt.date,
    exclude_appointment_id: int | None = None,
    rooms: Sequence[Room] | None = None,
    appointments: Iterable[Occupying] | None = None,
) -> Calendar:
    """Hours, exceptions, closures, rooms and busy time for the range: five queries.

    A caller that has already read them passes ``rooms`` (the location's active rooms, by name)
    and ``appointments``: every appointment of these practitioners and rooms that starts before
    the range ends and at most a day before it begins (an appointment lasts at most
    ``MAX_DURATION_MINUTES``, its buffer at most ``MAX_BUFFER_MINUTES``); cancelled ones may be
    among them. Each saves its query; the busy time is the same.
    """
    hours: dict[int, list[WeeklyHours]] = defaultdict(list)
    scheduled: set[int] = set()
    rows = (
        WorkingHours.objects.for_practice(practice)
        .filter(practitioner_id__in=practitioner_ids)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day_to))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day_from))
        .values_list(
            "practitioner_id", "location_id", "weekday", "starts", "ends", "valid_from", "valid_until"
        )
    )
    for prac_id, loc_id, weekday, starts, ends, valid_from, valid_until in rows:
        scheduled.add(prac_id)
        if loc_id == location.pk:
            hours[prac_id].append(WeeklyHours(weekday, starts, ends, valid_from, valid_until))
    exceptions: dict[int, list[DayException]] = defaultdict(list)
    for prac_id, day, away_from, away_until in (
        AvailabilityException.objects.for_practice(practice)
        .filter(practitioner_id__in=practitioner_ids, date__gte=day_from, date__lte=day_to)
        .filter(Q(location__isnull=True) | Q(location=location))
        .values_list("practitioner_id", "date", "starts", "ends")
    ):
        exceptions[prac_id].append(DayException(day, away_from, away_until))
    closures = (
        Closure.objects.for_practice(practice)
        .filter(first_day__lte=day_to, last_day__gte=day_from)
        .filter(Q(location__isnull=True) | Q(location=location))
        .values_list("first_day", "last_day")
    )
    closed = intervals.closed_days(closures, day_from, day_to)
    if rooms is None:
        rooms = list(
            Room.objects.for_practice(practice).filter(location=location, is_active=True).order_by("name")
        )
    start, end = local_range(location, day_from, day_to)
    after = start - dt.timedelta(minutes=MAX_BUFFER_MINUTES)
    if appointments is None:
        query = (
            Appointment.objects.for_practice(practice)
            .filter(Q(practitioner_id__in=practitioner_ids) | Q(room__in=rooms))
            .filter(starts_at__lt=end, ends_at__gt=after)
            .exclude(status=AppointmentStatus.CANCELLED)
        )
        if exclude_appointment_id is not None:
            query = query.exclude(pk=exclude_appointment_id)
        taken: Iterable[tuple[int, int | None, dt.datetime, dt.datetime, int | None]] = query.values_list(
            "practitioner_id", "room_id", "starts_at", "ends_at", "service__buffer_minutes"
        )
    else:
        if exclude_appointment_id is not None:
            raise ValueError("exclude_appointment_id is for the engine's own read")
        # the same rule as the query above, on the rows the caller read
        who, where = set(practitioner_ids), {room.pk for room in rooms}
        taken = [
            (a.practitioner_id, a.room_id, a.starts_at, a.ends_at, a.buffer_minutes)
            for a in appointments
            if a.status != AppointmentStatus.CANCELLED
            and (a.practitioner_id in who or (a.room_id is not None and a.room_id in where))
            and a.starts_at < end
            and a.ends_at > after
        ]
    practitioner_busy: dict[int, list[Busy]] = defaultdict(list)
    room_busy: dict[int, list[Busy]] = defaultdict(list)
    for prac_id, room_id, starts_at, ends_at, buffer in taken:
        busy = Busy(starts_at, ends_at, dt.timedelta(minutes=buffer or 0))
        practitioner_busy[prac_id].append(busy)
        if room_id is not None:
            room_busy[room_id].append(busy)
    return Calendar(
        location=location,
        day_from=day_from,
        day_to=day_to,
        hours=hours,
        exceptions=exceptions,
        closed=closed,
        rooms=list(rooms),
        practitioner_busy=practitioner_busy,
        room_busy=room_busy,
        scheduled=scheduled,
    )


def offering_practitioners(
    *, practice: Practice, location: Location, service: Service | None, practitioner: Practitioner | None
) -> list[Practitioner]:
    """Active practitioners who work at ``location`` and offer ``service``: one query."""
    found = Practitioner.objects.for_practice(practice).filter(is_active=True, locations=location)
    if service is not None:
        found = found.filter(services=service)
    if practitioner is not None:
        found = found.filter(pk=practitioner.pk)
    return list(found.distinct().order_by("display_name", "pk"))


# --- slots --------------------------------------------------------------------------------


def _lay(
    *,
    calendar: Calendar,
    practitioners: Iterable[Practitioner],
    service_id: int | None,
    duration: dt.timedelta,
    buffer: dt.timedelta,
    step: dt.timedelta,
    not_before: dt.datetime | None,
) -> list[Slot]:
    rooms = [(room.pk, Occupancy(calendar.room_busy.get(room.pk, []))) for room in calendar.rooms]
    out: list[Slot] = []
    for practitioner in practitioners:
        for candidate in intervals.lay_slots(
            windows=calendar.windows(practitioner.pk),
            duration=duration,
            buffer=buffer,
            step=step,
            practitioner=Occupancy(calendar.practitioner_busy.get(practitioner.pk, [])),
            rooms=rooms,
            not_before=not_before,
        ):
            out.append(
                Slot(
                    starts_at=candidate.starts_at,
                    ends_at=candidate.ends_at,
                    practitioner_id=practitioner.pk,
                    room_id=candidate.room if isinstance(candidate.room, int) else None,
                    location_id=calendar.location.pk,
                    service_id=service_id,
                )
            )
    out.sort(key=lambda s: (s.starts_at, s.practitioner_id))
    return out


def free_slots(
    *,
    practice: Practice,
    location: Location,
    service: Service,
    day_from: dt.date,
    day_to: dt.date,
    practitioner: Practitioner | None = None,
    step_minutes: int = 15,
    not_before: dt.datetime | None = None,
    rooms: Sequence[Room] | None = None,
    appointments: Iterable[Occupying] | None = None,
) -> list[Slot]:
    """The free slots of ``service`` at ``location`` on its local days ``day_from`` ..
    ``day_to``, for ``practitioner`` or every active practitioner there who offers the service,
    ordered by start then practitioner.

    A slot starts on a grid of ``step_minutes`` from the start of each stretch of working hours,
    lasts the service's ``duration_minutes``, ends inside the hours, and leaves the practitioner
    (and one active room of the location, the first free by name; None if it has no rooms) free
    for its buffer after it. Slots that start before ``not_before`` (default: now) are left out.
    Six queries, whatever the range holds; four when the caller passes the ``rooms`` and
    ``appointments`` it has already read (see :func:`read_calendar`).
    """
    practitioners = offering_practitioners(
        practice=practice, location=location, service=service, practitioner=practitioner
    )
    if not practitioners or day_to < day_from:
        return []
    calendar = read_calendar(
        practice=practice,
        location=location,
        practitioner_ids=[p.pk for p in practitioners],
        day_from=day_from,
        day_to=day_to,
        rooms=rooms,
        appointments=appointments,
    )
    return _lay(
        calendar=calendar,
        practitioners=practitioners,
        service_id=service.pk,
        duration=dt.timedelta(minutes=service.duration_minutes),
        buffer=buffer_of(service),
        step=dt.timedelta(minutes=step_minutes),
        not_before=timezone.now() if not_before is None else not_before,
    )


def nearby_free_slots(
    *,
    practice: Practice,
    appointment_like: AppointmentLike | Any,
    n: int = 3,
    exclude_appointment_id: int | None = None,
    not_before: dt.datetime | None = None,
) -> list[Slot]:
    """The ``n`` free slots closest to the wanted start, closest first, for the same
    practitioner, location and service (or, without a service, the same length), on the
    wanted day (in the location's zone) and the next :data:`NEARBY_DAYS` days.

    ``exclude_appointment_id`` leaves an appointment being moved out of the busy time; slots
    before ``not_before`` (default: now) are left out.
    """
    location, practitioner = appointment_like.location, appointment_like.practitioner
    service = getattr(appointment_like, "service", None)
    wanted: dt.datetime = appointment_like.starts_at
    day = wanted.astimezone(zone_of(location)).date()
    if service is not None:
        duration = dt.timedelta(minutes=service.duration_minutes)
    else:
        duration = appointment_like.ends_at - appointment_like.starts_at
    if duration <= dt.timedelta(0):
        return []
    calendar = read_calendar(
        practice=practice,
        location=location,
        practitioner_ids=[practitioner.pk],
        day_from=day,
        day_to=day + dt.timedelta(days=NEARBY_DAYS),
        exclude_appointment_id=exclude_appointment_id,
    )
    slots = _lay(
        calendar=calendar,
        practitioners=[practitioner],
        service_id=service.pk if service is not None else None,
        duration=duration,
        buffer=buffer_of(service),
        step=dt.timedelta(minutes=15),
        not_before=timezone.now() if not_before is None else not_before,
    )
    slots.sort(key=lambda s: (abs(s.starts_at - wanted), s.starts_at))
    return slots[:n]


def slots_with_ids(*, practice: Practice, found: Sequence[Slot]) -> list[dict[str, Any]]:
    """Slots as the API and the pages show them: the records' public ids (uuids) in place of
    primary keys, read within ``practice`` (four queries, whatever the number of slots)."""

    def ids(model: Any, pks: set[int | None]) -> dict[int, Any]:
        wanted = {pk for pk in pks if pk is not None}
        if not wanted:
            return {}
        return dict(model.objects.for_practice(practice).filter(pk__in=wanted).values_list("pk", "uuid"))

    practitioners = ids(Practitioner, {s.practitioner_id for s in found})
    rooms = ids(Room, {s.room_id for s in found})
    places = ids(Location, {s.location_id for s in found})
    offered = ids(Service, {s.service_id for s in found})
    return [
        {
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "practitioner_id": practitioners[s.practitioner_id],
            "room_id": rooms.get(s.room_id) if s.room_id is not None else None,
            "location_id": places[s.location_id],
            "service_id": offered.get(s.service_id) if s.service_id is not None else None,
        }
        for s in found
    ]
