"""What each step of #14 bought, per request, measured with cProfile on the load run's database.

``python bench/load/steps.py`` (after ``make load`` built ``h_perf``; same environment variables).
Each configuration runs in its own process, so that the connection settings take effect as
they would in a server:

1. ``before``: a new database connection per request (``CONN_MAX_AGE`` 0) and the session row
   written on every request (``SESSION_SAVE_EVERY_REQUEST``), as main was;
2. ``pool``: psycopg's pool (headwise.common.dbconfig), session still written every time;
3. ``pool+session``: the pool, and no session write on a request that changes nothing.

Requests go through Django's WSGI handler itself (not the test client, which keeps the
connection open across requests and so would hide the first step): a client's month page and
the staff home, signed in by a session cookie. For each configuration the median wall time per
request, and cProfile's cumulative time per request in opening connections
(``psycopg.Connection.connect``) and saving sessions (``SessionBase.save``).
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("STEPS_RUNS", "150"))
CONFIGS = {
    "before": {"DATABASE_POOL": "0", "DATABASE_CONN_MAX_AGE": "0", "STEPS_SAVE_EVERY": "1"},
    "pool": {"DATABASE_POOL": "1", "STEPS_SAVE_EVERY": "1"},
    "pool+session": {"DATABASE_POOL": "1", "STEPS_SAVE_EVERY": "0"},
}


def measure() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.wsgi import WSGIHandler

    from headwise.accounts.models import User

    settings.SESSION_SAVE_EVERY_REQUEST = os.environ["STEPS_SAVE_EVERY"] == "1"
    handler = WSGIHandler()

    def cookie(email: str) -> str:
        user = User.objects.get(email=email)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    def call(path: str, session: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": session,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        body = handler(environ, lambda s, h, e=None: status.append(s))
        b"".join(body)
        body.close()  # request_finished: the connection is closed or given back here
        assert status[0].startswith("200"), (path, status)

    pages = [("client month", "/diary/month/", cookie("client1@demo.headwise.test"))]
    if os.environ.get("STEPS_STAFF", "1") == "1":
        pages.append(("staff home", "/staff/", cookie("owner@demo.headwise.test")))
    out: dict[str, object] = {}
    for name, path, session in pages:
        for _ in range(10):
            call(path, session)
        times = []
        profile = cProfile.Profile()
        for _ in range(RUNS):
            started = time.perf_counter()
            profile.enable()
            call(path, session)
            profile.disable()
            times.append((time.perf_counter() - started) * 1000)
        stats = pstats.Stats(profile)
        connect = save = 0.0
        for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
            cumulative = row[3]
            if function == "connect" and "psycopg" in filename and "connection.py" in filename:
                connect = max(connect, cumulative)
            if function == "save" and "sessions/backends/db.py" in filename:
                save = max(save, cumulative)
        out[name] = {
            "median_ms": round(statistics.median(times), 2),
            "connect_ms": round(1000 * connect / RUNS, 2),
            "session_save_ms": round(1000 * save / RUNS, 2),
        }
    return out


def main() -> int:
    if os.environ.get("STEPS_CHILD"):
        print(json.dumps(measure()))
        return 0
    base = dict(os.environ)
    base.update(
        DATABASE_URL=os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_perf"),
        SECRET_KEY=base.get("SECRET_KEY", "steps-run-only-" + "x" * 40),
        # The load run's static files (collected there by bench/load/run.py).
        HEADWISE_VAR_DIR=str(Path(os.environ.get("LOAD_OUT", ROOT / "var" / "load")) / "var"),
        PYTHONPATH=str(ROOT),
        STEPS_CHILD="1",
    )
    print(f"{'configuration':14} {'page':13} {'median ms':>10} {'connect ms':>11} {'session save ms':>16}")
    for config, extra in CONFIGS.items():
        result = subprocess.run(  # noqa: S603 - this script, in a child with other settings
            [sys.executable, __file__],
            env={**base, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        for page, row in json.loads(result.stdout.strip().splitlines()[-1]).items():
            print(
                f"{config:14} {page:13} {row['median_ms']:10.2f} {row['connect_ms']:11.2f} "
                f"{row['session_save_ms']:16.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
