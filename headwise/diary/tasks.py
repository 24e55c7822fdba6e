"""Background tasks of the diary (django-tasks; the database backend in production)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from headwise.diary import reminders


@task()
def send_diary_reminder(client_uuid: str, day: str, kind: str) -> bool:
    """E-mail one reminder, at most once per client, day and kind."""
    return reminders.reminder_send(client_uuid=client_uuid, day=dt.date.fromisoformat(day), kind=kind)
