"""``{% intake_card client membership %}``: the intake and consent card of the client page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from headwise.clients import selectors
from headwise.clients.consent_texts import INTAKE_KINDS
from headwise.clients.models import Client, Consent, ConsentKind, Intake, IntakeLink
from headwise.practice.models import Membership

register = template.Library()


#: ``intake`` not given (None is "no intake").
_UNREAD: Any = object()


@register.inclusion_tag("clients/_client_intake_card.html")
def intake_card(
    client: Client,
    membership: Membership | None,
    intake: Intake | None = _UNREAD,
    standing: dict[str, Consent] | None = None,
) -> dict[str, Any]:
    """The card; ``intake`` and ``standing`` (the standing consents) when the page read them."""
    if intake is _UNREAD:
        intake = selectors.intake_of(client=client)
    if standing is None:
        standing = selectors.standing_consents(client=client)
    link = IntakeLink.objects.filter(client=client).order_by("-created_at").first()
    if link is not None:
        link.expired = link.expires_at <= timezone.now()  # type: ignore[attr-defined]
    labels = dict(ConsentKind.choices)
    return {
        "client": client,
        "intake": intake,
        "hidden": selectors.intake_hidden_from(membership, intake),
        "link": link,
        "consents": [
            {
                "label": labels[kind],
                "consent": standing.get(kind),
                "in_force": selectors.consent_in_force(standing.get(kind)),
            }
            for kind in INTAKE_KINDS
        ],
    }
