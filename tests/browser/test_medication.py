"""Which painkiller: asked once the kind is a simple analgesic, in finger-sized choices, no script."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from headwise.diary.models import MedicationIntake
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.django_db(transaction=True)
def test_it_asks_which_painkiller_only_for_a_simple_analgesic(
    browser: Any, live_server: Any, world: PracticeWorld, javascript: bool
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(30_000)
    # The clock fixture holds the live server at the test's now too; the attack ended an hour ago.
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    attack = f.AttackFactory(client=world.client, started_at=start, ended_at=start + dt.timedelta(hours=2))
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    page.goto(f"{live_server.url}/diary/attacks/{attack.uuid}/")
    page.get_by_text("Add medication taken").click()
    question = page.locator(".field", has=page.locator("#id_substance"))
    page.locator("#id_drug_class").select_option("triptan")
    assert not question.is_visible()
    page.locator("#id_drug_class").select_option("simple_analgesic")
    assert question.is_visible()
    for choice in question.locator(".substance-choices label").all():
        box = choice.bounding_box()
        assert box is not None and box["height"] >= 44, choice.inner_text()
    page.locator("#id_name").fill("Nurofen")
    page.get_by_label("An NSAID, such as ibuprofen, naproxen or diclofenac").check()
    screenshot(page, f"diary-medication-substance-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(f"**/diary/attacks/{attack.uuid}/")
    intake = MedicationIntake.objects.get(attack=attack)
    assert (intake.name, intake.drug_class, intake.substance) == ("Nurofen", "simple_analgesic", "nsaid")
    assert "An NSAID, such as ibuprofen" in page.locator("main table").inner_text()
    context.close()
