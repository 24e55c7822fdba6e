"""Two-step sign-in: set-up with a code, backup codes shown once and hashed, the two-step login,
switching off, and the practice's rule that all staff use it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from headwise.accounts import two_factor
from headwise.accounts.models import User
from tests.conftest import PracticeWorld, login
from tests.factories import PASSWORD
from tests.web.totp import code_now

pytestmark = pytest.mark.django_db


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.pending_device(user)
    codes = two_factor.confirm(user=user, device=device, code=code_now(device))
    assert codes is not None
    device.refresh_from_db()
    user.refresh_from_db()
    return device, codes


def password_step(user: User, http: HttpClient | None = None) -> HttpClient:
    http = http or HttpClient()
    response = http.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in http.session
    return http


def test_it_sets_up_an_authenticator_with_a_confirming_code(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    user = world.practitioner_user
    http = login(user)
    page = http.get("/settings/two-step/set-up/")
    assert page.status_code == 200
    assert 'src="/settings/two-step/set-up/qr.svg"' in page.text
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert two_factor.manual_key(device) in page.text
    assert "no-store" in page["Cache-Control"]
    qr = http.get("/settings/two-step/set-up/qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")

    other = "000000" if code_now(device) != "000000" else "111111"
    wrong = http.post("/settings/two-step/set-up/", {"code": other})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.text
    assert not two_factor.is_enrolled(user)
    clock.shift(dt.timedelta(seconds=2))  # django-otp makes a device wait a second after a wrong code

    right = http.post("/settings/two-step/set-up/", {"code": code_now(device)})
    assert right.status_code == 302
    assert right["Location"] == "/settings/two-step/backup-codes/"
    assert two_factor.is_enrolled(user)
    codes_page = http.get("/settings/two-step/backup-codes/")
    assert codes_page.status_code == 200
    shown = codes_page.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert all(code in codes_page.text for code in shown)
    # Shown once: the page does not show them again.
    assert http.get("/settings/two-step/backup-codes/").status_code == 302
    # Hashed at rest: no stored token is a code, each is the code's keyed hash.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {two_factor.normalise(c) for c in shown}
    assert stored == {two_factor.backup_hash(c) for c in shown}
    # The session that set it up counts as verified.
    assert http.get("/settings/two-step/").status_code == 200


def test_it_signs_in_an_enrolled_user_with_password_then_code(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    user = world.practitioner_user
    device, _codes = enrol(user)
    clock.shift(dt.timedelta(seconds=60))  # a later code than the set-up's
    http = password_step(user)
    assert http.get("/staff/").status_code == 302  # not signed in yet
    wrong = http.post("/login/code/", {"code": "12345"})
    assert wrong.status_code == 422
    assert "_auth_user_id" not in http.session
    response = http.post("/login/code/", {"code": code_now(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert http.session["_auth_user_id"] == str(user.pk)
    assert http.session["otp_device_id"] == device.persistent_id
    assert http.get("/staff/").status_code == 200


def test_it_refuses_the_same_code_twice(world: PracticeWorld, clock: time_machine.Coordinates) -> None:
    user = world.practitioner_user
    device, _codes = enrol(user)
    clock.shift(dt.timedelta(seconds=60))
    code = code_now(device)
    first = password_step(user)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    second = password_step(user)
    assert second.post("/login/code/", {"code": code}).status_code == 422
    assert "_auth_user_id" not in second.session


def test_it_accepts_each_backup_code_once(world: PracticeWorld) -> None:
    user = world.client_user  # clients may enrol too
    _device, codes = enrol(user)
    http = password_step(user)
    response = http.post("/login/code/", {"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert http.get("/me/").status_code == 200
    assert two_factor.backup_codes_left(user) == 9
    again = password_step(user)
    assert again.post("/login/code/", {"code": codes[3]}).status_code == 422


def test_it_forgets_a_password_step_after_five_minutes(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    user = world.practitioner_user
    device, _codes = enrol(user)
    http = password_step(user)
    clock.shift(dt.timedelta(minutes=6))
    response = http.post("/login/code/", {"code": code_now(device)})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in http.session


def test_it_asks_for_the_password_again_after_five_wrong_codes(world: PracticeWorld) -> None:
    user = world.practitioner_user
    enrol(user)
    http = password_step(user)
    for _ in range(4):
        assert http.post("/login/code/", {"code": "abcde-fghjk"}).status_code == 422
    fifth = http.post("/login/code/", {"code": "abcde-fghjk"})
    assert fifth.status_code == 302 and fifth["Location"] == "/login/"
    assert http.get("/login/code/")["Location"] == "/login/"


def test_it_switches_off_after_a_fresh_password(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    user = world.practitioner_user
    enrol(user)
    http = login(user)
    clock.shift(dt.timedelta(minutes=11))
    stale = http.post("/settings/two-step/off/")
    assert stale.status_code == 302 and stale["Location"].startswith("/reauth/")
    assert two_factor.is_enrolled(user)
    device = two_factor.totp_device(user)
    assert device is not None
    assert http.post("/reauth/", {"password": PASSWORD, "code": code_now(device)}).status_code == 302
    response = http.post("/settings/two-step/off/")
    assert response.status_code == 302
    assert not two_factor.is_enrolled(user)
    assert not StaticToken.objects.filter(device__user=user).exists()
    # Signing in needs the password only again.
    signed_in = HttpClient().post("/login/", {"username": user.email, "password": PASSWORD})
    assert signed_in["Location"] == "/"


def test_it_ends_other_sessions_when_two_step_is_switched_on(world: PracticeWorld) -> None:
    user = world.practitioner_user
    elsewhere = login(user)
    here = login(user)
    device = two_factor.pending_device(user)
    assert here.post("/settings/two-step/set-up/", {"code": code_now(device)}).status_code == 302
    assert here.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302  # signed in with the password only


def test_an_owner_requires_two_step_for_all_staff(world: PracticeWorld) -> None:
    owner = login(world.owner)
    page = owner.get("/practice/security/")
    assert page.status_code == 200
    response = owner.post("/practice/security/", {"require_two_factor": "on"})
    assert response.status_code == 302
    world.practice.refresh_from_db()
    assert world.practice.require_two_factor is True
    # The owner has no authenticator either: set-up before anything else.
    assert owner.get("/staff/")["Location"] == "/settings/two-step/set-up/"

    desk = login(world.front_desk)
    assert desk.get("/clients/")["Location"] == "/settings/two-step/set-up/"
    assert desk.get("/settings/two-step/set-up/").status_code == 200
    api = desk.get("/api/clients")
    assert api.status_code == 403
    assert "two-step" in api.json()["detail"]
    # Clients choose for themselves.
    assert login(world.client_user).get("/me/").status_code == 200


def test_a_required_staff_member_with_an_authenticator_gives_the_code_first(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    world.practice.require_two_factor = True
    world.practice.save(update_fields=["require_two_factor"])
    user = world.practitioner_user
    device, _codes = enrol(user)
    clock.shift(dt.timedelta(seconds=60))
    http = login(user)  # a session without the second factor
    assert http.get("/staff/")["Location"] == "/login/code/"
    assert http.post("/login/code/", {"code": code_now(device)}).status_code == 302
    assert http.get("/staff/").status_code == 200
    refused = http.post("/settings/two-step/off/")
    assert refused.status_code == 302
    assert two_factor.is_enrolled(user)


def test_front_desk_and_practitioners_cannot_change_the_practice_rule(world: PracticeWorld) -> None:
    assert (
        login(world.front_desk).post("/practice/security/", {"require_two_factor": "on"}).status_code == 403
    )
    assert login(world.practitioner_user).get("/practice/security/").status_code == 403
    world.practice.refresh_from_db()
    assert world.practice.require_two_factor is False


def test_it_shows_the_set_up_in_dutch(world: PracticeWorld) -> None:
    user = world.client_user
    user.language = "nl"
    user.save(update_fields=["language"])
    page = login(user).get("/settings/two-step/set-up/")
    assert "Inloggen in twee stappen instellen" in page.text
