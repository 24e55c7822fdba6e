"""The owner's audit page and a client's "who viewed my record" in a real browser: axe in both
themes, no sideways scrolling of the page on a phone, screenshots at 390 and 1280 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwise.accounts.models import User
from headwise.audit.services import audit_record
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import assert_clean, axe_violations
from tests.conftest import build_world
from tests.factories import PASSWORD


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
def test_the_audit_pages_pass_axe_and_fit_a_phone(themed: Any, live_server: Any) -> None:
    page, theme = themed
    world = build_world("Alpha")
    # a working morning of the trail: reads, a change with its fields, a print, a failed sign-in
    for user in (world.practitioner_user, world.owner, world.practitioner_user):
        audit_record(action="view", actor=user, obj=world.client, detail={"route": "web:client_detail"})
    audit_record(
        action="change",
        actor=world.practitioner_user,
        obj=world.records["session"],
        fields=["notes", "regions"],
    )
    audit_record(
        action="print", actor=world.owner, obj=world.client, detail={"route": "outcomes:client_report_pdf"}
    )
    audit_record(action="sign_in_failed", detail={"known_account": False})
    for user in (world.owner, world.client_user):
        User.objects.filter(pk=user.pk).update(theme=theme)

    sign_in(page, live_server, world.owner.email, PASSWORD)
    page.wait_for_load_state("load")
    response = page.goto(f"{live_server.url}/practice/audit/")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", name="Audit trail", exact=True).is_visible()
    assert page.get_by_label("Who").is_visible()
    found = {"audit": axe_violations(page)}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"audit-{theme}-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the audit page is {width} px wide on a 390 px phone"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"audit-{theme}-1280.png"), full_page=True)
    page.select_option("#id_action", "print")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    assert "action=print" in page.url
    assert page.get_by_role("cell", name="Printed").count() == 1

    client_page = page.context.new_page()
    page.context.clear_cookies()
    sign_in(client_page, live_server, world.client_user.email, PASSWORD)
    client_page.wait_for_load_state("load")
    client_page.set_viewport_size({"width": 390, "height": 844})
    response = client_page.goto(f"{live_server.url}/me/privacy/views/")
    assert response is not None and response.status == 200
    found["my record views"] = axe_violations(client_page)
    client_page.screenshot(path=str(SCREENSHOTS / f"audit-my-views-{theme}-390.png"), full_page=True)
    assert_clean(found)
