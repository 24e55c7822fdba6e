"""Background tasks of accounts (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from headwise.accounts import mail


@task()
def send_password_reset(user_uuid: str) -> bool:
    """E-mail a password reset link; the token is made here, never queued or stored."""
    return mail.password_reset_mail(user_uuid=user_uuid)
