"""Erasure and anonymisation leave no trace of the client in ANY table, history included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient

from headwise.audit.models import AuditEntry
from headwise.clients.models import Client
from headwise.diary.models import Attack, DailyCheckIn
from headwise.privacy import services
from headwise.privacy.models import ErasureRequest
from tests import factories as f
from tests.conftest import PracticeWorld, login
from tests.factories import PASSWORD

DIARY_MARKER = "Zebrafinch-headache-note"


def _rich(world: PracticeWorld) -> None:
    """A client with history: edited records, a deleted attack, a sign-in, a failed sign-in."""
    client = world.client
    attack = world.records["attack"]
    attack.notes = DIARY_MARKER
    attack.save()
    attack.peak_intensity = 7
    attack.save()
    gone = f.AttackFactory(client=client, practice=world.practice, notes=DIARY_MARKER + " gone")
    gone.delete()  # only its history holds it now
    client.phone = "+31 6 1234 5678"
    client.notes = "Client note " + DIARY_MARKER
    client.save()
    checkin = world.records["checkin"]
    checkin.note = DIARY_MARKER if hasattr(checkin, "note") else ""
    checkin.save()
    HttpClient().post("/login/", {"username": world.client_user.email, "password": "wrong"})
    HttpClient().post("/login/", {"username": world.client_user.email, "password": PASSWORD})


def _markers(world: PracticeWorld) -> list[str]:
    return [world.client.given_name, world.client_user.email, world.client.email, DIARY_MARKER, "1234 5678"]


def _every_cell() -> list[tuple[str, str]]:
    """(table, text of one row) for every row of every table in the database."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            for row in cursor.fetchall():
                found.append((table, " ".join(str(v) for v in row if v is not None)))
    return found


def _traces(world: PracticeWorld, markers: list[str]) -> list[str]:
    """Where any marker is still found. The audit trail is kept under the legal duty to log who
    accessed health records (docs/privacy.md): its entries may name the client's login as *who*
    (``actor_label`` of their own sign-ins), and nothing else of theirs; that is checked apart."""
    email = world.client_user.email
    found = set()
    for table, text in _every_cell():
        for m in markers:
            if not m or m not in text:
                continue
            if table == "audit_auditentry" and m == email:
                continue
            found.add(f"{table}: {m}")
    entries = AuditEntry.objects.all()
    for entry in entries:
        held = entry.canonical().decode().replace(f'"actor_label":"{email}"', "")
        found |= {f"audit entry #{entry.seq}: {m}" for m in markers if m and m in held}
    return sorted(found)


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_name_email_or_diary_in_any_table(world: PracticeWorld) -> None:
    _rich(world)
    markers = _markers(world)
    subject = world.client.uuid
    assert _traces(world, markers), "the walk must find the markers before the erasure"
    other_attacks = Attack.objects.filter(client=world.other_client).count()
    request = services.erasure_request(client=world.client, by=world.client_user, by_client=True)
    services.erasure_decide(request=request, by=world.owner, decision="erase", reason="asked by the client")
    # Every table, the audit trail and the lockout records included.
    assert _traces(world, markers) == []
    assert not Client.objects.filter(uuid=subject).exists()
    assert not DailyCheckIn.objects.filter(client__uuid=subject).exists()
    assert Attack.objects.filter(client=world.other_client).count() == other_attacks
    assert Client.objects.filter(pk=world.other_client.pk).exists()
    entry = AuditEntry.objects.filter(action="erase").get()
    assert entry.client == subject
    assert entry.actor_id == world.owner.pk
    assert entry.detail["decision"] == "erase"
    held = entry.canonical().decode()
    assert not [m for m in markers if m in held]
    done = ErasureRequest.objects.get(subject=subject)
    assert done.done_at is not None and done.client_id is None


@pytest.mark.django_db(transaction=True)
def test_anonymising_keeps_the_figures_and_removes_the_person(world: PracticeWorld) -> None:
    _rich(world)
    markers = _markers(world)
    peaks = sorted(Attack.objects.filter(client=world.client).values_list("peak_intensity", flat=True))
    days = DailyCheckIn.objects.filter(client=world.client).count()
    request = services.erasure_request(client=world.client, by=world.owner, by_client=False)
    services.erasure_decide(request=request, by=world.owner, decision="anonymise")
    assert _traces(world, markers) == []
    kept = Client.objects.get(pk=world.client.pk)
    assert kept.user_id is None and kept.email == "" and kept.date_of_birth.day == 1
    assert sorted(Attack.objects.filter(client=kept).values_list("peak_intensity", flat=True)) == peaks
    assert DailyCheckIn.objects.filter(client=kept).count() == days
    assert not Client.history.filter(id=kept.pk).exists()


def test_keeping_needs_a_future_date_and_a_legal_ground(world: PracticeWorld) -> None:
    from django.core.exceptions import ValidationError

    request = services.erasure_request(client=world.client, by=world.owner, by_client=False)
    with pytest.raises(ValidationError) as refused:
        services.erasure_decide(request=request, by=world.owner, decision="keep")
    assert set(refused.value.message_dict) == {"keep_until", "reason"}
    request.refresh_from_db()
    assert request.decision == ""
    later = dt.date(2045, 1, 1)
    services.erasure_decide(
        request=request, by=world.owner, decision="keep", keep_until=later, reason="WGBO 7:454"
    )
    assert Client.objects.filter(pk=world.client.pk).exists()
    assert ErasureRequest.objects.get(pk=request.pk).keep_until == later


def test_the_owner_confirms_on_the_confirmation_page(world: PracticeWorld) -> None:
    subject = world.client.uuid
    desk = login(world.front_desk)
    assert desk.post(f"/clients/{subject}/privacy/erasure/").status_code == 302
    assert not ErasureRequest.objects.exists()  # an empty post records nothing
    assert desk.post(f"/clients/{subject}/privacy/erasure/", {"ask": "erasure"}).status_code == 302
    assert desk.get(f"/clients/{subject}/privacy/erase/").status_code == 403
    owner = login(world.owner)
    page = owner.get(f"/clients/{subject}/privacy/erase/")
    assert page.status_code == 200
    assert "WGBO" in page.content.decode()
    # Without the confirmation box nothing happens, and the field is named.
    refused = owner.post(f"/clients/{subject}/privacy/erase/", {"decision": "erase"})
    assert refused.status_code == 422
    assert "confirm" in refused.content.decode()
    assert Client.objects.filter(uuid=subject).exists()
    refused = owner.post(f"/clients/{subject}/privacy/erase/", {"decision": "keep", "confirm": "on"})
    assert refused.status_code == 422
    assert "Give the date until which the records must be kept." in refused.content.decode()
    done = owner.post(f"/clients/{subject}/privacy/erase/", {"decision": "erase", "confirm": "on"})
    assert done.status_code == 302
    assert not Client.objects.filter(uuid=subject).exists()


def test_a_client_asks_to_be_erased_from_their_page(world: PracticeWorld) -> None:
    http = login(world.client_user)
    assert http.get("/me/privacy/").status_code == 200
    assert http.post("/me/privacy/erasure/").status_code == 302
    assert not ErasureRequest.objects.exists()  # an empty post records nothing
    assert http.post("/me/privacy/erasure/", {"ask": "erasure"}).status_code == 302
    assert http.post("/me/privacy/erasure/", {"ask": "erasure"}).status_code == 302  # twice: one request
    request = ErasureRequest.objects.get(client=world.client)
    assert request.by_client and request.decision == ""
    assert "You asked on" in http.get("/me/privacy/").content.decode()
