"""The factories read the test's clock, never the wall clock, and keep each record inside its day."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.db import models
from django.utils import timezone

from tests import clock
from tests import factories as f

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Two instants more than a year apart, both in summer time and at the same hour, so that every
# record relative to the clock lies the same distance from it at both.
EARLY = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2027, 7, 21, 8, 0, tzinfo=dt.UTC)

# Fields that are facts, not moments relative to now.
CONSTANT = {("Client", "date_of_birth")}

FACTORIES = sorted(
    (
        cls
        for _, cls in inspect.getmembers(f, inspect.isclass)
        if issubclass(cls, factory.django.DjangoModelFactory) and cls.__module__ == f.__name__
    ),
    key=lambda cls: cls.__name__,
)


def moments(obj: models.Model) -> dict[str, dt.date | dt.datetime]:
    """The record's own date and date-time values that are set."""
    found = {}
    for model_field in obj._meta.concrete_fields:
        if isinstance(model_field, models.DateField | models.DateTimeField):
            value = getattr(obj, model_field.attname)
            if value is not None:
                found[model_field.name] = value
    return found


def relative(value: dt.date | dt.datetime, now: dt.datetime) -> tuple[object, ...]:
    """Where ``value`` lies from ``now``: whole local days and the wall time for a date-time."""
    today = now.astimezone(AMSTERDAM).date()
    if isinstance(value, dt.datetime):
        local = value.astimezone(AMSTERDAM)
        return ((local.date() - today).days, local.time())
    return ((value - today).days,)


def test_every_factory_is_covered() -> None:
    names = {cls.__name__ for cls in FACTORIES}
    assert {"AttackFactory", "DailyCheckInFactory", "AppointmentFactory", "SessionRecordFactory"} <= names
    assert len(FACTORIES) >= 20


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda cls: cls.__name__)
def test_it_moves_every_moment_with_the_clock(factory_class: Any) -> None:
    """Built at two instants, each date and time lies the same distance from the clock: a factory
    that read the wall clock, or a date fixed at import, would stay put and fail here."""
    built: dict[dt.datetime, dict[str, Any]] = {}
    for instant in (EARLY, LATE):
        with time_machine.travel(instant, tick=False):
            assert timezone.now() == instant
            built[instant] = moments(factory_class.build())
    model = factory_class._meta.model.__name__
    assert built[EARLY].keys() == built[LATE].keys()
    for name in built[EARLY]:
        early, late = built[EARLY][name], built[LATE][name]
        if (model, name) in CONSTANT:
            assert early == late
            continue
        assert early != late, f"{model}.{name} did not move with the clock"
        assert relative(early, EARLY) == relative(late, LATE), f"{model}.{name}"


@pytest.mark.clock
@pytest.mark.django_db
def test_it_keeps_each_record_inside_its_local_day_at_the_tests_now() -> None:
    """At any ``HEADWISE_TEST_NOW`` (make test-clock sets hostile ones): the attack lies within one
    day two days back, the check-in is yesterday, the appointment later today and in the future."""
    now = timezone.now()
    assert now == clock.NOW
    today = clock.TODAY
    attack = f.AttackFactory()
    assert attack.started_at.astimezone(AMSTERDAM).date() == today - dt.timedelta(days=2)
    assert attack.ended_at.astimezone(AMSTERDAM).date() == today - dt.timedelta(days=2)
    assert attack.ended_at < now
    intake = f.MedicationIntakeFactory(client=attack.client, practice=attack.practice, attack=attack)
    assert attack.started_at <= intake.taken_at <= attack.ended_at
    assert f.DailyCheckInFactory().date == today - dt.timedelta(days=1)
    appointment = f.AppointmentFactory()
    assert now < appointment.starts_at < appointment.ends_at
    assert appointment.starts_at.astimezone(AMSTERDAM).date() == today
    assert appointment.ends_at.astimezone(AMSTERDAM).date() == today
    session = f.SessionRecordFactory()
    assert session.started_at.astimezone(AMSTERDAM).date() == today - dt.timedelta(days=1)
    follow_up = f.FollowUpFactory(session=session, practice=session.practice)
    assert follow_up.due_at == session.started_at + dt.timedelta(hours=24)
    exposure = f.TriggerExposureFactory()
    assert exposure.occurred_at.astimezone(AMSTERDAM).date() == today - dt.timedelta(days=1)
    assert f.QuestionnaireResponseFactory().answered_on == today
    plan = f.TreatmentPlanFactory()
    assert plan.started_on < today


def test_it_reads_the_tests_now_from_the_environment() -> None:
    assert clock.parse("2026-12-31T23:30:00+01:00") == dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)
    assert clock.parse("2028-02-29T22:30:00Z").astimezone(AMSTERDAM).date() == dt.date(2028, 2, 29)
    with pytest.raises(ValueError, match="HEADWISE_TEST_NOW='2026-12-31T22:30' has no offset"):
        clock.parse("2026-12-31T22:30")
    with pytest.raises(ValueError, match="HEADWISE_TEST_NOW='tonight' is not an ISO 8601 instant"):
        clock.parse("tonight")


@pytest.mark.clock
def test_every_test_runs_at_the_tests_now() -> None:
    assert timezone.now() == clock.NOW
    assert dt.date.today() == clock.NOW.date()  # noqa: DTZ011 - the process runs in UTC, as the server
    assert clock.today_in("America/New_York") == clock.NOW.astimezone(ZoneInfo("America/New_York")).date()
