"""``read_columns`` gives the rows the database's own ``ORDER BY`` gives (on PostgreSQL it sorts
in NumPy: ties, NULLs first or last, descending keys, UUIDs), with the same values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.db.models import F

from headwise.diary.models import Attack, AuraSymptom
from headwise.outcomes.columns import MISSING, DayNumber, EpochMicros, or_missing, read_columns
from tests import factories as f

pytestmark = pytest.mark.django_db


def micros(value: dt.datetime | None) -> int:
    if value is None:
        return MISSING
    delta = value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@pytest.fixture
def records() -> Any:
    client = f.ClientFactory()
    base = f.local_at(client.time_zone, days=-30, hour=9)
    attacks = []
    # Ties on the start (the UUID decides), an open attack, several days.
    for days, hours in [(0, 0), (0, 0), (0, 0), (1, 5), (3, 0), (3, 0), (9, 2)]:
        start = base + dt.timedelta(days=days, hours=hours)
        end = None if days == 9 else {"ended_at": start + dt.timedelta(hours=4)}
        attacks.append(f.AttackFactory(client=client, started_at=start, **(end or {"ended_at": None})))
    for attack, minutes in zip(attacks, [5, None, 7, 9, None, 3, 4], strict=True):
        for start in (None, attack.started_at, None, attack.started_at + dt.timedelta(minutes=10)):
            f.AuraSymptomFactory(attack=attack, started_at=start, duration_minutes=minutes)
    return client


@pytest.mark.parametrize(
    "ordering",
    [
        ("client_id", "started_at", "uuid"),
        ("-started_at", "uuid"),
        ("started_at", "-uuid"),
        (),  # Meta.ordering: -started_at (ties in any order: compared by uuid below)
    ],
)
def test_attacks_come_in_the_databases_order(records: Any, ordering: tuple[str, ...]) -> None:
    qs = Attack.objects.filter(client=records)
    ordered = qs.order_by(*ordering) if ordering else qs
    got = read_columns(ordered, {"pk": F("pk"), "start": EpochMicros("started_at")})
    expected = list(ordered.values_list("pk", "started_at"))
    if not ordering:  # only the start is ordered
        assert got["start"].tolist() == [micros(s) for _pk, s in expected]
        assert sorted(got["pk"].tolist()) == sorted(pk for pk, _s in expected)
    else:
        assert got["pk"].tolist() == [pk for pk, _s in expected]
        assert got["start"].tolist() == [micros(s) for _pk, s in expected]


@pytest.mark.parametrize(
    "ordering",
    [("attack_id", "started_at", "pk"), ("-started_at", "pk"), ("duration_minutes", "-pk")],
)
def test_nullable_keys_sort_as_the_database_sorts_them(records: Any, ordering: tuple[str, ...]) -> None:
    qs = AuraSymptom.objects.filter(attack__client=records).order_by(*ordering)
    got = read_columns(
        qs,
        {
            "pk": F("pk"),
            "start": or_missing(EpochMicros("started_at")),
            "minutes": or_missing(F("duration_minutes")),
        },
    )
    expected = list(qs.values_list("pk", "started_at", "duration_minutes"))
    assert got["pk"].tolist() == [pk for pk, _s, _m in expected]
    assert got["start"].tolist() == [micros(s) for _pk, s, _m in expected]
    assert got["minutes"].tolist() == [MISSING if m is None else m for _pk, _s, m in expected]


def test_dates_and_an_empty_read(records: Any) -> None:
    checkin = f.DailyCheckInFactory(client=records)
    got = read_columns(type(checkin).objects.filter(client=records).order_by(), {"day": DayNumber("date")})
    assert got["day"].tolist() == [(checkin.date - dt.date(1970, 1, 1)).days]
    empty = read_columns(
        Attack.objects.filter(client=records, started_at__year=1990).order_by("started_at"),
        {"start": EpochMicros("started_at")},
    )
    assert empty["start"].dtype == np.int64
    assert empty["start"].size == 0


def test_day_flags_are_the_rows_themselves() -> None:
    """``read_day_flags`` (on PostgreSQL: 32-day bitmaps made by the database, unpacked in
    NumPy) gives exactly the (owner, day, flag) of the rows: days on both sides of a word's
    edge, before 1970, far apart, and two owners."""
    from headwise.diary.models import DailyCheckIn
    from headwise.outcomes.columns import read_day_flags

    one, two = f.ClientFactory(), f.ClientFactory()
    other = f.ClientFactory()  # another practice's rows are not read
    epoch = dt.date(1970, 1, 1)
    days = [-40, -33, -32, -1, 0, 1, 31, 32, 63, 64, 95, 20_000, 20_001, 20_031, 20_032]
    expected = set()
    for i, d in enumerate(days):
        for client, headache in ((one, i % 2 == 0), (two, i % 3 == 0)):
            f.DailyCheckInFactory(client=client, date=epoch + dt.timedelta(days=d), had_headache=headache)
            expected.add((client.pk, d, int(headache)))
    f.DailyCheckInFactory(client=other, date=epoch, had_headache=True)
    got = read_day_flags(
        DailyCheckIn.objects.filter(client__in=[one, two]), "client_id", "date", "had_headache"
    )
    assert {name: a.dtype for name, a in got.items()} == dict.fromkeys(("owner", "day", "flag"), np.int64)
    rows = list(zip(got["owner"].tolist(), got["day"].tolist(), got["flag"].tolist(), strict=True))
    assert len(rows) == len(expected)
    assert set(rows) == expected
    empty = read_day_flags(DailyCheckIn.objects.none(), "client_id", "date", "had_headache")
    assert [a.size for a in empty.values()] == [0, 0, 0]
