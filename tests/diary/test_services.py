"""The diary's rules, through the services the pages and the API share."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from headwise.diary import selectors, services
from headwise.diary.localtime import to_utc
from headwise.diary.models import Attack
from tests import factories as f

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, zone: dt.tzinfo = AMS) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=zone)


@pytest.fixture
def client(db: Any) -> Any:
    return f.ClientFactory(time_zone="Europe/Amsterdam")


def wall(text: str) -> dt.datetime:
    """A wall-clock time, deliberately without a zone: what a person types."""
    return dt.datetime.fromisoformat(text)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_records_an_attack_started_now(client: Any) -> None:
    attack, created = services.attack_start(client=client, by=None)
    assert created
    assert attack.started_at == dt.datetime(2026, 5, 10, 12, tzinfo=UTC)
    assert attack.time_zone == "Europe/Amsterdam" and attack.ended_at is None
    assert attack.nausea is None and attack.side == ""


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_refuses_overlapping_attacks_and_changes_nothing(client: Any) -> None:
    first, _ = services.attack_start(
        client=client, by=None, started_at=at(2026, 5, 9, 8), ended_at=at(2026, 5, 9, 14)
    )
    with pytest.raises(ValidationError) as exc:
        services.attack_start(
            client=client, by=None, started_at=at(2026, 5, 9, 13), ended_at=at(2026, 5, 9, 18)
        )
    assert "started_at" in errors_of(exc)
    assert "overlaps" in errors_of(exc)["started_at"][0]
    with pytest.raises(ValidationError) as exc:
        services.attack_start(
            client=client, by=None, started_at=at(2026, 5, 9, 6), ended_at=at(2026, 5, 9, 9)
        )
    assert "ended_at" in errors_of(exc)
    assert Attack.objects.filter(client=client).count() == 1
    # Touching ends are not an overlap; another client's attack never is.
    services.attack_start(client=client, by=None, started_at=at(2026, 5, 9, 14), ended_at=at(2026, 5, 9, 16))
    other = f.ClientFactory(practice=client.practice)
    services.attack_start(client=other, by=None, started_at=at(2026, 5, 9, 9), ended_at=at(2026, 5, 9, 10))
    # A deleted attack no longer blocks its time; restoring it is refused while it would overlap.
    services.attack_delete(attack=first, by=None)
    services.attack_start(client=client, by=None, started_at=at(2026, 5, 9, 9), ended_at=at(2026, 5, 9, 10))
    with pytest.raises(ValidationError):
        services.attack_restore(attack=first, by=None)
    first.refresh_from_db()
    assert first.deleted_at is not None


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_treats_an_open_attack_as_still_going(client: Any) -> None:
    services.attack_start(client=client, by=None, started_at=at(2026, 5, 10, 8))
    with pytest.raises(ValidationError) as exc:
        services.attack_start(client=client, by=None)
    assert "started_at" in errors_of(exc)
    assert Attack.objects.filter(client=client).count() == 1


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_refuses_an_end_before_the_start_and_the_future(client: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.attack_start(
            client=client, by=None, started_at=at(2026, 5, 9, 8), ended_at=at(2026, 5, 9, 7)
        )
    assert errors_of(exc)["ended_at"] == ["An attack ends after it starts."]
    with pytest.raises(ValidationError) as exc:
        services.attack_start(client=client, by=None, started_at=at(2026, 5, 11, 8))
    assert errors_of(exc)["started_at"] == ["This time is in the future."]
    with pytest.raises(ValidationError) as exc:
        services.attack_start(client=client, by=None, started_at=at(2026, 5, 9, 8), peak_intensity=11)
    assert "peak_intensity" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.attack_start(client=client, by=None, started_at=at(2026, 5, 9, 8), time_zone="Mars/Olympus")
    assert "time_zone" in errors_of(exc)
    assert not Attack.objects.filter(client=client).exists()


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_counts_an_attack_over_midnight_on_both_days(client: Any) -> None:
    services.attack_start(
        client=client, by=None, started_at=at(2026, 5, 8, 22), ended_at=at(2026, 5, 9, 3), peak_intensity=6
    )
    days = selectors.diary_days(client=client, end=dt.date(2026, 5, 9), days=3)
    assert [(d.date.day, d.had_headache) for d in days] == [(7, None), (8, True), (9, True)]
    view = selectors.month_view(client=client, month=dt.date(2026, 5, 1))
    by_day = {d.date.day: d for d in view.days}
    assert by_day[8].headache and by_day[9].headache and by_day[8].peak == 6 and by_day[9].peak == 6
    assert not by_day[7].recorded and by_day[7].state == "missing"
    assert [a.started_at for a in selectors.attacks_on(client=client, day=dt.date(2026, 5, 9))] == [
        at(2026, 5, 8, 22)
    ]


def test_it_refuses_a_time_in_the_spring_gap() -> None:
    with pytest.raises(ValidationError) as exc:
        to_utc(wall("2026-03-29T02:30"), zone=AMS, field="started_at")
    assert "did not exist" in exc.value.message_dict["started_at"][0]
    assert to_utc(wall("2026-03-29T01:59"), zone=AMS, field="x") == dt.datetime(
        2026, 3, 29, 0, 59, tzinfo=UTC
    )
    assert to_utc(wall("2026-03-29T03:00"), zone=AMS, field="x") == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_it_asks_which_autumn_time_was_meant() -> None:
    with pytest.raises(ValidationError) as exc:
        to_utc(wall("2026-10-25T02:30"), zone=AMS, field="ended_at")
    assert "happened twice" in exc.value.message_dict["ended_at"][0]
    first = to_utc(wall("2026-10-25T02:30"), zone=AMS, field="ended_at", fold=0)
    second = to_utc(wall("2026-10-25T02:30"), zone=AMS, field="ended_at", fold=1)
    assert first == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@time_machine.travel(dt.datetime(2026, 10, 26, 12, tzinfo=UTC), tick=False)
def test_it_measures_attacks_across_the_clock_changes_in_real_hours(client: Any) -> None:
    # 2026-10-25 has 25 hours in Amsterdam: 00:00 → 06:00 local is 7 real hours.
    autumn, _ = services.attack_start(
        client=client,
        by=None,
        started_at=to_utc(wall("2026-10-25T00:00"), zone=AMS, field="s"),
        ended_at=to_utc(wall("2026-10-25T06:00"), zone=AMS, field="e"),
    )
    assert autumn.ended_at - autumn.started_at == dt.timedelta(hours=7)
    # 2026-03-29 has 23 hours: 00:00 → 06:00 local is 5 real hours, and it is one diary day.
    spring, _ = services.attack_start(
        client=client,
        by=None,
        started_at=to_utc(wall("2026-03-29T00:00"), zone=AMS, field="s"),
        ended_at=to_utc(wall("2026-03-29T06:00"), zone=AMS, field="e"),
    )
    assert spring.ended_at - spring.started_at == dt.timedelta(hours=5)
    assert [
        d.had_headache for d in selectors.diary_days(client=client, end=dt.date(2026, 3, 30), days=3)
    ] == [None, True, None]
    assert [
        d.had_headache for d in selectors.diary_days(client=client, end=dt.date(2026, 10, 26), days=3)
    ] == [None, True, None]


@time_machine.travel(dt.datetime(2026, 7, 10, 12, tzinfo=UTC), tick=False)
def test_it_keeps_the_travel_zone_and_counts_the_day_at_home(client: Any) -> None:
    new_york = zoneinfo.ZoneInfo("America/New_York")
    # 22:00 in New York on 8 July is 04:00 on 9 July in Amsterdam, the client's diary zone.
    started = to_utc(wall("2026-07-08T22:00"), zone=new_york, field="started_at")
    attack, _ = services.attack_start(
        client=client,
        by=None,
        started_at=started,
        ended_at=started + dt.timedelta(hours=3),
        time_zone="America/New_York",
    )
    attack.refresh_from_db()
    assert attack.time_zone == "America/New_York"
    assert attack.started_at == dt.datetime(2026, 7, 9, 2, 0, tzinfo=UTC)
    days = selectors.diary_days(client=client, end=dt.date(2026, 7, 9), days=2)
    assert [(d.date.day, d.had_headache) for d in days] == [(8, None), (9, True)]


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_returns_the_first_attack_for_a_repeated_request_id(client: Any) -> None:
    rid = uuid.uuid4()
    first, created = services.attack_start(
        client=client, by=None, request_id=rid, started_at=at(2026, 5, 10, 9)
    )
    again, created_again = services.attack_start(
        client=client, by=None, request_id=rid, started_at=at(2026, 5, 10, 9)
    )
    assert created and not created_again and again.pk == first.pk
    assert Attack.objects.filter(client=client).count() == 1
    # The same id from another client is a different submission.
    other = f.ClientFactory(practice=client.practice)
    theirs, created_theirs = services.attack_start(client=other, by=None, request_id=rid)
    assert created_theirs and theirs.pk != first.pk


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_keeps_every_edit_and_undoes_one_as_a_new_change(client: Any) -> None:
    user = f.UserFactory()
    attack, _ = services.attack_start(client=client, by=user, started_at=at(2026, 5, 10, 9))
    services.attack_update(attack=attack, by=user, peak_intensity=5)
    services.attack_update(attack=attack, by=user, nausea=True, side="unilateral")
    services.attack_update(attack=attack, by=user, peak_intensity=8)
    entries = selectors.attack_history(attack=attack)
    assert [e.kind for e in entries] == ["Changed", "Changed", "Changed", "Recorded"]
    assert entries[0].changes[0].field == "peak_intensity" and (
        entries[0].changes[0].old,
        entries[0].changes[0].new,
    ) == ("5", "8")
    assert entries[0].who == (user.full_name or user.email)
    # Undo the nausea/side change only: the later intensity change stays.
    middle = entries[1]
    assert {c.field for c in middle.changes} == {"nausea", "side"}
    services.attack_undo(attack=attack, history_id=middle.history_id, by=user)
    attack.refresh_from_db()
    assert attack.nausea is None and attack.side == "" and attack.peak_intensity == 8
    assert attack.history.count() == 5
    assert "undo" in attack.history.first().history_change_reason
    # Undo the undo: back again.
    latest = selectors.attack_history(attack=attack)[0]
    services.attack_undo(attack=attack, history_id=latest.history_id, by=user)
    attack.refresh_from_db()
    assert attack.nausea is True and attack.side == "unilateral"


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_refuses_to_undo_another_attacks_change(client: Any) -> None:
    mine, _ = services.attack_start(client=client, by=None, started_at=at(2026, 5, 10, 9))
    theirs = f.AttackFactory()
    with pytest.raises(ValidationError) as exc:
        services.attack_undo(attack=mine, history_id=theirs.history.first().history_uuid, by=None)
    assert "history_id" in exc.value.message_dict


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_soft_deletes_and_restores(client: Any) -> None:
    attack, _ = services.attack_start(client=client, by=None, started_at=at(2026, 5, 10, 9))
    services.attack_delete(attack=attack, by=None)
    assert not selectors.attacks_of(client=client).exists()
    assert Attack.objects.filter(pk=attack.pk, deleted_at__isnull=False).exists()
    services.attack_restore(attack=attack, by=None)
    assert selectors.attacks_of(client=client).get().pk == attack.pk
    assert [e.kind for e in selectors.attack_history(attack=attack)][:2] == ["Restored", "Deleted"]


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_counts_missing_days_as_missing_never_as_free(client: Any) -> None:
    services.checkin_save(client=client, by=None, date=dt.date(2026, 5, 8), had_headache=False)
    days = selectors.diary_days(client=client, end=dt.date(2026, 5, 10), days=3)
    assert [(d.recorded, d.had_headache) for d in days] == [(True, False), (False, None), (False, None)]
    assert [d.date for d in selectors.missing_days(client=client, days=3)] == [
        dt.date(2026, 5, 9),
        dt.date(2026, 5, 10),
    ]
    view = selectors.month_view(client=client, month=dt.date(2026, 5, 1))
    assert view.summary.days == 10 and view.summary.recorded == 1 and view.summary.missing == 9
    assert view.summary.headache_days == 0 and view.summary.completeness == 10


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_backfills_only_days_without_an_entry(client: Any) -> None:
    services.checkin_save(client=client, by=None, date=dt.date(2026, 5, 8), had_headache=False, stress=3)
    saved = services.checkins_backfill(
        client=client, by=None, answers={dt.date(2026, 5, 7): True, dt.date(2026, 5, 8): True}
    )
    assert [c.date for c in saved] == [dt.date(2026, 5, 7)]
    assert client.checkins.get(date=dt.date(2026, 5, 8)).had_headache is False


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_refuses_a_checkin_for_a_day_to_come_and_names_the_field(client: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.checkin_save(client=client, by=None, date=dt.date(2026, 5, 11), had_headache=False)
    assert "date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.checkin_save(
            client=client, by=None, date=dt.date(2026, 5, 9), had_headache=False, sleep_quality=9
        )
    assert "sleep_quality" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.checkin_save(client=client, by=None, date=dt.date(2026, 5, 9), had_headache=None)
    assert "had_headache" in exc.value.message_dict
    assert not client.checkins.exists()


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_prefills_habits_from_the_previous_checkin(client: Any) -> None:
    services.checkin_save(
        client=client,
        by=None,
        date=dt.date(2026, 5, 8),
        had_headache=True,
        stress=7,
        sleep_hours=7.5,
        caffeine_drinks=2,
    )
    prefill = selectors.checkin_prefill(client=client, day=dt.date(2026, 5, 10))
    assert prefill["caffeine_drinks"] == 2 and float(prefill["sleep_hours"]) == 7.5  # type: ignore[arg-type]
    assert "had_headache" not in prefill and "stress" not in prefill


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_uses_the_clinical_engine_for_migraine_days(client: Any) -> None:
    # 6 h, one-sided, pulsating, severe, with nausea: ICHD-3 1.1 C and D → a migraine day.
    services.attack_start(
        client=client,
        by=None,
        started_at=at(2026, 5, 4, 8),
        ended_at=at(2026, 5, 4, 14),
        peak_intensity=8,
        side="unilateral",
        quality="pulsating",
        nausea=True,
    )
    # 2 h, both sides, pressing, mild, no nausea, not both photo- and phonophobia → headache only.
    services.attack_start(
        client=client,
        by=None,
        started_at=at(2026, 5, 6, 8),
        ended_at=at(2026, 5, 6, 10),
        peak_intensity=2,
        side="bilateral",
        quality="pressing",
        nausea=False,
        vomiting=False,
        photophobia=False,
        phonophobia=False,
        aggravated_by_activity=False,
    )
    view = selectors.month_view(client=client, month=dt.date(2026, 5, 1))
    by_day = {d.date.day: d for d in view.days}
    assert by_day[4].migraine and by_day[4].state == "migraine"
    assert by_day[6].headache and not by_day[6].migraine and by_day[6].state == "headache"
    assert view.summary.headache_days == 2 and view.summary.migraine_days == 1


@time_machine.travel(dt.datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False)
def test_it_takes_the_2_hour_pain_answer_only_2_hours_after_the_dose(client: Any) -> None:
    dose = {"name": "sumatriptan", "drug_class": "triptan", "pain_before": "moderate"}
    now = dt.datetime(2026, 5, 10, 12, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        services.intake_record(client=client, by=None, taken_at=now, pain_at_2h="mild", **dose)
    assert list(errors_of(refused)) == ["pain_at_2h"]
    assert "10 May, 16:00" in errors_of(refused)["pain_at_2h"][0]  # 14:00 UTC, in the client's zone
    almost = now - dt.timedelta(hours=1, minutes=57)
    with pytest.raises(ValidationError):
        services.intake_record(client=client, by=None, taken_at=almost, pain_at_2h="mild", **dose)
    early, _ = services.intake_record(client=client, by=None, taken_at=now - dt.timedelta(minutes=30), **dose)
    with pytest.raises(ValidationError) as later:
        services.intake_update(intake=early, by=None, pain_at_2h="none")
    assert list(errors_of(later)) == ["pain_at_2h"]
    on_time, _ = services.intake_record(
        client=client, by=None, taken_at=now - dt.timedelta(hours=2), pain_at_2h="mild", **dose
    )
    assert on_time.pain_at_2h == "mild"
