"""Reads of client records, always within one practice."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import uuid
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from headwise import clinical
from headwise.clients import texts
from headwise.clients.models import (
    Client,
    ClientStatus,
    Consent,
    ConsentKind,
    DisabledSafetyRule,
    Intake,
    PracticeSafetyRule,
    SafetyRuleLogEntry,
    SafetyScreening,
)
from headwise.common.compiled import CompiledExists
from headwise.practice.models import Location, Membership, Practice, Practitioner

if TYPE_CHECKING:
    from headwise.accounts.models import User


def client_get(*, practice: Practice, client_id: uuid.UUID) -> Client:
    """The practice's client with that UUID, or 404 (also for another practice's client)."""
    client = get_object_or_404(
        Client.objects.for_practice(practice).select_related("assigned_practitioner"),
        uuid=client_id,
    )
    client.practice = practice  # the row it was filtered by: not read a second time
    return client


def clients_of(*, practice: Practice) -> QuerySet[Client]:
    """Every client record of the practice, archived ones too (what a client-list link may name)."""
    return Client.objects.for_practice(practice)


def clients_search(
    *, practice: Practice, query: str = "", include_archived: bool = False
) -> QuerySet[Client]:
    clients = Client.objects.for_practice(practice).select_related("assigned_practitioner")
    if not include_archived:
        clients = clients.filter(status=ClientStatus.ACTIVE)
    # A NUL can be in no stored name (PostgreSQL refuses it in text, so a search holding one was
    # a 500): it is taken out of the words, as the whitespace between them is.
    for word in query.replace("\x00", " ").split():
        clients = clients.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(email__icontains=word)
        )
    # The primary key last: a stable order, so that pages of the list neither repeat nor skip.
    return clients.order_by("family_name", "given_name", "pk")


def latest_screening(*, client: Client) -> SafetyScreening | None:
    screening = SafetyScreening.objects.filter(client=client).order_by("-screened_at", "-pk").first()
    if screening is not None:
        screening.client = client  # the instance it was filtered by: not read a second time
    return screening


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
    return _may_process(client.pk)


#: :func:`may_process` is asked on every diary write (by the pages' middleware and again by the
#: service): the ORM builds its SQL once (``processing_allowed`` of one client stays the rule).
_may_process = CompiledExists(lambda pk: processing_allowed(Client.objects.filter(pk=pk)))


def consents_of(*, client: Client) -> list[Consent]:
    """The client's consents, latest first, with the text each answered."""
    return list(
        Consent.objects.filter(client=client)
        .select_related("text", "witnessed_by", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


# --- the safety screen --------------------------------------------------------------------


def safety_rules(*, practice: Practice) -> clinical.RuleSet:
    """The practice's rule table: the built-in rules minus those it switched off, plus its own."""
    disabled = DisabledSafetyRule.objects.for_practice(practice).values_list("rule_id", flat=True)
    own = PracticeSafetyRule.objects.for_practice(practice).filter(is_active=True).order_by("rule_id")
    return clinical.builtin_rules().without(disabled).with_added(*(_as_rule(r) for r in own))


def _as_rule(row: PracticeSafetyRule) -> clinical.SafetyRule:
    return clinical.SafetyRule(
        id=row.rule_id,
        question=row.question,
        kind=clinical.RuleKind.CONTRAINDICATION,
        effect=clinical.Effect(row.effect),
        source=f"{row.practice.name}",
        evidence="practice rule",
    )


def practice_rules(*, practice: Practice) -> QuerySet[PracticeSafetyRule]:
    """Every rule the practice added, in use or retired (old screenings still name them)."""
    return PracticeSafetyRule.objects.for_practice(practice).select_related("practice").order_by("rule_id")


def practice_questions(*, practice: Practice) -> dict[str, str]:
    return {r.rule_id: r.question for r in practice_rules(practice=practice)}


def rule_log(*, practice: Practice) -> QuerySet[SafetyRuleLogEntry]:
    return SafetyRuleLogEntry.objects.for_practice(practice).select_related("by").order_by("-at", "-pk")


@dataclass(frozen=True, slots=True)
class ScreenFacts:
    """What the screen takes from the intake: answers, head injuries and a fingerprint.

    ``injuries``: (date, doctor_seen, what) from the intake, and the client record's most
    recent head injury (what and doctor unknown); ``head_injuries``: their dates.
    """

    answers: dict[str, str]
    injuries: list[tuple[dt.date, bool | None, str]]
    submitted_at: dt.datetime | None
    content_hash: str

    @property
    def head_injuries(self) -> list[dt.date]:
        return sorted({day for day, _seen, _what in self.injuries})


def intake_screen_facts(*, client: Client) -> ScreenFacts:
    """The intake's answers to the screen's questions and the head injuries it dates.

    The submitted intake (:func:`intake_for_screen`) gives the answers and the injuries; the
    client record adds its most recent head injury and the age at onset. The fingerprint covers
    everything the screen reads, so a changed intake asks for a new screen (:func:`screen_due`).
    """
    intake = intake_for_screen(client=client)
    injuries: list[tuple[dt.date, bool | None, str]] = list(intake.head_injuries) if intake else []
    on_record = client.recent_head_injury_on
    if on_record is not None and on_record not in {day for day, _seen, _what in injuries}:
        injuries.append((on_record, None, ""))
    facts = {
        "intake": intake.content_hash if intake else "",
        "recent_head_injury_on": on_record.isoformat() if on_record else None,
        "age_at_onset": client.age_at_onset,
    }
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()
    return ScreenFacts(
        answers=dict(intake.answers) if intake else {},
        injuries=sorted(injuries, key=lambda row: row[0]),
        submitted_at=intake.submitted_at if intake else None,
        content_hash=digest,
    )


@dataclass(frozen=True, slots=True)
class ScreenDue:
    """A new screen is needed: why (``never``, ``intake_changed``, ``gap``) and in words."""

    reason: str
    message: str


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def screen_due(*, client: Client) -> ScreenDue | None:
    """Whether the client should be screened (again) before CST, and why; None if not.

    Due when there is no screening; when the intake changed since the latest screen (its
    fingerprint differs); or when the client comes back after a gap: neither a session nor a
    screen for ``practice.rescreen_after_months`` months (default 6), judged on the client's
    own calendar days.
    """
    return screen_due_after(client=client, latest=latest_screening(client=client))


def screen_due_after(*, client: Client, latest: SafetyScreening | None) -> ScreenDue | None:
    """:func:`screen_due` with the client's latest screening already read (``latest``, or None
    when there is none), for a page that shows it too and so reads it once."""
    from headwise.care.models import SessionRecord
    from headwise.diary.localtime import client_today

    if latest is None:
        return ScreenDue("never", _("No safety screening on record: screen before any CST."))
    if latest.intake_hash and latest.intake_hash != intake_screen_facts(client=client).content_hash:
        return ScreenDue("intake_changed", _("The intake changed after the latest screen: screen again."))
    last_session = (
        SessionRecord.objects.filter(client=client)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
    ).first()
    last_care = max(filter(None, [latest.screened_at, last_session]))
    zone = zoneinfo.ZoneInfo(client.time_zone)
    months = client.practice.rescreen_after_months
    if last_care.astimezone(zone).date() <= _months_before(client_today(client), months):
        return ScreenDue(
            "gap",
            ngettext(
                "No session or screen for %(months)s month: screen again before the plan restarts.",
                "No session or screen for %(months)s months: screen again before the plan restarts.",
                months,
            )
            % {"months": months},
        )
    return None


@dataclass(frozen=True, slots=True)
class ScreenReason:
    """A stored reason in words, with its acknowledgement (for a caution) if given."""

    words: texts.ReasonView
    acknowledged_by: str
    acknowledged_at: dt.datetime | None


def screening_reasons(*, screening: SafetyScreening) -> list[ScreenReason]:
    """The screening's reasons in the reader's language, each with who acknowledged it, when."""
    acks = {a.rule_id: a for a in screening.acknowledgements.select_related("acknowledged_by")}
    questions = practice_questions(practice=screening.client.practice)
    rows = []
    # A caution acknowledged as a whole (before risks were acknowledged one by one) counts
    # for each of its reasons.
    whole = screening.acknowledged_by if screening.acknowledged_at is not None else None
    for reason in screening.reasons:
        ack = acks.get(str(reason["rule_id"]))
        by = ack.acknowledged_by if ack is not None else whole
        rows.append(
            ScreenReason(
                words=texts.describe(reason, questions=questions),
                acknowledged_by=str(by) if by is not None else "",
                acknowledged_at=ack.acknowledged_at if ack is not None else screening.acknowledged_at,
            )
        )
    return rows


def screenings_of(*, client: Client) -> QuerySet[SafetyScreening]:
    return (
        SafetyScreening.objects.filter(client=client)
        .select_related("acknowledged_by", "cleared_by", "created_by")
        .order_by("-screened_at")
    )


@dataclass(frozen=True, slots=True)
class ReferralLetter:
    """What a referral letter to the client's physician says, gathered in one read."""

    screening: SafetyScreening
    client: Client
    practice: Practice
    location: Location | None
    practitioner: Practitioner | None
    findings: list[ScreenReason]
    language: str
    written_on: dt.date


def letter_language(*, client: Client, fallback: str) -> str:
    """The client's language (their login's), else ``fallback`` (the reader's)."""
    user = client.user
    return user.language if user is not None and user.language else fallback


def referral_letter(*, screening: SafetyScreening, author: User, language: str) -> ReferralLetter:
    """The letterhead (practice, location, practitioner) and the findings of a referral.

    The practitioner is the author if they treat, else the client's own practitioner; the
    location is that of the client's latest appointment, else the practitioner's first, else
    the practice's first active one.
    """
    from headwise.care.models import Appointment
    from headwise.diary.localtime import client_today

    client = screening.client
    practice = client.practice
    practitioner = Practitioner.objects.filter(membership__user=author, practice=practice).first()
    practitioner = practitioner or client.assigned_practitioner
    appointment = (
        Appointment.objects.filter(client=client).select_related("location").order_by("-starts_at").first()
    )
    location = appointment.location if appointment is not None else None
    if location is None and practitioner is not None:
        location = practitioner.locations.filter(is_active=True).order_by("name").first()
    if location is None:
        location = Location.objects.for_practice(practice).filter(is_active=True).order_by("name").first()
    return ReferralLetter(
        screening=screening,
        client=client,
        practice=practice,
        location=location,
        practitioner=practitioner,
        findings=screening_reasons(screening=screening),
        language=language,
        written_on=client_today(client),
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
