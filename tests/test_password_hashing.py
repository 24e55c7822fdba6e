"""Argon2id with OWASP's parameters (#14); an older hash is upgraded at the next sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, identify_hasher
from django.test import Client as HttpClient
from django.test import override_settings

from headwise.accounts.hashers import OwaspArgon2PasswordHasher
from tests.conftest import PracticeWorld

PRODUCTION_HASHERS = [
    "headwise.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD = "a long enough pass phrase"  # noqa: S105 - a test's


def test_the_production_settings_choose_owasps_argon2id_first() -> None:
    from django.conf import settings

    from headwise import settings as production

    assert production.PASSWORD_HASHERS[0] == "headwise.accounts.hashers.OwaspArgon2PasswordHasher"
    assert settings.PASSWORD_HASHERS != production.PASSWORD_HASHERS  # tests use a fast hasher
    encoded = OwaspArgon2PasswordHasher().encode(PASSWORD, OwaspArgon2PasswordHasher().salt())
    # OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1, Argon2id.
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize(
    "old",
    [Argon2PasswordHasher, PBKDF2PasswordHasher],
    ids=["django-default-argon2", "pbkdf2"],
)
@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_an_older_hash_is_upgraded_at_sign_in(world: PracticeWorld, old: type) -> None:
    user = world.client_user
    hasher = old()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    before = user.password
    if identify_hasher(before).algorithm == "argon2":
        assert OwaspArgon2PasswordHasher().must_update(before)  # other parameters

    http = HttpClient()
    response = http.post("/login/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password != before
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_a_current_hash_is_left_alone_and_a_wrong_password_changes_nothing(world: PracticeWorld) -> None:
    user = world.client_user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    current = user.password

    assert HttpClient().post("/login/", {"username": user.email, "password": "wrong"}).status_code == 200
    assert HttpClient().post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302

    user.refresh_from_db()
    assert user.password == current
