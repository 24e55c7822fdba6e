"""For random diaries, the pages and the API show the engine's day states (hypothesis).

The engine's answer is computed from the generated diary itself (pure dataclasses, not the
adapter), so a page that counted a day its own way, or an adapter that dropped a check-in,
fails here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwise import clinical
from tests import factories as f
from tests.conftest import login

#: The strip ends today (6 Nov 2026); the diary spans both clock changes (25 Oct in Europe,
#: 1 Nov in America) and its months are October and November.
NOW = dt.datetime(2026, 11, 6, 12, tzinfo=dt.UTC)
FIRST = dt.date(2026, 10, 1)
SPAN_DAYS = 37
ZONES = ("Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Australia/Sydney")


@st.composite
def diary_spec(draw: st.DrawFn) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(draw(st.sampled_from(ZONES)))
    # Attacks one after another (the diary refuses overlaps), some crossing midnight, some
    # ending exactly at local 00:00, some still open (only the last one can be).
    attacks = []
    cursor = dt.datetime.combine(FIRST, dt.time(0), tzinfo=zone)
    for _ in range(draw(st.integers(0, 6))):
        gap_h = draw(st.integers(1, 24 * 8))
        start = (cursor + dt.timedelta(hours=gap_h, minutes=draw(st.sampled_from([0, 15, 45])))).astimezone(
            zone
        )
        kind = draw(st.sampled_from(["minutes", "hours", "to_midnight"]))
        if kind == "to_midnight":
            end = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        elif kind == "minutes":
            end = start + dt.timedelta(minutes=draw(st.integers(5, 50)))
        else:
            end = start + dt.timedelta(hours=draw(st.integers(1, 40)))
        if end.astimezone(dt.UTC) >= NOW:
            break
        attacks.append((start.astimezone(dt.UTC), end.astimezone(dt.UTC), draw(st.integers(0, 10))))
        cursor = end
    if attacks and draw(st.booleans()):
        start, _end, peak = attacks[-1]
        attacks[-1] = (start, None, peak)
    checkins = draw(
        st.dictionaries(
            st.integers(0, SPAN_DAYS - 1).map(lambda k: FIRST + dt.timedelta(days=k)),
            st.booleans(),
            max_size=20,
        )
    )
    intakes = [
        NOW - dt.timedelta(minutes=draw(st.integers(60, 60 * 24 * (SPAN_DAYS - 1))))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return {"zone": zone, "attacks": attacks, "checkins": checkins, "intakes": intakes}


def engine_states(spec: dict[str, Any]) -> clinical.DayTable:
    diary = clinical.Diary(
        clinical.ClientInfo(spec["zone"].key, dt.date(1988, 5, 17), True),
        recorded_dates=frozenset(spec["checkins"]),
        attacks=tuple(
            clinical.Attack(f"a{i}", start, end, peak_intensity=peak)
            for i, (start, end, peak) in enumerate(spec["attacks"])
        ),
        intakes=tuple(
            clinical.MedicationIntake(f"m{i}", "sumatriptan", clinical.DrugClass.TRIPTAN, taken)
            for i, taken in enumerate(spec["intakes"])
        ),
        headache_dates=frozenset(d for d, headache in spec["checkins"].items() if headache),
    )
    return clinical.days(diary)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=diary_spec())
def test_the_pages_and_the_api_show_the_engines_day_states(spec: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        client = f.ClientFactory(time_zone=spec["zone"].key, user=f.UserFactory())
        for start, end, peak in spec["attacks"]:
            f.AttackFactory(client=client, started_at=start, ended_at=end, peak_intensity=peak)
        for day, headache in spec["checkins"].items():
            f.DailyCheckInFactory(client=client, date=day, had_headache=headache)
        for taken in spec["intakes"]:
            f.MedicationIntakeFactory(client=client, taken_at=taken)
        table = engine_states(spec)
        today = NOW.astimezone(spec["zone"]).date()
        http = login(client.user)

        home = http.get("/me/")
        strip = home.context["days"]
        assert len(strip) == 28 and strip[-1].date == today
        for day in strip:
            assert day.state is clinical.day_state(table, day.date), day.date
            assert day.had_headache == (
                bool(table.column("headache")[(day.date - table.start).days]) if day.recorded else None
            )
        # The Today card is the strip's last day: checked in exactly when today has a check-in.
        assert ("Checked in." in home.content.decode()) == (today in spec["checkins"])
        assert strip[-1].checked_in == (today in spec["checkins"])
        if today in spec["checkins"]:
            said = "Headache today." if strip[-1].had_headache else "No headache today."
            assert said in home.content.decode()

        for month in ("2026-10", "2026-11"):
            page = http.get(f"/diary/month/{month}/").context["view"]
            api = http.get(f"/api/clients/{client.uuid}/summary?month={month}").json()["calendar"]
            for cell, answer in zip(page.days, api, strict=True):
                assert answer["date"] == cell.date.isoformat()
                expected = "future" if cell.date > today else clinical.day_state(table, cell.date).value
                assert cell.state == answer["state"] == expected, cell.date
