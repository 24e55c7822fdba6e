"""From the intake e-mail to a submitted intake and consent, in a real browser.

The front desk sends the link from the client page; the client opens it from the e-mail (read
from Django's outbox: the live server runs in this process) in a browser of their own, fills in
the form on a phone, signs the consent by typing their name (a wrong name first), and the desk
sees it on the client page. axe-core runs on each page, in the light and the dark theme; the
pages are photographed at 390 px and 1280 px.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from headwise import clinical
from headwise.clients.models import Consent, Intake
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, axe_violations
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD


def look(page: Any, name: str, theme: str, found: dict[str, Any]) -> None:
    """axe on the page as it is, and screenshots at 390 px (and 1280 px in the light theme)."""
    page.wait_for_load_state("load")
    found[name] = axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / f"intake-{name}-{theme}-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width} px wide on a 390 px phone"
    if theme == "light":
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"intake-{name}-{theme}-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.django_db(transaction=True)
def test_a_client_goes_from_the_e_mail_to_a_signed_intake(
    browser: Any, live_server: Any, world: PracticeWorld, theme: str
) -> None:
    world.client.email = "alpha.client@example.org"
    world.client.save()
    world.front_desk.theme = theme
    world.front_desk.save(update_fields=["theme"])
    found: dict[str, Any] = {}

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme).new_page()
    desk.set_default_timeout(10_000)
    desk.set_default_navigation_timeout(30_000)
    sign_in(desk, live_server, world.front_desk.email, PASSWORD)
    desk.wait_for_url(f"{live_server.url}/staff/")
    desk.goto(f"{live_server.url}/clients/{world.client.uuid}/")
    mail.outbox.clear()
    desk.get_by_role("button", name="E-mail the intake link").click()
    desk.wait_for_load_state("load")
    assert "on its way" in desk.content()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/intake/start/\S+/", message.body)
    assert link is not None, message.body
    path = "/" + link.group(0).split("/", 3)[3]

    home = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=theme).new_page()
    home.set_default_timeout(10_000)
    home.set_default_navigation_timeout(30_000)
    home.goto(live_server.url + path)
    look(home, "link", theme, found)
    home.get_by_role("button", name="Open the intake form").click()
    home.wait_for_url(f"{live_server.url}/intake/")

    home.get_by_label("Since which year have you had migraines?").fill("2011")
    home.get_by_label("On how many days in a usual month do you have a migraine?").fill("9")
    home.get_by_role("group", name="Who diagnosed your migraine?").get_by_label(
        "My GP (family doctor)"
    ).check()
    home.locator("#id_acute-0-name").fill("Ibuprofen 400 mg")
    home.locator("#id_acute-0-dose").fill("1 tablet")
    home.locator("#id_injuries-0-what").fill("Fell off my bike")
    home.locator("#id_injuries-0-date").fill("2019-05-04")
    home.get_by_role("group", name="Did a doctor see it?").first.get_by_label("Yes").check()
    home.get_by_role("group", name="How sensitive are you to touch?").get_by_label(
        "Somewhat sensitive"
    ).check()
    home.get_by_label("What do you hope for from the sessions?").fill("Fewer days in a dark room")
    for rule in clinical.SAFETY_RULES[:-1]:
        home.locator(f"input[name='q_{rule.id.replace('.', '__')}'][value='no']").check()
    # One question left out: the page says which, and keeps every answer.
    home.get_by_role("button", name="Save and go on to consent").click()
    home.wait_for_load_state("load")
    look(home, "form-error", theme, found)
    assert "Answer this question" in home.content()
    assert home.locator("#id_acute-0-name").input_value() == "Ibuprofen 400 mg"
    assert not Intake.objects.exists()
    last = clinical.SAFETY_RULES[-1]
    home.locator(f"input[name='q_{last.id.replace('.', '__')}'][value='unknown']").check()
    home.get_by_role("button", name="Save and go on to consent").click()
    home.wait_for_url(f"{live_server.url}/intake/consent/")
    look(home, "consent", theme, found)

    home.get_by_label("I agree to the treatment as described.").check()
    home.get_by_label("I agree to my health data being kept and processed.").check()
    home.get_by_label("Type your full name to accept").fill("Alpha Client")
    home.get_by_role("button", name="Sign").click()
    home.wait_for_load_state("load")
    assert "not the name on the record" in home.content()
    look(home, "consent-error", theme, found)
    assert not Consent.objects.filter(client=world.client, typed_name__gt="").exists()
    home.get_by_label("Type your full name to accept").fill("alphaclient own")
    home.get_by_role("button", name="Sign").click()
    home.wait_for_url(f"{live_server.url}/intake/done/")
    look(home, "done", theme, found)
    # The restricted session shows nothing else.
    home.goto(f"{live_server.url}/me/")
    assert "/login/" in home.url

    intake = Intake.objects.get(client=world.client)
    assert intake.migraine_days_per_month == 9 and intake.acute_medication[0]["substance"] == "nsaid"
    assert intake.head_injuries == [{"what": "Fell off my bike", "date": "2019-05-04", "doctor_seen": "yes"}]
    assert intake.screening_answers[last.id] == "unknown"
    signed = Consent.objects.filter(client=world.client, typed_name__gt="")
    assert {c.text.kind for c in signed} == {"treatment", "data"} and all(
        c.witnessed_by is None for c in signed
    )

    desk.goto(f"{live_server.url}/clients/{world.client.uuid}/")
    card = desk.locator("#intake")
    assert "Submitted" in card.inner_text() and "online by the client" in card.inner_text()
    desk.set_viewport_size({"width": 390, "height": 844})
    look(desk, "client-page", theme, found)
    desk.goto(f"{live_server.url}/clients/{world.other_client.uuid}/intake/")
    look(desk, "desk-form", theme, found)
    desk.goto(f"{live_server.url}/clients/{world.other_client.uuid}/consent/")
    look(desk, "desk-consent", theme, found)
    assert_clean(found)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.django_db(transaction=True)
def test_the_settings_page_withdraws_a_consent(
    browser: Any, live_server: Any, world: PracticeWorld, theme: str
) -> None:
    from headwise.clients import services

    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    services.consents_sign(
        client=world.client,
        kinds=["data"],
        typed_name="AlphaClient Own",
        by=None,
        witnessed_by=None,
        language="en",
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=theme).new_page()
    page.set_default_navigation_timeout(30_000)
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    page.goto(f"{live_server.url}/settings/")
    found: dict[str, Any] = {}
    look(page, "settings", theme, found)
    page.get_by_role("button", name=re.compile("Withdraw: Consent to keeping")).click()
    page.wait_for_load_state("load")
    assert "no longer processes your health data" in page.content()
    look(page, "settings-withdrawn", theme, found)
    page.goto(f"{live_server.url}/diary/checkin/")
    page.get_by_role("button", name=re.compile("Save|No headache", re.I)).first.click()
    page.wait_for_load_state("load")
    assert "Nothing new is recorded" in page.content()
    look(page, "processing-stopped", theme, found)
    assert_clean(found)
    assert (
        f.DailyCheckInFactory._meta.model.objects.filter(
            client=world.client, date=f.local_today(world.client.time_zone)
        ).count()
        == 0
    )
