"""Row locks and the audit chain's head never wait for each other in a circle (PostgreSQL).

A writer holds the head from its audit entry until it commits, and at that commit PostgreSQL
checks its deferred foreign keys with ``FOR KEY SHARE`` on the rows they point to. A
serialising lock taken as ``FOR UPDATE`` on one of those rows (the client's, by a diary write
that then waits for the head) blocks that check: each transaction waits for the other and
PostgreSQL's deadlock detector fails one (seen in the SIGKILL burst: a check-in and a one-tap
attack save of the same client, a 500). Headwise's locks are ``FOR NO KEY UPDATE``, which still
exclude a second writer of the row and let the key check through (docs/audit.md).
"""

from __future__ import annotations

import ast
import datetime as dt
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction

from headwise.audit.models import AuditEntry
from headwise.diary import services
from tests.conftest import build_world

ROOT = Path(__file__).resolve().parents[2]


def _waiting_on_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        # Inside a transaction PostgreSQL keeps its first look at the activity unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_diary_write_waiting_for_the_head_does_not_block_the_head_holders_commit() -> None:
    """A check-in holds the head (its audit entry written, not yet committed); the same client's
    one-tap attack save then locks the client's row and waits for the head. The check-in commits
    (its foreign key to the client checked at commit), and then the attack saves: both land, each
    with its audit entry, and no deadlock error."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write transaction")
    world = build_world("Locks")
    client, by = world.client, world.client_user
    day = services.client_today(client) - dt.timedelta(days=5)
    errors: list[BaseException] = []
    head_held = threading.Event()
    attack_ids: list[str] = []
    checkin_ids: list[str] = []

    def checkin() -> None:
        try:
            with transaction.atomic():
                saved = services.checkin_save(client=client, by=by, date=day, had_headache=False)
                checkin_ids.append(str(saved.uuid))
                head_held.set()
                for _ in range(2000):  # (the tests' clock stands still: count, do not time)
                    if _waiting_on_a_lock():  # the attack save now waits for the head
                        break
                    time.sleep(0.01)
                else:
                    raise AssertionError("the attack save never waited for the head")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            head_held.set()
        finally:
            connections.close_all()

    def attack() -> None:
        try:
            assert head_held.wait(20)
            started = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
            saved, created = services.attack_start(
                client=client,
                by=by,
                started_at=started,
                ended_at=started + dt.timedelta(hours=1),
                request_id=uuid.uuid4(),
            )
            assert created
            attack_ids.append(str(saved.uuid))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=checkin), threading.Thread(target=attack)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert client.checkins.filter(date=day).count() == 1
    assert len(attack_ids) == 1
    entries = AuditEntry.objects.filter(action="create", object_id__in=[*attack_ids, *checkin_ids])
    assert sorted(entries.values_list("object_type", flat=True)) == ["diary.attack", "diary.dailycheckin"]


def _lock_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "select_for_update":
            keys = {k.arg: k.value for k in node.keywords}
            no_key = keys.get("no_key")
            if not (isinstance(no_key, ast.Constant) and no_key.value is True):
                found.append((node.lineno, "select_for_update() without no_key=True"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # f-strings' parts too
            text = " ".join(node.value.upper().split())
            if "FOR UPDATE" in text and "FOR NO KEY UPDATE" not in text:
                found.append((node.lineno, "SQL with FOR UPDATE"))
    return found


def test_every_row_lock_in_headwise_is_a_no_key_lock() -> None:
    offenders: list[str] = []
    for path in sorted((ROOT / "headwise").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree: Any = ast.parse(path.read_text(), filename=str(path))
        offenders += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in _lock_calls(tree)]
    assert offenders == []


def test_the_lock_check_finds_a_plain_lock() -> None:
    source = (
        "Client.objects.select_for_update().get(pk=1)\n"
        "Client.objects.select_for_update(no_key=False)\n"
        "Client.objects.select_for_update(no_key=True)\n"
        "cursor.execute(f'SELECT 1 FROM {t} WHERE id = %s FOR UPDATE')\n"
        "cursor.execute('SELECT 1 FROM t FOR NO KEY UPDATE')\n"
    )
    assert sorted(line for line, _what in _lock_calls(ast.parse(source))) == [1, 2, 4]
