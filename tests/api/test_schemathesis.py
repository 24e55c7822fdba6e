"""schemathesis over ``/api/openapi.json`` as a practitioner, the front desk and a client, on
the WSGI app.

Every operation of the schema gets generated requests as each role (bounded: ``EXAMPLES`` per
role, so the four runs take minutes on two cores); every answer must not be a server error, must
match the response schema the route documents, have a documented status code and content type.
The front desk's answers must also carry no clinical note (:func:`assert_no_clinical_notes`).

Ids in paths are the world's real records (a random UUID would only ever meet a 404), so the
generated bodies reach the services. ``DELETE /api/tokens/{id}`` gets a spare token, never the
caller's own: revoking that mid-run would turn every later request into a 401.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models import CharField, Model, TextField
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from headwise.accounts.models import ApiToken, User
from headwise.care.models import Addendum, FollowUp, PlanPhase, SessionRecord, TreatmentPlan
from headwise.clients.models import CLINICAL_FIELDS, Client, Intake, SafetyScreening
from headwise.diary.models import Attack, DailyCheckIn
from headwise.wsgi import application
from tests.conftest import PracticeWorld, build_world

#: Examples per operation for each role: twelve for the practitioner and the client, as before;
#: six for the front desk, most of whose cases end in a 403 before a service.
EXAMPLES = {"owner": 6, "practitioner": 12, "front_desk": 6, "client": 12}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
#: A fixed instant: the world's records and the generated dates do not depend on the wall clock.
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

#: Loaded from the running app's own ``/api/openapi.json``, as a phone app's developer would.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def _path_ids(world: PracticeWorld, user: User) -> dict[str, str]:
    r = world.records
    spare, _ = ApiToken.issue(user=user, name="spare, for DELETE /api/tokens/{id}")
    ids = {
        "client_id": world.client.uuid,
        "appointment_id": r["appointment"].uuid,
        "attack_id": r["attack"].uuid,
        "aura_id": r["aura"].uuid,
        "closure_id": r["closure"].uuid,
        "consent_id": r["consent"].uuid,
        "exception_id": r["exception"].uuid,
        "follow_up_id": r["follow_up"].uuid,
        "intake_id": r["intake"].uuid,
        "location_id": r["location"].uuid,
        "membership_id": r["membership"].uuid,
        "phase_id": r["phase"].uuid,
        "plan_id": r["plan"].uuid,
        "practitioner_id": r["practitioner"].uuid,
        "questionnaire_id": r["questionnaire"].uuid,
        "room_id": r["room"].uuid,
        "screening_id": r["screening"].uuid,
        "service_id": r["service"].uuid,
        "session_id": r["session"].uuid,
        "technique_id": r["technique"].uuid,
        "token_id": spare.uuid,
        "waitlist_entry_id": r["waitlist_entry"].uuid,
        "working_hours_id": r["working_hours"].uuid,
    }
    return {name: str(value) for name, value in ids.items()}


# --- the front desk never receives a clinical note ------------------------------------------

#: Planted in every clinical-note field of the world (:func:`_plant_clinical_notes`): an answer
#: to the front desk that carries one is caught by its content, whatever the answer calls it.
PLANTED = "planted-clinical-note"


def _note_fields(model: type[Model]) -> list[str]:
    """The free-text fields of ``model``: where its notes are written."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, TextField)]


def _plant_clinical_notes(world: PracticeWorld) -> None:
    """Write ``PLANTED`` into what the front desk may not read: the client record's clinical part
    (``CLINICAL_FIELDS``, the one list the pages and the API hide from them), and the free text
    of the records only :meth:`Membership.sees_clinical_records` members read: session records
    and their addenda, plans and phases, follow-ups, the intake form, the screening's notes and
    the diary. ``update()``: the session may be locked."""
    text = {f.name for f in Client._meta.concrete_fields if isinstance(f, CharField | TextField)}
    for client in (world.client, world.other_client):
        Client.objects.filter(pk=client.pk).update(
            **{name: f"{PLANTED} {name}"[:100] for name in CLINICAL_FIELDS if name in text},
            known_triggers=[PLANTED],
        )
    for model in (SessionRecord, Addendum, TreatmentPlan, PlanPhase, FollowUp, Intake, Attack, DailyCheckIn):
        model.objects.filter(practice=world.practice).update(
            **{name: f"{PLANTED} {name}" for name in _note_fields(model)}
        )
    # the screening's notes only: its clearance text is what lifts a referral
    SafetyScreening.objects.filter(practice=world.practice).update(notes=f"{PLANTED} notes")


def _intakes(body: Any) -> Iterator[Any]:
    """Every ``intake`` (the client record's clinical part) anywhere in a JSON answer."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "intake":
                yield value
            yield from _intakes(value)
    elif isinstance(body, list):
        for item in body:
            yield from _intakes(item)


def assert_no_clinical_notes(text: str) -> None:
    """The front desk's answer carries no clinical note: no planted note in it, and no client
    record with its intake filled in (``ClientOut.intake`` is null for them)."""
    assert PLANTED not in text, f"a clinical note reached the front desk: {text[:500]}"
    try:
        body = json.loads(text)
    except ValueError:
        return
    filled = [intake for intake in _intakes(body) if intake is not None]
    assert not filled, f"a client's intake reached the front desk: {filled[:1]}"


def test_the_front_desk_check_catches_a_note_and_an_intake() -> None:
    assert_no_clinical_notes('{"notes": "for the front desk", "intake": null}')
    with pytest.raises(AssertionError, match="clinical note"):
        assert_no_clinical_notes(f'{{"items": [{{"notes": "{PLANTED} notes"}}]}}')
    with pytest.raises(AssertionError, match="intake"):
        assert_no_clinical_notes('{"items": [{"intake": {"migraine_diagnosed": true}}]}')


#: Cases sent and answers by role and status class, printed at the end of the module (``-s``).
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    if TALLY:
        print(f"\nschemathesis: {TALLY.total()} cases, by role and answer {dict(sorted(TALLY.items()))}")


def _run(case: Any, world: PracticeWorld, role: str) -> None:
    user = {
        "owner": world.owner,
        "practitioner": world.practitioner_user,
        "front_desk": world.front_desk,
        "client": world.client_user,
    }[role]
    _, secret = ApiToken.issue(user=user, name="schemathesis")
    for name, value in _path_ids(world, user).items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    response = case.call(headers={"Authorization": f"Bearer {secret}"})
    TALLY[f"{role} {response.status_code // 100}xx"] += 1
    case.validate_response(response, checks=CHECKS)
    if role == "front_desk":
        assert_no_clinical_notes(response.text)


def _settings(role: str) -> Any:
    return hypothesis_settings(
        max_examples=EXAMPLES[role],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture
def fuzz_world(db: Any) -> Any:
    # schemathesis calls the WSGI app itself, not through Django's test client, so Django would
    # close the test's database connection after each request (on PostgreSQL, mid-transaction);
    # like the test client, keep it open while the test runs.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with time_machine.travel(NOW, tick=False):
            world = build_world("Fuzz")
            _plant_clinical_notes(world)
            yield world
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@_settings("practitioner")
def test_the_api_as_a_practitioner(case: Any, fuzz_world: PracticeWorld) -> None:
    _run(case, fuzz_world, "practitioner")


@schema.parametrize()
@_settings("owner")
def test_the_api_as_the_owner(case: Any, fuzz_world: PracticeWorld) -> None:
    _run(case, fuzz_world, "owner")


@schema.parametrize()
@_settings("front_desk")
def test_the_api_as_the_front_desk(case: Any, fuzz_world: PracticeWorld) -> None:
    assert not fuzz_world.front_desk.membership.sees_clinical_records
    _run(case, fuzz_world, "front_desk")


@schema.parametrize()
@_settings("client")
def test_the_api_as_a_client(case: Any, fuzz_world: PracticeWorld) -> None:
    _run(case, fuzz_world, "client")
