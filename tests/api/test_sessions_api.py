"""The session record over the API: the same services and refusals as the pages (body map
codes, techniques, the lock and addenda, what the front desk sees, the client's answer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from headwise.care.models import Addendum, FollowUp, SessionRecord, Technique
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db


def _session(world: PracticeWorld, *, hours_ago: float, **fields: Any) -> SessionRecord:
    record = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **fields,
    )
    f.FollowUpFactory(session=record, practice=world.practice)
    return record


def test_it_records_the_body_map_techniques_and_what_the_client_noticed(as_practitioner, world) -> None:
    body = {
        "started_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "location_id": str(world.records["location"].uuid),
        "room_id": str(world.records["room"].uuid),
        "regions": ["crown", "shoulders", "upper_back", "abdomen"],
        "techniques": ["V-spread", "TMJ release"],
        "noticed": ["warmth", "floating"],
        "next_time": "Diaphragm first.",
        "soap": True,
        "subjective": "Slept badly.",
    }
    response = call(as_practitioner, "post", f"/api/clients/{world.client.uuid}/sessions", body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["regions"], out["techniques"], out["noticed"]) == (
        body["regions"],
        body["techniques"],
        body["noticed"],
    )
    assert out["locked"] is False and out["addenda"] == []
    assert out["room_id"] == str(world.records["room"].uuid)
    record = SessionRecord.objects.get(uuid=out["id"])
    assert (record.soap, record.subjective, record.emotional_release) == (True, "Slept badly.", False)


@pytest.mark.parametrize(
    ("field", "over"),
    [
        ("regions", {"regions": ["elbow"]}),
        ("techniques", {"techniques": ["Bone cracking"]}),
        ("noticed", {"noticed": ["levitation"]}),
        ("room_id", {"room_id": "7d5e0c1e-1d7f-4f3e-9a55-1f1f1f1f1f1f"}),
        ("started_at", {"started_at": "2999-01-01T10:00:00+00:00"}),
        ("subjective", {"subjective": "x" * 5001}),
    ],
)
def test_it_names_bad_input_and_saves_nothing(as_practitioner, world, field, over) -> None:
    before = (SessionRecord.objects.count(), FollowUp.objects.count())
    body = {"started_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(), **over}
    assert fields_of(call(as_practitioner, "post", f"/api/clients/{world.client.uuid}/sessions", body)) == [
        field
    ]
    assert (SessionRecord.objects.count(), FollowUp.objects.count()) == before


def test_a_locked_record_refuses_a_patch_and_takes_an_addendum(as_practitioner, world) -> None:
    record = _session(world, hours_ago=26, notes="as written", regions=["neck"])
    url = f"/api/sessions/{record.uuid}"
    assert call(as_practitioner, "get", url).json()["locked"] is True
    refused = call(as_practitioner, "patch", url, {"notes": "new", "regions": ["feet"]})
    assert sorted(fields_of(refused)) == ["notes", "regions"]
    record.refresh_from_db()
    assert (record.notes, record.regions, record.history.count()) == ("as written", ["neck"], 1)
    response = call(as_practitioner, "post", f"{url}/addenda", {"text": "Phoned: fine."})
    assert response.status_code == 201
    assert fields_of(call(as_practitioner, "post", f"{url}/addenda", {"text": ""})) == ["text"]
    out = call(as_practitioner, "get", url).json()
    assert [a["text"] for a in out["addenda"]] == ["Phoned: fine."]
    assert out["notes"] == "as written"
    assert Addendum.objects.filter(session=record).count() == 1


def test_an_unlocked_record_takes_a_patch(as_practitioner, world) -> None:
    record = _session(world, hours_ago=2)
    response = call(
        as_practitioner, "patch", f"/api/sessions/{record.uuid}", {"noticed": ["emotional_release"]}
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert (record.noticed, record.emotional_release) == (["emotional_release"], True)


def test_the_front_desk_gets_that_sessions_happened_and_nothing_else(as_front_desk, world) -> None:
    record = _session(world, hours_ago=3, notes="PRIVATE", regions=["abdomen"], techniques=["Temporal"])
    response = call(as_front_desk, "get", f"/api/clients/{world.client.uuid}/sessions/happened")
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["id"] for item in items} >= {str(record.uuid)}
    assert set(items[0]) == {"id", "started_at", "duration_minutes", "practitioner_id", "practitioner_name"}
    assert "PRIVATE" not in response.content.decode() and "abdomen" not in response.content.decode()
    assert call(as_front_desk, "get", f"/api/sessions/{record.uuid}").status_code == 403
    assert (
        call(as_front_desk, "post", f"/api/sessions/{record.uuid}/addenda", {"text": "x"}).status_code == 403
    )
    assert call(as_front_desk, "get", "/api/techniques").status_code == 403
    assert not Addendum.objects.filter(session=record).exists()


def test_the_practice_edits_its_techniques(as_owner, world) -> None:
    listed = call(as_owner, "get", "/api/techniques").json()
    assert [t["name"] for t in listed][:2] == ["CV4 / still point", "Frontal lift"]
    response = call(as_owner, "post", "/api/techniques", {"name": "Occipital cradle"})
    assert response.status_code == 201
    assert fields_of(call(as_owner, "post", "/api/techniques", {"name": "occipital CRADLE"})) == ["name"]
    technique_id = response.json()["id"]
    response = call(as_owner, "patch", f"/api/techniques/{technique_id}", {"is_active": False})
    assert response.json()["is_active"] is False
    assert Technique.objects.get(uuid=technique_id).is_active is False
    body = {"started_at": timezone.now().isoformat(), "techniques": ["Occipital cradle"]}
    assert fields_of(call(as_owner, "post", f"/api/clients/{world.client.uuid}/sessions", body)) == [
        "techniques"
    ]


def test_the_client_answers_the_follow_up_through_the_api(world, clock) -> None:
    world.records["session"].delete()
    record = _session(world, hours_ago=2)
    http = login(world.client_user)
    assert call(http, "get", "/api/me/follow-ups").json() == []
    clock.move_to(record.follow_up.due_at)
    http = login(world.client_user)
    listed = call(http, "get", "/api/me/follow-ups").json()
    assert [x["id"] for x in listed] == [str(record.follow_up.uuid)]
    url = f"/api/follow-ups/{record.follow_up.uuid}/answer"
    assert fields_of(call(http, "post", url, {"feeling": "dizzy"})) == ["feeling"]
    assert fields_of(call(http, "post", url, {"passed": True})) == ["passed"]
    record.follow_up.refresh_from_db()
    assert (record.follow_up.side_effects, record.follow_up.completed_at) == ([], None)
    assert call(http, "post", url, {"feeling": "disorientation"}).status_code == 200
    out = call(http, "post", url, {"passed": True}).json()
    assert out["side_effects"] == ["disorientation"] and out["passed_at"] is not None
    record.follow_up.refresh_from_db()
    assert record.follow_up.faded_within_24h is True
    staff = login(world.practitioner_user)
    assert call(staff, "post", url, {"feeling": "fine"}).status_code == 403
    listed = call(staff, "get", "/api/follow-ups?due=all").json()["items"]
    mine = next(x for x in listed if x["id"] == str(record.follow_up.uuid))
    assert mine["flagged"] is False


def test_another_client_cannot_answer(world) -> None:
    record = _session(world, hours_ago=25)
    sibling = f.UserFactory(email="sibling-api@alpha.example")
    world.other_client.user = sibling
    world.other_client.save(update_fields=["user"])
    url = f"/api/follow-ups/{record.follow_up.uuid}/answer"
    assert call(login(sibling), "post", url, {"feeling": "fine"}).status_code == 404
    record.follow_up.refresh_from_db()
    assert record.follow_up.completed_at is None
