"""A client's day series and outcomes from the database: the engine's days, local dates, sessions."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from headwise import clinical
from headwise.care.models import PhaseKind
from headwise.diary import selectors as diary_selectors
from headwise.outcomes.selectors import ClientOutcomes, client_outcomes
from headwise.outcomes.series import client_series
from headwise.stats.outcomes import NotAssessable, Responder, ResponderStatus
from tests import factories as f

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NYC = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 12, 10, 15, tzinfo=dt.UTC)  # a fixed instant after every diary day below


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


pytestmark = pytest.mark.usefixtures("frozen")

MIGRAINE = {
    "peak_intensity": 7,
    "side": "unilateral",
    "quality": "pulsating",
    "aggravated_by_activity": True,
    "nausea": True,
    "photophobia": True,
    "phonophobia": True,
}


def attack(client: Any, start: dt.datetime, hours: float, **fields: Any) -> Any:
    values = {**MIGRAINE, **fields}
    return f.AttackFactory(
        client=client,
        practice=client.practice,
        started_at=start,
        # In UTC: aware arithmetic in the zone would add wall-clock hours across a clock change.
        ended_at=start.astimezone(dt.UTC) + dt.timedelta(hours=hours),
        time_zone=client.time_zone,
        **values,
    )


def checkins(client: Any, first: dt.date, days: int, *, skip: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    for i in range(days):
        if i not in skip:
            f.DailyCheckInFactory(client=client, practice=client.practice, date=first + dt.timedelta(days=i))


def session(client: Any, day: dt.date, zone: zoneinfo.ZoneInfo, practitioner: Any) -> Any:
    return f.SessionRecordFactory(
        client=client,
        practice=client.practice,
        practitioner=practitioner,
        started_at=dt.datetime.combine(day, dt.time(14), tzinfo=zone),
    )


@pytest.fixture
def amsterdam(db: Any) -> Any:
    return f.ClientFactory(time_zone="Europe/Amsterdam")


def test_the_series_has_the_day_states_the_home_strip_and_the_month_page_show(amsterdam: Any) -> None:
    first = dt.date(2026, 11, 1)
    checkins(amsterdam, first, 30, skip={3, 4, 17})
    attack(amsterdam, dt.datetime(2026, 11, 6, 9, tzinfo=AMS), 8)
    tension_like = {"side": "bilateral", "quality": "pressing", "aggravated_by_activity": False}
    mild = {"nausea": False, "photophobia": False, "phonophobia": False, "peak_intensity": 3}
    attack(amsterdam, dt.datetime(2026, 11, 20, 10, tzinfo=AMS), 1, **tension_like, **mild)
    f.MedicationIntakeFactory(
        client=amsterdam, practice=amsterdam.practice, taken_at=dt.datetime(2026, 11, 25, 10, tzinfo=AMS)
    )
    end = dt.date(2026, 11, 30)
    s = client_series(amsterdam, start=first, end=end)
    strip = diary_selectors.diary_days(client=amsterdam, end=end, days=30)
    assert s.start == first and s.n_days == 30
    assert s.recorded.tolist() == [d.recorded for d in strip]
    assert s.migraine.tolist() == [d.state is clinical.DayState.MIGRAINE for d in strip]
    assert s.headache.tolist() == [d.headache for d in strip]
    # Missing days (4th, 5th, 18th) are neither headache days nor headache-free: not recorded.
    assert [i for i in range(30) if not s.recorded[i]] == [3, 4, 17]
    month = diary_selectors.month_view(client=amsterdam, month=first).summary
    assert (month.migraine_days, month.headache_days, month.recorded) == (
        int(s.migraine.sum()),
        int(s.headache.sum()),
        int(s.recorded.sum()),
    )
    assert month.medication_days == int(s.acute_medication.sum()) == 1
    assert s.medication["triptan"].tolist() == [i == 24 for i in range(30)]
    # The triptan without an attack still makes a migraine day (the engine's default definition).
    assert bool(s.migraine[24]) and bool(s.migraine[5]) and not s.migraine[19] and s.headache[19]
    assert s.attacks.tolist() == [1 if i in (5, 19) else 0 for i in range(30)]
    assert s.attack_peak.tolist() == [7.0, 3.0] and s.attack_hours.tolist() == [8.0, 1.0]


def test_an_attack_across_midnight_and_the_clock_change_in_new_york(db: Any) -> None:
    client = f.ClientFactory(time_zone="America/New_York")
    # 31 Oct 22:00 EDT to 1 Nov 06:00 EST: the clocks go back at 02:00, so it lasted 9 hours.
    attack(client, dt.datetime(2026, 10, 31, 22, tzinfo=NYC), 9)
    # 5 Nov 23:30 in New York is already 6 Nov in UTC: the client's day is the 5th.
    late = dt.datetime(2026, 11, 5, 23, 30, tzinfo=NYC)
    assert late.astimezone(dt.UTC).date() == dt.date(2026, 11, 6)
    attack(client, late, 0.25, peak_intensity=4)
    s = client_series(client, start=dt.date(2026, 10, 30), end=dt.date(2026, 11, 7))
    day = {s.start + dt.timedelta(days=i): i for i in range(s.n_days)}
    oct31, nov1, nov5, nov6 = (day[dt.date(2026, m, d)] for m, d in ((10, 31), (11, 1), (11, 5), (11, 6)))
    assert s.migraine[oct31] and s.migraine[nov1]  # both local days are migraine days
    assert s.attacks[oct31] == 1 and s.attacks[nov1] == 0  # but it is one attack, on the day it began
    local_end = (
        dt.datetime(2026, 10, 31, 22, tzinfo=NYC).astimezone(dt.UTC) + dt.timedelta(hours=9)
    ).astimezone(NYC)
    assert local_end.hour == 6  # 06:00 EST on the wall clock
    assert s.attack_hours[0] == 9.0
    assert s.recorded[nov5] and not s.recorded[nov6]
    assert s.attacks[nov5] == 1 and s.attacks[nov6] == 0
    assert not s.recorded[day[dt.date(2026, 11, 2)]]  # an empty day stays missing


def test_sessions_and_plan_phases_label_the_days(amsterdam: Any) -> None:
    practitioner = f.PractitionerFactory(membership__practice=amsterdam.practice)
    plan = f.TreatmentPlanFactory(
        client=amsterdam,
        practice=amsterdam.practice,
        practitioner=practitioner,
        started_on=dt.date(2026, 10, 1),
    )
    f.PlanPhaseFactory(
        plan=plan, practice=amsterdam.practice, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 28)
    )
    f.PlanPhaseFactory(
        plan=plan,
        practice=amsterdam.practice,
        kind=PhaseKind.STABILISING,
        starts_on=dt.date(2026, 10, 29),
        interval_days_min=14,
        interval_days_max=21,
    )
    for day in (dt.date(2026, 10, 1), dt.date(2026, 10, 8), dt.date(2026, 11, 5)):
        session(amsterdam, day, AMS, practitioner)
    checkins(amsterdam, dt.date(2026, 9, 20), 5)
    s = client_series(amsterdam, end=dt.date(2026, 11, 10))
    assert s.start == dt.date(2026, 9, 20)  # the first diary day
    assert s.session_days == (dt.date(2026, 10, 1), dt.date(2026, 10, 8), dt.date(2026, 11, 5))
    label = dict(zip((s.start + dt.timedelta(days=i) for i in range(s.n_days)), s.phase, strict=True))
    assert label[dt.date(2026, 9, 30)] == "before"
    assert label[dt.date(2026, 10, 1)] == label[dt.date(2026, 10, 28)] == "intensive"
    assert label[dt.date(2026, 10, 29)] == label[dt.date(2026, 11, 10)] == "stabilising"


def test_the_series_reads_a_constant_number_of_queries(
    amsterdam: Any, django_assert_max_num_queries: Any
) -> None:
    practitioner = f.PractitionerFactory(membership__practice=amsterdam.practice)
    plan = f.TreatmentPlanFactory(client=amsterdam, practice=amsterdam.practice, practitioner=practitioner)
    f.PlanPhaseFactory(plan=plan, practice=amsterdam.practice, starts_on=dt.date(2026, 6, 1))
    checkins(amsterdam, dt.date(2026, 11, 20), 10)
    attack(amsterdam, dt.datetime(2026, 11, 22, 9, tzinfo=AMS), 5)
    session(amsterdam, dt.date(2026, 11, 21), AMS, practitioner)
    with CaptureQueriesContext(connection) as short:
        client_outcomes(amsterdam)
    # Ten times the diary: more days, attacks, intakes, sessions and phases.
    checkins(amsterdam, dt.date(2026, 6, 1), 160)
    for i in range(12):
        start = dt.datetime(2026, 6, 3, 9, tzinfo=AMS) + dt.timedelta(days=12 * i)
        a = attack(amsterdam, start, 6)
        f.AuraSymptomFactory(attack=a, practice=amsterdam.practice)
        f.MedicationIntakeFactory(client=amsterdam, practice=amsterdam.practice, taken_at=start, attack=a)
        session(amsterdam, (start + dt.timedelta(days=2)).date(), AMS, practitioner)
    f.PlanPhaseFactory(
        plan=plan, practice=amsterdam.practice, kind=PhaseKind.MAINTENANCE, starts_on=dt.date(2026, 9, 1)
    )
    with CaptureQueriesContext(connection) as long:
        client_outcomes(amsterdam)
    assert len(long) == len(short)
    with django_assert_max_num_queries(len(short)):
        client_series(amsterdam)


def test_client_outcomes_end_to_end(amsterdam: Any) -> None:
    # 56 days of check-ins from 1 Oct; the first session on day 28 (29 Oct). Baseline: migraine
    # attacks on days 2, 9, 16, 23 (4 days); the period after: on days 30 and 44 (2 days), -50 %.
    practitioner = f.PractitionerFactory(membership__practice=amsterdam.practice)
    first = dt.date(2026, 10, 1)
    checkins(amsterdam, first, 56)
    for d in (2, 9, 16, 23, 30, 44):
        attack(amsterdam, dt.datetime.combine(first + dt.timedelta(days=d), dt.time(9), tzinfo=AMS), 6)
    session(amsterdam, first + dt.timedelta(days=28), AMS, practitioner)
    with time_machine.travel(dt.datetime(2026, 11, 25, 20, tzinfo=AMS), tick=False):  # day 55, evening
        result = client_outcomes(amsterdam)
    assert isinstance(result, ClientOutcomes)
    assert result.today == first + dt.timedelta(days=55)
    assert result.baseline is not None and not result.baseline_incomplete
    assert result.baseline.start == first and result.baseline.rates["migraine_days"].count == 4
    (period,) = result.periods
    assert period.rates["migraine_days"].count == 2 and period.recorded_days == 28
    change = period.changes["migraine_days"]
    assert change is not None and change.percent == -50.0
    (pair,) = result.responders(50)
    assert pair[1].status is ResponderStatus.RESPONDER
    # No plan: the days after the first session are in no plan phase, a period under care.
    assert result.table.phase == ("baseline", "treatment") and result.periods[0].phase == "no_plan"
    assert result.table.migraine_days.tolist() == [4, 2] and result.table.recorded_days.tolist() == [28, 28]
    with translation.override("en"):
        assert result.reason_text(pair[1]) == "reduction reached"


def test_a_client_without_a_session_has_no_baseline_and_says_why(amsterdam: Any) -> None:
    checkins(amsterdam, dt.date(2026, 11, 1), 20)
    result = client_outcomes(amsterdam)
    assert result.baseline is None and result.periods == ()
    # 1 Nov to today (10 Dec): two periods for the model, none under care.
    assert result.table.phase == ("before", "before")
    assert result.table.recorded_days.tolist() == [20, 0] and result.table.n_days.tolist() == [28, 12]  # type: ignore[union-attr]
    text = ClientOutcomes.reason_text(
        Responder(50, ResponderStatus.NOT_ASSESSABLE, None, NotAssessable.NO_SESSION)
    )
    with translation.override("nl"):
        dutch = ClientOutcomes.reason_text(
            Responder(50, ResponderStatus.NOT_ASSESSABLE, None, NotAssessable.NO_SESSION)
        )
    assert text.startswith("There is no session yet") and dutch != text


def test_a_deleted_attack_is_not_counted(amsterdam: Any) -> None:
    gone = attack(amsterdam, dt.datetime(2026, 11, 3, 9, tzinfo=AMS), 6)
    gone.deleted_at = NOW
    gone.save()
    checkins(amsterdam, dt.date(2026, 11, 1), 5)
    s = client_series(amsterdam, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 5))
    assert not s.migraine.any() and s.attacks.sum() == 0 and np.all(s.recorded)
