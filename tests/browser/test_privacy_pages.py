"""The privacy pages in a real browser: axe in both themes, screenshots at 390 and 1280 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwise.privacy import services
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, axe_violations, check
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD


@pytest.fixture
def themed(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, color_scheme=request.param
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(30_000)
    yield page
    context.close()


def _theme(page: Any) -> str:
    return "dark" if page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") else "light"


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_erasure_confirmation_and_privacy_pages_pass_axe(
    themed: Any, live_server: Any, world: PracticeWorld
) -> None:
    theme = _theme(themed)
    world.owner.theme = theme
    world.owner.save(update_fields=["theme"])
    services.erasure_request(client=world.client, by=world.client_user, by_client=True)
    sign_in(themed, live_server, world.owner.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/staff/")
    found: dict[str, Any] = {}
    c = world.client.uuid
    check(themed, f"{live_server.url}/clients/{c}/privacy/erase/", "privacy-erasure-confirm", theme, found)
    check(themed, f"{live_server.url}/clients/{c}/privacy/", "privacy-client", theme, found)
    check(themed, f"{live_server.url}/practice/privacy/", "privacy-practice", theme, found)
    # A refused decision (keep without a date) shows its errors, named, on the same page.
    themed.goto(f"{live_server.url}/clients/{c}/privacy/erase/")
    themed.get_by_label("Keep until a date, because of a legal retention duty").check()
    themed.get_by_label("I have checked the legal duties").check()
    themed.get_by_role("button", name="Carry out the decision").click()
    themed.wait_for_load_state("load")
    assert "Give the date until which the records must be kept." in themed.content()
    found["privacy-erasure-refused"] = axe_violations(themed)
    themed.screenshot(path=str(SCREENSHOTS / f"a11y-privacy-erasure-refused-{theme}-390.png"), full_page=True)
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_clients_privacy_page_passes_axe(themed: Any, live_server: Any, world: PracticeWorld) -> None:
    theme = _theme(themed)
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    sign_in(themed, live_server, world.client_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/me/")
    found: dict[str, Any] = {}
    check(themed, f"{live_server.url}/me/privacy/", "privacy-mine", theme, found)
    assert_clean(found)
