"""Writes of client records. The only place that creates or changes a client."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
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
from headwise.clients import consent_texts, selectors
from headwise.clients.intake import injury_rows, medication_rows
from headwise.clients.models import (
    Client,
    Consent,
    ConsentKind,
    ConsentText,
    DisabledSafetyRule,
    Intake,
    IntakeLink,
    PracticeSafetyRule,
    RuleChange,
    RuleEffect,
    SafetyRuleLogEntry,
    SafetyScreening,
    ScreeningAcknowledgement,
    ScreeningOutcome,
)
from headwise.clients.selectors import may_process
from headwise.common.limits import NOTES
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
    Practice.objects.select_for_update(no_key=True).filter(pk=practice.pk).first()
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
            Practice.objects.select_for_update(no_key=True).filter(pk=practice.pk).first()
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
    prefix = "builtin-" if not rules.disabled and not rules.added else "practice-"
    return prefix + hashlib.sha256(table.encode()).hexdigest()[:12]


def _refusal(exc: clinical.AnalysisError) -> ValidationError:
    return ValidationError({exc.field: exc.reason})


@transaction.atomic
def screening_record(
    *,
    client: Client,
    by: User,
    answers: dict[str, str],
    screened_at: dt.datetime | None = None,
    notes: str = "",
) -> SafetyScreening:
    """Record a safety screen; the outcome and reasons come from ``headwise.clinical``.

    The rules are the practice's (:func:`~headwise.clients.selectors.safety_rules`); the
    intake's head-injury dates are judged on the client's today; reasons are stored as rule
    ids, answers, effects and parameters, never as words.
    """
    from headwise.diary.localtime import client_today

    rules = selectors.safety_rules(practice=client.practice)
    known = {r.id for r in rules.active}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError({f"answers.{unknown[0]}": _("No safety rule in use has this id.")})
    if len(notes) > NOTES:
        raise ValidationError({"notes": _("At most %(n)s characters.") % {"n": NOTES}})
    intake = selectors.intake_screen_facts(client=client)
    parameters = replace(clinical.DEFAULT_PARAMETERS, red_flag_onset_age=client.practice.red_flag_onset_age)
    try:
        result = clinical.evaluate_safety(
            answers,
            age_at_onset=client.age_at_onset,
            rules=rules,
            parameters=parameters,
            head_injuries=intake.head_injuries,
            today=client_today(client),
        )
    except clinical.AnalysisError as exc:
        raise _refusal(exc) from exc
    screening = SafetyScreening(
        practice_id=client.practice_id,
        client=client,
        screened_at=screened_at or timezone.now(),
        answers=dict(answers),
        outcome=result.outcome.value,
        reasons=[
            {"rule_id": r.rule_id, "answer": r.answer, "effect": r.effect.value, "params": dict(r.params)}
            for r in result.reasons
        ],
        rules_version=rules_version(rules),
        disabled_rules=list(result.disabled),
        intake_hash=intake.content_hash,
        notes=notes,
        created_by=by,
        updated_by=by,
    )
    screening.full_clean()
    screening.save()
    return screening


def _reason_ids(screening: SafetyScreening) -> list[str]:
    return [str(r["rule_id"]) for r in screening.reasons]


@transaction.atomic
def screening_acknowledge(*, screening: SafetyScreening, by: User, rule_id: str) -> SafetyScreening:
    """A practitioner or owner has read one named risk of a caution and will adapt the care.

    Each reason of a *caution* is acknowledged on its own, with who and when; once every one
    is, the screening counts as acknowledged (``acknowledged_by``/``_at``: the last of them).
    """
    screening = SafetyScreening.objects.select_for_update(no_key=True).get(pk=screening.pk)
    if screening.outcome != ScreeningOutcome.CAUTION:
        raise ValidationError({"outcome": _("Only a screening with the outcome caution is acknowledged.")})
    if rule_id not in _reason_ids(screening):
        raise ValidationError({"rule_id": _("This screening names no such risk.")})
    if screening.acknowledgements.filter(rule_id=rule_id).exists():
        raise ValidationError({"rule_id": _("This risk was already acknowledged.")})
    now = timezone.now()
    ScreeningAcknowledgement.objects.create(
        practice_id=screening.practice_id,
        screening=screening,
        rule_id=rule_id,
        acknowledged_by=by,
        acknowledged_at=now,
    )
    done = set(screening.acknowledgements.values_list("rule_id", flat=True))
    fields = ["updated_by", "updated_at"]
    if done >= set(_reason_ids(screening)):
        screening.acknowledged_by = by
        screening.acknowledged_at = now
        fields += ["acknowledged_by", "acknowledged_at"]
    screening.updated_by = by
    screening.save(update_fields=fields)
    return screening


@transaction.atomic
def screening_clear(
    *,
    screening: SafetyScreening,
    by: User,
    clinician: str,
    cleared_on: dt.date | None,
    document: str,
    notes: str = "",
) -> SafetyScreening:
    """Record a clinician's clearance of a referred client: who, on which day, in what document.

    Booking and session records open again for this screening.
    """
    from headwise.diary.localtime import client_today

    screening = (
        SafetyScreening.objects.select_for_update(no_key=True).select_related("client").get(pk=screening.pk)
    )
    if screening.outcome != ScreeningOutcome.REFER:
        raise ValidationError({"outcome": _("Only a screening with the outcome refer needs a clearance.")})
    if screening.cleared_at is not None:
        raise ValidationError({"cleared_at": _("This referral was already cleared.")})
    errors: dict[str, str] = {}
    if not clinician.strip():
        errors["clinician"] = _("Say which clinician cleared the client.")
    if not document.strip():
        errors["document"] = _("Say what document the clearance is in.")
    if cleared_on is None:
        errors["cleared_on"] = _("Give the date of the clearance.")
    elif cleared_on > client_today(screening.client):
        errors["cleared_on"] = _("A clearance cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    screening.clearance_clinician = clinician.strip()
    screening.clearance_on = cleared_on
    screening.clearance_document = document.strip()
    screening.clinician_clearance = notes.strip()
    screening.cleared_by = by
    screening.cleared_at = timezone.now()
    screening.updated_by = by
    # The answers may be an empty mapping (every rule unknown), which full_clean calls blank.
    screening.full_clean(exclude=["answers", "reasons"])
    screening.save(
        update_fields=[
            "clearance_clinician",
            "clearance_on",
            "clearance_document",
            "clinician_clearance",
            "cleared_by",
            "cleared_at",
            "updated_by",
            "updated_at",
        ]
    )
    return screening


def screening_blocker(screening: SafetyScreening | None) -> str | None:
    """Why treatment is blocked by this (latest) screening, or None if it may go ahead."""
    if screening is None:
        return None
    if screening.outcome == ScreeningOutcome.REFER and screening.cleared_at is None:
        return _("The latest safety screening says refer: no CST until a clinician's clearance is recorded.")
    if screening.outcome == ScreeningOutcome.CAUTION and screening.acknowledged_at is None:
        return _("The latest safety screening says caution: a practitioner must acknowledge each risk first.")
    return None


def treatment_blocker(*, client: Client, intake_only: bool = False) -> str | None:
    """The one rule for whether a client may be booked for, or given, CST; None if so.

    Booking (``headwise.care.services.appointment_book``) and session records
    (``session_record_create``) both ask it, and so every page and API route that reaches
    them. No screening on record blocks everything but an intake appointment; an uncleared
    *refer* or an unacknowledged *caution* blocks everything.
    """
    return treatment_blocker_after(selectors.latest_screening(client=client), intake_only=intake_only)


def treatment_blocker_after(screening: SafetyScreening | None, *, intake_only: bool = False) -> str | None:
    """:func:`treatment_blocker` with the client's latest screening already read (or None when
    there is none), for a page that shows the screening too and so reads it once."""
    if screening is None and not intake_only:
        return _("No safety screening on record: book an intake, or record the screening first.")
    return screening_blocker(screening)


def shown_blocker(*, client: Client, form: Any | None) -> str | None:
    """:func:`treatment_blocker`, for a page to say above its booking or session form before
    anything is filled in; None once the form's own errors already say it (a refused POST)."""
    blocker = treatment_blocker(client=client)
    if blocker is None or form is None:
        return blocker
    return None if blocker in [str(e) for e in form.non_field_errors()] else blocker


# --- the practice's rules -----------------------------------------------------------------


def _log(
    *, practice: Practice, by: User, action: str, rule_id: str, question: str = "", effect: str = ""
) -> None:
    SafetyRuleLogEntry.objects.create(
        practice=practice,
        at=timezone.now(),
        by=by,
        action=action,
        rule_id=rule_id,
        question=question,
        effect=effect,
    )


@transaction.atomic
def safety_rule_switch(*, practice: Practice, by: User, rule_id: str, enabled: bool) -> None:
    """Switch a built-in rule off or on again; logged. Built-in rules are never edited."""
    Practice.objects.select_for_update(no_key=True).filter(pk=practice.pk).first()
    if rule_id not in {r.id for r in clinical.SAFETY_RULES}:
        raise ValidationError({"rule_id": _("No built-in rule has this id.")})
    scope = DisabledSafetyRule.objects.for_practice(practice).filter(rule_id=rule_id)
    if enabled == (not scope.exists()):
        state = _("on") if enabled else _("off")
        raise ValidationError({"rule_id": _("This rule is already switched %(state)s.") % {"state": state}})
    if enabled:
        scope.delete()
    else:
        DisabledSafetyRule.objects.create(practice=practice, rule_id=rule_id)
    action = RuleChange.ENABLED if enabled else RuleChange.DISABLED
    _log(practice=practice, by=by, action=action, rule_id=rule_id)


def rule_id_problem() -> str:
    return _("Start with practice. and use 2 to 60 lower-case letters, digits or _ (e.g. practice.whiplash).")


RULE_ID = re.compile(r"^practice\.[a-z0-9_]{2,60}$")


@transaction.atomic
def practice_rule_add(
    *, practice: Practice, by: User, rule_id: str, question: str, effect: str
) -> PracticeSafetyRule:
    """Add the practice's own screening question (id ``practice.…``); logged."""
    Practice.objects.select_for_update(no_key=True).filter(pk=practice.pk).first()
    errors: dict[str, str] = {}
    if not RULE_ID.match(rule_id):
        errors["rule_id"] = rule_id_problem()
    elif PracticeSafetyRule.objects.for_practice(practice).filter(rule_id=rule_id).exists():
        errors["rule_id"] = _("This practice already has a rule with this id.")
    if not question.strip():
        errors["question"] = _("Write the question to ask.")
    if effect not in RuleEffect.values:
        errors["effect"] = _("Choose refer, defer or caution.")
    if errors:
        raise ValidationError(errors)
    rule = PracticeSafetyRule(
        practice=practice, rule_id=rule_id, question=question.strip(), effect=effect, created_by=by
    )
    rule.full_clean()
    rule.save()
    _log(
        practice=practice,
        by=by,
        action=RuleChange.ADDED,
        rule_id=rule_id,
        question=rule.question,
        effect=effect,
    )
    return rule


@transaction.atomic
def practice_rule_retire(*, rule: PracticeSafetyRule, by: User) -> PracticeSafetyRule:
    """Take a practice's own rule out of use (kept, so old screenings still name it); logged."""
    if not rule.is_active:
        raise ValidationError({"rule_id": _("This rule is already out of use.")})
    rule.is_active = False
    rule.save(update_fields=["is_active"])
    _log(
        practice=rule.practice,
        by=by,
        action=RuleChange.RETIRED,
        rule_id=rule.rule_id,
        question=rule.question,
        effect=rule.effect,
    )
    return rule


@transaction.atomic
def screen_settings_update(*, practice: Practice, by: User, rescreen_after_months: int | None) -> Practice:
    """Change after how many months without care a client is screened again; logged."""
    practice = Practice.objects.select_for_update(no_key=True).get(pk=practice.pk)
    old = practice.rescreen_after_months
    if rescreen_after_months is None:
        raise ValidationError({"rescreen_after_months": _("Give a number of months.")})
    practice.rescreen_after_months = rescreen_after_months
    practice.full_clean()
    if old != rescreen_after_months:
        practice.save(update_fields=["rescreen_after_months"])
        _log(
            practice=practice,
            by=by,
            action=RuleChange.SETTING,
            rule_id="rescreen_after_months",
            question=f"{old} → {rescreen_after_months}",
        )
    return practice


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
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).first()
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
    locked = IntakeLink.objects.select_for_update(no_key=True).get(pk=link.pk)
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
