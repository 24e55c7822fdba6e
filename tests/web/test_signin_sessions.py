"""Idle logout, sign-out everywhere, revoking tokens, and deactivation ending access at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from headwise.accounts.models import ApiToken
from headwise.accounts.sessions import SEEN_AT
from headwise.practice.models import Role
from tests.conftest import PracticeWorld, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user_email: str) -> HttpClient:
    http = HttpClient()
    assert http.post("/login/", {"username": user_email, "password": PASSWORD}).status_code == 302
    return http


def test_it_signs_staff_out_after_30_idle_minutes(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    http = login(world.practitioner_user)
    clock.shift(dt.timedelta(minutes=29))
    assert http.get("/staff/").status_code == 200  # used: the idle clock starts again
    clock.shift(dt.timedelta(minutes=29))
    assert http.get("/staff/").status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    response = http.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/staff/"
    assert "_auth_user_id" not in http.session
    assert "signed out after a while without use" in http.get("/login/").text


@override_settings(HEADWISE_STAFF_IDLE_MINUTES=5)
def test_the_staff_idle_limit_is_a_setting(world: PracticeWorld, clock: time_machine.Coordinates) -> None:
    http = login(world.front_desk)
    clock.shift(dt.timedelta(minutes=6))
    assert http.get("/staff/").status_code == 302


def test_it_keeps_a_client_signed_in_for_days_not_weeks(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    http = signed_in(world.client_user.email)
    # A persistent session: a phone's browser may close between two diary entries.
    assert http.session.get_expire_at_browser_close() is False
    clock.shift(dt.timedelta(days=6))
    assert http.get("/me/").status_code == 200
    clock.shift(dt.timedelta(days=7, minutes=2))
    assert http.get("/me/").status_code == 302
    staff = signed_in(world.practitioner_user.email)
    assert staff.session.get_expire_at_browser_close() is True


def test_an_api_call_after_the_idle_limit_answers_401(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    http = login(world.practitioner_user)
    clock.shift(dt.timedelta(minutes=31))
    response = http.get("/api/clients")
    assert response.status_code == 401
    assert "Signed out" in response.json()["detail"]


@override_settings(SESSION_SAVE_EVERY_REQUEST=False)
def test_it_writes_the_last_seen_stamp_at_most_once_a_minute(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    http = signed_in(world.practitioner_user.email)
    first = http.session[SEEN_AT]
    clock.shift(dt.timedelta(seconds=30))
    quiet = http.get("/staff/")
    assert quiet.status_code == 200
    assert "sessionid" not in quiet.cookies  # the session was not saved
    assert http.session[SEEN_AT] == first
    clock.shift(dt.timedelta(seconds=31))
    stamped = http.get("/staff/")
    assert "sessionid" in stamped.cookies
    assert http.session[SEEN_AT] == int(timezone.now().timestamp())


def test_sign_out_everywhere_ends_every_session_of_the_user(world: PracticeWorld) -> None:
    user = world.practitioner_user
    laptop = signed_in(user.email)
    phone = signed_in(user.email)
    colleague = signed_in(world.owner.email)
    token, secret = ApiToken.issue(user=user, name="script")
    page = laptop.get("/settings/")
    assert "Sign out everywhere" in page.text
    response = laptop.post("/settings/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert laptop.get("/staff/").status_code == 302
    assert phone.get("/staff/").status_code == 302
    assert colleague.get("/staff/").status_code == 200
    user.refresh_from_db()
    assert user.session_epoch == 1
    # Tokens are for scripts, revoked on their own (below): a sign-out does not break them.
    assert HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/me").status_code == 200
    # Signing in again works.
    assert signed_in(user.email).get("/staff/").status_code == 200


def test_revoke_all_tokens_stops_every_token_of_the_user(world: PracticeWorld) -> None:
    user = world.practitioner_user
    _t1, first = ApiToken.issue(user=user, name="one")
    _t2, second = ApiToken.issue(user=user, name="two")
    _t3, others = ApiToken.issue(user=world.owner, name="owner's")
    http = login(user)
    assert "Revoke all API tokens" in http.get("/settings/").text
    assert http.post("/settings/tokens/revoke-all/").status_code == 302
    for secret in (first, second):
        assert HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/me").status_code == 401
    assert HttpClient(HTTP_AUTHORIZATION=f"Bearer {others}").get("/api/me").status_code == 200
    assert http.get("/staff/").status_code == 200  # the session stays


def test_deactivating_a_membership_ends_its_sessions_and_tokens_at_once(world: PracticeWorld) -> None:
    user = world.practitioner_user
    session = signed_in(user.email)
    _token, secret = ApiToken.issue(user=user, name="script")
    bearer = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert session.get("/staff/").status_code == 200
    assert bearer.get("/api/clients").status_code == 200
    owner = login(world.owner)
    membership = user.membership
    assert (
        owner.post(f"/practice/staff/{membership.uuid}/edit/", {"role": Role.PRACTITIONER}).status_code == 302
    )
    assert session.get("/staff/").status_code == 302
    assert bearer.get("/api/clients").status_code == 401
    # Reactivation does not bring the old session or token back.
    reactivate = {"role": Role.PRACTITIONER, "is_active": "on"}
    assert owner.post(f"/practice/staff/{membership.uuid}/edit/", reactivate).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is True
    assert session.get("/staff/").status_code == 302
    assert bearer.get("/api/clients").status_code == 401
    assert ApiToken.objects.usable().filter(user=user).count() == 0
    assert signed_in(user.email).get("/staff/").status_code == 200


def test_a_role_change_alone_keeps_the_session(world: PracticeWorld) -> None:
    user = world.front_desk
    session = signed_in(user.email)
    owner = login(world.owner)
    membership = user.membership
    response = owner.post(
        f"/practice/staff/{membership.uuid}/edit/", {"role": Role.FRONT_DESK, "is_active": "on"}
    )
    assert response.status_code == 302
    assert session.get("/staff/").status_code == 200
