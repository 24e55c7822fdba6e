"""SIGKILL during a burst of diary writes: no acknowledged write is lost, none is stored twice.

A real server: gunicorn with ``gunicorn.conf.py`` (a master and one worker process of 4 threads), serving
tests/privacy/kill_server.py on a free port, against the run's database (on SQLite a file copied
from the test database, opened with the project's settings: WAL, ``synchronous=NORMAL``,
``BEGIN IMMEDIATE``; on PostgreSQL the test database itself, committed by ``transactional_db``).
A client signs in over HTTP and four senders post diary writes through the pages a client uses
(``/diary/attack/`` with a client-made ``request_id``, ``/diary/checkin/<day>/``), one day each.
After ``KILL_AFTER`` acknowledged writes (an answer 302) the server's whole process group gets
SIGKILL while the senders are still sending.

Then, before anything else touches the database: every acknowledged write is stored exactly once
with what was sent, nothing is stored that was not sent, the audit chain is intact and (SQLite)
``PRAGMA integrity_check`` says ``ok``. The server is started again, the client's session still
works, and the writes that were sent but never answered are sent again with the same
``request_id`` (what a client's phone does): afterwards every write is stored exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import requests
from django.db import connection

from tests import clock
from tests import factories as f
from tests.conftest import build_world

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Writes the burst would send if nobody stopped it; the kill comes long before the end.
PLANNED = 400
#: Acknowledged writes before the SIGKILL.
KILL_AFTER = 40
SENDERS = 4
TIMEOUT = 90.0  # seconds for the server to come up, or a burst to reach KILL_AFTER


@dataclass
class Write:
    index: int
    kind: str  # "attack" or "checkin"
    day: dt.date
    request_id: str = ""
    attack: str = ""  # the attack's id from the answer's Location
    status: str = "planned"  # planned, sent, acknowledged, refused (an answer other than 302)

    def post(self, zone: str) -> tuple[str, dict[str, str]]:
        if self.kind == "attack":
            return "/diary/attack/", {
                "request_id": self.request_id,
                "started_at_local": f"{self.day.isoformat()}T09:00",
                "ended_at_local": f"{self.day.isoformat()}T10:00",
                "time_zone": zone,
            }
        return f"/diary/checkin/{self.day.isoformat()}/", {
            "had_headache": "false",
            "stress": str(self.stress),
            "sleep_hours": "7",
            "sleep_quality": "3",
        }

    @property
    def stress(self) -> int:
        return self.index % 11


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(tmp_path: Path) -> str:
    """The test database for another process: on SQLite a file copy, on PostgreSQL its name."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = tmp_path / "kill.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)  # the in-memory test database, migrated and filled
        target.close()
        return f"sqlite:///{path}"
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    """gunicorn in its own process group, so that one signal reaches the master and its workers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = f"http://{env['GUNICORN_BIND']}"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, our own app
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "gunicorn.conf.py"),
                    "tests.privacy.kill_server:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if requests.get(self.base + "/login/", timeout=30).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or the worker still importing
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not answer:\n" + self.log.read_text())

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=40)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            self.kill()


def check(env: dict[str, str], client_uuid: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.privacy.kill_server", "check", client_uuid],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def sign_in(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    assert browser.get(base + "/login/", timeout=30).status_code == 200
    answer = browser.post(
        base + "/login/",
        data={"username": email, "password": f.PASSWORD},
        headers={"X-CSRFToken": browser.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


class Burst:
    """``SENDERS`` threads, each with the client's cookies, taking the next write until told to stop."""

    def __init__(self, base: str, cookies: dict[str, str], writes: list[Write], zone: str) -> None:
        self.base, self.cookies, self.writes, self.zone = base, cookies, writes, zone
        self.lock = threading.Lock()
        self.next = 0
        self.acknowledged = 0
        self.killing = threading.Event()
        self.errors: list[str] = []  # anything but a 302 or, after the kill, a refused connection
        self.threads = [threading.Thread(target=self.send, daemon=True) for _ in range(SENDERS)]

    def take(self) -> Write | None:
        with self.lock:
            if self.next >= len(self.writes) or self.errors:
                return None
            write = self.writes[self.next]
            self.next += 1
            write.status = "sent"  # before sending: an unanswered write is still known
            return write

    def send(self) -> None:
        browser = requests.Session()
        browser.cookies.update(self.cookies)
        headers = {"X-CSRFToken": self.cookies["csrftoken"]}
        while (write := self.take()) is not None:
            path, data = write.post(self.zone)
            try:
                answer = browser.post(
                    self.base + path, data=data, headers=headers, allow_redirects=False, timeout=30
                )
            except requests.RequestException as exc:
                if not self.killing.is_set():
                    with self.lock:
                        self.errors.append(f"write {write.index}: {exc!r}")
                return  # the server is gone
            with self.lock:
                if answer.status_code != 302:
                    write.status = "refused"
                    self.errors.append(f"write {write.index}: {answer.status_code} {answer.text[:300]}")
                    return
                if write.kind == "attack":
                    write.attack = answer.headers["Location"].split("/diary/attacks/")[1].split("/")[0]
                write.status = "acknowledged"
                self.acknowledged += 1


def stored(result: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[int]]]:
    attacks: dict[str, list[dict[str, Any]]] = {}
    for row in result["attacks"]:
        attacks.setdefault(row["request_id"], []).append(row)
    checkins: dict[str, list[int]] = {}
    for row in result["checkins"]:
        checkins.setdefault(row["date"], []).append(row["stress"])
    return attacks, checkins


def held(write: Write, result: dict[str, Any]) -> int:
    """How many rows of ``result`` hold ``write``."""
    attacks, checkins = stored(result)
    if write.kind == "attack":
        return len(attacks.get(write.request_id, []))
    return len(checkins.get(write.day.isoformat(), []))


def problems(
    writes: list[Write], result: dict[str, Any], before: dict[str, Any], zone: ZoneInfo, *, of: set[str]
) -> list[str]:
    """What is wrong in ``result``: a write whose status is in ``of`` missing, doubled or changed;
    a row no write sent; a broken audit chain or database."""
    attacks, checkins = stored(result)
    old_attacks = {row["request_id"] for row in before["attacks"]}
    old_days = {row["date"] for row in before["checkins"]}
    found: list[str] = []
    for w in writes:
        if w.kind == "attack":
            rows = attacks.get(w.request_id, [])
            if len(rows) > 1 or (w.status in of and len(rows) != 1):
                found.append(f"attack {w.index} ({w.status}): {len(rows)} rows")
            elif rows:
                starts = dt.datetime.combine(w.day, dt.time(9), tzinfo=zone)
                row = rows[0]
                if dt.datetime.fromisoformat(row["started_at"]) != starts or dt.datetime.fromisoformat(
                    row["ended_at"]
                ) != starts + dt.timedelta(hours=1):
                    found.append(f"attack {w.index}: stored {row['started_at']}-{row['ended_at']}")
                if w.attack and row["uuid"] != w.attack:
                    found.append(f"attack {w.index}: answered {w.attack}, stored {row['uuid']}")
        else:
            days = checkins.get(w.day.isoformat(), [])
            if len(days) > 1 or (w.status in of and len(days) != 1):
                found.append(f"check-in {w.index} ({w.status}): {len(days)} rows")
            elif days and days[0] != w.stress:
                found.append(f"check-in {w.index}: stress {days[0]}, sent {w.stress}")
    sent_ids = {w.request_id for w in writes if w.kind == "attack" and w.status != "planned"}
    sent_days = {w.day.isoformat() for w in writes if w.kind == "checkin" and w.status != "planned"}
    found += [f"attack {r} that nobody sent" for r in set(attacks) - old_attacks - sent_ids]
    found += [f"check-in {d} that nobody sent" for d in set(checkins) - old_days - sent_days]
    if result["integrity"] not in {"ok", "not SQLite"}:
        found.append(f"integrity_check: {result['integrity']}")
    if result["audit_broken"]:
        found.append(f"audit chain: {result['audit_broken']}")
    return found


def test_a_sigkill_during_a_burst_of_diary_writes_loses_and_doubles_no_acknowledged_write(
    transactional_db: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world("Kill")
    client = world.client
    zone = ZoneInfo(client.time_zone)
    today = f.local_today(client.time_zone)
    # One day each, from three days back (the world's own attack is two days back).
    writes = [
        Write(i, "attack" if i % 2 == 0 else "checkin", today - dt.timedelta(days=3 + i), str(uuid.uuid4()))
        for i in range(PLANNED)
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HEADWISE_", "DATABASE_", "DJANGO_", "GUNICORN_"))
    }
    env.update(
        DATABASE_URL=database_url(tmp_path),
        DJANGO_SETTINGS_MODULE="headwise.settings_test",
        HEADWISE_TEST_NOW=clock.NOW.isoformat(),
        HEADWISE_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
        GUNICORN_BIND=f"127.0.0.1:{free_port()}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
        # As in production: each process keeps a pool of connections (PostgreSQL).
        DATABASE_POOL="1",
    )
    before = {  # what the client's diary held before the burst (the test database, in this process)
        "attacks": [
            {"request_id": str(r) if r else None} for r in client.attacks.values_list("request_id", flat=True)
        ],
        "checkins": [{"date": d.isoformat()} for d in client.checkins.values_list("date", flat=True)],
    }
    server = Server(env, tmp_path / "gunicorn.log")
    try:
        server.start()
        browser = sign_in(server.base, world.client_user.email)
        assert browser.get(server.base + "/diary/attack/", timeout=30).status_code == 200
        burst = Burst(server.base, dict(browser.cookies), writes, client.time_zone)
        for thread in burst.threads:
            thread.start()
        deadline = time.monotonic() + TIMEOUT
        while burst.acknowledged < KILL_AFTER and not burst.errors and time.monotonic() < deadline:
            time.sleep(0.005)
        assert burst.errors == [], burst.errors
        assert burst.acknowledged >= KILL_AFTER, f"{burst.acknowledged} writes in {TIMEOUT} s"
        burst.killing.set()
        server.kill()
        for thread in burst.threads:
            thread.join(timeout=60)
        assert burst.errors == [], burst.errors

        sent = [w for w in writes if w.status != "planned"]
        acknowledged = [w for w in writes if w.status == "acknowledged"]
        unanswered = [w for w in writes if w.status == "sent"]
        assert len(sent) < PLANNED, "the kill came after the burst had ended"
        after_kill = check(env, str(client.uuid))
        assert problems(writes, after_kill, before, zone, of={"acknowledged"}) == []
        found_after_kill = sum(1 for w in acknowledged if held(w, after_kill) == 1)
        saved_unanswered = sum(1 for w in unanswered if held(w, after_kill))

        # Up again: the session is still valid, and the unanswered writes go once more.
        server.start()
        browser.cookies.clear()
        browser.cookies.update(burst.cookies)
        assert browser.get(server.base + "/diary/month/", timeout=30).status_code == 200
        headers = {"X-CSRFToken": burst.cookies["csrftoken"]}
        for w in unanswered:
            path, data = w.post(client.time_zone)
            answer = browser.post(
                server.base + path, data=data, headers=headers, allow_redirects=False, timeout=30
            )
            assert answer.status_code == 302, answer.text[:500]
            if w.kind == "attack":  # a twin answers with the attack stored before the kill
                w.attack = answer.headers["Location"].split("/diary/attacks/")[1].split("/")[0]
            w.status = "acknowledged"
    finally:
        server.stop()
    final = check(env, str(client.uuid))
    assert problems(writes, final, before, zone, of={"acknowledged"}) == []
    once = sum(1 for w in sent if held(w, final) == 1)
    figures = (
        f"kill burst ({connection.vendor}): planned {PLANNED}, sent {len(sent)}, acknowledged before the "
        f"kill {len(acknowledged)}, unanswered {len(unanswered)} (stored anyway: {saved_unanswered}); "
        f"after the kill: {found_after_kill} of {len(acknowledged)} acknowledged found once, "
        f"integrity_check {after_kill['integrity']}, audit chain intact ({after_kill['audit_checked']} "
        f"entries); after restart and resend: {once} of {len(sent)} sent stored once"
    )
    with capsys.disabled():
        print("\n" + figures)  # noqa: T201 - the proof's figures, shown under -q too
