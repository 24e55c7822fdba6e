"""The calendar's read model: a week or a day of one location or one practitioner, as a grid.

A grid has columns (the days of a week, or the rooms of a location on one day) and rows (the
practitioners of a location, or the locations of a practitioner); each cell lists, in time
order, the appointments and the bookable free slots that fall in it. Everything is in the
location's time zone.

The queries are a constant number whatever the number of bookings: the location (or the
practitioner), its rooms, its practitioners, the appointments of the range (one query, with
client, practitioner, room and service joined), the services, the waiting list, and
:func:`headwise.care.slots.free_slots` once per location shown (itself constant). A location's
week hands the slot engine the appointments and rooms it read for the grid (two queries fewer).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from headwise.care import slots as slot_engine
from headwise.care.models import Appointment, AppointmentStatus, WaitlistEntry, WaitlistStatus
from headwise.care.selectors import waitlist_entry_fits, waitlist_of
from headwise.care.slots import Slot
from headwise.clients.models import Client, ClientStatus
from headwise.practice.models import MAX_BUFFER_MINUTES, Location, Practice, Practitioner, Room, Service

WEEK_DAYS = 7


@dataclass(frozen=True)
class Entry:
    """One line of a cell: an appointment, a free slot, or a slot a cancellation freed."""

    starts: dt.datetime  # local, in the grid's zone
    ends: dt.datetime
    appointment: Booked | None = None
    slot: Slot | None = None
    freed: bool = False  # a free slot where a cancelled appointment was
    waitlist_fit: int = 0  # waiting entries that fit this free slot
    query: str = ""  # a free slot's ids (UUIDs) and start, for the booking form's link
    who: str = ""  # a free slot's practitioner

    @property
    def start_label(self) -> str:
        return f"{self.starts:%H:%M}"

    @property
    def span_label(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def is_free(self) -> bool:
        return self.slot is not None

    @property
    def source(self) -> Booked | Slot:
        """What the entry shows: both have practitioner, location and room ids."""
        return self.appointment if self.appointment is not None else self.slot  # type: ignore[return-value]


@dataclass(frozen=True)
class Column:
    key: object
    label: str
    day: dt.date
    is_today: bool = False


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    cells: list[tuple[Column, list[Entry]]]


@dataclass
class Grid:
    view: str  # "week" or "day"
    zone: zoneinfo.ZoneInfo
    first: dt.date
    last: dt.date
    columns: list[Column]
    rows: list[Row]
    service: Service | None
    appointments: int = 0
    free: int = 0
    waitlist_waiting: int = 0
    notes: list[str] = field(default_factory=list)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (ISO 8601 weeks start on Monday)."""
    return day - dt.timedelta(days=day.weekday())


def local_today(zone: zoneinfo.ZoneInfo) -> dt.date:
    return timezone.now().astimezone(zone).date()


def _bounds(first: dt.date, days: int, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time.min, tzinfo=zone)
    return start, end


#: How far before the range an appointment that reaches into it may start: the longest
#: service is 8 hours, so a day bounds the read by the (practice, starts_at) index instead of
#: scanning every earlier appointment for its end.
LONGEST = dt.timedelta(days=1)


@dataclass(frozen=True)
class Named:
    """A practitioner or a location as a grid row names it."""

    pk: int
    name: str

    @property
    def display_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class Booked:
    """An appointment as the grid shows it, read as one row of values (no model instances: a
    week holds a hundred or more, and building five joined models for each was a fifth of the
    page's time, see docs/calendar.md)."""

    uuid: object
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    kind: str
    practitioner_id: int
    location_id: int
    room_id: int | None
    service_id: int | None
    client: str  # the client's name (Client.name_of)
    practitioner: Named
    location: Named
    service_name: str | None
    buffer_minutes: int | None  # its service's (the slot engine's busy time)


#: The columns the grid shows (client name, service, status, practitioner, room).
_COLUMNS = (
    "uuid",
    "starts_at",
    "ends_at",
    "status",
    "kind",
    "practitioner_id",
    "location_id",
    "room_id",
    "service_id",
    "client__given_name",
    "client__family_name",
    "practitioner__display_name",
    "location__name",
    "service__name",
    "service__buffer_minutes",
)


def _appointments(practice: Practice, *, start: dt.datetime, end: dt.datetime, where: Q) -> list[Booked]:
    """The range's appointments, cancelled ones too (the grid shows what a cancellation freed),
    and those that ended up to ``MAX_BUFFER_MINUTES`` before it (their buffer may reach into
    it: the slot engine's busy time, see :func:`_shown` for the grid's)."""
    rows = (
        Appointment.objects.for_practice(practice)
        .filter(where, starts_at__gte=start - LONGEST, starts_at__lt=end, ends_at__gt=start - _BUFFER)
        .order_by("starts_at", "pk")
        .values_list(*_COLUMNS)
    )
    practitioners: dict[int, Named] = {}
    locations: dict[int, Named] = {}
    out = []
    for (
        uuid,
        starts_at,
        ends_at,
        status,
        kind,
        practitioner_id,
        location_id,
        room_id,
        service_id,
        given,
        family,
        practitioner_name,
        location_name,
        service_name,
        buffer_minutes,
    ) in rows:
        practitioner = practitioners.get(practitioner_id)
        if practitioner is None:
            practitioner = practitioners[practitioner_id] = Named(practitioner_id, practitioner_name)
        location = locations.get(location_id)
        if location is None:
            location = locations[location_id] = Named(location_id, location_name)
        out.append(
            Booked(
                uuid=uuid,
                starts_at=starts_at,
                ends_at=ends_at,
                status=status,
                kind=kind,
                practitioner_id=practitioner_id,
                location_id=location_id,
                room_id=room_id,
                service_id=service_id,
                client=Client.name_of(given, family),
                practitioner=practitioner,
                location=location,
                service_name=service_name,
                buffer_minutes=buffer_minutes,
            )
        )
    return out


_BUFFER = dt.timedelta(minutes=MAX_BUFFER_MINUTES)


def _shown(read: list[Booked], *, start: dt.datetime, location_id: int | None = None) -> list[Booked]:
    """What the grid shows of the appointments read: those that reach into the range (at the
    location, for a location's grid)."""
    return [a for a in read if a.ends_at > start and (location_id is None or a.location_id == location_id)]


def bookable(
    found: Iterable[Slot],
    *,
    service: Service,
    now: dt.datetime,
    keep: frozenset[tuple[int, dt.datetime]] = frozenset(),
) -> list[Slot]:
    """Free slots a person can book one after another: the engine gives every start on its
    step (each 15 minutes); a cell shows the first, then the next one that starts after it
    ends (and its buffer), per practitioner. Starts in ``keep`` (practitioner, start), the
    times cancellations freed, are shown first whatever the step. Slots already begun are left
    out."""
    gap = dt.timedelta(minutes=service.buffer_minutes)
    candidates = sorted(
        (s for s in found if s.starts_at > now), key=lambda s: (s.practitioner_id, s.starts_at)
    )
    chosen = [s for s in candidates if (s.practitioner_id, s.starts_at) in keep]
    taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for slot in chosen:
        taken[slot.practitioner_id].append((slot.starts_at, slot.ends_at + gap))
    for slot in candidates:
        spans = taken[slot.practitioner_id]
        if any(slot.starts_at < end and start < slot.ends_at + gap for start, end in spans):
            continue
        chosen.append(slot)
        spans.append((slot.starts_at, slot.ends_at + gap))
    return sorted(chosen, key=lambda s: (s.starts_at, s.practitioner_id))


_FITS = (
    "service",
    "practitioner",
    "location",
    "earliest",
    "latest",
    "weekdays",
    "time_from",
    "time_until",
    "created_at",
)


def _waiting(practice: Practice) -> list[WaitlistEntry]:
    """The entries :func:`headwise.care.selectors.waitlist_fitting` draws from, read once."""
    found = waitlist_of(practice=practice, statuses=(WaitlistStatus.WAITING,))
    # only what waitlist_entry_fits reads: no client, service or practitioner rows joined
    return list(found.filter(client__status=ClientStatus.ACTIVE).select_related(None).only(*_FITS))


def _fits(entry: WaitlistEntry, slot: Slot, zone: zoneinfo.ZoneInfo) -> bool:
    return waitlist_entry_fits(
        entry,
        practitioner_id=slot.practitioner_id,
        location_id=slot.location_id,
        service_id=slot.service_id,
        starts_local=slot.starts_at.astimezone(zone),
        ends_local=slot.ends_at.astimezone(zone),
    )


@dataclass(frozen=True)
class Names:
    """The records a grid's free slots point at, by primary key, for their links and labels."""

    practitioners: dict[int, Practitioner]
    locations: dict[int, Location]
    rooms: dict[int, Room]
    service: Service | None

    def query(self, slot: Slot) -> str:
        pairs = {
            "location": self.locations[slot.location_id].uuid,
            "practitioner": self.practitioners[slot.practitioner_id].uuid,
            "starts": slot.starts_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        }
        if self.service is not None:
            pairs["service"] = self.service.uuid
        if slot.room_id is not None and slot.room_id in self.rooms:
            pairs["room"] = self.rooms[slot.room_id].uuid
        return urlencode({k: str(v) for k, v in pairs.items()})


def _entries(
    appointments: list[Booked],
    free: list[Slot],
    *,
    zone: zoneinfo.ZoneInfo,
    waiting: list[WaitlistEntry],
    now: dt.datetime,
    names: Names,
) -> list[Entry]:
    cancelled = {
        (a.practitioner_id, a.starts_at)
        for a in appointments
        if a.status == AppointmentStatus.CANCELLED and a.starts_at > now
    }
    entries = [
        Entry(a.starts_at.astimezone(zone), a.ends_at.astimezone(zone), appointment=a)
        for a in appointments
        if a.status != AppointmentStatus.CANCELLED
    ]
    for slot in free:
        freed = (slot.practitioner_id, slot.starts_at) in cancelled
        entries.append(
            Entry(
                slot.starts_at.astimezone(zone),
                slot.ends_at.astimezone(zone),
                slot=slot,
                freed=freed,
                waitlist_fit=sum(1 for w in waiting if _fits(w, slot, zone)) if freed else 0,
                query=names.query(slot),
                who=names.practitioners[slot.practitioner_id].display_name,
            )
        )
    return sorted(entries, key=lambda e: (e.starts, e.appointment is None))


def _fill(
    entries: list[Entry],
    *,
    columns: list[Column],
    rows: list[tuple[object, str]],
    column_of: Callable[[Entry], object],
    row_of: Callable[[Entry], object],
) -> list[Row]:
    cells: dict[tuple[object, object], list[Entry]] = defaultdict(list)
    for entry in entries:
        cells[(row_of(entry), column_of(entry))].append(entry)
    return [Row(key, label, [(c, cells[(key, c.key)]) for c in columns]) for key, label in rows]


def _day_columns(first: dt.date, days: int, today: dt.date) -> list[Column]:
    out = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        out.append(Column(day, date_format(day, "D j M"), day, is_today=day == today))
    return out


def _practitioner_of(entry: Entry) -> object:
    return entry.source.practitioner_id


def _location_of(entry: Entry) -> object:
    return entry.source.location_id


def _room_of(entry: Entry) -> object:
    return entry.source.room_id


def practitioners_at(*, location: Location) -> list[Practitioner]:
    return list(location.practitioners.filter(is_active=True).order_by("display_name", "pk"))


def _free(
    *,
    practice: Practice,
    location: Location,
    service: Service | None,
    first: dt.date,
    last: dt.date,
    practitioner: Practitioner | None = None,
    appointments: list[Booked],
    busy: list[Booked] | None = None,
    rooms: list[Room] | None = None,
) -> list[Slot]:
    """``busy``/``rooms``: the appointments and rooms already read, for the slot engine (see
    :func:`headwise.care.slots.read_calendar`); None lets the engine read them."""
    if service is None:
        return []
    found = slot_engine.free_slots(
        practice=practice,
        location=location,
        service=service,
        day_from=first,
        day_to=last,
        practitioner=practitioner,
        rooms=rooms,
        appointments=busy,
    )
    now = timezone.now()
    freed = frozenset(
        (a.practitioner_id, a.starts_at)
        for a in appointments
        if a.status == AppointmentStatus.CANCELLED and a.starts_at > now
    )
    return bookable(found, service=service, now=now, keep=freed)


def location_grid(
    *, practice: Practice, location: Location, service: Service | None, first: dt.date, view: str
) -> Grid:
    """A location's week (practitioners as rows, days as columns) or day (rooms as columns)."""
    zone = zoneinfo.ZoneInfo(location.time_zone)
    days = WEEK_DAYS if view == "week" else 1
    last = first + dt.timedelta(days=days - 1)
    start, end = _bounds(first, days, zone)
    now = timezone.now()
    staff = practitioners_at(location=location)
    rooms: list[Room] = list(
        Room.objects.for_practice(practice).filter(location=location, is_active=True).order_by("name", "pk")
    )
    # one read for the grid and the slot engine: the location's appointments, and its
    # practitioners' and rooms' anywhere (their busy time)
    read = _appointments(
        practice,
        start=start,
        end=end,
        where=Q(location=location) | Q(practitioner_id__in=[p.pk for p in staff]) | Q(room__in=rooms),
    )
    appointments = _shown(read, start=start, location_id=location.pk)
    free = _free(
        practice=practice,
        location=location,
        service=service,
        first=first,
        last=last,
        appointments=appointments,
        busy=read,
        rooms=rooms,
    )
    waiting = _waiting(practice)
    names = Names({p.pk: p for p in staff}, {location.pk: location}, {r.pk: r for r in rooms}, service)
    entries = _entries(appointments, free, zone=zone, waiting=waiting, now=now, names=names)
    known = {p.pk for p in staff}
    heads: list[tuple[object, str]] = [(p.pk, p.display_name) for p in staff]
    # someone who booked here and no longer works here keeps their row
    for a in appointments:
        if a.practitioner_id not in known:
            known.add(a.practitioner_id)
            heads.append((a.practitioner.pk, a.practitioner.name))
    if view == "week":
        columns = _day_columns(first, days, local_today(zone))
        rows = _fill(
            entries,
            columns=columns,
            rows=heads,
            column_of=lambda e: e.starts.date(),
            row_of=_practitioner_of,
        )
    else:
        room_ids = {r.pk for r in rooms}
        columns = [Column(r.pk, r.name, first) for r in rooms]
        if not rooms or any(_room_of(e) not in room_ids for e in entries):
            columns.append(Column(None, _("No room"), first))
        rows = _fill(
            entries,
            columns=columns,
            rows=[(None, "")],
            column_of=lambda e: _room_of(e) if _room_of(e) in room_ids else None,
            row_of=lambda e: None,
        )
    return _grid(view, zone, first, last, columns, rows, service, entries, waiting)


def practitioner_grid(
    *,
    practice: Practice,
    practitioner: Practitioner,
    service: Service | None,
    first: dt.date,
    view: str,
    zone_name: str,
) -> Grid:
    """A practitioner's week or day: their locations as rows, days as columns."""
    zone = zoneinfo.ZoneInfo(zone_name)
    days = WEEK_DAYS if view == "week" else 1
    last = first + dt.timedelta(days=days - 1)
    start, end = _bounds(first, days, zone)
    now = timezone.now()
    locations = list(practitioner.locations.filter(is_active=True).order_by("name", "pk"))
    appointments = _shown(
        _appointments(practice, start=start, end=end, where=Q(practitioner=practitioner)), start=start
    )
    free: list[Slot] = []
    for location in locations:
        free += _free(
            practice=practice,
            location=location,
            service=service,
            first=first,
            last=last,
            practitioner=practitioner,
            appointments=appointments,
        )
    waiting = _waiting(practice)
    rooms = Room.objects.filter(location__in=locations, is_active=True)
    names = Names(
        {practitioner.pk: practitioner}, {loc.pk: loc for loc in locations}, {r.pk: r for r in rooms}, service
    )
    entries = _entries(appointments, free, zone=zone, waiting=waiting, now=now, names=names)
    known = {loc.pk for loc in locations}
    heads: list[tuple[object, str]] = [(loc.pk, loc.name) for loc in locations]
    for a in appointments:
        if a.location_id not in known:
            known.add(a.location_id)
            heads.append((a.location.pk, a.location.name))
    columns = _day_columns(first, days, local_today(zone))
    rows = _fill(
        entries,
        columns=columns,
        rows=heads,
        column_of=lambda e: e.starts.date(),
        row_of=_location_of,
    )
    return _grid(view, zone, first, last, columns, rows, service, entries, waiting)


def _grid(
    view: str,
    zone: zoneinfo.ZoneInfo,
    first: dt.date,
    last: dt.date,
    columns: list[Column],
    rows: list[Row],
    service: Service | None,
    entries: list[Entry],
    waiting: list[WaitlistEntry],
) -> Grid:
    return Grid(
        view=view,
        zone=zone,
        first=first,
        last=last,
        columns=columns,
        rows=rows,
        service=service,
        appointments=sum(1 for e in entries if e.appointment is not None),
        free=sum(1 for e in entries if e.slot is not None),
        waitlist_waiting=len(waiting),
    )
