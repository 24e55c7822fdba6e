"""Background tasks of care (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from headwise.care import followups


@task()
def send_follow_up(follow_up_uuid: str) -> bool:
    """E-mail one 24-hour follow-up to its client, at most once."""
    return followups.follow_up_mail(follow_up_uuid=follow_up_uuid)
