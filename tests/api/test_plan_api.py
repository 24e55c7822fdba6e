"""The plan's cadence and decisions over the API: the same numbers and refusals as the page."""

from __future__ import annotations

from django.test import Client as HttpClient

from headwise.care.models import PhaseDecision, PlanPhase
from tests.conftest import PracticeWorld
from tests.web.plan_world import planned_client


def test_the_api_gives_the_suggestion_with_its_numbers(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world)
    body = as_practitioner.get(f"/api/plans/{plan.uuid}/cadence").json()
    assert (body["rule"], body["phase"], body["suggested_phase"], body["changes_phase"]) == (
        "move_on",
        "intensive",
        "stabilising",
        True,
    )
    assert body["baseline"]["migraine_days"] == 12 and body["baseline"]["recorded_days"] == 28
    assert body["recent"]["rate"] == 6.0 and body["change"] == -0.5


def test_the_api_confirms_and_refuses_a_stale_decision(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    _client, plan = planned_client(world)
    phase = PlanPhase.objects.get(plan=plan)
    url = f"/api/plans/{plan.uuid}/decisions"
    wrong = as_practitioner.post(
        url,
        {"phase_id": str(phase.uuid), "to_kind": "maintenance", "confirm": True},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and [e["field"] for e in wrong.json()["errors"]] == ["to_kind"]
    assert not PhaseDecision.objects.exists()
    ok = as_practitioner.post(
        url,
        {"phase_id": str(phase.uuid), "to_kind": "stabilising", "confirm": True},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["decision"] == "confirmed"
    assert PlanPhase.objects.get(plan=plan, ends_on__isnull=True).kind == "stabilising"
    again = as_practitioner.post(
        url,
        {"phase_id": str(phase.uuid), "to_kind": "stabilising", "confirm": True},
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "phase_id"
    assert PhaseDecision.objects.count() == 1


def test_the_front_desk_and_the_client_cannot_read_the_cadence(
    world: PracticeWorld, as_front_desk: HttpClient, as_client: HttpClient
) -> None:
    plan = world.records["plan"]
    assert as_front_desk.get(f"/api/plans/{plan.uuid}/cadence").status_code == 403
    assert as_client.get(f"/api/plans/{plan.uuid}/cadence").status_code == 404
