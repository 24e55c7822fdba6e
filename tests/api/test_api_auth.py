"""Authentication of the foundation's routes: personal tokens, session with CSRF, the schema."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client as HttpClient

from headwise.clients.models import Client
from tests.api.conftest import call
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def _token(http: HttpClient) -> tuple[str, str]:
    response = call(http, "post", "/api/tokens", {"name": "script"})
    assert response.status_code == 201
    return response.json()["token"], response.json()["uuid"]


def test_it_answers_401_without_credentials(world: PracticeWorld) -> None:
    anonymous = HttpClient()
    assert anonymous.get("/api/clients").status_code == 401
    assert anonymous.get(f"/api/clients/{world.client.uuid}").status_code == 401
    assert call(anonymous, "post", "/api/appointments", {}).status_code == 401


def test_it_accepts_a_token_and_refuses_it_once_revoked(as_front_desk, world: PracticeWorld) -> None:
    secret, token_id = _token(as_front_desk)
    bearer = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = bearer.get("/api/clients")
    assert listed.status_code == 200
    assert str(world.client.uuid) in {c["id"] for c in listed.json()["items"]}
    created = call(
        bearer,
        "post",
        "/api/clients",
        {"given_name": "Tok", "family_name": "En", "date_of_birth": "1990-02-03"},
    )
    assert created.status_code == 201
    assert Client.objects.get(uuid=created.json()["id"]).created_by == world.front_desk
    assert as_front_desk.delete(f"/api/tokens/{token_id}").status_code == 204
    assert bearer.get("/api/clients").status_code == 401
    assert HttpClient(HTTP_AUTHORIZATION="Bearer hw_not-a-token").get("/api/clients").status_code == 401


def test_it_keeps_a_tokens_role(as_front_desk, world: PracticeWorld) -> None:
    secret, _ = _token(as_front_desk)
    bearer = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get(f"/api/clients/{world.client.uuid}/screenings").status_code == 403


def test_it_needs_csrf_for_unsafe_methods_in_a_session(world: PracticeWorld) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(world.front_desk, backend="django.contrib.auth.backends.ModelBackend")
    body = {"given_name": "Cs", "family_name": "Rf", "date_of_birth": "1990-02-03"}
    refused = call(browser, "post", "/api/clients", body)
    assert refused.status_code in (401, 403)
    assert not Client.objects.filter(given_name="Cs").exists()
    assert browser.get("/api/clients").status_code == 200  # safe methods need no token
    csrf = _get_new_csrf_string()
    browser.cookies[settings.CSRF_COOKIE_NAME] = csrf
    accepted = call(browser, "post", "/api/clients", body, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201
    assert Client.objects.filter(given_name="Cs", practice=world.practice).exists()


def test_it_documents_the_error_answers_of_every_route(as_owner) -> None:
    schema = json.loads(as_owner.get("/api/openapi.json").content)
    ours = tuple(
        f"headwise_{app}_api_" for app in ("accounts", "practice", "clients", "care", "outcomes", "diary")
    )
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation["operationId"].startswith(ours):
                continue
            assert operation.get("summary"), (method, path)
            for status in ("401", "403", "404", "422"):
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            checked += 1
    assert checked >= 70
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "errors"}
