"""Background tasks of the public page (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from headwise.public import mail


@task()
def send_booking_confirmation(request_uuid: str) -> bool:
    """E-mail the visitor that their request arrived."""
    return mail.booking_confirmation_mail(request_uuid=request_uuid)
