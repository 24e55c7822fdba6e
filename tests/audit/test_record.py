"""audit_record: one entry per call, the hash chain, append-only."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from headwise.audit.models import GENESIS, AppendOnlyError, AuditEntry, AuditHead
from headwise.audit.services import audit_record
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def test_it_chains_each_entry_to_the_one_before(world: PracticeWorld) -> None:
    start = AuditEntry.objects.count()
    first = audit_record(action="view", actor=world.owner, obj=world.client)
    second = audit_record(
        action="export", actor=world.owner, practice=world.practice, detail={"format": "csv"}
    )
    assert AuditEntry.objects.count() == start + 2
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert first.hash == first.compute_hash() and len(first.hash) == 64
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (second.seq, second.hash)
    stored = AuditEntry.objects.get(pk=first.pk)
    assert stored.compute_hash() == first.hash  # the serialisation survives the round trip


def test_it_derives_who_where_and_which_client_from_the_request(world: PracticeWorld) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    request.user = world.practitioner_user
    request.membership = world.practitioner_user.membership
    request.practice = world.practice
    request.client = None
    entry = audit_record(action="view", request=request, obj=world.records["attack"])
    assert entry.actor_id == world.practitioner_user.pk
    assert entry.actor_label == world.practitioner_user.email
    assert entry.role == "practitioner"
    assert entry.ip == "192.0.2.7"
    assert entry.practice_id == world.practice.pk
    assert entry.client == world.client.uuid
    assert (entry.object_type, entry.object_id) == ("diary.attack", str(world.records["attack"].uuid))


def test_it_keeps_an_event_without_practice_or_actor(db: None) -> None:
    entry = audit_record(action="sign_in_failed", detail={"reason": "unknown address"})
    assert entry.practice_id is None and entry.actor_id is None and entry.actor_label == ""


def test_it_refuses_to_change_or_remove_an_entry(world: PracticeWorld) -> None:
    entry = audit_record(action="view", actor=world.owner, obj=world.client)
    entry.action = "change"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="change")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "view"


def test_it_refuses_an_unknown_action_and_long_detail(world: PracticeWorld) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="action"):
        audit_record(action="peek")
    with pytest.raises(ValueError, match="detail"):
        audit_record(action="view", detail={"note": "x" * 600})
    assert AuditEntry.objects.count() == before


def test_it_rebuilds_a_missing_head_from_the_last_entry(db: None) -> None:
    AuditHead.objects.all().delete()
    first = audit_record(action="sign_in_failed")
    assert first.seq == 1 and first.prev_hash == GENESIS
    AuditHead.objects.all().delete()
    second = audit_record(action="sign_in_failed")
    assert (second.seq, second.prev_hash) == (2, first.hash)


def test_postgresql_refuses_even_raw_sql_changes(world: PracticeWorld) -> None:
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the ORM's refusal")
    entry = audit_record(action="view", actor=world.owner, obj=world.client)
    for sql in (
        "UPDATE audit_auditentry SET action = 'change' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "view"


def test_a_change_records_the_names_of_the_fields_changed(world: PracticeWorld) -> None:
    attack = world.records["attack"]
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    attack.peak_intensity = 3 if attack.peak_intensity != 3 else 2
    attack.save()
    [entry] = AuditEntry.objects.filter(seq__gt=start)
    assert entry.action == "change"
    assert entry.fields == ["peak_intensity"]
    assert entry.client == world.client.uuid
    assert str(attack.peak_intensity) not in str(entry.detail)  # names only, never values


def test_a_role_change_and_a_token_are_recorded(world: PracticeWorld) -> None:
    from django.utils import timezone

    from headwise.accounts.models import ApiToken

    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    membership = world.front_desk.membership
    membership.role = "practitioner"
    membership.save()
    token, _secret = ApiToken.issue(user=world.owner, name="script")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    actions = [(e.action, e.practice_id) for e in AuditEntry.objects.filter(seq__gt=start).order_by("seq")]
    assert actions == [
        ("role_change", world.practice.pk),
        ("token_issue", world.practice.pk),
        ("token_revoke", world.practice.pk),
    ]


def test_the_one_tap_attack_save_is_recorded_once_as_a_create(world: PracticeWorld) -> None:
    """The one-tap save writes no history row (headwise.diary.history), so no history hook runs:
    its ``create`` entry is written by the service. Its first change is then one ``change``, and
    copying the recorded version into the history adds no second ``create``."""
    from headwise.diary.models import Attack
    from headwise.diary.services import attack_start, attack_update
    from tests.conftest import login

    Attack.objects.filter(client=world.client).delete()
    http = login(world.client_user)
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = http.post("/diary/attack/", {"request_id": "8c1d8f0e-0000-4000-8000-00000000a001"})
    assert response.status_code == 302
    attack = Attack.objects.get(client=world.client)
    assert not attack.history.exists()  # still no history row: the row is its recorded version
    [entry] = AuditEntry.objects.filter(seq__gt=start)
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "diary.attack", str(attack.uuid))
    assert entry.actor_id == world.client_user.pk and entry.client == world.client.uuid
    # The same request again (a resubmitted form) returns the same attack and records nothing.
    again, created = attack_start(client=world.client, by=world.client_user, request_id=attack.request_id)
    assert again.pk == attack.pk and not created
    assert AuditEntry.objects.filter(seq__gt=start).count() == 1
    attack_update(attack=attack, by=world.client_user, peak_intensity=6)
    actions = list(AuditEntry.objects.filter(seq__gt=start).order_by("seq").values_list("action", flat=True))
    assert actions == ["create", "change"]
