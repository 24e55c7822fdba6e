"""Personas, as in healthchecks' tests: an owner, a practitioner, the front desk and a client
of one practice, and an outsider practice with its own staff, clients and records.

Every test runs at the test's now, ``tests.clock.NOW`` (``HEADWISE_TEST_NOW``), never at the
wall clock: the autouse ``clock`` fixture travels there. The date-sensitive tests are marked
``clock`` by the rule below (see CONTRIBUTING.md); ``make test-clock`` runs them at hostile instants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from hypothesis import settings as hypothesis_settings

from headwise.accounts.models import User
from headwise.clients.models import Client
from headwise.practice.models import Practice, Role
from tests import clock as test_clock
from tests import factories as f

# A loaded CI machine must not turn a slow example into a failure: no per-example deadline.
hypothesis_settings.register_profile("headwise", deadline=None)
hypothesis_settings.load_profile("headwise")

# The rule for the marker ``clock`` (date-sensitive; make test-clock runs these at hostile
# instants): a test that reaches the database through these fixtures, in a directory whose code
# turns instants into local days (the diary, the pages, the API, the intake and screen, the
# outcomes) or in this directory's own
# tests of the test world, unless it pins its own instant with a ``frozen`` fixture (then the
# test's now does not reach it). Pure-core tests take their dates as arguments; the tenancy walk
# answers 404 on any day; the demo generator takes ``now`` as an argument. The schemathesis
# runs (marker ``fuzz``) are left out: they draw their own dates, they are the slowest part of the
# suite, and five more runs of them would double CI's time.
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "live_server"})
DATE_SENSITIVE = (
    "tests/diary/",
    "tests/web/",
    "tests/api/",
    "tests/clients/",
    "tests/outcomes/",
    "tests/test_factories.py",
    "tests/test_smoke_world.py",
    "tests/care/test_calendar",  # calendar: weeks and days are the location's local dates
)


def date_sensitive(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    path = item.path.relative_to(item.config.rootpath).as_posix()
    uses_database = bool(names & DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None
    fuzz = item.get_closest_marker("fuzz") is not None
    return uses_database and path.startswith(DATE_SENSITIVE) and "frozen" not in names and not fuzz


def pytest_report_header() -> str:
    return test_clock.describe()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(test_clock.describe())  # also under -q: CI output names the instant


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the date-sensitive tests ``clock``: chosen by the rule above, not by hand."""
    for item in items:
        if date_sensitive(item):
            item.add_marker(pytest.mark.clock)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    """Hold the clock at the test's now for the whole test, its fixtures and server threads.

    ``tick=False``: every call to ``timezone.now()`` in a test answers the same instant. A test
    that needs another instant travels from here (``clock.move_to(...)`` or its own
    ``time_machine.travel``); on leaving, time-machine puts the test's now back.
    """
    with time_machine.travel(test_clock.NOW, tick=False) as traveller:
        yield traveller


@dataclass
class PracticeWorld:
    """A practice with one of every record, and logins for every role."""

    practice: Practice
    owner: User
    practitioner_user: User
    front_desk: User
    client_user: User
    client: Client
    other_client: Client
    records: dict[str, Any] = field(default_factory=dict)


def build_world(name: str) -> PracticeWorld:
    from headwise.care.services import techniques_of

    practice = f.PracticeFactory(name=name)
    location = f.LocationFactory(practice=practice, name=f"{name} centre")
    room = f.RoomFactory(location=location, practice=practice)
    owner_m = f.MembershipFactory(
        practice=practice, role=Role.OWNER, user__email=f"owner@{name.lower()}.example"
    )
    owner_p = f.PractitionerFactory(membership=owner_m, practice=practice)
    prac = f.PractitionerFactory(
        membership__practice=practice, membership__user__email=f"prac@{name.lower()}.example"
    )
    desk = f.MembershipFactory(
        practice=practice, role=Role.FRONT_DESK, user__email=f"desk@{name.lower()}.example"
    )
    client_user = f.UserFactory(email=f"client@{name.lower()}.example")
    client = f.ClientFactory(
        practice=practice,
        user=client_user,
        given_name=f"{name}Client",
        family_name="Own",
        assigned_practitioner=prac,
    )
    other = f.ClientFactory(practice=practice, given_name=f"{name}Second", family_name="Other")
    plan = f.TreatmentPlanFactory(client=client, practice=practice, practitioner=prac)
    phase = f.PlanPhaseFactory(plan=plan, practice=practice)
    appointment = f.AppointmentFactory(
        client=client, practice=practice, practitioner=prac, location=location, room=room, phase=phase
    )
    session = f.SessionRecordFactory(
        client=client, practice=practice, practitioner=prac, appointment=appointment
    )
    attack = f.AttackFactory(client=client, practice=practice)
    # avail: the starter services, all offered by both practitioners; last year's weekly hours
    # and a day away far ahead for the owner (no current hours: the world's bookings at any
    # time pass; tests of availability add their own), a closure far ahead, a waiting client.
    from headwise.practice.services import services_seed

    offered = services_seed(practice=practice)
    owner_p.locations.add(location)
    for who in (owner_p, prac):
        who.services.set(offered)
    records: dict[str, Any] = {
        "service": offered[0],
        "working_hours": f.WorkingHoursFactory(
            practitioner=owner_p,
            location=location,
            valid_from=f.local_today(location.time_zone) - dt.timedelta(days=365),
            valid_until=f.local_today(location.time_zone) - dt.timedelta(days=1),
        ),
        "exception": f.AvailabilityExceptionFactory(
            practitioner=owner_p, date=f.local_today(location.time_zone) + dt.timedelta(days=250)
        ),
        "closure": f.ClosureFactory(practice=practice, location=location),
        "waitlist_entry": f.WaitlistEntryFactory(client=client, service=offered[0]),
        "location": location,
        "room": room,
        "owner_practitioner": owner_p,
        "practitioner": prac,
        "membership": desk,
        "consent_text": f.ConsentTextFactory(practice=practice),
        "plan": plan,
        "phase": phase,
        "appointment": appointment,
        "session": session,
        "follow_up": f.FollowUpFactory(session=session, practice=practice),
        # the practice's list as the first use seeds it (CV4 / still point first)
        "technique": techniques_of(practice=practice).first(),
        "addendum": f.AddendumFactory(session=session, practice=practice, author=prac.membership.user),
        # a week before the test's now, so a screening a test adds at now is the latest one
        "screening": f.SafetyScreeningFactory(
            client=client, practice=practice, screened_at=f.local_at(client.time_zone, days=-7, hour=11)
        ),
        "attack": attack,
        # ics: a live calendar feed of the practitioner (its secret is not kept)
        "calendar_feed": f.CalendarFeedFactory(practitioner=prac, practice=practice),
        "aura": f.AuraSymptomFactory(attack=attack, practice=practice),
        "intake": f.MedicationIntakeFactory(client=client, practice=practice, attack=attack),
        "checkin": f.DailyCheckInFactory(client=client, practice=practice),
        "exposure": f.TriggerExposureFactory(client=client, practice=practice),
        "questionnaire": f.QuestionnaireResponseFactory(client=client, practice=practice),
        "questionnaire_request": f.QuestionnaireRequestFactory(client=client, practice=practice),
        "other_attack": f.AttackFactory(client=other, practice=practice),
        "other_checkin": f.DailyCheckInFactory(client=other, practice=practice),
    }
    records["consent"] = f.ConsentFactory(client=client, practice=practice, text=records["consent_text"])
    # public: the location's public page and a booking request from it
    records["public_page"] = f.PublicPageFactory(location=location, practice=practice)
    records["booking_request"] = f.BookingRequestFactory(location=location, practice=practice, client=other)
    return PracticeWorld(
        practice=practice,
        owner=owner_m.user,
        practitioner_user=prac.membership.user,
        front_desk=desk.user,
        client_user=client_user,
        client=client,
        other_client=other,
        records=records,
    )


@pytest.fixture
def world(db: Any) -> PracticeWorld:
    return build_world("Alpha")


@pytest.fixture
def outsider(db: Any) -> PracticeWorld:
    return build_world("Beta")


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


@pytest.fixture
def as_owner(world: PracticeWorld) -> HttpClient:
    return login(world.owner)


@pytest.fixture
def as_practitioner(world: PracticeWorld) -> HttpClient:
    return login(world.practitioner_user)


@pytest.fixture
def as_front_desk(world: PracticeWorld) -> HttpClient:
    return login(world.front_desk)


@pytest.fixture
def as_client(world: PracticeWorld) -> HttpClient:
    return login(world.client_user)
