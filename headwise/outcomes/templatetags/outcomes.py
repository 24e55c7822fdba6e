from __future__ import annotations

from django import template

from headwise.clients.models import Client
from headwise.outcomes.labels import band_label
from headwise.outcomes.models import QuestionnaireRequest
from headwise.outcomes.services import questionnaires_pending

register = template.Library()


@register.simple_tag
def pending_questionnaires(client: Client) -> list[QuestionnaireRequest]:
    return list(questionnaires_pending(client=client).order_by("created_at"))


@register.filter
def band(response: object) -> str:
    return band_label(getattr(response, "instrument", ""), getattr(response, "band", ""))
