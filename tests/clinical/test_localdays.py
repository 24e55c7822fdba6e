"""What a diary day is: the local days of an attack, a day's state, check-ins saying headache."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from headwise.clinical import (
    ROWS,
    Attack,
    ClientInfo,
    DayState,
    Diary,
    attack_dates,
    attack_local_days,
    cohort_analyse,
    columns_from_diaries,
    day_state,
    days,
    diary_to_dict,
    parse_diary,
    periods,
)

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, zone: ZoneInfo = AMS) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone)


def test_an_attack_ending_at_midnight_stays_on_its_day() -> None:
    assert attack_local_days(local(2026, 3, 1, 22), local(2026, 3, 2), AMS) == (date(2026, 3, 1),) * 2
    assert attack_dates(local(2026, 3, 1, 22), local(2026, 3, 2, 0, 1), AMS) == [
        date(2026, 3, 1),
        date(2026, 3, 2),
    ]


def test_an_open_or_instant_attack_touches_only_its_start_day() -> None:
    assert attack_local_days(local(2026, 3, 1, 23), None, AMS) == (date(2026, 3, 1),) * 2
    at_midnight = local(2026, 3, 2)
    assert attack_local_days(at_midnight, at_midnight, AMS) == (date(2026, 3, 2),) * 2


def test_the_days_follow_the_clients_clock_across_the_clock_changes() -> None:
    # 29 March 2026 has 23 hours in Amsterdam, 25 October 25 hours: 00:00 to 00:00 is one day.
    spring = (local(2026, 3, 29).astimezone(UTC), local(2026, 3, 30).astimezone(UTC))
    autumn = (local(2026, 10, 25).astimezone(UTC), local(2026, 10, 26).astimezone(UTC))
    assert spring[1] - spring[0] == timedelta(hours=23) and autumn[1] - autumn[0] == timedelta(hours=25)
    assert attack_local_days(*spring, AMS) == (date(2026, 3, 29),) * 2
    assert attack_local_days(*autumn, AMS) == (date(2026, 10, 25),) * 2
    # 00:30 UTC on 1 January: New Year in Amsterdam, still 31 December in New York.
    t = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    assert attack_local_days(t, t + timedelta(hours=1), AMS)[0] == date(2027, 1, 1)
    assert attack_local_days(t, t + timedelta(hours=1), NY)[0] == date(2026, 12, 31)


def test_a_checkin_saying_headache_is_a_recorded_headache_day_on_both_paths() -> None:
    d = Diary(
        ClientInfo("Europe/Amsterdam"),
        recorded_dates=frozenset({date(2026, 3, 1), date(2026, 3, 2)}),
        headache_dates=frozenset({date(2026, 3, 2), date(2026, 3, 4)}),
    )
    t = days(d)
    assert [day_state(t, date(2026, 3, k)) for k in range(1, 6)] == [
        DayState.FREE,
        DayState.HEADACHE,
        DayState.MISSING,
        DayState.HEADACHE,
        DayState.MISSING,
    ]
    (period,) = periods(t)
    assert period.recorded_days == 3 and period.counts["headache"] == 2
    cohort = cohort_analyse(columns_from_diaries([d]))
    assert cohort.counts[:, 0].tolist() == [period.recorded_days, *(period.counts[n] for n in ROWS[1:])]


def test_every_attack_records_its_days_even_one_that_is_no_headache_day() -> None:
    # 10 minutes: too short for a headache day (>= 30 min), but the client told us about the day.
    short = Attack("a", local(2026, 3, 1, 9), local(2026, 3, 1, 9, 10), peak_intensity=4, aura=())
    no_pain = Attack("b", local(2026, 3, 3, 9), local(2026, 3, 3, 9, 40), peak_intensity=0, aura=())
    d = Diary(ClientInfo("Europe/Amsterdam"), attacks=(short, no_pain))
    t = days(d)
    assert day_state(t, date(2026, 3, 1)) is DayState.FREE
    assert day_state(t, date(2026, 3, 2)) is DayState.MISSING
    assert day_state(t, date(2026, 3, 3)).recorded
    recorded = cohort_analyse(columns_from_diaries([d])).counts[0, 0]
    assert recorded == periods(t)[0].recorded_days == 2


def test_the_interchange_format_keeps_the_headache_checkins() -> None:
    d = Diary(
        ClientInfo("UTC"),
        recorded_dates=frozenset({date(2026, 3, 1)}),
        headache_dates=frozenset({date(2026, 3, 2), date(2026, 3, 3)}),
    )
    data = diary_to_dict(d)
    assert data["headache"] == {"ranges": [{"from": "2026-03-02", "to": "2026-03-03"}]}
    assert parse_diary(data) == d
    assert "headache" not in diary_to_dict(Diary(ClientInfo("UTC")))


def test_only_a_missing_day_is_unrecorded() -> None:
    assert [s.recorded for s in DayState] == [False, True, True, True]


@pytest.mark.parametrize(
    "zone",
    ["Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago"],
)
def test_local_day_numbers_are_local_date_for_every_instant(zone: str) -> None:
    import numpy as np

    from headwise.clinical.localdays import EPOCH_ORDINAL, local_date, local_day_numbers

    z = ZoneInfo(zone)
    rng = np.random.default_rng(7)
    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    # Random instants over two years, plus every quarter hour around the year's transitions.
    micros = np.concatenate(
        (
            start + rng.integers(0, 2 * 365 * 86_400_000_000, 3000),
            start + np.arange(0, 730 * 96) * 900_000_000,
        )
    )
    got = local_day_numbers(micros, z)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    for us, day in zip(micros.tolist(), got.tolist(), strict=True):
        instant = epoch + timedelta(microseconds=us)
        assert local_date(instant, z).toordinal() - EPOCH_ORDINAL == day, (zone, instant)
