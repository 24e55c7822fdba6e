"""The client page as the practitioner's desk: what is known, and what needs doing.

Reads only (selectors of the apps); the front desk gets the non-clinical parts: no diary, no
session notes, no questionnaire answers, no numbers behind the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from headwise.care import selectors as care_selectors
from headwise.care import services as care_services
from headwise.care.explain import explain
from headwise.care.models import FollowUp, SessionRecord
from headwise.clients import selectors as client_selectors
from headwise.clients import services as client_services
from headwise.clients.consent_texts import INTAKE_KINDS
from headwise.clients.models import Client, ConsentKind
from headwise.outcomes.models import QuestionnaireResponse
from headwise.outcomes.services import questionnaires_pending
from headwise.practice.models import Membership


@dataclass(frozen=True)
class Todo:
    text: str
    url: str = ""
    urgent: bool = False


def unsigned_consents(client: Client) -> list[str]:
    """The consents care needs (treatment, data) that are not in force: never signed, refused
    or withdrawn; as their labels."""
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
    blocker = client_services.treatment_blocker(client=client, intake_only=True)
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
    """Everything the client page shows, by section; clinical sections only for clinicians."""
    clinical = membership.sees_clinical_records
    plan = care_selectors.active_plan(client=client)
    rules = care_services.cadence_rules_get(practice=client.practice)
    plan_state = care_selectors.plan_cadence(plan=plan, rules=rules) if plan is not None else None
    now = timezone.now()
    screening = client_selectors.latest_screening(client=client)
    context: dict[str, Any] = {
        "screening": screening,
        "screen_due": client_selectors.screen_due(client=client),
        "screen_reasons": client_selectors.screening_reasons(screening=screening)
        if clinical and screening is not None
        else [],
        "unsigned": unsigned_consents(client),
        "intake": client_selectors.intake_of(client=client),
        "plan": plan,
        "plan_state": plan_state,
        "sessions": SessionRecord.objects.filter(client=client)
        .select_related("practitioner", "follow_up")
        .order_by("-started_at")[:5],
        "open_follow_ups": FollowUp.objects.filter(
            session__client=client, completed_at__isnull=True, due_at__lte=now
        ).select_related("session"),
        "pending": list(questionnaires_pending(client=client)) if clinical else [],
        "questionnaires": list(
            QuestionnaireResponse.objects.filter(client=client).order_by("-answered_on", "-created_at")[:10]
        )
        if clinical
        else [],
    }
    context["todos"] = _todos(client, clinical=clinical, context=context)
    return context
