"""The client page as the practitioner's desk: what is known, and what needs doing.

Reads only (selectors of the apps); the front desk gets the non-clinical parts: no diary, no
session notes, no questionnaire answers, no numbers behind the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from headwise.accounts.access import may_read_session_notes
from headwise.care import selectors as care_selectors
from headwise.care import services as care_services
from headwise.care.explain import explain
from headwise.care.models import FLAG_AFTER_DUE, FollowUp, SessionRecord, SideEffect
from headwise.clients import selectors as client_selectors
from headwise.clients import services as client_services
from headwise.clients.consent_texts import INTAKE_KINDS
from headwise.clients.models import Client, Consent, ConsentKind
from headwise.outcomes.models import QuestionnaireResponse
from headwise.outcomes.services import questionnaires_pending
from headwise.practice.models import Membership


@dataclass(frozen=True)
class SessionRow:
    """A past session on the desk; its follow-up's answers only for clinicians."""

    session: SessionRecord
    url: str = ""
    effects: tuple[str, ...] = ()
    state: str = ""  # "passed", "flagged", "open", "unanswered", "none", "" (front desk)


def _session_rows(
    client: Client, *, clinical: bool, now: dt.datetime, membership: Membership | None = None
) -> list[SessionRow]:
    if not clinical:
        return [SessionRow(s) for s in care_selectors.sessions_happened(client=client)[:5]]
    labels = dict(SideEffect.choices)
    rows = []
    for s in care_selectors.sessions_of_client(client=client)[:5]:
        f = getattr(s, "follow_up", None)
        if f is None or (f.completed_at is None and f.due_at > now):
            state = "none"
        elif f.completed_at is None:
            state = "unanswered"
        elif f.is_flagged(now):
            state = "flagged"
        elif f.side_effects and f.passed_at is None:
            state = "open"
        else:
            state = "passed"
        effects = tuple(str(labels.get(e, e)) for e in (f.side_effects if f else []))
        # A record whose notes the practice keeps to its author is listed without its link.
        url = reverse("care:session_detail", args=[s.uuid]) if may_read_session_notes(membership, s) else ""
        rows.append(SessionRow(s, url, effects, state))
    return rows


@dataclass(frozen=True)
class Todo:
    text: str
    url: str = ""
    urgent: bool = False


def unsigned_consents(client: Client, standing: dict[str, Consent] | None = None) -> list[str]:
    """The consents care needs (treatment, data) that are not in force: never signed, refused
    or withdrawn; as their labels. ``standing``: the client's standing consents, when read."""
    if standing is None:
        standing = client_selectors.standing_consents(client=client)
    labels = dict(ConsentKind.choices)
    return [
        str(labels[kind])
        for kind in INTAKE_KINDS
        if not client_selectors.consent_in_force(standing.get(kind))
    ]


def _todos(client: Client, *, clinical: bool, context: dict[str, Any]) -> list[Todo]:
    todos: list[Todo] = []
    screening = context["screening"]
    screen_url = ""
    if clinical:
        screen_url = (
            reverse("screen:screening", args=[screening.uuid])
            if screening is not None
            else reverse("screen:screen", args=[client.uuid])
        )
    # The one rule booking and session records ask (an uncleared refer, an unacknowledged caution).
    blocker = client_services.treatment_blocker_after(screening, intake_only=True)
    if blocker is not None:
        todos.append(Todo(blocker, url=screen_url, urgent=True))
    due = context["screen_due"]
    if due is not None:
        todos.append(
            Todo(
                due.message, url=reverse("screen:screen", args=[client.uuid]) if clinical else "", urgent=True
            )
        )
    for label in context["unsigned"]:
        todos.append(Todo(_("Consent not in force: %(what)s.") % {"what": label}, url="#intake"))
    for follow_up in context["flagged_follow_ups"]:
        todos.append(
            Todo(
                _("Side effects after the session on %(day)s had not passed 48 hours after it.")
                % {"day": date_format(timezone.localtime(follow_up.session.started_at), "j M Y")},
                url=reverse("care:session_detail", args=[follow_up.session.uuid]),
                urgent=True,
            )
        )
    for follow_up in context["open_follow_ups"]:
        todos.append(
            Todo(
                _("Follow-up of the session on %(day)s is unanswered.")
                % {"day": date_format(timezone.localtime(follow_up.session.started_at), "j M Y")}
            )
        )
    plan = context["plan_state"]
    if plan is not None and plan.phase is not None and plan.upcoming is None and plan.plan.status == "active":
        todos.append(
            Todo(
                _("Next session due %(day)s; nothing booked.") % {"day": date_format(plan.next_on, "j M Y")},
                url=reverse("plan:plan", args=[client.uuid]) if clinical else "",
            )
        )
    if (
        clinical
        and plan is not None
        and plan.suggestion is not None
        and (plan.suggestion.changes_phase or plan.suggestion.earlier_by)
    ):
        todos.append(Todo(explain(plan.suggestion).headline, url=reverse("plan:plan", args=[client.uuid])))
    if clinical:
        for asked in context["pending"]:
            todos.append(
                Todo(
                    _("%(name)s sent on %(day)s, not answered yet.")
                    % {"name": asked.get_instrument_display(), "day": date_format(asked.created_at, "j M Y")}
                )
            )
    return todos


def desk(*, client: Client, membership: Membership) -> dict[str, Any]:
    """Everything the client page shows, by section; clinical sections only for clinicians.

    The latest screening is read once here and handed to what needs it (the screen's due
    date, the blocker, the page)."""
    clinical = membership.sees_clinical_records
    plan = care_selectors.active_plan(client=client)
    rules = care_services.cadence_rules_get(practice=client.practice)
    plan_state = care_selectors.plan_cadence(plan=plan, rules=rules) if plan is not None else None
    now = timezone.now()
    screening = client_selectors.latest_screening(client=client)
    standing = client_selectors.standing_consents(client=client)
    context: dict[str, Any] = {
        "screening": screening,
        "screen_due": client_selectors.screen_due_after(client=client, latest=screening),
        "screen_reasons": client_selectors.screening_reasons(screening=screening)
        if clinical and screening is not None
        else [],
        "unsigned": unsigned_consents(client, standing),
        "standing": standing,
        "intake": client_selectors.intake_of(client=client),
        "plan": plan,
        "plan_state": plan_state,
        "sessions": _session_rows(client, clinical=clinical, now=now, membership=membership),
        "open_follow_ups": FollowUp.objects.filter(
            session__client=client, completed_at__isnull=True, due_at__lte=now
        ).select_related("session"),
        "flagged_follow_ups": [
            f
            for f in FollowUp.objects.filter(
                session__client=client, passed_at__isnull=True, due_at__lte=now - FLAG_AFTER_DUE
            ).select_related("session")
            if f.is_flagged(now)
        ]
        if clinical
        else [],
        "pending": list(questionnaires_pending(client=client)) if clinical else [],
        "questionnaires": list(
            QuestionnaireResponse.objects.filter(client=client).order_by("-answered_on", "-created_at")[:10]
        )
        if clinical
        else [],
    }
    context["todos"] = _todos(client, clinical=clinical, context=context)
    return context
