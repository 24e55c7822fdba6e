"""A warning sign noted on the daily check-in, on the page and through the API."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient

from headwise.diary.localtime import client_today
from headwise.diary.models import DailyCheckIn
from tests.conftest import PracticeWorld


def test_the_check_in_page_keeps_the_warning_signs_folded_and_saves_them(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    day = client_today(world.client) - dt.timedelta(days=3)
    page = as_client.get(f"/diary/checkin/{day.isoformat()}/").content.decode()
    assert "<details" in page and "An early warning sign today?" in page
    assert page.index("<details") > page.index('name="had_headache"')
    response = as_client.post(
        f"/diary/checkin/{day.isoformat()}/",
        {"had_headache": "false", "warning_signs": ["yawning", "neck_stiffness"]},
    )
    assert response.status_code == 302
    saved = DailyCheckIn.objects.get(client=world.client, date=day)
    assert saved.warning_signs == ["yawning", "neck_stiffness"]
    again = as_client.get(f"/diary/checkin/{day.isoformat()}/").content.decode()
    assert '<details class="field" open>' in again


def test_an_unknown_warning_sign_on_the_page_names_the_field_and_saves_nothing(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    day = client_today(world.client) - dt.timedelta(days=4)
    response = as_client.post(
        f"/diary/checkin/{day.isoformat()}/", {"had_headache": "false", "warning_signs": ["telepathy"]}
    )
    assert response.status_code == 422
    assert 'id="id_warning_signs_errors"' in response.content.decode()
    assert not DailyCheckIn.objects.filter(client=world.client, date=day).exists()


def test_the_api_saves_and_returns_warning_signs_and_refuses_unknown_ones(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    day = client_today(world.client) - dt.timedelta(days=5)
    base = f"/api/clients/{world.client.uuid}/checkins/{day.isoformat()}"
    bad = as_client.put(
        base, {"had_headache": False, "warning_signs": ["telepathy"]}, content_type="application/json"
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["warning_signs"]
    assert not DailyCheckIn.objects.filter(client=world.client, date=day).exists()
    ok = as_client.put(
        base, {"had_headache": False, "warning_signs": ["fatigue"]}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["warning_signs"] == ["fatigue"]
    assert DailyCheckIn.objects.get(client=world.client, date=day).warning_signs == ["fatigue"]
    plain = as_client.put(base, {"had_headache": False}, content_type="application/json")
    assert plain.json()["warning_signs"] == []
