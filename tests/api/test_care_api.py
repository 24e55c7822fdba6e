"""The care router: plans and phases, booking, session records and follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from headwise.care.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    PlanPhase,
    SessionRecord,
    TreatmentPlan,
)
from tests import clock
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db

# Built from the test's now, not the wall clock: this line runs at import, before any test travels.
SOON = (clock.NOW + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def booking(world: PracticeWorld) -> dict[str, Any]:
    """A valid booking body: the practitioner works at the location."""
    world.records["practitioner"].locations.add(world.records["location"])
    return {
        "client_id": str(world.client.uuid),
        "practitioner_id": str(world.records["practitioner"].uuid),
        "location_id": str(world.records["location"].uuid),
        "room_id": str(world.records["room"].uuid),
        "starts_at": SOON.isoformat(),
        "ends_at": (SOON + dt.timedelta(hours=1)).isoformat(),
    }


def _count() -> int:
    return Appointment.objects.count()


# --- plans and phases ---------------------------------------------------------------------


def test_it_starts_a_plan_with_the_clients_practitioner(as_owner, world: PracticeWorld) -> None:
    response = call(as_owner, "post", f"/api/clients/{world.client.uuid}/plans", {"started_on": "2026-02-02"})
    assert response.status_code == 201
    plan = TreatmentPlan.objects.get(uuid=response.json()["id"])
    assert (plan.client, plan.practitioner, plan.created_by) == (
        world.client,
        world.records["practitioner"],
        world.owner,
    )


def test_it_refuses_plans_to_front_desk_and_lets_the_client_read(as_front_desk, as_client, world) -> None:
    url = f"/api/clients/{world.client.uuid}/plans"
    assert as_front_desk.get(url).status_code == 403
    assert call(as_front_desk, "post", url, {"started_on": "2026-02-02"}).status_code == 403
    assert call(as_client, "post", url, {"started_on": "2026-02-02"}).status_code == 403
    assert [p["id"] for p in as_client.get(url).json()] == [str(world.records["plan"].uuid)]
    plan = world.records["plan"]
    assert as_client.get(f"/api/plans/{plan.uuid}").json()["phases"][0]["kind"] == "intensive"
    assert call(as_client, "patch", f"/api/plans/{plan.uuid}", {"goals": "x"}).status_code == 403
    assert TreatmentPlan.objects.filter(client=world.client).count() == 1


def test_it_hides_another_clients_plan_from_a_client(as_client, world: PracticeWorld) -> None:
    plan = f.TreatmentPlanFactory(client=world.other_client, practice=world.practice)
    assert as_client.get(f"/api/plans/{plan.uuid}").status_code == 404
    assert as_client.get(f"/api/clients/{world.other_client.uuid}/plans").status_code == 404


def test_it_names_a_plan_that_ends_before_it_starts(as_owner, world: PracticeWorld) -> None:
    body = {"started_on": "2026-02-02", "ended_on": "2026-01-01"}
    assert fields_of(call(as_owner, "post", f"/api/clients/{world.client.uuid}/plans", body)) == ["ended_on"]
    plan = world.records["plan"]
    assert fields_of(call(as_owner, "patch", f"/api/plans/{plan.uuid}", {"ended_on": "2025-01-01"})) == [
        "ended_on"
    ]
    assert TreatmentPlan.objects.filter(client=world.client).count() == 1
    plan.refresh_from_db()
    assert plan.ended_on is None


def test_it_changes_a_plan(as_practitioner, world: PracticeWorld) -> None:
    plan = world.records["plan"]
    response = call(
        as_practitioner, "patch", f"/api/plans/{plan.uuid}", {"status": "paused", "goals": "fewer days"}
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.status, plan.goals, plan.updated_by) == ("paused", "fewer days", world.practitioner_user)


@pytest.mark.parametrize(
    ("kind", "interval"), [("intensive", (7, 7)), ("stabilising", (14, 21)), ("maintenance", (28, 31))]
)
def test_it_defaults_the_interval_from_the_phase_kind(as_owner, world, kind, interval) -> None:
    plan = world.records["plan"]
    starts_on = (plan.started_on + dt.timedelta(days=56)).isoformat()
    response = call(
        as_owner, "post", f"/api/plans/{plan.uuid}/phases", {"kind": kind, "starts_on": starts_on}
    )
    assert response.status_code == 201
    phase = PlanPhase.objects.get(uuid=response.json()["id"])
    assert (phase.interval_days_min, phase.interval_days_max) == interval


def test_it_resets_the_interval_when_the_kind_changes(as_owner, world: PracticeWorld) -> None:
    phase = world.records["phase"]
    response = call(as_owner, "patch", f"/api/phases/{phase.uuid}", {"kind": "stabilising"})
    assert (response.json()["interval_days_min"], response.json()["interval_days_max"]) == (14, 21)
    response = call(as_owner, "patch", f"/api/phases/{phase.uuid}", {"interval_days_max": 18})
    phase.refresh_from_db()
    assert (phase.kind, phase.interval_days_min, phase.interval_days_max) == ("stabilising", 14, 18)


def test_it_names_bad_phase_fields(as_owner, as_front_desk, world: PracticeWorld) -> None:
    plan, phase = world.records["plan"], world.records["phase"]
    url = f"/api/plans/{plan.uuid}/phases"
    before_plan = (plan.started_on - dt.timedelta(days=1)).isoformat()
    later = (plan.started_on + dt.timedelta(days=56)).isoformat()
    assert fields_of(call(as_owner, "post", url, {"kind": "intensive", "starts_on": before_plan})) == [
        "starts_on"
    ]
    body = {"kind": "intensive", "starts_on": later, "interval_days_min": 9, "interval_days_max": 3}
    assert fields_of(call(as_owner, "post", url, body)) == ["interval_days_max"]
    assert fields_of(call(as_owner, "post", url, {"kind": "weekly", "starts_on": later})) == ["kind"]
    assert call(as_front_desk, "patch", f"/api/phases/{phase.uuid}", {"notes": "x"}).status_code == 403
    assert PlanPhase.objects.filter(plan=plan).count() == 1


# --- booking ------------------------------------------------------------------------------


def test_it_books_an_appointment_for_front_desk(as_front_desk, world, booking) -> None:
    response = call(as_front_desk, "post", "/api/appointments", booking)
    assert response.status_code == 201
    appointment = Appointment.objects.get(uuid=response.json()["id"])
    assert (appointment.client, appointment.room, appointment.created_by) == (
        world.client,
        world.records["room"],
        world.front_desk,
    )
    assert appointment.starts_at == SOON


def test_it_refuses_an_overlap_with_the_practitioners_appointment(as_front_desk, booking) -> None:
    assert call(as_front_desk, "post", "/api/appointments", booking).status_code == 201
    before = _count()
    later = {
        **booking,
        "room_id": None,
        "starts_at": (SOON + dt.timedelta(minutes=30)).isoformat(),
        "ends_at": (SOON + dt.timedelta(minutes=90)).isoformat(),
    }
    assert fields_of(call(as_front_desk, "post", "/api/appointments", later)) == ["starts_at"]
    assert _count() == before


def test_it_refuses_an_overlap_in_the_room(as_front_desk, world, booking) -> None:
    assert call(as_front_desk, "post", "/api/appointments", booking).status_code == 201
    colleague = world.records["owner_practitioner"]
    colleague.locations.add(world.records["location"])
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    other = {**booking, "client_id": str(world.other_client.uuid), "practitioner_id": str(colleague.uuid)}
    assert fields_of(call(as_front_desk, "post", "/api/appointments", other)) == ["room_id"]
    other["room_id"] = None
    assert call(as_front_desk, "post", "/api/appointments", other).status_code == 201


def test_it_books_back_to_back_and_over_a_cancelled_one(as_front_desk, world, booking) -> None:
    first = call(as_front_desk, "post", "/api/appointments", booking).json()
    after = {
        **booking,
        "starts_at": booking["ends_at"],
        "ends_at": (SOON + dt.timedelta(hours=2)).isoformat(),
    }
    assert call(as_front_desk, "post", "/api/appointments", after).status_code == 201
    call(as_front_desk, "patch", f"/api/appointments/{first['id']}", {"status": "cancelled"})
    assert call(as_front_desk, "post", "/api/appointments", booking).status_code == 201


def test_it_refuses_a_practitioner_who_does_not_work_there(as_front_desk, world, booking) -> None:
    elsewhere = f.LocationFactory(practice=world.practice)
    body = {**booking, "location_id": str(elsewhere.uuid), "room_id": None}
    assert fields_of(call(as_front_desk, "post", "/api/appointments", body)) == ["location_id"]
    assert _count() == 1


def test_it_refuses_a_room_of_another_location(as_front_desk, world, booking) -> None:
    room = f.RoomFactory(practice=world.practice, location=f.LocationFactory(practice=world.practice))
    assert fields_of(
        call(as_front_desk, "post", "/api/appointments", {**booking, "room_id": str(room.uuid)})
    ) == ["room_id"]
    assert _count() == 1


def test_it_refuses_an_end_before_the_start(as_front_desk, booking) -> None:
    body = {**booking, "ends_at": booking["starts_at"]}
    assert fields_of(call(as_front_desk, "post", "/api/appointments", body)) == ["ends_at"]
    assert _count() == 1


def test_it_refuses_naive_times(as_front_desk, booking) -> None:
    body = {**booking, "starts_at": "2026-12-01T09:00:00"}
    response = call(as_front_desk, "post", "/api/appointments", body)
    assert fields_of(response) == ["starts_at"]
    assert "timezone" in response.json()["errors"][0]["message"]
    assert _count() == 1


@pytest.mark.parametrize("field", ["client_id", "practitioner_id", "location_id", "room_id"])
def test_it_refuses_another_practices_ids_in_the_body(as_front_desk, outsider, booking, field) -> None:
    theirs = {
        "client_id": outsider.client,
        "practitioner_id": outsider.records["practitioner"],
        "location_id": outsider.records["location"],
        "room_id": outsider.records["room"],
    }[field]
    assert fields_of(
        call(as_front_desk, "post", "/api/appointments", {**booking, field: str(theirs.uuid)})
    ) == [field]
    assert _count() == 2  # one each in world and outsider


def test_it_blocks_booking_after_a_referral_until_a_clinician_clears(
    as_owner, as_front_desk, world, booking
) -> None:
    screening = f.SafetyScreeningFactory(client=world.client, practice=world.practice, outcome="refer")
    response = call(as_front_desk, "post", "/api/appointments", booking)
    assert fields_of(response) == ["client_id"]
    assert "refer" in response.json()["errors"][0]["message"]
    assert _count() == 1
    clearance = {"clinician": "Dr. Jansen, GP", "cleared_on": "2026-01-05", "document": "GP letter, 3 May"}
    call(as_owner, "post", f"/api/screenings/{screening.uuid}/clearance", clearance)
    assert call(as_front_desk, "post", "/api/appointments", booking).status_code == 201


def test_it_needs_a_caution_acknowledged_before_booking(
    as_practitioner, as_front_desk, world, booking
) -> None:
    reason = {"rule_id": "contraindication.clotting", "answer": "yes", "effect": "caution", "params": {}}
    screening = f.SafetyScreeningFactory(
        client=world.client, practice=world.practice, outcome="caution", reasons=[reason]
    )
    response = call(as_front_desk, "post", "/api/appointments", booking)
    assert fields_of(response) == ["client_id"]
    assert "acknowledge" in response.json()["errors"][0]["message"]
    url = f"/api/screenings/{screening.uuid}/acknowledge"
    assert call(as_practitioner, "post", url, {"rule_id": "contraindication.clotting"}).status_code == 200
    assert call(as_front_desk, "post", "/api/appointments", booking).status_code == 201


def test_it_books_an_intake_but_no_session_before_a_safety_screening(as_front_desk, world, booking) -> None:
    unscreened = {**booking, "client_id": str(world.other_client.uuid), "room_id": None}
    before = _count()
    refused = call(as_front_desk, "post", "/api/appointments", unscreened)
    assert fields_of(refused) == ["client_id"]
    assert "No safety screening on record" in refused.json()["errors"][0]["message"]
    assert _count() == before
    intake = call(as_front_desk, "post", "/api/appointments", {**unscreened, "kind": "intake"})
    assert intake.status_code == 201


def test_it_goes_by_the_latest_screening(as_front_desk, world, booking) -> None:
    earlier = timezone.now() - dt.timedelta(days=30)
    f.SafetyScreeningFactory(
        client=world.client, practice=world.practice, outcome="refer", screened_at=earlier
    )
    assert call(as_front_desk, "post", "/api/appointments", booking).status_code == 201


def test_it_refuses_booking_to_a_client(as_client, booking) -> None:
    assert call(as_client, "post", "/api/appointments", booking).status_code == 403
    assert _count() == 1


def test_it_lists_a_day_of_the_schedule(as_front_desk, world, booking) -> None:
    booked = call(as_front_desk, "post", "/api/appointments", booking).json()
    day = SOON.astimezone(ZoneInfo(world.practice.time_zone)).date().isoformat()
    found = as_front_desk.get(
        f"/api/appointments?date={day}&practitioner={booking['practitioner_id']}"
    ).json()["items"]
    assert [a["id"] for a in found] == [booked["id"]]
    elsewhere = f.LocationFactory(practice=world.practice)
    elsewhere_url = f"/api/appointments?date={day}&location={elsewhere.uuid}"
    assert as_front_desk.get(elsewhere_url).json() == {"items": [], "count": 0}
    assert fields_of(as_front_desk.get("/api/appointments?date=tomorrow")) == ["date"]


def test_it_shows_a_client_only_their_own_appointments(as_client, world) -> None:
    f.AppointmentFactory(client=world.other_client, practice=world.practice)
    listed = as_client.get("/api/appointments").json()["items"]
    assert {a["client_id"] for a in listed} == {str(world.client.uuid)}
    theirs = f.AppointmentFactory(client=world.other_client, practice=world.practice)
    assert as_client.get(f"/api/appointments/{theirs.uuid}").status_code == 404
    mine = world.records["appointment"]
    assert as_client.get(f"/api/appointments/{mine.uuid}").status_code == 200
    assert (
        call(as_client, "patch", f"/api/appointments/{mine.uuid}", {"status": "cancelled"}).status_code == 403
    )


def test_it_cancels_an_appointment_with_a_reason(as_front_desk, world) -> None:
    appointment = world.records["appointment"]
    body = {"status": "cancelled", "cancellation_reason": "migraine attack"}
    response = call(as_front_desk, "patch", f"/api/appointments/{appointment.uuid}", body)
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == ("cancelled", "migraine attack")
    assert appointment.cancelled_at is not None
    again = call(as_front_desk, "patch", f"/api/appointments/{appointment.uuid}", {"status": "booked"})
    assert fields_of(again) == ["status"]


def test_it_marks_attended_and_no_show_only_once_started(as_front_desk, world) -> None:
    future = world.records["appointment"]
    assert fields_of(
        call(as_front_desk, "patch", f"/api/appointments/{future.uuid}", {"status": "attended"})
    ) == ["status"]
    past = f.AppointmentFactory(
        client=world.client,
        practice=world.practice,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert (
        call(as_front_desk, "patch", f"/api/appointments/{past.uuid}", {"status": "no_show"}).status_code
        == 200
    )
    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.status, future.status) == (AppointmentStatus.NO_SHOW, AppointmentStatus.BOOKED)


def test_it_reschedules_with_the_same_checks(as_front_desk, world, booking) -> None:
    first = call(as_front_desk, "post", "/api/appointments", booking).json()
    later = SOON + dt.timedelta(hours=3)
    second = call(
        as_front_desk,
        "post",
        "/api/appointments",
        {**booking, "starts_at": later.isoformat(), "ends_at": (later + dt.timedelta(hours=1)).isoformat()},
    ).json()
    clash = {"starts_at": booking["starts_at"], "ends_at": booking["ends_at"]}
    assert fields_of(call(as_front_desk, "patch", f"/api/appointments/{second['id']}", clash)) == [
        "starts_at"
    ]
    assert Appointment.objects.get(uuid=second["id"]).starts_at == later
    moved = {
        "starts_at": (SOON + dt.timedelta(minutes=15)).isoformat(),
        "ends_at": (SOON + dt.timedelta(minutes=75)).isoformat(),
    }
    assert call(as_front_desk, "patch", f"/api/appointments/{first['id']}", moved).status_code == 200
    assert Appointment.objects.get(uuid=first["id"]).starts_at == SOON + dt.timedelta(minutes=15)


# --- session records and follow-ups -------------------------------------------------------


def test_it_records_a_session_and_schedules_the_follow_up(as_practitioner, world) -> None:
    appointment = f.AppointmentFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now(),
    )
    body = {
        "appointment_id": str(appointment.uuid),
        "regions": ["skull_base", "sacrum"],
        "side_effects": ["fatigue"],
    }
    response = call(as_practitioner, "post", f"/api/clients/{world.client.uuid}/sessions", body)
    assert response.status_code == 201
    record = SessionRecord.objects.get(uuid=response.json()["id"])
    assert (record.pressure_grams, record.started_at, record.style) == (
        5,
        appointment.starts_at,
        "biodynamic",
    )
    assert record.follow_up.due_at == appointment.starts_at + dt.timedelta(hours=24)
    assert response.json()["follow_up_id"] == str(record.follow_up.uuid)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("regions", {"regions": ["skull_base", "elbow"]}),
        ("side_effects", {"side_effects": ["dizzy"]}),
        ("pressure_grams", {"pressure_grams": 500}),
        ("started_at", {"started_at": "2026-01-05T10:00:00"}),
        ("started_at", {}),
        ("headache_at_end", {"headache_at_end": 11}),
    ],
)
def test_it_names_bad_session_input_and_saves_nothing(as_owner, world, field, body) -> None:
    sent = {"started_at": timezone.now().isoformat(), **body}
    if not body:
        sent = {}
    response = call(as_owner, "post", f"/api/clients/{world.client.uuid}/sessions", sent)
    assert fields_of(response) == [field]
    if field in ("regions", "side_effects"):
        assert body[field][-1] in response.json()["errors"][0]["message"]
    assert SessionRecord.objects.filter(client=world.client).count() == 1
    assert FollowUp.objects.filter(practice=world.practice).count() == 1


def test_it_refuses_a_second_record_for_an_appointment(as_owner, world) -> None:
    body = {"appointment_id": str(world.records["appointment"].uuid)}
    assert fields_of(call(as_owner, "post", f"/api/clients/{world.client.uuid}/sessions", body)) == [
        "appointment_id"
    ]
    other = f.AppointmentFactory(client=world.other_client, practice=world.practice)
    body = {"appointment_id": str(other.uuid)}
    assert fields_of(call(as_owner, "post", f"/api/clients/{world.client.uuid}/sessions", body)) == [
        "appointment_id"
    ]


def test_it_keeps_sessions_from_front_desk_and_the_client(as_front_desk, as_client, world) -> None:
    session = world.records["session"]
    url = f"/api/clients/{world.client.uuid}/sessions"
    for http in (as_front_desk, as_client):
        assert http.get(url).status_code == 403
        assert call(http, "post", url, {"started_at": timezone.now().isoformat()}).status_code == 403
    assert as_front_desk.get(f"/api/sessions/{session.uuid}").status_code == 403
    assert as_client.get(f"/api/sessions/{session.uuid}").status_code == 404
    assert as_front_desk.get("/api/follow-ups").status_code == 403
    assert SessionRecord.objects.filter(client=world.client).count() == 1


def test_it_changes_a_session_record_and_keeps_history(as_practitioner, world) -> None:
    # two hours ago: well before the record locks (24 h after the session ends)
    session = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=timezone.now() - dt.timedelta(hours=2),
    )
    response = call(
        as_practitioner, "patch", f"/api/sessions/{session.uuid}", {"regions": ["neck"], "notes": "calm"}
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.regions, session.notes) == (["neck"], "calm")
    assert session.history.count() == 2
    assert fields_of(
        call(as_practitioner, "patch", f"/api/sessions/{session.uuid}", {"regions": ["knee"]})
    ) == ["regions"]
    session.refresh_from_db()
    assert session.regions == ["neck"]


def test_it_lists_open_follow_ups_and_completes_one(as_practitioner, world) -> None:
    follow_up = world.records["follow_up"]
    listed = as_practitioner.get("/api/follow-ups?due=open").json()["items"]
    assert [x["id"] for x in listed] == [str(follow_up.uuid)]
    body = {"completed_at": timezone.now().isoformat(), "side_effects": ["fatigue"], "faded_within_24h": True}
    response = call(as_practitioner, "patch", f"/api/follow-ups/{follow_up.uuid}", body)
    assert response.status_code == 200
    follow_up.refresh_from_db()
    assert (follow_up.side_effects, follow_up.faded_within_24h) == (["fatigue"], True)
    assert as_practitioner.get("/api/follow-ups").json() == {"items": [], "count": 0}
    assert as_practitioner.get("/api/follow-ups?due=all").json()["count"] == 1


def test_it_names_bad_follow_up_input(as_practitioner, world) -> None:
    follow_up = world.records["follow_up"]
    url = f"/api/follow-ups/{follow_up.uuid}"
    assert fields_of(call(as_practitioner, "patch", url, {"side_effects": ["nausea"]})) == ["side_effects"]
    early = (follow_up.session.started_at - dt.timedelta(hours=1)).isoformat()
    assert fields_of(call(as_practitioner, "patch", url, {"completed_at": early})) == ["completed_at"]
    assert fields_of(as_practitioner.get("/api/follow-ups?due=soon")) == ["due"]
    follow_up.refresh_from_db()
    assert (follow_up.completed_at, follow_up.side_effects) == (None, [])
