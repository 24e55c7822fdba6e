"""Proof per route: anonymous callers are refused everywhere but an explicit public list, and
each role's limits hold on every route of its kind.

Routes come from the same enumeration as tests/test_tenancy.py (Django's URL patterns and the
API's OpenAPI operations at run time), so a route added later is walked without being listed
here; which routes are clinical is decided from the route's name or path, not by hand.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import resolve

from tests.conftest import PracticeWorld, login
from tests.test_tenancy import (
    api_operations,
    body_for,
    fill_api,
    fill_web,
    ids_of,
    markers_of,
    query_for,
    request,
    snapshot,
    web_patterns,
)

# Pages anyone may reach, each with the reason. Everything else must refuse a caller who has not
# signed in: a redirect to the sign-in page, or 401/403/404/405.
PUBLIC_WEB = {
    "login/": "the sign-in page itself",
    "favicon.ico": "a redirect to the static icon; holds nothing",
    # opened by the secret link e-mailed to a new client; an unknown token is 404
    "intake/start/<str:token>/": "the new client's secret intake link",
    "p/<slug:practice_slug>/<slug:location_slug>/": (
        "a location's public page and its booking request form: the practice, its practitioners"
        " and services by design, never a client (tests/web/test_public_page.py)"
    ),
    "p/<slug:practice_slug>/<slug:location_slug>/thanks/": "the public page's thank-you page",
    "password-reset/": "asking for a reset link; the same answer for every address",
    "password-reset/sent/": "the reset link's 'sent' page; the same for every address",
    "password-reset/<uidb64>/<token>/": "the reset link itself; a wrong token sets nothing",
    "password-reset/done/": "the reset's done page",
}
# API operations that need no sign-in (none today: the schema and docs are under the same session).
PUBLIC_API: dict[tuple[str, str], str] = {}
SKIP_PREFIXES = ("admin/",)  # Django's own admin: its own login (tests/test_tenancy.py checks it)

REFUSALS = {401, 403, 404, 405}


def refused(response: Any) -> bool:
    if response.status_code in REFUSALS:
        return True
    return response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.fixture
def walk_world(world: PracticeWorld) -> PracticeWorld:
    from headwise.accounts.models import ApiToken

    world.records["token"], _secret = ApiToken.issue(user=world.owner, name="walk")
    return world


def test_every_page_refuses_an_anonymous_caller(walk_world: PracticeWorld) -> None:
    ids = ids_of(walk_world)
    markers = markers_of(walk_world)
    # A public page shows the practice by design: its name, the location, its practitioners and
    # services (their ids in the booking form). Never a client's name or any other record.
    r = walk_world.records
    by_design = {walk_world.practice.name} | {
        str(r[key].uuid) for key in ("location", "practitioner", "service", "public_page") if key in r
    }
    http = HttpClient()
    failures: list[str] = []
    walked = 0
    for route, _converters in web_patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        url = fill_web(route, ids)
        for method in ("GET", "POST"):
            walked += 1
            before = snapshot() if method == "POST" else None
            response = request(http, method, url, None)
            text = response.content.decode(errors="replace")
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
            if route not in PUBLIC_WEB and not refused(response):
                failures.append(f"{method} {url} answered an anonymous caller {response.status_code}")
            shown = [m for m in markers if m in text]
            if route.startswith("p/"):
                shown = [m for m in shown if m not in by_design]
            if leaked := shown:
                failures.append(f"{method} {url} showed {leaked[:3]} to an anonymous caller")
            if before is not None and snapshot() != before:
                failures.append(f"{method} {url} changed the database for an anonymous caller")
    print(f"\nanonymous walk: {walked} page requests ({walked // 2} routes), {len(PUBLIC_WEB)} public")
    assert walked >= 150
    assert not failures, "\n".join(failures)


def test_every_api_operation_refuses_an_anonymous_caller(walk_world: PracticeWorld) -> None:
    ids = ids_of(walk_world)
    markers = markers_of(walk_world)
    http = HttpClient()
    failures: list[str] = []
    walked = 0
    for method, path, op in api_operations():
        walked += 1
        url = fill_api(path, ids) + query_for(op, ids)
        before = snapshot() if method != "GET" else None
        response = request(http, method, url, body_for(op, ids))
        text = response.content.decode(errors="replace")
        if (method, path) not in PUBLIC_API and response.status_code not in (401, 403, 404):
            failures.append(
                f"{method} {url} answered an anonymous caller {response.status_code}: {text[:120]}"
            )
        if leaked := [m for m in markers if m in text]:
            failures.append(f"{method} {url} showed {leaked[:3]}")
        if before is not None and snapshot() != before:
            failures.append(f"{method} {url} changed the database for an anonymous caller")
    print(f"\nanonymous walk: {walked} API operations")
    assert walked >= 80
    assert not failures, "\n".join(failures)


# --- per-role limits ----------------------------------------------------------------------

# Clinical pages, by the route's name: all of the screen, outcomes, plan and cohort apps, the
# care app's session notes, and a client's diary as staff see it. A client's own pages (``my_…``)
# are not staff routes at all (404 for staff, walked by the tenancy test).
CLINICAL_NAMESPACES = {"screen", "outcomes", "plan", "cohort"}
#: Staff routes the front desk may use, each with the reason.
DESK_ALLOWED = {
    "care:session_list": "that sessions happened (date, practitioner, length), none of their content",
    # a submitted intake is clinical: the view answers 403 to the desk (selectors.intake_hidden_from)
    "clients_intake:desk_intake": "filling in a new intake with the client at the desk",
}
OWNER_ONLY = {
    "web:practice_settings",
    "web:location_new",
    "web:location_edit",
    "web:staff_new",
    "web:staff_edit",
    "audit:audit_page",
    "audit:audit_export",
}


def is_clinical_page(name: str) -> bool:
    namespace, _, url_name = name.partition(":")
    if url_name.startswith("my_") or name in DESK_ALLOWED:
        return False
    if namespace in CLINICAL_NAMESPACES:
        return True
    if namespace == "care":
        return (
            "session" in url_name
            or "addendum" in url_name
            or url_name in {"techniques", "technique_edit", "follow_up_list"}
        )
    return namespace == "web" and url_name.startswith("client_month")


# Clinical API operations, by a path segment: session notes (not the "happened" list), screens,
# plans, outcomes, the diary and the intake.
CLINICAL_SEGMENTS = {
    "sessions",
    "addenda",
    "screenings",
    "screen-due",
    "plans",
    "phases",
    "cadence",
    "decisions",
    "questionnaires",
    "attacks",
    "aura",
    "medications",
    "checkins",
    "exposures",
    "summary",
    "intake",
    "follow-ups",
    "techniques",
}
API_DESK_ALLOWED = {
    ("GET", "/api/clients/{client_id}/sessions/happened"): "dates only, as the page",
    ("PUT", "/api/clients/{client_id}/intake"): "filling in the intake at the desk, as the page",
}


def is_clinical_operation(method: str, path: str) -> bool:
    if (method, path) in API_DESK_ALLOWED or path.startswith("/api/me/"):
        return False
    segments = set(path.strip("/").split("/"))
    return bool(segments & CLINICAL_SEGMENTS)


def staff_pages(ids: dict[str, Any]) -> list[tuple[str, str, str]]:
    pages = []
    for route, _converters in web_patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        url = fill_web(route, ids)
        pages.append((route, url, resolve(url).view_name))
    return pages


def test_the_front_desk_is_refused_every_clinical_page(walk_world: PracticeWorld) -> None:
    ids = ids_of(walk_world)
    http = login(walk_world.front_desk)
    clinical = [(r, u, n) for r, u, n in staff_pages(ids) if is_clinical_page(n)]
    failures = []
    for _route, url, name in clinical:
        for method in ("GET", "POST"):
            before = snapshot() if method == "POST" else None
            response = request(http, method, url, None)
            if response.status_code not in (403, 404, 405):
                failures.append(f"front desk: {method} {url} ({name}) answered {response.status_code}")
            if before is not None and snapshot() != before:
                failures.append(f"front desk: {method} {url} ({name}) changed the database")
    print(f"\nfront desk: {len(clinical)} clinical pages refused (GET and POST)")
    assert len(clinical) >= 30  # the screen, outcomes, plan, session and diary pages at least
    assert not failures, "\n".join(failures)


def test_the_front_desk_is_refused_every_clinical_api_operation(walk_world: PracticeWorld) -> None:
    ids = ids_of(walk_world)
    http = login(walk_world.front_desk)
    operations = [(m, p, op) for m, p, op in api_operations() if is_clinical_operation(m, p)]
    failures = []
    for method, path, op in operations:
        url = fill_api(path, ids) + query_for(op, ids)
        before = snapshot() if method != "GET" else None
        response = request(http, method, url, body_for(op, ids))
        if response.status_code not in (403, 404):
            failures.append(
                f"front desk: {method} {url} answered {response.status_code}: {response.content[:120]!r}"
            )
        if before is not None and snapshot() != before:
            failures.append(f"front desk: {method} {url} changed the database")
    print(f"\nfront desk: {len(operations)} clinical API operations refused")
    assert len(operations) >= 40
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["practitioner", "front desk"])
def test_only_the_owner_reaches_the_practices_settings_and_audit(who: str, walk_world: PracticeWorld) -> None:
    ids = ids_of(walk_world)
    user = walk_world.practitioner_user if who == "practitioner" else walk_world.front_desk
    http = login(user)
    owner_pages = [(u, n) for _r, u, n in staff_pages(ids) if n in OWNER_ONLY]
    assert {n for _u, n in owner_pages} == OWNER_ONLY  # every listed route still exists
    failures = [
        f"{who}: GET {url} ({name}) answered {status}"
        for url, name in owner_pages
        if (status := http.get(url).status_code) != 403
    ]
    owner = login(walk_world.owner)
    failures += [
        f"owner: GET {url} answered {s}"
        for url, _n in owner_pages
        if (s := owner.get(url).status_code) != 200
    ]
    assert not failures, "\n".join(failures)


def test_the_route_rules_name_real_routes() -> None:
    names = {
        resolve(fill_web(route, _any_ids())).view_name
        for route, _ in web_patterns()
        if not route.startswith(SKIP_PREFIXES)
    }
    assert set(DESK_ALLOWED) <= names and names >= OWNER_ONLY
    operations = {(m, p) for m, p, _ in api_operations()}
    assert set(API_DESK_ALLOWED) <= operations


def _any_ids() -> dict[str, Any]:
    import uuid

    class AnyIds(dict[str, Any]):
        def __missing__(self, key: str) -> Any:
            if key in ("date", "day"):
                return "2026-01-01"
            if key == "month":
                return "2026-01"
            if key == "year":
                return 2026
            return uuid.uuid4() if key.endswith("_id") else "x"

        def __contains__(self, key: object) -> bool:
            return True

    return AnyIds()


def test_the_clinical_rule_covers_the_known_clinical_routes() -> None:
    """The rule by name must keep catching the routes it was written for."""
    for name in (
        "care:session_detail",
        "screen:screening",
        "outcomes:client_report_pdf",
        "web:client_month",
        "plan:plan",
    ):
        assert is_clinical_page(name), name
    for name in ("web:client_detail", "care:session_list", "outcomes:my_report"):
        assert not is_clinical_page(name), name
    assert is_clinical_operation("GET", "/api/sessions/{session_id}")
    assert not is_clinical_operation("GET", "/api/clients/{client_id}/sessions/happened")
    assert re.search(r"attacks", "/api/attacks/{attack_id}")
