"""schemathesis over ``/api/openapi.json``, as a practitioner and as a client, on the WSGI app.

Every operation of the schema gets generated requests (bounded: ``MAX_EXAMPLES`` each, so the run
takes minutes on two cores); every answer must not be a server error, must match the response
schema the route documents, have a documented status code and content type.

Ids in paths are the world's real records (a random UUID would only ever meet a 404), so the
generated bodies reach the services. ``DELETE /api/tokens/{id}`` gets a spare token, never the
caller's own: revoking that mid-run would turn every later request into a 401.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from headwise.accounts.models import ApiToken, User
from headwise.wsgi import application
from tests.conftest import PracticeWorld, build_world

MAX_EXAMPLES = 12
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
        "consent_id": r["consent"].uuid,
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
        "session_id": r["session"].uuid,
        "token_id": spare.uuid,
    }
    return {name: str(value) for name, value in ids.items()}


#: Cases sent and answers by status class, printed at the end of the module (``-s``).
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    if TALLY:
        print(f"\nschemathesis: {TALLY.total()} cases, by answer {dict(sorted(TALLY.items()))}")


def _run(case: Any, world: PracticeWorld, user: User) -> None:
    _, secret = ApiToken.issue(user=user, name="schemathesis")
    for name, value in _path_ids(world, user).items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    response = case.call(headers={"Authorization": f"Bearer {secret}"})
    TALLY[f"{response.status_code // 100}xx"] += 1
    case.validate_response(response, checks=CHECKS)


_SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
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
            yield build_world("Fuzz")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@_SETTINGS
def test_the_api_as_a_practitioner(case: Any, fuzz_world: PracticeWorld) -> None:
    _run(case, fuzz_world, fuzz_world.practitioner_user)


@schema.parametrize()
@_SETTINGS
def test_the_api_as_a_client(case: Any, fuzz_world: PracticeWorld) -> None:
    _run(case, fuzz_world, fuzz_world.client_user)
