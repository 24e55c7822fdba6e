"""The API's growing lists come in pages that neither repeat nor skip a record, and count only
the caller's own records."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.test import RequestFactory

from headwise.clients.models import Client
from headwise.common.api_access import StablePages
from tests import factories as f
from tests.api.conftest import fields_of
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db


def walk(http: HttpClient, url: str, limit: int, key: str = "id", **query: str) -> tuple[list[str], set[int]]:
    """Every ``key`` over the pages of ``url`` (with ``query``), in order, and the pages' counts."""
    ids: list[str] = []
    counts: set[int] = set()
    offset = 0
    while True:
        page: dict[str, Any] = http.get(url, {**query, "limit": limit, "offset": offset}).json()
        counts.add(page["count"])
        if not page["items"]:
            return ids, counts
        ids += [item[key] for item in page["items"]]
        offset += limit


def test_pages_of_tied_names_neither_repeat_nor_skip(
    as_front_desk: HttpClient, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    """Seven clients with one name tie in the list's order (by name); the key breaks the tie."""
    same = [f.ClientFactory(practice=world.practice, given_name="Tied", family_name="Same") for _ in range(7)]
    f.ClientFactory(practice=outsider.practice, given_name="Tied", family_name="Same")
    ids, counts = walk(as_front_desk, "/api/clients", limit=3, q="tied")
    assert ids == [str(c.uuid) for c in sorted(same, key=lambda c: c.pk)]
    assert counts == {7}  # the other practice's namesake is not counted


def test_a_client_pages_through_their_own_attacks_only(as_client: HttpClient, world: PracticeWorld) -> None:
    mine = [f.AttackFactory(client=world.client, practice=world.practice) for _ in range(5)]
    f.AttackFactory(client=world.other_client, practice=world.practice)
    url = f"/api/clients/{world.client.uuid}/attacks"
    ids, counts = walk(as_client, url, limit=2, key="uuid")  # the diary routes say uuid
    every = {str(a.uuid) for a in mine} | {str(a.uuid) for a in world.client.attacks.filter(deleted_at=None)}
    assert sorted(ids) == sorted(every) and len(ids) == len(set(ids))
    assert counts == {len(every)}


def test_a_page_has_a_default_and_a_ceiling(as_front_desk: HttpClient) -> None:
    page = as_front_desk.get("/api/clients").json()
    assert set(page) == {"items", "count"}
    assert fields_of(as_front_desk.get("/api/clients", {"limit": 0})) == ["limit"]
    assert fields_of(as_front_desk.get("/api/clients", {"limit": 1001})) == ["limit"]
    assert fields_of(as_front_desk.get("/api/clients", {"offset": -1})) == ["offset"]
    assert as_front_desk.get("/api/clients", {"limit": 1000}).status_code == 200


def test_the_order_of_a_page_ends_with_the_key(world: PracticeWorld) -> None:
    """Ties in a list's own order (or in its model's default order) are broken by the key."""
    pages = StablePages()
    pagination = StablePages.Input(limit=3, offset=0)
    by_name = pages.paginate_queryset(
        Client.objects.order_by("family_name"), pagination, RequestFactory().get("/")
    )
    assert by_name["items"].query.order_by == ("family_name", "pk")
    default = pages.paginate_queryset(Client.objects.all(), pagination, RequestFactory().get("/"))
    assert default["items"].query.order_by == ("family_name", "given_name", "pk")
