"""The cohort's kept day states (headwise.outcomes.daystate): every diary write leaves a note,
whatever makes it; a state is used only while current; the page's numbers are those of a read
of every row, with states current, stale, missing or of another engine."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import numpy as np
import pytest
from django.db import connection, connections, transaction

from headwise.care.models import SessionRecord
from headwise.clients.models import Client
from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake
from headwise.outcomes import cohort, daystate
from headwise.outcomes.models import DiaryChange, DiaryDayState
from headwise.practice.models import Practice
from tests import clock as test_clock
from tests import factories as f
from tests.outcomes.test_cohort_read import add_edge_cases, demo_practice

pytestmark = pytest.mark.django_db


def rows_report(practice: Practice, monkeypatch: pytest.MonkeyPatch) -> cohort.CohortReport:
    """The report from every row (the kept states never used)."""
    with monkeypatch.context() as m:
        m.setattr(cohort, "ROWS_READ_SHARE", -1.0)
        report = cohort.cohort_report(practice, now=test_clock.NOW)
    assert report.classified_now == report.n_cohort
    return report


def cohort_clients(practice: Practice) -> list[Client]:
    pks = SessionRecord.objects.filter(practice=practice).values("client_id")
    return list(Client.objects.filter(pk__in=pks).order_by("pk"))


def notes(client: Client) -> int:
    return DiaryChange.objects.filter(client_id=client.pk).count()


def test_the_kept_states_give_the_report_of_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    practice = demo_practice(clients=12)
    add_edge_cases(practice)
    now = test_clock.NOW
    expected = rows_report(practice, monkeypatch)
    assert expected.n_enough > 3

    # Nothing kept yet: every row is read.
    assert cohort.cohort_report(practice, now=now).classified_now == expected.n_cohort
    assert daystate.refresh_day_states(practice, now=now) == expected.n_cohort
    assert not DiaryChange.objects.filter(practice_id=practice.pk).exists()
    kept = cohort.cohort_report(practice, now=now)
    assert kept.classified_now == 0
    assert repr(kept) == repr(expected)

    # Diaries change: those clients are classified from their rows, the rest from their states.
    c = cohort_clients(practice)
    first = SessionRecord.objects.filter(client=c[0]).order_by("started_at").first()
    assert first is not None
    f.AttackFactory(
        client=c[0],
        practice=practice,
        started_at=first.started_at + dt.timedelta(days=3),
        ended_at=first.started_at + dt.timedelta(days=3, hours=9),
        side="unilateral",
        quality="pulsating",
        nausea=True,
        peak_intensity=8,
    )
    DailyCheckIn.objects.filter(client=c[1], had_headache=True).order_by("date").first().delete()  # type: ignore[union-attr]
    Client.objects.filter(pk=c[2].pk).update(time_zone="Pacific/Auckland")
    attack = Attack.objects.filter(client=c[3], deleted_at__isnull=True).order_by("started_at").last()
    assert attack is not None
    f.AuraSymptomFactory(attack=attack, practice=practice)
    MedicationIntake.objects.filter(client=c[4]).update(deleted_at=now)
    changed = rows_report(practice, monkeypatch)
    assert repr(changed) != repr(expected)
    mixed = cohort.cohort_report(practice, now=now)
    assert mixed.classified_now == 5
    assert repr(mixed) == repr(changed)

    # Refreshed: current again, the same numbers.
    assert daystate.refresh_day_states(practice, now=now) == 5
    again = cohort.cohort_report(practice, now=now)
    assert again.classified_now == 0
    assert repr(again) == repr(changed)

    # A state of another engine is not used.
    DiaryDayState.objects.filter(client=c[5]).update(engine="another engine")
    other = cohort.cohort_report(practice, now=now)
    assert other.classified_now == 1
    assert repr(other) == repr(changed)


def test_a_state_without_its_note_would_show_a_stale_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the notes guard against: the same change with its note removed leaves the page
    showing the kept, stale state (so the test above can fail)."""
    practice = demo_practice(clients=8, days=150)
    daystate.refresh_day_states(practice, now=test_clock.NOW)
    c = cohort_clients(practice)
    first = SessionRecord.objects.filter(client=c[0]).order_by("started_at").first()
    assert first is not None
    DailyCheckIn.objects.filter(client=c[0], date__gte=first.started_at.date()).delete()
    stale_free = rows_report(practice, monkeypatch)
    DiaryChange.objects.filter(client_id=c[0].pk).delete()
    stale = cohort.cohort_report(practice, now=test_clock.NOW)
    assert stale.classified_now == 0
    assert repr(stale) != repr(stale_free)


WRITES: dict[str, Any] = {
    "check-in added": lambda w: f.DailyCheckInFactory(
        client=w.client, practice=w.practice, date=dt.date(2026, 5, 1), had_headache=True
    ),
    "check-in changed": lambda w: DailyCheckIn.objects.filter(pk=w.checkin.pk).update(had_headache=False),
    "check-in deleted": lambda w: w.checkin.delete(),
    "attack added": lambda w: f.AttackFactory(client=w.client, practice=w.practice),
    "attack changed": lambda w: Attack.objects.filter(pk=w.attack.pk).update(peak_intensity=2),
    "attack soft-deleted": lambda w: Attack.objects.filter(pk=w.attack.pk).update(deleted_at=test_clock.NOW),
    "attack deleted": lambda w: w.attack.delete(),
    "aura symptom added": lambda w: f.AuraSymptomFactory(attack=w.attack, practice=w.practice),
    "aura symptom changed": lambda w: AuraSymptom.objects.filter(pk=w.aura.pk).update(duration_minutes=30),
    "aura symptom deleted": lambda w: w.aura.delete(),
    "intake added": lambda w: f.MedicationIntakeFactory(client=w.client, practice=w.practice),
    "intake changed": lambda w: MedicationIntake.objects.filter(pk=w.intake.pk).update(drug_class="triptan"),
    "intake deleted": lambda w: w.intake.delete(),
    "check-ins bulk-created": lambda w: DailyCheckIn.objects.bulk_create(
        [
            DailyCheckIn(client=w.client, practice=w.practice, date=dt.date(2026, 4, d), had_headache=False)
            for d in range(1, 4)
        ]
    ),
    "time zone changed": lambda w: Client.objects.filter(pk=w.client.pk).update(time_zone="Asia/Tokyo"),
    "date of birth changed": lambda w: Client.objects.filter(pk=w.client.pk).update(
        date_of_birth=dt.date(1970, 1, 2)
    ),
    "diagnosis changed": lambda w: Client.objects.filter(pk=w.client.pk).update(migraine_diagnosed=None),
}


class Diary:
    def __init__(self, world: Any) -> None:
        self.practice, self.client = world.practice, world.client
        self.checkin = f.DailyCheckInFactory(
            client=self.client, practice=self.practice, date=dt.date(2026, 5, 20)
        )
        self.attack = f.AttackFactory(client=self.client, practice=self.practice)
        self.aura = f.AuraSymptomFactory(attack=self.attack, practice=self.practice)
        self.intake = f.MedicationIntakeFactory(client=self.client, practice=self.practice)


@pytest.mark.parametrize("write", list(WRITES))
def test_every_diary_write_leaves_a_note_in_its_transaction(world: Any, write: str) -> None:
    diary = Diary(world)
    DiaryChange.objects.all().delete()
    other = f.ClientFactory(practice=world.practice)
    with transaction.atomic():
        sid = transaction.savepoint()
        WRITES[write](diary)
        assert notes(diary.client) >= 1
        assert notes(other) == 0
        assert set(DiaryChange.objects.values_list("practice_id", flat=True)) == {world.practice.pk}
        transaction.savepoint_rollback(sid)
    assert notes(diary.client) == 0  # the note went with the write


def test_a_change_that_does_not_touch_the_diary_leaves_no_note(world: Any) -> None:
    DiaryChange.objects.all().delete()
    Client.objects.filter(pk=world.client.pk).update(given_name="Renamed", phone="0612345678")
    assert notes(world.client) == 0


def test_a_refresh_drops_the_state_of_a_client_who_left_the_cohort_and_orphan_notes() -> None:
    practice = demo_practice(clients=5, days=120)
    daystate.refresh_day_states(practice, now=test_clock.NOW)
    c = cohort_clients(practice)
    assert DiaryDayState.objects.filter(client=c[0]).exists()
    SessionRecord.objects.filter(client=c[0]).delete()
    DailyCheckIn.objects.filter(client=c[0]).first().delete()  # type: ignore[union-attr]
    DiaryChange.objects.create(practice_id=practice.pk, client_id=10**12)  # a client since deleted
    daystate.refresh_day_states(practice, now=test_clock.NOW)
    assert not DiaryDayState.objects.filter(client=c[0]).exists()
    assert not DiaryChange.objects.filter(practice_id=practice.pk).exists()


def test_erasure_leaves_neither_state_nor_note(world: Any) -> None:
    from headwise.privacy.erasure import erase

    f.SessionRecordFactory(
        client=world.client, practice=world.practice, practitioner=world.records["practitioner"]
    )
    Diary(world)
    daystate.refresh_day_states(world.practice, now=test_clock.NOW)
    assert DiaryDayState.objects.filter(client=world.client).exists()
    erase(world.client)
    assert not DiaryDayState.objects.filter(client_id=world.client.pk).exists()
    assert not DiaryChange.objects.filter(client_id=world.client.pk).exists()


def test_the_bits_are_counted_per_period_as_a_loop_would() -> None:
    rng = np.random.default_rng(3)
    n = 40
    first = rng.integers(19_000, 19_100, n)
    length = rng.integers(0, 200, n)
    length[[3, 7, 8]] = 0  # clients without data, some next to each other
    origin = first - rng.integers(0, 60, n)
    bits = [rng.random(k) < 0.3 for k in length]
    packed = [np.packbits(b).tobytes() for b in bits]
    last_day = first + length - 1
    per = (np.maximum(last_day, first) - origin) // 28 + 1
    base = np.concatenate(([0], np.cumsum(per)[:-1]))
    total = int(per.sum())
    expected = np.zeros(total, dtype=np.int64)
    for k in range(n):  # the reference: one day at a time
        for i, on in enumerate(bits[k]):
            if on:
                expected[base[k] + (first[k] + i - origin[k]) // 28] += 1
    got = cohort._count_bits(packed, first, origin, base, total)
    np.testing.assert_array_equal(got, expected)
    assert expected.sum() > 500


@pytest.mark.django_db(transaction=True)
def test_a_write_during_a_refresh_keeps_its_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL, READ COMMITTED: a diary write that commits after the refresh read the notes
    and before it read the rows is in the rows, and its note stays (so it is applied again);
    the page then shows what the rows show."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: nothing can commit in between")
    practice = demo_practice(clients=4, days=90)
    daystate.refresh_day_states(practice, now=test_clock.NOW)
    client = cohort_clients(practice)[0]
    DailyCheckIn.objects.filter(client=client).first().delete()  # type: ignore[union-attr]
    real = daystate.compute_day_states

    def write_elsewhere() -> None:
        try:
            f.AttackFactory(client=client, practice=practice, peak_intensity=9)
        finally:
            connections.close_all()

    written: list[bool] = []

    def compute(*args: Any, **kwargs: Any) -> daystate.DayStates:
        if not written:  # once: the refresh's next batch applies the new note
            written.append(True)
            t = threading.Thread(target=write_elsewhere)
            t.start()
            t.join()
            states = real(*args, **kwargs)
            seen.append(states)
            return states
        raise AssertionError("stopped after the first batch")

    seen: list[daystate.DayStates] = []

    monkeypatch.setattr(daystate, "compute_day_states", compute)
    with pytest.raises(AssertionError, match="stopped after the first batch"):
        daystate.refresh_day_states(practice, now=test_clock.NOW)
    monkeypatch.setattr(daystate, "compute_day_states", real)
    assert seen and client.pk in seen[0].client_pk.tolist()
    assert notes(client) >= 1  # the attack's note, written after the notes were read
    report = cohort.cohort_report(practice, now=test_clock.NOW)
    assert report.classified_now == 1
    assert repr(report) == repr(rows_report(practice, monkeypatch))
