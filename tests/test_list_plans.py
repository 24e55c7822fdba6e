"""Lists that stay flat as a practice's history grows (#14).

On PostgreSQL the query plan is read back (EXPLAIN ANALYZE): the rows the database reads for
the schedule "from now on" must not grow with the number of past appointments, the client
list's page must come from its index in order, and client search must be able to use the
trigram indexes (see that test for how). The test tables are tiny, where a sequential scan is
always cheapest, so the plans are asked for with sequential scans discouraged
(``enable_seqscan = off``): what is checked is that an index *serves* the query, as it will
when the tables are large. On SQLite the same selectors answer the same rows (the correctness
half), checked on both databases.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from headwise.care import selectors as care_selectors
from headwise.care.models import Appointment
from headwise.clients.models import Client
from headwise.clients.selectors import clients_search
from tests import factories as f
from tests.conftest import PracticeWorld

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="query plans are PostgreSQL's")


def _plan(sql: str, params: Any) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _rows_read(plan: dict[str, Any], table: str) -> int:
    """Rows the scans of ``table`` produced plus those they read and threw away."""
    return sum(
        int(n.get("Actual Rows", 0))
        + int(n.get("Rows Removed by Filter", 0))
        + int(n.get("Rows Removed by Index Recheck", 0))
        for n in _nodes(plan)
        if n.get("Relation Name") == table
    )


def _upcoming(world: PracticeWorld) -> Any:
    found = care_selectors.appointments_list(
        appointments=Appointment.objects.filter(practice=world.practice),
        day=None,
        time_zone=world.practice.time_zone,
    )
    return found[:100]


def _add_past(world: PracticeWorld, n: int, skip: int = 0) -> None:
    appointment = world.records["appointment"]
    Appointment.objects.bulk_create(
        [
            Appointment(
                practice=world.practice,
                client=appointment.client,
                practitioner=appointment.practitioner,
                location=appointment.location,
                starts_at=f.local_at(world.practice.time_zone, days=-(skip + i + 1), hour=10),
                ends_at=f.local_at(world.practice.time_zone, days=-(skip + i + 1), hour=11),
            )
            for i in range(n)
        ]
    )


def test_the_schedule_from_now_on_answers_only_what_has_not_ended(world: PracticeWorld) -> None:
    _add_past(world, 50)
    upcoming = list(_upcoming(world))
    assert upcoming == [world.records["appointment"]]
    assert all(a.ends_at > timezone.now() for a in upcoming)


@postgres_only
def test_the_schedule_reads_the_same_rows_however_long_the_past(world: PracticeWorld) -> None:
    table = Appointment._meta.db_table
    _add_past(world, 20)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    sql, params = _upcoming(world).query.sql_with_params()
    small = _rows_read(_plan(sql, params), table)
    _add_past(world, 600, skip=20)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    large = _rows_read(_plan(sql, params), table)
    # 30 times the past, not more rows read: at most what the short past needed (the planner
    # may read the few past rows of a tiny table in order rather than sort), and at 620 past
    # appointments only the one still to come.
    assert large <= small <= 21
    assert large == 1


@postgres_only
def test_a_client_list_page_comes_from_its_index_in_order(world: PracticeWorld) -> None:
    f.ClientFactory.create_batch(60, practice=world.practice)
    sql, params = clients_search(practice=world.practice)[:25].query.sql_with_params()
    plan = _plan(sql, params)
    names = {n.get("Index Name") for n in _nodes(plan)}
    kinds = {n["Node Type"] for n in _nodes(plan)}
    assert "client_list_idx" in names
    assert "Sort" not in kinds  # the index gives the order: no sort of every client
    assert _rows_read(plan, Client._meta.db_table) == 25


@postgres_only
def test_client_search_can_use_the_trigram_indexes(world: PracticeWorld) -> None:
    """The search's SQL matches the trigram indexes' expression (``UPPER(col::text)``).

    On a practice of a few thousand clients the planner rightly reads the practice's rows from
    its B-tree and filters them; the trigram indexes pay off when the practice's own rows no
    longer narrow the search down. To see that they *can* serve the search, the table's other
    (B-tree) indexes are dropped inside the test's transaction (rolled back after it).
    """
    f.ClientFactory.create_batch(40, practice=world.practice)
    table = Client._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks: ALTER TABLE may run
        for name, about in constraints.items():
            if about["index"] and not about["unique"] and about.get("type") in ("idx", "btree"):
                cursor.execute(f'DROP INDEX "{name}"')
            elif about["unique"] and not about["primary_key"] and about["columns"] != ["uuid"]:
                # e.g. (practice_id, uuid): a B-tree that leads with the practice too
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    found = clients_search(practice=world.practice, query="alphaclient")[:25]
    sql, params = found.query.sql_with_params()
    names = {n.get("Index Name") for n in _nodes(_plan(sql, params))}
    assert names & {"client_given_name_trgm", "client_family_name_trgm", "client_email_trgm"}, names
    assert list(found) == [world.client]


def test_client_search_finds_the_same_clients_on_every_database(world: PracticeWorld) -> None:
    found = list(clients_search(practice=world.practice, query="alphaclient own"))
    assert found == [world.client]
    assert list(clients_search(practice=world.practice, query="ALPHASEC")) == [world.other_client]
    assert list(clients_search(practice=world.practice, query="nobody-is-called-this")) == []


def test_the_schedule_of_the_practice_never_shows_another_practices(
    world: PracticeWorld, outsider: PracticeWorld
) -> None:
    mine = list(_upcoming(world))
    assert outsider.records["appointment"] not in mine
    assert dt.timedelta(0) < mine[0].ends_at - timezone.now()
