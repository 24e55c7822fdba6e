"""Questionnaire entry by staff, the PHQ-4 sent to and filled in by the client, and the desk's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient

from headwise import clinical
from headwise.diary.localtime import client_today
from headwise.outcomes.models import QuestionnaireRequest, QuestionnaireResponse
from tests import factories as f
from tests.conftest import PracticeWorld, login


def new_url(world: PracticeWorld, instrument: str) -> str:
    return f"/clients/{world.client.uuid}/questionnaires/new/{instrument}/"


def test_staff_enter_a_midas_scored_by_the_engine(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    today = client_today(world.client)
    items = [10, 5, 3, 2, 1]
    data = {f"item_{i}": v for i, v in enumerate(items)} | {
        "headache_days": 20,
        "answered_on": today.isoformat(),
    }
    response = as_practitioner.post(new_url(world, "midas"), data)
    assert response.status_code == 302
    saved = QuestionnaireResponse.objects.exclude(pk=world.records["questionnaire"].pk).get(
        client=world.client, instrument="midas"
    )
    expected = clinical.score_midas(items, headache_days=20)
    assert (saved.total, saved.band) == (expected.total, expected.grade) == (21, "IV")
    desk = as_practitioner.get(f"/clients/{world.client.uuid}/").content.decode()
    assert "Grade IV: severe disability" in desk


def test_staff_enter_a_phq4_and_a_hit6_total(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    today = client_today(world.client).isoformat()
    phq = {"item_0": "2", "item_1": "1", "item_2": "0", "item_3": "0", "answered_on": today}
    assert as_practitioner.post(new_url(world, "phq4"), phq).status_code == 302
    assert (
        as_practitioner.post(new_url(world, "hit6"), {"total": "58", "answered_on": today}).status_code == 302
    )
    phq4 = QuestionnaireResponse.objects.get(client=world.client, instrument="phq4")
    assert (phq4.total, phq4.band) == (
        clinical.score_phq4([2, 1, 0, 0]).total,
        clinical.score_phq4([2, 1, 0, 0]).band,
    )
    hit6 = QuestionnaireResponse.objects.get(client=world.client, instrument="hit6")
    assert (hit6.total, hit6.band) == (58, clinical.band_hit6(58).band) == (58, "substantial")


@pytest.mark.parametrize(
    ("instrument", "data", "field"),
    [
        ("midas", {"item_0": "60", "item_1": "40", "item_2": "0", "item_3": "0", "item_4": "0"}, "item_1"),
        ("midas", {"item_0": "91", "item_1": "0", "item_2": "0", "item_3": "0", "item_4": "0"}, "item_0"),
        ("phq4", {"item_0": "4", "item_1": "1", "item_2": "0", "item_3": "0"}, "item_0"),
        ("hit6", {"total": "30"}, "total"),
    ],
)
def test_bad_answers_name_the_field_and_save_nothing(
    world: PracticeWorld, as_practitioner: HttpClient, instrument: str, data: dict[str, str], field: str
) -> None:
    before = QuestionnaireResponse.objects.count()
    response = as_practitioner.post(
        new_url(world, instrument), data | {"answered_on": client_today(world.client).isoformat()}
    )
    assert response.status_code == 422
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert QuestionnaireResponse.objects.count() == before


def test_a_questionnaire_dated_in_the_future_is_refused(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    tomorrow = client_today(world.client) + dt.timedelta(days=1)
    response = as_practitioner.post(
        new_url(world, "hit6"), {"total": "50", "answered_on": tomorrow.isoformat()}
    )
    assert response.status_code == 422 and 'id="id_answered_on_errors"' in response.content.decode()
    assert not QuestionnaireResponse.objects.filter(instrument="hit6").exists()


def test_the_front_desk_cannot_enter_or_see_questionnaires(
    world: PracticeWorld, as_front_desk: HttpClient
) -> None:
    assert as_front_desk.get(new_url(world, "phq4")).status_code == 403
    assert (
        as_front_desk.post(
            f"/clients/{world.client.uuid}/questionnaires/send/", {"instrument": "phq4"}
        ).status_code
        == 403
    )
    desk = as_front_desk.get(f"/clients/{world.client.uuid}/").content.decode()
    assert "Questionnaires" not in desk and "Grade III" not in desk


def test_an_unknown_instrument_is_404(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    assert as_practitioner.get(new_url(world, "sf36")).status_code == 404


def test_the_client_fills_in_a_phq4_sent_to_them(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    QuestionnaireRequest.objects.all().delete()
    sent = as_practitioner.post(f"/clients/{world.client.uuid}/questionnaires/send/", {"instrument": "phq4"})
    assert sent.status_code == 302
    asked = QuestionnaireRequest.objects.get(client=world.client)
    assert asked.created_by == world.practitioner_user
    again = as_practitioner.post(
        f"/clients/{world.client.uuid}/questionnaires/send/", {"instrument": "phq4"}, follow=True
    )
    assert "already waiting" in again.content.decode()
    assert QuestionnaireRequest.objects.filter(client=world.client).count() == 1
    me = login(world.client_user)
    home = me.get("/me/").content.decode()
    assert f"/me/questionnaires/{asked.uuid}/" in home
    page = me.get(f"/me/questionnaires/{asked.uuid}/").content.decode()
    assert "Feeling nervous, anxious or on edge" in page
    bad = me.post(f"/me/questionnaires/{asked.uuid}/", {"item_0": "1", "item_1": "1", "item_2": "2"})
    assert bad.status_code == 422 and 'id="id_item_3_errors"' in bad.content.decode()
    assert not QuestionnaireResponse.objects.filter(client=world.client, instrument="phq4").exists()
    ok = me.post(
        f"/me/questionnaires/{asked.uuid}/", {"item_0": "1", "item_1": "1", "item_2": "2", "item_3": "3"}
    )
    assert ok.status_code == 302
    asked.refresh_from_db()
    expected = clinical.score_phq4([1, 1, 2, 3])
    assert asked.response is not None
    assert (asked.response.total, asked.response.band, asked.response.created_by) == (
        expected.total,
        expected.band,
        world.client_user,
    )
    assert f"/me/questionnaires/{asked.uuid}/" not in me.get("/me/").content.decode()
    assert (
        me.post(
            f"/me/questionnaires/{asked.uuid}/", {"item_0": "0", "item_1": "0", "item_2": "0", "item_3": "0"}
        ).status_code
        == 302
    )
    assert QuestionnaireResponse.objects.filter(client=world.client, instrument="phq4").count() == 1


def test_a_midas_cannot_be_sent_to_the_client(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    before = QuestionnaireRequest.objects.count()
    as_practitioner.post(f"/clients/{world.client.uuid}/questionnaires/send/", {"instrument": "midas"})
    assert QuestionnaireRequest.objects.count() == before


def test_another_client_cannot_open_the_questionnaire(world: PracticeWorld) -> None:
    asked = world.records["questionnaire_request"]
    other_user = f.UserFactory(email="sibling@alpha.example")
    world.other_client.user = other_user
    world.other_client.save()
    assert login(other_user).get(f"/me/questionnaires/{asked.uuid}/").status_code == 404


def test_the_client_page_of_questionnaires_is_in_dutch(world: PracticeWorld) -> None:
    user = world.client_user
    user.language = "nl"
    user.save()
    page = (
        login(user).get(f"/me/questionnaires/{world.records['questionnaire_request'].uuid}/").content.decode()
    )
    assert "Helemaal niet" in page
