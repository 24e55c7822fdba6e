"""Two PROCESSES book one slot of a SQLite database at the same moment: exactly one wins.

SQLite has no row locks (``select_for_update`` is a no-op there); Headwise opens every
transaction with ``BEGIN IMMEDIATE`` (the database OPTIONS ``transaction_mode``, settings), so
the second writer waits for the first to commit and then sees its appointment. Each booking
here holds for half a second between its checks and its write (tests/api/race_worker.py): with
SQLite's default deferred transactions both would pass the overlap check, and the loser would
fail with "database is locked" instead of a clear answer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import clock

ROOT = Path(__file__).resolve().parents[2]


def run(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.api.race_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, object], Path]:
    folder = tmp_path_factory.mktemp("race")
    database = folder / "race.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "HEADWISE_VAR_DIR": str(folder),
        "HEADWISE_TEST_NOW": clock.NOW.isoformat(),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "headwise.settings_test",
    }
    env.pop("HEADWISE_TESTING", None)
    prepared = run(env, "prepare")
    out, err = prepared.communicate(timeout=600)
    assert prepared.returncode == 0, err
    layout = json.loads(out.strip().splitlines()[-1])
    env["RACE_PLAN"] = json.dumps(layout)
    return env, layout, database


def race(
    env: dict[str, str], folder: Path, bookings: list[tuple[str, str, str, str]]
) -> list[dict[str, object]]:
    go = folder / f"go-{time.monotonic_ns()}"
    workers = [run(env, "book", str(go), *booking) for booking in bookings]
    for worker in workers:  # both imported Django and wait at the line
        assert worker.stderr is not None
        line = worker.stderr.readline()
        assert "ready" in line, line + worker.stderr.read()
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def count(database: Path, where: str, *args: object) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(f"select count(*) from care_appointment where {where}", args).fetchone()[0]  # noqa: S608


def at(layout: dict[str, object], days: int, hour: int) -> str:
    day = dt.date.fromisoformat(str(layout["monday"])) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(str(layout["zone"]))).isoformat()


def test_the_same_practitioner_is_booked_once_and_the_loser_gets_a_nearby_slot(plan) -> None:
    env, layout, database = plan
    practitioner = layout["practitioners"][0]  # type: ignore[index]
    starts = at(layout, 0, 10)
    results = race(
        env,
        database.parent,
        [(practitioner, client, "", starts) for client in layout["clients"]],  # type: ignore[attr-defined]
    )
    outcomes = sorted(r["outcome"] for r in results)  # type: ignore[type-var]
    assert outcomes == ["booked", "refused"]
    loser = next(r for r in results if r["outcome"] == "refused")
    assert loser["fields"] == ["starts_at"]
    assert "another appointment" in str(loser["message"])
    assert loser["nearby"], "the loser is offered a nearby free slot"
    # the hour before and the hour after the winner's, both 60 minutes away; the earlier first
    first_two = [dt.datetime.fromisoformat(str(t)) for t in loser["nearby"][:2]]  # type: ignore[index]
    assert first_two == [dt.datetime.fromisoformat(at(layout, 0, h)) for h in (9, 11)]
    assert (
        count(
            database,
            "starts_at = ?",
            dt.datetime.fromisoformat(starts).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        )
        == 1
    )


def test_the_same_room_is_booked_once_by_two_practitioners(plan) -> None:
    env, layout, database = plan
    room = str(layout["room"])
    starts = at(layout, 1, 10)
    pairs = zip(layout["practitioners"], layout["clients"], strict=True)  # type: ignore[call-overload]
    results = race(env, database.parent, [(p, c, room, starts) for p, c in pairs])
    outcomes = sorted(r["outcome"] for r in results)  # type: ignore[type-var]
    assert outcomes == ["booked", "refused"]
    loser = next(r for r in results if r["outcome"] == "refused")
    assert loser["fields"] == ["room_id"]
    assert "room is booked" in str(loser["message"])
    # the practitioner is free at that time: the closest free slot is the same time in no room
    # (the location's only room is taken), so the next free ones are after the hour
    assert loser["nearby"]
    at_utc = dt.datetime.fromisoformat(starts).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert count(database, "starts_at = ? and room_id is not null", at_utc) == 1
