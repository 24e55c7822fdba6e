"""Writes of client records. The only place that creates or changes a client."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.accounts.models import User
from headwise.clients import consent_texts
from headwise.clients.intake import injury_rows, medication_rows
from headwise.clients.models import (
    Client,
    Consent,
    ConsentKind,
    ConsentText,
    Intake,
    IntakeLink,
    SafetyScreening,
    ScreeningOutcome,
)
from headwise.clients.selectors import may_process
from headwise.common.services import refuse_unknown, update
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
def consent_text_publish(
    *, practice: Practice, kind: str, title: str, body: str, language: str = "en"
) -> ConsentText:
    """Publish a new, immutable version of a consent text; its number is the next of its kind
    and language.

    The practice row is locked so that two owners publishing at once get versions n and n+1.
    """
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    latest = ConsentText.objects.filter(practice=practice, kind=kind, language=language).aggregate(
        v=Max("version")
    )["v"]
    text = ConsentText(
        practice=practice, kind=kind, language=language, title=title, body=body, version=(latest or 0) + 1
    )
    text.full_clean()
    text.save()
    return text


def current_consent_text(*, practice: Practice, kind: str, language: str) -> ConsentText:
    """The text a client is asked to accept now: the latest version of ``kind`` in ``language``.

    A practice without a text in that language gets its latest text of the kind in English (or in
    any language); a practice without any text of the kind gets the defaults of
    :mod:`headwise.clients.consent_texts` published as version 1 (get or create, so a second
    request finds the first one's texts).
    """
    texts = ConsentText.objects.filter(practice=practice, kind=kind)
    if not texts.exists() and (kind, "en") in consent_texts.DEFAULTS:
        with transaction.atomic():
            Practice.objects.select_for_update().filter(pk=practice.pk).first()
            for (default_kind, default_language), (title, body) in consent_texts.DEFAULTS.items():
                if default_kind == kind:
                    ConsentText.objects.get_or_create(
                        practice=practice,
                        kind=kind,
                        language=default_language,
                        version=1,
                        defaults={"title": title, "body": body},
                    )
    for wanted in (texts.filter(language=language), texts.filter(language="en"), texts):
        found = wanted.order_by("-version", "-published_at").first()
        if found is not None:
            return found
    raise ValidationError({"kind": _("This practice has no consent text of this kind.")})


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def name_matches(client: Client, typed_name: str) -> bool:
    """Whether ``typed_name`` is the client's full name, ignoring case and spaces."""
    return bool(typed_name.strip()) and _name_key(typed_name) == _name_key(client.full_name)


def _name_problem(client: Client, typed_name: str) -> str | None:
    if not typed_name.strip():
        return _("Type your full name to accept.")
    if not name_matches(client, typed_name):
        return _("The name typed is not the name on the record (%(name)s): type it as written there.") % {
            "name": client.full_name
        }
    return None


@transaction.atomic
def consent_record(
    *,
    client: Client,
    text: ConsentText,
    granted: bool,
    by: User | None,
    typed_name: str = "",
    witnessed_by: User | None = None,
) -> Consent:
    """Record a client's answer to one consent text.

    A consent is granted by typing the client's full name (case and spaces aside); a refusal
    needs no name. ``witnessed_by`` is the staff member at the desk, None when the client
    answered online themself.
    """
    if text.practice_id != client.practice_id:
        raise ValidationError({"text_id": _("No consent text with this id in your practice.")})
    if granted and (problem := _name_problem(client, typed_name)):
        raise ValidationError({"typed_name": problem})
    consent = Consent(
        practice_id=client.practice_id,
        client=client,
        text=text,
        granted=granted,
        recorded_by=by,
        typed_name=" ".join(typed_name.split()),
        witnessed_by=witnessed_by,
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consents_sign(
    *,
    client: Client,
    kinds: list[str],
    typed_name: str,
    by: User | None,
    witnessed_by: User | None,
    language: str,
) -> list[Consent]:
    """Accept the current text of each of ``kinds`` with one typed name (intake's consent step)."""
    if not kinds:
        raise ValidationError({"kinds": _("Tick what you agree to.")})
    refuse_unknown(kinds, ConsentKind.values)
    if problem := _name_problem(client, typed_name):
        raise ValidationError({"typed_name": problem})
    return [
        consent_record(
            client=client,
            text=current_consent_text(practice=client.practice, kind=kind, language=language),
            granted=True,
            by=by,
            typed_name=typed_name,
            witnessed_by=witnessed_by,
        )
        for kind in kinds
    ]


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


# --- processing consent: the guard every write of the client's data asks --------------------


def require_processing(client: Client) -> None:
    """Refuse (ValidationError) a write of the client's data after the data consent was withdrawn."""
    if not may_process(client=client):
        raise ValidationError(
            {
                "__all__": _(
                    "Consent to keep and process the health data was withdrawn: nothing new is "
                    "recorded. Give the consent again in the settings to go on."
                )
            }
        )


# --- the intake ------------------------------------------------------------------------------

#: The fields of an intake a form or a body may set.
INTAKE_FIELDS = (
    "migraine_since_year",
    "migraine_since_month",
    "migraine_days_per_month",
    "diagnosed_by",
    "diagnosed_by_other",
    "preventive_medication",
    "acute_medication",
    "other_conditions",
    "head_injuries",
    "pregnancy",
    "pregnancy_weeks",
    "touch_sensitivity",
    "touch_notes",
    "hopes",
    "screening_answers",
)


@transaction.atomic
def intake_submit(*, client: Client, by: User | None, at_desk: bool, **fields: Any) -> Intake:
    """Save and submit the client's intake (a first one, or a change: the history keeps the earlier).

    ``by`` is the client's own login, or the staff member at the desk (``at_desk``), or None when
    the client fills it in through an intake link without a password. Every rule is
    :func:`headwise.clients.intake.intake_problems`; nothing is saved when one fails.
    """
    refuse_unknown(fields, INTAKE_FIELDS)
    for name in ("preventive_medication", "acute_medication"):
        if name in fields and isinstance(fields[name], list):
            fields[name] = medication_rows(r for r in fields[name] if isinstance(r, dict)) + [
                r for r in fields[name] if not isinstance(r, dict)
            ]
    if isinstance(fields.get("head_injuries"), list):
        rows = fields["head_injuries"]
        fields["head_injuries"] = injury_rows(r for r in rows if isinstance(r, dict)) + [
            r for r in rows if not isinstance(r, dict)
        ]
    for name in ("diagnosed_by_other", "other_conditions", "touch_notes", "hopes"):
        if name in fields and fields[name] is not None:
            fields[name] = str(fields[name]).strip()
    Client.objects.select_for_update().filter(pk=client.pk).first()
    intake = Intake.objects.filter(client=client).first() or Intake(
        practice_id=client.practice_id, client=client, created_by=by
    )
    fields["submitted_at"] = timezone.now()
    fields["entered_at_desk"] = at_desk
    intake.client = client
    update(intake, fields, by=by)
    return intake


# --- the intake link -------------------------------------------------------------------------

_LINK_SALT = "headwise.clients.intake-link"


def intake_link_days() -> int:
    """How long an intake link stays valid, in days (``HEADWISE_INTAKE_LINK_DAYS``, default 7)."""
    return int(getattr(settings, "HEADWISE_INTAKE_LINK_DAYS", 7))


#: How long the form stays open after the link is used (without a password).
INTAKE_SESSION = dt.timedelta(hours=3)


def link_token(link: IntakeLink) -> str:
    """The secret in a link's URL: an HMAC of the link's id under the site's secret key.

    The database keeps only its SHA-256 (``token_hash``): a copy of the database alone opens
    no intake form, and a token changed by one character matches no link.
    """
    return salted_hmac(_LINK_SALT, f"{link.uuid}:{link.client_id}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def intake_link_create(*, client: Client, by: User) -> IntakeLink:
    """A new link for the client's intake; earlier unused links of the client stop working."""
    if not client.email:
        raise ValidationError({"email": _("The client has no e-mail address: add one to send the link.")})
    require_processing(client)
    now = timezone.now()
    IntakeLink.objects.filter(client=client, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    link = IntakeLink(
        practice_id=client.practice_id,
        client=client,
        sent_by=by,
        expires_at=now + dt.timedelta(days=intake_link_days()),
    )
    link.token_hash = token_hash(link_token(link))
    link.save()
    return link


@transaction.atomic
def intake_link_send(*, client: Client, by: User) -> IntakeLink:
    """Create a link and queue its e-mail (the task queue's row is written with the link, in one
    transaction; the immediate backend of the tests sends it at once)."""
    from headwise.clients.tasks import send_intake_link

    link = intake_link_create(client=client, by=by)
    send_intake_link.enqueue(str(link.uuid))
    return link


class LinkError(Exception):
    """Why a link does not open the form: ``unknown``, ``used``, ``expired`` or ``replaced``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def intake_link_check(token: str) -> IntakeLink:
    """The link the token opens, or :class:`LinkError`; changes nothing."""
    if not token or len(token) > 200:
        raise LinkError("unknown")
    link = (
        IntakeLink.objects.select_related("client", "client__user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or link.client.status != "active":
        raise LinkError("unknown")
    if link.used_at is not None:
        raise LinkError("used")
    if link.revoked_at is not None:
        raise LinkError("replaced")
    if link.expires_at <= timezone.now():
        raise LinkError("expired")
    return link


@transaction.atomic
def intake_link_use(token: str) -> IntakeLink:
    """Use the link once: from now on it opens nothing. :class:`LinkError` if it may not."""
    link = intake_link_check(token)
    locked = IntakeLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at is not None:
        raise LinkError("used")
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    link.used_at = locked.used_at
    return link


@transaction.atomic
def intake_link_set_password(*, token: str, password: str, language: str = "en") -> User:
    """Use the link to set the client's password (making their login if they have none).

    The password is checked by Django's validators (the field ``password``); nothing changes
    when it is refused or the link may not be used.
    """
    from django.contrib.auth.password_validation import validate_password

    link = intake_link_check(token)
    client = link.client
    user = client.user
    if user is None:
        if not client.email:
            raise ValidationError(
                {"password": _("The client has no e-mail address: add one to send the link.")}
            )
        if User.objects.filter(email__iexact=client.email).exists():
            raise ValidationError(
                {"password": _("This e-mail address already has a login: ask the practice to link it.")}
            )
        user = User(email=client.email.lower(), full_name=client.full_name, language=language)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    intake_link_use(token)
    user.set_password(password)
    user.save()
    if client.user_id is None:
        client.user = user
        client.save(update_fields=["user"])
    return user
