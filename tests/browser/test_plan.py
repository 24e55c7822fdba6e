"""The plan page, a confirmed phase change, booking the next session, the desk, and the client's
PHQ-4 at 390 px; axe-core on each page in both themes, screenshots for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from headwise.care.models import Appointment, PhaseDecision, PlanPhase
from headwise.outcomes.models import QuestionnaireRequest
from tests.browser import test_accessibility as a11y
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, check
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD
from tests.web.plan_world import planned_client

#: The phone-sized page in the theme under test, shared with the accessibility tests.
themed = a11y.themed


def theme_of(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["themed"])


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_practitioner_confirms_a_phase_change_and_books_the_next_session(
    themed: Any, live_server: Any, world: PracticeWorld, request: pytest.FixtureRequest
) -> None:
    theme, page, found = theme_of(request), themed, {}
    world.records["practitioner"].locations.add(world.records["location"])
    client, plan = planned_client(world)
    sign_in(page, live_server, world.practitioner_user.email, PASSWORD)
    plan_url = f"{live_server.url}/clients/{client.uuid}/plan/"
    check(page, plan_url, "plan", theme, found)
    assert page.get_by_text("Suggested: move on to Stabilising").is_visible()
    page.get_by_role("button", name="Confirm: Stabilising: every 2–3 weeks").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Phase changed: Stabilising").is_visible()
    assert PhaseDecision.objects.get(plan=plan).decision == "confirmed"
    assert PlanPhase.objects.get(plan=plan, ends_on__isnull=True).kind == "stabilising"
    check(page, plan_url, "plan-after-confirm", theme, found)
    page.get_by_label("Length (minutes)").select_option("60")
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Session booked.").is_visible()
    booked = Appointment.objects.get(client=client)
    assert booked.phase == PlanPhase.objects.get(plan=plan, ends_on__isnull=True)
    check(page, f"{live_server.url}/clients/{client.uuid}/", "desk", theme, found)
    assert page.get_by_role("heading", name="What needs doing").is_visible()
    check(page, f"{live_server.url}/practice/cadence/", "cadence-rules-refused", theme, found, status=403)
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_client_fills_in_the_phq4_on_a_phone(
    themed: Any, live_server: Any, world: PracticeWorld, request: pytest.FixtureRequest
) -> None:
    theme, page, found = theme_of(request), themed, {}
    asked = world.records["questionnaire_request"]
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    check(page, f"{live_server.url}/me/", "me-with-questionnaire", theme, found)
    page.get_by_role("link", name="Fill in the PHQ-4").click()
    page.wait_for_load_state("load")
    check(page, page.url, "phq4-client", theme, found)
    for question, answer in zip(
        (
            "Feeling nervous, anxious or on edge",
            "Not being able to stop or control worrying",
            "Little interest or pleasure in doing things",
            "Feeling down, depressed or hopeless",
        ),
        ("Several days", "Not at all", "More than half the days", "Nearly every day"),
        strict=True,
    ):
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.screenshot(path=str(SCREENSHOTS / f"phq4-client-filled-{theme}-390.png"), full_page=True)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Your practitioner will see your answers").is_visible()
    asked.refresh_from_db()
    assert asked.response is not None and (asked.response.total, asked.response.band) == (6, "moderate")
    assert not QuestionnaireRequest.objects.filter(pk=asked.pk, response__isnull=True).exists()
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
def test_the_owner_s_cadence_rules_and_the_check_in_pass_axe(
    themed: Any, live_server: Any, world: PracticeWorld, request: pytest.FixtureRequest
) -> None:
    theme, page, found = theme_of(request), themed, {}
    sign_in(page, live_server, world.owner.email, PASSWORD)
    check(page, f"{live_server.url}/practice/cadence/", "cadence-rules", theme, found)
    check(
        page,
        f"{live_server.url}/clients/{world.client.uuid}/questionnaires/new/midas/",
        "midas-entry",
        theme,
        found,
    )
    page.context.clear_cookies()
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.goto(f"{live_server.url}/diary/checkin/")
    page.wait_for_load_state("load")
    page.get_by_text("An early warning sign today? (optional)").click()
    check(page, page.url, "checkin-warning-open", theme, found)
    assert_clean(found)
