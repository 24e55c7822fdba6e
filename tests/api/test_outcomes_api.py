"""The outcomes router: questionnaires scored by headwise.clinical."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from headwise.outcomes.models import QuestionnaireResponse
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def _url(client) -> str:
    return f"/api/clients/{client.uuid}/questionnaires"


def _count(world: PracticeWorld) -> int:
    return QuestionnaireResponse.objects.filter(client=world.client).count()


def test_it_scores_a_midas_from_its_items(as_practitioner, world: PracticeWorld) -> None:
    # Stewart et al. 2001: 10+5+3+2+1 = 21 days, grade IV (>= 21).
    body = {"instrument": "midas", "items": [10, 5, 3, 2, 1], "headache_days": 30, "average_pain": 6}
    response = call(as_practitioner, "post", _url(world.client), body)
    assert response.status_code == 201
    saved = QuestionnaireResponse.objects.get(uuid=response.json()["id"])
    assert (saved.total, saved.band, saved.created_by) == (21, "IV", world.practitioner_user)
    assert saved.items == {"items": [10, 5, 3, 2, 1], "headache_days": 30, "average_pain": 6}


def test_it_lets_a_client_answer_a_phq4(as_client, world: PracticeWorld) -> None:
    # Kroenke et al. 2009: 2+1+0+0 = 3, mild.
    response = call(as_client, "post", _url(world.client), {"instrument": "phq4", "items": [2, 1, 0, 0]})
    assert response.status_code == 201
    assert (response.json()["total"], response.json()["band"]) == (3, "mild")
    saved = QuestionnaireResponse.objects.get(uuid=response.json()["id"])
    assert saved.answered_on == timezone.now().astimezone(ZoneInfo(world.client.time_zone)).date()


def test_it_bands_a_hit6_total_entered_by_the_practice(as_owner, as_client, world: PracticeWorld) -> None:
    response = call(as_owner, "post", _url(world.client), {"instrument": "hit6", "total": 56})
    assert (response.json()["total"], response.json()["band"]) == (56, "substantial")
    before = _count(world)
    assert call(as_client, "post", _url(world.client), {"instrument": "hit6", "total": 56}).status_code == 403
    assert _count(world) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument": "midas", "items": [1, 2, 3]}, "items"),
        ({"instrument": "midas", "items": [80, 20, 0, 0, 0]}, "items[1]"),
        ({"instrument": "phq4", "items": [0, 4, 0, 0]}, "items[1]"),
        ({"instrument": "phq4", "items": [0, 0, 0, 0], "total": 3}, "total"),
        ({"instrument": "hit6", "total": 30}, "total"),
        ({"instrument": "hit6", "total": 50, "items": [1]}, "items"),
        ({"instrument": "sf36", "items": [1]}, "instrument"),
        ({"instrument": "phq4", "items": [0, 0, 0, 0], "answered_on": "2999-01-01"}, "answered_on"),
    ],
)
def test_it_names_bad_answers_and_saves_nothing(as_owner, world: PracticeWorld, body, field) -> None:
    before = _count(world)
    assert fields_of(call(as_owner, "post", _url(world.client), body)) == [field]
    assert _count(world) == before


def test_it_keeps_questionnaires_from_front_desk(as_front_desk, world: PracticeWorld) -> None:
    questionnaire = world.records["questionnaire"]
    assert as_front_desk.get(_url(world.client)).status_code == 403
    body = {"instrument": "phq4", "items": [0, 0, 0, 0]}
    assert call(as_front_desk, "post", _url(world.client), body).status_code == 403
    assert as_front_desk.get(f"/api/questionnaires/{questionnaire.uuid}").status_code == 403
    assert _count(world) == 1


def test_it_shows_a_client_only_their_own_questionnaires(as_client, world: PracticeWorld) -> None:
    mine = world.records["questionnaire"]
    theirs = f.QuestionnaireResponseFactory(client=world.other_client, practice=world.practice)
    assert [q["id"] for q in as_client.get(_url(world.client)).json()["items"]] == [str(mine.uuid)]
    assert as_client.get(f"/api/questionnaires/{mine.uuid}").status_code == 200
    assert as_client.get(f"/api/questionnaires/{theirs.uuid}").status_code == 404
    assert as_client.get(_url(world.other_client)).status_code == 404
    body = {"instrument": "phq4", "items": [0, 0, 0, 0]}
    assert call(as_client, "post", _url(world.other_client), body).status_code == 404
    assert QuestionnaireResponse.objects.filter(client=world.other_client).count() == 1


def test_it_hides_another_practices_questionnaire(as_owner, outsider: PracticeWorld) -> None:
    assert as_owner.get(f"/api/questionnaires/{outsider.records['questionnaire'].uuid}").status_code == 404
    assert as_owner.get(_url(outsider.client)).status_code == 404
