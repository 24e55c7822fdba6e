"""The one place where diary rows become ``headwise.clinical`` dataclasses.

Unanswered stays unknown: a NULL feature becomes ``None``; a blank choice becomes ``None``;
aura is ``()`` only when the client said "no aura", ``None`` when not asked or not described.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from headwise import clinical
from headwise.clients.models import Client
from headwise.diary.models import Attack, AuraSymptom, Disability, MedicationIntake


def client_info(client: Client) -> clinical.ClientInfo:
    return clinical.ClientInfo(
        time_zone=client.time_zone,
        birth_date=client.date_of_birth,
        migraine_diagnosed=client.migraine_diagnosed,
    )


def _aura(attack: Attack, symptoms: Sequence[AuraSymptom]) -> tuple[clinical.AuraSymptom, ...] | None:
    if attack.had_aura is False:
        return ()
    if not symptoms:
        return None
    return tuple(
        clinical.AuraSymptom(
            type=clinical.AuraType(s.type),
            start=s.started_at,
            duration_minutes=s.duration_minutes,
            spread_gradually=s.spread_gradually,
            unilateral=s.unilateral,
            positive=s.positive,
        )
        for s in symptoms
    )


def _stopped(disability: str) -> bool | None:
    if not disability:
        return None
    return disability == Disability.MISSED


def attack_to_clinical(attack: Attack, symptoms: Sequence[AuraSymptom] = ()) -> clinical.Attack:
    return clinical.Attack(
        id=str(attack.uuid),
        start=attack.started_at,
        end=attack.ended_at,
        peak_intensity=attack.peak_intensity,
        side=clinical.Side(attack.side) if attack.side else None,
        quality=clinical.Quality(attack.quality) if attack.quality else None,
        aggravated_by_activity=attack.aggravated_by_activity,
        nausea=attack.nausea,
        vomiting=attack.vomiting,
        photophobia=attack.photophobia,
        phonophobia=attack.phonophobia,
        ended_by_sleep=attack.ended_by_sleep,
        aura=_aura(attack, symptoms),
        stopped_activities=_stopped(attack.disability),
    )


def intake_to_clinical(intake: MedicationIntake, attack_uuid: str | None) -> clinical.MedicationIntake:
    return clinical.MedicationIntake(
        id=str(intake.uuid),
        name=intake.name,
        drug_class=clinical.DrugClass(intake.drug_class),
        substance=clinical.Substance(intake.substance) if intake.substance else None,
        taken_at=intake.taken_at,
        pain_before=clinical.Pain(intake.pain_before) if intake.pain_before else None,
        pain_at_2h=clinical.Pain(intake.pain_at_2h) if intake.pain_at_2h else None,
        attack_id=attack_uuid,
    )


def diary_from_rows(
    client: Client,
    *,
    checkins: Iterable[tuple[dt.date, bool]],
    attacks: Sequence[Attack],
    aura: Sequence[AuraSymptom],
    intakes: Sequence[MedicationIntake],
) -> clinical.Diary:
    """Build the engine's diary from rows already loaded (no query here).

    ``checkins`` are ``(date, had_headache)`` pairs: every check-in records its day, and one
    that said "headache" makes it a headache day (``Diary.headache_dates``). ``aura`` holds
    the symptoms of ``attacks``; an intake linked to an attack outside ``attacks`` is passed
    unlinked, and the engine links it by time.
    """
    answered = list(checkins)
    by_attack: dict[int, list[AuraSymptom]] = {}
    for symptom in aura:
        by_attack.setdefault(symptom.attack_id, []).append(symptom)
    uuids = {a.pk: str(a.uuid) for a in attacks}
    return clinical.Diary(
        client=client_info(client),
        recorded_dates=frozenset(day for day, _ in answered),
        headache_dates=frozenset(day for day, had_headache in answered if had_headache),
        attacks=tuple(attack_to_clinical(a, by_attack.get(a.pk, ())) for a in attacks),
        intakes=tuple(
            intake_to_clinical(m, uuids.get(m.attack_id) if m.attack_id else None) for m in intakes
        ),
    )
