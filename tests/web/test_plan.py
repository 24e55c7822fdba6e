"""The plan page: the suggestion and its numbers, the practitioner's decision, booking, the rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient

from headwise.care.models import (
    Appointment,
    CadenceRuleSet,
    PhaseDecision,
    PhaseKind,
    PlanPhase,
    PlanStatus,
    TreatmentPlan,
)
from headwise.diary.localtime import client_today
from tests import factories as f
from tests.conftest import PracticeWorld, login
from tests.web.plan_world import planned_client


@pytest.fixture(autouse=True)
def _works_at_the_location(world: PracticeWorld) -> None:
    world.records["practitioner"].locations.add(world.records["location"])


def url(client: object) -> str:
    return f"/clients/{client.uuid}/plan/"  # type: ignore[attr-defined]


def test_it_shows_the_suggestion_with_the_numbers_it_used(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, _plan = planned_client(world, baseline_migraine=12, recent_migraine=6)
    response = as_practitioner.get(url(client))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Suggested: move on to Stabilising" in html
    # 12 of 28 recorded days at baseline, 6 of 28 recently: 12.0 and 6.0 per 28, -50 %.
    assert "12 migraine days on 28 of 28 days recorded, 12.0 per 28 recorded days" in html
    assert "6 migraine days on 28 of 28 days recorded, 6.0 per 28 recorded days" in html
    assert "changed by -50%" in html
    assert "fallen by 50% or more" in html


def test_it_says_so_when_the_diary_has_too_few_days(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, _plan = planned_client(world, recent_migraine=0, recent_recorded=15)
    html = as_practitioner.get(url(client)).content.decode()
    assert "too few diary days to compare" in html
    assert "has 15 recorded days; a comparison needs at least 20" in html
    assert 'name="decision"' not in html


def test_confirming_a_change_ends_the_phase_and_starts_the_next(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world)
    phase = PlanPhase.objects.get(plan=plan)
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/decide/",
        {
            "phase_id": phase.uuid,
            "to_kind": "stabilising",
            "decision": "confirm",
            "note": "Agreed with the client",
        },
    )
    assert response.status_code == 302
    today = client_today(client)
    phase.refresh_from_db()
    assert phase.ends_on == today
    new = PlanPhase.objects.get(plan=plan, ends_on__isnull=True)
    assert (new.kind, new.starts_on, new.interval_days_min, new.interval_days_max) == (
        "stabilising",
        today,
        14,
        21,
    )
    decision = PhaseDecision.objects.get(plan=plan)
    assert (decision.decision, decision.rule, decision.created_by) == (
        "confirmed",
        "move_on",
        world.practitioner_user,
    )
    assert (
        decision.numbers["baseline"]["migraine_days"] == 12
        and decision.numbers["recent"]["migraine_days"] == 6
    )
    assert decision.new_phase == new and decision.note == "Agreed with the client"
    html = as_practitioner.get(url(client)).content.decode()
    assert "Confirmed" in html and "Stabilising" in html
    # The new phase counts its own days: the same numbers do not suggest a second step at once.
    assert "move on to Maintenance" not in html
    assert "The recent period (in this phase) has 1 recorded days" in html


def test_declining_keeps_the_phase_and_records_who_declined(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world)
    phase = PlanPhase.objects.get(plan=plan)
    as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/decide/",
        {"phase_id": phase.uuid, "to_kind": "stabilising", "decision": "decline"},
    )
    assert PlanPhase.objects.filter(plan=plan).count() == 1
    decision = PhaseDecision.objects.get(plan=plan)
    assert (decision.decision, decision.created_by, decision.new_phase) == (
        "declined",
        world.practitioner_user,
        None,
    )
    assert "Declined by" in as_practitioner.get(url(client)).content.decode()


def test_a_decision_on_a_stale_suggestion_is_refused_and_changes_nothing(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world, recent_migraine=8)  # 8 vs 12: no change suggested
    phase = PlanPhase.objects.get(plan=plan)
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/decide/",
        {"phase_id": phase.uuid, "to_kind": "stabilising", "decision": "confirm"},
        follow=True,
    )
    assert "no longer suggests this change" in response.content.decode()
    assert PhaseDecision.objects.count() == 0
    assert PlanPhase.objects.filter(plan=plan).count() == 1


def test_a_relapse_in_maintenance_suggests_stepping_back(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, _plan = planned_client(world, kind=PhaseKind.MAINTENANCE, recent_migraine=12)
    assert "Suggested: step back to Stabilising" in as_practitioner.get(url(client)).content.decode()


def test_a_warning_sign_on_the_check_in_offers_an_earlier_slot_in_maintenance(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world, kind=PhaseKind.MAINTENANCE, recent_migraine=2)
    today = client_today(client)
    checkin = client.checkins.get(date=today - dt.timedelta(days=1))
    checkin.warning_signs = ["neck_stiffness"]
    checkin.save()
    html = as_practitioner.get(url(client)).content.decode()
    by = today + dt.timedelta(days=7)
    assert f"an earlier session, by {by.day} {by:%b} {by.year}" in html
    assert "An early warning sign was noted on" in html


def test_booking_from_the_plan_books_the_phase_s_next_session(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world)
    location, prac = world.records["location"], world.records["practitioner"]
    day = client_today(client) + dt.timedelta(days=3)
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/book/",
        {
            "practitioner_id": prac.uuid,
            "location_id": location.uuid,
            "starts_at_local": f"{day.isoformat()}T10:00",
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    booked = Appointment.objects.get(client=client)
    assert booked.phase == PlanPhase.objects.get(plan=plan)
    assert booked.ends_at - booked.starts_at == dt.timedelta(minutes=60)
    assert booked.created_by == world.practitioner_user


def test_booking_from_the_plan_reads_the_time_in_the_location_s_zone_not_the_user_s(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    """The practitioner signs in from Amsterdam; 09:00 typed for a New York location is 09:00
    in New York (15:00 in Amsterdam), as in the calendar's booking form."""
    assert world.practitioner_user.time_zone == "Europe/Amsterdam"
    client, plan = planned_client(world)
    prac = world.records["practitioner"]
    westport = f.LocationFactory(practice=world.practice, name="Westport", time_zone="America/New_York")
    prac.locations.add(westport)
    day = f.local_today(westport.time_zone) + dt.timedelta(days=3)
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/book/",
        {
            "practitioner_id": prac.uuid,
            "location_id": westport.uuid,
            "starts_at_local": f"{day.isoformat()}T09:00",
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    booked = Appointment.objects.get(client=client)
    assert booked.location == westport
    assert booked.starts_at == dt.datetime.combine(day, dt.time(9), tzinfo=ZoneInfo("America/New_York"))
    assert booked.ends_at - booked.starts_at == dt.timedelta(minutes=60)


def test_booking_from_the_plan_refuses_what_the_api_refuses_and_saves_nothing(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client, plan = planned_client(world)
    location, prac = world.records["location"], world.records["practitioner"]
    # The practitioner's appointment in two days at 10:00, a wall time every day has once.
    local = f.local_at(location.time_zone, days=2, hour=10)
    f.AppointmentFactory(
        client=world.other_client,
        practice=world.practice,
        practitioner=prac,
        location=location,
        starts_at=local,
        ends_at=local + dt.timedelta(hours=1),
    )
    before = Appointment.objects.count()
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/book/",
        {
            "practitioner_id": prac.uuid,
            "location_id": location.uuid,
            "starts_at_local": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 422
    assert "The practitioner has another appointment at this time." in response.content.decode()
    assert Appointment.objects.count() == before


def test_booking_a_referred_client_is_refused(world: PracticeWorld, as_practitioner: HttpClient) -> None:
    client, plan = planned_client(world)
    f.SafetyScreeningFactory(client=client, practice=world.practice, outcome="refer")
    before = Appointment.objects.count()
    day = client_today(client) + dt.timedelta(days=3)
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/{plan.uuid}/book/",
        {
            "practitioner_id": world.records["practitioner"].uuid,
            "location_id": world.records["location"].uuid,
            "starts_at_local": f"{day.isoformat()}T10:00",
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 422
    assert Appointment.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at_local", "not a time"),
        ("duration_minutes", "7"),
        ("location_id", "00000000-0000-0000-0000-000000000000"),
    ],
)
def test_bad_booking_input_names_the_field_and_saves_nothing(
    world: PracticeWorld, as_practitioner: HttpClient, field: str, value: str
) -> None:
    client, plan = planned_client(world)
    day = client_today(client) + dt.timedelta(days=3)
    data = {
        "practitioner_id": world.records["practitioner"].uuid,
        "location_id": world.records["location"].uuid,
        "starts_at_local": f"{day.isoformat()}T10:00",
        "duration_minutes": "60",
        field: value,
    }
    before = Appointment.objects.count()
    response = as_practitioner.post(f"/clients/{client.uuid}/plan/{plan.uuid}/book/", data)
    assert response.status_code == 422
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert Appointment.objects.count() == before


def test_a_plan_is_started_paused_resumed_and_ended_from_the_page(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client = f.ClientFactory(practice=world.practice)
    today = client_today(client)
    form = {
        "started_on": today.isoformat(),
        "kind": "intensive",
        "practitioner": world.records["practitioner"].uuid,
    }
    assert as_practitioner.post(f"/clients/{client.uuid}/plan/start/", form).status_code == 302
    plan = TreatmentPlan.objects.get(client=client)
    assert PlanPhase.objects.get(plan=plan).kind == "intensive"
    again = as_practitioner.post(f"/clients/{client.uuid}/plan/start/", form)
    assert again.status_code == 422 and "already has a plan" in again.content.decode()
    assert TreatmentPlan.objects.filter(client=client).count() == 1
    status = f"/clients/{client.uuid}/plan/{plan.uuid}/status/"
    as_practitioner.post(status, {"status": "paused"})
    assert TreatmentPlan.objects.get(pk=plan.pk).status == PlanStatus.PAUSED
    as_practitioner.post(status, {"status": "active"})
    as_practitioner.post(status, {"status": "ended"})
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == (PlanStatus.ENDED, today)
    assert PlanPhase.objects.get(plan=plan).ends_on == today


def test_starting_a_plan_with_bad_input_names_the_field_and_saves_nothing(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client = f.ClientFactory(practice=world.practice)
    response = as_practitioner.post(
        f"/clients/{client.uuid}/plan/start/",
        {"started_on": "2026-02-30", "kind": "intensive", "practitioner": world.records["practitioner"].uuid},
    )
    assert response.status_code == 422 and 'id="id_started_on_errors"' in response.content.decode()
    assert not TreatmentPlan.objects.filter(client=client).exists()


def test_the_front_desk_cannot_open_the_plan_page(world: PracticeWorld, as_front_desk: HttpClient) -> None:
    assert as_front_desk.get(url(world.client)).status_code == 403


def test_the_owner_edits_the_cadence_rules_and_the_change_is_logged(
    world: PracticeWorld, as_owner: HttpClient
) -> None:
    page = as_owner.get("/practice/cadence/")
    assert page.status_code == 200
    rules = CadenceRuleSet.objects.get(practice=world.practice)
    data = {name: getattr(rules, name) for name in ("window_days", "min_recorded_days", "relapse_percent")}
    data |= {
        "warning_days": 7,
        "streak_days": 28,
        "early_slot_days": 7,
        "move_on_percent": 60,
        "move_on": "on",
    }
    response = as_owner.post("/practice/cadence/", data)
    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.move_on_percent == 60 and rules.relapse is False
    assert rules.history.first().history_user == world.owner
    page = as_owner.get("/practice/cadence/").content.decode()
    assert "60%" in page and "Headwise (defaults)" in page


def test_rules_that_do_not_fit_together_are_refused_naming_the_field(
    world: PracticeWorld, as_owner: HttpClient
) -> None:
    as_owner.get("/practice/cadence/")
    data = {
        "window_days": 14,
        "min_recorded_days": 20,
        "relapse_percent": 100,
        "warning_days": 7,
        "streak_days": 28,
        "early_slot_days": 7,
        "move_on_percent": 50,
    }
    response = as_owner.post("/practice/cadence/", data)
    assert response.status_code == 422 and 'id="id_min_recorded_days_errors"' in response.content.decode()
    assert CadenceRuleSet.objects.get(practice=world.practice).window_days == 28


def test_only_the_owner_edits_the_cadence_rules(world: PracticeWorld) -> None:
    assert login(world.practitioner_user).get("/practice/cadence/").status_code == 403


def test_the_plan_page_is_in_dutch(world: PracticeWorld) -> None:
    client, _plan = planned_client(world)
    user = world.practitioner_user
    user.language = "nl"
    user.save()
    html = login(user).get(url(client)).content.decode()
    assert "Behandelplan" in html


def test_the_plan_page_asks_for_a_screen_before_a_plan_restarts_after_a_gap(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    client = f.ClientFactory(practice=world.practice)
    f.SafetyScreeningFactory(
        client=client, practice=world.practice, screened_at=f.local_at(client.time_zone, days=-400, hour=11)
    )
    html = as_practitioner.get(url(client)).content.decode()
    assert "screen again before the plan restarts" in html
    assert f"/clients/{client.uuid}/screen/" in html
