"""CPU per request type of the load mix, one request at a time, in one process.

``make load`` measures the server under 50 users; this measures what each of its request types
costs alone, so that a change can be weighed step by step (issue #14: "measure before and after
each step with a profiler"). It signs in a load client and a practitioner with Django's test
client and times each request type ``N`` times (CPU time of this process, wall time, queries).

Run it after ``make load`` (it uses that run's database and collected static files)::

    .venv/bin/python bench/load/profile_requests.py             # the table
    PROFILE="client page" .venv/bin/python bench/load/profile_requests.py   # + cProfile of it

Environment: ``LOAD_DATABASE_URL`` (default the load's ``h_perf``), ``LOAD_OUT`` (default
``var/load``), ``N`` (default 20), ``PROFILE`` (a regular expression of request names),
``SORT`` (cProfile's sort key, default ``cumulative``), ``LINES`` (default 60). It writes to
that database (``client5``'s check-in and an attack's intensity), which ``make load`` rebuilds.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("LOAD_OUT", ROOT / "var" / "load"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
os.environ["DATABASE_URL"] = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_perf")
os.environ.setdefault("SECRET_KEY", "profile-run-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("HEADWISE_VAR_DIR", str(OUT / "var"))
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from headwise.demo.loader import DOMAIN, PASSWORD  # noqa: E402
from headwise.diary.models import Attack  # noqa: E402

N = int(os.environ.get("N", "20"))
PROFILE = os.environ.get("PROFILE")
CHECKIN = re.compile(r"/diary/checkin/(\d{4}-\d{2}-\d{2})/")
CLIENT = re.compile(r'href="/clients/([0-9a-f-]{36})/"')


def sign_in(email: str) -> Client:
    """The password; then, when the practice asks for it (prepare.py turns two-step sign-in on
    for the staff), the code step with the code the staff member's authenticator shows now."""
    http = Client(HTTP_HOST="127.0.0.1")
    http.get("/login/")
    answer = http.post("/login/", {"username": email, "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"{email} could not sign in ({answer.status_code}): run `make load` first")
    if answer.headers.get("Location", "").startswith("/login/code/"):
        answer = http.post("/login/code/", {"code": _code_now(email)})
        if answer.status_code != 302 or answer.headers.get("Location", "").startswith("/login"):
            raise SystemExit(f"{email}: the code step answered {answer.status_code}")
    return http


def _code_now(email: str) -> str:
    """The TOTP code of a time step the server has not taken yet (RFC 6238, django-otp's own)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    if clock.t() <= device.last_t:  # this step's code was used: wait for the next one
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.05)
        clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{clock.token():0{device.digits}d}"


def measure(name: str, request: Callable[[], object]) -> None:
    request()  # warm: templates, caches
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        request()
    profile = cProfile.Profile() if PROFILE and re.search(PROFILE, name) else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    for _ in range(N):
        request()
    if profile:
        profile.disable()
    cpu_ms = (time.process_time() - cpu) / N * 1000
    wall_ms = (time.perf_counter() - wall) / N * 1000
    print(f"{name:24s} {cpu_ms:8.1f} {wall_ms:8.1f} {len(queries):8d}", flush=True)  # noqa: T201
    if profile:
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("LINES", "60")))


def main() -> int:
    email = f"client5@{DOMAIN}"
    client = sign_in(email)
    staff = sign_in(f"practitioner@{DOMAIN}")
    anonymous = Client(HTTP_HOST="127.0.0.1")
    header = f"{'request':24s} {'CPU ms':>8s} {'wall ms':>8s} {'queries':>8s}"
    print(f"{header}   (mean of {N}; profiled: {PROFILE or 'none'})")  # noqa: T201
    measure("sign-in page", lambda: anonymous.get("/login/"))
    measure("diary: attack form", lambda: client.get("/diary/attack/"))

    attack = str(
        Attack.objects.filter(client__email=email).order_by("-started_at").values_list("uuid", flat=True)[0]
    )
    measure("diary: attack page", lambda: client.get(f"/diary/attacks/{attack}/"))
    measure(
        "diary: intensity",
        lambda: client.post(f"/diary/attacks/{attack}/intensity/", {"peak_intensity": "5"}),
    )
    measure("diary: check-in form", lambda: client.get("/diary/checkin/", follow=True))
    day = CHECKIN.search(client.get("/diary/checkin/").headers.get("Location", ""))
    if day is not None:
        checkin = {"had_headache": "true", "stress": "4", "sleep_hours": "7", "sleep_quality": "3"}
        measure("diary: check in", lambda: client.post(f"/diary/checkin/{day.group(1)}/", checkin))
    measure("diary: month", lambda: client.get("/diary/month/"))
    measure("staff: home", lambda: staff.get("/staff/"))
    listing = staff.get("/clients/").content.decode()
    measure("staff: client list", lambda: staff.get("/clients/"))
    measure("staff: client search", lambda: staff.get("/clients/?q=van"))
    found = CLIENT.findall(listing)
    if not found:
        raise SystemExit("the client list shows no client")
    measure("staff: client page", lambda: staff.get(f"/clients/{found[0]}/"))
    measure("staff: client diary", lambda: staff.get(f"/clients/{found[0]}/diary/"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
