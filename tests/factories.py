"""Factories for every model: each builds a record that belongs to one practice.

Times are relative to the test's now (``timezone.now()``, which the autouse ``clock`` fixture holds
at ``tests.clock.NOW``) and laid at fixed wall-clock hours on whole local days of the record's own
zone, so no record crosses a local midnight whatever the instant: an attack two days ago from
09:00 to 15:00, yesterday's check-in, a session yesterday at 14:00, an appointment later today.
tests/test_factories.py holds them to that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from headwise.accounts.models import User
from headwise.care.models import (
    Addendum,
    Appointment,
    FollowUp,
    PhaseKind,
    PlanPhase,
    SessionRecord,
    Technique,
    TreatmentPlan,
    WaitlistEntry,
)
from headwise.clients.models import Client, Consent, ConsentKind, ConsentText, SafetyScreening
from headwise.diary.models import (
    Attack,
    AuraSymptom,
    DailyCheckIn,
    MedicationIntake,
    TriggerExposure,
)
from headwise.outcomes.models import QuestionnaireRequest, QuestionnaireResponse
from headwise.practice.models import (
    AvailabilityException,
    Closure,
    CstStyle,
    Location,
    Membership,
    Practice,
    Practitioner,
    Profession,
    Role,
    Room,
    Service,
    WorkingHours,
)

PASSWORD = "correct-horse-battery-staple"


def local_today(zone: str) -> dt.date:
    """The date in ``zone`` at the test's now."""
    return timezone.now().astimezone(ZoneInfo(zone)).date()


def local_at(zone: str, *, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """``hour:minute`` wall time in ``zone``, ``days`` days from its local today (negative: before).

    Fixed hours between 09:00 and 18:00 exist on every day, DST change days included.
    """
    day = local_today(zone) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))


def later_today(zone: str) -> tuple[dt.datetime, dt.datetime]:
    """A slot that starts after now and ends before the local midnight of ``zone``.

    An hour from now where the day leaves room, else a third of the way to midnight for a third
    of what is left (23:30 gives 23:40-23:50), so "today's appointments" hold it at any hour.
    """
    now = timezone.now()
    zone_info = ZoneInfo(zone)
    midnight = dt.datetime.combine(
        now.astimezone(zone_info).date() + dt.timedelta(days=1), dt.time.min, tzinfo=zone_info
    )
    starts = (now + min(dt.timedelta(hours=1), (midnight - now) / 3)).replace(microsecond=0)
    return starts, end_of_slot(zone, starts)


def end_of_slot(zone: str, starts: dt.datetime) -> dt.datetime:
    """An hour after ``starts``, or half way to the next local midnight if that comes sooner."""
    zone_info = ZoneInfo(zone)
    day = starts.astimezone(zone_info).date()
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone_info)
    return (starts + min(dt.timedelta(hours=1), (midnight - starts) / 2)).replace(microsecond=0)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    time_zone = "Europe/Amsterdam"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:  # noqa: N805
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class PracticeFactory(factory.django.DjangoModelFactory[Practice]):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Location {n}")
    city = "Utrecht"


class RoomFactory(factory.django.DjangoModelFactory[Room]):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    practice = factory.SelfAttribute("location.practice")
    name = factory.Sequence(lambda n: f"Room {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PRACTITIONER


class PractitionerFactory(factory.django.DjangoModelFactory[Practitioner]):
    class Meta:
        model = Practitioner

    membership = factory.SubFactory(MembershipFactory)
    practice = factory.SelfAttribute("membership.practice")
    display_name = factory.SelfAttribute("membership.user.full_name")
    profession = Profession.MASSAGE
    cst_style = CstStyle.BIODYNAMIC


class ServiceFactory(factory.django.DjangoModelFactory[Service]):
    class Meta:
        model = Service

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 60
    buffer_minutes = 0


class WorkingHoursFactory(factory.django.DjangoModelFactory[WorkingHours]):
    """Mondays to Fridays are separate rows; this one is ``weekday`` 09:00-17:00."""

    class Meta:
        model = WorkingHours

    practitioner = factory.SubFactory(PractitionerFactory)
    practice = factory.SelfAttribute("practitioner.practice")
    location = factory.SubFactory(LocationFactory, practice=factory.SelfAttribute("..practice"))
    weekday = 0
    starts = dt.time(9)
    ends = dt.time(17)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory[AvailabilityException]):
    """A day away, a fortnight after the local today of the practice."""

    class Meta:
        model = AvailabilityException

    practitioner = factory.SubFactory(PractitionerFactory)
    practice = factory.SelfAttribute("practitioner.practice")
    date = factory.LazyAttribute(lambda o: local_today(o.practice.time_zone) + dt.timedelta(days=14))
    reason = "Course"


class ClosureFactory(factory.django.DjangoModelFactory[Closure]):
    """Closed for a week, far ahead (300 days) so it blocks no test's ordinary booking."""

    class Meta:
        model = Closure

    practice = factory.SubFactory(PracticeFactory)
    first_day = factory.LazyAttribute(lambda o: local_today(o.practice.time_zone) + dt.timedelta(days=300))
    last_day = factory.LazyAttribute(lambda o: o.first_day + dt.timedelta(days=6))
    reason = "Holidays"


class ClientFactory(factory.django.DjangoModelFactory[Client]):
    class Meta:
        model = Client

    practice = factory.SubFactory(PracticeFactory)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@example.org")
    date_of_birth = dt.date(1988, 5, 17)
    time_zone = "Europe/Amsterdam"
    migraine_diagnosed = True


class ConsentTextFactory(factory.django.DjangoModelFactory[ConsentText]):
    class Meta:
        model = ConsentText

    practice = factory.SubFactory(PracticeFactory)
    kind = ConsentKind.TREATMENT
    version = factory.Sequence(lambda n: n + 1)
    title = "Consent to treatment"
    body = "I agree to craniosacral therapy as explained to me."


class ConsentFactory(factory.django.DjangoModelFactory[Consent]):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    text = factory.SubFactory(ConsentTextFactory, practice=factory.SelfAttribute("..practice"))
    granted = True


class SafetyScreeningFactory(factory.django.DjangoModelFactory[SafetyScreening]):
    class Meta:
        model = SafetyScreening

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    screened_at = factory.LazyFunction(timezone.now)
    outcome = "cleared"


class TreatmentPlanFactory(factory.django.DjangoModelFactory[TreatmentPlan]):
    class Meta:
        model = TreatmentPlan

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    practitioner = factory.SubFactory(
        PractitionerFactory, membership__practice=factory.SelfAttribute("...practice")
    )
    started_on = factory.LazyAttribute(lambda o: local_today(o.client.time_zone) - dt.timedelta(days=28))


class PlanPhaseFactory(factory.django.DjangoModelFactory[PlanPhase]):
    class Meta:
        model = PlanPhase

    plan = factory.SubFactory(TreatmentPlanFactory)
    practice = factory.SelfAttribute("plan.practice")
    kind = PhaseKind.INTENSIVE
    starts_on = factory.SelfAttribute("plan.started_on")
    interval_days_min = 7
    interval_days_max = 7


class AppointmentFactory(factory.django.DjangoModelFactory[Appointment]):
    class Meta:
        model = Appointment

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    practitioner = factory.SubFactory(
        PractitionerFactory, membership__practice=factory.SelfAttribute("...practice")
    )
    location = factory.SubFactory(LocationFactory, practice=factory.SelfAttribute("..practice"))
    starts_at = factory.LazyAttribute(lambda o: later_today(o.practice.time_zone)[0])
    ends_at = factory.LazyAttribute(lambda o: end_of_slot(o.practice.time_zone, o.starts_at))


class WaitlistEntryFactory(factory.django.DjangoModelFactory[WaitlistEntry]):
    class Meta:
        model = WaitlistEntry

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")


class SessionRecordFactory(factory.django.DjangoModelFactory[SessionRecord]):
    class Meta:
        model = SessionRecord

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    practitioner = factory.SubFactory(
        PractitionerFactory, membership__practice=factory.SelfAttribute("...practice")
    )
    started_at = factory.LazyAttribute(lambda o: local_at(o.client.time_zone, days=-1, hour=14))
    style = CstStyle.BIODYNAMIC
    regions = factory.LazyFunction(lambda: ["skull_base", "sacrum"])


class FollowUpFactory(factory.django.DjangoModelFactory[FollowUp]):
    class Meta:
        model = FollowUp

    session = factory.SubFactory(SessionRecordFactory)
    practice = factory.SelfAttribute("session.practice")
    due_at = factory.LazyAttribute(lambda o: o.session.started_at + dt.timedelta(hours=24))


class TechniqueFactory(factory.django.DjangoModelFactory[Technique]):
    class Meta:
        model = Technique

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Technique {n}")


class AddendumFactory(factory.django.DjangoModelFactory[Addendum]):
    class Meta:
        model = Addendum

    session = factory.SubFactory(SessionRecordFactory)
    practice = factory.SelfAttribute("session.practice")
    author = factory.SubFactory(UserFactory)
    text = "Added later: the client phoned, all well."


class AttackFactory(factory.django.DjangoModelFactory[Attack]):
    class Meta:
        model = Attack

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    started_at = factory.LazyAttribute(lambda o: local_at(o.client.time_zone, days=-2, hour=9))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(hours=6))
    time_zone = factory.SelfAttribute("client.time_zone")
    peak_intensity = 7


class AuraSymptomFactory(factory.django.DjangoModelFactory[AuraSymptom]):
    class Meta:
        model = AuraSymptom

    attack = factory.SubFactory(AttackFactory)
    practice = factory.SelfAttribute("attack.practice")
    type = "visual"
    duration_minutes = 20


class MedicationIntakeFactory(factory.django.DjangoModelFactory[MedicationIntake]):
    class Meta:
        model = MedicationIntake

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    taken_at = factory.LazyAttribute(lambda o: local_at(o.client.time_zone, days=-2, hour=10))
    name = "sumatriptan"
    drug_class = "triptan"


class DailyCheckInFactory(factory.django.DjangoModelFactory[DailyCheckIn]):
    class Meta:
        model = DailyCheckIn

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    date = factory.LazyAttribute(lambda o: local_today(o.client.time_zone) - dt.timedelta(days=1))
    had_headache = False


class TriggerExposureFactory(factory.django.DjangoModelFactory[TriggerExposure]):
    class Meta:
        model = TriggerExposure

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    trigger = "stress"
    occurred_at = factory.LazyAttribute(lambda o: local_at(o.client.time_zone, days=-1, hour=18))


class QuestionnaireRequestFactory(factory.django.DjangoModelFactory[QuestionnaireRequest]):
    class Meta:
        model = QuestionnaireRequest

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    instrument = "phq4"


class QuestionnaireResponseFactory(factory.django.DjangoModelFactory[QuestionnaireResponse]):
    class Meta:
        model = QuestionnaireResponse

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    instrument = "midas"
    answered_on = factory.LazyAttribute(lambda o: local_today(o.client.time_zone))
    total = 12
    band = "III"
