"""The session pages: the body map form, the techniques list, the lock and its addenda, what
the front desk sees, and the client's 24-hour follow-up (card, e-mail, the 48-hour flag)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from headwise.care import followups, selectors, services
from headwise.care.models import Addendum, FollowUp, SessionRecord, Technique
from headwise.clients.models import ConsentKind
from tests import factories as f
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db


def _session(world: PracticeWorld, *, hours_ago: float, **fields: Any) -> SessionRecord:
    """A session of the world's client that began ``hours_ago`` (60 minutes long), with its
    follow-up, as the service makes them."""
    record = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **fields,
    )
    f.FollowUpFactory(session=record, practice=world.practice)
    return record


@pytest.fixture
def quiet(world: PracticeWorld) -> PracticeWorld:
    """The world without its own session (yesterday at 14:00), whose follow-up would be due,
    mailed and shown next to the ones a test makes, depending on the test's instant."""
    world.records["session"].delete()
    return world


def _local(world: PracticeWorld, when: dt.datetime) -> str:
    zone = zoneinfo.ZoneInfo(world.practice.time_zone)
    return when.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _form(world: PracticeWorld, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "practitioner_id": str(world.records["practitioner"].uuid),
        "location_id": str(world.records["location"].uuid),
        "room_id": str(world.records["room"].uuid),
        "started_at_local": _local(world, timezone.now() - dt.timedelta(hours=1)),
        "duration_minutes": "60",
        "style": "biodynamic",
        "regions": ["skull_base", "sacrum", "abdomen"],
        "techniques": ["CV4 / still point", "Dural tube"],
        "pressure_grams": "5",
        "headache_at_start": "6",
        "headache_at_end": "3",
        "noticed": ["deep_calm", "emotional_release"],
        "sensations": "Warm behind the eyes",
        "side_effects": ["fatigue"],
        "notes": "Quiet session.",
        "next_time": "Start at the sacrum.",
    }
    body.update(over)
    return body


# --- the body map form ----------------------------------------------------------------------


def test_it_records_a_session_from_the_body_map_form(as_practitioner, world) -> None:
    before = SessionRecord.objects.count()
    url = f"/clients/{world.client.uuid}/sessions/new/"
    page = as_practitioner.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    # every region is a labelled checkbox; the figures only mirror them
    assert text.count('name="regions"') == 15
    assert 'data-region="skull_base"' in text and 'aria-hidden="true"' in text
    response = as_practitioner.post(url, _form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SessionRecord.objects.count() == before + 1
    record = SessionRecord.objects.order_by("-pk").first()
    assert record is not None
    assert record.regions == ["skull_base", "sacrum", "abdomen"]
    assert record.techniques == ["CV4 / still point", "Dural tube"]
    assert record.noticed == ["deep_calm", "emotional_release"]
    assert record.emotional_release is True
    assert (record.headache_at_start, record.headache_at_end, record.pressure_grams) == (6, 3, 5)
    assert (record.location, record.room) == (world.records["location"], world.records["room"])
    assert record.next_time == "Start at the sacrum."
    assert record.follow_up.due_at == record.started_at + dt.timedelta(hours=24)
    assert response["Location"] == f"/sessions/{record.uuid}/"


def test_it_records_a_session_from_an_appointment(as_practitioner, world) -> None:
    appointment = f.AppointmentFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        location=world.records["location"],
        room=world.records["room"],
        starts_at=timezone.now() - dt.timedelta(minutes=70),
        ends_at=timezone.now() - dt.timedelta(minutes=10),
    )
    url = f"/clients/{world.client.uuid}/sessions/new/?appointment={appointment.uuid}"
    page = as_practitioner.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["duration_minutes"] == 60
    body = _form(
        world, started_at_local=_local(world, appointment.starts_at), appointment_id=appointment.uuid
    )
    response = as_practitioner.post(url, body)
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.record.started_at == appointment.starts_at
    assert appointment.status == "attended"


@pytest.mark.parametrize(
    ("field", "over"),
    [
        ("regions", {"regions": ["skull_base", "elbow"]}),
        ("techniques", {"techniques": ["Bone cracking"]}),
        ("noticed", {"noticed": ["levitation"]}),
        ("pressure_grams", {"pressure_grams": "500"}),
        ("headache_at_end", {"headache_at_end": "11"}),
        ("duration_minutes", {"duration_minutes": "0"}),
        ("started_at_local", {"started_at_local": "not a time"}),
        ("started_at_local", {"started_at_local": ""}),
        ("room_id", {"room_id": "7d5e0c1e-1d7f-4f3e-9a55-1f1f1f1f1f1f"}),
    ],
)
def test_it_names_bad_session_input_and_saves_nothing(as_practitioner, world, field, over) -> None:
    before = (SessionRecord.objects.count(), FollowUp.objects.count())
    response = as_practitioner.post(f"/clients/{world.client.uuid}/sessions/new/", _form(world, **over))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert (SessionRecord.objects.count(), FollowUp.objects.count()) == before


def test_it_refuses_a_session_that_has_not_begun(as_practitioner, world) -> None:
    later = _local(world, timezone.now() + dt.timedelta(hours=2))
    response = as_practitioner.post(
        f"/clients/{world.client.uuid}/sessions/new/", _form(world, started_at_local=later)
    )
    assert response.status_code == 422
    assert "started_at_local" in response.context["form"].errors
    assert SessionRecord.objects.filter(client=world.client).count() == 1


def test_it_refuses_an_unknown_region_in_the_service_naming_the_field(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.session_record_create(
            client=world.client,
            by=world.practitioner_user,
            started_at=timezone.now(),
            regions=["crown", "elbow"],
        )
    assert list(caught.value.message_dict) == ["regions"]
    assert "elbow" in caught.value.message_dict["regions"][0]
    assert SessionRecord.objects.filter(client=world.client).count() == 1


def test_it_keeps_the_old_region_codes_valid(world) -> None:
    old = ["skull_base", "sides_of_head", "forehead", "jaw", "neck", "spine", "sacrum", "lower_back"]
    record = services.session_record_create(
        client=world.client,
        by=world.practitioner_user,
        started_at=timezone.now(),
        regions=[*old, "hips", "legs", "feet"],
    )
    assert record.regions[:8] == old


# --- the practice's techniques ----------------------------------------------------------------


def test_it_seeds_the_techniques_on_first_use_and_lets_the_practice_edit_them(as_practitioner, world) -> None:
    page = as_practitioner.get("/practice/techniques/")
    assert page.status_code == 200
    names = list(Technique.objects.for_practice(world.practice).values_list("name", flat=True))
    assert "CV4 / still point" in names and "V-spread" in names and "Sphenobasilar" in names
    assert len(names) == 9  # the common ones, seeded once
    response = as_practitioner.post("/practice/techniques/", {"name": "  Occipital  release "})
    assert response.status_code == 302
    added = Technique.objects.get(practice=world.practice, name="Occipital release")
    as_practitioner.post(
        f"/practice/techniques/{added.uuid}/", {"action": "rename", "name": "Occipital cradle"}
    )
    added.refresh_from_db()
    assert added.name == "Occipital cradle"
    as_practitioner.post(f"/practice/techniques/{added.uuid}/", {"action": "retire"})
    added.refresh_from_db()
    assert added.is_active is False
    form = as_practitioner.get(f"/clients/{world.client.uuid}/sessions/new/").context["form"]
    assert "Occipital cradle" not in dict(form.fields["techniques"].choices)


def test_it_refuses_a_duplicate_or_empty_technique_and_saves_nothing(as_owner, world) -> None:
    as_owner.get("/practice/techniques/")
    before = Technique.objects.count()
    response = as_owner.post("/practice/techniques/", {"name": "cv4 / STILL point"})
    assert response.status_code == 422
    assert "name" in response.context["form"].errors
    response = as_owner.post("/practice/techniques/", {"name": ""})
    assert response.status_code == 422
    assert Technique.objects.count() == before


def test_a_retired_technique_stays_readable_in_old_records(as_practitioner, world) -> None:
    services.techniques_of(practice=world.practice)
    record = _session(world, hours_ago=2, techniques=["Temporal"])
    temporal = Technique.objects.get(practice=world.practice, name="Temporal")
    services.technique_update(technique=temporal, is_active=False)
    assert "Temporal" in as_practitioner.get(f"/sessions/{record.uuid}/").content.decode()
    # an edit keeps it (shown as retired), a new record cannot choose it
    form = as_practitioner.get(f"/sessions/{record.uuid}/edit/").context["form"]
    assert "Temporal" in dict(form.fields["techniques"].choices)
    with pytest.raises(ValidationError) as caught:
        services.session_record_create(
            client=world.client,
            by=world.practitioner_user,
            started_at=timezone.now(),
            techniques=["Temporal"],
        )
    assert list(caught.value.message_dict) == ["techniques"]
    services.session_record_update(record=record, by=world.practitioner_user, techniques=["Temporal"])


def test_the_front_desk_cannot_edit_techniques(as_front_desk, world) -> None:
    assert as_front_desk.get("/practice/techniques/").status_code == 403
    technique = world.records["technique"]
    assert technique.name == "CV4 / still point"
    response = as_front_desk.post(f"/practice/techniques/{technique.uuid}/", {"action": "retire"})
    assert response.status_code == 403
    technique.refresh_from_db()
    assert technique.is_active is True


# --- the lock and the addenda ---------------------------------------------------------------


def test_it_changes_a_record_before_it_locks(as_practitioner, world) -> None:
    record = _session(world, hours_ago=2, notes="first")
    body = _form(world, started_at_local=_local(world, record.started_at), notes="second")
    response = as_practitioner.post(f"/sessions/{record.uuid}/edit/", body)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.notes == "second"
    assert record.history.count() == 2


def test_a_locked_record_refuses_a_change_on_the_page(as_practitioner, world) -> None:
    record = _session(world, hours_ago=26, notes="as written")  # ended 25 h ago
    assert record.is_locked()
    page = as_practitioner.get(f"/sessions/{record.uuid}/")
    assert "Locked since" in page.content.decode()
    body = _form(world, started_at_local=_local(world, record.started_at), notes="rewritten")
    response = as_practitioner.post(f"/sessions/{record.uuid}/edit/", body)
    assert response.status_code == 422
    assert "notes" in response.context["form"].errors
    record.refresh_from_db()
    assert record.notes == "as written"
    assert record.history.count() == 1


def test_a_locked_record_refuses_a_change_in_the_service_and_the_model(world) -> None:
    record = _session(world, hours_ago=26, notes="as written")
    with pytest.raises(ValidationError) as caught:
        services.session_record_update(record=record, by=world.practitioner_user, notes="rewritten")
    assert list(caught.value.message_dict) == ["notes"]
    record.refresh_from_db()
    record.notes = "rewritten"
    with pytest.raises(ValidationError):
        record.save()
    assert SessionRecord.objects.get(pk=record.pk).notes == "as written"


def test_a_change_cannot_move_a_record_past_its_lock(world) -> None:
    record = _session(world, hours_ago=2)
    start = record.started_at
    with pytest.raises(ValidationError) as caught:
        services.session_record_update(
            record=record, by=world.practitioner_user, started_at=timezone.now() - dt.timedelta(days=3)
        )
    assert list(caught.value.message_dict) == ["started_at"]
    assert SessionRecord.objects.get(pk=record.pk).started_at == start


def test_the_record_locks_exactly_24_hours_after_the_session_ends(world, clock) -> None:
    record = _session(world, hours_ago=0.5)  # 60 minutes long: ends in 30 minutes
    end = record.started_at + dt.timedelta(minutes=60)
    clock.move_to(end + dt.timedelta(hours=24) - dt.timedelta(seconds=1))
    assert not record.is_locked()
    services.session_record_update(record=record, by=world.practitioner_user, notes="just in time")
    clock.move_to(end + dt.timedelta(hours=24))
    assert record.is_locked()
    with pytest.raises(ValidationError):
        services.session_record_update(record=record, by=world.practitioner_user, notes="too late")
    assert SessionRecord.objects.get(pk=record.pk).notes == "just in time"


def test_addenda_keep_the_original_and_come_in_order(as_practitioner, world, clock) -> None:
    record = _session(world, hours_ago=30, notes="as written")
    url = f"/sessions/{record.uuid}/addenda/"
    assert as_practitioner.post(url, {"text": "The client phoned: slept well."}).status_code == 302
    clock.shift(dt.timedelta(minutes=5))
    assert as_practitioner.post(url, {"text": "Second thought."}).status_code == 302
    texts = list(Addendum.objects.filter(session=record).values_list("text", flat=True))
    assert texts == ["The client phoned: slept well.", "Second thought."]
    page = as_practitioner.get(f"/sessions/{record.uuid}/").content.decode()
    assert page.index("The client phoned") < page.index("Second thought.")
    assert "as written" in page
    record.refresh_from_db()
    assert record.notes == "as written"
    first = Addendum.objects.filter(session=record).first()
    assert first is not None
    first.text = "changed"
    with pytest.raises(ValidationError):
        first.save()


def test_an_empty_addendum_is_refused_naming_the_field(as_practitioner, world) -> None:
    record = _session(world, hours_ago=30)
    response = as_practitioner.post(f"/sessions/{record.uuid}/addenda/", {"text": "   "})
    assert response.status_code == 422
    assert "text" in response.context["addendum_form"].errors
    assert not Addendum.objects.filter(session=record).exists()


# --- what the front desk sees ----------------------------------------------------------------


def test_the_front_desk_sees_that_a_session_happened_and_nothing_of_it(as_front_desk, world) -> None:
    record = _session(
        world,
        hours_ago=3,
        notes="PRIVATE-NOTE",
        sensations="PRIVATE-WORDS",
        regions=["abdomen"],
        techniques=["Frontal lift"],
        noticed=["memories"],
        next_time="PRIVATE-PLAN",
    )
    page = as_front_desk.get(f"/clients/{world.client.uuid}/sessions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(world.records["practitioner"]) in text
    assert "60 min" in text
    for secret in ("PRIVATE", "Abdomen", "Frontal lift", "Memories", str(record.uuid)):
        assert secret not in text
    assert as_front_desk.get(f"/sessions/{record.uuid}/").status_code == 403
    assert as_front_desk.get(f"/sessions/{record.uuid}/edit/").status_code == 403
    response = as_front_desk.post(f"/sessions/{record.uuid}/addenda/", {"text": "desk"})
    assert response.status_code == 403
    assert not Addendum.objects.filter(session=record).exists()
    assert as_front_desk.get(f"/clients/{world.client.uuid}/sessions/new/").status_code == 403
    assert as_front_desk.get("/follow-ups/").status_code == 403


# --- the 24-hour follow-up: e-mail --------------------------------------------------------------


def test_the_follow_up_e_mail_is_due_a_day_after_and_sent_once(world, clock, quiet) -> None:
    record = _session(world, hours_ago=2)
    follow_up = record.follow_up
    assert str(follow_up.uuid) not in followups.follow_ups_to_mail()
    clock.move_to(follow_up.due_at)
    assert str(follow_up.uuid) in followups.follow_ups_to_mail()
    mail.outbox.clear()
    call_command("send-follow-ups")  # the immediate task backend runs the task at once
    sent = [m for m in mail.outbox if world.client.email in m.to or world.client_user.email in m.to]
    assert len(sent) == 1
    assert "/me/" in sent[0].body
    follow_up.refresh_from_db()
    assert follow_up.mailed_at == follow_up.due_at
    call_command("send-follow-ups")
    assert followups.follow_up_mail(follow_up_uuid=str(follow_up.uuid)) is False
    assert len([m for m in mail.outbox if m.subject == sent[0].subject]) == 1


def test_no_follow_up_e_mail_once_the_data_consent_is_withdrawn(world, clock, quiet) -> None:
    record = _session(world, hours_ago=2)
    f.ConsentFactory(
        client=world.client,
        practice=world.practice,
        text=f.ConsentTextFactory(practice=world.practice, kind=ConsentKind.DATA),
        granted=False,
    )
    clock.move_to(record.follow_up.due_at)
    mail.outbox.clear()
    assert str(record.follow_up.uuid) not in followups.follow_ups_to_mail()
    assert followups.follow_up_mail(follow_up_uuid=str(record.follow_up.uuid)) is False
    assert mail.outbox == []
    record.follow_up.refresh_from_db()
    assert record.follow_up.mailed_at is None


def test_an_old_follow_up_is_not_mailed_any_more(world, clock) -> None:
    record = _session(world, hours_ago=24 * 9)
    assert str(record.follow_up.uuid) not in followups.follow_ups_to_mail()


def test_the_e_mail_speaks_the_clients_language(world, clock, quiet) -> None:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    record = _session(world, hours_ago=2)
    clock.move_to(record.follow_up.due_at)
    mail.outbox.clear()
    assert followups.follow_up_mail(follow_up_uuid=str(record.follow_up.uuid)) is True
    assert "hoe voel je je" in mail.outbox[0].subject


# --- the 24-hour follow-up: the client's two taps ------------------------------------------------


def test_the_client_sees_the_card_when_it_is_due_and_answers_fine(as_client, world, clock, quiet) -> None:
    record = _session(world, hours_ago=2)
    assert "How do you feel since your session" not in as_client.get("/me/").content.decode()
    clock.move_to(record.follow_up.due_at + dt.timedelta(minutes=1))
    http = login(world.client_user)
    home = http.get("/me/").content.decode()
    assert "How do you feel since your session" in home
    response = http.post(f"/me/follow-ups/{record.follow_up.uuid}/", {"feeling": "fine"})
    assert response.status_code == 302
    record.follow_up.refresh_from_db()
    assert record.follow_up.completed_at is not None
    assert record.follow_up.side_effects == []
    assert "How do you feel since your session" not in http.get("/me/").content.decode()


def test_two_taps_then_the_48_hour_flag(world, clock, quiet) -> None:
    record = _session(world, hours_ago=2)
    follow_up = record.follow_up
    clock.move_to(follow_up.due_at + dt.timedelta(hours=1))
    http = login(world.client_user)
    http.post(f"/me/follow-ups/{follow_up.uuid}/", {"feeling": "discomfort"})
    follow_up.refresh_from_db()
    assert (follow_up.side_effects, follow_up.completed_at) == (["discomfort"], None)
    assert "Has it passed?" in http.get("/me/").content.decode()
    http.post(f"/me/follow-ups/{follow_up.uuid}/", {"passed": "no"})
    follow_up.refresh_from_db()
    assert follow_up.completed_at is not None and follow_up.faded_within_24h is False
    assert not follow_up.is_flagged()
    # 48 hours after the session, still not passed: flagged for the practitioner
    clock.move_to(record.started_at + dt.timedelta(hours=48))
    practitioner = login(world.practitioner_user)
    todo = selectors.follow_ups_to_do(practice=world.practice)
    assert follow_up in todo.flagged
    page = practitioner.get("/follow-ups/").content.decode()
    assert "not faded after 48" in page or "Side effects not faded" in page
    assert world.client.full_name in page
    assert "1 side effect not faded after 48 h" in practitioner.get("/staff/").content.decode()
    # the client says it has passed now: off the list
    http = login(world.client_user)
    assert "Has it passed now?" in http.get("/me/").content.decode()
    http.post(f"/me/follow-ups/{follow_up.uuid}/", {"passed": "yes"})
    follow_up.refresh_from_db()
    assert follow_up.passed_at is not None
    assert follow_up not in selectors.follow_ups_to_do(practice=world.practice).flagged


def test_a_side_effect_that_passed_in_time_is_not_flagged(world, clock) -> None:
    record = _session(world, hours_ago=2)
    clock.move_to(record.follow_up.due_at)
    services.follow_up_answer(follow_up=record.follow_up, by=world.client_user, feeling="fatigue")
    services.follow_up_answer(follow_up=record.follow_up, by=world.client_user, passed=True)
    clock.move_to(record.started_at + dt.timedelta(hours=72))
    record.follow_up.refresh_from_db()
    assert record.follow_up.faded_within_24h is True
    assert not record.follow_up.is_flagged()


def test_unanswered_follow_ups_are_listed_for_the_practitioner(as_practitioner, world, clock, quiet) -> None:
    record = _session(world, hours_ago=30)
    page = as_practitioner.get("/follow-ups/").content.decode()
    assert f"/sessions/{record.uuid}/" in page
    assert record.follow_up in selectors.follow_ups_to_do(practice=world.practice).unanswered


@pytest.mark.parametrize("body", [{"feeling": "dizzy"}, {"passed": "maybe"}, {}, {"passed": "yes"}])
def test_a_bad_answer_is_refused_and_nothing_saved(world, clock, body) -> None:
    record = _session(world, hours_ago=25)
    http = login(world.client_user)
    response = http.post(f"/me/follow-ups/{record.follow_up.uuid}/", body)
    assert response.status_code == 422
    record.follow_up.refresh_from_db()
    assert (record.follow_up.side_effects, record.follow_up.completed_at) == ([], None)


def test_a_client_cannot_answer_another_clients_follow_up(world) -> None:
    other = f.SessionRecordFactory(
        client=world.other_client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=timezone.now() - dt.timedelta(hours=25),
    )
    follow_up = f.FollowUpFactory(session=other, practice=world.practice)
    http = login(world.client_user)
    assert http.post(f"/me/follow-ups/{follow_up.uuid}/", {"feeling": "fine"}).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.completed_at is None


def test_the_answers_show_on_the_next_sessions_page(as_practitioner, world, clock, quiet) -> None:
    first = _session(world, hours_ago=24 * 6)
    services.follow_up_answer(follow_up=first.follow_up, by=world.client_user, feeling="headache")
    services.follow_up_answer(follow_up=first.follow_up, by=world.client_user, passed=False)
    page = as_practitioner.get(f"/clients/{world.client.uuid}/sessions/new/").content.decode()
    assert "After the last session" in page and "Headache" in page and "not faded after 48 h" in page
    second = _session(world, hours_ago=1)
    detail = as_practitioner.get(f"/sessions/{second.uuid}/").content.decode()
    assert "After the last session" in detail and "Headache" in detail


def test_the_session_pages_speak_dutch(world) -> None:
    world.practitioner_user.language = "nl"
    world.practitioner_user.save(update_fields=["language"])
    http = login(world.practitioner_user)
    with translation.override("nl"):
        page = http.get(f"/clients/{world.client.uuid}/sessions/new/").content.decode()
    assert "Sessie vastleggen" in page
    assert "Schedelbasis" in page and "Buik en middenrif" in page


def test_a_practitioner_noting_it_faded_within_a_day_clears_the_flag(world, clock) -> None:
    record = _session(world, hours_ago=60)
    services.follow_up_update(
        follow_up=record.follow_up,
        by=world.practitioner_user,
        side_effects=["fatigue"],
        faded_within_24h=True,
        completed_at=record.follow_up.due_at,
    )
    record.follow_up.refresh_from_db()
    assert record.follow_up.passed_at == record.follow_up.due_at
    assert not record.follow_up.is_flagged()
