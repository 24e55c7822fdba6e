"""Reads of a client's record: one entry per page or API read by staff, none for refusals."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from headwise.audit.models import AuditEntry
from headwise.audit.reads import CLIENT_RECORD_PARAMS, OTHER_PARAMS
from tests.conftest import PracticeWorld, login
from tests.test_tenancy import api_operations, web_patterns

pytestmark = pytest.mark.django_db


def entries_after(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_viewing_a_clients_page_adds_exactly_one_entry(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    as_practitioner.get(f"/clients/{world.client.uuid}/")  # the first view seeds the practice's cadence rules
    start = last_seq()
    response = as_practitioner.get(f"/clients/{world.client.uuid}/")
    assert response.status_code == 200
    [entry] = entries_after(start)
    assert entry.action == "view"
    assert entry.actor_id == world.practitioner_user.pk and entry.role == "practitioner"
    assert entry.client == world.client.uuid and entry.practice_id == world.practice.pk
    assert (entry.object_type, entry.object_id) == ("clients.client", str(world.client.uuid))
    assert entry.detail == {"route": "web:client_detail"}
    assert entry.ip == "127.0.0.1"


def test_reading_the_api_record_adds_exactly_one_entry(world: PracticeWorld, as_owner: HttpClient) -> None:
    start = last_seq()
    response = as_owner.get(f"/api/clients/{world.client.uuid}")
    assert response.status_code == 200
    [entry] = entries_after(start)
    assert (entry.action, entry.client, entry.role) == ("view", world.client.uuid, "owner")


def test_a_read_of_a_diary_record_names_its_client(world: PracticeWorld, as_owner: HttpClient) -> None:
    attack = world.records["attack"]
    start = last_seq()
    assert as_owner.get(f"/api/attacks/{attack.uuid}").status_code == 200
    [entry] = entries_after(start)
    assert (entry.object_type, entry.object_id, entry.client) == (
        "diary.attack",
        str(attack.uuid),
        world.client.uuid,
    )


def test_a_staff_diary_month_is_logged_and_the_clients_own_is_not(
    world: PracticeWorld, as_practitioner: HttpClient, as_client: HttpClient
) -> None:
    start = last_seq()
    assert as_practitioner.get(f"/clients/{world.client.uuid}/diary/").status_code == 200
    assert [e.action for e in entries_after(start)] == ["view"]
    start = last_seq()
    assert as_client.get("/diary/month/").status_code == 200
    assert entries_after(start) == []


def test_a_refused_read_is_not_logged_as_a_view(world: PracticeWorld, as_front_desk: HttpClient) -> None:
    start = last_seq()
    response = as_front_desk.get(f"/clients/{world.client.uuid}/diary/")
    assert response.status_code in (403, 404)
    assert entries_after(start) == []


def test_a_report_pdf_is_a_print(world: PracticeWorld, as_owner: HttpClient) -> None:
    start = last_seq()
    response = as_owner.get(f"/clients/{world.client.uuid}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/pdf")
    assert [(e.action, e.client) for e in entries_after(start)] == [("print", world.client.uuid)]


def test_every_url_parameter_is_classified() -> None:
    """A new route's parameter must be declared a client's record or not, so its reads are logged."""
    import re

    known = set(CLIENT_RECORD_PARAMS) | OTHER_PARAMS
    names = {name for route, _ in web_patterns() for name in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    names |= {name for _m, path, _op in api_operations() for name in re.findall(r"\{(\w+)\}", path)}
    assert names - known == set(), (
        "add these to CLIENT_RECORD_PARAMS or OTHER_PARAMS in headwise/audit/reads.py"
    )


def test_the_other_practices_owner_reads_nothing_and_logs_nothing(
    world: PracticeWorld, outsider: PracticeWorld
) -> None:
    http = login(outsider.owner)
    start = last_seq()
    assert http.get(f"/clients/{world.client.uuid}/").status_code == 404
    assert entries_after(start) == []
