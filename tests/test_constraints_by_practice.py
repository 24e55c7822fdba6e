"""Constraints that include ``practice_id``, so that a database sharded by practice (Citus) can
hold them (issue #14, item 5; docs/deployment.md, "Sharding by practice").

A practice-scoped record's public uuid is unique within its practice, not on its own: the
database has a unique constraint on ``(practice_id, uuid)``, none on ``uuid`` alone, and a plain
index on ``uuid`` for the lookups by uuid alone. The same uuid in two practices is therefore
allowed now (a uuid4 collision, which does not happen in practice); twice in one practice it is
refused. The practice itself and the user are not practice-scoped and keep a unique uuid. On
PostgreSQL the double-booking exclusion constraints lead with ``practice_id WITH =``. A sent
reminder carries its client's practice too.
"""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction

from headwise.accounts.models import User
from headwise.care.models import PRACTITIONER_FREE, ROOM_FREE
from headwise.clients.models import Client
from headwise.diary.models import ReminderSent
from headwise.practice.models import Practice
from tests import factories as f

pytestmark = pytest.mark.django_db


def _is_history(model: type[models.Model]) -> bool:
    """simple-history's copy of a model: many rows per uuid, by design (its uuid is indexed)."""
    return hasattr(model, "instance_type")


def _scoped_public_models() -> list[type[models.Model]]:
    """Every concrete model with a practice foreign key and a uuid field."""
    found = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if {"practice", "uuid"} <= names and model._meta.get_field("practice").is_relation:
            found.append(model)
    return found


def _constraints(model: type[models.Model]) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def _unique_column_sets(model: type[models.Model]) -> list[list[str]]:
    return [c["columns"] for c in _constraints(model).values() if c["unique"]]


def _index_column_sets(model: type[models.Model]) -> list[list[str]]:
    return [c["columns"] for c in _constraints(model).values() if c["index"] and not c["unique"]]


def test_the_walk_finds_the_practice_scoped_models() -> None:
    """Guards the walk below against finding nothing (e.g. after a rename)."""
    found = {m._meta.label for m in _scoped_public_models() if not _is_history(m)}
    assert {"clients.Client", "care.Appointment", "diary.Attack", "practice.Membership"} <= found
    assert len(found) >= 38


@pytest.mark.parametrize("model", _scoped_public_models(), ids=lambda m: m._meta.label)
def test_a_practice_scoped_uuid_is_unique_per_practice_only(model: type[models.Model]) -> None:
    uniques = _unique_column_sets(model)
    assert ["uuid"] not in uniques, f"{model._meta.label}: a unique constraint on uuid alone"
    if _is_history(model):
        return
    assert ["practice_id", "uuid"] in uniques, f"{model._meta.label}: no unique (practice_id, uuid)"
    # The lookups by uuid alone (task payloads, e-mailed links, feeds) keep an index to use.
    assert ["uuid"] in _index_column_sets(model), f"{model._meta.label}: no index on uuid"


@pytest.mark.parametrize("model", [Practice, User], ids=lambda m: m._meta.label)
def test_what_is_not_practice_scoped_keeps_a_unique_uuid(model: type[models.Model]) -> None:
    assert ["uuid"] in _unique_column_sets(model)


def test_a_sent_reminder_is_once_a_day_within_its_practice() -> None:
    """``diary_remindersent`` carries ``practice_id`` and its "once a day" includes it."""
    assert ["practice_id", "client_id", "date", "kind"] in _unique_column_sets(ReminderSent)
    assert not ReminderSent._meta.get_field("practice").null


def test_one_uuid_may_be_in_two_practices_but_not_twice_in_one() -> None:
    shared = uuid.uuid4()
    one, other = f.PracticeFactory(), f.PracticeFactory()
    f.ClientFactory(practice=one, uuid=shared)
    f.ClientFactory(practice=other, uuid=shared)  # a collision across practices is allowed now
    assert Client.objects.filter(uuid=shared).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ClientFactory(practice=one, uuid=shared)
    assert Client.objects.for_practice(one).filter(uuid=shared).count() == 1


def test_the_double_booking_constraints_lead_with_the_practice() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints are PostgreSQL's; SQLite relies on the service's lock")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'care_appointment'::regclass AND contype = 'x'"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {PRACTITIONER_FREE, ROOM_FREE}
    lead = "EXCLUDE USING gist (practice_id WITH =, "
    assert found[PRACTITIONER_FREE].startswith(lead + "practitioner_id WITH =, tstzrange(starts_at, ends_at")
    assert found[ROOM_FREE].startswith(lead + "room_id WITH =, tstzrange(starts_at, ends_at")
