"""The slot engine: weekly hours minus exceptions, closures and bookings (with buffers), rooms,
in the location's time zone across the changes of the clocks; and the pure arithmetic beneath."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from headwise.care import intervals
from headwise.care.intervals import DayException, WeeklyHours
from headwise.care.models import AppointmentStatus
from headwise.care.slots import free_slots, nearby_free_slots
from headwise.practice.models import Service
from tests import factories as f

UTC = dt.UTC
AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
#: Slots before this are left out by the engine; all the dates here lie after it.
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=UTC)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- the pure arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "zone", "start_utc"),
    [
        (dt.date(2026, 3, 28), AMS, utc(2026, 3, 28, 8)),  # CET, UTC+1
        (dt.date(2026, 3, 29), AMS, utc(2026, 3, 29, 7)),  # CEST from 02:00 that night
        (dt.date(2026, 10, 24), AMS, utc(2026, 10, 24, 7)),
        (dt.date(2026, 10, 25), AMS, utc(2026, 10, 25, 8)),  # back to CET
        (dt.date(2026, 3, 7), NYC, utc(2026, 3, 7, 14)),  # EST, UTC-5
        (dt.date(2026, 3, 8), NYC, utc(2026, 3, 8, 13)),  # EDT from that night
        (dt.date(2026, 11, 1), NYC, utc(2026, 11, 1, 14)),  # back to EST
    ],
)
def test_nine_to_five_is_eight_hours_from_nine_local_on_change_days_too(day, zone, start_utc) -> None:
    hours = [WeeklyHours(day.weekday(), dt.time(9), dt.time(17))]
    windows = intervals.availability(day_from=day, day_to=day, zone=zone, hours=hours, exceptions=[])
    assert windows == [(start_utc, start_utc + dt.timedelta(hours=8))]


def test_a_night_across_the_autumn_change_lasts_an_hour_longer() -> None:
    day = dt.date(2026, 10, 25)
    hours = [WeeklyHours(day.weekday(), dt.time(1), dt.time(4))]
    [(start, end)] = intervals.availability(day_from=day, day_to=day, zone=AMS, hours=hours, exceptions=[])
    assert end - start == dt.timedelta(hours=4)
    spring = dt.date(2026, 3, 29)
    hours = [WeeklyHours(spring.weekday(), dt.time(1), dt.time(4))]
    [(start, end)] = intervals.availability(
        day_from=spring, day_to=spring, zone=AMS, hours=hours, exceptions=[]
    )
    assert end - start == dt.timedelta(hours=2)


def test_exceptions_and_closures_change_the_day() -> None:
    monday = dt.date(2026, 6, 15)
    hours = [WeeklyHours(0, dt.time(9), dt.time(12)), WeeklyHours(0, dt.time(13), dt.time(17))]
    assert intervals.day_window_times(monday, hours=hours, exceptions=[], closed=False) == [
        (dt.time(9), dt.time(12)),
        (dt.time(13), dt.time(17)),
    ]
    assert (
        intervals.day_window_times(monday, hours=hours, exceptions=[DayException(monday)], closed=False) == []
    )
    late = DayException(monday, dt.time(14), dt.time(20))
    assert intervals.day_window_times(monday, hours=hours, exceptions=[late], closed=False) == [
        (dt.time(14), dt.time(20))
    ]
    assert intervals.day_window_times(monday, hours=hours, exceptions=[late], closed=True) == []
    other_day = DayException(monday + dt.timedelta(days=7))
    assert len(intervals.day_window_times(monday, hours=hours, exceptions=[other_day], closed=False)) == 2
    dated = [WeeklyHours(0, dt.time(9), dt.time(12), valid_from=monday + dt.timedelta(days=1))]
    assert intervals.day_window_times(monday, hours=dated, exceptions=[], closed=False) == []


def test_occupancy_answers_overlaps_and_lets_back_to_back_pass() -> None:
    busy = intervals.Occupancy(
        [(utc(2026, 6, 15, 10), utc(2026, 6, 15, 11)), (utc(2026, 6, 15, 13), utc(2026, 6, 15, 14))]
    )
    assert busy.is_free(utc(2026, 6, 15, 9), utc(2026, 6, 15, 10))
    assert busy.is_free(utc(2026, 6, 15, 11), utc(2026, 6, 15, 13))
    assert not busy.is_free(utc(2026, 6, 15, 10, 59), utc(2026, 6, 15, 11, 30))
    assert not busy.is_free(utc(2026, 6, 15, 9), utc(2026, 6, 15, 15))
    assert not busy.is_free(utc(2026, 6, 15, 13, 15), utc(2026, 6, 15, 13, 30))


# --- the engine over the database ----------------------------------------------------------


@pytest.fixture
def place(db: Any) -> dict[str, Any]:
    """A practice whose practitioner works 09:00-12:00 every day at an Amsterdam location with
    two rooms, offering a CST session (60 min + 15 buffer) and a review (30 min)."""
    practice = f.PracticeFactory()
    location = f.LocationFactory(practice=practice, time_zone="Europe/Amsterdam")
    rooms = [f.RoomFactory(location=location, practice=practice, name=n) for n in ("A", "B")]
    practitioner = f.PractitionerFactory(membership__practice=practice)
    practitioner.locations.add(location)
    cst = f.ServiceFactory(practice=practice, name="CST session", duration_minutes=60, buffer_minutes=15)
    review = f.ServiceFactory(practice=practice, name="Review", duration_minutes=30)
    practitioner.services.set([cst, review])
    for weekday in range(7):
        f.WorkingHoursFactory(
            practitioner=practitioner, location=location, weekday=weekday, starts=dt.time(9), ends=dt.time(12)
        )
    return {
        "practice": practice,
        "location": location,
        "rooms": rooms,
        "practitioner": practitioner,
        "cst": cst,
        "review": review,
    }


def slots_of(place: dict[str, Any], day: dt.date, service: Service | None = None, **kw: Any) -> list[Any]:
    return free_slots(
        practice=place["practice"],
        location=place["location"],
        service=service or place["cst"],
        day_from=day,
        day_to=kw.pop("day_to", day),
        not_before=LONG_AGO,
        **kw,
    )


def local_times(slots: list[Any], zone: ZoneInfo = AMS) -> list[str]:
    return [s.starts_at.astimezone(zone).strftime("%a %H:%M") for s in slots]


def test_it_lays_slots_on_a_quarter_hour_grid_inside_the_hours(place) -> None:
    day = dt.date(2026, 6, 15)
    found = slots_of(place, day)
    assert local_times(found) == [f"Mon {h:02d}:{m:02d}" for h in (9, 10) for m in (0, 15, 30, 45)] + [
        "Mon 11:00"
    ]
    assert {s.room_id for s in found} == {place["rooms"][0].pk}
    assert all(s.ends_at - s.starts_at == dt.timedelta(hours=1) for s in found)
    assert all(s.starts_at.tzinfo is not None and s.starts_at.utcoffset() == dt.timedelta(0) for s in found)


def test_slots_keep_their_local_times_across_both_changes_of_the_clocks(place) -> None:
    for first, last in (
        (dt.date(2026, 3, 28), dt.date(2026, 3, 30)),
        (dt.date(2026, 10, 24), dt.date(2026, 10, 26)),
    ):
        found = slots_of(place, first, day_to=last)
        by_day: dict[dt.date, list[str]] = {}
        for s in found:
            local = s.starts_at.astimezone(AMS)
            by_day.setdefault(local.date(), []).append(local.strftime("%H:%M"))
        assert len(by_day) == 3
        assert all(times == next(iter(by_day.values())) for times in by_day.values())
        # ...while the instants move by the change of offset
        utc_hours = sorted({s.starts_at.hour for s in found if s.starts_at.astimezone(AMS).minute == 0})
        assert len(utc_hours) > 3


def test_a_new_york_location_counts_in_its_own_zone(place) -> None:
    practice, practitioner = place["practice"], place["practitioner"]
    nyc = f.LocationFactory(practice=practice, name="Stamford", time_zone="America/New_York")
    practitioner.locations.add(nyc)
    f.WorkingHoursFactory(
        practitioner=practitioner, location=nyc, weekday=6, starts=dt.time(13), ends=dt.time(15)
    )
    day = dt.date(2026, 3, 8)  # a Sunday: New York moves to EDT at 02:00
    found = free_slots(
        practice=practice,
        location=nyc,
        service=place["review"],
        day_from=day,
        day_to=day,
        not_before=LONG_AGO,
    )
    assert local_times(found, NYC)[0] == "Sun 13:00"
    assert found[0].starts_at == utc(2026, 3, 8, 17)
    assert local_times(found, NYC)[-1] == "Sun 14:30"
    assert found[0].room_id is None  # the location has no rooms


def test_an_appointment_and_its_buffer_take_their_time(place) -> None:
    day = dt.date(2026, 6, 15)
    client = f.ClientFactory(practice=place["practice"])
    f.AppointmentFactory(
        client=client,
        practice=place["practice"],
        practitioner=place["practitioner"],
        location=place["location"],
        room=place["rooms"][0],
        service=place["cst"],
        starts_at=dt.datetime(2026, 6, 15, 10, tzinfo=AMS),
        ends_at=dt.datetime(2026, 6, 15, 11, tzinfo=AMS),
    )
    # a CST session needs 60 + 15 minutes: none fits before 10:00, the first after is 11:15... which
    # would end after 12:00; so no CST slot is left that day
    assert slots_of(place, day) == []
    # a 30-minute review without buffer fits before; after, the CST buffer keeps 11:00-11:15
    assert local_times(slots_of(place, day, place["review"])) == [
        "Mon 09:00",
        "Mon 09:15",
        "Mon 09:30",
        "Mon 11:15",
        "Mon 11:30",
    ]


def test_a_cancelled_appointment_frees_its_time(place) -> None:
    day = dt.date(2026, 6, 15)
    f.AppointmentFactory(
        client=f.ClientFactory(practice=place["practice"]),
        practice=place["practice"],
        practitioner=place["practitioner"],
        location=place["location"],
        starts_at=dt.datetime(2026, 6, 15, 9, tzinfo=AMS),
        ends_at=dt.datetime(2026, 6, 15, 12, tzinfo=AMS),
        status=AppointmentStatus.CANCELLED,
    )
    assert len(slots_of(place, day)) == 9


def test_each_slot_gets_a_free_room_and_none_is_offered_without_one(place) -> None:
    day = dt.date(2026, 6, 15)
    practice, location = place["practice"], place["location"]
    colleagues = []
    for room in place["rooms"]:
        colleague = f.PractitionerFactory(membership__practice=practice)
        colleague.locations.add(location)
        colleagues.append(colleague)
        f.AppointmentFactory(
            client=f.ClientFactory(practice=practice),
            practice=practice,
            practitioner=colleague,
            location=location,
            room=room,
            starts_at=dt.datetime(2026, 6, 15, 9, tzinfo=AMS),
            ends_at=dt.datetime(2026, 6, 15, 10, tzinfo=AMS),
        )
        if room.name == "A":
            assert {s.room_id for s in slots_of(place, day) if s.starts_at.astimezone(AMS).hour == 9} == {
                place["rooms"][1].pk
            }
    # both rooms busy until 10:00: the practitioner is free, but there is no room
    assert local_times(slots_of(place, day))[0] == "Mon 10:00"


def test_away_days_exception_hours_and_closures(place) -> None:
    practice, location, practitioner = place["practice"], place["location"], place["practitioner"]
    monday = dt.date(2026, 6, 15)
    f.AvailabilityExceptionFactory(practitioner=practitioner, date=monday)  # away everywhere
    f.AvailabilityExceptionFactory(
        practitioner=practitioner,
        location=location,
        date=monday + dt.timedelta(days=1),
        starts=dt.time(14),
        ends=dt.time(16),
    )
    other = f.LocationFactory(practice=practice)
    f.AvailabilityExceptionFactory(
        practitioner=practitioner, location=other, date=monday + dt.timedelta(days=2)
    )
    f.ClosureFactory(
        practice=practice,
        location=location,
        first_day=monday + dt.timedelta(days=3),
        last_day=monday + dt.timedelta(days=3),
    )
    f.ClosureFactory(
        practice=practice,
        location=None,
        first_day=monday + dt.timedelta(days=4),
        last_day=monday + dt.timedelta(days=4),
    )
    f.ClosureFactory(
        practice=practice,
        location=other,
        first_day=monday + dt.timedelta(days=5),
        last_day=monday + dt.timedelta(days=5),
    )
    days: dict[str, list[str]] = {}
    for s in slots_of(place, monday, place["review"], day_to=monday + dt.timedelta(days=5)):
        local = s.starts_at.astimezone(AMS)
        days.setdefault(local.strftime("%a"), []).append(local.strftime("%H:%M"))
    assert "Mon" not in days  # away
    assert days["Tue"][0] == "14:00" and days["Tue"][-1] == "15:30"  # only the exception's hours
    assert days["Wed"][0] == "09:00"  # away at another location only
    assert "Thu" not in days and "Fri" not in days  # closed here, closed everywhere
    assert days["Sat"][0] == "09:00"  # the other location's closure


def test_only_practitioners_who_offer_the_service_and_work_there(place) -> None:
    practice, location = place["practice"], place["location"]
    other = f.PractitionerFactory(membership__practice=practice)
    other.locations.add(location)
    f.WorkingHoursFactory(
        practitioner=other, location=location, weekday=0, starts=dt.time(9), ends=dt.time(12)
    )
    day = dt.date(2026, 6, 15)
    assert {s.practitioner_id for s in slots_of(place, day)} == {place["practitioner"].pk}
    other.services.add(place["cst"])
    assert {s.practitioner_id for s in slots_of(place, day)} == {place["practitioner"].pk, other.pk}
    assert {s.practitioner_id for s in slots_of(place, day, practitioner=other)} == {other.pk}
    other.locations.remove(location)
    assert {s.practitioner_id for s in slots_of(place, day)} == {place["practitioner"].pk}


def test_slots_in_the_past_are_left_out(place) -> None:
    day = dt.date(2026, 6, 15)
    found = free_slots(
        practice=place["practice"],
        location=place["location"],
        service=place["cst"],
        day_from=day,
        day_to=day,
        not_before=dt.datetime(2026, 6, 15, 10, 10, tzinfo=AMS),
    )
    assert local_times(found) == ["Mon 10:15", "Mon 10:30", "Mon 10:45", "Mon 11:00"]


def test_a_constant_number_of_queries_whatever_the_bookings(place, django_assert_num_queries) -> None:
    practice, location, practitioner = place["practice"], place["location"], place["practitioner"]
    first, half = dt.date(2026, 6, 1), dt.timedelta(minutes=30)

    def book(first_i: int, n: int) -> None:
        for i in range(first_i, first_i + n):
            day = first + dt.timedelta(days=i % 28)
            f.AppointmentFactory(
                client=f.ClientFactory(practice=practice),
                practice=practice,
                practitioner=practitioner,
                location=location,
                service=place["review"],
                starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=AMS) + half * (i // 28),
                ends_at=dt.datetime.combine(day, dt.time(9), tzinfo=AMS) + half * (i // 28 + 1),
            )

    book(0, 2)
    with django_assert_num_queries(6):
        few = slots_of(place, first, day_to=first + dt.timedelta(days=27))
    book(2, 54)  # distinct half hours (PostgreSQL's exclusion constraint refuses a double booking)
    with django_assert_num_queries(6):
        many = slots_of(place, first, day_to=first + dt.timedelta(days=27))
    assert len(many) < len(few)


def test_nearby_slots_are_the_closest_free_ones(place) -> None:
    practice, location, practitioner = place["practice"], place["location"], place["practitioner"]
    f.AppointmentFactory(
        client=f.ClientFactory(practice=practice),
        practice=practice,
        practitioner=practitioner,
        location=location,
        service=place["cst"],
        starts_at=dt.datetime(2026, 6, 15, 9, 30, tzinfo=AMS),
        ends_at=dt.datetime(2026, 6, 15, 10, 30, tzinfo=AMS),
    )
    from headwise.care.models import Appointment

    wanted = Appointment(
        practice=practice,
        practitioner=practitioner,
        location=location,
        service=place["review"],
        starts_at=dt.datetime(2026, 6, 15, 10, tzinfo=AMS),
        ends_at=dt.datetime(2026, 6, 15, 10, 30, tzinfo=AMS),
    )
    near = nearby_free_slots(practice=practice, appointment_like=wanted, n=3, not_before=LONG_AGO)
    # busy 09:30-10:45 (buffer): 10:45 is 45 min away, 09:00 60 min, 11:00 60 min
    assert local_times(near) == ["Mon 10:45", "Mon 09:00", "Mon 11:00"]


def test_the_appointments_a_caller_read_give_the_same_slots_as_the_engines_own_read(place) -> None:
    """The calendar's week hands the engine the appointments it read for the grid (one query
    fewer): the busy time must be the same, the practitioner's bookings at another location,
    another practitioner's in one of the rooms, cancelled ones and the buffer after a booking
    included."""
    from django.db.models import Q

    from headwise.care import calendar
    from headwise.practice.models import Room

    practice, location, practitioner = place["practice"], place["location"], place["practitioner"]
    elsewhere = f.LocationFactory(practice=practice, time_zone="Europe/Amsterdam")
    colleague = f.PractitionerFactory(membership__practice=practice)
    colleague.locations.add(location)
    # A second colleague: one practitioner cannot be in both rooms at once (PostgreSQL's
    # exclusion constraint refuses it), two colleagues can.
    second = f.PractitionerFactory(membership__practice=practice)
    second.locations.add(location)
    day = dt.date(2026, 6, 15)

    def book(who: Any, where: Any, start: dt.time, minutes: int, **kw: Any) -> None:
        starts = dt.datetime.combine(day, start, tzinfo=AMS)
        f.AppointmentFactory(
            client=f.ClientFactory(practice=practice),
            practice=practice,
            practitioner=who,
            location=where,
            service=kw.pop("service", place["cst"]),
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes),
            **kw,
        )

    book(practitioner, elsewhere, dt.time(9), 60)  # busy elsewhere, buffer to 10:15
    book(colleague, location, dt.time(10, 30), 30, room=place["rooms"][0], service=place["review"])
    book(second, location, dt.time(10, 30), 30, room=place["rooms"][1], service=place["review"])
    book(practitioner, location, dt.time(11), 60, status=AppointmentStatus.CANCELLED)
    own = slots_of(place, day)
    start, end = calendar._bounds(day, 1, AMS)
    rooms = list(Room.objects.filter(location=location, is_active=True).order_by("name", "pk"))
    read = calendar._appointments(
        practice,
        start=start,
        end=end,
        where=Q(location=location)
        | Q(practitioner_id__in=[practitioner.pk, colleague.pk, second.pk])
        | Q(room__in=rooms),
    )
    assert len(read) == 4
    handed = slots_of(place, day, rooms=rooms, appointments=read)
    assert handed == own
    # 09:00-10:15 busy elsewhere (with the buffer), 10:30-11:00 both rooms taken, 11:00 freed
    assert local_times(own) == ["Mon 11:00"]
