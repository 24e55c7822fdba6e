"""The session record in a real browser: the body map by mouse and by keyboard alone, the
client's two taps at 390 px, axe in both themes, screenshots for a person to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from headwise.care.models import Appointment, FollowUp, SessionRecord
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, sign_in
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


def _shot(page: Any, name: str, *, full: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full)


def _appointment(world: PracticeWorld) -> Appointment:
    """An appointment that began 70 minutes ago, in the world's room."""
    return f.AppointmentFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        location=world.records["location"],
        room=world.records["room"],
        starts_at=timezone.now() - dt.timedelta(minutes=70),
        ends_at=timezone.now() - dt.timedelta(minutes=10),
    )


def _box(page: Any, code: str) -> Any:
    return page.locator(f'input[name="regions"][value="{code}"]')


def test_a_practitioner_records_a_session_by_clicking_the_body_map(
    page: Any, live_server: Any, world: PracticeWorld
) -> None:
    appointment = _appointment(world)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, world.practitioner_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Record this session").first.click()
    page.wait_for_url(f"**/sessions/new/?appointment={appointment.uuid}")
    for code in ("skull_base", "sacrum", "abdomen"):
        page.locator(f'svg [data-region="{code}"]').first.click()
        assert _box(page, code).is_checked(), code
    # a second click undoes it, as a box would
    page.locator('svg [data-region="abdomen"]').first.click()
    assert not _box(page, "abdomen").is_checked()
    assert "on" in (page.locator('svg [data-region="sacrum"]').first.get_attribute("class") or "")
    page.get_by_label("CV4 / still point").check()
    page.get_by_label("Pain at the start (0–10)").fill("7")
    page.get_by_label("Pain at the end (0–10)").fill("4")
    page.get_by_label("Deep calm").check()
    page.get_by_label("In the client's words").fill("Warmth spreading from the neck.")
    page.locator("#s-map").scroll_into_view_if_needed()
    page.locator(".bodymap").screenshot(path=str(SCREENSHOTS / "session-bodymap-1280.png"))
    _shot(page, "session-form-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".bodymap").screenshot(path=str(SCREENSHOTS / "session-bodymap-390.png"))
    _shot(page, "session-form-390")
    page.get_by_role("button", name="Save session record").click()
    page.wait_for_url("**/sessions/*/")
    record = SessionRecord.objects.get(appointment=appointment)
    assert record.regions == ["skull_base", "sacrum"]
    assert record.techniques == ["CV4 / still point"]
    assert (record.headache_at_start, record.headache_at_end, record.noticed) == (7, 4, ["deep_calm"])
    assert page.get_by_text("Base of the skull, Sacrum").is_visible()
    _shot(page, "session-detail-390")


def test_a_practitioner_records_a_session_by_keyboard_alone(
    page: Any, live_server: Any, world: PracticeWorld
) -> None:
    appointment = _appointment(world)
    sign_in(page, live_server, world.practitioner_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/staff/")
    page.goto(f"{live_server.url}/clients/{world.client.uuid}/sessions/new/?appointment={appointment.uuid}")

    def tab_to(selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to('input[name="regions"][value="neck"]')
    page.keyboard.press("Space")
    tab_to('input[name="regions"][value="shoulders"]')
    page.keyboard.press("Space")
    assert _box(page, "neck").is_checked() and _box(page, "shoulders").is_checked()
    # the figure follows the boxes
    assert "on" in (page.locator('svg [data-region="neck"]').first.get_attribute("class") or "")
    tab_to('input[name="techniques"][value="Frontal lift"]')
    page.keyboard.press("Space")
    tab_to('input[name="headache_at_start"]')
    page.keyboard.type("5")
    tab_to('button[type="submit"]:not(.linkbutton)')
    page.keyboard.press("Enter")
    page.wait_for_url("**/sessions/*/")
    record = SessionRecord.objects.get(appointment=appointment)
    assert (record.regions, record.techniques, record.headache_at_start) == (
        ["neck", "shoulders"],
        ["Frontal lift"],
        5,
    )


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_client_answers_the_follow_up_at_390_px(
    themed: Any, live_server: Any, world: PracticeWorld
) -> None:
    theme = themed.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") and "dark" or "light"
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    world.records["session"].delete()
    record = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=timezone.now() - dt.timedelta(hours=25),
    )
    follow_up = f.FollowUpFactory(session=record, practice=world.practice)
    sign_in(themed, live_server, world.client_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/me/")
    card = themed.locator(".follow-up-card")
    assert card.is_visible()
    _shot(themed, f"follow-up-card-{theme}-390", full=False)
    found = {"me-follow-up": axe_violations(themed)}
    # big targets: every button at least 44 px high
    heights = card.locator("button").evaluate_all("bs => bs.map(b => b.getBoundingClientRect().height)")
    assert min(heights) >= 44, heights
    width = themed.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    card.get_by_role("button", name="Some discomfort").click()
    themed.wait_for_url(f"{live_server.url}/me/#follow-up")
    assert themed.get_by_role("heading", name="Has it passed?").is_visible()
    _shot(themed, f"follow-up-second-tap-{theme}-390", full=False)
    found["me-follow-up-second"] = axe_violations(themed)
    themed.get_by_role("button", name="Yes, it has passed").click()
    themed.wait_for_url(f"{live_server.url}/me/#follow-up")
    follow_up.refresh_from_db()
    assert follow_up.side_effects == ["discomfort"]
    assert follow_up.completed_at is not None and follow_up.passed_at is not None
    assert follow_up.faded_within_24h is True
    assert themed.locator(".follow-up-card").count() == 0
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_session_pages_pass_axe(themed: Any, live_server: Any, world: PracticeWorld) -> None:
    theme = themed.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") and "dark" or "light"
    world.practitioner_user.theme = theme
    world.practitioner_user.save(update_fields=["theme"])
    locked = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=timezone.now() - dt.timedelta(hours=60),
        regions=["crown", "jaw"],
        techniques=["Temporal"],
        notes="Quiet.",
    )
    f.FollowUpFactory(
        session=locked, practice=world.practice, side_effects=["headache"], completed_at=timezone.now()
    )
    f.AddendumFactory(session=locked, practice=world.practice, author=world.practitioner_user)
    sign_in(themed, live_server, world.practitioner_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/staff/")
    base, c = live_server.url, world.client.uuid
    pages = {
        "session-new": f"/clients/{c}/sessions/new/",
        "session-list": f"/clients/{c}/sessions/",
        "session-locked": f"/sessions/{locked.uuid}/",
        "session-edit": f"/sessions/{world.records['session'].uuid}/edit/",
        "techniques": "/practice/techniques/",
        "follow-ups": "/follow-ups/",
        "staff-home-follow-ups": "/staff/",
    }
    found = {}
    for name, path in pages.items():
        response = themed.goto(base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        found[name] = axe_violations(themed)
        width = themed.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name}: {width} px wide at 390"
        if name in ("session-locked", "follow-ups", "techniques"):
            _shot(themed, f"{name}-{theme}-390")
    assert FollowUp.objects.filter(session=locked).get().is_flagged()
    assert_clean(found)
