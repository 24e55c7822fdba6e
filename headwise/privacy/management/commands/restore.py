"""``headwise restore FILE``: bring a backup back into an EMPTY database (refuses any other)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from headwise.privacy import backup


class Command(BaseCommand):
    help = "Restore a backup of `headwise backup` into an empty database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the backup file")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        try:
            backup.restore(connection, source, key=settings.HEADWISE_BACKUP_KEY)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into the {connection.vendor} database."))
