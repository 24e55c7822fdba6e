"""Dates at the calendar's edge: pages answer 404 or a form error, never a 500, by the same rules
as the API (headwise.common.dates)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from headwise.clients.models import Client
from headwise.diary.models import Attack, MedicationIntake
from tests.conftest import PracticeWorld, login

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def client_http(world: PracticeWorld) -> Any:
    with time_machine.travel(NOW, tick=False):
        yield login(world.client_user)


@pytest.mark.parametrize(
    "url",
    [
        "/diary/checkin/9999-12-31/",
        "/diary/checkin/0001-01-01/",
        "/diary/month/0001-01/",
        "/diary/month/9999-12/",
        "/diary/month/9999-12/chart.svg",
    ],
)
def test_a_day_or_month_at_the_calendars_edge_is_not_found(client_http: HttpClient, url: str) -> None:
    assert client_http.get(url).status_code == 404


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "1899-12-31T12:00"])
def test_the_attack_form_refuses_a_start_at_the_calendars_edge(
    client_http: HttpClient, world: PracticeWorld, when: str
) -> None:
    before = Attack.objects.filter(client=world.client).count()
    response = client_http.post("/diary/attack/", {"request_id": str(uuid.uuid4()), "started_at_local": when})
    assert response.status_code == 422
    assert Attack.objects.filter(client=world.client).count() == before


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1901-01-01T08:00"])
def test_the_medication_form_refuses_a_dose_outside_the_diary(
    client_http: HttpClient, world: PracticeWorld, when: str
) -> None:
    attack = world.records["attack"]
    before = MedicationIntake.objects.filter(client=world.client).count()
    response = client_http.post(
        f"/diary/attacks/{attack.uuid}/medication/",
        {
            "request_id": str(uuid.uuid4()),
            "name": "Ibuprofen",
            "drug_class": "simple_analgesic",
            "taken_at_local": when,
        },
    )
    assert response.status_code == 422
    assert MedicationIntake.objects.filter(client=world.client).count() == before


def test_a_dose_before_the_client_was_born_names_the_birth_date(client_http: HttpClient, world) -> None:
    world.client.date_of_birth = dt.date(1990, 5, 1)
    world.client.save()
    response = client_http.post(
        f"/diary/attacks/{world.records['attack'].uuid}/medication/",
        {
            "request_id": str(uuid.uuid4()),
            "name": "Ibuprofen",
            "drug_class": "simple_analgesic",
            "taken_at_local": "1990-04-30T08:00",
        },
    )
    assert response.status_code == 422
    assert "before the client" in response.content.decode()


@pytest.mark.parametrize(
    ("born", "message"),
    [("2253-01-01", "cannot be in the future"), ("1899-12-31", "cannot be before 1900-01-01")],
)
def test_the_client_form_and_the_api_refuse_the_same_date_of_birth(
    as_owner: HttpClient, world: PracticeWorld, born: str, message: str
) -> None:
    """One rule (the model's clean, and the calendar of headwise.common.dates): the page refuses
    what the API refuses."""
    from tests.api.conftest import call, fields_of

    page = as_owner.post(
        "/clients/new/",
        {
            "given_name": "Mara",
            "family_name": "Visser",
            "date_of_birth": born,
            "sex": "female",
            "time_zone": "Europe/Amsterdam",
        },
    )
    assert page.status_code == 422 and message in page.text
    api = call(
        as_owner,
        "post",
        "/api/clients",
        {"given_name": "Mara", "family_name": "Visser", "date_of_birth": born},
    )
    assert fields_of(api) == ["date_of_birth"]
    assert not Client.objects.filter(family_name="Visser").exists()
