"""Background tasks of care (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from headwise.care import followups


@task()
def send_follow_up(follow_up_uuid: str) -> bool:
    """E-mail one 24-hour follow-up to its client, at most once."""
    return followups.follow_up_mail(follow_up_uuid=follow_up_uuid)


@task()
def send_appointment_mail(appointment_uuid: str, kind: str, sequence: int) -> bool:
    """E-mail the client about their appointment (booked, moved, cancelled, reminder) with its .ics."""
    from headwise.care.appointment_mail import appointment_mail

    return appointment_mail(appointment_uuid=appointment_uuid, kind=kind, sequence=sequence)
