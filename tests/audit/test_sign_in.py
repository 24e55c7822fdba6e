"""Sign-in, failed sign-in and sign-out are in the trail; an unknown address is not kept."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from headwise.audit.models import AuditEntry
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def actions_after(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq, action__startswith="sign_").order_by("seq"))


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_sign_in_failure_success_and_sign_out_are_recorded(world: PracticeWorld) -> None:
    http = HttpClient()
    user = world.practitioner_user
    start = last_seq()
    assert http.post("/login/", {"username": user.email, "password": "wrong"}).status_code == 200
    assert http.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    assert http.post("/logout/").status_code == 302
    entries = actions_after(start)
    assert [e.action for e in entries] == ["sign_in_failed", "sign_in", "sign_out"]
    assert {e.actor_id for e in entries} == {user.pk}
    assert {e.practice_id for e in entries} == {world.practice.pk}
    assert entries[0].detail == {"known_account": True}
    assert all(e.ip == "127.0.0.1" for e in entries)


def test_a_failed_sign_in_for_an_unknown_address_keeps_no_address(db: None) -> None:
    start = last_seq()
    HttpClient().post("/login/", {"username": "nobody@example.org", "password": "guess"})
    [entry] = actions_after(start)
    assert (entry.action, entry.actor_id, entry.actor_label, entry.practice_id) == (
        "sign_in_failed",
        None,
        "",
        None,
    )
    assert "nobody" not in str(entry.detail)
