"""A client's diary month as their practitioner sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from headwise.diary import selectors, services
from tests import factories as f
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def test_it_shows_a_practitioner_the_clients_month(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    today = selectors.client_today(world.client)
    response = as_practitioner.get(f"/clients/{world.client.uuid}/diary/")
    assert response.status_code == 200
    text = response.content.decode()
    assert today.strftime("%B %Y") in text
    assert "not counted as headache-free" in text
    assert f"/clients/{world.client.uuid}/diary/{today:%Y-%m}/chart.svg" in text
    assert "/diary/checkin/" not in text  # a practitioner reads; the client writes


def test_it_draws_the_chart_for_the_practitioner(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    month = selectors.client_today(world.client).strftime("%Y-%m")
    response = as_practitioner.get(f"/clients/{world.client.uuid}/diary/{month}/chart.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml")


def test_it_keeps_the_diary_from_the_front_desk(world: PracticeWorld, as_front_desk: HttpClient) -> None:
    assert as_front_desk.get(f"/clients/{world.client.uuid}/diary/").status_code == 403


def test_it_refuses_a_future_or_malformed_month(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    future = selectors.client_today(world.client) + dt.timedelta(days=40)
    assert as_practitioner.get(f"/clients/{world.client.uuid}/diary/{future:%Y-%m}/").status_code == 404
    assert as_practitioner.get(f"/clients/{world.client.uuid}/diary/2026-13/").status_code == 404


def test_it_counts_what_the_client_recorded(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    client = world.client
    day = selectors.client_today(client).replace(day=1)
    services.checkin_save(client=client, by=world.client_user, date=day, had_headache=False)
    view = as_practitioner.get(f"/clients/{client.uuid}/diary/{day:%Y-%m}/").context["view"]
    assert view.summary.recorded >= 1
    assert view.summary.recorded + view.summary.missing == view.summary.days


def test_it_asks_the_database_as_often_for_a_long_diary(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    url = f"/clients/{world.client.uuid}/diary/"
    as_practitioner.get(url)
    with CaptureQueriesContext(connection) as short:
        as_practitioner.get(url)
    start = selectors.client_today(world.client) - dt.timedelta(days=700)
    for k in range(0, 700, 3):
        at = dt.datetime.combine(start + dt.timedelta(days=k), dt.time(9), tzinfo=dt.UTC)
        f.AttackFactory(
            client=world.client, practice=world.practice, started_at=at, ended_at=at + dt.timedelta(hours=5)
        )
    with CaptureQueriesContext(connection) as long:
        as_practitioner.get(url)
    assert len(long) == len(short)
