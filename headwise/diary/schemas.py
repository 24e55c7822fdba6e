"""API shapes of the diary. Times: send an offset (``2026-03-29T14:30+02:00``) or a wall-clock
time, which is read in the attack's zone (spring-gap and doubled autumn times answer 422)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from headwise.common.schemas import CODE, ITEMS, NOTES, Code, In, QueryIn

SideIn = Literal["unilateral", "bilateral", ""]
QualityIn = Literal["pulsating", "pressing", "other", ""]
DisabilityIn = Literal["none", "half", "missed", ""]
PainIn = Literal["none", "mild", "moderate", "severe", ""]
AuraTypeIn = Literal["visual", "sensory", "speech", "motor", "brainstem", "retinal"]
DrugClassIn = Literal[
    "triptan",
    "ergot",
    "gepant",
    "ditan",
    "opioid",
    "simple_analgesic",
    "combination_analgesic",
    "antiemetic",
    "other",
]
#: ``headwise.clinical.Substance`` (ICHD-3 8.2.3.1-3), the same names as the interchange format.
SubstanceIn = Literal["paracetamol", "nsaid", "acetylsalicylic_acid", ""]
SUBSTANCE_DOC = (
    "which simple analgesic (ICHD-3 8.2.3.1-3): paracetamol, nsaid (other than acetylsalicylic acid) "
    "or acetylsalicylic_acid; only with drug_class simple_analgesic (otherwise 422 naming substance). "
    "Empty or null: not known; a common name (ibuprofen, paracetamol, aspirin, ...) then gives it."
)


class AttackFields(In):
    ended_at: dt.datetime | None = None
    time_zone: str | None = Field(
        None, max_length=64, description="IANA zone the client was in; default theirs"
    )
    peak_intensity: int | None = Field(None, ge=0, le=10)
    side: SideIn | None = None
    quality: QualityIn | None = None
    aggravated_by_activity: bool | None = None
    nausea: bool | None = None
    vomiting: bool | None = None
    photophobia: bool | None = None
    phonophobia: bool | None = None
    ended_by_sleep: bool | None = None
    had_aura: bool | None = None
    warning_signs: list[Code] | None = Field(None, max_length=ITEMS)
    warning_lead_minutes: int | None = Field(None, ge=0, le=2880)
    disability: DisabilityIn | None = None
    suspected_triggers: list[Code] | None = Field(None, max_length=ITEMS)
    notes: str | None = Field(None, max_length=NOTES)


class AttackIn(AttackFields):
    started_at: dt.datetime | None = Field(None, description="default: now")
    request_id: UUID | None = Field(
        None, description="a second POST with the same id returns the first attack"
    )


class AttackPatch(AttackFields):
    started_at: dt.datetime | None = None


class AuraOut(Schema):
    uuid: UUID
    type: str
    started_at: dt.datetime | None
    duration_minutes: int | None
    spread_gradually: bool | None
    unilateral: bool | None
    positive: bool | None


class AttackOut(Schema):
    uuid: UUID
    client: UUID
    request_id: UUID | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    time_zone: str
    peak_intensity: int | None
    side: str
    quality: str
    aggravated_by_activity: bool | None
    nausea: bool | None
    vomiting: bool | None
    photophobia: bool | None
    phonophobia: bool | None
    ended_by_sleep: bool | None
    had_aura: bool | None
    warning_signs: list[str]
    warning_lead_minutes: int | None
    disability: str
    suspected_triggers: list[str]
    notes: str
    deleted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_client(obj: Any) -> UUID:
        return obj.client.uuid  # type: ignore[no-any-return]


class AuraIn(In):
    type: AuraTypeIn
    started_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=0, le=4320)
    spread_gradually: bool | None = None
    unilateral: bool | None = None
    positive: bool | None = None


class AuraPatch(In):
    type: AuraTypeIn | None = None
    started_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=0, le=4320)
    spread_gradually: bool | None = None
    unilateral: bool | None = None
    positive: bool | None = None


class IntakeIn(In):
    taken_at: dt.datetime
    name: str = Field(..., min_length=1, max_length=120)
    drug_class: DrugClassIn
    substance: SubstanceIn | None = Field(None, description=SUBSTANCE_DOC)
    dose: str = Field("", max_length=60)
    pain_before: PainIn = ""
    pain_at_2h: PainIn = ""
    attack: UUID | None = None
    request_id: UUID | None = None


class IntakePatch(In):
    taken_at: dt.datetime | None = None
    name: str | None = Field(None, min_length=1, max_length=120)
    drug_class: DrugClassIn | None = None
    substance: SubstanceIn | None = Field(None, description=SUBSTANCE_DOC)
    dose: str | None = Field(None, max_length=60)
    pain_before: PainIn | None = None
    pain_at_2h: PainIn | None = None
    attack: UUID | None = None


class IntakeOut(Schema):
    uuid: UUID
    taken_at: dt.datetime
    name: str
    drug_class: str
    substance: SubstanceIn = Field(
        ..., description="paracetamol, nsaid, acetylsalicylic_acid, or empty: not known"
    )
    dose: str
    pain_before: str
    pain_at_2h: str
    attack: UUID | None = None
    request_id: UUID | None

    @staticmethod
    def resolve_attack(obj: Any) -> UUID | None:
        return obj.attack.uuid if obj.attack_id else None


class CheckInIn(In):
    had_headache: bool
    stress: int | None = Field(None, ge=0, le=10)
    sleep_hours: Decimal | None = Field(None, ge=0, le=24)
    sleep_quality: int | None = Field(None, ge=1, le=5)
    neck_tension: int | None = Field(None, ge=0, le=10)
    jaw_tension: int | None = Field(None, ge=0, le=10)
    menstruating: bool | None = None
    caffeine_drinks: int | None = Field(None, ge=0, le=50)
    alcohol_units: Decimal | None = Field(None, ge=0, le=99)
    skipped_meals: bool | None = None
    hydration: Literal["low", "ok", "good", ""] = ""
    screen_hours: Decimal | None = Field(None, ge=0, le=24)
    notes: str = Field("", max_length=NOTES)
    warning_signs: list[Code] = Field(
        default_factory=list,
        max_length=ITEMS,
        description="Early warning signs noticed this day (codes of the attack's warning_signs)",
    )


class CheckInOut(Schema):
    uuid: UUID
    date: dt.date
    had_headache: bool
    stress: int | None
    sleep_hours: Decimal | None
    sleep_quality: int | None
    neck_tension: int | None
    jaw_tension: int | None
    menstruating: bool | None
    caffeine_drinks: int | None
    alcohol_units: Decimal | None
    skipped_meals: bool | None
    hydration: str
    screen_hours: Decimal | None
    notes: str
    warning_signs: list[str]


class ExposureIn(In):
    trigger: str = Field(..., max_length=CODE)
    occurred_at: dt.datetime
    attack: UUID | None = None
    detail: str = Field("", max_length=200)
    request_id: UUID | None = Field(
        None, description="a second POST with the same id returns the first exposure"
    )


class ExposureOut(Schema):
    uuid: UUID
    trigger: str
    occurred_at: dt.datetime
    attack: UUID | None = None
    detail: str
    request_id: UUID | None

    @staticmethod
    def resolve_attack(obj: Any) -> UUID | None:
        return obj.attack.uuid if obj.attack_id else None


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryOut(Schema):
    history_id: UUID
    when: dt.datetime
    who: str
    kind: str
    reason: str
    changes: list[ChangeOut]


class DayOut(Schema):
    date: dt.date
    state: str = Field(..., description="future, missing, free, headache or migraine")
    recorded: bool
    headache: bool
    migraine: bool
    migraine_uncertain: bool
    medication: bool
    peak: int | None
    session: bool


class SummaryOut(Schema):
    month: str
    days: int = Field(..., description="days of the month so far")
    recorded: int
    missing: int
    completeness_percent: int
    headache_days: int
    migraine_days: int
    migraine_uncertain_days: int
    acute_medication_days: int
    days_lost: int
    sessions: int
    calendar: list[DayOut]


class CheckInRange(QueryIn):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
