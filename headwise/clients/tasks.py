"""Background tasks of client records (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from headwise.clients import mail


@task()
def send_intake_link(link_uuid: str) -> bool:
    """E-mail an intake link; ``False`` when the link no longer opens the form."""
    return mail.intake_link_mail(link_uuid=link_uuid)
