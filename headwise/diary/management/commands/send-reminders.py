# ruff: noqa: N999 - the command is spelled as the brief asks: `headwise send-reminders`
"""``headwise send-reminders``: enqueue a reminder task for every client due now.

Run it every 15 minutes, e.g. from cron::

    */15 * * * * cd /srv/headwise && .venv/bin/headwise send-reminders

and keep ``headwise db_worker`` running to send the e-mails.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from headwise.diary.reminders import reminders_due
from headwise.diary.tasks import send_diary_reminder


class Command(BaseCommand):
    help = "Enqueue diary reminders that are due now (run every 15 minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = reminders_due()
        for item in due:
            send_diary_reminder.enqueue(item.client_uuid, item.day.isoformat(), item.kind)
        self.stdout.write(f"{len(due)} reminder(s) enqueued.")
