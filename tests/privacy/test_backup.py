"""``headwise backup`` / ``headwise restore``: a copy taken during a write burst restores to an
identical practice, compared row for row over every table, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432/"


def _env(target: str, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEADWISE_", "DATABASE_URL", "DJANGO_"))}
    env.update(HEADWISE_DEMO="1", HEADWISE_VAR_DIR=str(tmp / "var"), PYTHONPATH=str(ROOT), **extra)
    if target.startswith("postgres"):
        env["DATABASE_URL"] = target
    else:
        env["DATABASE_URL"] = f"sqlite:///{target}"
    return env


def _run(env: dict[str, str], *args: str, module: str = "headwise.cli") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and modules
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _tables(target: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, as the database holds it."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    if target.startswith("postgres"):
        with psycopg.connect(target) as conn:
            names = [
                r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
            for name in names:
                found[name] = sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
    else:
        conn = sqlite3.connect(target)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            found[name] = sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
        conn.close()
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A source database (migrated) and an empty target."""
    if request.param == "sqlite":
        yield str(tmp_path / "source.sqlite3"), str(tmp_path / "target.sqlite3")
        return
    names = [f"h_privacy_bk_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield PG + names[0], PG + names[1]
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_during_a_write_burst_restores_to_an_identical_practice(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, target = databases
    # Each run migrates two databases in subprocesses (minutes on a busy machine): SQLite's copy
    # is encrypted, PostgreSQL's plain, so both paths are covered once.
    encrypted = not source.startswith("postgres")
    key = Fernet.generate_key().decode() if encrypted else ""
    env = _env(source, tmp_path, HEADWISE_BACKUP_KEY=key) if key else _env(source, tmp_path)
    assert _run(env, "migrate", "--noinput").returncode == 0
    made = _run(env, "world", module="tests.privacy.burst")
    assert made.returncode == 0, made.stderr
    # A burst of diary writes in another process; the backup is taken in the middle of it.
    burst = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.privacy.burst", "burst", "150"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert burst.stdout is not None
    for _ in range(20):  # wait until writes are under way
        burst.stdout.readline()
    out = tmp_path / "headwise.backup"
    taken = _run(env, "backup", str(out))
    assert taken.returncode == 0, taken.stderr
    _rest, err = burst.communicate(timeout=600)
    assert burst.returncode == 0, err
    assert ("encrypted" in taken.stdout) and (("not encrypted" in taken.stdout) is not encrypted)
    data = out.read_bytes()
    assert data.startswith((b"SQLite format 3", b"PGDMP")) is not encrypted

    target_env = {**env, "DATABASE_URL": target if target.startswith("postgres") else f"sqlite:///{target}"}
    restored = _run(target_env, "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    before, after = _tables(source), _tables(target)
    assert set(after) == set(before)
    # Every table: the restored rows are exactly the source's rows at one instant. Only the burst
    # went on after the copy, and it only added rows, so each restored table is the source's
    # table without some of the burst's last rows: nothing changed, nothing missing before them.
    burst_tables = {
        "diary_dailycheckin",
        "diary_historicaldailycheckin",
        "audit_auditentry",
        "audit_audithead",
    }
    differ = [t for t in before if before[t] != after[t] and t not in burst_tables]
    assert differ == [], differ
    for table in burst_tables & set(before):
        if table == "audit_audithead":
            continue
        assert {repr(r) for r in after[table]} <= {repr(r) for r in before[table]}, table
    # The copy holds the 20 or more check-ins acknowledged before it was taken, in order.
    burst_days = len(before["diary_dailycheckin"]) - 150
    held = len(after["diary_dailycheckin"]) - burst_days
    assert 20 <= held <= 150
    # A second restore into the now full database is refused, and changes nothing.
    again = _run(target_env, "restore", str(out))
    assert again.returncode != 0 and "not empty" in again.stderr
    assert _tables(target) == after


def test_a_restore_while_nothing_runs_is_identical_and_a_wrong_key_is_refused(tmp_path: Path) -> None:
    source, target = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    key = Fernet.generate_key().decode()
    env = _env(source, tmp_path, HEADWISE_BACKUP_KEY=key)
    assert _run(env, "migrate", "--noinput").returncode == 0
    assert _run(env, "world", module="tests.privacy.burst").returncode == 0
    out = tmp_path / "b.backup"
    assert _run(env, "backup", str(out)).returncode == 0
    wrong = {
        **env,
        "DATABASE_URL": f"sqlite:///{target}",
        "HEADWISE_BACKUP_KEY": Fernet.generate_key().decode(),
    }
    refused = _run(wrong, "restore", str(out))
    assert refused.returncode != 0 and "does not open with this key" in refused.stderr
    restored = _run({**env, "DATABASE_URL": f"sqlite:///{target}"}, "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert _tables(target) == _tables(source)
