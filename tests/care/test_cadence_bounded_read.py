"""plan_cadence reads the baseline and the recent days, not the whole plan (#14): the same numbers.

The reference below is the read plan_cadence made before: the diary from the baseline's start
to today in one window. Every suggestion (rule, windows, counts, change, warning, streak) must
be equal to it, on old plans (the bounded reads) and young ones (one read), in each phase, and
when a streak reaches back past the recent days (the days between are read then).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from headwise import clinical
from headwise.care import selectors
from headwise.care.models import CadenceRuleSet, PhaseKind, TreatmentPlan
from headwise.care.services import cadence_rules_get
from headwise.clinical import cadence
from headwise.diary import selectors as diary_selectors
from headwise.diary.localtime import client_today
from headwise.diary.models import DailyCheckIn
from tests import factories as f
from tests.conftest import PracticeWorld
from tests.web.plan_world import migraine_attack, span


def _whole_read(plan: TreatmentPlan, rules: CadenceRuleSet, today: dt.date) -> cadence.Suggestion:
    client = plan.client
    zone = zoneinfo.ZoneInfo(client.time_zone)
    phase = selectors.current_phase(plan=plan)
    assert phase is not None
    engine = selectors.rules_to_clinical(rules)
    window = dt.timedelta(days=engine.window_days)
    base_start, base_end = plan.started_on - window, plan.started_on - dt.timedelta(days=1)
    recent_start = max(today - window + dt.timedelta(days=1), plan.started_on, phase.starts_on)
    diary, attacks = diary_selectors.diary_window(client=client, start=base_start, end=today)
    table = clinical.days(diary)
    warning_start = today - dt.timedelta(days=engine.warning_days - 1)
    return cadence.evaluate(
        phase=cadence.Phase(phase.kind),
        baseline=selectors._window(table, base_start, base_end),
        recent=selectors._window(table, recent_start, today),
        today=today,
        rules=engine,
        warning_dates=selectors._warning_dates(client, attacks, start=warning_start, end=today, zone=zone),
        migraine_dates=frozenset(d for d in table.days_with("migraine") if d <= today),
        recorded_dates=frozenset(d for d in table.days_with("recorded") if d <= today),
        last_session=selectors._last_session(client, zone),
    )


def _plan(world: PracticeWorld, *, kind: str, days_ago: int) -> tuple[TreatmentPlan, dt.date]:
    prac = world.records["practitioner"]
    client = f.ClientFactory(practice=world.practice, assigned_practitioner=prac)
    today = client_today(client)
    started = today - dt.timedelta(days=days_ago)
    plan = f.TreatmentPlanFactory(
        client=client, practice=world.practice, practitioner=prac, started_on=started
    )
    f.PlanPhaseFactory(plan=plan, practice=world.practice, kind=kind, starts_on=started)
    return plan, today


def _lay(client: Any, days: list[dt.date], migraine: set[dt.date]) -> None:
    """A check-in on each day (in one insert), a migraine attack on each of ``migraine``."""
    DailyCheckIn.objects.bulk_create(
        [
            DailyCheckIn(client=client, practice=client.practice, date=d, had_headache=d in migraine)
            for d in days
        ]
    )
    for day in sorted(migraine):
        migraine_attack(client, day)


# (phase, plan age in days, migraine every n-th day, a migraine-free streak of this many
# recorded days ending 3 days ago)
CASES = [
    pytest.param(PhaseKind.MAINTENANCE, 200, 5, 0, id="old-maintenance"),
    pytest.param(PhaseKind.MAINTENANCE, 200, 5, 70, id="old-maintenance-long-streak"),
    pytest.param(PhaseKind.INTENSIVE, 200, 3, 0, id="old-intensive"),
    pytest.param(PhaseKind.STABILISING, 150, 6, 0, id="old-stabilising"),
    pytest.param(PhaseKind.MAINTENANCE, 40, 4, 0, id="young-maintenance"),
]


@pytest.mark.parametrize(("kind", "days_ago", "every", "streak"), CASES)
def test_the_bounded_read_gives_the_whole_read_s_numbers(
    world: PracticeWorld, monkeypatch: pytest.MonkeyPatch, kind: str, days_ago: int, every: int, streak: int
) -> None:
    plan, today = _plan(world, kind=kind, days_ago=days_ago)
    first = plan.started_on - dt.timedelta(days=28)
    days = span(first, today)
    streak_from = today - dt.timedelta(days=3 + streak)
    migraine = [
        d
        for i, d in enumerate(days)
        if i % every == 0 and not (streak and streak_from <= d < today - dt.timedelta(days=3))
    ]
    if streak:
        migraine.append(today - dt.timedelta(days=3))  # the migraine day that ends the streak
    _lay(plan.client, days, set(migraine))
    rules = cadence_rules_get(practice=world.practice)
    reads: list[tuple[dt.date, dt.date]] = []
    window = diary_selectors.diary_window

    def spy(**kwargs: Any) -> Any:
        reads.append((kwargs["start"], kwargs["end"]))
        return window(**kwargs)

    for back in (0, 1, 4, 10):
        day = today - dt.timedelta(days=back)
        reads.clear()
        monkeypatch.setattr(diary_selectors, "diary_window", spy)
        bounded = selectors.plan_cadence(plan=plan, rules=rules, today=day).suggestion
        monkeypatch.setattr(diary_selectors, "diary_window", window)
        assert bounded is not None
        assert bounded == _whole_read(plan, rules, day), (back, bounded)
        if days_ago >= 150 and not streak:
            # An old plan's diary is not read from the baseline to today.
            assert (plan.started_on - dt.timedelta(days=28), day) not in reads, reads
            assert sum((end - start).days + 1 for start, end in reads) < 120, reads
        if back == 0 and streak >= 30:
            # The streak reaches back past the recent days: its whole length is counted.
            assert bounded.streak is not None and bounded.streak.recorded_days >= streak, bounded
