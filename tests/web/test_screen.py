"""The safety screen as pages: questions, outcomes, per-risk acknowledgement, the referral
letter (page and PDF), the clearance, screen due, and the practice's rules with their log."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from headwise.care import services as care_services
from headwise.care.models import SessionRecord
from headwise.clients import selectors, services
from headwise.clients.forms_screen import field_name
from headwise.clients.models import (
    DisabledSafetyRule,
    PracticeSafetyRule,
    SafetyRuleLogEntry,
    SafetyScreening,
    ScreeningAcknowledgement,
)
from headwise.clinical import HEAD_INJURY_RULE, SAFETY_RULES
from tests import factories as f
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db

ALL_NO = {r.id: "no" for r in SAFETY_RULES}


def _post_screen(http: HttpClient, client, **answers: str):
    body = {field_name(k): v for k, v in {**ALL_NO, **answers}.items()}
    return http.post(f"/clients/{client.uuid}/screen/", {**body, "notes": ""})


def _latest(client) -> SafetyScreening:
    found = selectors.latest_screening(client=client)
    assert found is not None
    return found


def test_it_asks_every_rule_and_clears_when_every_answer_is_no(as_practitioner, world: PracticeWorld) -> None:
    page = as_practitioner.get(f"/clients/{world.client.uuid}/screen/")
    assert page.status_code == 200
    html = page.content.decode()
    for rule in SAFETY_RULES:
        assert f'name="{field_name(rule.id)}"' in html
    response = _post_screen(as_practitioner, world.client)
    screening = _latest(world.client)
    assert response.status_code == 302 and response["Location"] == f"/screenings/{screening.uuid}/"
    assert screening.outcome == "cleared" and screening.reasons == []
    shown = as_practitioner.get(response["Location"]).content.decode()
    assert "No rule in use raised a concern" in shown


def test_a_head_injury_eleven_days_ago_defers_cst_with_the_date_and_days_left(
    as_practitioner, world: PracticeWorld
) -> None:
    client = world.client
    client.recent_head_injury_on = f.local_today(client.time_zone) - dt.timedelta(days=11)
    client.save()
    page = as_practitioner.get(f"/clients/{client.uuid}/screen/").content.decode()
    assert "11 days ago" in page
    _post_screen(as_practitioner, client)
    screening = _latest(client)
    assert screening.outcome == "refer"
    assert screening.reasons == [
        {
            "rule_id": HEAD_INJURY_RULE,
            "answer": "yes",
            "effect": "defer",
            "params": {
                "injured_on": client.recent_head_injury_on.isoformat(),
                "days_since": 11,
                "days_left": 79,
                "window_days": 90,
            },
        }
    ]
    shown = as_practitioner.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "other therapies until it has settled" in shown and "79 days left" in shown
    assert "Defer CST until a clinician clears it" in shown
    desk = as_practitioner.get(f"/clients/{client.uuid}/").content.decode()
    assert f'href="/screenings/{screening.uuid}/"' in desk and "See the reasons" in desk


def test_it_shows_each_reason_in_dutch_for_a_dutch_reader(world: PracticeWorld) -> None:
    user = world.practitioner_user
    user.language = "nl"
    user.save()
    http = login(user)
    _post_screen(http, world.client, **{"red_flag.sudden_onset": "yes"})
    shown = http.get(f"/screenings/{_latest(world.client).uuid}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Plotseling of donderslagbegin" in shown
    assert "Sudden or thunderclap" not in shown


def test_an_old_reason_with_english_text_is_worded_from_its_rule_id(as_practitioner, world) -> None:
    old = {"rule_id": "contraindication.clotting", "answer": "yes", "effect": "caution", "text": "caution: x"}
    screening = f.SafetyScreeningFactory(
        client=world.client, practice=world.practice, outcome="caution", reasons=[old]
    )
    shown = as_practitioner.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "Blood clots, DVT" in shown and "caution: x" not in shown


def test_a_caution_needs_each_risk_acknowledged_with_who_and_when(
    as_practitioner, as_owner, world: PracticeWorld
) -> None:
    two = {"contraindication.clotting": "yes", "contraindication.acute_infection": "yes"}
    _post_screen(as_practitioner, world.client, **two)
    screening = _latest(world.client)
    assert screening.outcome == "caution"
    url = f"/screenings/{screening.uuid}/acknowledge/"
    as_practitioner.post(url, {"rule_id": "contraindication.clotting"})
    assert services.treatment_blocker(client=world.client) is not None
    page = as_practitioner.get(f"/screenings/{screening.uuid}/").content.decode()
    assert f"Acknowledged by {world.practitioner_user}" in page
    assert page.count("I have read this risk and will adapt the treatment</button>") == 1
    as_owner.post(url, {"rule_id": "contraindication.acute_infection"})
    assert services.treatment_blocker(client=world.client) is None
    acks = ScreeningAcknowledgement.objects.filter(screening=screening).order_by("rule_id")
    assert [(a.rule_id, a.acknowledged_by) for a in acks] == [
        ("contraindication.acute_infection", world.owner),
        ("contraindication.clotting", world.practitioner_user),
    ]
    again = as_owner.post(url, {"rule_id": "contraindication.clotting"}, follow=True)
    assert "already acknowledged" in again.content.decode()
    assert acks.count() == 2


def test_refer_blocks_booking_and_session_records_until_a_clearance_unblocks(
    as_practitioner, world: PracticeWorld
) -> None:
    _post_screen(as_practitioner, world.client, **{"contraindication.aneurysm": "yes"})
    screening = _latest(world.client)
    r = world.records
    slot = f.local_at(world.client.time_zone, days=1, hour=10)
    booking = {
        "practice": world.practice,
        "by": world.practitioner_user,
        "client_id": world.client.uuid,
        "practitioner_id": r["practitioner"].uuid,
        "location_id": r["location"].uuid,
        "starts_at": slot,
        "ends_at": slot + dt.timedelta(hours=1),
    }
    r["practitioner"].locations.add(r["location"])
    sessions = SessionRecord.objects.count()
    for attempt in (
        lambda: care_services.appointment_book(**booking),
        lambda: care_services.session_record_create(
            client=world.client, by=world.practitioner_user, started_at=slot - dt.timedelta(days=2)
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "refer" in refused.value.message_dict["client_id"][0]
    assert SessionRecord.objects.count() == sessions
    bad = as_practitioner.post(
        f"/screenings/{screening.uuid}/clearance/",
        {"clinician": "", "cleared_on": "2099-01-01", "document": "x"},
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "Cleared by (clinician): This field is required." in text
    screening.refresh_from_db()
    assert screening.cleared_at is None and screening.clearance_document == ""
    future = as_practitioner.post(
        f"/screenings/{screening.uuid}/clearance/",
        {"clinician": "Dr. Jansen", "cleared_on": "2099-01-01", "document": "GP letter"},
    )
    assert future.status_code == 422 and "cannot be dated in the future" in future.content.decode()
    good = as_practitioner.post(
        f"/screenings/{screening.uuid}/clearance/",
        {"clinician": "Dr. Jansen, GP", "cleared_on": "2026-01-05", "document": "GP letter, ref 12"},
    )
    assert good.status_code == 302
    screening.refresh_from_db()
    assert (screening.clearance_clinician, screening.clearance_document) == (
        "Dr. Jansen, GP",
        "GP letter, ref 12",
    )
    assert screening.cleared_by == world.practitioner_user
    assert care_services.appointment_book(**booking).client == world.client


def test_the_referral_letter_names_the_practice_findings_and_question(as_practitioner, world) -> None:
    r = world.records
    location = r["location"]
    location.street, location.postal_code, location.city = "Herengracht 1", "1015 BA", "Amsterdam"
    location.save()
    world.client.physician_name = "Dr. E. Visser"
    world.client.save()
    _post_screen(
        as_practitioner, world.client, **{"red_flag.sudden_onset": "yes", "red_flag.papilloedema": "unknown"}
    )
    screening = _latest(world.client)
    html = as_practitioner.get(f"/screenings/{screening.uuid}/letter/").content.decode()
    for expected in (
        world.practice.name,
        "Herengracht 1",
        "1015 BA Amsterdam",
        r["practitioner"].display_name,
        "Dr. E. Visser",
        "Sudden or thunderclap onset",
        "Papilloedema? — not answered",
        "Please assess whether CST is safe for",
    ):
        assert expected in html, expected


def test_the_letter_is_in_the_clients_language(as_practitioner, world) -> None:
    world.client_user.language = "nl"
    world.client_user.save()
    _post_screen(as_practitioner, world.client, **{"red_flag.sudden_onset": "yes"})
    html = as_practitioner.get(f"/screenings/{_latest(world.client).uuid}/letter/").content.decode()
    assert "Is craniosacraaltherapie veilig?" in html or "is craniosacraaltherapie veilig?" in html
    assert "Plotseling of donderslagbegin" in html
    english = as_practitioner.get(
        f"/screenings/{_latest(world.client).uuid}/letter/?lang=en"
    ).content.decode()
    assert "Please assess whether CST is safe" in english


def test_the_letter_pdf_is_a4_and_at_most_two_pages(as_practitioner, world, tmp_path) -> None:
    _post_screen(as_practitioner, world.client, **{k: "yes" for k in list(ALL_NO)[:12]})
    response = as_practitioner.get(f"/screenings/{_latest(world.client).uuid}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 1 <= pages <= 2
    assert "(A4)" in info


def test_front_desk_and_clients_never_see_the_screen(as_front_desk, as_client, world) -> None:
    screening = world.records["screening"]
    for url in (
        f"/clients/{world.client.uuid}/screen/",
        f"/screenings/{screening.uuid}/",
        f"/screenings/{screening.uuid}/letter/",
        f"/screenings/{screening.uuid}/letter.pdf",
    ):
        assert as_front_desk.get(url).status_code == 403, url
        assert as_client.get(url).status_code == 404, url
    assert (
        as_front_desk.post(f"/screenings/{screening.uuid}/acknowledge/", {"rule_id": "x"}).status_code == 403
    )


def test_a_bad_answer_names_the_question_and_saves_nothing(as_practitioner, world) -> None:
    before = SafetyScreening.objects.count()
    body = {field_name(k): "no" for k in ALL_NO}
    body[field_name("red_flag.systemic")] = "maybe"
    response = as_practitioner.post(f"/clients/{world.client.uuid}/screen/", body)
    assert response.status_code == 422
    assert "Systemic symptoms, including fever?: Select a valid choice." in response.content.decode()
    assert SafetyScreening.objects.count() == before


# --- screen due ---------------------------------------------------------------------------


def test_a_screen_is_due_when_none_exists_the_intake_changed_or_after_a_gap(world, clock) -> None:
    other = world.other_client
    assert selectors.screen_due(client=other).reason == "never"  # type: ignore[union-attr]
    services.screening_record(client=other, by=world.practitioner_user, answers=ALL_NO)
    assert selectors.screen_due(client=other) is None
    other.recent_head_injury_on = f.local_today(other.time_zone) - dt.timedelta(days=400)
    other.save()
    assert selectors.screen_due(client=other).reason == "intake_changed"  # type: ignore[union-attr]
    services.screening_record(client=other, by=world.practitioner_user, answers=ALL_NO)
    assert selectors.screen_due(client=other) is None
    clock.move_to(f.local_at(other.time_zone, days=6 * 31, hour=12))
    due = selectors.screen_due(client=other)
    assert due is not None and due.reason == "gap" and "6 months" in due.message


def test_a_session_inside_the_gap_keeps_the_screen_current(world, clock) -> None:
    other = world.other_client
    services.screening_record(client=other, by=world.practitioner_user, answers=ALL_NO)
    f.SessionRecordFactory(
        client=other, practice=world.practice, started_at=f.local_at(other.time_zone, days=120, hour=14)
    )
    clock.move_to(f.local_at(other.time_zone, days=200, hour=12))
    assert selectors.screen_due(client=other) is None


def test_the_gap_is_the_practices_setting(as_owner, world, clock) -> None:
    other = world.other_client
    services.screening_record(client=other, by=world.practitioner_user, answers=ALL_NO)
    bad = as_owner.post("/practice/safety-rules/", {"action": "settings", "rescreen_after_months": "0"})
    assert bad.status_code == 422
    world.practice.refresh_from_db()
    assert world.practice.rescreen_after_months == 6
    as_owner.post("/practice/safety-rules/", {"action": "settings", "rescreen_after_months": "2"})
    world.practice.refresh_from_db()
    assert world.practice.rescreen_after_months == 2
    clock.move_to(f.local_at(other.time_zone, days=70, hour=12))
    other.practice.refresh_from_db()
    assert selectors.screen_due(client=other).reason == "gap"  # type: ignore[union-attr]
    assert SafetyRuleLogEntry.objects.filter(practice=world.practice, action="setting").count() == 1


# --- the practice's rules -----------------------------------------------------------------


def test_the_owner_switches_a_rule_off_and_every_result_reports_it(as_owner, as_practitioner, world) -> None:
    response = as_owner.post(
        "/practice/safety-rules/", {"action": "disable", "rule_id": "contraindication.clotting"}
    )
    assert response.status_code == 302
    assert DisabledSafetyRule.objects.filter(practice=world.practice).count() == 1
    page = as_practitioner.get(f"/clients/{world.client.uuid}/screen/").content.decode()
    assert f'name="{field_name("contraindication.clotting")}"' not in page
    answers = {k: v for k, v in ALL_NO.items() if k != "contraindication.clotting"}
    screening = services.screening_record(client=world.client, by=world.practitioner_user, answers=answers)
    assert screening.outcome == "cleared" and screening.disabled_rules == ["contraindication.clotting"]
    assert screening.rules_version.startswith("practice-")
    shown = as_practitioner.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "contraindication.clotting" in shown
    as_owner.post("/practice/safety-rules/", {"action": "enable", "rule_id": "contraindication.clotting"})
    log = list(SafetyRuleLogEntry.objects.filter(practice=world.practice).order_by("pk"))
    assert [(e.action, e.rule_id, e.by) for e in log] == [
        ("disabled", "contraindication.clotting", world.owner),
        ("enabled", "contraindication.clotting", world.owner),
    ]
    rules_page = as_owner.get("/practice/safety-rules/").content.decode()
    assert "switched off" in rules_page and "switched on again" in rules_page


def test_the_owner_adds_and_retires_the_practices_own_rule(as_owner, as_practitioner, world) -> None:
    bad = as_owner.post(
        "/practice/safety-rules/",
        {"action": "add", "rule_id": "red_flag.mine", "question": "", "effect": "refer"},
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "Rule id: Start with practice." in text and "Question: This field is required." in text
    assert PracticeSafetyRule.objects.count() == 0 and SafetyRuleLogEntry.objects.count() == 0
    as_owner.post(
        "/practice/safety-rules/",
        {
            "action": "add",
            "rule_id": "practice.whiplash",
            "question": "Whiplash in the last year?",
            "effect": "caution",
        },
    )
    rule = PracticeSafetyRule.objects.get(practice=world.practice)
    screening = services.screening_record(
        client=world.client, by=world.practitioner_user, answers={**ALL_NO, "practice.whiplash": "yes"}
    )
    assert screening.outcome == "caution"
    assert (
        "Whiplash in the last year?" in as_practitioner.get(f"/screenings/{screening.uuid}/").content.decode()
    )
    as_owner.post("/practice/safety-rules/", {"action": "retire", "rule": str(rule.uuid)})
    rule.refresh_from_db()
    assert rule.is_active is False
    with pytest.raises(ValidationError) as refused:
        services.screening_record(
            client=world.client, by=world.practitioner_user, answers={**ALL_NO, "practice.whiplash": "no"}
        )
    assert "answers.practice.whiplash" in refused.value.message_dict
    # the old screening still names the retired rule in the practice's words
    assert (
        "Whiplash in the last year?" in as_practitioner.get(f"/screenings/{screening.uuid}/").content.decode()
    )
    assert [e.action for e in SafetyRuleLogEntry.objects.order_by("pk")] == ["added", "retired"]


def test_only_the_owner_changes_the_rules(as_practitioner, world) -> None:
    assert as_practitioner.get("/practice/safety-rules/").status_code == 403
    response = as_practitioner.post(
        "/practice/safety-rules/", {"action": "disable", "rule_id": "red_flag.systemic"}
    )
    assert response.status_code == 403
    assert DisabledSafetyRule.objects.count() == 0


def test_another_practices_rule_cannot_be_retired(as_owner, outsider: PracticeWorld) -> None:
    theirs = PracticeSafetyRule.objects.create(
        practice=outsider.practice, rule_id="practice.theirs", question="?", effect="refer"
    )
    response = as_owner.post("/practice/safety-rules/", {"action": "retire", "rule": str(theirs.uuid)})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active is True


# --- the intake ---------------------------------------------------------------------------


def _intake(client, **fields):
    from django.utils import timezone

    from headwise.clients.models import Intake

    defaults = {"screening_answers": {}, "head_injuries": [], "submitted_at": timezone.now()}
    return Intake.objects.create(practice=client.practice, client=client, **{**defaults, **fields})


def test_the_intake_prefills_the_answers_and_its_head_injury_defers(as_practitioner, world) -> None:
    client = world.other_client
    day = f.local_today(client.time_zone) - dt.timedelta(days=11)
    _intake(
        client,
        screening_answers={"contraindication.clotting": "yes", "red_flag.systemic": "no"},
        head_injuries=[{"what": "Fell off my bike", "date": day.isoformat(), "doctor_seen": "no"}],
    )
    page = as_practitioner.get(f"/clients/{client.uuid}/screen/").content.decode()
    assert "Fell off my bike" in page and "not seen by a doctor" in page and "11 days ago" in page
    assert re.search(r'value="yes"[^>]*name="rule-contraindication-clotting"[^>]*checked', page) or re.search(
        r'name="rule-contraindication-clotting"[^>]*value="yes"[^>]*checked', page
    )
    screening = services.screening_record(client=client, by=world.practitioner_user, answers=ALL_NO)
    assert screening.outcome == "refer"
    assert [r["rule_id"] for r in screening.reasons] == [HEAD_INJURY_RULE]
    assert screening.reasons[0]["params"]["injured_on"] == day.isoformat()


def test_a_changed_intake_asks_for_a_new_screen(world) -> None:
    client = world.other_client
    intake = _intake(client, screening_answers={"red_flag.systemic": "no"})
    services.screening_record(client=client, by=world.practitioner_user, answers=ALL_NO)
    assert selectors.screen_due(client=client) is None
    intake.screening_answers = {"red_flag.systemic": "yes"}
    intake.save()
    due = selectors.screen_due(client=client)
    assert due is not None and due.reason == "intake_changed"
