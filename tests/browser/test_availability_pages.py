"""The availability pages in a real browser, on the demo practice: axe in both themes, no
sideways scrolling on a phone, screenshots at 390 and 1280 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from headwise.accounts.models import User
from headwise.demo import generator as g
from headwise.demo import loader
from headwise.practice.models import Membership, Practitioner, Role
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import assert_clean, axe_violations


@pytest.fixture(params=["light", "dark"])
def themed(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, color_scheme=request.param
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(60_000)
    yield page, request.param
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_availability_pages_pass_axe_and_fit_a_phone(themed: Any, live_server: Any) -> None:
    page, theme = themed
    config = loader.demo_config(clients=8, days=120, seed=3, true_effect=1.0, now=timezone.now())
    practice = loader.load(g.generate(config)).practice
    owner = Membership.objects.get(practice=practice, role=Role.OWNER).user
    User.objects.filter(pk=owner.pk).update(theme=theme)
    ben = Practitioner.objects.get(practice=practice, display_name="Ben Okafor")
    sign_in(page, live_server, owner.email, loader.PASSWORD)
    page.wait_for_load_state("load")
    found = {}
    for name, path, heading in (
        ("availability", "/practice/availability/", "Availability"),
        (
            "availability-practitioner",
            f"/practice/availability/practitioners/{ben.uuid}/",
            "Availability of Ben Okafor",
        ),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
        found[name] = axe_violations(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{theme}-390.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px phone"
        if theme == "light":
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"{name}-light-1280.png"), full_page=True)
    # the demo's week is there: Ben's lunch break, the coming holidays
    assert page.get_by_text("12:45").first.is_visible()
    assert_clean(found)
