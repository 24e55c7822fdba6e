"""The API takes only what it documents: one strict base for every input schema, one error shape.

Each refused request also leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from headwise.api import api
from headwise.care.models import SessionRecord
from headwise.clients.models import Client
from headwise.common.schemas import In
from headwise.diary.models import Attack, TriggerExposure
from headwise.outcomes.models import QuestionnaireResponse
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _raw(http: HttpClient, method: str, url: str, raw: str | bytes) -> Any:
    return getattr(http, method)(url, raw, content_type="application/json")


def _attacks(world: PracticeWorld) -> int:
    return Attack.objects.filter(client=world.client).count()


@pytest.mark.parametrize("body", ["[]", '"hello"', "5", "null", "true"])
def test_a_body_must_be_a_json_object(as_practitioner, world: PracticeWorld, body: str) -> None:
    before = _attacks(world)
    response = _raw(as_practitioner, "post", f"/api/clients/{world.client.uuid}/attacks", body)
    assert fields_of(response) == ["body"]
    assert _attacks(world) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("peak_intensity", True),
        ("peak_intensity", "7"),
        ("nausea", 1),
        ("nausea", "yes"),
        ("started_at", 1700000000),
        ("notes", 5),
        ("unknown_field", 1),
    ],
)
def test_types_are_strict_and_fields_documented(
    as_practitioner, world: PracticeWorld, field: str, value: Any
) -> None:
    before = _attacks(world)
    response = call(as_practitioner, "post", f"/api/clients/{world.client.uuid}/attacks", {field: value})
    assert fields_of(response) == [field]
    assert _attacks(world) == before


def test_a_number_where_one_is_documented_still_passes(as_practitioner, world: PracticeWorld) -> None:
    started = (NOW - dt.timedelta(days=9)).isoformat()
    response = call(
        as_practitioner,
        "post",
        f"/api/clients/{world.client.uuid}/attacks",
        {
            "started_at": started,
            "ended_at": (NOW - dt.timedelta(days=9, hours=-3)).isoformat(),
            "peak_intensity": 7,
            "nausea": True,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["peak_intensity"] == 7


@pytest.mark.parametrize(
    "text",
    ["a\x00b", "pain \ud83e", "\udc00 alone"],
    ids=["nul", "high-surrogate", "low-surrogate"],
)
def test_unstorable_text_is_refused_naming_the_field(
    as_practitioner, world: PracticeWorld, text: str
) -> None:
    raw = json.dumps({"notes": text})  # json.dumps writes \\u0000 and \\ud83e escapes
    assert "\\u" in raw
    before = _attacks(world)
    response = _raw(as_practitioner, "post", f"/api/clients/{world.client.uuid}/attacks", raw)
    assert fields_of(response) == ["notes"]
    assert _attacks(world) == before


def test_the_json_decoder_reads_a_lone_surrogate_escape() -> None:
    assert json.loads('"pain \\ud83e"') == "pain \ud83e"


def test_a_surrogate_sent_as_raw_bytes_is_refused_too(as_practitioner, world: PracticeWorld) -> None:
    """Python's JSON decoder reads UTF-8 bytes of a surrogate (ED A0 BE) as that surrogate."""
    before = _attacks(world)
    url = f"/api/clients/{world.client.uuid}/attacks"
    response = _raw(as_practitioner, "post", url, b'{"notes": "\xed\xa0\xbe"}')
    assert fields_of(response) == ["notes"]
    assert _attacks(world) == before


def test_text_longer_than_documented_is_refused(as_practitioner, world: PracticeWorld) -> None:
    before = _attacks(world)
    response = call(
        as_practitioner, "post", f"/api/clients/{world.client.uuid}/attacks", {"notes": "x" * 1_000_000}
    )
    assert fields_of(response) == ["notes"]
    assert _attacks(world) == before


def test_session_records_take_the_same_rules(as_practitioner, world: PracticeWorld) -> None:
    url = f"/api/clients/{world.client.uuid}/sessions"
    before = SessionRecord.objects.count()
    body = {"started_at": (NOW - dt.timedelta(hours=2)).isoformat()}
    assert fields_of(call(as_practitioner, "post", url, {**body, "notes": "x" * 1_000_000})) == ["notes"]
    assert fields_of(call(as_practitioner, "post", url, {**body, "notes": "a\x00b"})) == ["notes"]
    assert fields_of(call(as_practitioner, "post", url, {**body, "techniques": ["\x00"]})) == ["techniques"]
    assert SessionRecord.objects.count() == before


def test_malformed_json_answers_400_in_the_one_error_shape(as_practitioner, world: PracticeWorld) -> None:
    before = _attacks(world)
    response = _raw(as_practitioner, "post", f"/api/clients/{world.client.uuid}/attacks", "{bad")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "body", "message": "The body is not valid JSON."}]
    assert _attacks(world) == before


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/nowhere", 404),
        ("put", "/api/clients", 405),
        ("get", f"/api/clients/{uuid.UUID(int=1)}", 404),
    ],
)
def test_every_4xx_has_the_documented_shape(
    as_practitioner, world, method: str, url: str, status: int
) -> None:
    response = getattr(as_practitioner, method)(url)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["errors"], list)


def test_a_caller_without_credentials_gets_401_in_the_shape(db: Any) -> None:
    response = HttpClient().get("/api/clients")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_an_aware_reminder_time_is_refused_not_a_500(as_owner, world: PracticeWorld) -> None:
    new = {"given_name": "Ada", "family_name": "Bakker", "date_of_birth": "1990-01-01"}
    assert fields_of(call(as_owner, "post", "/api/clients", {**new, "reminder_time": "00:00:00Z"})) == [
        "reminder_time"
    ]
    assert not Client.objects.filter(family_name="Bakker").exists()
    patch = call(as_owner, "patch", f"/api/clients/{world.client.uuid}", {"reminder_time": "20:00+02:00"})
    assert fields_of(patch) == ["reminder_time"]
    ok = call(as_owner, "patch", f"/api/clients/{world.client.uuid}", {"reminder_time": "20:15"})
    assert ok.status_code == 200 and ok.json()["reminder_time"] == "20:15:00"


def test_the_schema_says_the_reminder_time_as_answers_write_it() -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]
    declared = schemas["ClientOut"]["properties"]["reminder_time"]
    options = declared.get("anyOf", [declared])
    assert all(o.get("format") != "time" for o in options)
    assert any("pattern" in o for o in options)


@pytest.mark.parametrize("offset", ["46123601093066732068667392", "1000001", "-1"])
def test_a_huge_offset_or_limit_is_a_422(as_owner, world, offset: str) -> None:
    assert fields_of(as_owner.get(f"/api/appointments?offset={offset}")) == ["offset"]
    assert fields_of(as_owner.get(f"/api/clients?limit={offset}")) == ["limit"]


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1899-12"])
def test_a_month_at_the_calendars_edge_is_a_422(as_practitioner, world, month: str) -> None:
    assert fields_of(as_practitioner.get(f"/api/clients/{world.client.uuid}/summary?month={month}")) == [
        "month"
    ]


@pytest.mark.parametrize("born", ["2253-01-01", "1899-12-31", "0001-01-01"])
def test_the_api_refuses_a_date_of_birth_the_form_refuses(as_owner, world, born: str) -> None:
    new = {"given_name": "Ada", "family_name": "Bakker", "date_of_birth": born}
    assert fields_of(call(as_owner, "post", "/api/clients", new)) == ["date_of_birth"]
    assert not Client.objects.filter(family_name="Bakker").exists()
    before = world.client.date_of_birth
    assert fields_of(
        call(as_owner, "patch", f"/api/clients/{world.client.uuid}", {"date_of_birth": born})
    ) == ["date_of_birth"]
    world.client.refresh_from_db()
    assert world.client.date_of_birth == before


def test_a_dose_before_the_client_was_born_is_refused(as_practitioner, world: PracticeWorld) -> None:
    url = f"/api/clients/{world.client.uuid}/medications"
    born = world.client.date_of_birth
    body = {"name": "Ibuprofen", "drug_class": "simple_analgesic"}
    early = dt.datetime.combine(born - dt.timedelta(days=1), dt.time(12)).isoformat()
    assert fields_of(call(as_practitioner, "post", url, {**body, "taken_at": early})) == ["taken_at"]
    assert fields_of(call(as_practitioner, "post", url, {**body, "taken_at": "0001-01-01T00:00"})) == [
        "taken_at"
    ]
    assert fields_of(call(as_practitioner, "post", url, {**body, "taken_at": "9999-12-31T23:59"})) == [
        "taken_at"
    ]
    assert not world.client.medication_intakes.filter(name="Ibuprofen").exists()


def test_a_retried_exposure_is_stored_once(as_client, world: PracticeWorld) -> None:
    url = f"/api/clients/{world.client.uuid}/exposures"
    body = {
        "trigger": "alcohol",
        "occurred_at": (NOW - dt.timedelta(hours=3)).isoformat(),
        "request_id": str(uuid.uuid4()),
    }
    before = TriggerExposure.objects.filter(client=world.client).count()
    first, second = call(as_client, "post", url, body), call(as_client, "post", url, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["uuid"] == second.json()["uuid"]
    assert TriggerExposure.objects.filter(client=world.client).count() == before + 1


def test_a_retried_questionnaire_is_stored_once(as_client, world: PracticeWorld) -> None:
    url = f"/api/clients/{world.client.uuid}/questionnaires"
    body = {"instrument": "phq4", "items": [1, 0, 2, 1], "request_id": str(uuid.uuid4())}
    before = QuestionnaireResponse.objects.filter(client=world.client).count()
    first, second = call(as_client, "post", url, body), call(as_client, "post", url, body)
    assert (first.status_code, second.status_code) == (201, 200), first.content
    assert first.json()["id"] == second.json()["id"]
    assert QuestionnaireResponse.objects.filter(client=world.client).count() == before + 1


def _input_schemas() -> list[type[In]]:
    found: list[type[In]] = []
    stack = list(In.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def test_every_request_body_of_every_route_is_an_input_schema() -> None:
    """A route whose body is not an ``In`` would slip past every rule above."""
    schema = api.get_openapi_schema()
    names = {cls.__name__ for cls in _input_schemas()}
    bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
                bodies.append((method, path, ref))
    assert bodies
    assert [b for b in bodies if b[2] not in names] == []


def test_a_text_field_without_a_maximum_cannot_be_declared() -> None:
    with pytest.raises(TypeError, match="max_length"):

        class Unbounded(In):
            notes: str = ""

    with pytest.raises(TypeError, match="maximum"):

        class Boundless(In):
            count: int = 0


def test_a_query_string_is_read_as_the_schemas_types(as_owner, world: PracticeWorld) -> None:
    """Query values always arrive as text: strictness is for JSON bodies only."""
    response = as_owner.get("/api/clients?include_archived=true&limit=5")
    assert response.status_code == 200, response.content
    assert fields_of(as_owner.get("/api/clients?q=a%00b")) == ["q"]


def test_clearing_an_attacks_start_is_refused_naming_the_field(as_practitioner, world: PracticeWorld) -> None:
    """Found by schemathesis as the owner: ``"started_at": null`` on a PATCH was a 500."""
    attack = f.AttackFactory(client=world.client, practice=world.practice)
    before = Attack.objects.get(pk=attack.pk).started_at
    response = call(
        as_practitioner, "patch", f"/api/attacks/{attack.uuid}", {"started_at": None, "notes": "x"}
    )
    assert fields_of(response) == ["started_at"]
    stored = Attack.objects.get(pk=attack.pk)
    assert (stored.started_at, stored.notes) == (before, attack.notes)
