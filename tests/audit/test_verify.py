"""``headwise audit verify`` names the first entry altered or removed behind the ORM's back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from headwise.audit.models import AuditEntry
from headwise.audit.services import audit_record
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def raw(sql: str, params: list[object]) -> None:
    """Tamper as someone with database access would: on PostgreSQL past the trigger, too."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


@pytest.fixture
def trail(world: PracticeWorld) -> list[AuditEntry]:
    return [audit_record(action="view", actor=world.owner, obj=world.client) for _ in range(5)]


def test_an_intact_chain_passes(trail: list[AuditEntry]) -> None:
    total = AuditEntry.objects.count()
    assert verify().strip() == f"audit chain intact: {total} entries checked"


def test_a_hand_altered_entry_is_named(trail: list[AuditEntry]) -> None:
    victim = trail[2]
    raw("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["someone@else.example", victim.pk])
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"entry id {victim.pk} (number {victim.seq}," in message
    assert "does not match its hash" in message
    assert failure.value.returncode == 1


def test_a_removed_entry_is_named_by_the_one_after(trail: list[AuditEntry]) -> None:
    raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[1].pk])
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"number {trail[2].seq}," in str(failure.value)
    assert f"number {trail[1].seq} is missing" in str(failure.value)


def test_a_rehashed_entry_breaks_the_link_of_the_next(trail: list[AuditEntry]) -> None:
    victim = AuditEntry.objects.get(pk=trail[1].pk)
    victim.actor_label = "forged@example.org"
    forged = victim.compute_hash()
    raw(
        "UPDATE audit_auditentry SET actor_label = %s, hash = %s WHERE id = %s",
        [victim.actor_label, forged, victim.pk],
    )
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"entry id {trail[2].pk} (number {trail[2].seq}," in str(failure.value)
    assert "link to the entry before" in str(failure.value)


def test_entries_removed_from_the_end_are_found(trail: list[AuditEntry]) -> None:
    raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[-1].pk])
    with pytest.raises(CommandError, match="removed from the end"):
        verify()
