"""Sign-in throttling: one e-mail from one address, one address trying many accounts, many
addresses trying one account; the cool-off; a known address; a reset lifting the lock."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.test import override_settings

from tests.conftest import PracticeWorld
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(email: str, password: str, address: str) -> int:
    response = HttpClient().post("/login/", {"username": email, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def test_one_address_trying_many_accounts_is_paused(world: PracticeWorld) -> None:
    for k in range(20):
        assert attempt(f"nobody{k}@example.org", "guess", "203.0.113.9") in (200, 429)
    # Every account, even one never tried, with its right password, from that address:
    assert attempt(world.practitioner_user.email, PASSWORD, "203.0.113.9") == 429
    # Another address is not affected.
    assert attempt(world.practitioner_user.email, PASSWORD, "198.51.100.1") == 302


def test_nineteen_failures_across_accounts_from_one_address_do_not_pause_it(world: PracticeWorld) -> None:
    for k in range(19):
        attempt(f"nobody{k}@example.org", "guess", "203.0.113.9")
    assert attempt(world.practitioner_user.email, PASSWORD, "203.0.113.9") == 302


def test_many_addresses_trying_one_account_pause_it_for_new_addresses(world: PracticeWorld) -> None:
    email = world.practitioner_user.email
    # The practitioner signed in from the practice's address last week.
    assert attempt(email, PASSWORD, "192.0.2.10") == 302
    for k in range(10):
        assert attempt(email, "guess", f"198.51.100.{k + 1}") in (200, 429)
    # A new address is refused even with the right password ...
    assert attempt(email, PASSWORD, "198.51.100.200") == 429
    # ... but the owner of the account, from where they signed in before, is not locked out.
    assert attempt(email, PASSWORD, "192.0.2.10") == 302


def test_one_email_from_one_address_pauses_after_five(world: PracticeWorld) -> None:
    email = world.practitioner_user.email
    for _ in range(5):
        attempt(email, "guess", "192.0.2.77")
    assert attempt(email, PASSWORD, "192.0.2.77") == 429
    assert attempt(email, PASSWORD, "192.0.2.78") == 302


def test_the_pause_ends_after_the_cool_off(world: PracticeWorld, clock: time_machine.Coordinates) -> None:
    email = world.practitioner_user.email
    for k in range(10):
        attempt(email, "guess", f"198.51.100.{k + 1}")
    assert attempt(email, PASSWORD, "198.51.100.99") == 429
    clock.shift(dt.timedelta(minutes=16))
    assert attempt(email, PASSWORD, "198.51.100.99") == 302


@override_settings(HEADWISE_LOCK_ADDRESS_FAILURES=3)
def test_the_limits_are_settings(world: PracticeWorld) -> None:
    for k in range(3):
        attempt(f"nobody{k}@example.org", "guess", "203.0.113.9")
    assert attempt(world.front_desk.email, PASSWORD, "203.0.113.9") == 429


def test_a_locked_account_resets_its_password_and_signs_in(world: PracticeWorld) -> None:
    user = UserFactory(email="locked@example.org")
    for k in range(10):
        attempt(user.email, "guess", f"198.51.100.{k + 1}")
    http = HttpClient(REMOTE_ADDR="198.51.100.50")
    locked = http.post("/login/", {"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert 'href="/password-reset/"' in locked.text
    assert "ask your practice to reset" not in locked.text
    assert http.post("/password-reset/", {"email": user.email}).status_code == 302
    link = re.search(r"http://\S+/password-reset/\S+/\S+/", mail.outbox[-1].body)
    assert link is not None
    path = link.group(0).split("127.0.0.1:8000", 1)[-1]
    form = http.get(path, follow=True)
    assert form.status_code == 200
    new = "a-new-long-passphrase-42"
    done = http.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert attempt(user.email, new, "198.51.100.50") == 302
