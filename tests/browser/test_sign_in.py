"""A practitioner and a client sign in and each sees their own data, and only that."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from headwise.clients.models import Client
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD, ClientFactory


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_practitioner_their_practice(
    page: Any, live_server: Any, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    sign_in(page, live_server, world.practitioner_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/staff/")
    body = page.locator("main").inner_text()
    assert world.client.family_name in body
    assert outsider.client.given_name not in body
    screenshot(page, "staff-home")
    page.get_by_role("link", name=f"{world.client.family_name}, {world.client.given_name}").first.click()
    page.wait_for_url(f"**/clients/{world.client.uuid}/")
    assert "Diary, last 28 days" in page.locator("main").inner_text()
    screenshot(page, "client-page")


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_client_only_their_own_diary(
    page: Any, live_server: Any, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    body = page.locator("main").inner_text()
    assert f"Hello, {world.client.given_name}" in body
    assert world.other_client.given_name not in body
    screenshot(page, "client-home")
    response = page.goto(f"{live_server.url}/clients/{world.other_client.uuid}/")
    assert response is not None and response.status == 404


@pytest.mark.django_db(transaction=True)
def test_it_pages_and_searches_the_client_list(
    page: Any, live_server: Any, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    for k in range(55):
        ClientFactory(practice=world.practice, given_name="Listed", family_name=f"Aa{k:03d}")
    ClientFactory(practice=world.practice, given_name="Former", family_name="Aarchived", status="archived")
    sign_in(page, live_server, world.practitioner_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/staff/")
    page.goto(f"{live_server.url}/clients/")
    results = page.locator("#client-results")
    active = Client.objects.filter(practice=world.practice, status="active")
    names = [f"{c.family_name}, {c.given_name}" for c in active.order_by("family_name", "given_name", "pk")]
    assert len(names) > 50
    assert names[0] in results.inner_text() and names[50] not in results.inner_text()
    # Keyset pages: "Next" carries a cursor, not a page number, and the second page has the rest.
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**/clients/?cursor=*")
    expect(results).to_contain_text(names[50])
    assert names[-1] in results.inner_text() and names[49] not in results.inner_text()
    assert page.get_by_role("link", name="Next").count() == 0
    screenshot(page, "client-list-page-2")
    # Typing searches as you type (HTMX), from the first page; archived clients on request.
    page.get_by_label("Find a client").fill("Aa05")
    # Playwright's locator assertions, not wait_for_function: a string predicate is eval(), which
    # the Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    expect(results).not_to_contain_text("Aa000")
    assert "Aa050" in results.inner_text() and "Listed" in results.inner_text()
    page.get_by_label("Find a client").fill("aarchived")
    expect(results).to_contain_text("No clients match")
    page.get_by_label("Include archived").check()
    expect(results).to_contain_text("Aarchived")
    assert outsider.client.family_name not in results.inner_text()
    screenshot(page, "client-list-archived")
