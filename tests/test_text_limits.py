"""One maximum length for each kind of text, held by the pages, the API and the services alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from headwise.common.limits import NOTES
from headwise.diary import services
from headwise.diary.models import DailyCheckIn
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def test_the_checkin_page_refuses_notes_over_the_limit_and_saves_nothing(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    day = "2026-05-10"
    long = as_client.post(f"/diary/checkin/{day}/", {"had_headache": "false", "notes": "x" * (NOTES + 1)})
    assert long.status_code == 422
    assert "Notes" in long.content.decode() and str(NOTES) in long.content.decode().replace(".", "")
    assert not DailyCheckIn.objects.filter(client=world.client, date=dt.date(2026, 5, 10)).exists()
    ok = as_client.post(f"/diary/checkin/{day}/", {"had_headache": "false", "notes": "x" * NOTES})
    assert ok.status_code == 302
    assert len(DailyCheckIn.objects.get(client=world.client, date=dt.date(2026, 5, 10)).notes) == NOTES


def test_the_api_refuses_the_same_notes_the_page_refuses(world: PracticeWorld, as_client: HttpClient) -> None:
    url = f"/api/clients/{world.client.uuid}/checkins/2026-05-10"
    refused = as_client.put(
        url, {"had_headache": False, "notes": "x" * (NOTES + 1)}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["notes"]
    assert not DailyCheckIn.objects.filter(client=world.client, date=dt.date(2026, 5, 10)).exists()


def test_the_model_holds_the_limit_for_every_path(world: PracticeWorld) -> None:
    attack = world.records["attack"]
    with pytest.raises(ValidationError) as refused:
        services.attack_update(attack=attack, by=world.client_user, notes="x" * (NOTES + 1))
    assert "notes" in refused.value.message_dict
    attack.refresh_from_db()
    assert len(attack.notes) <= NOTES
