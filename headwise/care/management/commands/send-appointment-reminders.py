# ruff: noqa: N999 - spelled like `headwise send-reminders`
"""``headwise send-appointment-reminders``: enqueue the reminder e-mail of every appointment due.

Run it every 15 minutes beside ``send-reminders`` (``headwise run-schedule`` does, in the demo),
e.g. from cron::

    */15 * * * * cd /srv/headwise && .venv/bin/headwise send-appointment-reminders

Each reminder is queued once, even when two runs overlap (headwise.care.reminders).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from headwise.care.reminders import queue_reminders


class Command(BaseCommand):
    help = "Enqueue the reminder e-mails of appointments that are due (run every 15 minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = queue_reminders()
        self.stdout.write(f"{queued} appointment reminder(s) enqueued.")
