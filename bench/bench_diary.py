"""Benchmark the diary pages (``.venv/bin/python bench/bench_diary.py``).

A client with five years of diary (a check-in most days, ~8 attacks a month, medication for
most of them) on a fresh test database (SQLite in memory, or DATABASE_URL if set). Requests go
through Django's test Client: the full middleware stack, session and authentication, URL
routing, view, template; no network. "Server time" runs from Django's ``request_started`` signal
to its ``request_finished`` signal (the handler: request object, middleware, view, response),
as a WSGI server would run it; the time of the whole test-client call (which also builds the
request's environ and encodes the form, work a browser and gunicorn do) is printed beside it.

Baseline, measured in the same run: a bare authenticated view (``client_required``, returns
"ok") added by this script through its own URLconf (the project's URLs plus one path).

Audit: every run has the audit trail on, as production does (the attack save writes its
``create`` entry through the history hook). Beside it, the save and a practitioner's view of the
client's month (a staff read, logged) are timed with audit switched off for that one call, so the
cost of the trail is a ratio measured in the same run (``audit on / off``).

Targets: attack save p95 within 1.5x the bare view; month view p95 under 50 ms; worker RSS
after warm-up under 150 MB.

Worker memory is measured on a real worker, not on this process (which also holds the test
tooling and the five-year fixture): a gunicorn master with one worker serves a small demo
practice from a scratch SQLite file on 127.0.0.1; after it has served every diary page and an
attack save over HTTP, the worker's VmRSS is read from /proc.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")

WARMUP = 30
RUNS = 300
YEARS = 5


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_rss_mb() -> tuple[float, float]:
    """(RSS of a warmed-up gunicorn worker, of its master) in MB, serving the demo on loopback."""
    import http.cookiejar
    import re
    import shutil
    import socket
    import subprocess
    import tempfile
    import urllib.parse
    import urllib.request

    root = Path(__file__).resolve().parents[1]
    scratch = tempfile.mkdtemp(prefix="headwise-bench-")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")},
        "HEADWISE_VAR_DIR": scratch,
        "HEADWISE_DEMO": "1",
    }
    python = sys.executable
    cli = [python, "-m", "headwise.cli"]
    quiet = {"env": env, "cwd": root, "check": True, "capture_output": True}
    subprocess.run([*cli, "migrate", "--verbosity", "0"], **quiet)  # noqa: S603
    subprocess.run([*cli, "collectstatic", "--noinput", "--verbosity", "0"], **quiet)  # noqa: S603
    subprocess.run([*cli, "demo-data", "--clients", "5", "--days", "365", "--seed", "1"], **quiet)  # noqa: S603
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = str(Path(python).with_name("gunicorn"))
    master = subprocess.Popen(  # noqa: S603
        [
            gunicorn,
            "headwise.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=root,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                page = opener.open(f"{base}/login/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer on 127.0.0.1")

        def post(path: str, form: str, data: dict[str, str]) -> str:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
            assert token, path
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
            request = urllib.request.Request(  # noqa: S310 - our own server on loopback
                f"{base}{path}", data=body, headers={"Referer": base + path}
            )
            return opener.open(request, timeout=10).read().decode()

        post("/login/", page, {"username": "client1@demo.headwise.test", "password": "demo-headwise-2026"})
        month = dt.datetime.now(dt.UTC).date()
        for _ in range(3):
            for path in ("/me/", f"/diary/month/{month:%Y-%m}/", f"/diary/month/{month:%Y-%m}/chart.svg"):
                opener.open(base + path, timeout=10).read()
        home = opener.open(f"{base}/diary/attack/", timeout=10).read().decode()
        post("/diary/attack/", home, {"request_id": str(uuid.uuid4())})
        children = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit()
            and (p / "stat").exists()
            and (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(master.pid)
        ]
        return max(_rss_of(pid) for pid in children), _rss_of(master.pid)
    finally:
        master.terminate()
        master.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_server_ms: list[float] = []
_request_began = [0.0]


def _on_request_started(**_: object) -> None:
    _request_began[0] = time.perf_counter()


def _on_request_finished(**_: object) -> None:
    _server_ms.append((time.perf_counter() - _request_began[0]) * 1000)


def timed_together(
    cases: list[tuple[Callable[[], object], Callable[[], object] | None]],
) -> list[tuple[list[float], list[float]]]:
    """Time every case RUNS times, interleaved: one call of each case per round.

    Returns ``(server ms, whole call ms)`` per case. Interleaving makes a slow moment of the
    machine (another process, a frequency change) fall on the baseline and on the pages
    alike, instead of on whichever block ran then. ``after`` (untimed) undoes what a call
    changed, e.g. deletes the attack a save made.
    """
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in cases]
    for round_ in range(WARMUP + RUNS):
        for (server, whole), (call, after) in zip(out, cases, strict=True):
            _server_ms.clear()
            started = time.perf_counter()
            call()
            elapsed = (time.perf_counter() - started) * 1000
            assert len(_server_ms) == 1, "one request per call"
            if round_ >= WARMUP:
                server.append(_server_ms[0])
                whole.append(elapsed)
            if after:
                after()
    return out


def build_diary(client: object, years: int) -> None:
    from headwise.diary.models import Attack, DailyCheckIn, MedicationIntake

    rng = random.Random(20260329)  # noqa: S311 - synthetic data
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=365 * years)
    checkins, attacks = [], []
    day = first
    while day < today:
        if rng.random() < 0.9:
            checkins.append(
                DailyCheckIn(
                    client=client, practice_id=client.practice_id, date=day, had_headache=False, stress=3
                )  # type: ignore[attr-defined]
            )
        if rng.random() < 8 / 30:
            start = dt.datetime.combine(day, dt.time(rng.randrange(0, 18)), tzinfo=dt.UTC)
            attacks.append(
                Attack(
                    client=client,
                    practice_id=client.practice_id,  # type: ignore[attr-defined]
                    started_at=start,
                    ended_at=start + dt.timedelta(hours=rng.randrange(1, 6)),
                    time_zone="Europe/Amsterdam",
                    peak_intensity=rng.randrange(2, 10),
                    side=rng.choice(["unilateral", "bilateral", ""]),
                    nausea=rng.choice([True, False, None]),
                )
            )
        day += dt.timedelta(days=1)
    DailyCheckIn.objects.bulk_create(checkins, batch_size=500)
    Attack.objects.bulk_create(attacks, batch_size=500)
    saved = Attack.objects.filter(client=client)
    MedicationIntake.objects.bulk_create(
        [
            MedicationIntake(
                client=client,
                practice_id=client.practice_id,  # type: ignore[attr-defined]
                attack=a,
                taken_at=a.started_at + dt.timedelta(minutes=30),
                name="sumatriptan",
                drug_class="triptan",
            )
            for a in saved
            if rng.random() < 0.7
        ],
        batch_size=500,
    )
    # The last two days stay free of attacks so "attack now" never overlaps.
    Attack.objects.filter(
        client=client, started_at__gte=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    ).delete()


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

    from headwise.accounts.access import client_required
    from headwise.diary.models import Attack, DailyCheckIn

    # Not setup_test_environment(): it makes every template render copy its context for the
    # test client, work a production server never does. Only what the test client needs:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    request_started.connect(_on_request_started)
    request_finished.connect(_on_request_finished)
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

    @client_required
    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    urls = types.ModuleType("bench_diary_urls")
    urls.urlpatterns = [path("bench/bare/", bare), path("", include(settings.ROOT_URLCONF))]  # type: ignore[attr-defined]
    sys.modules["bench_diary_urls"] = urls
    settings.ROOT_URLCONF = "bench_diary_urls"
    clear_url_caches()

    try:
        from tests import factories as f

        client = f.ClientFactory(user=f.UserFactory(), time_zone="UTC")
        started = time.perf_counter()
        build_diary(client, YEARS)
        setup_s = time.perf_counter() - started
        http = HttpClient()
        http.force_login(client.user, backend="django.contrib.auth.backends.ModelBackend")
        month = dt.datetime.now(dt.UTC).date().replace(day=1)
        last_month = (month - dt.timedelta(days=1)).replace(day=1)

        saved: list[str] = []

        def save() -> None:
            # As a browser sends a form without files: urlencoded, not the test client's multipart.
            body = urlencode({"request_id": str(uuid.uuid4())})
            response = http.post("/diary/attack/", body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, response.status_code
            saved[:] = [response["Location"]]

        def intensity() -> None:
            # Tap two, on the attack tap one saved: its first change (the history starts here).
            body = urlencode({"peak_intensity": "7"})
            response = http.post(saved[0], body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, response.status_code

        def undo_save() -> None:
            Attack.objects.filter(
                client=client, started_at__gte=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
            ).delete()

        def page(url: str, as_: HttpClient | None = None) -> Callable[[], None]:
            def get() -> None:
                response = (as_ or http).get(url)
                assert response.status_code == 200, (url, response.status_code)

            return get

        # audit: a practitioner of the client's practice reads the month (a logged staff read);
        # "audit off" runs one call with the history hook and the read rule switched off.
        from simple_history.signals import post_create_historical_record

        from headwise.audit import reads as audit_reads
        from headwise.audit import signals as audit_signals
        from headwise.audit.models import AuditEntry
        from headwise.diary import services as diary_services
        from headwise.practice.models import Role

        staff = f.MembershipFactory(practice=client.practice, role=Role.PRACTITIONER).user  # type: ignore[attr-defined]
        as_staff = HttpClient()
        as_staff.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")

        def audit_off(call: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                post_create_historical_record.disconnect(dispatch_uid="audit-history")
                record_read = audit_reads.record_read
                audit_reads.record_read = lambda request, response: None
                # The one-tap save writes its create entry itself (it writes no history row).
                record_created = diary_services.record_created
                diary_services.record_created = lambda instance, by: None
                try:
                    call()
                finally:
                    diary_services.record_created = record_created
                    audit_reads.record_read = record_read
                    post_create_historical_record.connect(
                        audit_signals.on_history, dispatch_uid="audit-history"
                    )

            return run

        staff_month = f"/clients/{client.uuid}/diary/{last_month:%Y-%m}/"  # type: ignore[attr-defined]

        cases = [
            ("bare authenticated view (GET)", page("/bench/bare/"), None, "/bench/bare/"),
            ("attack save: one tap (POST)", save, None, None),
            ("attack intensity: tap two (POST)", intensity, undo_save, None),
            (
                "month view, this month",
                page(f"/diary/month/{month:%Y-%m}/"),
                None,
                f"/diary/month/{month:%Y-%m}/",
            ),
            (
                "month view, last month",
                page(f"/diary/month/{last_month:%Y-%m}/"),
                None,
                f"/diary/month/{last_month:%Y-%m}/",
            ),
            ("month chart (SVG)", page(f"/diary/month/{last_month:%Y-%m}/chart.svg"), None, None),
            ("client home /me/", page("/me/"), None, "/me/"),
            ("attack save, audit off", audit_off(save), undo_save, None),
            ("staff month view (audited)", page(staff_month, as_staff), None, None),
            ("staff month view, audit off", audit_off(page(staff_month, as_staff)), None, None),
        ]
        audit_before = AuditEntry.objects.count()
        measured = timed_together([(call, after) for _, call, after, _ in cases])
        rows = [(name, times, url) for (name, _, _, url), times in zip(cases, measured, strict=True)]
        memory = rss_mb()
        bare_p95 = percentile(rows[0][1][0], 0.95)
        n_attacks = Attack.objects.filter(client=client).count()
        n_days = DailyCheckIn.objects.filter(client=client).count()
        print(
            f"diary: {YEARS} years, {n_days} check-ins, {n_attacks} attacks "
            f"(built in {setup_s:.1f} s); {RUNS} interleaved rounds after {WARMUP} warm-up; "
            f"database {connection.vendor}"
        )
        print(
            f"{'request (server time, ms)':34} {'p50':>7} {'p95':>7} {'p95/bare':>9} {'queries':>8}"
            f"   {'whole call p50':>14} {'p95':>7}"
        )
        for name, (server, whole), url in rows:
            queries = ""
            if url:
                with CaptureQueriesContext(connection) as captured:
                    http.get(url)
                queries = str(len(captured))
            print(
                f"{name:34} {statistics.median(server):7.2f} {percentile(server, 0.95):7.2f} "
                f"{percentile(server, 0.95) / bare_p95:9.2f} {queries:>8}"
                f"   {statistics.median(whole):14.2f} {percentile(whole, 0.95):7.2f}"
            )
        save_ratio = percentile(rows[1][1][0], 0.95) / bare_p95
        whole_ratio = percentile(rows[1][1][1], 0.95) / percentile(rows[0][1][1], 0.95)
        month_p95 = percentile(rows[3][1][0], 0.95)
        audit_written = AuditEntry.objects.count() - audit_before

        def p95(i: int) -> float:
            return percentile(rows[i][1][0], 0.95)

        def p50(i: int) -> float:
            return statistics.median(rows[i][1][0])

        worker, master = worker_rss_mb()
        print(
            f"worker RSS after warm-up: {worker:.0f} MB (gunicorn worker serving the pages over "
            f"HTTP; target < 150 MB; master {master:.0f} MB; this benchmark process {memory:.0f} MB)"
        )
        print(
            f"attack save p95 / bare p95: {save_ratio:.2f} in server time (target <= 1.5); "
            f"{whole_ratio:.2f} for the whole test-client call"
        )
        print(f"month view p95: {month_p95:.1f} ms of server time (target < 50 ms)")
        print(
            f"audit ON for every row above ({audit_written} entries written in the timed rounds). "
            f"attack save audit on/off: p50 {p50(1) / p50(7):.2f}, p95 {p95(1) / p95(7):.2f}; "
            f"staff month view on/off: p50 {p50(8) / p50(9):.2f}, p95 {p95(8) / p95(9):.2f}; "
            f"staff month view p95 {p95(8):.1f} ms"
        )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
