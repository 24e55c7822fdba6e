"""Factories for every model: each builds a record that belongs to one practice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from headwise.accounts.models import User
from headwise.care.models import (
    Appointment,
    FollowUp,
    PhaseKind,
    PlanPhase,
    SessionRecord,
    TreatmentPlan,
)
from headwise.clients.models import Client, Consent, ConsentKind, ConsentText, SafetyScreening
from headwise.diary.models import (
    Attack,
    AuraSymptom,
    DailyCheckIn,
    MedicationIntake,
    TriggerExposure,
)
from headwise.outcomes.models import QuestionnaireResponse
from headwise.practice.models import (
    CstStyle,
    Location,
    Membership,
    Practice,
    Practitioner,
    Profession,
    Role,
    Room,
)

PASSWORD = "correct-horse-battery-staple"


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
    started_on = dt.date(2026, 1, 5)


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
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + dt.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


class SessionRecordFactory(factory.django.DjangoModelFactory[SessionRecord]):
    class Meta:
        model = SessionRecord

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    practitioner = factory.SubFactory(
        PractitionerFactory, membership__practice=factory.SelfAttribute("...practice")
    )
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    style = CstStyle.BIODYNAMIC
    regions = factory.LazyFunction(lambda: ["skull_base", "sacrum"])


class FollowUpFactory(factory.django.DjangoModelFactory[FollowUp]):
    class Meta:
        model = FollowUp

    session = factory.SubFactory(SessionRecordFactory)
    practice = factory.SelfAttribute("session.practice")
    due_at = factory.LazyAttribute(lambda o: o.session.started_at + dt.timedelta(hours=24))


class AttackFactory(factory.django.DjangoModelFactory[Attack]):
    class Meta:
        model = Attack

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    started_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) - dt.timedelta(days=2))
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
    taken_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    name = "sumatriptan"
    drug_class = "triptan"


class DailyCheckInFactory(factory.django.DjangoModelFactory[DailyCheckIn]):
    class Meta:
        model = DailyCheckIn

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    had_headache = False


class TriggerExposureFactory(factory.django.DjangoModelFactory[TriggerExposure]):
    class Meta:
        model = TriggerExposure

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    trigger = "stress"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class QuestionnaireResponseFactory(factory.django.DjangoModelFactory[QuestionnaireResponse]):
    class Meta:
        model = QuestionnaireResponse

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    instrument = "midas"
    answered_on = factory.LazyFunction(timezone.localdate)
    total = 12
    band = "III"
