"""Writes of client records. The only place that creates or changes a client."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.accounts.models import User
from headwise.clients.models import Client, Consent, ConsentText, SafetyScreening, ScreeningOutcome
from headwise.common.services import update
from headwise.practice.models import Practice


def default_time_zone(practice: Practice) -> str:
    """A new client's zone unless told: the practice's (a New York practice's clients live there)."""
    return practice.time_zone


@transaction.atomic
def client_create(*, practice: Practice, by: User, **fields: Any) -> Client:
    if not fields.get("time_zone"):
        fields["time_zone"] = default_time_zone(practice)
    client = Client(practice=practice, created_by=by, updated_by=by, **fields)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def client_update(*, client: Client, by: User, **fields: Any) -> Client:
    return update(client, fields, by=by)


@transaction.atomic
def consent_text_publish(*, practice: Practice, kind: str, title: str, body: str) -> ConsentText:
    """Publish a new, immutable version of a consent text; its number is the next of its kind.

    The practice row is locked so that two owners publishing at once get versions n and n+1.
    """
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    latest = ConsentText.objects.filter(practice=practice, kind=kind).aggregate(v=Max("version"))["v"]
    text = ConsentText(practice=practice, kind=kind, title=title, body=body, version=(latest or 0) + 1)
    text.full_clean()
    text.save()
    return text


@transaction.atomic
def consent_record(*, client: Client, text: ConsentText, granted: bool, by: User) -> Consent:
    if text.practice_id != client.practice_id:
        raise ValidationError({"text_id": _("No consent text with this id in your practice.")})
    consent = Consent(
        practice_id=client.practice_id, client=client, text=text, granted=granted, recorded_by=by
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent) -> Consent:
    if consent.withdrawn_at is not None:
        raise ValidationError({"__all__": _("This consent was already withdrawn.")})
    if not consent.granted:
        raise ValidationError({"__all__": _("Only a granted consent can be withdrawn.")})
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    return consent


def rules_version(rules: clinical.RuleSet) -> str:
    """A fingerprint of the rule table, stored with each screening so a change is visible."""
    table = ";".join(f"{r.id}={r.effect}" for r in rules.active)
    return "builtin-" + hashlib.sha256(table.encode()).hexdigest()[:12]


@transaction.atomic
def screening_record(
    *,
    client: Client,
    by: User,
    answers: dict[str, str],
    screened_at: dt.datetime | None = None,
    notes: str = "",
) -> SafetyScreening:
    """Record a safety screen; the outcome and reasons come from ``headwise.clinical``."""
    rules = clinical.builtin_rules()
    known = {r.id for r in rules.active}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError({f"answers.{unknown[0]}": _("No safety rule has this id.")})
    parameters = replace(clinical.DEFAULT_PARAMETERS, red_flag_onset_age=client.practice.red_flag_onset_age)
    try:
        result = clinical.evaluate_safety(
            answers, age_at_onset=client.age_at_onset, rules=rules, parameters=parameters
        )
    except clinical.AnalysisError as exc:
        raise ValidationError({exc.field: exc.reason}) from exc
    screening = SafetyScreening(
        practice_id=client.practice_id,
        client=client,
        screened_at=screened_at or timezone.now(),
        answers=dict(answers),
        outcome=result.outcome.value,
        reasons=[
            {"rule_id": r.rule_id, "answer": r.answer, "effect": r.effect.value, "text": r.text}
            for r in result.reasons
        ],
        rules_version=rules_version(rules),
        notes=notes,
        created_by=by,
        updated_by=by,
    )
    screening.full_clean()
    screening.save()
    return screening


@transaction.atomic
def screening_acknowledge(*, screening: SafetyScreening, by: User) -> SafetyScreening:
    """A practitioner or owner has read the caution and will adapt the treatment."""
    if screening.outcome != ScreeningOutcome.CAUTION:
        raise ValidationError({"outcome": _("Only a screening with the outcome caution is acknowledged.")})
    if screening.acknowledged_at is not None:
        raise ValidationError({"acknowledged_at": _("This caution was already acknowledged.")})
    screening.acknowledged_by = by
    screening.acknowledged_at = timezone.now()
    screening.updated_by = by
    screening.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_by", "updated_at"])
    return screening


@transaction.atomic
def screening_clear(*, screening: SafetyScreening, clearance: str, by: User) -> SafetyScreening:
    """Record a clinician's clearance of a referred client (e.g. a GP letter); booking opens."""
    if screening.outcome != ScreeningOutcome.REFER:
        raise ValidationError({"outcome": _("Only a screening with the outcome refer needs a clearance.")})
    if not clearance.strip():
        raise ValidationError({"clearance": _("Say who cleared the client, and on what.")})
    if screening.cleared_at is not None:
        raise ValidationError({"cleared_at": _("This referral was already cleared.")})
    screening.clinician_clearance = clearance.strip()
    screening.cleared_at = timezone.now()
    screening.updated_by = by
    screening.save(update_fields=["clinician_clearance", "cleared_at", "updated_by", "updated_at"])
    return screening


def screening_blocker(screening: SafetyScreening | None) -> str | None:
    """Why a booking is blocked by this (latest) screening, or None if it may go ahead."""
    if screening is None:
        return None
    if screening.outcome == ScreeningOutcome.REFER and screening.cleared_at is None:
        return _("The latest safety screening says refer: no CST until a clinician's clearance is recorded.")
    if screening.outcome == ScreeningOutcome.CAUTION and screening.acknowledged_at is None:
        return _("The latest safety screening says caution: a practitioner must acknowledge it first.")
    return None
