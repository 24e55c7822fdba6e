# ruff: noqa: N999 - spelled like the other commands: `headwise run-schedule`
"""``headwise run-schedule``: the periodic jobs, for a machine without cron (the demo).

Every ``--every`` seconds (default 900, the 15 minutes the deployment guide's cron lines use) it
runs ``send-reminders``, ``send-follow-ups`` and ``send-appointment-reminders``, which enqueue
the e-mails that are due (the task worker, ``headwise db_worker``, sends them), and
``refresh-day-states``, which brings the practice cohort's kept day states up to date. ``make demo``
starts both beside the web server.
In production, prefer the cron lines of docs/deployment.md. ``--once`` runs one round and exits.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

JOBS = ("send-reminders", "send-follow-ups", "send-appointment-reminders", "refresh-day-states")


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, follow-ups) every --every seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=900, help="Seconds between rounds (default 900).")
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        every = max(10, int(options["every"]))
        while True:
            for job in JOBS:
                try:
                    call_command(job, stdout=self.stdout, stderr=self.stderr)
                except Exception as exc:  # one failing job must not stop the others or the loop
                    self.stderr.write(f"{job} failed: {exc!r}")
            if options["once"]:
                return
            time.sleep(every)
