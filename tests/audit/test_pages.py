"""The owner's audit page and CSV, a client's list of who viewed their record."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client as HttpClient

from headwise.audit.models import AuditEntry
from headwise.audit.services import audit_record
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db


def test_the_owner_sees_and_filters_the_practices_entries_only(
    world: PracticeWorld, outsider: PracticeWorld, as_owner: HttpClient
) -> None:
    audit_record(action="view", actor=world.practitioner_user, obj=world.client)
    audit_record(action="view", actor=outsider.owner, obj=outsider.client)
    response = as_owner.get("/practice/audit/", {"action": "view"})
    assert response.status_code == 200
    text = response.content.decode()
    assert world.client.given_name in text
    assert outsider.client.given_name not in text and outsider.owner.email not in text
    only_desk = as_owner.get("/practice/audit/", {"who": world.front_desk.pk, "action": "view"})
    assert only_desk.status_code == 200
    assert f'href="/clients/{world.client.uuid}/"' not in only_desk.content.decode()
    assert f'href="/clients/{world.client.uuid}/"' in text


def test_a_backwards_date_range_is_refused_with_the_field_named(as_owner: HttpClient) -> None:
    response = as_owner.get("/practice/audit/", {"since": "2026-06-10", "until": "2026-06-01"})
    assert response.status_code == 422
    assert "Until" in response.content.decode()
    assert (
        as_owner.get("/practice/audit/export.csv", {"since": "2026-06-10", "until": "2026-06-01"}).status_code
        == 422
    )


def test_only_the_owner_reads_the_trail(
    world: PracticeWorld, as_practitioner: HttpClient, as_front_desk: HttpClient
) -> None:
    assert as_practitioner.get("/practice/audit/").status_code == 403
    assert as_front_desk.get("/practice/audit/export.csv").status_code == 403


def test_the_csv_export_is_itself_audited(world: PracticeWorld, as_owner: HttpClient) -> None:
    audit_record(action="view", actor=world.practitioner_user, obj=world.client)
    before = AuditEntry.objects.count()
    response = as_owner.get("/practice/audit/export.csv", {"client": str(world.client.uuid)})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["number", "at_utc", "who"]
    assert any(r[2] == world.practitioner_user.email and r[8] == str(world.client.uuid) for r in rows[1:])
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_id, entry.detail["of"]) == ("export", world.owner.pk, "audit")


def test_a_client_sees_who_viewed_their_record_without_addresses(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    as_practitioner.get(f"/clients/{world.client.uuid}/")
    audit_record(action="view", actor=world.owner, obj=world.other_client)  # someone else's record
    http = login(world.client_user)
    response = http.get("/me/privacy/views/")
    assert response.status_code == 200
    text = response.content.decode()
    shown = world.records["practitioner"].display_name
    assert shown in text and "Practitioner" in text
    assert "127.0.0.1" not in text
    assert world.owner.full_name not in text  # the owner viewed another client only
