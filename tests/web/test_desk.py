"""The client page as the practitioner's desk: sections, what needs doing, and the front desk's view."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.utils import timezone

from headwise.care.models import FollowUp
from tests import factories as f
from tests.conftest import PracticeWorld
from tests.web.plan_world import planned_client


def page(http: HttpClient, client: object) -> str:
    response = http.get(f"/clients/{client.uuid}/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    return response.content.decode()


def test_the_desk_lists_what_needs_doing(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    follow_up = world.records["follow_up"]
    FollowUp.objects.filter(pk=follow_up.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1), completed_at=None
    )
    f.QuestionnaireRequestFactory(client=world.client, practice=world.practice)
    html = page(as_practitioner, world.client)
    assert "What needs doing" in html
    assert "is unanswered" in html  # the follow-up
    assert "PHQ-4 sent on" in html and "not answered yet" in html


def test_the_desk_names_a_consent_not_in_force(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    client = f.ClientFactory(practice=world.practice)
    html = page(as_practitioner, client)
    assert "Consent not in force: Treatment with craniosacral therapy." in html
    assert "Consent not in force: Keeping and processing health data." in html


def test_the_desk_shows_the_plan_the_suggestion_and_questionnaires(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, _plan = planned_client(world)
    f.QuestionnaireResponseFactory(
        client=client, practice=world.practice, instrument="phq4", total=7, band="moderate"
    )
    html = page(as_practitioner, client)
    assert "Plan and phase" in html and "Frequent migraines: weekly" in html
    assert "Suggested: move on to Stabilising" in html
    assert "Moderate (6–8)" in html
    assert f"/clients/{client.uuid}/plan/" in html


def test_the_front_desk_sees_the_non_clinical_parts_only(
    world: PracticeWorld, as_front_desk: HttpClient
) -> None:
    client, _plan = planned_client(world)
    f.SessionRecordFactory(
        client=client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        notes="Private note",
    )
    f.QuestionnaireResponseFactory(
        client=client, practice=world.practice, instrument="phq4", total=7, band="moderate"
    )
    html = page(as_front_desk, client)
    assert "Plan and phase" in html and "Frequent migraines: weekly" in html  # to book the next session
    assert "Last sessions" in html
    for clinical in (
        "Private note",
        "Suggested:",
        "Moderate (6–8)",
        "Intake summary",
        "Diary, last 28 days",
        "/plan/",
        "Follow-up",
    ):
        assert clinical not in html, clinical


def test_a_refer_banner_shows_its_reasons_to_clinicians_only(
    world: PracticeWorld, as_practitioner: HttpClient, as_front_desk: HttpClient
) -> None:
    f.SafetyScreeningFactory(
        client=world.client,
        practice=world.practice,
        outcome="refer",
        reasons=[{"rule_id": "contraindication.aneurysm", "answer": "yes", "effect": "refer", "params": {}}],
    )
    html = page(as_practitioner, world.client)
    assert "A cerebral aneurysm?" in html and "/screenings/" in html
    desk = page(as_front_desk, world.client)
    assert "No CST until a clinician has cleared it" in desk and "aneurysm" not in desk
