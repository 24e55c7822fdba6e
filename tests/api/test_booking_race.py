"""Two bookings of one slot at the same moment: the practitioner lock lets exactly one through."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from headwise.care import services
from headwise.care.models import Appointment
from tests import factories as f
from tests.conftest import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_books_a_contested_slot_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    world = build_world("Race")
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    starts = (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)
    gate, outcomes = threading.Barrier(2), []

    def book(client_id) -> None:
        gate.wait()
        try:
            services.appointment_book(
                practice=world.practice,
                by=world.front_desk,
                client_id=client_id,
                practitioner_id=practitioner.uuid,
                location_id=location.uuid,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
            )
            outcomes.append("booked")
        except ValidationError as exc:
            outcomes.append(",".join(exc.message_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(c.uuid,)) for c in (world.client, world.other_client)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "starts_at"]
    assert Appointment.objects.filter(practitioner=practitioner, starts_at=starts).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_double_booking_the_checks_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL's exclusion constraints hold the rule for every path that writes a row; the
    service answers a breach as its own check would (field and reason), and writes nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints are PostgreSQL's; on SQLite the service's check is the guard")
    world = build_world("Guard")
    practitioner, location = world.records["practitioner"], world.records["location"]
    practitioner.locations.add(location)
    room = f.RoomFactory(location=location, practice=world.practice)
    f.SafetyScreeningFactory(client=world.other_client, practice=world.practice)
    starts = (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)
    hour = dt.timedelta(hours=1)
    base = {"practice": world.practice, "by": world.front_desk, "location_id": location.uuid}
    first = services.appointment_book(
        **base,
        client_id=world.client.uuid,
        practitioner_id=practitioner.uuid,
        room_id=room.uuid,
        starts_at=starts,
        ends_at=starts + hour,
    )
    monkeypatch.setattr(services, "_check_slot", lambda appointment: None)  # as if another path
    other = f.PractitionerFactory(practice=world.practice)
    other.locations.add(location)
    attempts = {
        "starts_at": {"practitioner_id": practitioner.uuid, "starts_at": starts + hour / 2},
        "room_id": {"practitioner_id": other.uuid, "room_id": room.uuid, "starts_at": starts + hour / 2},
    }
    for field, slot in attempts.items():
        with pytest.raises(ValidationError) as refused:
            services.appointment_book(
                **base, client_id=world.other_client.uuid, **slot, ends_at=slot["starts_at"] + hour
            )
        assert list(refused.value.message_dict) == [field]
    assert Appointment.objects.filter(practice=world.practice, starts_at__gte=starts).count() == 1
    # Back to back is no overlap; a cancelled appointment frees its time.
    services.appointment_book(
        **base,
        client_id=world.other_client.uuid,
        practitioner_id=practitioner.uuid,
        room_id=room.uuid,
        starts_at=starts + hour,
        ends_at=starts + 2 * hour,
    )
    services.appointment_update(appointment=first, by=world.front_desk, status="cancelled")
    services.appointment_book(
        **base,
        client_id=world.other_client.uuid,
        practitioner_id=practitioner.uuid,
        room_id=room.uuid,
        starts_at=starts,
        ends_at=starts + hour,
    )
