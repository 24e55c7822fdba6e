# ruff: noqa: N999 - the command is spelled as the brief asks: `headwise apply-retention`
"""``headwise apply-retention``: erase the clients whose retention period has passed.

A dry run by default: it lists how many clients of each practice are due and why, and changes
nothing. ``--apply`` erases them (the same erasure as a confirmed request: every record and its
history; one audit entry each, holding the client's opaque id only).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record
from headwise.practice.models import Practice
from headwise.privacy import services


class Command(BaseCommand):
    help = "Erase clients whose records are past the practice's retention period (dry run unless --apply)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--apply", action="store_true", help="erase them (without it: only report)")
        parser.add_argument("--practice", help="only this practice (its UUID)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        practices = Practice.objects.order_by("pk")
        if options["practice"]:
            practices = practices.filter(uuid=options["practice"])
        due: list[tuple[Practice, Any, str]] = []
        for practice in practices:
            found = services.retention_due(practice=practice, now=now)
            due += [(practice, client, why) for client, why in found]
            self.stdout.write(
                f"{practice.name}: {len(found)} client(s) due "
                f"(retention {practice.retention_years} years after the last contact)"
            )
        if not options["apply"]:
            self.stdout.write(
                f"Dry run: {len(due)} client(s) would be erased. Run with --apply to erase them."
            )
            return
        erased = 0
        with tqdm(total=len(due), desc="erasing", unit="client", file=self.stderr, leave=False) as bar:
            for _practice, client, why in due:
                services.apply_retention(client=client, why=why)
                erased += 1
                bar.update(1)
        for practice in {p for p, _c, _w in due}:
            audit_record(
                action=AuditAction.RETENTION_APPLIED,
                practice=practice,
                detail={"erased": sum(1 for p, _c, _w in due if p == practice)},
            )
        self.stdout.write(self.style.SUCCESS(f"Erased {erased} client(s)."))
