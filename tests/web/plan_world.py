"""A client whose diary the plan tests lay day by day: check-ins and migraine attacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from headwise.care.models import PhaseKind, TreatmentPlan
from headwise.clients.models import Client
from headwise.diary.localtime import client_today
from tests import factories as f
from tests.conftest import PracticeWorld


def migraine_attack(client: Client, day: dt.date) -> None:
    """An attack that meets ICHD-3 1.1's B-D: 6 h, unilateral, pulsating, severe, nausea."""
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZoneInfo(client.time_zone))
    f.AttackFactory(
        client=client,
        practice=client.practice,
        started_at=start,
        ended_at=start + dt.timedelta(hours=6),
        peak_intensity=8,
        side="unilateral",
        quality="pulsating",
        aggravated_by_activity=True,
        nausea=True,
        photophobia=True,
        phonophobia=True,
        had_aura=False,
    )


def lay_days(client: Client, days: Iterable[dt.date], *, migraine: Iterable[dt.date] = ()) -> None:
    migraine = set(migraine)
    for day in days:
        f.DailyCheckInFactory(client=client, practice=client.practice, date=day, had_headache=day in migraine)
        if day in migraine:
            migraine_attack(client, day)


def span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def planned_client(
    world: PracticeWorld,
    *,
    kind: str = PhaseKind.INTENSIVE,
    baseline_migraine: int = 12,
    recent_migraine: int = 6,
    recent_recorded: int = 28,
    plan_days_ago: int = 60,
) -> tuple[Client, TreatmentPlan]:
    """A new client of ``world``'s practice with a plan ``plan_days_ago`` days old in phase ``kind``.

    The 28 days before the plan are all recorded with ``baseline_migraine`` migraine days (every
    other day from the first); of the last 28 days up to today, ``recent_recorded`` are recorded
    (the earliest ones) with ``recent_migraine`` migraine days among them.
    """
    prac = world.records["practitioner"]
    client = f.ClientFactory(
        practice=world.practice, given_name="Plan", family_name="Tester", assigned_practitioner=prac
    )
    f.SafetyScreeningFactory(
        client=client, practice=world.practice, screened_at=f.local_at(client.time_zone, days=-30, hour=11)
    )
    today = client_today(client)
    started = today - dt.timedelta(days=plan_days_ago)
    plan = f.TreatmentPlanFactory(
        client=client, practice=world.practice, practitioner=prac, started_on=started
    )
    f.PlanPhaseFactory(plan=plan, practice=world.practice, kind=kind, starts_on=started)
    baseline = span(started - dt.timedelta(days=28), started - dt.timedelta(days=1))
    lay_days(client, baseline, migraine=baseline[0 : 2 * baseline_migraine : 2])
    recent = span(today - dt.timedelta(days=27), today)[:recent_recorded]
    lay_days(client, recent, migraine=recent[0 : 2 * recent_migraine : 2])
    return client, plan
