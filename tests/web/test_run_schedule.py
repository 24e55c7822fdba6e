"""``headwise run-schedule --once``: one round of the periodic jobs that the demo runs beside the worker."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from tests.conftest import PracticeWorld
from tests.web.test_sessions import _session

pytestmark = pytest.mark.django_db


def test_one_round_enqueues_the_due_follow_up_and_the_reminders(world: PracticeWorld, clock) -> None:
    world.records["session"].delete()  # the world's own session's follow-up may be due too
    record = _session(world, hours_ago=2)
    clock.move_to(record.follow_up.due_at)
    mail.outbox.clear()
    out = io.StringIO()
    call_command("run-schedule", "--once", stdout=out)  # the immediate task backend sends at once
    text = out.getvalue()
    assert "reminder(s) enqueued." in text
    assert "1 follow-up e-mail(s) enqueued." in text
    assert len([m for m in mail.outbox if world.client.email in m.to or world.client_user.email in m.to]) >= 1
    record.follow_up.refresh_from_db()
    assert record.follow_up.mailed_at is not None


def test_one_round_brings_the_cohorts_kept_day_states_up_to_date(world: PracticeWorld) -> None:
    from headwise.outcomes.models import DiaryChange, DiaryDayState

    assert DiaryChange.objects.filter(client_id=world.client.pk).exists()  # the world's diary rows
    assert not DiaryDayState.objects.filter(client=world.client).exists()
    out = io.StringIO()
    call_command("run-schedule", "--once", stdout=out)
    assert "refresh-day-states: " in out.getvalue()
    assert DiaryDayState.objects.filter(client=world.client).exists()  # a client with a session
    assert not DiaryChange.objects.filter(practice_id=world.practice.pk).exists()
