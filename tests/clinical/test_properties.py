"""Invariants that must hold for any diary (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwise.clinical import (
    ROWS,
    Attack,
    ClientInfo,
    Diary,
    DrugClass,
    MedicationIntake,
    Quality,
    Side,
    analyse,
    analysis_to_dict,
    days,
)
from headwise.clinical.days import ROW

BASE = datetime(2026, 3, 1, tzinfo=UTC)
tri = st.sampled_from([True, False, None])


@st.composite
def attacks(draw: st.DrawFn, ident: str) -> Attack:
    start = BASE + timedelta(minutes=draw(st.integers(0, 60 * 24 * 50)))
    return Attack(
        ident,
        start,
        draw(st.none() | st.just(start + timedelta(minutes=draw(st.integers(0, 60 * 80))))),
        peak_intensity=draw(st.none() | st.integers(0, 10)),
        side=draw(st.none() | st.sampled_from(Side)),
        quality=draw(st.none() | st.sampled_from(Quality)),
        aggravated_by_activity=draw(tri),
        nausea=draw(tri),
        vomiting=draw(tri),
        photophobia=draw(tri),
        phonophobia=draw(tri),
        aura=draw(st.sampled_from([None, ()])),
    )


@st.composite
def diaries(draw: st.DrawFn) -> Diary:
    n = draw(st.integers(0, 12))
    atts = tuple(draw(attacks(f"a{i}")) for i in range(n))
    m = draw(st.integers(0, 8))
    intakes = tuple(
        MedicationIntake(
            f"m{i}",
            "x",
            draw(st.sampled_from(DrugClass)),
            BASE + timedelta(minutes=draw(st.integers(0, 60 * 24 * 50))),
        )
        for i in range(m)
    )
    rec = frozenset(
        date(2026, 3, 1) + timedelta(days=k) for k in draw(st.sets(st.integers(0, 55), max_size=56))
    )
    zone = draw(st.sampled_from(["Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "UTC"]))
    headache = frozenset(
        date(2026, 3, 1) + timedelta(days=k) for k in draw(st.sets(st.integers(0, 55), max_size=10))
    )
    return Diary(ClientInfo(zone, date(1990, 5, 5), draw(tri)), rec, atts, intakes, headache)


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(diaries())
def test_it_makes_every_migraine_day_a_headache_day(d: Diary) -> None:
    t = days(d)
    assert not np.any(t.column("migraine") & ~t.column("headache"))


@FAST
@given(diaries())
def test_it_counts_nothing_on_a_missing_day(d: Diary) -> None:
    t = days(d)
    assert not np.any(t.flags & ~t.column("recorded"))


@FAST
@given(diaries())
def test_it_keeps_uncertain_and_definite_migraine_days_apart(d: Diary) -> None:
    t = days(d)
    assert not np.any(t.column("migraine") & t.column("migraine_uncertain"))


@FAST
@given(diaries(), st.integers(-30, 90))
def test_it_never_raises_a_rate_by_adding_a_headache_free_recorded_day(d: Diary, offset: int) -> None:
    before = analyse(d).summary
    day = date(2026, 3, 1) + timedelta(days=offset)
    if day in days(d).days_with("headache") or day in d.recorded_dates | d.headache_dates:
        return
    busy = {m.taken_at.astimezone(d.client.zone).date() for m in d.intakes}
    if day in busy or any(day in _touched(a, d) for a in d.attacks):
        return
    after = analyse(Diary(d.client, d.recorded_dates | {day}, d.attacks, d.intakes, d.headache_dates)).summary
    for name in ROWS[1:]:
        b, a = before.rates[name], after.rates[name]
        assert a is not None
        assert b is None or a <= b + 1e-12


def _touched(a: Attack, d: Diary) -> set[date]:
    z = d.client.zone
    first = a.start.astimezone(z).date()
    last = (a.end or a.start).astimezone(z).date()
    return {first + timedelta(days=k) for k in range((last - first).days + 1)}


@FAST
@given(diaries(), st.randoms(use_true_random=False))
def test_it_gives_the_same_result_whatever_the_order_of_the_input(d: Diary, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    shuffled_attacks = list(d.attacks)
    rnd.shuffle(shuffled_attacks)
    shuffled_intakes = list(d.intakes)
    rnd.shuffle(shuffled_intakes)
    other = Diary(
        d.client, d.recorded_dates, tuple(shuffled_attacks), tuple(shuffled_intakes), d.headache_dates
    )
    assert analysis_to_dict(analyse(other)) == analysis_to_dict(analyse(d))


def test_it_has_a_row_for_every_drug_class() -> None:
    assert all(f"medication:{c.value}" in ROW for c in DrugClass)
