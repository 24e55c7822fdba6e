"""The schedule's API list at two sizes of history (``.venv/bin/python bench/bench_appointments.py``).

Issue #14 found ``GET /api/appointments`` (the schedule from now on) growing with the number of
past appointments: it read them all to keep those that had not yet ended. Here two practices in
one database answer the same page (the same 30 appointments to come) while one has a short past
(746 appointments) and the other a long one (17,854): the list's server time is given as a ratio
to a bare authenticated staff view measured in the same interleaved rounds. Target: the ratio of
the long practice within 1.25x of the short one's (flat), i.e. the list no longer grows with the
past. Fresh test database: SQLite in memory, or DATABASE_URL if set (PostgreSQL is where the
plan matters; ``make bench`` runs what the environment gives).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")

WARMUP = 20
RUNS = 200
SIZES = (746, 17_854)
UPCOMING = 30
PAGE = "/api/appointments?limit=50"

_server_ms: list[float] = []
_began = [0.0]


def _started(**_: object) -> None:
    _began[0] = time.perf_counter()


def _finished(**_: object) -> None:
    _server_ms.append((time.perf_counter() - _began[0]) * 1000)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(past: int) -> object:
    """A practice with ``past`` appointments that have ended and UPCOMING still to come."""
    from headwise.care.models import Appointment
    from tests import factories as f

    membership = f.MembershipFactory(role="owner")
    practice = membership.practice
    practitioner = f.PractitionerFactory(membership=membership, practice=practice)
    location = f.LocationFactory(practice=practice)
    clients = f.ClientFactory.create_batch(20, practice=practice)
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    # Eight hourly slots a working day, going back as far as ``past`` needs; one practitioner.
    for i in range(past):
        day, slot = divmod(i, 8)
        start = today - dt.timedelta(days=day + 1) + dt.timedelta(hours=9 + slot)
        rows.append((start, clients[i % len(clients)]))
    for i in range(UPCOMING):
        start = today + dt.timedelta(days=i + 1, hours=10)
        rows.append((start, clients[i % len(clients)]))
    Appointment.objects.bulk_create(
        [
            Appointment(
                practice=practice,
                client=client,
                practitioner=practitioner,
                location=location,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=55),
            )
            for start, client in rows
        ],
        batch_size=1000,
    )
    return membership.user


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, include, path

    from headwise.accounts.access import staff_required

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_started.connect(_started)
    request_finished.connect(_finished)
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

    @staff_required
    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    urls = types.ModuleType("bench_appointments_urls")
    urls.urlpatterns = [path("bench/bare/", bare), path("", include(settings.ROOT_URLCONF))]  # type: ignore[attr-defined]
    sys.modules["bench_appointments_urls"] = urls
    settings.ROOT_URLCONF = "bench_appointments_urls"
    clear_url_caches()
    try:
        started = time.perf_counter()
        users = [build(n) for n in SIZES]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        setup_s = time.perf_counter() - started
        https = []
        for user in users:
            http = HttpClient()
            http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            https.append(http)

        def get(http: HttpClient, url: str) -> Callable[[], None]:
            def call() -> None:
                response = http.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return call

        cases = [("bare staff view", get(https[0], "/bench/bare/"))]
        for n, http in zip(SIZES, https, strict=True):
            cases.append((f"/api/appointments, {n:,} past", get(http, PAGE)))
        times: list[list[float]] = [[] for _ in cases]
        for round_ in range(WARMUP + RUNS):
            for out, (_, call) in zip(times, cases, strict=True):
                _server_ms.clear()
                call()
                if round_ >= WARMUP:
                    out.append(_server_ms[0])
        bare_p50 = statistics.median(times[0])
        print(
            f"appointments: {SIZES[0]:,} and {SIZES[1]:,} past, {UPCOMING} to come in each practice "
            f"(built in {setup_s:.1f} s); {RUNS} interleaved rounds after {WARMUP} warm-up; "
            f"database {connection.vendor}"
        )
        header = f"{'request (server time, ms)':34} {'p50':>7} {'p95':>7} {'p50/bare':>9}"
        print(f"{header} {'items':>6} {'queries':>8}")
        ratios = []
        for i, ((name, _), measured) in enumerate(zip(cases, times, strict=True)):
            http = https[max(0, i - 1)]
            url = "/bench/bare/" if i == 0 else PAGE
            with CaptureQueriesContext(connection) as captured:
                response = http.get(url)
            items = len(response.json()["items"]) if i else ""
            ratio = statistics.median(measured) / bare_p50
            if i:
                ratios.append(ratio)
            print(
                f"{name:34} {statistics.median(measured):7.2f} {percentile(measured, 0.95):7.2f} "
                f"{ratio:9.2f} {items!s:>6} {len(captured):>8}"
            )
        growth = ratios[1] / ratios[0]
        print(
            f"list/bare at {SIZES[1]:,} past over list/bare at {SIZES[0]:,}: {growth:.2f} "
            f"(target <= 1.25: flat as the past grows)"
        )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
