"""Shapes of client records, consent and the safety screen in the JSON API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from headwise.clients.models import (
    ClientStatus,
    ConsentKind,
    DiagnosedBy,
    Pregnancy,
    ScreeningOutcome,
    Sex,
    TouchSensitivity,
)
from headwise.common.schemas import CODE, ITEMS, LONG, NOTES, SHORT, Code, In, LocalTime, QueryIn, Short


class IntakeFields(In):
    """Migraine history told at intake: clinical, so for owners, practitioners and the client."""

    migraine_diagnosed: bool | None = Field(
        None, description="Migraine diagnosed by a physician (null: not asked)"
    )
    diagnosis_text: str = Field("", max_length=200, description="The diagnosis as the client gave it")
    age_at_onset: int | None = Field(None, ge=0, le=120, description="Age when the headaches began")
    has_aura_history: bool | None = Field(None, description="Has had aura")
    headache_days_per_month_reported: int | None = Field(
        None, ge=0, le=31, description="Headache days per month, as reported at intake"
    )
    preventive_medication: str = Field("", max_length=NOTES, description="Preventive medication, free text")
    acute_medication: str = Field("", max_length=NOTES, description="Usual acute medication, free text")
    known_triggers: list[Short] = Field(
        default_factory=list, max_length=ITEMS, description="Triggers the client knows of"
    )
    recent_head_injury_on: dt.date | None = Field(None, description="Date of the most recent head injury")
    sensitivities: str = Field(
        "", max_length=NOTES, description="Touch, light, sound, positioning: what to adapt"
    )
    physician_name: str = Field("", max_length=200, description="The client's physician")
    physician_contact: str = Field("", max_length=200, description="How to reach the physician")
    notes: str = Field("", max_length=NOTES, description="Clinical notes on the client")


class IntakePatch(In):
    migraine_diagnosed: bool | None = Field(None, description="Migraine diagnosed by a physician")
    diagnosis_text: str | None = Field(None, max_length=200, description="The diagnosis as given")
    age_at_onset: int | None = Field(None, ge=0, le=120, description="Age when the headaches began")
    has_aura_history: bool | None = Field(None, description="Has had aura")
    headache_days_per_month_reported: int | None = Field(None, ge=0, le=31, description="Headache days/month")
    preventive_medication: str | None = Field(None, max_length=NOTES, description="Preventive medication")
    acute_medication: str | None = Field(None, max_length=NOTES, description="Usual acute medication")
    known_triggers: list[Short] | None = Field(None, max_length=ITEMS, description="Known triggers")
    recent_head_injury_on: dt.date | None = Field(None, description="Most recent head injury")
    sensitivities: str | None = Field(None, max_length=NOTES, description="What to adapt for this person")
    physician_name: str | None = Field(None, max_length=200, description="Physician")
    physician_contact: str | None = Field(None, max_length=200, description="Physician contact")
    notes: str | None = Field(None, max_length=NOTES, description="Clinical notes")


class ClientOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The client's id")
    given_name: str = Field(..., description="Given name")
    family_name: str = Field(..., description="Family name")
    email: str = Field(..., description="E-mail, may be empty")
    phone: str = Field(..., description="Phone, may be empty")
    date_of_birth: dt.date | None = Field(..., description="Date of birth (empty for a prospective client)")
    sex: Sex = Field(..., description="female, male, intersex or not_stated")
    time_zone: str = Field(..., description="IANA zone; a diary day is a calendar day in this zone")
    assigned_practitioner_id: uuid.UUID | None = Field(None, description="The client's practitioner")
    status: ClientStatus = Field(
        ..., description="active, archived or prospective (asked on the public page, not yet in care)"
    )
    reminders_enabled: bool = Field(..., description="Whether diary reminders are sent")
    reminder_time: LocalTime | None = Field(None, description="Local time of the diary reminder")
    has_login: bool = Field(..., description="Whether the client keeps their diary in Headwise")
    intake: IntakeFields | None = Field(
        None, description="Migraine history; null for front desk, who see contact details only"
    )

    @staticmethod
    def resolve_assigned_practitioner_id(obj: object) -> uuid.UUID | None:
        practitioner = getattr(obj, "assigned_practitioner", None)
        return practitioner.uuid if practitioner is not None else None

    @staticmethod
    def resolve_has_login(obj: object) -> bool:
        return getattr(obj, "user_id", None) is not None

    @staticmethod
    def resolve_intake(obj: object, context: dict[str, Any]) -> IntakeFields | None:
        membership = getattr(context.get("request"), "membership", None)
        if membership is not None and not membership.sees_clinical_records:
            return None
        return IntakeFields.from_orm(obj)


class ClientIn(In):
    given_name: str = Field(..., min_length=1, max_length=100, description="Given name")
    family_name: str = Field(..., min_length=1, max_length=100, description="Family name")
    email: str = Field("", max_length=254, description="E-mail")
    phone: str = Field("", max_length=40, description="Phone")
    date_of_birth: dt.date = Field(..., description="Date of birth, YYYY-MM-DD")
    sex: Sex = Field(Sex.NOT_STATED, description="female, male, intersex or not_stated")
    time_zone: str | None = Field(
        None, max_length=CODE, description="IANA time zone of the client; the practice's zone when left out"
    )
    assigned_practitioner_id: uuid.UUID | None = Field(None, description="A practitioner of the practice")
    reminders_enabled: bool = Field(True, description="Send diary reminders")
    reminder_time: LocalTime | None = Field(dt.time(20, 30), description="Local time of the diary reminder")
    intake: IntakeFields | None = Field(None, description="Migraine history (owners and practitioners only)")


class ClientPatch(In):
    given_name: str | None = Field(None, min_length=1, max_length=100, description="Given name")
    family_name: str | None = Field(None, min_length=1, max_length=100, description="Family name")
    email: str | None = Field(None, max_length=254, description="E-mail")
    phone: str | None = Field(None, max_length=40, description="Phone")
    date_of_birth: dt.date | None = Field(None, description="Date of birth")
    sex: Sex | None = Field(None, description="Sex")
    time_zone: str | None = Field(None, max_length=CODE, description="IANA time zone")
    assigned_practitioner_id: uuid.UUID | None = Field(None, description="A practitioner of the practice")
    status: ClientStatus | None = Field(None, description="active, archived or prospective")
    reminders_enabled: bool | None = Field(None, description="Send diary reminders")
    reminder_time: LocalTime | None = Field(None, description="Local time of the diary reminder")
    intake: IntakePatch | None = Field(None, description="Changes to the migraine history (clinicians only)")


Language = Literal["en", "nl"]


class ConsentTextOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The text's id")
    kind: ConsentKind = Field(..., description="What the consent is for")
    language: Language = Field(..., description="The language of the text, en or nl")
    version: int = Field(..., description="Version number, 1, 2, … per kind")
    title: str = Field(..., description="Title")
    body: str = Field(..., description="The full text the client agrees to")
    published_at: dt.datetime = Field(..., description="When this version was published")


class ConsentTextIn(In):
    kind: ConsentKind = Field(..., description="What the consent is for")
    language: Language = Field("en", description="The language of the text; versions count per language")
    title: str = Field(..., min_length=1, max_length=200, description="Title")
    body: str = Field(
        ..., max_length=LONG, min_length=1, description="The full text; it cannot be changed once published"
    )


class ConsentOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The consent's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    text_id: uuid.UUID = Field(..., alias="text.uuid", description="The version of the text answered")
    kind: ConsentKind = Field(..., alias="text.kind", description="What the consent is for")
    version: int = Field(..., alias="text.version", description="Version of the text")
    granted: bool = Field(..., description="True if the client agreed")
    recorded_at: dt.datetime = Field(..., description="When the answer was recorded")
    withdrawn_at: dt.datetime | None = Field(None, description="When the client withdrew it")
    typed_name: str = Field(..., description="The full name the client typed to accept")
    witnessed_by: str = Field(
        ..., description="The staff member who witnessed it, or 'self' when given online"
    )

    @staticmethod
    def resolve_witnessed_by(obj: object) -> str:
        witness = getattr(obj, "witnessed_by", None)
        return str(witness) if witness is not None else "self"


class ConsentIn(In):
    text_id: uuid.UUID = Field(..., description="The consent text version the client answered")
    granted: bool = Field(..., description="True if the client agreed")
    typed_name: str = Field(
        "", max_length=SHORT, description="The client's full name as they typed it; required to grant"
    )


class ConsentSignIn(In):
    kinds: list[ConsentKind] = Field(
        ..., max_length=4, description="What the client accepts (the current text of each)"
    )
    typed_name: str = Field(..., max_length=SHORT, description="The client's full name, as they typed it")
    language: Language | None = Field(
        None, description="Which language's text was shown; default the caller's"
    )


class ConsentTextsQuery(QueryIn):
    language: Language | None = Field(None, description="The texts' language; default the caller's")


class IntakeMedicineIn(In):
    name: str = Field(..., max_length=SHORT, description="The medicine's name, e.g. Ibuprofen 400 mg")
    dose: str = Field("", max_length=100, description="The dose, if known")


class IntakeMedicineOut(Schema):
    name: str = Field(..., description="The medicine's name")
    substance: str | None = Field(
        None, description="paracetamol, nsaid or acetylsalicylic_acid when the name says which (else null)"
    )
    dose: str = Field(..., description="The dose, may be empty")


class HeadInjuryIn(In):
    what: str = Field(..., max_length=SHORT, description="What happened")
    date: dt.date = Field(..., description="When (an estimate is fine), YYYY-MM-DD")
    doctor_seen: Literal["yes", "no", "unknown"] = Field(..., description="Whether a doctor saw it")


class HeadInjuryOut(Schema):
    what: str = Field(..., description="What happened")
    date: dt.date = Field(..., description="When")
    doctor_seen: Literal["yes", "no", "unknown"] = Field(..., description="Whether a doctor saw it")


class ClientIntakeIn(In):
    """The intake as the client (or the desk with the client) submits it; every rule is the page's."""

    migraine_since_year: int | None = Field(None, ge=1900, le=2999, description="Migraines since (year)")
    migraine_since_month: int | None = Field(None, ge=1, le=12, description="Migraines since (month, 1-12)")
    migraine_days_per_month: int | None = Field(
        None, ge=0, le=31, description="Migraine days in a usual month (the client's estimate)"
    )
    diagnosed_by: DiagnosedBy | None = Field(None, description="gp, neurologist, other or not_diagnosed")
    diagnosed_by_other: str = Field("", max_length=SHORT, description="Who, when diagnosed_by is other")
    preventive_medication: list[IntakeMedicineIn] = Field(
        default_factory=list, max_length=20, description="Medicines taken daily to prevent migraine"
    )
    acute_medication: list[IntakeMedicineIn] = Field(
        default_factory=list, max_length=20, description="Medicines taken when a migraine starts"
    )
    other_conditions: str = Field("", max_length=NOTES, description="Other health conditions")
    head_injuries: list[HeadInjuryIn] = Field(
        default_factory=list, max_length=20, description="Every head or neck injury"
    )
    pregnancy: Pregnancy = Field(Pregnancy.NO, description="no, yes or unsure")
    pregnancy_weeks: int | None = Field(None, ge=1, le=44, description="Weeks pregnant, when yes")
    touch_sensitivity: TouchSensitivity | None = Field(None, description="none, some or very")
    touch_notes: str = Field("", max_length=NOTES, description="What helps with touch")
    hopes: str = Field("", max_length=NOTES, description="What the client hopes for, in their words")
    screening_answers: dict[Code, Literal["yes", "no", "unknown"]] = Field(
        ..., description="Every safety rule id of /api/screening-rules -> yes, no or unknown"
    )


class ClientIntakeOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The intake's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    migraine_since_year: int | None = Field(None, description="Migraines since (year)")
    migraine_since_month: int | None = Field(None, description="Migraines since (month)")
    migraine_days_per_month: int | None = Field(None, description="Migraine days in a usual month")
    diagnosed_by: str = Field(..., description="gp, neurologist, other, not_diagnosed or empty")
    diagnosed_by_other: str = Field(..., description="Who, when other")
    preventive_medication: list[IntakeMedicineOut] = Field(..., description="Preventive medicines")
    acute_medication: list[IntakeMedicineOut] = Field(..., description="Acute medicines")
    other_conditions: str = Field(..., description="Other conditions")
    head_injuries: list[HeadInjuryOut] = Field(..., description="Head or neck injuries")
    pregnancy: Pregnancy = Field(..., description="no, yes or unsure")
    pregnancy_weeks: int | None = Field(None, description="Weeks pregnant")
    touch_sensitivity: str = Field(..., description="none, some, very or empty")
    touch_notes: str = Field(..., description="What helps with touch")
    hopes: str = Field(..., description="What the client hopes for")
    screening_answers: dict[str, str] = Field(..., description="Rule id -> yes, no or unknown")
    submitted_at: dt.datetime | None = Field(None, description="When it was last submitted")
    entered_at_desk: bool = Field(..., description="Whether the front desk entered it with the client")


AnswerValue = Literal["yes", "no", "unknown"]


class ScreeningReasonOut(Schema):
    rule_id: str = Field(..., description="The rule of headwise.clinical (or practice.…) that contributed")
    answer: str = Field(..., description="yes, or unknown when not answered")
    effect: str = Field(..., description="refer, defer or caution")
    params: dict[str, str | int] = Field(
        ...,
        description="Facts the words need (a head injury: injured_on, days_since, days_left, window_days)",
    )
    question: str = Field(..., description="The question, in the request's language")
    meaning: str = Field(..., description="What the reason means for the care, in the request's language")
    detail: str = Field(..., description="Dated detail (a head injury's date and days left), or empty")
    acknowledged_by: str | None = Field(None, description="Who acknowledged this risk (caution)")
    acknowledged_at: dt.datetime | None = Field(None, description="When this risk was acknowledged")


class ScreeningOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The screening's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    screened_at: dt.datetime = Field(..., description="When the questions were asked")
    answers: dict[str, AnswerValue] = Field(..., description="Rule id → yes, no or unknown")
    outcome: ScreeningOutcome = Field(..., description="cleared, caution or refer (computed)")
    reasons: list[ScreeningReasonOut] = Field(..., description="Why the outcome is not cleared")
    rules_version: str = Field(..., description="Fingerprint of the rule table used")
    disabled_rules: list[str] = Field(..., description="Built-in rules the practice had switched off")
    acknowledged_at: dt.datetime | None = Field(
        None, description="When the last risk of a caution was acknowledged"
    )
    acknowledged_by: str | None = Field(None, description="Who acknowledged the last risk of the caution")
    clearance_clinician: str = Field(..., description="The clinician who cleared a referred client")
    clearance_on: dt.date | None = Field(None, description="The date of the clinician's clearance")
    clearance_document: str = Field(..., description="The document the clearance is in")
    clinician_clearance: str = Field(..., description="Notes on the clearance")
    cleared_by: str | None = Field(None, description="Who recorded the clearance")
    cleared_at: dt.datetime | None = Field(None, description="When the clearance was recorded")
    notes: str = Field(..., description="Notes")
    books_allowed: bool = Field(..., description="Whether CST may be booked or recorded on this screening")

    @staticmethod
    def resolve_acknowledged_by(obj: object) -> str | None:
        user = getattr(obj, "acknowledged_by", None)
        return str(user) if user is not None else None

    @staticmethod
    def resolve_cleared_by(obj: object) -> str | None:
        user = getattr(obj, "cleared_by", None)
        return str(user) if user is not None else None

    @staticmethod
    def resolve_reasons(obj: object) -> list[dict[str, Any]]:
        from headwise.clients.selectors import screening_reasons

        return [
            {
                "rule_id": r.words.rule_id,
                "answer": r.words.answer,
                "effect": r.words.effect,
                "params": dict(r.words.params),
                "question": r.words.question,
                "meaning": r.words.meaning,
                "detail": r.words.detail,
                "acknowledged_by": r.acknowledged_by or None,
                "acknowledged_at": r.acknowledged_at,
            }
            for r in screening_reasons(screening=obj)  # type: ignore[arg-type]
        ]

    @staticmethod
    def resolve_books_allowed(obj: object) -> bool:
        from headwise.clients.services import screening_blocker

        return screening_blocker(obj) is None  # type: ignore[arg-type]


class ScreeningIn(In):
    screened_at: AwareDatetime | None = Field(
        None, description="When asked, ISO 8601 with offset; default now"
    )
    answers: dict[Code, AnswerValue] = Field(
        ..., description="Rule id of headwise.clinical → yes, no or unknown; a rule left out is unknown"
    )
    notes: str = Field("", max_length=NOTES, description="Notes")


class AcknowledgeIn(In):
    rule_id: Code = Field(..., description="The reason (rule id) of the caution being acknowledged")


class ClearanceIn(In):
    clinician: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="The clinician who cleared the client (e.g. GP Dr. de Vries)",
    )
    cleared_on: dt.date = Field(..., description="The date of the clearance (not in the future)")
    document: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="The document the clearance is in (e.g. GP letter, ref 123)",
    )
    notes: str = Field("", max_length=NOTES, description="Anything else the clearance says")


class ScreenDueOut(Schema):
    due: bool = Field(..., description="Whether a new safety screen is needed before CST")
    reason: str | None = Field(None, description="never, intake_changed or gap")
    message: str | None = Field(None, description="Why, in the request's language")


class SafetyRuleOut(Schema):
    id: str = Field(..., description="Rule id, the key of an answer")
    question: str = Field(..., description="The question to ask")
    kind: str = Field(..., description="red_flag or contraindication")
    effect: str = Field(..., description="What a yes does: refer, defer or caution")
    source: str = Field(..., description="Where the rule comes from")
    evidence: str = Field(..., description="Strength of the evidence")
