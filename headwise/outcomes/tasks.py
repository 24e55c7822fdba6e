"""Background tasks of the outcomes (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from headwise.outcomes import daystate
from headwise.practice.models import Practice


@task()
def refresh_day_states(practice_id: int) -> int:
    """Bring a practice's kept day states up to date (:func:`daystate.refresh_day_states`)."""
    practice = Practice.objects.filter(pk=practice_id).first()
    return 0 if practice is None else daystate.refresh_day_states(practice)
