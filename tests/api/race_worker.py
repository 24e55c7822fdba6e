"""One process of the SQLite race test (tests/api/test_booking_race_sqlite.py), run as
``python -m tests.api.race_worker prepare|book ...`` against the SQLite file in DATABASE_URL.

``prepare`` migrates the file and lays a practice (the test world, weekly hours for two
practitioners, a room) and prints its ids as JSON. ``book`` waits for the go-file, books, and
prints the outcome as JSON. Both run at the test's instant (``HEADWISE_TEST_NOW``), frozen.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tests import clock  # noqa: E402

#: How long a booking that passed its checks waits before it writes: without the database's
#: write lock taken at BEGIN, the other process would pass its checks in this window too.
HOLD = 0.5


def prepare() -> dict[str, str]:
    from headwise.practice import services as practice_services
    from tests import factories as f
    from tests.conftest import build_world

    call_command("migrate", verbosity=0)
    world = build_world("Race")
    location = world.records["location"]
    first, second = world.records["practitioner"], world.records["owner_practitioner"]
    for practitioner in (first, second):
        practitioner.locations.add(location)
        for weekday in range(5):
            practice_services.working_hours_add(
                practitioner=practitioner,
                location=location,
                weekday=weekday,
                starts=dt.time(9),
                ends=dt.time(17),
            )
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    today = f.local_today(location.time_zone)
    monday = today + dt.timedelta(days=7 + (7 - today.weekday()) % 7)
    return {
        "practice": str(world.practice.uuid),
        "desk": world.front_desk.email,
        "clients": [str(world.client.uuid), str(world.other_client.uuid)],
        "practitioners": [str(first.uuid), str(second.uuid)],
        "location": str(location.uuid),
        "room": str(world.records["room"].uuid),
        "monday": monday.isoformat(),
        "zone": location.time_zone,
    }  # type: ignore[dict-item]


def book(go: Path, practitioner: str, client: str, room: str, starts: str) -> dict[str, object]:
    from headwise.accounts.models import User
    from headwise.care import services
    from headwise.practice.models import Practice

    plan = json.loads(os.environ["RACE_PLAN"])
    practice = Practice.objects.get(uuid=plan["practice"])
    desk = User.objects.get(email=plan["desk"])
    checked = services._check_slot

    def check_then_hold(appointment: object) -> None:
        checked(appointment)  # type: ignore[arg-type]
        time.sleep(HOLD)

    services._check_slot = check_then_hold  # type: ignore[assignment]
    print("ready", file=sys.stderr, flush=True)
    while not go.exists():
        time.sleep(0.005)
    try:
        appointment = services.appointment_book(
            practice=practice,
            by=desk,
            client_id=uuid.UUID(client),
            practitioner_id=uuid.UUID(practitioner),
            location_id=uuid.UUID(plan["location"]),
            room_id=uuid.UUID(room) if room else None,
            service_id=None,
            starts_at=dt.datetime.fromisoformat(starts),
            ends_at=dt.datetime.fromisoformat(starts) + dt.timedelta(hours=1),
        )
    except ValidationError as exc:
        return {
            "outcome": "refused",
            "fields": sorted(exc.message_dict),
            "message": " ".join(m for ms in exc.message_dict.values() for m in ms),
            "nearby": [s.starts_at.isoformat() for s in getattr(exc, "nearby", [])],
        }
    return {"outcome": "booked", "id": str(appointment.uuid)}


def main() -> None:
    with time_machine.travel(clock.NOW, tick=False):
        if sys.argv[1] == "prepare":
            result: object = prepare()
        else:
            result = book(Path(sys.argv[2]), *sys.argv[3:7])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
