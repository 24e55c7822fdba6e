"""``headwise apply-retention``: a dry run by default, erases what is due with --apply."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from headwise.audit.models import AuditEntry
from headwise.clients.models import Client
from headwise.practice.models import Practice
from headwise.privacy import services
from tests.conftest import PracticeWorld


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply-retention", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_nothing_is_due_within_the_period(world: PracticeWorld) -> None:
    assert "0 client(s) due" in _run()
    assert "Erased 0" in _run("--apply")
    assert Client.objects.filter(practice=world.practice).count() == 2


def test_it_reports_then_erases_clients_past_the_period(world: PracticeWorld, clock: Any) -> None:
    Practice.objects.filter(pk=world.practice.pk).update(retention_years=1)
    # Two years on, both clients of the practice are past one year since their last record.
    clock.shift(dt.timedelta(days=2 * 366))
    dry = _run()
    assert "2 client(s) due" in dry and "Dry run" in dry
    assert Client.objects.filter(practice=world.practice).count() == 2
    assert "Erased 2" in _run("--apply")
    assert Client.objects.filter(practice=world.practice).count() == 0
    assert AuditEntry.objects.filter(action="erase").count() == 2
    assert AuditEntry.objects.filter(action="retention_applied", practice=world.practice.pk).count() == 1


def test_a_recent_record_restarts_the_period(world: PracticeWorld, clock: Any) -> None:
    Practice.objects.filter(pk=world.practice.pk).update(retention_years=1)
    clock.shift(dt.timedelta(days=300))
    world.other_client.save()  # a change to the record is a contact
    clock.shift(dt.timedelta(days=100))
    due = services.retention_due(practice=Practice.objects.get(pk=world.practice.pk), now=timezone.now())
    assert [c.pk for c, _why in due] == [world.client.pk]


def test_a_kept_request_is_erased_when_its_date_comes(world: PracticeWorld, clock: Any) -> None:
    request = services.erasure_request(client=world.client, by=world.owner, by_client=False)
    until = timezone.now().date() + dt.timedelta(days=30)
    services.erasure_decide(
        request=request, by=world.owner, decision="keep", keep_until=until, reason="a court order"
    )
    assert services.retention_due(practice=world.practice, now=timezone.now()) == []
    clock.shift(dt.timedelta(days=31))
    assert [
        (c.pk, why) for c, why in services.retention_due(practice=world.practice, now=timezone.now())
    ] == [(world.client.pk, "kept_until")]
    _run("--apply")
    assert not Client.objects.filter(pk=world.client.pk).exists()
    assert Client.objects.filter(pk=world.other_client.pk).exists()
