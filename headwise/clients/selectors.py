"""Reads of client records, always within one practice."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from headwise.clients.models import (
    Client,
    ClientStatus,
    Consent,
    ConsentKind,
    Intake,
    SafetyScreening,
)
from headwise.practice.models import Membership, Practice


def client_get(*, practice: Practice, client_id: uuid.UUID) -> Client:
    """The practice's client with that UUID, or 404 (also for another practice's client)."""
    return get_object_or_404(
        Client.objects.for_practice(practice).select_related("assigned_practitioner"),
        uuid=client_id,
    )


def clients_search(
    *, practice: Practice, query: str = "", include_archived: bool = False
) -> QuerySet[Client]:
    clients = Client.objects.for_practice(practice).select_related("assigned_practitioner")
    if not include_archived:
        clients = clients.filter(status=ClientStatus.ACTIVE)
    for word in query.split():
        clients = clients.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(email__icontains=word)
        )
    # The primary key last: a stable order, so that pages of the list neither repeat nor skip.
    return clients.order_by("family_name", "given_name", "pk")


def latest_screening(*, client: Client) -> SafetyScreening | None:
    return SafetyScreening.objects.filter(client=client).order_by("-screened_at").first()


def _latest_data_consent(client_ref: OuterRef) -> QuerySet[Consent]:
    return Consent.objects.filter(client_id=client_ref, text__kind=ConsentKind.DATA).order_by(
        "-recorded_at", "-pk"
    )


def processing_allowed(clients: QuerySet[Client]) -> QuerySet[Client]:
    """``clients`` less those whose data Headwise may no longer process (see :func:`may_process`)."""
    # The client's latest data consent (compared by pk: ``pk__in`` of a sliced subquery is not
    # allowed on every database), when it is refused or withdrawn.
    refused = Consent.objects.filter(
        client=OuterRef("pk"),
        pk=_latest_data_consent(OuterRef("client_id")).values("pk")[:1],
    ).filter(Q(granted=False) | Q(withdrawn_at__isnull=False))
    return clients.exclude(Exists(refused))


def may_process(*, client: Client) -> bool:
    """Whether Headwise may go on processing the client's data and contacting them.

    The one rule that diary writes, reminders, follow-up e-mails and questionnaires ask: it is
    false once the client's consent to keeping and processing health data is withdrawn (or was
    refused) and not granted again since. A client who has not answered the data consent yet
    (a record the practice keeps from before Headwise asked) is not stopped; the client page
    lists the consent as still to sign. :func:`processing_allowed` is the same rule for many
    clients at once (the reminders).
    """
    return processing_allowed(Client.objects.filter(pk=client.pk)).exists()


def consents_of(*, client: Client) -> list[Consent]:
    """The client's consents, latest first, with the text each answered."""
    return list(
        Consent.objects.filter(client=client)
        .select_related("text", "witnessed_by", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def standing_consents(*, client: Client) -> dict[str, Consent]:
    """For each kind, the client's latest answer (granted or not, withdrawn or not)."""
    found: dict[str, Consent] = {}
    for consent in consents_of(client=client):
        found.setdefault(consent.text.kind, consent)
    return found


def consent_in_force(consent: Consent | None) -> bool:
    return consent is not None and consent.granted and consent.withdrawn_at is None


def intake_of(*, client: Client) -> Intake | None:
    return Intake.objects.filter(client=client).first()


def intake_hidden_from(membership: Membership | None, intake: Intake | None) -> bool:
    """Whether a submitted intake is out of this member's sight: the front desk may enter an
    intake with the client, never read one back (it is clinical)."""
    return (
        membership is not None
        and not membership.sees_clinical_records
        and intake is not None
        and intake.submitted_at is not None
    )


@dataclass(frozen=True)
class IntakeForScreen:
    """What the safety screen takes from a submitted intake.

    ``answers``: rule id -> "yes", "no" or "unknown"; ``head_injuries``: (date, doctor_seen,
    what) with doctor_seen True, False or None (not known); ``pregnancy``: "no", "yes" or
    "unsure" (``pregnancy_weeks`` when yes); ``usual_monthly_migraine_days``: the client's own
    estimate of migraine days in a usual month. ``content_hash`` changes when any of the
    answers, injuries or the pregnancy change (not when only the history's words do), so the
    screen knows to ask for a new screening.
    """

    answers: Mapping[str, str]
    head_injuries: tuple[tuple[dt.date, bool | None, str], ...]
    pregnancy: str
    pregnancy_weeks: int | None
    usual_monthly_migraine_days: int | None
    submitted_at: dt.datetime
    content_hash: str


_SEEN = {"yes": True, "no": False, "unknown": None}


def intake_for_screen(*, client: Client) -> IntakeForScreen | None:
    """The client's submitted intake as the safety screen reads it; None before one is submitted."""
    intake = intake_of(client=client)
    if intake is None or intake.submitted_at is None:
        return None
    answers = {str(k): str(v) for k, v in sorted(intake.screening_answers.items())}
    injuries = tuple(
        sorted(
            (dt.date.fromisoformat(row["date"]), _SEEN.get(row["doctor_seen"]), row["what"])
            for row in intake.head_injuries
        )
    )
    content = {
        "answers": answers,
        "head_injuries": [[d.isoformat(), seen, what] for d, seen, what in injuries],
        "pregnancy": intake.pregnancy,
        "pregnancy_weeks": intake.pregnancy_weeks,
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return IntakeForScreen(
        answers=MappingProxyType(answers),
        head_injuries=injuries,
        pregnancy=intake.pregnancy,
        pregnancy_weeks=intake.pregnancy_weeks,
        usual_monthly_migraine_days=intake.migraine_days_per_month,
        submitted_at=intake.submitted_at,
        content_hash=digest,
    )
