"""Hardening: the Content-Security-Policy, no-store on every answer, secrets, request sizes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as HttpClient

from headwise.settings import envsecret
from tests.conftest import PracticeWorld, login
from tests.test_tenancy import api_operations, fill_api, fill_web, ids_of, query_for, web_patterns


def _directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def test_it_sends_the_policy_on_pages_without_unsafe_inline(world: PracticeWorld) -> None:
    for http, path in ((HttpClient(), "/login/"), (login(world.owner), f"/clients/{world.client.uuid}/")):
        response = http.get(path)
        assert response.status_code == 200
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["base-uri"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_it_switches_off_htmx_injected_style(as_client: HttpClient) -> None:
    page = as_client.get("/me/").content.decode()
    assert '"includeIndicatorStyles": false' in page
    # The meta tag must come before htmx reads its configuration.
    assert page.index('name="htmx-config"') < page.index("htmx.min.js")


def _assert_no_store(response: object, what: str, failures: list[str]) -> None:
    cache = response.get("Cache-Control", "")  # type: ignore[attr-defined]
    if cache != "no-store" or response.get("Pragma") != "no-cache":  # type: ignore[attr-defined]
        failures.append(f"{what}: Cache-Control={cache!r}")


def test_every_page_and_api_answer_says_no_store(world: PracticeWorld) -> None:
    from headwise.accounts.models import ApiToken

    world.records["token"], _secret = ApiToken.issue(user=world.owner, name="walk")
    # Routes of other issues that the shared walk may not fill yet get a value that opens nothing.
    ids = {"uidb64": "MQ", **ids_of(world)}
    failures: list[str] = []
    owner, client = login(world.owner), login(world.client_user)
    checked = 0
    for route, _ in web_patterns():
        url = fill_web(route, ids)
        for http in (owner, client, HttpClient()):
            _assert_no_store(http.get(url), f"GET {url}", failures)
            checked += 1
    for method, path, op in api_operations():
        if method != "GET":
            continue
        url = fill_api(path, ids) + query_for(op, ids)
        for http in (owner, HttpClient()):
            _assert_no_store(http.get(url), f"GET {url}", failures)
            checked += 1
    assert checked > 100
    assert not failures, "\n".join(failures)


def test_it_says_no_store_on_api_answers_to_a_bearer_token(world: PracticeWorld) -> None:
    from headwise.accounts.models import ApiToken

    _token, secret = ApiToken.issue(user=world.owner, name="t")
    response = HttpClient().get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    refused = HttpClient().get("/api/me", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    assert refused["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(db: None) -> None:
    response = HttpClient().get("/static/web/headwise.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_it_refuses_a_request_body_over_the_limit_without_a_500(
    world: PracticeWorld, settings: object
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # type: ignore[attr-defined]
    http = login(world.client_user)
    before = world.client.attacks.count()
    body = '{"started_at": "2026-01-01T10:00:00+01:00", "note": "' + "x" * 2000 + '"}'
    response = http.post(
        f"/api/clients/{world.client.uuid}/attacks", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert world.client.attacks.count() == before


class TestSecretsFromFiles:
    def test_it_reads_the_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HW_TEST_SECRET", "abc")
        monkeypatch.delenv("HW_TEST_SECRET_FILE", raising=False)
        assert envsecret("HW_TEST_SECRET") == "abc"

    def test_it_reads_the_file_without_its_newline(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: object
    ) -> None:
        path = tmp_path / "secret"  # type: ignore[operator]
        path.write_text("s3cret value\n", encoding="utf-8")
        monkeypatch.delenv("HW_TEST_SECRET", raising=False)
        monkeypatch.setenv("HW_TEST_SECRET_FILE", str(path))
        assert envsecret("HW_TEST_SECRET") == "s3cret value"

    def test_it_falls_back_to_the_default_when_neither_is_set(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("HW_TEST_SECRET", raising=False)
        monkeypatch.delenv("HW_TEST_SECRET_FILE", raising=False)
        assert envsecret("HW_TEST_SECRET", "fallback") == "fallback"

    @pytest.mark.parametrize("case", ["both", "missing", "empty"])
    def test_it_names_a_bad_configuration(
        self, case: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
    ) -> None:
        path = tmp_path / "secret"  # type: ignore[operator]
        if case == "empty":
            path.write_text("\n", encoding="utf-8")
        if case == "both":
            path.write_text("x", encoding="utf-8")
            monkeypatch.setenv("HW_TEST_SECRET", "abc")
        else:
            monkeypatch.delenv("HW_TEST_SECRET", raising=False)
        monkeypatch.setenv("HW_TEST_SECRET_FILE", str(path))
        with pytest.raises(ImproperlyConfigured, match="HW_TEST_SECRET"):
            envsecret("HW_TEST_SECRET")
