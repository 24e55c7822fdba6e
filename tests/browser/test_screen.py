"""The safety screen in a real browser: each outcome, acknowledging each risk, the referral
letter printed and as PDF, the clinician's clearance, the practice's rules; axe in both themes.

Screenshots (artifacts/screenshots/screen-*.png) at 390 px and 1280 px, and the PDF's first
page rendered by poppler's pdftoppm at 80 dpi.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import pytest

from headwise.clients.models import SafetyScreening
from headwise.clinical import SAFETY_RULES
from headwise.practice.models import Practice
from tests import factories as f
from tests.browser import test_accessibility as a11y
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, axe_violations
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

themed = a11y.themed  # the phone-sized page in the theme under test


def _shoot(page: Any, name: str, theme: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width} px wide on a 390 px phone"
    page.screenshot(path=str(SCREENSHOTS / f"screen-{name}-{theme}-390.png"), full_page=True)
    if theme == "light":
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"screen-{name}-{theme}-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})


def _answer(page: Any, yes: set[str]) -> None:
    """Answer every question: a real click for each yes and the first no, a script for the rest."""
    page.get_by_role("group", name="Systemic symptoms, including fever?").get_by_label(
        "No", exact=True
    ).check()
    for rule in SAFETY_RULES:
        value = "yes" if rule.id in yes else "no"
        name = "rule-" + rule.id.replace(".", "-")
        if value == "yes":
            page.locator(f'input[name="{name}"][value="yes"]').check()
        else:
            page.evaluate(f'document.querySelector(\'input[name="{name}"][value="no"]\').checked = true')


def _latest(client: Any) -> SafetyScreening:
    return SafetyScreening.objects.filter(client=client).order_by("-screened_at", "-pk").first()  # type: ignore[return-value]


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_screen_walks_each_outcome_to_the_letter_and_clearance(
    themed: Any, live_server: Any, world: PracticeWorld, tmp_path: Any
) -> None:
    page = themed
    theme = "dark" if page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") else "light"
    for user in (world.practitioner_user, world.owner):
        user.theme = theme
        user.save(update_fields=["theme"])
    Practice.objects.filter(pk=world.practice.pk).update(name="Praktijk Hoofdzaak", phone="020 123 4567")
    location = world.records["location"]
    location.street, location.postal_code, location.city = "Herengracht 12", "1015 BA", "Amsterdam"
    location.save()
    referred = world.client
    referred.recent_head_injury_on = f.local_today(referred.time_zone) - dt.timedelta(days=11)
    referred.physician_name = "Dr. E. Visser, huisarts"
    referred.physician_contact = "Keizersgracht 40, 1015 CS Amsterdam"
    referred.save()
    cautious = world.other_client
    cleared = f.ClientFactory(practice=world.practice, given_name="Clara", family_name="Clear")
    found: dict[str, Any] = {}
    base = live_server.url
    sign_in(page, live_server, world.practitioner_user.email, PASSWORD)
    page.wait_for_url(f"{base}/staff/")

    # cleared
    page.goto(f"{base}/clients/{cleared.uuid}/screen/")
    found["screen-form"] = axe_violations(page)
    _shoot(page, "form", theme)
    _answer(page, set())
    page.get_by_role("button", name="Run the screen").click()
    page.get_by_text("No rule in use raised a concern").wait_for()
    found["screen-cleared"] = axe_violations(page)
    _shoot(page, "cleared", theme)
    assert _latest(cleared).outcome == "cleared"

    # caution: two named risks, each acknowledged on its own
    page.goto(f"{base}/clients/{cautious.uuid}/screen/")
    _answer(page, {"contraindication.clotting", "contraindication.acute_infection"})
    page.get_by_role("button", name="Run the screen").click()
    page.get_by_text("Acknowledge each risk below").wait_for()
    found["screen-caution"] = axe_violations(page)
    _shoot(page, "caution", theme)
    buttons = page.get_by_role("button", name="I have read this risk and will adapt the treatment")
    assert buttons.count() == 2
    buttons.first.click()
    page.get_by_text("Risk acknowledged.").wait_for()
    assert buttons.count() == 1
    buttons.first.click()
    page.get_by_text("Every risk has been acknowledged").wait_for()
    found["screen-caution-acknowledged"] = axe_violations(page)
    _shoot(page, "caution-acknowledged", theme)
    assert _latest(cautious).acknowledgements.count() == 2

    # refer: the head injury 11 days ago defers CST; the letter; the clearance
    page.goto(f"{base}/clients/{referred.uuid}/screen/")
    page.get_by_text("11 days ago").wait_for()
    _answer(page, {"red_flag.pattern_change"})
    page.get_by_role("button", name="Run the screen").click()
    page.get_by_text("No booking and no session record").wait_for()
    assert page.get_by_text("79 days left of the 90-day window").count() == 1
    found["screen-refer"] = axe_violations(page)
    _shoot(page, "refer", theme)
    screening = _latest(referred)
    page.get_by_role("link", name="Open the letter to print").click()
    page.get_by_role("heading", name="Re: ").first.wait_for()
    found["letter"] = axe_violations(page)
    _shoot(page, "letter", theme)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / f"screen-letter-printed-{theme}.png"), full_page=True)
    assert page.get_by_role("button", name="Print").is_hidden()
    page.emulate_media(media="screen")
    pdf = page.request.get(f"{base}/screenings/{screening.uuid}/letter.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    if theme == "light" and shutil.which("pdftoppm"):
        path = tmp_path / "letter.pdf"
        path.write_bytes(pdf.body())
        out = SCREENSHOTS / "screen-letter-pdf"
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(out)],  # noqa: S607
            check=True,
        )
        assert (SCREENSHOTS / "screen-letter-pdf.png").exists()
    page.goto(f"{base}/screenings/{screening.uuid}/")
    page.get_by_role("button", name="Record the clearance").click()
    page.get_by_text("Cleared by (clinician): This field is required.").wait_for()
    found["screen-clearance-errors"] = axe_violations(page)
    page.get_by_label("Cleared by (clinician)").fill("Dr. E. Visser, huisarts")
    page.get_by_label("Date of the clearance").fill(f.local_today(referred.time_zone).isoformat())
    page.locator("#id_document").fill("Brief van de huisarts, kenmerk 2026-118")
    page.get_by_role("button", name="Record the clearance").click()
    page.get_by_text("A clinician has cleared the client").wait_for()
    found["screen-cleared-by-clinician"] = axe_violations(page)
    _shoot(page, "clearance", theme)
    screening.refresh_from_db()
    assert screening.cleared_at is not None and screening.clearance_clinician == "Dr. E. Visser, huisarts"

    # the owner's rules page
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/login/**")
    sign_in(page, live_server, world.owner.email, PASSWORD)
    page.wait_for_url(f"{base}/staff/")
    page.goto(f"{base}/practice/safety-rules/")
    page.get_by_role("button", name="Switch off contraindication.high_risk_pregnancy").click()
    page.get_by_text("Rule switched off.").wait_for()
    found["rules"] = axe_violations(page)
    _shoot(page, "rules", theme)
    assert_clean(found)
