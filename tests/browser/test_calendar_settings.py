"""The calendar feed settings page and the client's next-appointment card in a real browser:
axe in both themes, screenshots at 1280 and 390 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.conftest import sign_in as _sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, axe_violations
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


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


def _shots(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_an_owner_makes_a_feed_and_sees_its_address_once(
    themed: Any, live_server: Any, world: PracticeWorld
) -> None:
    theme = _theme(themed)
    world.owner.theme = theme
    world.owner.save(update_fields=["theme"])
    _sign_in(themed, live_server, world.owner.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/staff/")
    themed.goto(f"{live_server.url}/settings/calendar/")
    found: dict[str, Any] = {"calendar-settings": axe_violations(themed)}
    themed.get_by_role("button", name="Create another feed address").click()
    address = themed.get_by_role("textbox", name="Feed address")
    assert "/calendar/feed/" in address.input_value()
    assert themed.evaluate("document.documentElement.scrollWidth") <= 390
    found["calendar-settings-new"] = axe_violations(themed)
    _shots(themed, f"calendar-settings-{theme}")
    themed.goto(f"{live_server.url}/settings/calendar/")
    assert themed.get_by_role("textbox", name="Feed address").count() == 0  # shown once
    assert themed.get_by_role("button", name="Revoke").count() == 2  # the world's feed and the new one
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_client_sees_the_next_appointment_with_its_ics(
    themed: Any, live_server: Any, world: PracticeWorld
) -> None:
    theme = _theme(themed)
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    _sign_in(themed, live_server, world.client_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/me/")
    link = themed.get_by_role("link", name="Add to my calendar")
    assert link.get_attribute("href") == f"/me/appointments/{world.records['appointment'].uuid}.ics"
    found = {"me-next-appointment": axe_violations(themed)}
    themed.get_by_role("heading", name="Your next appointment").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    themed.screenshot(path=str(SCREENSHOTS / f"me-next-appointment-{theme}-390.png"))
    assert_clean(found)
