"""The intake and consent over the JSON API: the same service, the same refusals as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from headwise import clinical
from headwise.clients.models import Consent, Intake
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld

ALL_NO = {r.id: "no" for r in clinical.SAFETY_RULES}


def body(**changes: Any) -> dict[str, Any]:
    return {"screening_answers": dict(ALL_NO), **changes}


def url(world: PracticeWorld) -> str:
    return f"/api/clients/{world.client.uuid}/intake"


def test_the_client_submits_and_reads_their_intake(world: PracticeWorld, as_client: HttpClient) -> None:
    assert call(as_client, "get", url(world)).status_code == 404
    injured = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    sent = body(
        migraine_days_per_month=12,
        acute_medication=[{"name": "Aspirin 500", "dose": "1 tablet"}],
        head_injuries=[{"what": "Whiplash", "date": injured, "doctor_seen": "unknown"}],
        pregnancy="unsure",
    )
    response = call(as_client, "put", url(world), sent)
    assert response.status_code == 200, response.json()
    read = call(as_client, "get", url(world)).json()
    assert read["acute_medication"] == [
        {"name": "Aspirin 500", "substance": "acetylsalicylic_acid", "dose": "1 tablet"}
    ]
    assert read["head_injuries"] == [{"what": "Whiplash", "date": injured, "doctor_seen": "unknown"}]
    assert read["pregnancy"] == "unsure" and read["entered_at_desk"] is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"head_injuries": [{"what": "Fall", "date": "2999-01-01", "doctor_seen": "no"}]},
            "head_injuries.0.date",
        ),
        (
            {"head_injuries": [{"what": "", "date": "2020-01-01", "doctor_seen": "no"}]},
            "head_injuries.0.what",
        ),
        ({"acute_medication": [{"name": " "}]}, "acute_medication.0.name"),
        ({"migraine_since_year": 1950}, "migraine_since_year"),
        ({"migraine_days_per_month": 32}, "migraine_days_per_month"),
        ({"pregnancy": "yes"}, "pregnancy_weeks"),
        ({"screening_answers": {**ALL_NO, "red_flag.made_up": "no"}}, "screening_answers.red_flag.made_up"),
        ({"screening_answers": {"red_flag.systemic": "no"}}, "screening_answers.red_flag.neoplasm"),
        ({"hopes": 5}, "hopes"),
    ],
)
def test_the_api_refuses_what_the_page_refuses(
    world: PracticeWorld, as_client: HttpClient, changes: dict[str, Any], field: str
) -> None:
    response = call(as_client, "put", url(world), body(**changes))
    assert response.status_code == 422
    assert field in fields_of(response)
    assert not Intake.objects.exists()


def test_the_front_desk_enters_it_once_and_never_reads_it(
    world: PracticeWorld, as_front_desk: HttpClient, as_practitioner: HttpClient
) -> None:
    assert call(as_front_desk, "put", url(world), body(hopes="Less pain")).status_code == 200
    intake = Intake.objects.get()
    assert intake.entered_at_desk and intake.updated_by == world.front_desk
    assert call(as_front_desk, "get", url(world)).status_code == 403
    assert call(as_front_desk, "put", url(world), body(hopes="Other")).status_code == 403
    assert call(as_practitioner, "get", url(world)).json()["hopes"] == "Less pain"
    assert call(as_practitioner, "put", url(world), body(hopes="Less pain, more sleep")).status_code == 200
    assert Intake.objects.get().history.count() == 2


def test_consent_by_typed_name_over_the_api(
    world: PracticeWorld, as_client: HttpClient, as_front_desk: HttpClient
) -> None:
    base = f"/api/clients/{world.client.uuid}"
    texts = call(as_client, "get", f"{base}/consent-texts?language=nl").json()
    # The practice's own treatment text is English only: it is shown; the data text is the default, in Dutch.
    assert [(t["kind"], t["language"]) for t in texts] == [("treatment", "en"), ("data", "nl")]
    wrong = call(
        as_client, "post", f"{base}/consents/sign", {"kinds": ["data"], "typed_name": "Someone Else"}
    )
    assert fields_of(wrong) == ["typed_name"]
    none = call(as_client, "post", f"{base}/consents/sign", {"kinds": [], "typed_name": "AlphaClient Own"})
    assert fields_of(none) == ["kinds"]
    before = Consent.objects.count()
    ok = call(
        as_client, "post", f"{base}/consents/sign", {"kinds": ["data"], "typed_name": "alphaclient own"}
    )
    assert ok.status_code == 201 and ok.json()[0]["witnessed_by"] == "self"
    desk = call(
        as_front_desk,
        "post",
        f"{base}/consents/sign",
        {"kinds": ["treatment"], "typed_name": "AlphaClient Own"},
    )
    assert desk.json()[0]["witnessed_by"] == str(world.front_desk)
    assert Consent.objects.count() == before + 2
