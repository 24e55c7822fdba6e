"""The intake's rules, its reading for the safety screen, consent by typed name, and withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from headwise import clinical
from headwise.clients import selectors, services
from headwise.clients.models import Client, Consent, ConsentKind, ConsentText, Intake
from tests import factories as f

ALL_NO = {r.id: "no" for r in clinical.SAFETY_RULES}


def answers(**changes: str) -> dict[str, str]:
    return {**ALL_NO, **{k.replace("__", "."): v for k, v in changes.items()}}


@pytest.fixture
def client(db: Any) -> Client:
    return f.ClientFactory(given_name="Ana", family_name="de Vries", date_of_birth=dt.date(1985, 4, 2))


def submit(client: Client, **fields: Any) -> Intake:
    base: dict[str, Any] = {"screening_answers": dict(ALL_NO), "pregnancy": "no"}
    return services.intake_submit(client=client, by=None, at_desk=False, **{**base, **fields})


def today(client: Client) -> dt.date:
    return f.local_today(client.time_zone)


def test_a_submitted_intake_reads_for_the_screen(client: Client) -> None:
    injured = today(client) - dt.timedelta(days=11)
    submit(
        client,
        migraine_since_year=2010,
        migraine_since_month=3,
        migraine_days_per_month=9,
        diagnosed_by="neurologist",
        acute_medication=[{"name": " Ibuprofen 400 mg ", "dose": "400 mg"}, {"name": "Sumatriptan"}],
        head_injuries=[{"what": "Fell off a bike", "date": injured, "doctor_seen": True}],
        screening_answers=answers(contraindication__brain_injury="yes", red_flag__papilloedema="unknown"),
    )
    intake = Intake.objects.get(client=client)
    assert intake.acute_medication == [
        {"name": "Ibuprofen 400 mg", "substance": "nsaid", "dose": "400 mg"},
        {"name": "Sumatriptan", "substance": None, "dose": ""},
    ]
    seen = selectors.intake_for_screen(client=client)
    assert seen is not None
    assert seen.answers["contraindication.brain_injury"] == "yes"
    assert seen.answers["red_flag.papilloedema"] == "unknown"
    assert seen.head_injuries == ((injured, True, "Fell off a bike"),)
    assert seen.usual_monthly_migraine_days == 9 and seen.pregnancy == "no"
    assert seen.submitted_at == intake.submitted_at


def test_the_content_hash_changes_with_the_answers_only(client: Client) -> None:
    submit(client, hopes="Fewer days in bed")
    first = selectors.intake_for_screen(client=client)
    submit(client, hopes="Fewer days in bed, and to sleep better")
    same = selectors.intake_for_screen(client=client)
    submit(client, hopes="x", screening_answers=answers(contraindication__clotting="yes"))
    changed = selectors.intake_for_screen(client=client)
    submit(client, hopes="x", pregnancy="unsure", screening_answers=answers(contraindication__clotting="yes"))
    pregnant = selectors.intake_for_screen(client=client)
    assert first and same and changed and pregnant
    assert first.content_hash == same.content_hash
    assert len({same.content_hash, changed.content_hash, pregnant.content_hash}) == 3
    # Each change is kept in the history.
    assert Intake.objects.get(client=client).history.count() == 4


def test_no_intake_reads_as_none(client: Client) -> None:
    assert selectors.intake_for_screen(client=client) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"migraine_since_year": 1970}, "migraine_since_year"),
        ({"migraine_since_year": 2999}, "migraine_since_year"),
        ({"migraine_since_month": 5}, "migraine_since_month"),
        ({"migraine_since_year": 2010, "migraine_since_month": 13}, "migraine_since_month"),
        ({"migraine_days_per_month": 32}, "migraine_days_per_month"),
        ({"acute_medication": [{"name": "", "dose": "1"}]}, "acute_medication.0.name"),
        ({"preventive_medication": [{"name": "x" * 201}]}, "preventive_medication.0.name"),
        ({"acute_medication": [{"name": "a", "dose": "d" * 101}]}, "acute_medication.0.dose"),
        ({"acute_medication": [{"name": "a", "colour": "red"}]}, "acute_medication.0"),
        ({"acute_medication": "ibuprofen"}, "acute_medication"),
        (
            {"head_injuries": [{"what": "Fall", "date": "2999-01-01", "doctor_seen": "no"}]},
            "head_injuries.0.date",
        ),
        (
            {"head_injuries": [{"what": "Fall", "date": "1980-01-01", "doctor_seen": "no"}]},
            "head_injuries.0.date",
        ),
        ({"head_injuries": [{"what": "Fall", "date": "soon", "doctor_seen": "no"}]}, "head_injuries.0.date"),
        (
            {"head_injuries": [{"what": "", "date": "2020-01-01", "doctor_seen": "no"}]},
            "head_injuries.0.what",
        ),
        (
            {"head_injuries": [{"what": "Fall", "date": "2020-01-01", "doctor_seen": "maybe"}]},
            "head_injuries.0.doctor_seen",
        ),
        ({"pregnancy": "yes"}, "pregnancy_weeks"),
        ({"pregnancy": "yes", "pregnancy_weeks": 50}, "pregnancy_weeks"),
        ({"pregnancy": "no", "pregnancy_weeks": 12}, "pregnancy_weeks"),
        ({"pregnancy": "perhaps"}, "pregnancy"),
        ({"screening_answers": {**ALL_NO, "made.up": "no"}}, "screening_answers.made.up"),
        (
            {"screening_answers": {**ALL_NO, "red_flag.systemic": "maybe"}},
            "screening_answers.red_flag.systemic",
        ),
        (
            {"screening_answers": {k: v for k, v in ALL_NO.items() if k != "red_flag.neoplasm"}},
            "screening_answers.red_flag.neoplasm",
        ),
        ({"hopes": "x" * 5001}, "hopes"),
        ({"weather": "sunny"}, "weather"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    client: Client, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(client, **fields)
    assert field in caught.value.message_dict
    assert not Intake.objects.exists()


def test_a_refused_change_keeps_the_intake_as_it_was(client: Client) -> None:
    submit(client, migraine_days_per_month=8)
    with pytest.raises(ValidationError):
        submit(client, migraine_days_per_month=40)
    intake = Intake.objects.get(client=client)
    assert intake.migraine_days_per_month == 8 and intake.history.count() == 1


# --- consent ---------------------------------------------------------------------------------


def test_default_texts_are_published_once_per_kind_and_language(client: Client) -> None:
    nl = services.current_consent_text(practice=client.practice, kind=ConsentKind.DATA, language="nl")
    again = services.current_consent_text(practice=client.practice, kind=ConsentKind.DATA, language="nl")
    en = services.current_consent_text(practice=client.practice, kind=ConsentKind.DATA, language="en")
    assert nl == again and nl.language == "nl" and en.language == "en" and nl.version == en.version == 1
    assert "withdraw" in en.body and "intrekken" in nl.body
    assert ConsentText.objects.filter(kind=ConsentKind.DATA).count() == 2
    # A practice's own new version is the current one.
    mine = services.consent_text_publish(
        practice=client.practice, kind=ConsentKind.DATA, title="Ours", body="Our words", language="en"
    )
    assert services.current_consent_text(practice=client.practice, kind="data", language="en") == mine
    assert mine.version == 2


@pytest.mark.parametrize("typed", ["ana de vries", "  Ana   DE Vries ", "ANA DE VRIES"])
def test_consent_is_accepted_by_the_full_name_whatever_its_case_and_spaces(
    client: Client, typed: str
) -> None:
    staff = f.UserFactory()
    consents = services.consents_sign(
        client=client,
        kinds=["treatment", "data"],
        typed_name=typed,
        by=staff,
        witnessed_by=staff,
        language="en",
    )
    assert [c.text.kind for c in consents] == ["treatment", "data"]
    assert all(c.granted and c.witnessed_by == staff and c.typed_name for c in consents)


@pytest.mark.parametrize("typed", ["", "Ana", "Ana de Vriess", "Anna de Vries"])
def test_a_name_that_does_not_match_is_refused_and_nothing_saved(client: Client, typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.consents_sign(
            client=client, kinds=["treatment"], typed_name=typed, by=None, witnessed_by=None, language="en"
        )
    assert "typed_name" in caught.value.message_dict
    assert not Consent.objects.exists()


def test_withdrawing_the_data_consent_stops_processing(client: Client) -> None:
    assert selectors.may_process(client=client)  # never asked: the record predates the question
    (consent,) = services.consents_sign(
        client=client, kinds=["data"], typed_name="Ana de Vries", by=None, witnessed_by=None, language="en"
    )
    other = f.ClientFactory(practice=client.practice)
    assert selectors.may_process(client=client)
    services.consent_withdraw(consent=consent)
    assert not selectors.may_process(client=client)
    assert selectors.may_process(client=other)
    allowed = selectors.processing_allowed(Client.objects.all())
    assert set(allowed) == {other}
    # Granted again: processing may go on.
    services.consents_sign(
        client=client, kinds=["data"], typed_name="Ana de Vries", by=None, witnessed_by=None, language="en"
    )
    assert selectors.may_process(client=client)
    assert set(selectors.processing_allowed(Client.objects.all())) == {client, other}


def test_reminders_skip_a_client_who_withdrew_the_data_consent(db: Any) -> None:
    import time_machine
    from django.core import mail

    from headwise.diary import reminders

    user = f.UserFactory(email="bo@example.org")
    client = f.ClientFactory(
        user=user,
        given_name="Bo",
        family_name="Ek",
        time_zone="Europe/Amsterdam",
        reminder_time=dt.time(20, 30),
    )
    (consent,) = services.consents_sign(
        client=client, kinds=["data"], typed_name="Bo Ek", by=user, witnessed_by=None, language="en"
    )
    evening = dt.datetime(2026, 6, 3, 18, 35, tzinfo=dt.UTC)  # 20:35 in Amsterdam
    with time_machine.travel(evening, tick=False):
        assert [d.client_uuid for d in reminders.reminders_due()] == [str(client.uuid)]
        services.consent_withdraw(consent=consent)
        assert reminders.reminders_due() == []
        assert not reminders.reminder_send(
            client_uuid=str(client.uuid), day=dt.date(2026, 6, 3), kind="evening"
        )
    assert mail.outbox == []


def test_diary_services_refuse_writes_after_withdrawal_but_allow_deleting(client: Client) -> None:
    from headwise.diary import services as diary
    from headwise.diary.models import Attack

    (consent,) = services.consents_sign(
        client=client, kinds=["data"], typed_name="Ana de Vries", by=None, witnessed_by=None, language="en"
    )
    attack, _created = diary.attack_start(client=client, by=None)
    services.consent_withdraw(consent=consent)
    day = today(client)
    writes = [
        lambda: diary.attack_start(client=client, by=None),
        lambda: diary.attack_update(attack=attack, by=None, peak_intensity=5),
        lambda: diary.checkin_save(client=client, by=None, date=day, had_headache=False),
        lambda: diary.checkins_backfill(client=client, by=None, answers={day: False}),
        lambda: diary.intake_record(client=client, by=None, name="Ibuprofen", taken_at=attack.started_at),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as caught:
            write()
        assert "withdrawn" in str(caught.value)
    assert Attack.objects.count() == 1
    diary.attack_delete(attack=attack, by=None)
    assert Attack.objects.get().deleted_at is not None
