"""The one-tap save's SQL overlap query answers exactly as the ORM definition of overlap."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import time_machine
from django.db.models import Q

from headwise.diary.models import Attack
from headwise.diary.services import _overlap_q, _twin_or_overlapping
from tests import factories as f

NOW = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)


def orm_answer(candidate: Attack) -> list[tuple[int, bool]]:
    """What the ORM says: overlapping or same-submission attacks, earliest first."""
    condition = _overlap_q(candidate)
    if candidate.request_id is not None:
        condition |= Q(request_id=candidate.request_id)
    rows = (
        Attack.objects.filter(condition, client_id=candidate.client_id)
        .order_by("started_at")
        .values_list("pk", "request_id")
    )
    return [(pk, rid is not None and rid == candidate.request_id) for pk, rid in rows]


@time_machine.travel(NOW, tick=False)
def test_sql_and_orm_agree_on_every_kind_of_neighbour(db: Any) -> None:
    rnd = random.Random(20261122)  # noqa: S311 - test data
    client = f.ClientFactory()
    other = f.ClientFactory(practice=client.practice)
    base = NOW - dt.timedelta(days=3)
    stored = []
    for k in range(40):
        start = base + dt.timedelta(hours=k * 1.5 + rnd.choice([0, 0.25, 0.5]))
        end = None if k == 39 else start + dt.timedelta(hours=rnd.choice([0.5, 1, 1.5, 2]))
        stored.append(
            Attack(
                practice=client.practice,
                client=client if k % 7 else other,
                request_id=uuid.uuid4() if k % 3 else None,
                started_at=start,
                ended_at=end,
                time_zone="UTC",
                deleted_at=NOW if k % 5 == 0 else None,
            )
        )
    # Stored overlaps are possible here on purpose (bulk_create checks nothing): the query
    # must answer for any table, not only for a valid one.
    Attack.objects.bulk_create(stored)
    saved = list(Attack.objects.filter(client=client))
    checked = 0
    for _ in range(300):
        start = base + dt.timedelta(minutes=rnd.randrange(0, 70 * 60))
        start = min(start, NOW)
        end = rnd.choice([None, start + dt.timedelta(minutes=rnd.choice([1, 30, 90, 240]))])
        twin = rnd.choice([None, None, rnd.choice(saved).request_id, uuid.uuid4()])
        candidate = Attack(
            practice=client.practice,
            client=client,
            request_id=twin,
            started_at=start,
            ended_at=end if end is None or end <= NOW else NOW,
            time_zone="UTC",
        )
        if candidate.ended_at is not None and candidate.ended_at <= candidate.started_at:
            candidate.ended_at = None
        assert _twin_or_overlapping(candidate) == orm_answer(candidate), (start, end, twin)
        checked += bool(orm_answer(candidate))
    assert checked > 50  # most candidates met something: the comparison was not all empty
