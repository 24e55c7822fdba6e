"""Benchmark one client's outcome pages (``.venv/bin/python bench/bench_outcomes.py``).

A client with a year of diary (tests/outcomes/diary.py: a check-in most days, about five
migraine attacks a month, a triptan for most, a plan of weekly then fortnightly sessions) on a
fresh test database (SQLite in memory, or DATABASE_URL if set). Requests go through Django's
test Client, timed from ``request_started`` to ``request_finished`` (server time, as in
bench_diary.py).

Baseline, measured in the same run and interleaved with it: the same client's plain diary
month page (``/diary/month/``), which reads one month through the same clinical engine. The
outcomes page is timed twice: as a repeat visit finds it (its plot in the cache, keyed by the
plot's content) and with the cache cleared before each request (the plot drawn).

Targets: the "how am I doing" page under 300 ms p95 (server time), reported with its ratio to the
month page; one report PDF (``/me/report.pdf``: the analysis, three figures, WeasyPrint) under 1.5 s.
"""

from __future__ import annotations

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
PDF_RUNS = 10

_server_ms: list[float] = []
_began = [0.0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _started(**_: object) -> None:
    _began[0] = time.perf_counter()


def _finished(**_: object) -> None:
    _server_ms.append((time.perf_counter() - _began[0]) * 1000)


def timed(cases: list[Callable[[], object]], runs: int) -> list[list[float]]:
    """Server ms of each case, ``runs`` interleaved rounds after :data:`WARMUP`."""
    out: list[list[float]] = [[] for _ in cases]
    for round_ in range(WARMUP + runs):
        for times, call in zip(out, cases, strict=True):
            _server_ms.clear()
            call()
            assert len(_server_ms) == 1, "one request per call"
            if round_ >= WARMUP:
                times.append(_server_ms[0])
    return out


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_started.connect(_started)
    request_finished.connect(_finished)
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests import factories as f
        from tests.outcomes.diary import build_year

        practice = f.PracticeFactory()
        practitioner = f.PractitionerFactory(membership__practice=practice)
        client = f.ClientFactory(practice=practice, user=f.UserFactory(), assigned_practitioner=practitioner)
        started = time.perf_counter()
        made = build_year(client, practitioner, days=365)
        setup_s = time.perf_counter() - started
        from django.core.cache import cache

        http = HttpClient()
        http.force_login(client.user, backend="django.contrib.auth.backends.ModelBackend")

        def get(url: str, kind: str = "text/html") -> Callable[[], None]:
            def call() -> None:
                response = http.get(url)
                assert response.status_code == 200, (url, response.status_code)
                assert response["Content-Type"].startswith(kind), response["Content-Type"]

            return call

        def cold() -> None:
            cache.clear()  # before the request: not in its server time
            get("/me/outcomes/")()

        cases = {
            "diary month page /diary/month/ (baseline)": "/diary/month/",
            "how am I doing /me/outcomes/ (plot cached)": "/me/outcomes/",
            "how am I doing, plot drawn (cache cleared)": "/me/outcomes/",
        }
        pages = timed([get("/diary/month/"), get("/me/outcomes/"), cold], RUNS)

        def cold_pdf() -> None:
            cache.clear()
            get("/me/report.pdf", "application/pdf")()

        pdf_ms, pdf_cold_ms = timed([get("/me/report.pdf", "application/pdf"), cold_pdf], PDF_RUNS)
        print(
            f"diary: 365 days, {made['checkins']} check-ins, {made['attacks']} attacks, "
            f"{len(made['sessions'])} sessions (built in {setup_s:.1f} s); database {connection.vendor}; "
            f"{RUNS} interleaved rounds after {WARMUP} warm-up"
        )
        print(f"{'request (server time, ms)':44} {'p50':>8} {'p95':>8} {'p95/month':>10} {'queries':>8}")
        month_p95 = percentile(pages[0], 0.95)
        for (name, url), times in zip(cases.items(), pages, strict=True):
            with CaptureQueriesContext(connection) as captured:
                http.get(url)
            p95 = percentile(times, 0.95)
            print(
                f"{name:44} {statistics.median(times):8.1f} {p95:8.1f} {p95 / month_p95:10.2f} "
                f"{len(captured):8d}"
            )
        with CaptureQueriesContext(connection) as captured:
            http.get("/me/report.pdf")
        for name, times in (("report PDF (plots cached)", pdf_ms), ("report PDF, plots drawn", pdf_cold_ms)):
            print(
                f"{name:44} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
                f"{percentile(times, 0.95) / month_p95:10.2f} {len(captured):8d}   ({PDF_RUNS} runs)"
            )
        print(
            f"outcomes page p95: {percentile(pages[1], 0.95):.0f} ms with its plot cached, "
            f"{percentile(pages[2], 0.95):.0f} ms drawing it (server time; target < 300 ms)"
        )
        print(
            f"report PDF p95: {percentile(pdf_ms, 0.95) / 1000:.2f} s with its plots cached, "
            f"{percentile(pdf_cold_ms, 0.95) / 1000:.2f} s drawing them (target < 1.5 s)"
        )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
