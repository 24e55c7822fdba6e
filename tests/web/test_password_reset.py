"""Password reset by e-mail link: the same answer for every address, a link that works once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient

from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-new-long-passphrase-42"


def reset_path() -> str:
    found = re.search(r"http://\S+?(/password-reset/\S+/\S+/)", mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def test_it_answers_the_same_whether_or_not_the_address_has_an_account(world: PracticeWorld) -> None:
    known = HttpClient().post("/password-reset/", {"email": world.client_user.email}, follow=True)
    unknown = HttpClient().post("/password-reset/", {"email": "no-one@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [("/password-reset/sent/", 302)]
    # The pages differ only in their CSRF tokens (64 characters each).
    assert re.sub(r"[A-Za-z0-9]{64}", "", known.text) == re.sub(r"[A-Za-z0-9]{64}", "", unknown.text)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.client_user.email]


def test_it_names_the_field_when_the_address_is_not_an_address(db: object) -> None:
    response = HttpClient().post("/password-reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert "E-mail: Enter a valid email address." in response.text
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(world: PracticeWorld) -> None:
    user = world.practitioner_user
    elsewhere = HttpClient()
    assert elsewhere.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    HttpClient().post("/password-reset/", {"email": user.email.upper()})
    path = reset_path()
    http = HttpClient()
    form = http.get(path, follow=True)
    set_path = form.redirect_chain[-1][0]
    assert "Choose a new password" in form.text
    short = http.post(set_path, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200
    assert "This password is too short" in short.text
    done = http.post(set_path, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert elsewhere.get("/staff/").status_code == 302
    again = HttpClient().get(path, follow=True)
    assert "This link no longer works" in again.text


def test_the_link_expires_after_an_hour(world: PracticeWorld, clock: time_machine.Coordinates) -> None:
    HttpClient().post("/password-reset/", {"email": world.client_user.email})
    path = reset_path()
    clock.shift(dt.timedelta(minutes=61))
    assert "This link no longer works" in HttpClient().get(path, follow=True).text


def test_the_mail_is_in_the_users_language(world: PracticeWorld) -> None:
    user = world.client_user
    user.language = "nl"
    user.save(update_fields=["language"])
    HttpClient().post("/password-reset/", {"email": user.email})
    assert "nieuw wachtwoord" in mail.outbox[-1].subject.lower()
