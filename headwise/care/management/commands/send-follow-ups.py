# ruff: noqa: N999 - spelled like `headwise send-reminders`
"""``headwise send-follow-ups``: enqueue the e-mail of every 24-hour follow-up due now.

Run it every 15 minutes next to ``send-reminders``, e.g. from cron::

    */15 * * * * cd /srv/headwise && .venv/bin/headwise send-follow-ups

and keep ``headwise db_worker`` running to send the e-mails.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from headwise.care.followups import follow_ups_to_mail
from headwise.care.tasks import send_follow_up


class Command(BaseCommand):
    help = "Enqueue the e-mails of 24-hour follow-ups that are due now (run every 15 minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = follow_ups_to_mail()
        for follow_up_uuid in due:
            send_follow_up.enqueue(follow_up_uuid)
        self.stdout.write(f"{len(due)} follow-up e-mail(s) enqueued.")
