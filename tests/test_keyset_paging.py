"""Keyset paging of the long lists (#14, "Flat lists"): headwise.common.paging.

A page is read from the list's index after the row its link names: a late page reads no more
rows, and runs no more queries, than an early one, whatever the practice's history. The cursor
is signed for its list and its practice (or client): changed, cut short, or carried to another
list or practice, it is a clear 400 page, never a 500 and never another practice's rows.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record
from headwise.clients.models import Client
from headwise.diary.models import Attack
from tests import factories as f
from tests.clock import NOW
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a href="([^"]*)" rel="next"')
PREV = re.compile(r'<a href="([^"]*)" rel="prev"')
CLIENT_LINK = re.compile(r'href="/clients/([0-9a-f-]{36})/"')
BAD_LINK = "This page link is not valid: it was changed, or it is out of date."


def _link(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return html.unescape(found.group(1)) if found else None


def _add_clients(
    practice: Any, n: int, *, family: str = "Zz", given: str = "Pagetest", start: int = 0
) -> None:
    Client.objects.bulk_create(
        [
            Client(
                practice=practice,
                given_name=given,
                family_name=f"{family}{k:04d}" if family else "Same",
                email=f"paged{start + k}-{practice.pk}@example.org",
                date_of_birth=dt.date(1980, 1, 1),
                time_zone="Europe/Amsterdam",
            )
            for k in range(start, start + n)
        ]
    )


def _walk(http: HttpClient, url: str, data: dict[str, str] | None = None) -> list[str]:
    """Every page of a list, following its "Next" links; the pages' HTML."""
    pages = [http.get(url, data).text]
    while (following := _link(NEXT, pages[-1])) is not None:
        response = http.get(following)
        assert response.status_code == 200, following
        pages.append(response.text)
        assert len(pages) < 200
    return pages


def test_the_client_list_reaches_every_client_once_and_keeps_the_search(
    as_practitioner: HttpClient, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    _add_clients(world.practice, 120)
    _add_clients(outsider.practice, 3, family="Zz9")
    pages = _walk(as_practitioner, "/clients/", {"q": "pagetest"})
    assert len(pages) == 3
    shown = [u for page in pages for u in CLIENT_LINK.findall(page)]
    mine = Client.objects.filter(practice=world.practice, given_name="Pagetest").order_by(
        "family_name", "given_name", "pk"
    )
    assert shown == [str(c.uuid) for c in mine]  # in name order, each once, none of Beta's
    # The search's words are in every page link; the first page has no "Previous", the last no "Next".
    assert "q=pagetest&cursor=" in (_link(NEXT, pages[0]) or "")
    assert _link(PREV, pages[0]) is None and _link(NEXT, pages[-1]) is None
    assert "1–50 of" not in pages[0]  # no count: the list is not counted
    # "Previous" goes back a page, with the search: from the last page to the second, and from
    # there to the first (which has no "Previous" of its own).
    back = as_practitioner.get(_link(PREV, pages[2]))
    assert CLIENT_LINK.findall(back.text) == CLIENT_LINK.findall(pages[1])
    assert "q=pagetest&cursor=" in (_link(PREV, back.text) or "")
    first = as_practitioner.get(_link(PREV, back.text))
    assert CLIENT_LINK.findall(first.text) == CLIENT_LINK.findall(pages[0])
    assert _link(PREV, first.text) is None and _link(NEXT, first.text) is not None


def test_ties_on_the_name_neither_repeat_nor_skip(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    _add_clients(world.practice, 130, family="", given="Twin")
    shown = [
        u for page in _walk(as_practitioner, "/clients/", {"q": "twin"}) for u in CLIENT_LINK.findall(page)
    ]
    twins = Client.objects.filter(practice=world.practice, given_name="Twin").order_by("pk")
    assert shown == [str(c.uuid) for c in twins]


def test_an_empty_list_and_a_short_one_have_no_pager(
    as_practitioner: HttpClient, world: PracticeWorld
) -> None:
    empty = as_practitioner.get("/clients/", {"q": "nobody-is-called-this"})
    assert empty.status_code == 200 and "No clients match." in empty.text
    assert 'rel="next"' not in empty.text and 'rel="prev"' not in empty.text
    short = as_practitioner.get("/clients/")
    assert 'class="pager' not in short.text


def test_htmx_and_plain_links_page_alike(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    _add_clients(world.practice, 60)
    first = as_practitioner.get("/clients/", {"q": "pagetest"}, HTTP_HX_REQUEST="true")
    assert "<html" not in first.text
    following = _link(NEXT, first.text)
    assert following is not None
    fragment = as_practitioner.get(following, HTTP_HX_REQUEST="true")
    whole = as_practitioner.get(following)
    assert "<html" not in fragment.text and "<html" in whole.text
    assert CLIENT_LINK.findall(fragment.text) == CLIENT_LINK.findall(whole.text) != []


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # the signature changed
        lambda c: "x" + c,  # the value changed
        lambda c: c[: len(c) // 2],  # cut short
        lambda c: "not-a-cursor",
        lambda c: "' OR 1=1 --",
    ],
)
def test_a_changed_cursor_is_a_clear_400(
    as_practitioner: HttpClient, world: PracticeWorld, mangle: Any
) -> None:
    _add_clients(world.practice, 60)
    following = _link(NEXT, as_practitioner.get("/clients/", {"q": "pagetest"}).text)
    assert following is not None
    cursor = following.split("cursor=", 1)[1]
    from urllib.parse import unquote

    response = as_practitioner.get("/clients/", {"q": "pagetest", "cursor": mangle(unquote(cursor))})
    assert response.status_code == 400
    assert BAD_LINK in response.text and 'href="/clients/"' in response.text
    assert "Zz0000" not in response.text


def test_a_cursor_of_another_practice_or_list_shows_nothing_of_it(
    world: PracticeWorld, outsider: PracticeWorld, as_practitioner: HttpClient
) -> None:
    _add_clients(world.practice, 60)
    _add_clients(outsider.practice, 60, family="Yy")
    from tests.conftest import login

    theirs = _link(NEXT, login(outsider.practitioner_user).get("/clients/", {"q": "pagetest"}).text)
    assert theirs is not None
    response = as_practitioner.get(theirs)
    assert response.status_code == 400 and "Yy00" not in response.text
    # A cursor of the attack list is no cursor of the client list either.
    for k in range(55):
        f.AttackFactory(client=world.client, started_at=NOW - dt.timedelta(days=k + 1), ended_at=None)
    from tests.conftest import login as sign_in

    attacks = _link(NEXT, sign_in(world.client_user).get("/diary/attacks/").text)
    assert attacks is not None
    response = as_practitioner.get("/clients/?" + attacks.split("?", 1)[1])
    assert response.status_code == 400


def test_the_attack_list_pages_newest_first_with_ties(world: PracticeWorld, as_client: HttpClient) -> None:
    at = NOW - dt.timedelta(days=2)
    mine = [f.AttackFactory(client=world.client, started_at=at, ended_at=None) for _ in range(30)]
    mine += [
        f.AttackFactory(client=world.client, started_at=NOW - dt.timedelta(days=k + 3), ended_at=None)
        for k in range(40)
    ]
    f.AttackFactory(client=world.other_client, started_at=NOW - dt.timedelta(days=3), ended_at=None)
    pages = _walk(as_client, "/diary/attacks/")
    shown = [u for page in pages for u in re.findall(r'href="/diary/attacks/([0-9a-f-]{36})/"', page)]
    expected = Attack.objects.filter(client=world.client, deleted_at=None).order_by("-started_at", "-pk")
    assert shown == [str(a.uuid) for a in expected]
    assert {str(a.uuid) for a in mine} <= set(shown)


def test_the_audit_page_pages_by_number_and_keeps_its_filter(
    world: PracticeWorld, as_owner: HttpClient
) -> None:
    for _ in range(70):
        audit_record(
            action=AuditAction.VIEW, actor=world.owner, practice=world.practice, client=world.client.uuid
        )
    pages = _walk(as_owner, "/practice/audit/", {"action": AuditAction.VIEW})
    assert len(pages) >= 2
    assert "action=view" in (_link(NEXT, pages[0]) or "")
    tampered = as_owner.get("/practice/audit/", {"action": AuditAction.VIEW, "cursor": "nonsense"})
    assert tampered.status_code == 400 and BAD_LINK in tampered.text


# --- a late page reads no more than an early one ---------------------------------------------


def _page_query(http: HttpClient, url: str) -> tuple[int, str]:
    """The number of queries a client-list page runs, and the SQL of its page of clients."""
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url)
    assert response.status_code == 200
    table = Client._meta.db_table
    pages = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"] and "LIMIT 51" in q["sql"]
    ]
    assert len(pages) == 1, pages
    return len(captured.captured_queries), pages[0]


def _late_page(http: HttpClient, pages: int) -> str:
    url = "/clients/"
    for _ in range(pages):
        following = _link(NEXT, http.get(url).text)
        assert following is not None
        url = following
    return url


def _plan_rows(sql: str) -> tuple[set[str], int]:
    """PostgreSQL: the plan's node types and the client rows its scans read (EXPLAIN ANALYZE)."""
    with connection.cursor() as cursor:
        # As in tests/test_list_plans.py: on a test table the planner may still prefer to read the
        # practice's rows in a heap or bitmap scan and sort them; what is checked is that the
        # list's index serves the page, reading the page's rows only, as it will on a large table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    nodes, stack = [], [plan]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    rows = sum(
        int(n.get("Actual Rows", 0)) + int(n.get("Rows Removed by Filter", 0))
        for n in nodes
        if n.get("Relation Name") == Client._meta.db_table
    )
    return {n["Node Type"] for n in nodes} | {str(n.get("Index Name")) for n in nodes}, rows


def _sqlite_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def test_a_late_page_of_a_long_list_reads_no_more_than_an_early_one_of_a_short_list(
    world: PracticeWorld, as_practitioner: HttpClient
) -> None:
    """Page 2 of 100 clients against page 40 of 2,000: the same queries, the same rows read."""
    _add_clients(world.practice, 100)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Client._meta.db_table}")
    early_count, early_sql = _page_query(as_practitioner, _late_page(as_practitioner, 1))
    _add_clients(world.practice, 1900, start=100)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Client._meta.db_table}")
    late_count, late_sql = _page_query(as_practitioner, _late_page(as_practitioner, 39))
    assert late_count == early_count
    assert "OFFSET" not in late_sql.upper() and "COUNT(" not in late_sql.upper()
    if connection.vendor == "postgresql":
        early_kinds, early_rows = _plan_rows(early_sql)
        late_kinds, late_rows = _plan_rows(late_sql)
        # Seek the index to the link's row and read 51 rows in order: no sort of every client.
        assert {"Limit", "client_list_idx"} <= late_kinds and "Sort" not in late_kinds, late_kinds
        assert late_rows == early_rows == 51
    else:
        plan = _sqlite_plan(late_sql)
        assert "client_list_idx" in plan and "TEMP B-TREE" not in plan, plan


def test_a_late_page_of_a_long_diary_comes_from_its_index(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    """A client's list of attacks, years of it: a later page seeks the attack index, no sort."""
    Attack.objects.bulk_create(
        [
            Attack(
                practice=world.practice,
                client=world.client,
                started_at=NOW - dt.timedelta(days=k + 1, hours=k % 3),
                time_zone="Europe/Amsterdam",
            )
            for k in range(300)
        ]
    )
    url = "/diary/attacks/"
    for _ in range(4):
        following = _link(NEXT, as_client.get(url).text)
        assert following is not None
        url = following
    with CaptureQueriesContext(connection) as captured:
        assert as_client.get(url).status_code == 200
    table = Attack._meta.db_table
    pages = [
        q["sql"]
        for q in captured.captured_queries
        if f'FROM "{table}"' in q["sql"] and "LIMIT 51" in q["sql"]
    ]
    assert len(pages) == 1, pages
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A small test table is cheapest to scan whole; what is checked is that the index
            # serves the page (as tests/test_list_plans.py does).
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {pages[0]}")
            raw = cursor.fetchone()[0]
        plan = json.dumps(json.loads(raw) if isinstance(raw, str) else raw)
        assert "attack_client_list_idx" in plan and '"Sort"' not in plan, plan
    else:
        plan = _sqlite_plan(pages[0])
        assert "attack_client_list_idx" in plan and "TEMP B-TREE" not in plan, plan
