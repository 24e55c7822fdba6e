"""The clients router: client records, consent, the safety screen."""

from __future__ import annotations

import pytest

from headwise.clients.models import Client, Consent, ConsentText, SafetyScreening
from headwise.clinical import SAFETY_RULES
from tests import factories as f
from tests.api.conftest import call, fields_of
from tests.conftest import PracticeWorld

pytestmark = pytest.mark.django_db

ALL_NO = {rule.id: "no" for rule in SAFETY_RULES}
NEW = {"given_name": "Ines", "family_name": "Bakker", "date_of_birth": "1985-04-02"}


def _screen(http, client, **answers: str):
    return call(http, "post", f"/api/clients/{client.uuid}/screenings", {"answers": {**ALL_NO, **answers}})


# --- client records -----------------------------------------------------------------------


def test_it_finds_clients_by_name(as_front_desk, world: PracticeWorld, outsider) -> None:
    response = as_front_desk.get("/api/clients?q=alphasec")
    assert [c["id"] for c in response.json()["items"]] == [str(world.other_client.uuid)]
    everyone = {c["id"] for c in as_front_desk.get("/api/clients").json()["items"]}
    assert everyone == {str(world.client.uuid), str(world.other_client.uuid)}


def test_it_gives_a_new_client_the_practice_zone_unless_told(as_front_desk, world: PracticeWorld) -> None:
    world.practice.time_zone = "America/New_York"
    world.practice.save(update_fields=["time_zone"])
    response = call(as_front_desk, "post", "/api/clients", NEW)
    assert response.status_code == 201 and response.json()["time_zone"] == "America/New_York"
    told = call(as_front_desk, "post", "/api/clients", {**NEW, "time_zone": "Asia/Tokyo"})
    assert told.status_code == 201 and told.json()["time_zone"] == "Asia/Tokyo"


def test_it_registers_a_client_for_front_desk(as_front_desk, world: PracticeWorld) -> None:
    body = {**NEW, "assigned_practitioner_id": str(world.records["practitioner"].uuid)}
    response = call(as_front_desk, "post", "/api/clients", body)
    assert response.status_code == 201
    created = Client.objects.get(uuid=response.json()["id"])
    assert (created.practice, created.assigned_practitioner) == (
        world.practice,
        world.records["practitioner"],
    )
    assert response.json()["intake"] is None


def test_it_keeps_intake_from_front_desk(as_front_desk, world: PracticeWorld) -> None:
    response = call(as_front_desk, "post", "/api/clients", {**NEW, "intake": {"notes": "aura"}})
    assert response.status_code == 403
    assert not Client.objects.filter(family_name="Bakker").exists()
    detail = as_front_desk.get(f"/api/clients/{world.client.uuid}").json()
    assert detail["intake"] is None and detail["phone"] == world.client.phone


def test_it_records_intake_for_a_practitioner(as_practitioner) -> None:
    body = {**NEW, "intake": {"age_at_onset": 14, "known_triggers": ["sleep"]}}
    response = call(as_practitioner, "post", "/api/clients", body)
    assert response.status_code == 201
    assert response.json()["intake"]["age_at_onset"] == 14
    assert Client.objects.get(uuid=response.json()["id"]).known_triggers == ["sleep"]


def test_it_names_bad_client_fields_and_saves_nothing(as_front_desk, world, outsider) -> None:
    body = {**NEW, "assigned_practitioner_id": str(outsider.records["practitioner"].uuid)}
    assert fields_of(call(as_front_desk, "post", "/api/clients", body)) == ["assigned_practitioner_id"]
    assert fields_of(call(as_front_desk, "post", "/api/clients", {**NEW, "time_zone": "Nowhere"})) == [
        "time_zone"
    ]
    assert fields_of(call(as_front_desk, "post", "/api/clients", {**NEW, "date_of_birth": "soon"})) == [
        "date_of_birth"
    ]
    assert not Client.objects.filter(family_name="Bakker").exists()


def test_it_changes_contact_details(as_front_desk, world: PracticeWorld) -> None:
    response = call(as_front_desk, "patch", f"/api/clients/{world.client.uuid}", {"phone": "+31 6 1234"})
    assert response.status_code == 200
    world.client.refresh_from_db()
    assert world.client.phone == "+31 6 1234"
    assert world.client.history.count() >= 2


def test_it_refuses_an_invalid_change_and_keeps_the_record(as_owner, world: PracticeWorld) -> None:
    response = call(
        as_owner, "patch", f"/api/clients/{world.client.uuid}", {"given_name": "New", "time_zone": "X/Y"}
    )
    assert fields_of(response) == ["time_zone"]
    world.client.refresh_from_db()
    assert world.client.given_name == "AlphaClient"


def test_it_shows_a_client_their_own_record_only(as_client, world: PracticeWorld) -> None:
    own = as_client.get(f"/api/clients/{world.client.uuid}")
    assert own.status_code == 200 and own.json()["intake"] is not None
    assert as_client.get(f"/api/clients/{world.other_client.uuid}").status_code == 404
    assert as_client.get("/api/clients").status_code == 404
    assert call(as_client, "patch", f"/api/clients/{world.client.uuid}", {"phone": "1"}).status_code == 403


def test_it_hides_another_practices_client(as_owner, outsider: PracticeWorld) -> None:
    assert as_owner.get(f"/api/clients/{outsider.client.uuid}").status_code == 404
    assert call(as_owner, "patch", f"/api/clients/{outsider.client.uuid}", {"phone": "1"}).status_code == 404


# --- consent ------------------------------------------------------------------------------


def test_it_publishes_numbered_consent_versions(as_owner, world: PracticeWorld) -> None:
    first = call(as_owner, "post", "/api/consent-texts", {"kind": "research", "title": "R", "body": "One"})
    second = call(as_owner, "post", "/api/consent-texts", {"kind": "research", "title": "R", "body": "Two"})
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert ConsentText.objects.filter(practice=world.practice, kind="research").count() == 2


def test_it_lets_only_the_owner_publish_consent_texts(as_practitioner, as_front_desk, world) -> None:
    for http in (as_practitioner, as_front_desk):
        assert (
            call(http, "post", "/api/consent-texts", {"kind": "data", "title": "T", "body": "B"}).status_code
            == 403
        )
        assert http.get("/api/consent-texts").status_code == 200
    assert not ConsentText.objects.filter(kind="data").exists()


def test_it_names_an_unknown_consent_kind(as_owner) -> None:
    assert fields_of(
        call(as_owner, "post", "/api/consent-texts", {"kind": "x", "title": "T", "body": "B"})
    ) == ["kind"]


def test_it_records_and_withdraws_consent(as_front_desk, as_client, world: PracticeWorld) -> None:
    text = world.records["consent_text"]
    url = f"/api/clients/{world.client.uuid}/consents"
    unnamed = call(as_front_desk, "post", url, {"text_id": str(text.uuid), "granted": True})
    assert fields_of(unnamed) == ["typed_name"]
    body = {"text_id": str(text.uuid), "granted": True, "typed_name": world.client.full_name}
    response = call(as_front_desk, "post", url, body)
    assert response.status_code == 201
    assert response.json()["witnessed_by"] == str(world.front_desk)
    consent = Consent.objects.get(uuid=response.json()["id"])
    assert consent.recorded_by == world.front_desk and consent.witnessed_by == world.front_desk
    assert str(consent.uuid) in {c["id"] for c in as_client.get(url).json()["items"]}
    withdrawn = call(as_client, "post", f"/api/consents/{consent.uuid}/withdraw")
    assert withdrawn.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert fields_of(call(as_client, "post", f"/api/consents/{consent.uuid}/withdraw")) == ["__all__"]


def test_it_refuses_another_practices_consent_text(as_owner, world, outsider) -> None:
    url = f"/api/clients/{world.client.uuid}/consents"
    body = {"text_id": str(outsider.records["consent_text"].uuid), "granted": True}
    assert fields_of(call(as_owner, "post", url, body)) == ["text_id"]
    assert Consent.objects.filter(client=world.client).count() == 1


def test_it_lets_a_client_withdraw_only_their_own_consent(as_client, world: PracticeWorld) -> None:
    other = f.ConsentFactory(
        client=world.other_client, practice=world.practice, text=world.records["consent_text"]
    )
    assert call(as_client, "post", f"/api/consents/{other.uuid}/withdraw").status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_at is None


# --- the safety screen --------------------------------------------------------------------


def test_it_lists_the_screening_questions(as_practitioner) -> None:
    rules = as_practitioner.get("/api/screening-rules").json()
    assert [r["id"] for r in rules] == [r.id for r in SAFETY_RULES]


def test_it_clears_a_client_who_answers_no_to_everything(as_practitioner, world: PracticeWorld) -> None:
    response = _screen(as_practitioner, world.client)
    assert response.status_code == 201
    assert (response.json()["outcome"], response.json()["books_allowed"]) == ("cleared", True)
    assert SafetyScreening.objects.get(uuid=response.json()["id"]).rules_version.startswith("builtin-")


def test_it_refers_on_a_red_flag(as_owner, world: PracticeWorld) -> None:
    response = _screen(as_owner, world.client, **{"red_flag.sudden_onset": "yes"})
    body = response.json()
    assert (body["outcome"], body["books_allowed"]) == ("refer", False)
    assert [r["rule_id"] for r in body["reasons"]] == ["red_flag.sudden_onset"]


def test_it_counts_an_unanswered_question_as_caution(as_owner, world: PracticeWorld) -> None:
    answers = dict(ALL_NO)
    del answers["red_flag.papilloedema"]
    response = call(as_owner, "post", f"/api/clients/{world.client.uuid}/screenings", {"answers": answers})
    assert response.json()["outcome"] == "caution"


def test_it_uses_the_practices_onset_age(as_owner, world: PracticeWorld) -> None:
    world.client.age_at_onset = 55
    world.client.save()
    answers = {**ALL_NO, "red_flag.older_age_onset": "unknown"}
    response = call(as_owner, "post", f"/api/clients/{world.client.uuid}/screenings", {"answers": answers})
    assert response.json()["outcome"] == "refer"


def test_it_names_an_unknown_rule_and_a_bad_answer(as_owner, world: PracticeWorld) -> None:
    before = SafetyScreening.objects.count()
    assert fields_of(_screen(as_owner, world.client, **{"red_flag.moon": "no"})) == ["answers.red_flag.moon"]
    assert fields_of(_screen(as_owner, world.client, **{"red_flag.systemic": "maybe"})) == [
        "answers.red_flag.systemic"
    ]
    naive = {"answers": ALL_NO, "screened_at": "2026-01-05T10:00:00"}
    assert fields_of(call(as_owner, "post", f"/api/clients/{world.client.uuid}/screenings", naive)) == [
        "screened_at"
    ]
    assert SafetyScreening.objects.count() == before


def test_it_keeps_screenings_from_front_desk_and_the_client(as_front_desk, as_client, world) -> None:
    screening = world.records["screening"]
    for http in (as_front_desk, as_client):
        assert http.get(f"/api/clients/{world.client.uuid}/screenings").status_code == 403
        assert _screen(http, world.client).status_code == 403
    assert as_front_desk.get(f"/api/screenings/{screening.uuid}").status_code == 403
    assert as_client.get(f"/api/screenings/{screening.uuid}").status_code == 404
    assert SafetyScreening.objects.filter(client=world.client).count() == 1


CLOT = {"rule_id": "contraindication.clotting"}
INFECTION = {"rule_id": "contraindication.acute_infection"}
CLEARANCE = {"clinician": "Dr. A. de Vries, GP", "cleared_on": "2026-01-05", "document": "GP letter, ref 12"}


def test_it_acknowledges_each_risk_of_a_caution(as_practitioner, as_owner, as_front_desk, world) -> None:
    two = {"contraindication.clotting": "yes", "contraindication.acute_infection": "yes"}
    created = _screen(as_practitioner, world.client, **two).json()
    assert created["outcome"] == "caution" and len(created["reasons"]) == 2
    url = f"/api/screenings/{created['id']}/acknowledge"
    assert call(as_front_desk, "post", url, CLOT).status_code == 403
    first = call(as_practitioner, "post", url, CLOT).json()
    assert first["books_allowed"] is False
    assert [r["acknowledged_by"] for r in first["reasons"]] == [str(world.practitioner_user), None]
    second = call(as_owner, "post", url, INFECTION).json()
    assert second["books_allowed"] is True
    screening = SafetyScreening.objects.get(uuid=created["id"])
    assert screening.acknowledged_by == world.owner
    assert {(a.rule_id, a.acknowledged_by) for a in screening.acknowledgements.all()} == {
        ("contraindication.clotting", world.practitioner_user),
        ("contraindication.acute_infection", world.owner),
    }
    assert fields_of(call(as_practitioner, "post", url, CLOT)) == ["rule_id"]
    assert fields_of(call(as_practitioner, "post", url, {"rule_id": "red_flag.neoplasm"})) == ["rule_id"]
    assert screening.acknowledgements.count() == 2


def test_it_acknowledges_only_a_caution(as_owner, world: PracticeWorld) -> None:
    screening = world.records["screening"]
    assert fields_of(call(as_owner, "post", f"/api/screenings/{screening.uuid}/acknowledge", CLOT)) == [
        "outcome"
    ]
    screening.refresh_from_db()
    assert screening.acknowledged_at is None and screening.acknowledgements.count() == 0


def test_it_records_a_clinicians_clearance(as_owner, world: PracticeWorld) -> None:
    created = _screen(as_owner, world.client, **{"contraindication.aneurysm": "yes"}).json()
    url = f"/api/screenings/{created['id']}/clearance"
    assert fields_of(call(as_owner, "post", url, {**CLEARANCE, "clinician": ""})) == ["clinician"]
    assert fields_of(call(as_owner, "post", url, {**CLEARANCE, "document": "   "})) == ["document"]
    assert fields_of(call(as_owner, "post", url, {**CLEARANCE, "cleared_on": "2099-01-01"})) == ["cleared_on"]
    assert SafetyScreening.objects.get(uuid=created["id"]).cleared_at is None
    response = call(as_owner, "post", url, {**CLEARANCE, "notes": "No objection to gentle CST"})
    assert response.status_code == 200 and response.json()["books_allowed"] is True
    screening = SafetyScreening.objects.get(uuid=created["id"])
    assert screening.clearance_clinician == "Dr. A. de Vries, GP"
    assert screening.clearance_on.isoformat() == "2026-01-05"
    assert screening.clearance_document == "GP letter, ref 12"
    assert screening.cleared_by == world.owner and screening.cleared_at is not None
    assert screening.history.count() == 2


def test_it_hides_another_practices_screening(as_owner, outsider: PracticeWorld) -> None:
    screening = outsider.records["screening"]
    assert as_owner.get(f"/api/screenings/{screening.uuid}").status_code == 404
    assert call(as_owner, "post", f"/api/screenings/{screening.uuid}/clearance", CLEARANCE).status_code == 404
