"""Which simple analgesic was taken (ICHD-3 8.2.3.1-3): the model's rule, the page, the API, the engine."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import uuid
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient

from headwise import clinical
from headwise.clinical.medicines import substance_for_name
from headwise.diary import clinical_adapter, services
from headwise.diary.forms import IntakeForm
from headwise.diary.models import DrugClass, MedicationIntake, Substance
from tests import factories as f
from tests.conftest import PracticeWorld

NOW = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
TAKEN = dt.datetime(2026, 5, 10, 9, 30, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def post(http: HttpClient, url: str, body: Any) -> Any:
    return http.post(url, body, content_type="application/json")


def patch(http: HttpClient, url: str, body: Any) -> Any:
    return http.patch(url, body, content_type="application/json")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# The stored values are the engine's, the same names as the interchange format.


def test_the_choices_are_the_engines_substances() -> None:
    assert [c.value for c in Substance] == [s.value for s in clinical.Substance]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Paracetamol", clinical.Substance.PARACETAMOL),
        ("acetaminophen 500 mg", clinical.Substance.PARACETAMOL),
        ("Ibuprofen 400mg", clinical.Substance.NSAID),
        (" NAPROXEN ", clinical.Substance.NSAID),
        ("Diclofenac", clinical.Substance.NSAID),
        ("Aspirin", clinical.Substance.ACETYLSALICYLIC_ACID),
        ("Acetylsalicylic  acid", clinical.Substance.ACETYLSALICYLIC_ACID),
        ("Paracetamol, aspirin and caffeine", None),
        ("Sumatriptan", None),
        ("", None),
    ],
)
def test_a_common_name_says_which_substance(name: str, expected: clinical.Substance | None) -> None:
    assert substance_for_name(name) == expected


# The model's rule: a substance only for a simple analgesic.


def _intake(world: PracticeWorld, **fields: Any) -> MedicationIntake:
    values: dict[str, Any] = {
        "practice": world.practice,
        "client": world.client,
        "taken_at": TAKEN,
        "name": "Painkiller",
        "drug_class": DrugClass.SIMPLE_ANALGESIC,
        **fields,
    }
    return MedicationIntake(**values)


def test_the_model_allows_a_substance_only_for_a_simple_analgesic(world: PracticeWorld) -> None:
    _intake(world, substance=Substance.NSAID).full_clean()
    _intake(world, substance="").full_clean()
    _intake(world, drug_class=DrugClass.TRIPTAN, name="Sumatriptan").full_clean()
    with pytest.raises(ValidationError) as refused:
        _intake(
            world, drug_class=DrugClass.TRIPTAN, name="Sumatriptan", substance=Substance.NSAID
        ).full_clean()
    assert list(refused.value.message_dict) == ["substance"]
    with pytest.raises(ValidationError) as unknown:
        _intake(world, substance="ibuprofen").full_clean()
    assert list(unknown.value.message_dict) == ["substance"]


def test_the_model_refuses_a_substance_the_name_contradicts(world: PracticeWorld) -> None:
    with pytest.raises(ValidationError) as refused:
        _intake(world, name="Ibuprofen", substance=Substance.PARACETAMOL).full_clean()
    assert "An NSAID" in refused.value.message_dict["substance"][0]
    _intake(world, name="Ibuprofen", substance=Substance.NSAID).full_clean()
    _intake(world, name="Advil", substance=Substance.NSAID).full_clean()  # a brand we do not know


def test_the_database_holds_the_same_rule_as_the_model(world: PracticeWorld) -> None:
    for drug_class, substance in itertools.product(DrugClass.values, ["", *Substance.values]):
        intake = _intake(world, drug_class=drug_class, substance=substance)
        try:
            intake.clean()
            model_allows = True
        except ValidationError:
            model_allows = False
        try:
            with transaction.atomic():
                intake.save()
            database_allows = True
        except IntegrityError:
            database_allows = False
        assert model_allows == database_allows, (drug_class, substance)
        assert model_allows == (not substance or drug_class == DrugClass.SIMPLE_ANALGESIC)


def test_the_history_keeps_the_substance(world: PracticeWorld) -> None:
    intake, _ = services.intake_record(
        client=world.client,
        by=world.client_user,
        taken_at=TAKEN,
        name="Painkiller",
        drug_class="simple_analgesic",
    )
    services.intake_update(intake=intake, by=world.client_user, substance=Substance.ACETYLSALICYLIC_ACID)
    versions = list(intake.history.order_by("history_date", "history_id").values_list("substance", flat=True))
    assert versions == ["", "acetylsalicylic_acid"]


def test_the_service_takes_the_substance_from_a_common_name(world: PracticeWorld) -> None:
    said, _ = services.intake_record(
        client=world.client, by=None, taken_at=TAKEN, name="Ibuprofen 400 mg", drug_class="simple_analgesic"
    )
    assert said.substance == Substance.NSAID
    other, _ = services.intake_record(
        client=world.client, by=None, taken_at=TAKEN, name="Ibuprofen", drug_class="other"
    )
    assert other.substance == ""  # only a simple analgesic has one
    brand, _ = services.intake_record(
        client=world.client, by=None, taken_at=TAKEN, name="Advil", drug_class="simple_analgesic"
    )
    assert brand.substance == ""  # not guessed
    renamed = services.intake_update(intake=brand, by=None, name="Naproxen")
    assert renamed.substance == Substance.NSAID


def test_the_adapter_passes_the_substance_to_the_engine(world: PracticeWorld) -> None:
    said = f.MedicationIntakeFactory(
        client=world.client,
        taken_at=TAKEN,
        name="Painkiller",
        drug_class="simple_analgesic",
        substance="nsaid",
    )
    unknown = f.MedicationIntakeFactory(
        client=world.client, taken_at=TAKEN, name="Painkiller", drug_class="simple_analgesic"
    )
    triptan = f.MedicationIntakeFactory(client=world.client, taken_at=TAKEN)
    assert clinical_adapter.intake_to_clinical(said, None).substance is clinical.Substance.NSAID
    assert clinical_adapter.intake_to_clinical(unknown, None).substance is None
    assert clinical_adapter.intake_to_clinical(triptan, None).substance is None


# The page: ask which painkiller, refuse it for another kind.


def _form_data(**changes: str) -> dict[str, str]:
    return {
        "request_id": str(uuid.uuid4()),
        "name": "Painkiller",
        "drug_class": "simple_analgesic",
        "substance": "",
        "dose": "",
        "taken_at_local": "2026-05-10T11:30",
        "pain_before": "",
        "pain_at_2h": "",
        **changes,
    }


def test_the_form_offers_plain_words_and_dont_know() -> None:
    form = IntakeForm(zone="Europe/Amsterdam")
    html = str(form["substance"])
    for words in ("Paracetamol", "ibuprofen", "naproxen", "Aspirin", "Don't know"):
        assert words in unescape(html)
    assert 'type="radio"' in html and 'class="substance-choices"' in html
    name = str(form["name"])
    assert 'list="id_name_suggestions"' in name and '<option value="Ibuprofen">' in name


def test_the_attack_page_records_which_painkiller(world: PracticeWorld, as_client: HttpClient) -> None:
    attack = f.AttackFactory(client=world.client, started_at=TAKEN, ended_at=TAKEN + dt.timedelta(hours=4))
    page = as_client.get(f"/diary/attacks/{attack.uuid}/")
    assert 'name="substance"' in page.content.decode()
    saved = as_client.post(f"/diary/attacks/{attack.uuid}/medication/", _form_data(substance="paracetamol"))
    assert saved.status_code == 302
    intake = MedicationIntake.objects.get(attack=attack)
    assert (intake.substance, intake.name, intake.taken_at) == ("paracetamol", "Painkiller", TAKEN)
    shown = as_client.get(f"/diary/attacks/{attack.uuid}/").content.decode()
    assert "Paracetamol (acetaminophen)" in shown


def test_the_attack_page_refuses_a_substance_for_another_kind(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    attack = f.AttackFactory(client=world.client, started_at=TAKEN, ended_at=TAKEN + dt.timedelta(hours=4))
    url = f"/diary/attacks/{attack.uuid}/medication/"
    before = MedicationIntake.objects.count()
    for data in (
        _form_data(drug_class="triptan", name="Sumatriptan", substance="nsaid"),
        _form_data(substance="morphine"),
        _form_data(name="Ibuprofen", substance="paracetamol"),
    ):
        refused = as_client.post(url, data)
        assert refused.status_code == 422, data
        assert 'id="id_substance_errors"' in refused.content.decode(), data
        assert 'class="field invalid"' in refused.content.decode()
    assert MedicationIntake.objects.count() == before
    assert not MedicationIntake.objects.filter(attack=attack).exists()


def test_the_attack_page_names_the_substance_from_a_common_name(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    attack = f.AttackFactory(client=world.client, started_at=TAKEN, ended_at=TAKEN + dt.timedelta(hours=4))
    as_client.post(f"/diary/attacks/{attack.uuid}/medication/", _form_data(name="Aspirin", substance=""))
    assert MedicationIntake.objects.get(attack=attack).substance == "acetylsalicylic_acid"


# The API: substance on create, read and patch.


def test_the_api_records_reads_and_changes_the_substance(world: PracticeWorld, as_client: HttpClient) -> None:
    url = f"/api/clients/{world.client.uuid}/medications"
    body = {"taken_at": "2026-05-10T11:30+02:00", "name": "Painkiller", "drug_class": "simple_analgesic"}
    created = post(as_client, url, {**body, "substance": "nsaid"})
    assert created.status_code == 201 and created.json()["substance"] == "nsaid"
    uid = created.json()["uuid"]
    listed = {m["uuid"]: m for m in as_client.get(url).json()["items"]}
    assert listed[uid]["substance"] == "nsaid"
    patched = patch(as_client, f"/api/medications/{uid}", {"substance": "paracetamol"})
    assert patched.status_code == 200 and patched.json()["substance"] == "paracetamol"
    cleared = patch(as_client, f"/api/medications/{uid}", {"substance": None})
    assert cleared.status_code == 200 and cleared.json()["substance"] == ""
    unknown = post(as_client, url, body)
    assert unknown.status_code == 201 and unknown.json()["substance"] == ""
    assert MedicationIntake.objects.get(uuid=uid).substance == ""


def test_the_api_refuses_a_substance_for_another_class(world: PracticeWorld, as_client: HttpClient) -> None:
    url = f"/api/clients/{world.client.uuid}/medications"
    body = {"taken_at": "2026-05-10T11:30+02:00", "name": "Sumatriptan", "drug_class": "triptan"}
    before = MedicationIntake.objects.count()
    for bad in (
        {**body, "substance": "nsaid"},
        {**body, "drug_class": "simple_analgesic", "substance": "codeine"},
    ):
        refused = post(as_client, url, bad)
        assert refused.status_code == 422 and "substance" in fields(refused), refused.json()
    assert MedicationIntake.objects.count() == before
    triptan = post(as_client, url, body).json()["uuid"]
    patched = patch(as_client, f"/api/medications/{triptan}", {"substance": "nsaid"})
    assert patched.status_code == 422 and "substance" in fields(patched)
    assert MedicationIntake.objects.get(uuid=triptan).substance == ""
    # Moving a painkiller to another class keeps the rule: the substance must go with it.
    painkiller = {**body, "drug_class": "simple_analgesic", "substance": "nsaid"}
    simple = post(as_client, url, painkiller).json()["uuid"]
    moved = patch(as_client, f"/api/medications/{simple}", {"drug_class": "other"})
    assert moved.status_code == 422 and "substance" in fields(moved)
    both = patch(as_client, f"/api/medications/{simple}", {"drug_class": "other", "substance": None})
    assert both.status_code == 200 and both.json()["substance"] == ""


def test_the_schema_documents_the_substance(as_client: HttpClient) -> None:
    schema = as_client.get("/api/openapi.json").json()["components"]["schemas"]
    for name in ("IntakeIn", "IntakePatch", "IntakeOut"):
        assert "substance" in schema[name]["properties"], name
    assert "8.2.3" in str(schema["IntakeIn"]["properties"]["substance"])
    assert "acetylsalicylic_acid" in str(schema["IntakeIn"]["properties"]["substance"])


def test_the_migration_names_the_substance_of_intakes_already_recorded(world: PracticeWorld) -> None:
    from django.apps import apps

    migrations = Path(clinical_adapter.__file__).parent / "migrations"
    (path,) = migrations.glob("*_medication_substance.py")
    migration = importlib.import_module(f"headwise.diary.migrations.{path.stem}")
    rows = {
        name: f.MedicationIntakeFactory(client=world.client, taken_at=TAKEN, name=name, drug_class=drug_class)
        for name, drug_class in (
            ("Ibuprofen", "simple_analgesic"),
            ("paracetamol 1000 mg", "simple_analgesic"),
            ("Advil", "simple_analgesic"),
            ("Aspirin", "combination_analgesic"),
        )
    }
    migration.name_to_substance(apps, None)
    found = dict(MedicationIntake.objects.filter(client=world.client).values_list("name", "substance"))
    assert {name: found[name] for name in rows} == {
        "Ibuprofen": "nsaid",
        "paracetamol 1000 mg": "paracetamol",
        "Advil": "",
        "Aspirin": "",
    }
