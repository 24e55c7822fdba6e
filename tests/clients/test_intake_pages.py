"""The intake link, the intake and consent pages, the desk's pages and withdrawing from settings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from headwise import clinical
from headwise.clients import services
from headwise.clients.forms_intake import question_field
from headwise.clients.models import Consent, Intake, IntakeLink
from headwise.diary.models import DailyCheckIn
from tests import factories as f
from tests.conftest import PracticeWorld, login

RULES = [r.id for r in clinical.SAFETY_RULES]


def form_data(**changes: Any) -> dict[str, Any]:
    """A complete intake as the page posts it: every question 'no', empty rows."""
    data: dict[str, Any] = {question_field(rule_id): "no" for rule_id in RULES}
    data["pregnancy"] = "no"
    for prefix in ("preventive", "acute", "injuries"):
        data.update({f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def send_link(http: HttpClient, world: PracticeWorld) -> str:
    """Send the link from the client page; the path of the link in the e-mail."""
    mail.outbox.clear()
    response = http.post(f"/clients/{world.client.uuid}/intake/send/")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [world.client.email]
    found = re.search(r"https?://[^/\s]+(/intake/start/[0-9a-f]+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def link(world: PracticeWorld, as_front_desk: HttpClient) -> str:
    world.client.email = "alpha.client@example.org"
    world.client.save()
    return send_link(as_front_desk, world)


def test_the_front_desk_sends_a_link_that_opens_the_form_once(world: PracticeWorld, link: str) -> None:
    stored = IntakeLink.objects.get(client=world.client)
    assert link.rstrip("/").split("/")[-1] not in stored.token_hash  # only a hash is kept
    assert stored.expires_at == timezone.now() + dt.timedelta(days=7)
    visitor = HttpClient()
    page = visitor.get(link)
    assert page.status_code == 200 and "AlphaClient" in page.content.decode()
    assert IntakeLink.objects.get(pk=stored.pk).used_at is None  # looking does not use it up
    opened = visitor.post(link, {"action": "open"})
    assert opened.status_code == 302 and opened["Location"] == "/intake/"
    form = visitor.get("/intake/")
    assert form.status_code == 200 and "AlphaClient" in form.content.decode()
    again = HttpClient().get(link)
    assert again.status_code == 410 and "already used" in again.content.decode()
    assert HttpClient().post(link, {"action": "open"}).status_code == 410


def test_an_expired_link_says_so(world: PracticeWorld, link: str) -> None:
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, seconds=1), tick=False):
        page = HttpClient().get(link)
        assert page.status_code == 410 and "expired" in page.content.decode()
        assert HttpClient().post(link, {"action": "open"}).status_code == 410
    assert IntakeLink.objects.get().used_at is None


def test_a_tampered_or_replaced_link_opens_nothing(
    world: PracticeWorld, link: str, as_owner: HttpClient
) -> None:
    token = link.rstrip("/").split("/")[-1]
    tampered = link.replace(token, ("0" if token[0] != "0" else "1") + token[1:])
    page = HttpClient().get(tampered)
    assert page.status_code == 404 and "does not open any form" in page.content.decode()
    assert HttpClient().get("/intake/start/x/").status_code == 404
    newer = send_link(as_owner, world)
    assert HttpClient().get(link).status_code == 410  # the first one was replaced
    assert HttpClient().get(newer).status_code == 200


def test_the_restricted_session_reaches_only_the_intake(world: PracticeWorld, link: str) -> None:
    visitor = HttpClient()
    visitor.post(link, {"action": "open"})
    assert visitor.get("/intake/").status_code == 200
    assert visitor.get("/intake/consent/").status_code == 200
    for path in ("/me/", "/settings/", "/diary/checkin/", "/clients/", f"/clients/{world.client.uuid}/"):
        response = visitor.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
    assert visitor.get(f"/api/clients/{world.client.uuid}").status_code == 401
    assert visitor.get(f"/clients/{world.other_client.uuid}/intake/").status_code == 302
    # The grant lasts hours, not days.
    with time_machine.travel(timezone.now() + services.INTAKE_SESSION, tick=False):
        assert visitor.get("/intake/").status_code == 302


def test_a_link_for_one_client_signs_out_another(world: PracticeWorld, link: str) -> None:
    sibling = f.UserFactory(email="sibling@alpha.example")
    world.other_client.user = sibling
    world.other_client.save()
    http = login(sibling)
    http.post(link, {"action": "open"})
    page = http.get("/intake/").content.decode()
    assert "AlphaClient" in page and "AlphaSecond" not in page
    assert http.get("/me/").status_code == 302  # signed out


def test_the_link_sets_a_password_and_signs_in(world: PracticeWorld, link: str) -> None:
    visitor = HttpClient()
    weak = visitor.post(link, {"action": "password", "password": "abc", "password_again": "abc"})
    assert weak.status_code == 422 and "password" in weak.content.decode().lower()
    assert IntakeLink.objects.get().used_at is None
    differ = visitor.post(link, {"action": "password", "password": "A-long-pass 1", "password_again": "x"})
    assert differ.status_code == 422 and "differ" in differ.content.decode()
    done = visitor.post(
        link, {"action": "password", "password": "Feather light 5g", "password_again": "Feather light 5g"}
    )
    assert done.status_code == 302 and done["Location"] == "/intake/"
    world.client_user.refresh_from_db()
    assert world.client_user.check_password("Feather light 5g")
    assert visitor.get("/me/").status_code == 200  # a full session of their own account


def test_a_client_without_a_login_gets_one_from_the_link(world: PracticeWorld, as_owner: HttpClient) -> None:
    world.other_client.email = "second@example.org"
    world.other_client.save()
    mail.outbox.clear()
    as_owner.post(f"/clients/{world.other_client.uuid}/intake/send/")
    path = re.search(r"(/intake/start/[0-9a-f]+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    visitor = HttpClient()
    visitor.post(
        path, {"action": "password", "password": "Feather light 5g", "password_again": "Feather light 5g"}
    )
    world.other_client.refresh_from_db()
    assert world.other_client.user is not None and world.other_client.user.email == "second@example.org"


def test_no_link_without_an_e_mail_address(world: PracticeWorld, as_owner: HttpClient) -> None:
    world.other_client.email = ""
    world.other_client.save()
    mail.outbox.clear()
    response = as_owner.post(f"/clients/{world.other_client.uuid}/intake/send/", follow=True)
    assert "no e-mail address" in response.content.decode()
    assert mail.outbox == [] and not IntakeLink.objects.exists()


def test_the_client_submits_the_intake_and_signs_consent(world: PracticeWorld, link: str) -> None:
    visitor = HttpClient()
    visitor.post(link, {"action": "open"})
    injured = (timezone.localdate() - dt.timedelta(days=11)).isoformat()
    saved = visitor.post(
        "/intake/",
        form_data(
            migraine_since_year="2012",
            migraine_days_per_month="10",
            diagnosed_by="gp",
            **{"acute-0-name": "Paracetamol 500 mg", "acute-0-dose": "1 g"},
            **{"injuries-0-what": "Fell on ice", "injuries-0-date": injured, "injuries-0-doctor_seen": "yes"},
            hopes="Fewer bad days",
        ),
    )
    assert saved.status_code == 302 and saved["Location"] == "/intake/consent/"
    intake = Intake.objects.get(client=world.client)
    assert intake.acute_medication[0]["substance"] == "paracetamol"
    assert intake.head_injuries == [{"what": "Fell on ice", "date": injured, "doctor_seen": "yes"}]
    assert not intake.entered_at_desk and intake.created_by is None
    wrong = visitor.post(
        "/intake/consent/", {"agree_treatment": "on", "agree_data": "on", "typed_name": "Alpha"}
    )
    assert wrong.status_code == 422 and "not the name on the record" in wrong.content.decode()
    assert not Consent.objects.filter(client=world.client, typed_name__gt="").exists()
    signed = visitor.post(
        "/intake/consent/", {"agree_treatment": "on", "agree_data": "on", "typed_name": "alphaclient  OWN"}
    )
    assert signed.status_code == 302 and signed["Location"] == "/intake/done/"
    made = Consent.objects.filter(client=world.client, typed_name__gt="")
    assert {c.text.kind for c in made} == {"treatment", "data"}
    assert all(c.witnessed_by is None and c.recorded_by is None for c in made)


@pytest.mark.parametrize(
    ("changes", "field_label"),
    [
        ({"migraine_since_year": "3000"}, "Since which year"),
        ({"migraine_days_per_month": "40"}, "usual month"),
        ({"migraine_days_per_month": "many"}, "usual month"),
        ({"acute-0-dose": "400 mg"}, "Medicine"),
        (
            {"injuries-0-what": "Fall", "injuries-0-date": "2999-01-01", "injuries-0-doctor_seen": "no"},
            "When",
        ),
        ({"injuries-0-what": "Fall", "injuries-0-doctor_seen": "no"}, "When"),
        ({"injuries-0-date": "2020-01-01", "injuries-0-doctor_seen": "no"}, "What happened"),
        ({"pregnancy": "yes"}, "how many weeks"),
        ({question_field("red_flag.sudden_onset"): ""}, "thunderclap"),
        ({question_field("red_flag.sudden_onset"): "perhaps"}, "thunderclap"),
        ({"hopes": "x" * 5001}, "hope for"),
    ],
)
def test_the_intake_page_refuses_bad_input_naming_the_field(
    world: PracticeWorld, as_client: HttpClient, changes: dict[str, str], field_label: str
) -> None:
    response = as_client.post("/intake/", form_data(**changes))
    page = response.content.decode()
    assert response.status_code == 422
    errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', page, re.S)
    assert any(field_label in e for e in errors), errors
    assert not Intake.objects.exists()


def test_adding_a_row_saves_nothing(as_client: HttpClient) -> None:
    response = as_client.post("/intake/", form_data(more="injuries"))
    assert response.status_code == 200 and 'name="injuries-2-what"' in response.content.decode()
    assert not Intake.objects.exists()


def test_the_front_desk_fills_in_with_the_client_but_never_reads_it_back(
    world: PracticeWorld, as_front_desk: HttpClient, as_practitioner: HttpClient
) -> None:
    url = f"/clients/{world.client.uuid}/intake/"
    assert as_front_desk.get(url).status_code == 200
    saved = as_front_desk.post(url, form_data(hopes="Sleep through the night"))
    assert saved.status_code == 302
    intake = Intake.objects.get(client=world.client)
    assert intake.entered_at_desk and intake.created_by == world.front_desk
    hidden = as_front_desk.get(url)
    assert hidden.status_code == 403 and "Sleep through" not in hidden.content.decode()
    assert as_front_desk.post(url, form_data(hopes="changed")).status_code == 403
    assert Intake.objects.get().hopes == "Sleep through the night"
    read = as_practitioner.get(url)
    assert read.status_code == 200 and "Sleep through the night" in read.content.decode()
    detail = as_front_desk.get(f"/clients/{world.client.uuid}/").content.decode()
    assert "Submitted" in detail and "Sleep through" not in detail


def test_consent_at_the_desk_records_the_witness(world: PracticeWorld, as_front_desk: HttpClient) -> None:
    url = f"/clients/{world.client.uuid}/consent/"
    nothing = as_front_desk.post(url, {"typed_name": "AlphaClient Own"})
    assert nothing.status_code == 422 and "Tick what you agree to" in nothing.content.decode()
    assert (
        as_front_desk.post(url, {"agree_treatment": "on", "typed_name": "AlphaClient Own"}).status_code == 302
    )
    consent = Consent.objects.get(client=world.client, typed_name="AlphaClient Own")
    assert consent.witnessed_by == world.front_desk and consent.text.kind == "treatment"
    detail = as_front_desk.get(f"/clients/{world.client.uuid}/").content.decode()
    assert "witnessed by" in detail


def test_withdrawing_the_data_consent_in_settings_stops_diary_writes(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    as_client.post("/intake/consent/", {"agree_data": "on", "typed_name": "AlphaClient Own"})
    consent = Consent.objects.get(client=world.client, text__kind="data")
    page = as_client.get("/settings/").content.decode()
    assert f"/settings/consents/{consent.uuid}/withdraw/" in page
    withdrawn = as_client.post(f"/settings/consents/{consent.uuid}/withdraw/", follow=True)
    assert "no longer processes your health data" in withdrawn.content.decode()
    day = timezone.localdate().isoformat()
    before = DailyCheckIn.objects.count()
    page_write = as_client.post(f"/diary/checkin/{day}/", {"had_headache": "false"})
    assert page_write.status_code == 403 and "Nothing new is recorded" in page_write.content.decode()
    api_write = as_client.put(
        f"/api/clients/{world.client.uuid}/checkins/{day}",
        {"had_headache": False},
        content_type="application/json",
    )
    assert api_write.status_code == 422 and "withdrawn" in api_write.content.decode()
    attack = as_client.post(
        f"/api/clients/{world.client.uuid}/attacks",
        {"started_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert attack.status_code == 422
    assert DailyCheckIn.objects.count() == before
    # Signing again opens the diary again.
    as_client.post("/intake/consent/", {"agree_data": "on", "typed_name": "AlphaClient Own"})
    assert as_client.post(f"/diary/checkin/{day}/", {"had_headache": "false"}).status_code == 302


def test_nobody_withdraws_another_clients_consent(world: PracticeWorld, as_owner: HttpClient) -> None:
    consent = world.records["consent"]
    sibling = f.UserFactory(email="sibling@alpha.example")
    world.other_client.user = sibling
    world.other_client.save()
    assert login(sibling).post(f"/settings/consents/{consent.uuid}/withdraw/").status_code == 404
    assert as_owner.post(f"/settings/consents/{consent.uuid}/withdraw/").status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_dutch_client_reads_the_intake_and_consent_in_dutch(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    form = as_client.get("/intake/").content.decode()
    assert "Sinds welk jaar heb je migraine?" in form and "Weet ik niet" in form
    assert "Heb je ooit kanker gehad?" in form
    bad = as_client.post("/intake/", form_data(**{question_field("red_flag.neoplasm"): ""})).content.decode()
    assert "Beantwoord deze vraag" in bad
    consent = as_client.get("/intake/consent/").content.decode()
    assert "Toestemming voor het bewaren en verwerken van mijn gezondheidsgegevens" in consent
    wrong = as_client.post("/intake/consent/", {"agree_data": "on", "typed_name": "Iemand"}).content.decode()
    assert "niet de naam in het dossier" in wrong
    assert (
        as_client.post("/intake/consent/", {"agree_data": "on", "typed_name": "AlphaClient Own"}).status_code
        == 302
    )
    assert Consent.objects.get(client=world.client, typed_name__gt="").text.language == "nl"
