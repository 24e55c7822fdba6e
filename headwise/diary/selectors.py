"""Reads of a client's diary."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import QuerySet

from headwise.clients.models import Client
from headwise.diary.models import Attack, DailyCheckIn


@dataclass(frozen=True)
class DiaryDay:
    date: dt.date
    recorded: bool
    had_headache: bool | None
    attack_count: int


def client_today(client: Client) -> dt.date:
    """Today's date in the client's own zone: the diary day now."""
    return dt.datetime.now(zoneinfo.ZoneInfo(client.time_zone)).date()


def attacks_of(*, client: Client) -> QuerySet[Attack]:
    return Attack.objects.filter(client=client, deleted_at__isnull=True).order_by("-started_at")


def diary_days(*, client: Client, end: dt.date, days: int) -> list[DiaryDay]:
    """The last ``days`` diary days up to ``end``: recorded or missing, never assumed free.

    Two queries whatever the range: the check-ins, and the attacks that touch it.
    """
    start = end - dt.timedelta(days=days - 1)
    zone = zoneinfo.ZoneInfo(client.time_zone)
    checkins = {c.date: c for c in DailyCheckIn.objects.filter(client=client, date__gte=start, date__lte=end)}
    window_start = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    window_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    touched: dict[dt.date, int] = {}
    for started, ended in (
        attacks_of(client=client)
        .filter(started_at__lt=window_end)
        .exclude(ended_at__lt=window_start)
        .values_list("started_at", "ended_at")
    ):
        first = started.astimezone(zone).date()
        last = (ended or started).astimezone(zone).date()
        day = max(first, start)
        while day <= min(last, end):
            touched[day] = touched.get(day, 0) + 1
            day += dt.timedelta(days=1)
    result = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        checkin = checkins.get(day)
        attack_count = touched.get(day, 0)
        recorded = checkin is not None or attack_count > 0
        had_headache = True if attack_count else (checkin.had_headache if checkin else None)
        result.append(DiaryDay(day, recorded, had_headache, attack_count))
    return result
