"""Benchmark the calendar's week view (``.venv/bin/python bench/bench_calendar.py``).

A location with 3 practitioners, 2 rooms and a year of bookings (weekdays 09:00-17:00, seven
one-hour appointments a day each: about 5,400, a tenth of them cancelled), working hours for all
three, the starter services and a waiting list, on a fresh test database (SQLite in memory, or
DATABASE_URL if set). Requests go through Django's test Client as the front desk, timed from
``request_started`` to ``request_finished`` (server time, as in bench_outcomes.py).

Baseline, measured in the same run and interleaved with it: the bare authenticated view, the
signed-in user's settings page (``/settings/``: the sign-in middleware, one form, the base
template), and the same week view of an empty location (the page's fixed cost).

Target: the week view's p95 within 3x the bare view's; the same number of queries for a week
with few bookings and a full one. Beside the wall time, the median CPU time of this process per
request (``time.process_time``: the view, the templates, SQLite's own work; not PostgreSQL's
server), which says more than wall time on a shared machine.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")

WARMUP = 5
RUNS = 40
PER_DAY = 7  # one-hour appointments a practitioner has on a weekday
WEEKS = 52

_server_ms: list[float] = []
_cpu_ms: list[float] = []
_began = [0.0, 0.0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _started(**_: object) -> None:
    _began[0] = time.perf_counter()
    _began[1] = time.process_time()


def _finished(**_: object) -> None:
    _server_ms.append((time.perf_counter() - _began[0]) * 1000)
    _cpu_ms.append((time.process_time() - _began[1]) * 1000)


def timed(cases: list[Callable[[], object]], runs: int) -> tuple[list[list[float]], list[list[float]]]:
    """Server wall time and this process's CPU time of each request, per case (ms)."""
    out: list[list[float]] = [[] for _ in cases]
    cpu: list[list[float]] = [[] for _ in cases]
    for round_ in range(WARMUP + runs):
        for times, cpu_times, call in zip(out, cpu, cases, strict=True):
            _server_ms.clear()
            _cpu_ms.clear()
            call()
            assert len(_server_ms) == 1, "one request per call"
            if round_ >= WARMUP:
                times.append(_server_ms[0])
                cpu_times.append(_cpu_ms[0])
    return out, cpu


def build(practice: object, *, location: object, practitioners: list[object], first_monday: dt.date) -> int:
    """A year of weekday bookings at ``location``, written in bulk (the bench times reads)."""
    from zoneinfo import ZoneInfo

    from headwise.care.models import Appointment, AppointmentStatus
    from headwise.practice.models import Room, Service
    from tests import factories as f

    zone = ZoneInfo(location.time_zone)  # type: ignore[attr-defined]
    rooms = list(Room.objects.filter(location=location))
    service = Service.objects.for_practice(practice).get(name="CST session")
    clients = [f.ClientFactory(practice=practice) for _ in range(60)]
    rows = []
    n = 0
    for week in range(WEEKS):
        for weekday in range(5):
            day = first_monday + dt.timedelta(days=7 * week + weekday)
            for p_index, practitioner in enumerate(practitioners):
                for slot in range(PER_DAY):
                    starts = dt.datetime.combine(day, dt.time(9 + slot), tzinfo=zone)
                    n += 1
                    rows.append(
                        Appointment(
                            practice=practice,
                            client=clients[n % len(clients)],
                            practitioner=practitioner,
                            location=location,
                            room=rooms[p_index] if p_index < len(rooms) else None,
                            service=service,
                            starts_at=starts,
                            ends_at=starts + dt.timedelta(minutes=60),
                            status=AppointmentStatus.CANCELLED if n % 10 == 0 else AppointmentStatus.BOOKED,
                        )
                    )
    Appointment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_started.connect(_started)
    request_finished.connect(_finished)
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from headwise.care.models import Appointment
        from headwise.practice.models import Role
        from headwise.practice.services import services_seed
        from tests import factories as f

        practice = f.PracticeFactory()
        offered = services_seed(practice=practice)
        location = f.LocationFactory(practice=practice, name="Stamford")
        empty = f.LocationFactory(practice=practice, name="Westport")
        for name in ("Room 1", "Room 2"):
            f.RoomFactory(location=location, practice=practice, name=name)
        practitioners = [f.PractitionerFactory(membership__practice=practice) for _ in range(3)]
        for p in practitioners:
            p.locations.add(location)
            p.services.set(offered)
            for weekday in range(5):
                f.WorkingHoursFactory(practitioner=p, location=location, weekday=weekday)
        desk = f.MembershipFactory(practice=practice, role=Role.FRONT_DESK)
        for i in range(12):
            f.WaitlistEntryFactory(
                client=f.ClientFactory(practice=practice), service=offered[0] if i % 2 else None
            )
        today = timezone.now().date()
        first_monday = today - dt.timedelta(days=today.weekday() + 7 * (WEEKS // 2))
        started = time.perf_counter()
        made = build(practice, location=location, practitioners=practitioners, first_monday=first_monday)
        setup_s = time.perf_counter() - started

        http = HttpClient()
        http.force_login(desk.user, backend="django.contrib.auth.backends.ModelBackend")
        # a week ahead of today: free slots are computed, every weekday is full of bookings
        week_day = today + dt.timedelta(days=7)
        week = f"/calendar/locations/{location.uuid}/week/{week_day.isoformat()}/"
        bare = "/settings/"
        empty_week = f"/calendar/locations/{empty.uuid}/week/{week_day.isoformat()}/"

        def get(url: str) -> Callable[[], None]:
            def call() -> None:
                response = http.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return call

        cases = {
            "bare authenticated view /settings/ (baseline)": bare,
            "week view, empty location": empty_week,
            "week view, 3 practitioners, a year booked": week,
        }
        results, cpu = timed([get(u) for u in cases.values()], RUNS)

        def queries(url: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                get(url)()
            return len(captured)

        monday = week_day - dt.timedelta(days=week_day.weekday())
        in_week = Appointment.objects.filter(
            location=location,
            starts_at__gte=dt.datetime.combine(monday, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1),
            starts_at__lt=dt.datetime.combine(monday, dt.time.min, tzinfo=dt.UTC) + dt.timedelta(days=8),
        ).count()
        full_queries = queries(week)
        # the same week with a tenth of its bookings: the query count must not change
        ids = list(
            Appointment.objects.filter(
                location=location,
                starts_at__gte=dt.datetime.combine(monday, dt.time.min, tzinfo=dt.UTC),
                starts_at__lt=dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=dt.UTC),
            ).values_list("pk", flat=True)
        )
        Appointment.objects.filter(pk__in=ids[len(ids) // 10 :]).delete()
        few_queries = queries(week)

        print(
            f"location: 3 practitioners, 2 rooms, {made} appointments over {WEEKS} weeks "
            f"(built in {setup_s:.1f} s), about {in_week} in the week shown; database {connection.vendor}; "
            f"{RUNS} interleaved rounds after {WARMUP} warm-up"
        )
        head = f"{'p50':>8} {'p95':>8} {'p95/bare':>9} {'cpu p50':>8} {'queries':>8}"
        print(f"{'request (server time, ms)':46} {head}")
        bare_p95 = percentile(results[0], 0.95)
        for (name, url), times, cpu_times in zip(cases.items(), results, cpu, strict=True):
            p95 = percentile(times, 0.95)
            count = full_queries if url == week else queries(url)
            print(
                f"{name:46} {statistics.median(times):8.1f} {p95:8.1f} {p95 / bare_p95:9.2f} "
                f"{statistics.median(cpu_times):8.1f} {count:8d}"
            )
        ratio = percentile(results[2], 0.95) / bare_p95
        print(
            f"week view p95 {percentile(results[2], 0.95):.0f} ms = {ratio:.2f}x the bare view "
            f"(target within 3x: {'met' if ratio <= 3 else 'NOT met'})"
        )
        print(
            f"queries of the week view: {full_queries} with {len(ids)} bookings in the week, "
            f"{few_queries} with {len(ids) - len(ids[len(ids) // 10 :])} "
            f"({'equal' if full_queries == few_queries else 'NOT equal'})"
        )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
