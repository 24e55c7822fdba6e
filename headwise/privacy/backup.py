"""Consistent backups while Headwise runs, and restores into an empty database (docs/security.md).

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database page by page
  under SQLite's own locking, so a backup taken during writes is one consistent state.
* PostgreSQL: ``pg_dump -Fc`` reads in one repeatable-read snapshot; ``pg_restore`` brings it back.

With a key (``HEADWISE_BACKUP_KEY`` or ``HEADWISE_BACKUP_KEY_FILE``, a Fernet key) the file is
encrypted and authenticated (AES-128-CBC with HMAC-SHA256, cryptography's Fernet); a file that
was changed does not restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason."""


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise BackupError(
            "HEADWISE_BACKUP_KEY is not a Fernet key (make one with `headwise backup --new-key`)"
        ) from exc


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is missing: install PostgreSQL's client programs (Debian: postgresql-client)"
        )
    return found


def _pg_env(settings_db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if settings_db.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_db["PASSWORD"])
    args = [
        "-h",
        str(settings_db.get("HOST") or "localhost"),
        "-U",
        str(settings_db.get("USER") or "postgres"),
    ]
    if settings_db.get("PORT"):
        args += ["-p", str(settings_db["PORT"])]
    return args, env


def take(connection: Any, out: Path, *, key: str = "") -> int:
    """Write a consistent copy of ``connection``'s database to ``out``; returns its size in bytes."""
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw"
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(raw)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        elif connection.vendor == "postgresql":
            args, env = _pg_env(connection.settings_dict)
            command = [_program("pg_dump"), "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(raw)]
            done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [*command, str(connection.settings_dict["NAME"])], env=env, capture_output=True, check=False
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.decode(errors='replace').strip()}")
        else:
            raise BackupError(f"no backup for the {connection.vendor} database")
        data = raw.read_bytes()
    if key:
        data = _fernet(key).encrypt(data)
    out.write_bytes(data)
    return len(data)


def _plain(path: Path, key: str) -> bytes:
    data = path.read_bytes()
    if data.startswith((SQLITE_MAGIC, PG_MAGIC)):
        return data
    if not key:
        raise BackupError("the backup is encrypted: set HEADWISE_BACKUP_KEY (or _FILE) to restore it")
    try:
        return _fernet(key).decrypt(data)
    except InvalidToken as exc:
        raise BackupError("the backup does not open with this key, or it was changed") from exc


def tables_in(connection: Any) -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def restore(connection: Any, source: Path, *, key: str = "") -> None:
    """Bring ``source`` back into ``connection``'s database, which must be empty (no tables)."""
    existing = tables_in(connection)
    if existing:
        raise BackupError(
            f"the database is not empty ({len(existing)} tables): restore only into an empty one"
        )
    data = _plain(source, key)
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw"
        raw.write_bytes(data)
        if connection.vendor == "sqlite":
            if not data.startswith(SQLITE_MAGIC):
                raise BackupError("this is not a SQLite backup")
            connection.ensure_connection()
            copy = sqlite3.connect(raw)
            try:
                copy.backup(connection.connection)
            finally:
                copy.close()
        elif connection.vendor == "postgresql":
            if not data.startswith(PG_MAGIC):
                raise BackupError("this is not a PostgreSQL backup")
            args, env = _pg_env(connection.settings_dict)
            done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _program("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    *args,
                    "-d",
                    str(connection.settings_dict["NAME"]),
                    str(raw),
                ],
                env=env,
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.decode(errors='replace').strip()}")
        else:
            raise BackupError(f"no restore for the {connection.vendor} database")
