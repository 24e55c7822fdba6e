"""The staff home counts follow-ups in the database: the counts agree with the rows' own rule.

``FollowUp.flagged_q`` is ``FollowUp.is_flagged`` as a filter; ``follow_up_counts`` is what
``follow_ups_to_do`` lists, counted. Both are checked against the Python rule over every
combination of due time, answer, side effects and when they passed.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from headwise.care import selectors
from headwise.care.models import FollowUp
from tests import clock as test_clock
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = test_clock.NOW
H = dt.timedelta(hours=1)


def _grid(practice) -> list[FollowUp]:
    """One follow-up for each combination: due (future, just due, 23 h ago, 25 h ago, 9 days ago),
    answered or not, side effects or none, passed never / before the 48 h mark / after it."""
    made = []
    sessions = f.SessionRecordFactory.create_batch(1, client__practice=practice)
    client = sessions[0].client
    practitioner = sessions[0].practitioner
    dues = [NOW + 2 * H, NOW, NOW - 23 * H, NOW - 25 * H, NOW - 9 * 24 * H]
    for i, (due, answered, effects, passed) in enumerate(
        itertools.product(dues, [False, True], [[], ["fatigue"]], [None, "early", "late"])
    ):
        session = f.SessionRecordFactory(
            client=client, practitioner=practitioner, started_at=due - 24 * H - i * dt.timedelta(minutes=1)
        )
        passed_at = {None: None, "early": due + 12 * H, "late": due + 30 * H}[passed]
        if passed_at is not None and passed_at > NOW:
            passed_at = NOW  # nothing passes in the future
        made.append(
            f.FollowUpFactory(
                session=session,
                due_at=due,
                completed_at=(due + H if answered and due + H <= NOW else None),
                side_effects=effects,
                passed_at=passed_at,
            )
        )
    return made


def test_flagged_q_is_is_flagged_on_every_case() -> None:
    practice = f.PracticeFactory()
    rows = _grid(practice)
    for now in (NOW, NOW - 24 * H, NOW + 72 * H):
        in_db = set(FollowUp.objects.filter(FollowUp.flagged_q(now), practice=practice))
        by_rule = {row for row in rows if row.is_flagged(now)}
        assert in_db == by_rule, now
    assert any(row.is_flagged(NOW) for row in rows) and not all(row.is_flagged(NOW) for row in rows)


def test_the_counts_are_what_the_list_shows() -> None:
    practice = f.PracticeFactory()
    rows = _grid(practice)
    f.FollowUpFactory(due_at=NOW - 30 * H)  # another practice's: not counted
    counts = selectors.follow_up_counts(practice=practice, now=NOW)
    todo = selectors.follow_ups_to_do(practice=practice, now=NOW)
    assert (counts.unanswered, counts.flagged) == (len(todo.unanswered), len(todo.flagged))
    expected_unanswered = sum(
        1 for r in rows if r.due_at <= NOW and r.completed_at is None and not r.is_flagged(NOW)
    )
    expected_flagged = sum(1 for r in rows if r.is_flagged(NOW) and r.passed_at is None)
    assert (counts.unanswered, counts.flagged) == (expected_unanswered, expected_flagged)
    assert counts.unanswered > 0 and counts.flagged > 0


def test_the_count_is_not_capped_by_the_list_limit() -> None:
    practice = f.PracticeFactory()
    _grid(practice)
    listed = selectors.follow_ups_to_do(practice=practice, now=NOW, limit=2)
    counts = selectors.follow_up_counts(practice=practice, now=NOW)
    assert len(listed.unanswered) <= 2 < counts.unanswered


def test_the_staff_home_counts_without_reading_the_rows(world) -> None:
    """The home's summary is one aggregate: the same queries for 1 follow-up as for 30, and the
    exact count (the list's 200 limit does not cap it)."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tests.conftest import login  # noqa: PLC0415

    def home() -> tuple[str, int]:
        http = login(world.practitioner_user)
        http.get("/staff/")  # warm: the session, the caches
        with CaptureQueriesContext(connection) as queries:
            page = http.get("/staff/").content.decode()
        return page, len(queries.captured_queries)

    before = FollowUp.objects.filter(
        practice=world.practice, due_at__lte=NOW, completed_at__isnull=True
    ).count()
    f.FollowUpFactory(session__client=world.client, due_at=NOW - 30 * H)
    _, few = home()
    f.FollowUpFactory.create_batch(29, session__client=world.client, due_at=NOW - 30 * H)
    page, many = home()
    assert many == few
    assert f"{before + 30} not answered yet" in page
