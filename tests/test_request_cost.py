"""The fixed cost of a request (#14): no session write on a request that changes nothing, and
query counts that do not grow with a client's diary or a practice's client list."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.conftest import PracticeWorld


def _queries(http: HttpClient, method: str, url: str, data: dict[str, str] | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(http, method)(url, data)
    assert response.status_code in (200, 302), (url, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def _session_writes(sql: list[str]) -> list[str]:
    return [q for q in sql if "django_session" in q and not q.lstrip().upper().startswith("SELECT")]


def test_it_writes_no_session_row_on_pages_that_change_nothing(
    world: PracticeWorld, as_client: HttpClient, as_owner: HttpClient
) -> None:
    pages = [
        (as_client, "/diary/month/"),
        (as_client, "/me/"),
        (as_owner, "/staff/"),
        (as_owner, "/clients/"),
        (as_owner, f"/clients/{world.client.uuid}/"),
        (as_owner, f"/clients/{world.client.uuid}/diary/"),
    ]
    for http, url in pages:
        http.get(url)  # the first request may refresh what the sign-in left
        sql = _queries(http, "get", url)
        assert _session_writes(sql) == [], url
        # The session is read once, the user once: the fixed cost stays small.
        assert sum("django_session" in q for q in sql) == 1, url


def test_it_still_saves_the_session_when_it_changes(world: PracticeWorld) -> None:
    http = HttpClient()
    http.get("/login/")
    response = http.post("/login/", {"username": world.client_user.email, "password": "x"})
    # A failed sign-in changes nothing; a successful one must write the session.
    assert response.status_code == 200
    world.client_user.set_password("a long enough pass phrase")
    world.client_user.save()
    with CaptureQueriesContext(connection) as captured:
        response = http.post(
            "/login/", {"username": world.client_user.email, "password": "a long enough pass phrase"}
        )
    assert response.status_code == 302
    assert _session_writes([q["sql"] for q in captured.captured_queries])
    assert http.get("/diary/month/").status_code == 200


def _grow_diary(world: PracticeWorld, days: int) -> None:
    from headwise.diary.models import Attack, DailyCheckIn

    client = world.client
    today = f.local_today(client.time_zone)
    DailyCheckIn.objects.bulk_create(
        [
            DailyCheckIn(
                client=client,
                practice=world.practice,
                date=today - dt.timedelta(days=d),
                had_headache=False,
                stress=3,
            )
            for d in range(2, days)
            if not DailyCheckIn.objects.filter(client=client, date=today - dt.timedelta(days=d)).exists()
        ]
    )
    Attack.objects.bulk_create(
        [
            Attack(
                client=client,
                practice=world.practice,
                started_at=f.local_at(client.time_zone, days=-d, hour=9),
                ended_at=f.local_at(client.time_zone, days=-d, hour=11),
                time_zone=client.time_zone,
            )
            for d in range(10, days, 3)
        ]
    )
    f.ClientFactory.create_batch(30, practice=world.practice)


def test_query_counts_stay_flat_as_the_practice_and_diary_grow(
    world: PracticeWorld, as_client: HttpClient, as_owner: HttpClient
) -> None:
    def counts() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, http, method, url in [
            ("staff home", as_owner, "get", "/staff/"),
            ("client list", as_owner, "get", "/clients/"),
            ("client page", as_owner, "get", f"/clients/{world.client.uuid}/"),
            ("staff diary", as_owner, "get", f"/clients/{world.client.uuid}/diary/"),
            ("diary month", as_client, "get", "/diary/month/"),
        ]:
            http.get(url)
            out[name] = len(_queries(http, method, url))
        sql = _queries(as_client, "post", "/diary/attack/", {"request_id": str(uuid.uuid4())})
        out["diary write"] = len(sql)
        from headwise.diary.models import Attack

        Attack.objects.filter(client=world.client, ended_at__isnull=True).delete()
        return out

    before = counts()
    _grow_diary(world, 200)
    after = counts()
    assert after == before


def test_the_client_page_s_queries_do_not_grow_with_a_year_of_diary(
    world: PracticeWorld, as_owner: HttpClient
) -> None:
    """A client in maintenance on a plan of 400 days: the page with 30 and with 300 diary days."""
    from headwise.care.models import PhaseKind
    from headwise.diary.models import DailyCheckIn
    from tests.web.plan_world import migraine_attack

    client = world.client
    today = f.local_today(client.time_zone)
    started = today - dt.timedelta(days=400)
    plan = f.TreatmentPlanFactory(
        client=client, practice=world.practice, practitioner=world.records["practitioner"], started_on=started
    )
    f.PlanPhaseFactory(plan=plan, practice=world.practice, kind=PhaseKind.MAINTENANCE, starts_on=started)

    def diary_back_to(days: int, since: int = 0) -> None:
        taken = set(DailyCheckIn.objects.filter(client=client).values_list("date", flat=True))
        new = [today - dt.timedelta(days=d) for d in range(since, days)]
        DailyCheckIn.objects.bulk_create(
            [
                DailyCheckIn(client=client, practice=world.practice, date=d, had_headache=False)
                for d in new
                if d not in taken
            ]
        )
        for d in range(since, days):
            if d % 6 == 2:
                migraine_attack(client, today - dt.timedelta(days=d))

    url = f"/clients/{client.uuid}/"
    diary_back_to(30)
    as_owner.get(url)
    short = _queries(as_owner, "get", url)
    diary_back_to(300, since=30)
    as_owner.get(url)
    long = _queries(as_owner, "get", url)
    assert len(long) == len(short), "\n".join(long)
