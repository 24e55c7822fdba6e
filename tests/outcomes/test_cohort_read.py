"""The practice cohort read from whole columns: the same days as the per-client engine, and a
number of queries that does not grow with the practice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import numpy as np
import pytest

from headwise import clinical
from headwise.care.models import SessionRecord
from headwise.clients.models import Client
from headwise.demo import generator as g
from headwise.demo import loader
from headwise.diary.clinical_adapter import diary_from_rows
from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake
from headwise.outcomes import cohort, daystate
from headwise.practice.models import Practice
from tests import clock as test_clock
from tests import factories as f

pytestmark = pytest.mark.django_db


def demo_practice(clients: int, days: int = 200, seed: int = 5) -> Practice:
    config = loader.demo_config(clients=clients, days=days, seed=seed, true_effect=1.0, now=test_clock.NOW)
    return loader.load(g.generate(config)).practice


def per_client_periods(client: Client) -> dict[int, clinical.Period]:
    """The per-client path: the client's rows, ``diary_from_rows``, ``days``, ``periods``
    anchored on the first session's local day."""
    attacks = list(Attack.objects.filter(client=client, deleted_at__isnull=True))
    aura = list(AuraSymptom.objects.filter(attack__in=attacks))
    intakes = list(MedicationIntake.objects.filter(client=client, deleted_at__isnull=True))
    checkins = DailyCheckIn.objects.filter(client=client).values_list("date", "had_headache")
    diary = diary_from_rows(client, checkins=checkins, attacks=attacks, aura=aura, intakes=intakes)
    first = SessionRecord.objects.filter(client=client).order_by("started_at").first()
    assert first is not None
    anchor = clinical.local_date(first.started_at, zoneinfo.ZoneInfo(client.time_zone))
    return {p.index: p for p in clinical.periods(clinical.days(diary), anchor=anchor)}


def add_edge_cases(practice: Practice) -> None:
    """Records the generator does not make: other zones, an open attack, an attack ending at
    local midnight, 'no aura' with a symptom, an intake naming a deleted attack, unknowns."""
    clients = list(Client.objects.filter(practice=practice).order_by("pk"))
    kolkata, amsterdam = clients[0], clients[1]
    Client.objects.filter(pk=kolkata.pk).update(time_zone="Asia/Kolkata")
    Client.objects.filter(pk=amsterdam.pk).update(time_zone="Europe/Amsterdam", migraine_diagnosed=None)
    kolkata.refresh_from_db()
    amsterdam.refresh_from_db()
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    day = test_clock.NOW.astimezone(zone).date() - dt.timedelta(days=20)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    common = {"client": amsterdam, "practice": practice, "time_zone": "Europe/Amsterdam"}
    f.AttackFactory(
        **common, started_at=midnight - dt.timedelta(hours=3), ended_at=midnight, peak_intensity=6
    )
    f.AttackFactory(**common, started_at=midnight + dt.timedelta(days=2, hours=22), ended_at=None)
    no_aura = f.AttackFactory(
        **common,
        started_at=midnight + dt.timedelta(days=4, hours=8),
        ended_at=midnight + dt.timedelta(days=4, hours=14),
        had_aura=False,
        side="unilateral",
        quality="pulsating",
        nausea=True,
        peak_intensity=8,
    )
    f.AuraSymptomFactory(attack=no_aura, practice=practice)
    gone = f.AttackFactory(
        **common,
        started_at=midnight + dt.timedelta(days=6, hours=9),
        ended_at=midnight + dt.timedelta(days=6, hours=13),
    )
    around = f.AttackFactory(
        **common,
        started_at=midnight + dt.timedelta(days=6, hours=8),
        ended_at=midnight + dt.timedelta(days=6, hours=20),
        peak_intensity=None,
        side="",
        quality="",
    )
    f.MedicationIntakeFactory(
        client=amsterdam,
        practice=practice,
        attack=gone,
        taken_at=midnight + dt.timedelta(days=6, hours=10),
        name="sumatriptan",
        drug_class="triptan",
        pain_before="severe",
        pain_at_2h="mild",
    )
    Attack.objects.filter(pk=gone.pk).update(deleted_at=test_clock.NOW)
    f.MedicationIntakeFactory(
        client=amsterdam,
        practice=practice,
        attack=None,
        taken_at=midnight + dt.timedelta(days=9, hours=10),
        name="ibuprofen",
        drug_class="simple_analgesic",
        substance="nsaid",
    )
    assert around.pk


def test_it_counts_every_clients_days_as_the_per_client_engine_does() -> None:
    practice = demo_practice(clients=12)
    add_edge_cases(practice)
    counts = cohort.cohort_counts(practice)
    read = counts.read
    assert read.client_pk.size >= 8  # clients with a session
    compared = 0
    for k, pk in enumerate(read.client_pk.tolist()):
        expected = per_client_periods(Client.objects.get(pk=pk))
        mine = np.flatnonzero(counts.period_diary == k)
        relative = counts.period_index[mine] - read.baseline_period[k] - 1  # -1: the baseline
        got = dict(zip(relative.tolist(), mine.tolist(), strict=True))
        for index, period in expected.items():
            column = counts.counts[:, got[index]]
            assert int(column[clinical.ROWS.index("recorded")]) == period.recorded_days, (pk, index)
            for name, value in period.counts.items():
                assert int(column[clinical.ROWS.index(name)]) == value, (pk, index, name)
            compared += 1
        # Periods the per-client table does not reach hold no recorded day.
        beyond = [got[i] for i in got if i not in expected]
        assert not counts.counts[:, beyond].any()
    assert compared > 50


def test_its_baseline_is_the_28_days_before_the_first_session() -> None:
    practice = demo_practice(clients=4, days=150)
    counts = cohort.cohort_counts(practice)
    r = counts.read
    base = counts.period_index == r.baseline_period[counts.period_diary]
    starts = counts.period_start[base]
    np.testing.assert_array_equal(starts, r.first_session - 28)


@pytest.mark.parametrize("n_clients", [5, 50])
@pytest.mark.parametrize("kept", [True, False], ids=["states kept", "no state kept"])
def test_its_queries_do_not_grow_with_the_practice(
    n_clients: int, kept: bool, django_assert_max_num_queries: Any
) -> None:
    """With the day states kept: the clients, sessions, plans, phases, notes, states and the
    two names; without: those, then every row (cohort_counts)."""
    practice = demo_practice(clients=n_clients, days=120, seed=n_clients)
    if kept:
        daystate.refresh_day_states(practice)
    with django_assert_max_num_queries(8 if kept else 16):
        report = cohort.cohort_report(practice)
    assert report.n_cohort > 0
    assert report.classified_now == (0 if kept else report.n_cohort)


def test_it_reads_only_its_own_practice(world: Any, outsider: Any) -> None:
    f.SessionRecordFactory(
        client=outsider.client, practice=outsider.practice, practitioner=outsider.records["practitioner"]
    )
    read = cohort.cohort_columns(world.practice)
    assert read.client_pk.tolist() == [world.client.pk]


def test_the_check_in_bitmaps_give_the_same_cohort_as_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check-ins read as 32-day bitmaps (``read_day_flags``) give the same columns, counts
    and report as the check-in rows read one value each, the method before them."""
    from django.db.models import F

    from headwise.outcomes.columns import DayNumber, read_columns, tri

    practice = demo_practice(clients=12)
    add_edge_cases(practice)
    now = test_clock.NOW
    by_bitmaps = cohort.cohort_counts(practice, now=now)
    report = cohort.cohort_report(practice, now=now)

    def rows(queryset: Any, owner: str, date: str, flag: str) -> dict[str, Any]:
        out = read_columns(
            queryset.order_by(), {"owner": F(owner), "day": DayNumber(date), "flag": tri(flag)}
        )
        return {"owner": out["owner"], "day": out["day"], "flag": out["flag"]}

    monkeypatch.setattr(cohort, "read_day_flags", rows)
    by_rows = cohort.cohort_counts(practice, now=now)
    assert by_rows.read.columns.recorded_day.size == by_bitmaps.read.columns.recorded_day.size > 1000

    def recorded(counts: Any) -> list[tuple[int, int, int]]:
        c = counts.read.columns
        rows = zip(
            c.recorded_diary.tolist(), c.recorded_day.tolist(), c.recorded_headache.tolist(), strict=True
        )
        return sorted(rows)

    assert recorded(by_rows) == recorded(by_bitmaps)
    np.testing.assert_array_equal(by_rows.counts, by_bitmaps.counts)
    np.testing.assert_array_equal(by_rows.read.origin, by_bitmaps.read.origin)
    assert repr(cohort.cohort_report(practice, now=now)) == repr(report)


@pytest.mark.django_db(transaction=True)
def test_the_reads_at_once_give_what_the_reads_one_after_the_other_give() -> None:
    """Outside a transaction, on PostgreSQL, ``cohort_columns`` runs its three groups of reads
    at once on connections sharing one snapshot (``run_reads``); inside one (or on SQLite)
    one after the other. Both give the same report; the other threads' connections close."""
    import threading

    from django.db import connections, transaction

    from headwise.outcomes.columns import run_reads

    practice = demo_practice(clients=6, days=120)
    now = test_clock.NOW
    at_once = cohort.cohort_report(practice, now=now)
    with transaction.atomic():
        one_by_one = cohort.cohort_report(practice, now=now)
    assert at_once.n_cohort > 0
    assert repr(at_once) == repr(one_by_one)

    postgres = connections["default"].vendor == "postgresql"
    # On PostgreSQL the three reads pass the barrier only when all three run at the same moment;
    # without it a pool thread done with one read may take the next, and two share one ident.
    together = threading.Barrier(3 if postgres else 1, timeout=30)

    def where() -> tuple[int, bool]:
        together.wait()
        return threading.get_ident(), connections["default"].in_atomic_block

    threads = run_reads("default", [where, where, where])
    assert [atomic for _t, atomic in threads] == (
        [True, True, True] if connections["default"].vendor == "postgresql" else [False, False, False]
    )
    assert len({t for t, _a in threads}) == (3 if connections["default"].vendor == "postgresql" else 1)
