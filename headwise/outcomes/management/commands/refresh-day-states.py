# ruff: noqa: N999 - spelled like the other commands: `headwise refresh-day-states`
"""``headwise refresh-day-states``: bring every practice's kept day states up to date.

The practice cohort reads each client's classified diary days from these states and
classifies from the rows only the clients whose diary changed since (docs/cohort.md); this job
(in ``run-schedule``, or a cron line, docs/deployment.md) keeps that set small.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from headwise.outcomes import daystate
from headwise.practice.models import Practice


class Command(BaseCommand):
    help = "Bring the practice cohort's kept day states up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", help="Only this practice (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        practices = Practice.objects.order_by("pk")
        if options["practice"]:
            practices = practices.filter(slug=options["practice"])
        total = 0
        for practice in tqdm(list(practices), desc="day states", unit="practice", disable=None):
            total += daystate.refresh_day_states(practice)
        self.stdout.write(f"refresh-day-states: {total} clients classified")
