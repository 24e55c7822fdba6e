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


@pytest.mark.parametrize("copy_from", [1, 10**6], ids=["copy", "string_agg"])
def test_the_values_are_the_orms_own(records: Any, copy_from: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of column holds the value the ORM reads: negative numbers, instants and dates
    before 1970 and before 2000 (PostgreSQL's own epoch), microseconds, and the NULL sentinel;
    on PostgreSQL both by a binary COPY and by one ``string_agg`` (whichever the width picks)."""
    from django.db.models import Value

    from headwise.outcomes import columns

    monkeypatch.setattr(columns, "_COPY_MIN_FIELDS", copy_from)

    from headwise.clients.models import Client
    from headwise.diary.models import DailyCheckIn

    utc = dt.UTC
    starts = [
        dt.datetime(1955, 3, 1, 23, 59, 59, 999_999, tzinfo=utc),
        dt.datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=utc),
        dt.datetime(1970, 1, 1, tzinfo=utc),
        dt.datetime(1999, 12, 31, 23, 0, 0, 7, tzinfo=utc),
        dt.datetime(2000, 1, 1, 0, 0, 0, 1, tzinfo=utc),
    ]
    for start in starts:
        f.AttackFactory(
            client=records,
            started_at=start,
            ended_at=None if start.year == 1970 else start + dt.timedelta(hours=3),
        )
    qs = Attack.objects.filter(client=records, started_at__year__lt=2001).order_by("started_at")
    got = read_columns(
        qs,
        {
            "pk": F("pk"),
            "negative": F("pk") * Value(-7) - Value(2**40),
            "start": EpochMicros("started_at"),
            "end": or_missing(EpochMicros("ended_at")),
        },
    )
    expected = list(qs.values_list("pk", "started_at", "ended_at"))
    assert len(expected) == len(starts)
    assert got["pk"].tolist() == [pk for pk, _s, _e in expected]
    assert got["negative"].tolist() == [-7 * pk - 2**40 for pk, _s, _e in expected]
    assert got["start"].tolist() == [micros(s) for _pk, s, _e in expected]
    assert got["end"].tolist() == [micros(e) for _pk, _s, e in expected]
    assert got["end"].tolist().count(MISSING) == 1

    epoch = dt.date(1970, 1, 1)
    dates = [dt.date(1950, 6, 1), dt.date(1969, 12, 31), epoch, dt.date(1999, 12, 31), dt.date(2000, 1, 1)]
    for day in dates:
        f.DailyCheckInFactory(client=records, date=day)
    days = read_columns(
        DailyCheckIn.objects.filter(client=records, date__year__lt=2001).order_by("-date"),
        {"day": DayNumber("date")},
    )
    assert days["day"].tolist() == [(d - epoch).days for d in sorted(dates, reverse=True)]

    born = f.ClientFactory(practice=records.practice)
    Client.objects.filter(pk=born.pk).update(date_of_birth=dt.date(1931, 2, 3))
    Client.objects.filter(pk=records.pk).update(date_of_birth=None)
    births = read_columns(
        Client.objects.filter(pk__in=[born.pk, records.pk]).order_by("pk"),
        {"pk": F("pk"), "born": or_missing(DayNumber("date_of_birth"))},
    )
    by_pk = dict(zip(births["pk"].tolist(), births["born"].tolist(), strict=True))
    assert by_pk == {born.pk: (dt.date(1931, 2, 3) - epoch).days, records.pk: MISSING}


def copy_stream(rows: list[bytes], extension: bytes = b"") -> bytes:
    """A binary COPY stream of ``rows`` (each a row's bytes: field count, then fields)."""
    header = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + len(extension).to_bytes(4, "big")
    return header + extension + b"".join(rows) + b"\xff\xff"


def row(*fields: bytes | None) -> bytes:
    out = len(fields).to_bytes(2, "big")
    for value in fields:
        out += (
            (-1).to_bytes(4, "big", signed=True) if value is None else len(value).to_bytes(4, "big") + value
        )
    return out


def test_the_copy_parser_reads_the_streams_rows_and_refuses_anything_else() -> None:
    from headwise.outcomes.columns import parse_copy_binary

    fields = [("a", ">i8"), ("b", ">i4")]

    def i8(v: int) -> bytes:
        return v.to_bytes(8, "big", signed=True)

    def i4(v: int) -> bytes:
        return v.to_bytes(4, "big", signed=True)

    rows = parse_copy_binary(copy_stream([row(i8(-(2**62)), i4(-1)), row(i8(2**63 - 1), i4(7))]), fields)
    assert rows["a"].tolist() == [-(2**62), 2**63 - 1]
    assert rows["b"].tolist() == [-1, 7]
    # A header extension is skipped; an empty result is no row.
    assert parse_copy_binary(copy_stream([row(i8(3), i4(4))], b"\x01\x02\x03"), fields)["a"].tolist() == [3]
    assert parse_copy_binary(copy_stream([]), fields).size == 0
    refused = [
        copy_stream([row(i8(1), None)]),  # a NULL
        copy_stream([row(i8(1), i4(2)), row(None, i4(2))]),  # a NULL, other rows fine
        copy_stream([row(i4(1), i8(2))]),  # the same width, other fields' widths
        copy_stream([row(i8(1), i4(2), b"")]),  # a field too many
        copy_stream([row(i8(1), i4(2))])[:-2],  # no trailer
        b"PGCOPY\n",  # too short
        b"PGCOPZ\n\xff\r\n\x00" + bytes(8) + b"\xff\xff",  # not the signature
    ]
    for data in refused:
        with pytest.raises(ValueError, match="NULL|not a binary COPY"):
            parse_copy_binary(data, fields)


def test_a_copy_is_streamed_whole_and_an_error_in_it_leaves_the_connection_usable() -> None:
    """On PostgreSQL: a stream far larger than a socket's buffer arrives whole; an error after
    some rows (a division by zero in row 150,000) raises and the connection works on."""
    from django.db import DatabaseError, connection, transaction

    from headwise.outcomes.columns import copy_binary, parse_copy_binary

    if connection.vendor != "postgresql":
        pytest.skip("a binary COPY is PostgreSQL's")
    connection.ensure_connection()
    n = 300_000
    data = copy_binary(connection, "SELECT g::bigint, (-g)::int4 FROM generate_series(1, 300000) g")
    rows = parse_copy_binary(data, [("g", ">i8"), ("h", ">i4")])
    np.testing.assert_array_equal(rows["g"], np.arange(1, n + 1))
    np.testing.assert_array_equal(rows["h"], -np.arange(1, n + 1))
    empty = copy_binary(connection, "SELECT g::bigint FROM generate_series(1, 0) g")
    assert parse_copy_binary(empty, [("g", ">i8")]).size == 0
    with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic():
        copy_binary(connection, "SELECT (1 / (150000 - g))::bigint FROM generate_series(1, 300000) g")
    with connection.cursor() as cursor:  # still usable (rolled back to the savepoint)
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)


@pytest.mark.parametrize("copy_from", [1, 10**6], ids=["copy", "string_agg"])
def test_coded_columns_packed_into_one_integer_come_back_as_they_are(
    records: Any, copy_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``codes``: answers and choices (each a ``CASE`` of constants, shifted in SQL) and an
    arithmetic expression, packed by the database and unpacked here, equal the ORM's values."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    from headwise.outcomes import columns
    from headwise.outcomes.columns import choice_code, tri

    monkeypatch.setattr(columns, "_COPY_MIN_FIELDS", copy_from)
    answers = [True, False, None]
    for i, (nausea, side) in enumerate(
        [(a, s) for a in answers for s in ("unilateral", "bilateral", "")], start=1
    ):
        start = dt.datetime(2020, 1, i, 9, tzinfo=dt.UTC)
        f.AttackFactory(
            client=records, started_at=start, ended_at=None, nausea=nausea, side=side, peak_intensity=i % 11
        )
    qs = Attack.objects.filter(client=records, started_at__year=2020).order_by("started_at")
    got = read_columns(
        qs,
        {
            "pk": F("pk"),
            "nausea": tri("nausea"),
            "side": choice_code("side", ("unilateral", "bilateral")),
            "peak": Coalesce(F("peak_intensity"), Value(-1)),
        },
        codes={"nausea": 2, "side": 2, "peak": 11},
    )
    expected = list(qs.values_list("pk", "nausea", "side", "peak_intensity"))
    assert len(expected) == 9
    assert got["pk"].tolist() == [pk for pk, *_ in expected]
    assert got["nausea"].tolist() == [{True: 1, False: 0, None: -1}[n] for _pk, n, _s, _p in expected]
    assert got["side"].tolist() == [
        {"unilateral": 0, "bilateral": 1}.get(s, -1) for _pk, _n, s, _p in expected
    ]
    assert got["peak"].tolist() == [p for *_rest, p in expected]
