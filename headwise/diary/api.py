"""The diary on the API: the same services as the pages, so the same rules.

Access: the client themself, or an owner or practitioner of the client's practice. The front
desk of that practice gets 403; anyone else 404.
"""

# No ``from __future__ import annotations`` in this module: django-ninja's ``@paginate`` (``paged``)
# evaluates a view's annotations in its own module, where string annotations fail
# (vitalik/django-ninja#1424).

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from headwise.clients.models import Client
from headwise.common.api_access import clinical_reader_for, get_clinical_or_own, paged, responses
from headwise.diary import selectors, services
from headwise.diary.localtime import to_utc, zone_of
from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake, TriggerExposure
from headwise.diary.schemas import (
    AttackIn,
    AttackOut,
    AttackPatch,
    AuraIn,
    AuraOut,
    AuraPatch,
    CheckInIn,
    CheckInOut,
    CheckInRange,
    ExposureIn,
    ExposureOut,
    HistoryOut,
    IntakeIn,
    IntakeOut,
    IntakePatch,
    SummaryOut,
)

router = Router(tags=["diary"])


def _client(request: HttpRequest, client_id: uuid.UUID) -> Client:
    """The client themself, or an owner or practitioner of their practice (front desk 403)."""
    return clinical_reader_for(request, client_id)


def _attack(request: HttpRequest, attack_id: uuid.UUID, *, include_deleted: bool = True) -> Attack:
    queryset = Attack.objects.select_related("client")
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    return get_clinical_or_own(request, queryset, attack_id)


def _instant(value: dt.datetime | None, zone: str, field: str) -> dt.datetime | None:
    return None if value is None else to_utc(value, zone=zone_of(zone), field=field)


def _attack_values(payload: Schema, zone: str, *, unset: bool) -> dict[str, Any]:
    data = payload.dict(exclude_unset=unset)
    data.pop("request_id", None)
    for name in ("started_at", "ended_at"):
        if name in data:
            data[name] = _instant(data[name], data.get("time_zone") or zone, name)
    for name in ("side", "quality", "disability", "notes"):
        if name in data and data[name] is None:
            data[name] = ""
    for name in ("warning_signs", "suspected_triggers"):
        if name in data and data[name] is None:
            data[name] = []
    if data.get("time_zone") is None:
        data.pop("time_zone", None)
    return data


@router.get("/clients/{client_id}/attacks", response=responses(list[AttackOut]), summary="A client's attacks")
@paged
def attacks_list(
    request: HttpRequest, client_id: uuid.UUID, include_deleted: bool = False
) -> QuerySet[Attack]:
    client = _client(request, client_id)
    attacks = Attack.objects.filter(client=client).select_related("client").order_by("-started_at")
    return attacks if include_deleted else attacks.filter(deleted_at__isnull=True)


@router.post(
    "/clients/{client_id}/attacks",
    response={**responses(AttackOut), 201: AttackOut},
    summary="Record an attack (a repeated request_id answers 200 with the first one)",
)
def attack_create(request: HttpRequest, client_id: uuid.UUID, payload: AttackIn) -> Status[Any]:
    client = _client(request, client_id)
    zone = payload.time_zone or client.time_zone
    data = _attack_values(payload, zone, unset=False)
    attack, created = services.attack_start(
        client=client,
        by=request.user,  # type: ignore[arg-type]
        request_id=payload.request_id,
        **data,
    )
    return Status(201 if created else 200, attack)


@router.get("/attacks/{attack_id}", response=responses(AttackOut), summary="One attack")
def attack_read(request: HttpRequest, attack_id: uuid.UUID) -> Attack:
    return _attack(request, attack_id)


@router.patch(
    "/attacks/{attack_id}", response=responses(AttackOut), summary="Change an attack (history kept)"
)
def attack_patch(request: HttpRequest, attack_id: uuid.UUID, payload: AttackPatch) -> Attack:
    attack = _attack(request, attack_id, include_deleted=False)
    data = _attack_values(payload, payload.time_zone or attack.time_zone, unset=True)
    return services.attack_update(attack=attack, by=request.user, **data)  # type: ignore[arg-type]


@router.delete(
    "/attacks/{attack_id}", response=responses(None, 204), summary="Delete an attack (can be restored)"
)
def attack_remove(request: HttpRequest, attack_id: uuid.UUID) -> Status[Any]:
    services.attack_delete(attack=_attack(request, attack_id), by=request.user)  # type: ignore[arg-type]
    return Status(204, None)


@router.post(
    "/attacks/{attack_id}/restore", response=responses(AttackOut), summary="Restore a deleted attack"
)
def attack_restore(request: HttpRequest, attack_id: uuid.UUID) -> Attack:
    return services.attack_restore(attack=_attack(request, attack_id), by=request.user)  # type: ignore[arg-type]


@router.get(
    "/attacks/{attack_id}/history", response=responses(list[HistoryOut]), summary="Every change, newest first"
)
def attack_history(request: HttpRequest, attack_id: uuid.UUID) -> list[Any]:
    return selectors.attack_history(attack=_attack(request, attack_id))


@router.post(
    "/attacks/{attack_id}/history/{history_id}/undo", response=responses(AttackOut), summary="Undo one change"
)
def attack_undo(request: HttpRequest, attack_id: uuid.UUID, history_id: uuid.UUID) -> Attack:
    attack = _attack(request, attack_id)
    return services.attack_undo(attack=attack, history_id=history_id, by=request.user)  # type: ignore[arg-type]


@router.post("/attacks/{attack_id}/aura", response=responses(AuraOut, 201), summary="Add an aura symptom")
def aura_create(request: HttpRequest, attack_id: uuid.UUID, payload: AuraIn) -> Status[Any]:
    attack = _attack(request, attack_id, include_deleted=False)
    data = payload.dict()
    data["started_at"] = _instant(data["started_at"], attack.time_zone, "started_at")
    return Status(201, services.aura_add(attack=attack, by=request.user, **data))  # type: ignore[arg-type]


def _aura(request: HttpRequest, aura_id: uuid.UUID) -> AuraSymptom:
    return get_clinical_or_own(
        request, AuraSymptom.objects.select_related("attack"), aura_id, client_path="attack__client"
    )


@router.patch("/aura/{aura_id}", response=responses(AuraOut), summary="Change an aura symptom")
def aura_patch(request: HttpRequest, aura_id: uuid.UUID, payload: AuraPatch) -> AuraSymptom:
    aura = _aura(request, aura_id)
    data = payload.dict(exclude_unset=True)
    if "started_at" in data:
        data["started_at"] = _instant(data["started_at"], aura.attack.time_zone, "started_at")
    if data.get("type", "") is None:
        raise ValidationError({"type": _("Choose a kind of aura.")})
    return services.aura_update(aura=aura, by=request.user, **data)  # type: ignore[arg-type]


@router.delete("/aura/{aura_id}", response=responses(None, 204), summary="Remove an aura symptom")
def aura_remove(request: HttpRequest, aura_id: uuid.UUID) -> Status[Any]:
    services.aura_delete(aura=_aura(request, aura_id), by=request.user)  # type: ignore[arg-type]
    return Status(204, None)


def _linked_attack(client: Client, attack_id: uuid.UUID | None) -> Attack | None:
    if attack_id is None:
        return None
    attack = Attack.objects.filter(client=client, uuid=attack_id, deleted_at__isnull=True).first()
    if attack is None:
        raise ValidationError({"attack": _("No such attack in this client's diary.")})
    return attack


@router.get(
    "/clients/{client_id}/medications", response=responses(list[IntakeOut]), summary="Acute medication taken"
)
@paged
def intakes_list(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[MedicationIntake]:
    client = _client(request, client_id)
    return MedicationIntake.objects.filter(client=client, deleted_at__isnull=True).select_related("attack")


@router.post(
    "/clients/{client_id}/medications",
    response={**responses(IntakeOut), 201: IntakeOut},
    summary="Record acute medication (a repeated request_id answers 200 with the first one)",
)
def intake_create(request: HttpRequest, client_id: uuid.UUID, payload: IntakeIn) -> Status[Any]:
    client = _client(request, client_id)
    data = payload.dict()
    data.pop("request_id")
    data["attack"] = _linked_attack(client, data["attack"])
    data["taken_at"] = _instant(data["taken_at"], client.time_zone, "taken_at")
    data["substance"] = data["substance"] or ""
    intake, created = services.intake_record(
        client=client,
        by=request.user,  # type: ignore[arg-type]
        request_id=payload.request_id,
        **data,
    )
    return Status(201 if created else 200, intake)


def _intake(request: HttpRequest, intake_id: uuid.UUID) -> MedicationIntake:
    return get_clinical_or_own(
        request,
        MedicationIntake.objects.select_related("client", "attack").filter(deleted_at__isnull=True),
        intake_id,
    )


@router.patch("/medications/{intake_id}", response=responses(IntakeOut), summary="Change a medication record")
def intake_patch(request: HttpRequest, intake_id: uuid.UUID, payload: IntakePatch) -> MedicationIntake:
    intake = _intake(request, intake_id)
    data = payload.dict(exclude_unset=True)
    if "attack" in data:
        data["attack"] = _linked_attack(intake.client, data["attack"])
    if "taken_at" in data:
        if data["taken_at"] is None:
            raise ValidationError({"taken_at": _("Say when it was taken.")})
        data["taken_at"] = _instant(data["taken_at"], intake.client.time_zone, "taken_at")
    for name in ("name", "drug_class", "substance", "dose", "pain_before", "pain_at_2h"):
        if name in data and data[name] is None:
            data[name] = ""
    return services.intake_update(intake=intake, by=request.user, **data)  # type: ignore[arg-type]


@router.delete(
    "/medications/{intake_id}", response=responses(None, 204), summary="Remove a medication record"
)
def intake_remove(request: HttpRequest, intake_id: uuid.UUID) -> Status[Any]:
    services.intake_delete(intake=_intake(request, intake_id), by=request.user)  # type: ignore[arg-type]
    return Status(204, None)


@router.get("/clients/{client_id}/checkins", response=responses(list[CheckInOut]), summary="Daily check-ins")
@paged
def checkins_list(
    request: HttpRequest, client_id: uuid.UUID, filters: Query[CheckInRange]
) -> QuerySet[DailyCheckIn]:
    client = _client(request, client_id)
    checkins = DailyCheckIn.objects.filter(client=client).order_by("date")
    if filters.from_ is not None:
        checkins = checkins.filter(date__gte=filters.from_)
    if filters.to is not None:
        checkins = checkins.filter(date__lte=filters.to)
    return checkins


@router.put(
    "/clients/{client_id}/checkins/{date}", response=responses(CheckInOut), summary="Save one day's check-in"
)
def checkin_put(
    request: HttpRequest, client_id: uuid.UUID, date: dt.date, payload: CheckInIn
) -> DailyCheckIn:
    client = _client(request, client_id)
    return services.checkin_save(client=client, by=request.user, date=date, **payload.dict())  # type: ignore[arg-type]


@router.get(
    "/clients/{client_id}/exposures", response=responses(list[ExposureOut]), summary="Trigger exposures"
)
@paged
def exposures_list(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[TriggerExposure]:
    client = _client(request, client_id)
    return TriggerExposure.objects.filter(client=client).select_related("attack")


@router.post(
    "/clients/{client_id}/exposures",
    response={**responses(ExposureOut), 201: ExposureOut},
    summary="Note a trigger exposure (a repeated request_id answers 200 with the first one)",
)
def exposure_create(request: HttpRequest, client_id: uuid.UUID, payload: ExposureIn) -> Status[Any]:
    client = _client(request, client_id)
    exposure, created = services.exposure_record(
        client=client,
        by=request.user,  # type: ignore[arg-type]
        trigger=payload.trigger,
        occurred_at=_instant(payload.occurred_at, client.time_zone, "occurred_at"),  # type: ignore[arg-type]
        attack=_linked_attack(client, payload.attack),
        detail=payload.detail,
        request_id=payload.request_id,
    )
    return Status(201 if created else 200, exposure)


@router.get(
    "/clients/{client_id}/summary",
    response=responses(SummaryOut),
    summary="One month: days, migraine days, completeness",
)
def month_summary(request: HttpRequest, client_id: uuid.UUID, month: str) -> dict[str, Any]:
    client = _client(request, client_id)
    first = selectors.parse_month(month)
    if first is None:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")})
    view = selectors.month_view(client=client, month=first)
    s = view.summary
    return {
        "month": first.strftime("%Y-%m"),
        "days": s.days,
        "recorded": s.recorded,
        "missing": s.missing,
        "completeness_percent": s.completeness,
        "headache_days": s.headache_days,
        "migraine_days": s.migraine_days,
        "migraine_uncertain_days": s.uncertain_days,
        "acute_medication_days": s.medication_days,
        "days_lost": s.days_lost,
        "sessions": s.sessions,
        "calendar": [
            {
                "date": d.date,
                "state": d.state,
                "recorded": d.recorded,
                "headache": d.headache,
                "migraine": d.migraine,
                "migraine_uncertain": d.migraine_uncertain,
                "medication": d.medication,
                "peak": d.peak,
                "session": d.session,
            }
            for d in view.days
        ],
    }
