"""The server side of the SIGKILL test (tests/privacy/test_kill_burst.py), in its own processes.

As a WSGI module, ``gunicorn -c gunicorn.conf.py tests.privacy.kill_server:application``: Headwise
with the database in ``DATABASE_URL``, its clock started at the test's instant
(``HEADWISE_TEST_NOW``) and running on from there (time-machine, ``tick=True``), so that the
server and the test agree on the diary's days whatever the wall clock says. gunicorn imports it
in each worker (``preload_app`` is off), so each worker travels.

As a script, ``python -m tests.privacy.kill_server check CLIENT_UUID``: what the database holds
for that client (every attack with its ``request_id``, every check-in), whether the audit chain
is intact (headwise.audit.verify), and on SQLite ``PRAGMA integrity_check``; one JSON line.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")

import time_machine  # noqa: E402

from tests import clock  # noqa: E402

time_machine.travel(clock.NOW, tick=True).start()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()


def check(client_uuid: str) -> dict[str, object]:
    from django.db import connection

    from headwise.audit.verify import verify_chain
    from headwise.diary.models import Attack, DailyCheckIn

    attacks = Attack.objects.filter(client__uuid=client_uuid).order_by("pk")
    checkins = DailyCheckIn.objects.filter(client__uuid=client_uuid).order_by("pk")
    integrity = "not SQLite"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = "; ".join(str(row[0]) for row in cursor.fetchall())
    verdict = verify_chain()
    return {
        "attacks": [
            {
                "uuid": str(a.uuid),
                "request_id": str(a.request_id) if a.request_id else None,
                "started_at": a.started_at.isoformat(),
                "ended_at": a.ended_at.isoformat() if a.ended_at else None,
            }
            for a in attacks
        ],
        "checkins": [{"date": c.date.isoformat(), "stress": c.stress} for c in checkins],
        "integrity": integrity,
        "audit_checked": verdict.checked,
        "audit_broken": str(verdict.broken) if verdict.broken else None,
    }


if __name__ == "__main__":
    if sys.argv[1:2] != ["check"] or len(sys.argv) != 3:
        sys.exit("usage: python -m tests.privacy.kill_server check CLIENT_UUID")
    print(json.dumps(check(sys.argv[2])))  # noqa: T201 - read by the test
