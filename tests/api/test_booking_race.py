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
