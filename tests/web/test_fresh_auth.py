"""Fresh authentication: security pages ask for the password (and code) again after 10 minutes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from headwise.accounts import two_factor
from headwise.accounts.fresh import AUTH_AT
from tests.conftest import PracticeWorld, login
from tests.factories import PASSWORD
from tests.web.totp import code_now

pytestmark = pytest.mark.django_db

GUARDED = "/settings/two-step/set-up/"


def test_it_lets_a_just_signed_in_user_through(world: PracticeWorld) -> None:
    http = login(world.practitioner_user)
    assert http.session[AUTH_AT] == int(timezone.now().timestamp())
    assert http.get(GUARDED).status_code == 200


def test_it_sends_a_stale_sign_in_to_reauthenticate_and_back(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    http = login(world.practitioner_user)
    clock.shift(dt.timedelta(minutes=11))
    response = http.get(GUARDED)
    assert response.status_code == 302
    assert response["Location"] == f"/reauth/?next={quote(GUARDED, safe='')}"
    page = http.get(response["Location"])
    assert page.status_code == 200
    assert "Confirm it is you" in page.text
    wrong = http.post("/reauth/", {"password": "not-it", "next": GUARDED})
    assert wrong.status_code == 422
    assert "Password: That password is not right." in wrong.text
    assert http.get(GUARDED).status_code == 302  # still stale
    right = http.post("/reauth/", {"password": PASSWORD, "next": GUARDED})
    assert right.status_code == 302
    assert right["Location"] == GUARDED
    assert http.session[AUTH_AT] == int(timezone.now().timestamp())
    assert http.get(GUARDED).status_code == 200


def test_it_ignores_a_next_that_leaves_the_site(world: PracticeWorld) -> None:
    http = login(world.practitioner_user)
    response = http.post("/reauth/", {"password": PASSWORD, "next": "https://evil.example/steal"})
    assert response.status_code == 302
    assert response["Location"] == "/settings/"


def test_it_asks_an_enrolled_user_for_the_code_too(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    user = world.practitioner_user
    device = two_factor.pending_device(user)
    two_factor.confirm(user=user, device=device, code=code_now(device))
    user.refresh_from_db()
    http = login(user)
    clock.shift(dt.timedelta(minutes=30))
    # The idle limit is 30 minutes for staff; stay inside it.
    clock.shift(dt.timedelta(seconds=-60))
    password_only = http.post("/reauth/", {"password": PASSWORD, "next": "/settings/"})
    assert password_only.status_code == 422
    assert "This field is required." in password_only.text
    device.refresh_from_db()
    response = http.post("/reauth/", {"password": PASSWORD, "code": code_now(device), "next": "/settings/"})
    assert response.status_code == 302
    assert http.session[AUTH_AT] == int(timezone.now().timestamp())


def test_it_refuses_anonymous_visitors_with_the_sign_in_page(db: object) -> None:
    response = HttpClient().get(GUARDED)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_a_stale_session_a_new_api_token(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    http = login(world.owner)
    clock.shift(dt.timedelta(minutes=11))
    response = http.post("/api/tokens", {"name": "script"}, content_type="application/json")
    assert response.status_code == 403
    assert "Confirm your password" in response.json()["detail"]
