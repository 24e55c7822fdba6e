"""The public page of a location (a visitor on a phone, in both themes), its booking request, the
front desk's list, and the client's own booking page; axe-core on each, screenshots at 390 and
1280 px in artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from headwise.care.models import Appointment, AppointmentStatus
from headwise.public.models import BookingRequest
from tests.browser import test_accessibility as a11y
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, check
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD
from tests.web.test_online_booking import bookable  # noqa: F401 - the fixture

themed = a11y.themed


def theme_of(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["themed"])


def here(page: Any, name: str, theme: str, found: dict[str, Any]) -> None:
    """axe and a screenshot of the page as a form post left it (no second request)."""
    found[name] = a11y.axe_violations(page)
    screenshot(page, f"a11y-{name}-{theme}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_a_visitor_reads_the_page_and_asks_for_an_appointment(
    themed: Any, live_server: Any, world: PracticeWorld, request: pytest.FixtureRequest
) -> None:
    theme, page, found = theme_of(request), themed, {}
    location = world.records["location"]
    url = f"{live_server.url}/p/{world.practice.slug}/{location.slug}/"
    check(page, url, "public-page", theme, found)
    assert page.get_by_role("heading", name="Who should not have craniosacral therapy").is_visible()
    page.get_by_role("link", name="Ask for an appointment").click()
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Visser")
    page.locator("#id_email").fill("noor@example.org")
    page.get_by_label("When suits you? (optional)").fill("Tuesday mornings")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state("load")
    # the consent box was left empty: refused, named, nothing saved
    assert page.get_by_text("We can only answer if you agree to be contacted.").first.is_visible()
    assert not BookingRequest.objects.filter(email="noor@example.org").exists()
    here(page, "public-page-refused", theme, found)
    page.get_by_label("The practice may contact me by e-mail or phone about this request.").check()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/thanks/**")
    assert page.get_by_role("heading", name="Thank you: your request is sent").is_visible()
    assert BookingRequest.objects.filter(email="noor@example.org").exists()
    here(page, "public-thanks", theme, found)
    check(page, f"{url}?lang=nl", "public-page-nl", theme, found)
    assert page.get_by_role("heading", name="Wie mag geen craniosacraaltherapie krijgen").is_visible()
    world.front_desk.theme = theme
    world.front_desk.save(update_fields=["theme"])
    sign_in(page, live_server, world.front_desk.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/staff/")
    check(page, f"{live_server.url}/staff/", "staff-home-requests", theme, found)
    check(page, f"{live_server.url}/practice/booking-requests/", "booking-requests", theme, found)
    page.get_by_role("button", name="Mark handled").first.click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Marked as handled.").is_visible()
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_a_client_books_and_moves_their_next_session_on_a_phone(
    themed: Any,
    live_server: Any,
    bookable: PracticeWorld,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    theme, page, found, world = theme_of(request), themed, {}, bookable
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    page.get_by_role("link", name="My next session: book, move or cancel").click()
    check(page, f"{live_server.url}/me/booking/", "my-booking", theme, found)
    page.locator("button.slot").first.click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Your session is booked.").is_visible()
    appointment = Appointment.objects.get(client=world.client, status=AppointmentStatus.BOOKED)
    check(page, f"{live_server.url}/me/booking/", "my-booking-booked", theme, found)
    page.get_by_role("link", name="Move to another time").click()
    page.wait_for_load_state("load")
    page.locator("button.slot").nth(3).click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Your session is moved.").is_visible()
    appointment.refresh_from_db()
    assert appointment.updated_by == world.client_user
    check(page, f"{live_server.url}/me/booking/cancel/", "my-booking-cancel", theme, found)
    assert_clean(found)
