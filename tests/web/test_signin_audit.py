"""The sign-in events the audit trail keeps: 2FA on and off, reset asked and done, sign-out
everywhere, access ended by deactivation; none holds a password, a code or a typed address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client as HttpClient

from headwise.accounts import two_factor
from headwise.audit.models import AuditAction, AuditEntry
from headwise.practice.models import Role
from tests.conftest import PracticeWorld, login
from tests.web.totp import code_now

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_switching_two_step_on_and_off_is_in_the_trail(world: PracticeWorld) -> None:
    user = world.practitioner_user
    http = login(user)
    device = two_factor.pending_device(user)
    assert http.post("/settings/two-step/set-up/", {"code": code_now(device)}).status_code == 302
    entry = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_ENABLE).get()
    assert entry.actor_id == user.pk
    assert entry.practice_id == world.practice.pk
    assert http.post("/settings/two-step/off/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_DISABLE, actor_id=user.pk).count() == 1


def test_a_reset_is_in_the_trail_without_the_address_typed(world: PracticeWorld) -> None:
    HttpClient().post("/password-reset/", {"email": "nobody-here@example.org"})
    HttpClient().post("/password-reset/", {"email": world.client_user.email})
    requests = AuditEntry.objects.filter(action=AuditAction.PASSWORD_RESET_REQUEST)
    assert requests.count() == 2
    assert all(e.actor_id is None and e.detail == {} for e in requests)
    assert not AuditEntry.objects.filter(actor_label__icontains="nobody-here").exists()
    path = re.search(r"(/password-reset/\S+/\S+/)", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    http = HttpClient()
    target = http.get(path, follow=True).redirect_chain[-1][0]
    http.post(
        target, {"new_password1": "a-new-long-passphrase-42", "new_password2": "a-new-long-passphrase-42"}
    )
    done = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET_DONE)
    assert done.actor_id == world.client_user.pk


def test_sign_out_everywhere_and_deactivation_are_in_the_trail(world: PracticeWorld) -> None:
    login(world.front_desk).post("/settings/sign-out-everywhere/")
    assert AuditEntry.objects.get(action=AuditAction.SESSIONS_ENDED).actor_id == world.front_desk.pk
    membership = world.practitioner_user.membership
    login(world.owner).post(f"/practice/staff/{membership.uuid}/edit/", {"role": Role.PRACTITIONER})
    ended = AuditEntry.objects.filter(action=AuditAction.SESSIONS_ENDED).order_by("-seq").first()
    assert ended is not None
    assert ended.object_id == str(world.practitioner_user.uuid)
    assert ended.detail["reason"] == "membership_deactivated"
    assert ended.practice_id == world.practice.pk
