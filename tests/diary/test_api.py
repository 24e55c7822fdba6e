"""The diary API: access by role, the shared rules, idempotent submissions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake
from tests.conftest import PracticeWorld, login

NOW = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def post(http: HttpClient, url: str, body: dict[str, Any]) -> Any:
    return http.post(url, body, content_type="application/json")


def test_it_records_an_attack_once_for_a_repeated_request_id(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    url = f"/api/clients/{world.client.uuid}/attacks"
    body = {"request_id": str(uuid.uuid4()), "started_at": "2026-05-10T09:00", "peak_intensity": 6}
    first = post(as_client, url, body)
    second = post(as_client, url, body)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["uuid"] == second.json()["uuid"]
    assert first.json()["started_at"].startswith("2026-05-10T07:00")  # 09:00 Amsterdam summer time
    assert Attack.objects.filter(client=world.client, request_id=body["request_id"]).count() == 1


def test_it_names_the_field_and_changes_nothing_on_bad_input(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    url = f"/api/clients/{world.client.uuid}/attacks"
    before = Attack.objects.count()
    cases = [
        ({"started_at": "2026-05-10T09:00", "ended_at": "2026-05-10T08:00"}, "ended_at"),
        ({"started_at": "2026-05-11T09:00"}, "started_at"),
        ({"started_at": "2026-03-29T02:30"}, "started_at"),
        ({"started_at": "2026-05-09T09:00", "peak_intensity": 11}, "peak_intensity"),
        ({"started_at": "2026-05-09T09:00", "side": "left"}, "side"),
        ({"started_at": "2026-05-09T09:00", "time_zone": "Nowhere/City"}, "time_zone"),
        ({"started_at": "2026-05-09T09:00", "suspected_triggers": ["moonlight"]}, "suspected_triggers"),
    ]
    for body, field in cases:
        response = post(as_client, url, body)
        assert response.status_code == 422, body
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert Attack.objects.count() == before


def test_it_refuses_an_overlap_on_patch_and_keeps_the_attack(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    url = f"/api/clients/{world.client.uuid}/attacks"
    a = post(as_client, url, {"started_at": "2026-05-09T08:00", "ended_at": "2026-05-09T10:00"}).json()
    b = post(as_client, url, {"started_at": "2026-05-09T12:00", "ended_at": "2026-05-09T14:00"}).json()
    response = as_client.patch(
        f"/api/attacks/{b['uuid']}", {"started_at": "2026-05-09T09:00"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "started_at"
    assert Attack.objects.get(uuid=b["uuid"]).started_at == dt.datetime(2026, 5, 9, 10, tzinfo=dt.UTC)
    assert a["uuid"] != b["uuid"]


def test_it_patches_deletes_restores_and_shows_history(world: PracticeWorld, as_client: HttpClient) -> None:
    created = post(
        as_client, f"/api/clients/{world.client.uuid}/attacks", {"started_at": "2026-05-10T06:00"}
    ).json()
    url = f"/api/attacks/{created['uuid']}"
    patched = as_client.patch(
        url, {"nausea": True, "ended_at": "2026-05-10T11:00"}, content_type="application/json"
    )
    assert (
        patched.status_code == 200
        and patched.json()["nausea"] is True
        and patched.json()["photophobia"] is None
    )
    assert as_client.delete(url).status_code == 204
    assert Attack.objects.get(uuid=created["uuid"]).deleted_at is not None
    assert as_client.post(f"{url}/restore").status_code == 200
    history = as_client.get(f"{url}/history").json()
    assert [h["kind"] for h in history] == ["Restored", "Deleted", "Changed", "Recorded"]
    undo = as_client.post(f"{url}/history/{history[2]['history_id']}/undo")
    assert undo.status_code == 200 and undo.json()["nausea"] is None and undo.json()["ended_at"] is None


def test_it_adds_aura_and_medication(world: PracticeWorld, as_client: HttpClient) -> None:
    attack = post(
        as_client, f"/api/clients/{world.client.uuid}/attacks", {"started_at": "2026-05-10T06:00"}
    ).json()
    aura = post(
        as_client,
        f"/api/attacks/{attack['uuid']}/aura",
        {"type": "visual", "duration_minutes": 25, "positive": True},
    )
    assert aura.status_code == 201
    bad = post(as_client, f"/api/attacks/{attack['uuid']}/aura", {"type": "smell"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "type"
    patched = as_client.patch(
        f"/api/aura/{aura.json()['uuid']}", {"duration_minutes": 30}, content_type="application/json"
    )
    assert patched.json()["duration_minutes"] == 30
    assert as_client.delete(f"/api/aura/{aura.json()['uuid']}").status_code == 204
    assert not AuraSymptom.objects.filter(uuid=aura.json()["uuid"]).exists()
    rid = str(uuid.uuid4())
    body = {
        "taken_at": "2026-05-10T07:00",
        "name": "sumatriptan",
        "drug_class": "triptan",
        "dose": "50 mg",
        "pain_before": "severe",
        "attack": attack["uuid"],
        "request_id": rid,
    }
    first = post(as_client, f"/api/clients/{world.client.uuid}/medications", body)
    again = post(as_client, f"/api/clients/{world.client.uuid}/medications", body)
    assert first.status_code == 201 and again.status_code == 200 and first.json()["attack"] == attack["uuid"]
    assert MedicationIntake.objects.filter(request_id=rid).count() == 1
    intake = first.json()["uuid"]
    assert (
        as_client.patch(
            f"/api/medications/{intake}", {"pain_at_2h": "mild"}, content_type="application/json"
        ).json()["pain_at_2h"]
        == "mild"
    )
    soon = post(
        as_client,
        f"/api/clients/{world.client.uuid}/medications",
        {**body, "taken_at": "2026-05-10T13:45", "pain_at_2h": "none", "request_id": str(uuid.uuid4())},
    )
    assert soon.status_code == 422 and [e["field"] for e in soon.json()["errors"]] == ["pain_at_2h"]
    assert as_client.delete(f"/api/medications/{intake}").status_code == 204
    assert intake not in [
        m["uuid"] for m in as_client.get(f"/api/clients/{world.client.uuid}/medications").json()["items"]
    ]


def test_it_saves_checkins_and_summarises_the_month(world: PracticeWorld, as_client: HttpClient) -> None:
    base = f"/api/clients/{world.client.uuid}"
    put = as_client.put(
        f"{base}/checkins/2026-05-09", {"had_headache": False, "stress": 3}, content_type="application/json"
    )
    assert put.status_code == 200
    future = as_client.put(
        f"{base}/checkins/2026-05-11", {"had_headache": False}, content_type="application/json"
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "date"
    assert not DailyCheckIn.objects.filter(client=world.client, date=dt.date(2026, 5, 11)).exists()
    listed = as_client.get(f"{base}/checkins?from=2026-05-09&to=2026-05-09").json()["items"]
    assert [c["date"] for c in listed] == ["2026-05-09"]
    summary = as_client.get(f"{base}/summary?month=2026-05").json()
    assert summary["days"] == 10 and summary["recorded"] >= 1
    assert summary["missing"] == summary["days"] - summary["recorded"]
    assert len(summary["calendar"]) == 31
    assert as_client.get(f"{base}/summary?month=May").status_code == 422
    exposure = post(as_client, f"{base}/exposures", {"trigger": "alcohol", "occurred_at": "2026-05-09T20:00"})
    assert exposure.status_code == 201
    assert (
        post(
            as_client, f"{base}/exposures", {"trigger": "moon", "occurred_at": "2026-05-09T20:00"}
        ).status_code
        == 422
    )
    assert len(as_client.get(f"{base}/exposures").json()) >= 1


def test_it_lets_clinicians_in_refuses_the_front_desk_and_hides_from_others(
    world: PracticeWorld, outsider: PracticeWorld, as_practitioner: HttpClient, as_front_desk: HttpClient
) -> None:
    attack = world.records["attack"]
    assert as_practitioner.get(f"/api/attacks/{attack.uuid}").status_code == 200
    assert as_practitioner.get(f"/api/clients/{world.client.uuid}/attacks").status_code == 200
    assert as_front_desk.get(f"/api/attacks/{attack.uuid}").status_code == 403
    assert as_front_desk.get(f"/api/clients/{world.client.uuid}/attacks").status_code == 403
    stranger = login(outsider.practitioner_user)
    assert stranger.get(f"/api/attacks/{attack.uuid}").status_code == 404
    assert stranger.get(f"/api/clients/{world.client.uuid}/summary?month=2026-05").status_code == 404
    other_client = login(outsider.client_user)
    assert other_client.get(f"/api/attacks/{attack.uuid}").status_code == 404
    assert other_client.delete(f"/api/attacks/{attack.uuid}").status_code == 404
    sibling = world.records["other_attack"]
    as_client = login(world.client_user)
    assert as_client.get(f"/api/attacks/{sibling.uuid}").status_code == 404
    assert as_client.get(f"/api/clients/{world.other_client.uuid}/attacks").status_code == 404
    assert Attack.objects.get(pk=attack.pk).deleted_at is None
