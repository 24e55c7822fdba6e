"""Saving any edit page unchanged changes nothing: no answer is lost on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test import Client as HttpClient

from tests.conftest import PracticeWorld, login
from tests.forms import resubmit

pytestmark = pytest.mark.django_db

IGNORED = {"updated_at", "updated_by_id", "last_login"}


def row(instance: models.Model) -> dict[str, Any]:
    values = type(instance).objects.values().get(pk=instance.pk)
    return {k: v for k, v in values.items() if k not in IGNORED}


@pytest.mark.parametrize(
    ("who", "record", "url"),
    [
        ("practitioner_user", "client", "/clients/{client.uuid}/edit/"),
        ("owner", "location", "/practice/locations/{location.uuid}/edit/"),
        ("owner", "membership", "/practice/staff/{membership.uuid}/edit/"),
        ("client_user", "client_user", "/settings/"),
        ("client_user", "client", "/diary/reminders/"),
    ],
)
def test_it_changes_nothing_when_a_page_is_saved_unchanged(
    world: PracticeWorld, who: str, record: str, url: str
) -> None:
    client = world.client
    client.sensitivities = "Prefers no contact at the forehead"
    client.migraine_diagnosed = True
    client.has_aura_history = False
    client.save()
    instance = {
        "client": client,
        "location": world.records["location"],
        "membership": world.records["membership"],
        "client_user": world.client_user,
    }[record]
    http: HttpClient = login(getattr(world, who))
    before = row(instance)
    response = resubmit(http, url.format(**{record: instance, "client": client}))
    assert response.status_code == 302, response.content.decode()[:800]
    assert row(instance) == before
