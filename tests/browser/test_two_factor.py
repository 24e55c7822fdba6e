"""Two-step sign-in in a real browser: set up with a code, sign out, sign in with password + code.

axe-core runs on the set-up, backup-code and code pages in both themes; the set-up page is
photographed at 1280 and 390 px.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import axe_violations
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD
from tests.web.totp import code_now


def check_both_themes(page: Any, name: str) -> None:
    for theme in ("light", "dark"):
        page.emulate_media(color_scheme=theme)
        violations = axe_violations(page)
        assert violations == [], f"{name} ({theme}): {violations}"
    page.emulate_media(color_scheme="light")


@pytest.mark.django_db(transaction=True)
def test_it_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    page: Any, live_server: Any, world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    user = world.practitioner_user
    sign_in(page, live_server, user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/staff/")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="off").click()
    page.wait_for_url("**/settings/two-step/")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    page.wait_for_url("**/settings/two-step/set-up/")
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    qr.evaluate("img => img.decode()")  # waits until the SVG is loaded; fails if it cannot be
    assert qr.evaluate("img => img.naturalWidth") > 100
    check_both_themes(page, "set-up")
    screenshot(page, "two-step-set-up-390")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "two-step-set-up-390-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "two-step-set-up-1280")
    page.set_viewport_size({"width": 390, "height": 844})

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("The 6-digit code your app shows now").fill(code_now(device))
    page.get_by_role("button", name="Switch on two-step sign-in").click()
    page.wait_for_url("**/settings/two-step/backup-codes/")
    assert page.locator(".codes li").count() == 10
    check_both_themes(page, "backup codes")
    screenshot(page, "two-step-backup-codes-390")
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url("**/settings/two-step/")
    assert "Signing in asks for your password and a code" in page.locator("main").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    clock.shift(dt.timedelta(seconds=60))  # the next code, not the set-up's
    sign_in(page, live_server, user.email, PASSWORD)
    page.wait_for_url("**/login/code/")
    check_both_themes(page, "code step")
    screenshot(page, "two-step-code-390")
    device.refresh_from_db()
    page.get_by_label("Code from your authenticator app, or a backup code").fill(code_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    assert world.client.family_name in page.locator("main").inner_text()
