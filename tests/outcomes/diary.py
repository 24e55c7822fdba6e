"""A year of a client's diary and care, built from the factories' rules (whole local days at
fixed hours, relative to the test's now), for the outcome pages, the report and the bench.

Check-ins on about nine days in ten; migraine attacks (unilateral, pulsating, moderate or severe,
nausea, light and sound sensitivity: ICHD-3 1.1 C and D) about six times a month before therapy and
fewer after it; a triptan for most attacks; a plan whose weekly phase starts ``therapy_days_ago``
days ago, then a stabilising phase, with sessions at the phases' cadence.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from headwise.care.models import PhaseKind, PlanPhase, SessionRecord, TreatmentPlan
from headwise.clients.models import Client
from headwise.diary.models import Attack, DailyCheckIn, MedicationIntake
from headwise.practice.models import CstStyle, Practitioner
from tests.factories import local_at, local_today


def build_year(
    client: Client,
    practitioner: Practitioner,
    *,
    days: int = 365,
    therapy_days_ago: int | None = 150,
    seed: int = 12,
    attacks_per_28: tuple[float, float] = (6.0, 4.0),
) -> dict[str, Any]:
    """Lay ``days`` days of diary ending three days ago; return what was made (counts, first session)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data
    zone = client.time_zone
    today = local_today(zone)
    taken = set(DailyCheckIn.objects.filter(client=client).values_list("date", flat=True))
    checkins: list[DailyCheckIn] = []
    attacks: list[Attack] = []
    # Up to three days ago: the personas' own records (yesterday's check-in, the attack two days
    # ago) stay as the world made them.
    for back in range(days, 2, -1):
        day = today - dt.timedelta(days=back)
        treated = therapy_days_ago is not None and back <= therapy_days_ago
        rate = attacks_per_28[1 if treated else 0] / 28
        attack = rng.random() < rate
        if (rng.random() < 0.9 or attack) and day not in taken:
            checkins.append(
                DailyCheckIn(
                    client=client, practice_id=client.practice_id, date=day, had_headache=attack, stress=3
                )
            )
        if attack:
            start = local_at(zone, days=-back, hour=9)
            attacks.append(
                Attack(
                    client=client,
                    practice_id=client.practice_id,
                    started_at=start,
                    ended_at=start + dt.timedelta(hours=rng.choice((5, 7, 9))),
                    time_zone=zone,
                    peak_intensity=rng.choice((5, 6, 7, 8)),
                    side="unilateral",
                    quality="pulsating",
                    aggravated_by_activity=True,
                    nausea=True,
                    photophobia=True,
                    phonophobia=True,
                    had_aura=False,
                    disability=rng.choice(("none", "half", "missed")),
                )
            )
    DailyCheckIn.objects.bulk_create(checkins, batch_size=500)
    Attack.objects.bulk_create(attacks, batch_size=500)
    saved = list(Attack.objects.filter(client=client, started_at__gte=local_at(zone, days=-days, hour=0)))
    MedicationIntake.objects.bulk_create(
        [
            MedicationIntake(
                client=client,
                practice_id=client.practice_id,
                attack=a,
                taken_at=a.started_at + dt.timedelta(minutes=40),
                name="sumatriptan",
                drug_class="triptan",
                pain_before="moderate",
                pain_at_2h="mild",
            )
            for a in saved
            if rng.random() < 0.75
        ],
        batch_size=500,
    )
    sessions: list[dt.date] = []
    if therapy_days_ago is not None:
        sessions = _care(client, practitioner, today=today, therapy_days_ago=therapy_days_ago)
    return {"checkins": len(checkins), "attacks": len(attacks), "sessions": sessions}


def _care(
    client: Client, practitioner: Practitioner, *, today: dt.date, therapy_days_ago: int
) -> list[dt.date]:
    start = today - dt.timedelta(days=therapy_days_ago)
    plan = TreatmentPlan.objects.create(
        client=client, practice_id=client.practice_id, practitioner=practitioner, started_on=start
    )
    weekly_end = start + dt.timedelta(days=8 * 7 - 1)
    PlanPhase.objects.create(
        plan=plan,
        practice_id=client.practice_id,
        kind=PhaseKind.INTENSIVE,
        starts_on=start,
        ends_on=weekly_end,
        interval_days_min=7,
        interval_days_max=7,
    )
    PlanPhase.objects.create(
        plan=plan,
        practice_id=client.practice_id,
        kind=PhaseKind.STABILISING,
        starts_on=weekly_end + dt.timedelta(days=1),
        interval_days_min=14,
        interval_days_max=21,
    )
    offsets = [*range(0, 8 * 7, 7), *range(8 * 7, therapy_days_ago, 14)]
    days = [start + dt.timedelta(days=o) for o in offsets if start + dt.timedelta(days=o) < today]
    SessionRecord.objects.bulk_create(
        [
            SessionRecord(
                client=client,
                practice_id=client.practice_id,
                practitioner=practitioner,
                started_at=local_at(client.time_zone, days=(d - today).days, hour=14),
                style=CstStyle.BIODYNAMIC,
                regions=["skull_base", "sacrum"],
            )
            for d in days
        ]
    )
    return days
