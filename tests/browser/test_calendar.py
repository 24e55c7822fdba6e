"""The front desk's calendar in a real browser: book from a free slot, move, cancel and put a
client on the waiting list in the week view at two locations (Amsterdam and New York), moving
between weeks with HTMX; axe-core in both themes; the week view photographed at 1280 px and
the day view at 390 px for a person to look at."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from headwise.care.models import Appointment, AppointmentStatus, WaitlistEntry
from headwise.practice.models import Service
from tests import factories as f
from tests.browser import test_accessibility as a11y
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, axe_violations, check
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

themed = a11y.themed


def _starts_param(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z").replace(":", "%3A")


def _two_locations(world: PracticeWorld) -> list[tuple[Any, Any, ZoneInfo]]:
    """Amsterdam (the world's location, its practitioner) and Westport, New York time, with a
    practitioner of its own; both work every day 09:00-17:00."""
    practice = world.practice
    amsterdam, prac = world.records["location"], world.records["practitioner"]
    westport = f.LocationFactory(
        practice=practice, name="Westport", time_zone="America/New_York", country="US"
    )
    f.RoomFactory(location=westport, practice=practice, name="Harbour room")
    other = f.PractitionerFactory(membership__practice=practice, display_name="Dana Westport")
    other.services.set(Service.objects.for_practice(practice))
    out = []
    for location, who in ((amsterdam, prac), (westport, other)):
        who.locations.add(location)
        for weekday in range(7):
            f.WorkingHoursFactory(practitioner=who, location=location, weekday=weekday)
        out.append((location, who, ZoneInfo(location.time_zone)))
    return out


def _shoot(page: Any, name: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_front_desk_books_moves_cancels_and_waitlists_at_two_locations(
    themed: Any, live_server: Any, world: PracticeWorld, request: pytest.FixtureRequest
) -> None:
    theme, page, found = str(request.node.callspec.params["themed"]), themed, {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    places = _two_locations(world)
    client = world.client
    WaitlistEntry.objects.filter(practice=world.practice).delete()  # the world's own entry
    sign_in(page, live_server, world.front_desk.email, PASSWORD)
    page.get_by_role("link", name="Calendar", exact=True).first.click()
    page.wait_for_load_state("load")
    assert "/calendar/locations/" in page.url

    for index, (location, who, zone) in enumerate(places):
        day = f.local_today(location.time_zone) + dt.timedelta(days=2)
        at = dt.datetime.combine(day, dt.time(9), tzinfo=zone)
        week = f"{live_server.url}/calendar/locations/{location.uuid}/week/{day.isoformat()}/"
        check(page, week, f"calendar-week-{index}", theme, found)

        # book: the 09:00 free slot of the day, the client chosen in the form
        page.locator(f'a[href*="starts={_starts_param(at)}"]').first.click()
        page.wait_for_load_state("load")
        found[f"book-{index}"] = axe_violations(page)
        page.get_by_label("Client", exact=True).select_option(str(client.uuid))
        page.locator("#client-panel").get_by_text("Safety screen").wait_for()
        page.get_by_role("button", name="Book", exact=True).click()
        page.wait_for_load_state("load")
        assert page.get_by_text(f"Booked: {client}").is_visible(), page.locator("main").inner_text()[:1500]
        booked = Appointment.objects.get(client=client, location=location, starts_at=at)
        assert booked.practitioner == who and booked.created_by == world.front_desk

        # move to 14:00 the same day
        found[f"appointment-{index}"] = axe_violations(page)
        page.get_by_label("New start (the location's local time)").fill(
            dt.datetime.combine(day, dt.time(14)).strftime("%Y-%m-%dT%H:%M")
        )
        page.get_by_role("button", name="Move the appointment").click()
        page.wait_for_load_state("load")
        assert page.get_by_text("Moved.").is_visible()
        booked.refresh_from_db()
        assert booked.starts_at == dt.datetime.combine(day, dt.time(14), tzinfo=zone)

        # the waiting list: the other client would take a slot that day
        page.goto(f"{live_server.url}/calendar/waitlist/")
        page.get_by_label("Client:").select_option(str(world.other_client.uuid))
        page.get_by_label("Location:").select_option(str(location.uuid))
        page.get_by_label("From:").fill(day.isoformat())
        page.get_by_role("button", name="Add to the waiting list").click()
        page.wait_for_load_state("load")
        found[f"waitlist-{index}"] = axe_violations(page)
        assert WaitlistEntry.objects.filter(client=world.other_client, location=location).exists()

        # cancel from the week view: the freed time shows who on the waiting list fits
        page.goto(week)
        page.get_by_role("link", name=str(client)).filter(has_text="14:00").first.click()
        page.wait_for_load_state("load")
        page.get_by_label("Reason for cancelling").fill("Migraine attack")
        page.get_by_role("button", name="Cancel the appointment").click()
        page.wait_for_load_state("load")
        booked.refresh_from_db()
        assert (booked.status, booked.cancellation_reason) == (AppointmentStatus.CANCELLED, "Migraine attack")
        assert booked.updated_by == world.front_desk
        assert page.get_by_role("link", name="1 on the waiting list fits").is_visible()
        page.goto(week)
        fits = page.get_by_role("link", name="1 on the waiting list fits")
        assert fits.first.is_visible()
        fits.first.click()
        page.wait_for_load_state("load")
        found[f"fit-{index}"] = axe_violations(page)
        page.get_by_role("button", name=f"Offer to {world.other_client}").click()
        page.wait_for_load_state("load")
        entry = WaitlistEntry.objects.get(client=world.other_client, location=location)
        assert entry.status == "offered"
        assert not Appointment.objects.filter(client=world.other_client, location=location).exists()
        if index == 0:  # the week as the front desk sees it after a day's work
            f.AppointmentFactory(
                practice=world.practice,
                client=world.other_client,
                practitioner=who,
                location=location,
                room=world.records["room"],
                starts_at=dt.datetime.combine(day, dt.time(11, 30), tzinfo=zone),
                ends_at=dt.datetime.combine(day, dt.time(12, 30), tzinfo=zone),
            )
            page.goto(week)
            _shoot(page, f"calendar-week-{theme}", 1280)

    # HTMX: the next week without a reload, its address pushed
    location, _who, _zone = places[0]
    day = f.local_today(location.time_zone) + dt.timedelta(days=2)
    page.goto(f"{live_server.url}/calendar/locations/{location.uuid}/week/{day.isoformat()}/")
    page.evaluate("window.__kept = 'same document'")
    page.get_by_role("link", name="Next week →").click()
    monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=7)
    page.wait_for_url(f"**/week/{monday.isoformat()}/**")
    assert page.evaluate("window.__kept") == "same document"

    # the day view on a phone
    check(
        page,
        f"{live_server.url}/calendar/locations/{location.uuid}/day/{day.isoformat()}/",
        "calendar-day",
        theme,
        found,
    )
    _shoot(page, f"calendar-day-{theme}", 390)
    assert_clean(found)
