"""A new client's whole way through the practice's care, in a real browser, once for each
outcome of the safety screen: *cleared*; *caution*, each risk acknowledged; *refer*, booking and
the session record refused, the referral letter printed (page and PDF), the clinician's
clearance, then booked.

Each walk: the practitioner creates the client and e-mails the intake link (read from Django's
outbox: the live server runs in this process); the client opens it on a phone, sets a password,
fills in the intake with answers that lead to the outcome and signs the consent by typing their
name; the practitioner runs the screen, starts a plan, books from the plan page, and records the
session by clicking the body map once the appointment is over; a day later the client answers the
follow-up card on /me/ at 390 px (its e-mail is sent too); the practitioner books the next slot
the plan suggests, and a week after the first records the second session and sees the answer on
it. The clock is the test's: ``clock.move_to`` moves the live
server's thread too. Screenshots of the body map, the screen, the plan page and the letter at
1280 px and 390 px: artifacts/screenshots/walk-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from headwise.care.followups import follow_up_mail, follow_ups_to_mail
from headwise.care.models import (
    PHASE_INTERVAL_DAYS,
    Appointment,
    FollowUp,
    PhaseKind,
    SessionRecord,
    TreatmentPlan,
)
from headwise.clients.models import Client, Consent, Intake, SafetyScreening
from headwise.clinical import SAFETY_RULES
from headwise.diary.localtime import client_today
from headwise.practice.models import Practice
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

#: The one blocker's words (headwise.clients.services.screening_blocker), on every refusing page.
#: (Playwright's get_by_text misses it whole, with its apostrophe; the words before it suffice.)
REFUSED = "The latest safety screening says refer: no CST until a clinician"
CLIENT_PASSWORD = "Walk-the-care-2026!"

#: The intake answers that lead to each outcome (every other screening question: no).
YES = {
    "cleared": set(),
    "caution": {"contraindication.clotting"},
    "refer": {"contraindication.aneurysm"},
}


def _shots(page: Any, name: str, *, element: str | None = None) -> None:
    """The page (or one element of it) at 1280 px and 390 px; nothing wider than the phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if element is None:
            page.screenshot(path=str(SCREENSHOTS / f"walk-{name}-{width}.png"), full_page=True)
        else:
            target = page.locator(element).first
            target.scroll_into_view_if_needed()
            target.screenshot(path=str(SCREENSHOTS / f"walk-{name}-{width}.png"))
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"{name}: the page is {wide} px wide on a 390 px phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def _new_page(browser: Any, width: int) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844}).new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(30_000)
    return page


def _signed_in(page: Any, live_server: Any, email: str) -> None:
    """Signed in as the practitioner: again, once the clock has moved past the session's age."""
    page.goto(f"{live_server.url}/staff/")
    if "/login/" in page.url:
        sign_in(page, live_server, email, PASSWORD)
        page.wait_for_url(f"{live_server.url}/staff/")


def _fill_intake(home: Any, yes: set[str]) -> None:
    home.get_by_label("Since which year have you had migraines?").fill("2014")
    home.get_by_label("On how many days in a usual month do you have a migraine?").fill("8")
    diagnosed = home.get_by_role("group", name="Who diagnosed your migraine?")
    diagnosed.get_by_label("My GP (family doctor)").check()
    home.locator("#id_acute-0-name").fill("Sumatriptan 50 mg")
    touch = home.get_by_role("group", name="How sensitive are you to touch?")
    touch.get_by_label("Somewhat sensitive").check()
    home.get_by_label("What do you hope for from the sessions?").fill("Fewer lost days at work")
    for rule in SAFETY_RULES:
        name = "q_" + rule.id.replace(".", "__")
        if rule.id in yes:
            home.locator(f"input[name='{name}'][value='yes']").check()
        else:
            home.evaluate(f"document.querySelector(\"input[name='{name}'][value='no']\").checked = true")
    home.get_by_role("button", name="Save and go on to consent").click()
    home.wait_for_url("**/intake/consent/")


def _book_from_the_plan(desk: Any, base: str, client: Client) -> Appointment:
    desk.goto(f"{base}/clients/{client.uuid}/plan/")
    before = set(Appointment.objects.filter(client=client).values_list("pk", flat=True))
    desk.get_by_label("Length (minutes)").select_option("60")
    desk.get_by_role("button", name="Book", exact=True).click()
    desk.get_by_text("Session booked.").wait_for()
    (booked,) = Appointment.objects.filter(client=client).exclude(pk__in=before)
    return booked


def _record_session(
    desk: Any, base: str, client: Client, appointment: Appointment, regions: list[str]
) -> None:
    """The session form of the appointment, filled in by clicking the body map (not saved)."""
    desk.goto(f"{base}/clients/{client.uuid}/sessions/new/?appointment={appointment.uuid}")
    for code in regions:
        desk.locator(f'svg [data-region="{code}"]').first.click()
        assert desk.locator(f'input[name="regions"][value="{code}"]').is_checked(), code
    desk.get_by_label("CV4 / still point").check()
    desk.get_by_label("Pain at the start (0–10)").fill("6")
    desk.get_by_label("Pain at the end (0–10)").fill("3")
    desk.get_by_label("Deep calm").check()


@pytest.mark.parametrize("outcome", ["cleared", "caution", "refer"])
def test_a_new_client_walks_from_the_intake_e_mail_to_a_second_session(
    browser: Any, live_server: Any, world: PracticeWorld, clock: Any, outcome: str
) -> None:
    base = live_server.url
    Practice.objects.filter(pk=world.practice.pk).update(name="Praktijk Hoofdzaak", phone="020 123 4567")
    location = world.records["location"]
    location.street, location.postal_code, location.city = "Herengracht 12", "1015 BA", "Amsterdam"
    location.save()
    world.records["practitioner"].locations.add(location)
    email = f"walk.{outcome}@example.org"

    # The practitioner makes the client record and e-mails the intake link.
    desk = _new_page(browser, 1280)
    _signed_in(desk, live_server, world.practitioner_user.email)
    desk.goto(f"{base}/clients/new/")
    desk.get_by_label("Given name").fill("Wanda")
    desk.get_by_label("Family name").fill(outcome.capitalize())
    desk.get_by_label("E-mail").fill(email)
    desk.get_by_label("Date of birth").fill("1984-03-21")
    desk.get_by_label("Sex").select_option("female")
    if outcome == "refer":
        desk.locator("#id_physician_name").fill("Dr. E. Visser, huisarts")
        desk.locator("#id_physician_contact").fill("Keizersgracht 40, 1015 CS Amsterdam")
    desk.get_by_role("button", name=re.compile("^Save")).click()
    desk.get_by_text("Client record created.").wait_for()
    client = Client.objects.get(practice=world.practice, email=email)
    assert client.user is None and not Intake.objects.filter(client=client).exists()
    mail.outbox.clear()
    desk.get_by_role("button", name="E-mail the intake link").click()
    desk.get_by_text("on its way").first.wait_for()
    (message,) = mail.outbox
    assert message.to == [email]
    link = re.search(r"https?://\S+/intake/start/\S+/", message.body)
    assert link is not None, message.body

    # The client, at home on a phone: a password, the intake, the consent.
    home = _new_page(browser, 390)
    home.goto(base + "/" + link.group(0).split("/", 3)[3])
    home.get_by_label("New password").fill(CLIENT_PASSWORD)
    home.get_by_label("The same password again").fill(CLIENT_PASSWORD)
    home.get_by_role("button", name="Set the password and open the form").click()
    home.wait_for_url(f"{base}/intake/")
    _fill_intake(home, YES[outcome])
    home.get_by_label("I agree to the treatment as described.").check()
    home.get_by_label("I agree to my health data being kept and processed.").check()
    home.get_by_label("Type your full name to accept").fill(f"Wanda {outcome.capitalize()}")
    home.get_by_role("button", name="Sign", exact=True).click()
    home.wait_for_url(f"{base}/intake/done/")
    client.refresh_from_db()
    intake = Intake.objects.get(client=client)
    assert client.user is not None and client.user.email == email
    assert intake.migraine_days_per_month == 8
    assert {k for k, v in intake.screening_answers.items() if v == "yes"} == YES[outcome]
    signed = Consent.objects.filter(client=client, typed_name=f"Wanda {outcome.capitalize()}")
    assert {c.text.kind for c in signed} == {"treatment", "data"}

    # The practitioner runs the screen: the intake's answers are already on it.
    desk.goto(f"{base}/clients/{client.uuid}/screen/")
    desk.get_by_role("button", name="Run the screen").click()
    desk.wait_for_url(f"{base}/screenings/*/")
    screening = SafetyScreening.objects.get(client=client)
    assert screening.outcome == outcome
    if outcome == "cleared":
        desk.get_by_text("No rule in use raised a concern").wait_for()
        _shots(desk, f"{outcome}-screen")
    elif outcome == "caution":
        desk.get_by_text("Acknowledge each risk below").wait_for()
        _shots(desk, f"{outcome}-screen")
        buttons = desk.get_by_role("button", name="I have read this risk and will adapt the treatment")
        assert buttons.count() == len(YES[outcome])
        buttons.first.click()
        desk.get_by_text("Every risk has been acknowledged").wait_for()
        _shots(desk, f"{outcome}-screen-acknowledged")
        screening.refresh_from_db()
        assert screening.acknowledgements.count() == 1 and screening.acknowledged_at is not None
    else:
        desk.get_by_text("No booking and no session record").wait_for()
        _shots(desk, f"{outcome}-screen")

    # A plan, and the first booking from its page (after the clearance, for refer): the
    # screen's page leads on to it once nothing blocks.
    go_on = desk.get_by_role("link", name="Go on to the treatment plan and the booking")
    if outcome == "refer":
        assert go_on.count() == 0
        desk.goto(f"{base}/clients/{client.uuid}/plan/")
    else:
        go_on.click()
        desk.wait_for_url(f"{base}/clients/{client.uuid}/plan/")
    desk.get_by_label("Practitioner in charge").select_option(str(world.records["practitioner"].uuid))
    desk.get_by_label("Goals in the client's words").fill("Fewer lost days at work")
    desk.get_by_role("button", name=re.compile("Start the plan", re.I)).click()
    desk.get_by_text("Plan started.").wait_for()
    plan = TreatmentPlan.objects.get(client=client)
    _shots(desk, f"{outcome}-plan")
    if outcome == "refer":
        _refused_then_cleared(desk, base, client, screening)
    first = _book_from_the_plan(desk, base, client)
    assert first.practitioner == world.records["practitioner"] and first.location == location

    # The appointment is over: the session record, clicking the body map.
    clock.move_to(first.ends_at + dt.timedelta(minutes=10))
    _signed_in(desk, live_server, world.practitioner_user.email)
    _record_session(desk, base, client, first, ["skull_base", "sacrum", "neck"])
    desk.locator("#s-map").scroll_into_view_if_needed()
    _shots(desk, f"{outcome}-bodymap", element=".bodymap")
    desk.get_by_role("button", name="Save session record").click()
    desk.wait_for_url("**/sessions/*/")
    record = SessionRecord.objects.get(appointment=first)
    assert set(record.regions) == {"skull_base", "sacrum", "neck"}
    assert (record.headache_at_start, record.headache_at_end) == (6, 3)
    follow_up = FollowUp.objects.get(session=record)
    assert follow_up.completed_at is None

    # A day later: the follow-up's e-mail, and the card on /me/ answered in two taps.
    clock.move_to(follow_up.due_at + dt.timedelta(hours=1))
    mail.outbox.clear()
    assert str(follow_up.uuid) in follow_ups_to_mail()
    assert follow_up_mail(follow_up_uuid=str(follow_up.uuid))
    (reminder,) = mail.outbox
    assert reminder.to == [email]
    home.context.clear_cookies()
    home.set_viewport_size({"width": 390, "height": 844})
    sign_in(home, live_server, email, CLIENT_PASSWORD)
    home.wait_for_url(f"{base}/me/")
    card = home.locator(".follow-up-card")
    home.screenshot(path=str(SCREENSHOTS / f"walk-{outcome}-follow-up-390.png"))
    card.get_by_role("button", name="Some discomfort").click()
    home.wait_for_url(f"{base}/me/#follow-up")
    home.get_by_role("button", name="Yes, it has passed").click()
    home.wait_for_url(f"{base}/me/#follow-up")
    assert home.locator(".follow-up-card").count() == 0
    follow_up.refresh_from_db()
    assert follow_up.side_effects == ["discomfort"] and follow_up.passed_at is not None

    # The next slot from the plan (intensive: a week on), the second session, the answer on it.
    _signed_in(desk, live_server, world.practitioner_user.email)
    second = _book_from_the_plan(desk, base, client)
    zone = ZoneInfo(location.time_zone)
    gap = second.starts_at.astimezone(zone).date() - record.started_at.astimezone(zone).date()
    assert gap == dt.timedelta(days=PHASE_INTERVAL_DAYS[PhaseKind.INTENSIVE][0])
    assert second.phase is not None and second.phase.plan == plan
    clock.move_to(second.ends_at + dt.timedelta(minutes=5))
    _signed_in(desk, live_server, world.practitioner_user.email)
    _record_session(desk, base, client, second, ["crown", "jaw"])
    prior = desk.locator("section[aria-labelledby='prev-fu']")
    assert "Mild discomfort · passed by" in prior.inner_text()
    desk.get_by_role("button", name="Save session record").click()
    desk.wait_for_url("**/sessions/*/")
    assert "passed by" in desk.locator("section[aria-labelledby='prev-fu']").inner_text()
    assert SessionRecord.objects.filter(client=client).count() == 2
    assert set(SessionRecord.objects.get(appointment=second).regions) == {"crown", "jaw"}


def _refused_then_cleared(desk: Any, base: str, client: Client, screening: SafetyScreening) -> None:
    """Refer: the plan's booking and the session record are refused in the page; the letter
    (page and PDF); the clinician's clearance unblocks."""
    refused = desk.get_by_text(REFUSED)
    # Said above the booking form before anything is chosen, and once more (not twice) when
    # the practitioner books anyway; nothing is booked.
    assert refused.count() == 1 and refused.is_visible()
    desk.get_by_label("Length (minutes)").select_option("60")
    desk.get_by_role("button", name="Book", exact=True).click()
    desk.wait_for_url("**/book/")
    assert refused.count() == 1 and desk.locator("form .errorlist", has_text=REFUSED).is_visible()
    _shots(desk, "refer-book-refused")
    assert not Appointment.objects.filter(client=client).exists()
    # The session record: the same words above the form, and the same refusal on saving.
    desk.goto(f"{base}/clients/{client.uuid}/sessions/new/")
    assert refused.count() == 1 and refused.is_visible()
    zone = ZoneInfo(client.practice.time_zone)
    started = (timezone.now() - dt.timedelta(hours=1)).astimezone(zone)
    desk.get_by_label("Started at").fill(started.strftime("%Y-%m-%dT%H:%M"))
    desk.locator('svg [data-region="neck"]').first.click()
    desk.get_by_role("button", name="Save session record").click()
    desk.wait_for_load_state("load")
    assert refused.count() == 1 and desk.locator("form .errorlist", has_text=REFUSED).is_visible()
    _shots(desk, "refer-session-refused")
    assert not SessionRecord.objects.filter(client=client).exists()
    desk.goto(f"{base}/screenings/{screening.uuid}/")
    desk.get_by_role("link", name="Open the letter to print").click()
    desk.get_by_role("heading", name="Re: ").first.wait_for()
    _shots(desk, "refer-letter")
    desk.emulate_media(media="print")
    desk.screenshot(path=str(SCREENSHOTS / "walk-refer-letter-printed-1280.png"), full_page=True)
    assert desk.get_by_role("button", name="Print").is_hidden()
    desk.emulate_media(media="screen")
    pdf = desk.request.get(f"{base}/screenings/{screening.uuid}/letter.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    desk.goto(f"{base}/screenings/{screening.uuid}/")
    desk.get_by_label("Cleared by (clinician)").fill("Dr. E. Visser, huisarts")
    desk.get_by_label("Date of the clearance").fill(client_today(client).isoformat())
    desk.locator("#id_document").fill("Brief van de huisarts, kenmerk 2026-118")
    desk.get_by_role("button", name="Record the clearance").click()
    desk.get_by_text("A clinician has cleared the client").wait_for()
    _shots(desk, "refer-screen-cleared")
    assert desk.get_by_role("link", name="Go on to the treatment plan and the booking").is_visible()
    screening.refresh_from_db()
    assert screening.cleared_at is not None and screening.clearance_clinician == "Dr. E. Visser, huisarts"
