"""One definition of a diary day: the pages, the API, the reminders and the engine agree."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine

from headwise import clinical
from headwise.diary import reminders, selectors, services
from headwise.diary.localtime import client_today
from tests import factories as f
from tests.conftest import login

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 10, 15, tzinfo=dt.UTC)  # 16:00 in Amsterdam


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def client(db: Any) -> Any:
    return f.ClientFactory(time_zone="Europe/Amsterdam", user=f.UserFactory())


def at(d: int, h: int, mi: int = 0, *, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, d, h, mi, tzinfo=AMS)


def test_an_attack_ending_at_midnight_does_not_touch_the_new_day(client: Any) -> None:
    services.attack_start(client=client, by=None, started_at=at(7, 20), ended_at=at(8, 0), peak_intensity=6)
    services.checkin_save(client=client, by=None, date=dt.date(2026, 11, 8), had_headache=False)
    strip = {d.date.day: d for d in selectors.diary_days(client=client, end=dt.date(2026, 11, 8), days=2)}
    assert strip[7].state is clinical.DayState.HEADACHE and strip[7].attack_count == 1
    assert strip[8].state is clinical.DayState.FREE and strip[8].attack_count == 0
    month = {
        d.date.day: d.state for d in selectors.month_view(client=client, month=dt.date(2026, 11, 1)).days
    }
    assert month[7] == "headache" and month[8] == "free"
    assert selectors.attacks_on(client=client, day=dt.date(2026, 11, 8)) == []
    # One minute later it does.
    assert clinical.attack_local_days(at(7, 20), at(8, 0, 1), AMS) == (
        dt.date(2026, 11, 7),
        dt.date(2026, 11, 8),
    )


def test_the_evening_reminder_counts_the_same_days(client: Any) -> None:
    client.reminders_enabled = True
    client.reminder_time = dt.time(19, 0)
    client.save()
    evening = dt.datetime(2026, 11, 10, 19, 30, tzinfo=AMS)
    # Ended at 00:00 today: today has no entry yet, so the evening reminder is due.
    services.attack_start(client=client, by=None, started_at=at(9, 22), ended_at=at(10, 0))
    due = reminders.reminders_due(now=evening)
    assert [(d.day, d.kind) for d in due] == [(dt.date(2026, 11, 10), "evening")]


def test_a_checkin_saying_headache_is_a_headache_day_in_the_api_summary(client: Any) -> None:
    http = login(client.user)
    put = http.put(
        f"/api/clients/{client.uuid}/checkins/2026-11-03",
        {"had_headache": True},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    summary = http.get(f"/api/clients/{client.uuid}/summary?month=2026-11").json()
    day = next(d for d in summary["calendar"] if d["date"] == "2026-11-03")
    assert day["state"] == "headache" and day["headache"] is True and day["recorded"] is True
    assert summary["headache_days"] == 1 and summary["recorded"] == 1
    strip = selectors.day_on(client=client, day=dt.date(2026, 11, 3))
    assert strip.state is clinical.DayState.HEADACHE


def test_a_day_with_an_attack_is_a_headache_day_whatever_the_checkin_says(client: Any) -> None:
    services.checkin_save(client=client, by=None, date=dt.date(2026, 11, 10), had_headache=False)
    http = login(client.user)
    assert "No headache today." in http.get("/me/").content.decode()
    services.attack_start(client=client, by=None, started_at=at(10, 14))
    home = http.get("/me/").content.decode()
    assert "Headache today." in home and "No headache today." not in home
    page = http.get("/diary/checkin/2026-11-10/").content.decode()
    assert "checked" in _radio(page, "had_headache", "true")
    assert "checked" not in _radio(page, "had_headache", "false")


def test_the_checkin_page_preselects_yes_on_a_day_with_an_attack_and_no_checkin(client: Any) -> None:
    services.attack_start(client=client, by=None, started_at=at(9, 8), ended_at=at(9, 12), peak_intensity=5)
    page = login(client.user).get("/diary/checkin/2026-11-09/").content.decode()
    assert "checked" in _radio(page, "had_headache", "true")
    # A day without anything is asked fresh: nothing chosen.
    fresh = login(client.user).get("/diary/checkin/2026-11-08/").content.decode()
    assert "checked" not in _radio(fresh, "had_headache", "true")
    assert "checked" not in _radio(fresh, "had_headache", "false")


def test_a_day_with_only_an_attack_or_an_intake_is_recorded(client: Any) -> None:
    # A 10-minute attack is no headache day (a headache day needs >= 30 min), but the client
    # told us about the day: it is recorded, not missing, on every view.
    services.attack_start(
        client=client, by=None, started_at=at(4, 9), ended_at=at(4, 9, 10), peak_intensity=3, had_aura=False
    )
    strip = selectors.day_on(client=client, day=dt.date(2026, 11, 4))
    assert strip.state is clinical.DayState.FREE and strip.attack_count == 1
    month = {d.date.day: d for d in selectors.month_view(client=client, month=dt.date(2026, 11, 1)).days}
    assert month[4].recorded and month[4].state == "free"
    assert dt.date(2026, 11, 4) not in {d.date for d in selectors.missing_days(client=client, days=14)}


def test_there_is_one_today_for_a_client(client: Any) -> None:
    new_york = f.ClientFactory(time_zone="America/New_York")
    half_past_midnight = dt.datetime(2026, 11, 11, 0, 30, tzinfo=dt.UTC)
    assert client_today(client, now=half_past_midnight) == dt.date(2026, 11, 11)
    assert client_today(new_york, now=half_past_midnight) == dt.date(2026, 11, 10)
    assert client_today(client) == dt.date(2026, 11, 10)  # the frozen now
    assert selectors.client_today is client_today


def _radio(page: str, name: str, value: str) -> str:
    """The <input> tag of one radio button."""
    marker = f'name="{name}" value="{value}"'
    i = page.index(marker)
    return page[page.rindex("<input", 0, i) : page.index(">", i) + 1]
