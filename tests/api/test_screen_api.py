"""The safety screen over the API: the same services and refusals as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from headwise.care.models import Appointment, SessionRecord
from headwise.clients.models import SafetyScreening
from headwise.clinical import HEAD_INJURY_RULE, SAFETY_RULES
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db

ALL_NO = {rule.id: "no" for rule in SAFETY_RULES}


def _screen(http, client, **answers: str):
    return call(http, "post", f"/api/clients/{client.uuid}/screenings", {"answers": {**ALL_NO, **answers}})


def _booking(world: PracticeWorld) -> dict[str, str]:
    world.records["practitioner"].locations.add(world.records["location"])
    soon = f.local_at(world.client.time_zone, days=2, hour=10)
    return {
        "client_id": str(world.client.uuid),
        "practitioner_id": str(world.records["practitioner"].uuid),
        "location_id": str(world.records["location"].uuid),
        "starts_at": soon.isoformat(),
        "ends_at": (soon + dt.timedelta(hours=1)).isoformat(),
    }


def test_an_uncleared_refer_blocks_booking_and_session_records_on_the_api(
    as_practitioner, as_front_desk, world: PracticeWorld
) -> None:
    screened = _screen(as_practitioner, world.client, **{"red_flag.sudden_onset": "yes"}).json()
    assert screened["outcome"] == "refer" and screened["books_allowed"] is False
    appointments, sessions = Appointment.objects.count(), SessionRecord.objects.count()
    booked = call(as_front_desk, "post", "/api/appointments", _booking(world))
    assert fields_of(booked) == ["client_id"] and "refer" in booked.json()["errors"][0]["message"]
    started = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    recorded = call(
        as_practitioner, "post", f"/api/clients/{world.client.uuid}/sessions", {"started_at": started}
    )
    assert fields_of(recorded) == ["client_id"] and "refer" in recorded.json()["errors"][0]["message"]
    # also from an appointment booked before the screen
    appointment = world.records["appointment"]
    from_appointment = call(
        as_practitioner,
        "post",
        f"/api/clients/{world.client.uuid}/sessions",
        {"appointment_id": str(appointment.uuid)},
    )
    assert fields_of(from_appointment) == ["client_id"]
    assert (Appointment.objects.count(), SessionRecord.objects.count()) == (appointments, sessions)
    clearance = {"clinician": "Dr. Jansen, GP", "cleared_on": "2026-01-05", "document": "GP letter, ref 12"}
    cleared = call(as_practitioner, "post", f"/api/screenings/{screened['id']}/clearance", clearance)
    assert cleared.status_code == 200 and cleared.json()["books_allowed"] is True
    assert cleared.json()["clearance_document"] == "GP letter, ref 12"
    assert call(as_front_desk, "post", "/api/appointments", _booking(world)).status_code == 201
    again = call(
        as_practitioner, "post", f"/api/clients/{world.client.uuid}/sessions", {"started_at": started}
    )
    assert again.status_code == 201


def test_an_unacknowledged_caution_blocks_a_session_record(as_practitioner, world) -> None:
    screened = _screen(as_practitioner, world.client, **{"contraindication.clotting": "yes"}).json()
    started = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    url = f"/api/clients/{world.client.uuid}/sessions"
    assert fields_of(call(as_practitioner, "post", url, {"started_at": started})) == ["client_id"]
    call(
        as_practitioner,
        "post",
        f"/api/screenings/{screened['id']}/acknowledge",
        {"rule_id": "contraindication.clotting"},
    )
    assert call(as_practitioner, "post", url, {"started_at": started}).status_code == 201


def test_a_client_never_screened_gets_no_session_record(as_practitioner, world) -> None:
    started = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    refused = call(
        as_practitioner, "post", f"/api/clients/{world.other_client.uuid}/sessions", {"started_at": started}
    )
    assert fields_of(refused) == ["client_id"]
    assert not SessionRecord.objects.filter(client=world.other_client).exists()


def test_the_api_gives_reasons_as_rule_ids_params_and_words(as_practitioner, world) -> None:
    client = world.client
    client.recent_head_injury_on = f.local_today(client.time_zone) - dt.timedelta(days=11)
    client.save()
    body = _screen(as_practitioner, client).json()
    (reason,) = body["reasons"]
    assert reason["rule_id"] == HEAD_INJURY_RULE and reason["effect"] == "defer"
    assert reason["params"]["days_left"] == 79
    assert "79 days left" in reason["detail"]
    world.practitioner_user.language = "nl"
    world.practitioner_user.save()
    dutch = call(login(world.practitioner_user), "get", f"/api/screenings/{body['id']}").json()
    assert "dagen" in dutch["reasons"][0]["detail"]
    stored = SafetyScreening.objects.get(uuid=body["id"])
    assert "text" not in stored.reasons[0]


def test_the_api_says_when_a_screen_is_due(as_practitioner, as_front_desk, world) -> None:
    due = call(as_practitioner, "get", f"/api/clients/{world.other_client.uuid}/screen-due").json()
    assert due == {"due": True, "reason": "never", "message": due["message"]} and due["message"]
    assert call(as_practitioner, "get", f"/api/clients/{world.client.uuid}/screen-due").json()["due"] is False
    assert call(as_front_desk, "get", f"/api/clients/{world.client.uuid}/screen-due").status_code == 403


def test_the_api_screens_with_the_practices_rules(as_owner, as_practitioner, world) -> None:
    as_owner.post("/practice/safety-rules/", {"action": "disable", "rule_id": "contraindication.clotting"})
    ids = {r["id"] for r in call(as_practitioner, "get", "/api/screening-rules").json()}
    assert "contraindication.clotting" not in ids and HEAD_INJURY_RULE in ids
    refused = _screen(as_practitioner, world.client)
    assert fields_of(refused) == ["answers.contraindication.clotting"]
    answers = {k: v for k, v in ALL_NO.items() if k != "contraindication.clotting"}
    ok = call(
        as_practitioner, "post", f"/api/clients/{world.client.uuid}/screenings", {"answers": answers}
    ).json()
    assert ok["outcome"] == "cleared" and ok["disabled_rules"] == ["contraindication.clotting"]
