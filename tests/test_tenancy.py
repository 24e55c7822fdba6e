"""The walls between practices and between clients, for EVERY page and API route.

The walk enumerates Django's URL patterns and the API's OpenAPI operations at run time, so a
route added later is covered automatically, and a route whose parameter the walk cannot fill
fails here until it is taught (see ``ids_of``). For each route it asks as

* a user of another practice (each role), who must get 404 for any of this practice's ids and
  must never see this practice's names or ids in a list; and
* another client of the same practice, who must get 404 for the first client's records and
  for every staff page.

Unsafe methods are sent with a body that passes validation, so a 404 means the wall held,
not that the body was refused; and nothing in the database may change.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Count, Max
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from headwise.api import api
from tests.conftest import PracticeWorld, login

# Routes anyone may reach, or that hold no practice data at all.
PUBLIC_WEB = {
    "login/",
    "logout/",
    "",
    # public: a location's public page and its thanks page are for anyone, signed in or not
    # (they show the practice's name, its practitioners and services by design, never a client).
    "p/<slug:practice_slug>/<slug:location_slug>/",
    "p/<slug:practice_slug>/<slug:location_slug>/thanks/",
    # signin: the code step comes before a session exists; password reset is for people who
    # cannot sign in, answers the same for every address, and its link carries its own token.
    "login/code/",
    "password-reset/",
    "password-reset/sent/",
    "password-reset/<uidb64>/<token>/",
    "password-reset/done/",
    # signin: acts only on the caller's own sessions (no ids, no practice data), and would sign
    # the walking visitor out half-way through the walk. tests/web/test_signin_sessions.py.
    "settings/sign-out-everywhere/",
    # signin: revokes the caller's own API tokens only (the walker's own "walk" token included).
    "settings/tokens/revoke-all/",
}
# A calendar app fetches the practitioner's feed without a session: its secret is the key, and
# tests/care/test_calendars.py shows an unknown or revoked one is 404 and reveals nothing.
PUBLIC_WEB |= {"calendar/feed/<str:token>.ics"}
# Django's admin is for site administrators (User.is_staff); practice users are refused by it.
SKIP_PREFIXES = ("admin/",)


def ids_of(world: PracticeWorld, *, as_seen_by_other_client: bool = False) -> dict[str, Any]:
    """How to fill each URL parameter with one of ``world``'s records."""
    r = world.records
    client = world.client
    ids: dict[str, Any] = {
        "client_id": client.uuid,
        "location_id": r["location"].uuid,
        # the public page's address (a public route here; the other walks fill it too)
        "practice_slug": world.practice.slug,
        "location_slug": r["location"].slug,
        # a password reset link's user part (base64 of a user id; the token part is "token")
        "uidb64": "MQ",
        "room_id": r["room"].uuid,
        "practitioner_id": r["practitioner"].uuid,
        "membership_id": r["membership"].uuid,
        "consent_id": r["consent"].uuid,
        "consent_text_id": r["consent_text"].uuid,
        "plan_id": r["plan"].uuid,
        "phase_id": r["phase"].uuid,
        "appointment_id": r["appointment"].uuid,
        "session_id": r["session"].uuid,
        "follow_up_id": r["follow_up"].uuid,
        "technique_id": r["technique"].uuid,
        "feed_id": r["calendar_feed"].uuid,
        "screening_id": r["screening"].uuid,
        "attack_id": r["attack"].uuid,
        "aura_id": r["aura"].uuid,
        "intake_id": r["intake"].uuid,
        "checkin_id": r["checkin"].uuid,
        "booking_request_id": r["booking_request"].uuid,
        "exposure_id": r["exposure"].uuid,
        "questionnaire_id": r["questionnaire"].uuid,
        "questionnaire_request_id": r["questionnaire_request"].uuid,
        "instrument": "midas",
        "token_id": r["token"].uuid,
        # An intake link's secret: only its hash is stored, so the walk sends one that opens nothing.
        "token": "0" * 64,
        "date": r["checkin"].date.isoformat(),
        "day": r["checkin"].date.isoformat(),
        "month": r["checkin"].date.strftime("%Y-%m"),
        "year": r["checkin"].date.year,
        "history_id": r["attack"].history.first().history_uuid,
        # avail
        "service_id": r["service"].uuid,
        "working_hours_id": r["working_hours"].uuid,
        "exception_id": r["exception"].uuid,
        "closure_id": r["closure"].uuid,
        "waitlist_entry_id": r["waitlist_entry"].uuid,
    }
    return ids


def markers_of(world: PracticeWorld, *, sibling: bool = False) -> list[str]:
    """Strings that must never appear in a response to an outsider.

    For another client of the same practice, their own name, record and practice are theirs
    to see; the first client's name and records are not.
    """
    r = world.records
    values = [world.client.given_name, str(world.client.uuid)]
    if sibling:
        own = {"other_attack", "other_checkin"}
        return values + [str(rec.uuid) for key, rec in r.items() if hasattr(rec, "uuid") and key not in own]
    values += [world.other_client.given_name, world.practice.name, str(world.other_client.uuid)]
    return values + [str(rec.uuid) for rec in r.values() if hasattr(rec, "uuid")]


# --- enumerating routes -------------------------------------------------------------------


def web_patterns() -> Iterator[tuple[str, list[str]]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, list[str]]]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIP_PREFIXES) or route.startswith("api/"):
                continue
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                yield route, list(p.pattern.converters)

    yield from walk(get_resolver().url_patterns, "")


def fill_web(route: str, ids: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in ids:
            raise AssertionError(f"the tenancy walk cannot fill <{name}> in {route!r}: add it to ids_of()")
        return str(ids[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


@functools.cache
def openapi() -> dict[str, Any]:
    return dict(api.get_openapi_schema())


def api_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    schema = openapi()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield method.upper(), path, op


def fill_api(path: str, ids: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ids:
            raise AssertionError(f"the tenancy walk cannot fill {{{name}}} in {path!r}: add it to ids_of()")
        return str(ids[name])

    return re.sub(r"\{(\w+)\}", one, path)


def sample(schema: dict[str, Any], components: dict[str, Any], ids: dict[str, Any], name: str = "") -> Any:
    """A value that passes the schema, filling ids of ``ids`` where a field names one."""
    if "$ref" in schema:
        return sample(components[schema["$ref"].split("/")[-1]], components, ids, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return sample(options[0], components, ids, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {
            prop: sample(sub, components, ids, prop)
            for prop, sub in schema.get("properties", {}).items()
            if prop in required
        }
    if kind == "array":
        return []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        low = schema.get(
            "minimum", schema.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in schema else 1
        )
        return max(low, 1) if schema.get("maximum", 10**6) >= 1 else low
    if fmt == "uuid":
        return str(ids.get(name, uuid.uuid4()))
    if fmt == "date-time":
        return (timezone.now() - dt.timedelta(hours=3)).isoformat()
    if fmt == "date":
        return (timezone.now().date() - dt.timedelta(days=1)).isoformat()
    if fmt == "time":
        return "20:30:00"
    if fmt == "email":
        return f"walk-{uuid.uuid4().hex[:8]}@example.org"
    length = max(schema.get("minLength", 1), 1)
    return ("walk" * length)[: max(length, 4)]


def query_for(op: dict[str, Any], ids: dict[str, Any]) -> str:
    """Required query parameters, filled so that validation passes."""
    components = openapi().get("components", {}).get("schemas", {})
    pairs = []
    for param in op.get("parameters", []):
        if param.get("in") == "query" and param.get("required"):
            name = param["name"]
            value = ids[name] if name in ids else sample(param.get("schema", {}), components, ids, name)
            pairs.append(f"{name}={value}")
    return "?" + "&".join(pairs) if pairs else ""


def body_for(op: dict[str, Any], ids: dict[str, Any]) -> str | None:
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    components = openapi().get("components", {}).get("schemas", {})
    return json.dumps(sample(content["application/json"]["schema"], components, ids))


# --- database snapshot -----------------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    """Row counts (history tables included, so an edit shows) and latest change times."""
    state: dict[str, Any] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("headwise."):
            continue
        fields = {f.name for f in model._meta.fields}
        aggregates: dict[str, Any] = {"n": Count("pk")}
        if "updated_at" in fields:
            aggregates["changed"] = Max("updated_at")
        state[model._meta.label] = model._default_manager.aggregate(**aggregates)
    return state


# --- the walk --------------------------------------------------------------------------------


def request(http: HttpClient, method: str, url: str, body: str | None) -> Any:
    call: Callable[..., Any] = getattr(http, method.lower())
    if body is None:
        return call(url)
    return call(url, data=body, content_type="application/json")


VISITORS = [
    "outsider owner",
    "outsider practitioner",
    "outsider front desk",
    "outsider client",
    "other client of the same practice",
]


def visitor(
    who: str, world: PracticeWorld, outsider: PracticeWorld
) -> tuple[HttpClient, dict[str, Any], list[str]]:
    """A signed-in visitor, the ids they try, and what they must not see.

    Outsiders of every role try this practice's ids; the other client of this practice (with a
    login of their own) tries the first client's.
    """
    ids = ids_of(world)
    if who == "other client of the same practice":
        from tests.factories import UserFactory

        sibling_user = UserFactory(email="sibling@alpha.example")
        world.other_client.user = sibling_user
        world.other_client.save(update_fields=["user"])
        return login(sibling_user), ids, markers_of(world, sibling=True)
    user = {
        "outsider owner": outsider.owner,
        "outsider practitioner": outsider.practitioner_user,
        "outsider front desk": outsider.front_desk,
        "outsider client": outsider.client_user,
    }[who]
    return login(user), ids, markers_of(world)


@pytest.fixture
def walled(world: PracticeWorld, outsider: PracticeWorld) -> tuple[PracticeWorld, PracticeWorld]:
    from headwise.accounts.models import ApiToken

    world.records["token"], _secret = ApiToken.issue(user=world.owner, name="walk")
    outsider.records["token"], _secret = ApiToken.issue(user=outsider.owner, name="walk")
    return world, outsider


def test_it_walks_at_least_the_foundation_routes() -> None:
    routes = {route for route, _ in web_patterns()}
    assert {"clients/<uuid:client_id>/", "me/", "staff/"} <= routes
    operations = {(m, p) for m, p, _ in api_operations()}
    assert ("GET", "/api/me") in operations


@pytest.mark.parametrize("who", VISITORS)
def test_every_page_is_walled(who: str, walled: tuple[PracticeWorld, PracticeWorld]) -> None:
    world, outsider = walled
    failures: list[str] = []
    http, ids, markers = visitor(who, world, outsider)
    for route, _converters in web_patterns():
        if route in PUBLIC_WEB:
            continue
        url = fill_web(route, ids)
        # Only record ids identify someone's data; a date or month in the path is the
        # caller's own diary day, which they may see.
        has_ids = bool(re.search(r"<(?:\w+:)?\w+_id>", route))
        statuses = []
        for method in ("GET", "POST"):
            before = snapshot() if method != "GET" else None
            response = request(http, method, url, None)
            statuses.append(response.status_code)
            text = response.content.decode(errors="replace")
            leaked = [m for m in markers if m in text]
            # 405 (method not allowed) comes before any lookup, so it tells nothing.
            if has_ids and response.status_code not in (404, 405):
                failures.append(f"{who}: {method} {url} answered {response.status_code}, not 404")
            if leaked:
                failures.append(f"{who}: {method} {url} showed {leaked[:3]}")
            if before is not None and snapshot() != before:
                failures.append(f"{who}: {method} {url} changed the database")
        if has_ids and 404 not in statuses:
            failures.append(f"{who}: {url} answered {statuses} to GET and POST, never 404")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", VISITORS)
def test_every_api_route_is_walled(who: str, walled: tuple[PracticeWorld, PracticeWorld]) -> None:
    world, outsider = walled
    failures: list[str] = []
    http, ids, markers = visitor(who, world, outsider)
    for method, path, op in api_operations():
        url = fill_api(path, ids) + query_for(op, ids)
        has_ids = bool(re.search(r"\{\w+_id\}", path))
        body = body_for(op, ids)
        before = snapshot() if method != "GET" else None
        response = request(http, method, url, body)
        text = response.content.decode(errors="replace")
        leaked = [m for m in markers if m in text]
        if has_ids and response.status_code != 404:
            failures.append(f"{who}: {method} {url} answered {response.status_code}, not 404: {text[:200]}")
        if leaked:
            failures.append(f"{who}: {method} {url} showed {leaked[:3]}")
        # A create without ids in its path (e.g. POST /api/tokens) may create the caller's
        # own record; one that names another practice's record in its body must not.
        creates_own = not has_ids and method == "POST" and response.status_code in (200, 201)
        if before is not None and snapshot() != before and not creates_own:
            failures.append(f"{who}: {method} {url} changed the database ({response.status_code})")
        if creates_own and any(str(v) in (body or "") for v in ids.values() if isinstance(v, uuid.UUID)):
            failures.append(f"{who}: {method} {url} accepted another's id in its body: {text[:200]}")
    assert not failures, "\n".join(failures)


def test_django_admin_refuses_practice_users(world: PracticeWorld) -> None:
    response = login(world.owner).get("/admin/clients/client/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
