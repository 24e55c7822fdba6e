"""``headwise backup FILE``: a consistent copy of the database while Headwise runs."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from headwise.privacy import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), encrypted when HEADWISE_BACKUP_KEY is set."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="where to write the backup")
        parser.add_argument("--new-key", action="store_true", help="print a new encryption key and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode("ascii"))
            return
        if not options["file"]:
            raise CommandError("give the file to write the backup to")
        out = Path(options["file"])
        try:
            size = backup.take(connection, out, key=settings.HEADWISE_BACKUP_KEY)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        how = "encrypted" if settings.HEADWISE_BACKUP_KEY else "not encrypted"
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {connection.vendor} to {out} ({size} bytes, {how}).")
        )
