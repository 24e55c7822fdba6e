"""``headwise audit verify``: walk the audit trail's hash chain and name the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from headwise.audit.models import AuditEntry
from headwise.audit.verify import verify_chain


class Command(BaseCommand):
    help = "The audit trail. 'verify' checks its hash chain and names the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check every entry's number, link and hash")
        verify.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(progress=not options["no_progress"])

    def verify(self, *, progress: bool) -> None:
        total = AuditEntry.objects.count()
        with tqdm(
            total=total, unit="entries", desc="audit verify", disable=not progress, file=self.stderr
        ) as bar:
            verdict = verify_chain(progress=bar.update)
        if verdict.broken is not None:
            raise CommandError(
                f"audit chain BROKEN at {verdict.broken} ({verdict.checked} of {total} entries checked)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {verdict.checked} entries checked")
