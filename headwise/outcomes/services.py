"""Writes of questionnaire results. Scores come from the pure functions of headwise.clinical."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.accounts.models import User
from headwise.clients.models import Client
from headwise.clients.selectors import may_process
from headwise.common.services import create_once
from headwise.diary.localtime import client_today
from headwise.outcomes.models import (
    CLIENT_INSTRUMENTS,
    Instrument,
    QuestionnaireRequest,
    QuestionnaireResponse,
)

_ONLY: dict[str, set[str]] = {
    Instrument.MIDAS: {"items", "headache_days", "average_pain"},
    Instrument.PHQ4: {"items"},
    Instrument.HIT6: {"total"},
}


def _score(instrument: str, given: dict[str, Any]) -> tuple[int, str]:
    if instrument == Instrument.MIDAS:
        midas = clinical.score_midas(
            given.get("items") or [],
            headache_days=given.get("headache_days"),
            average_pain=given.get("average_pain"),
        )
        return midas.total, midas.grade
    if instrument == Instrument.PHQ4:
        phq = clinical.score_phq4(given.get("items") or [])
        return phq.total, phq.band
    hit6 = clinical.band_hit6(given.get("total"))  # type: ignore[arg-type]
    return hit6.total, hit6.band


def _field_of(error: clinical.AnalysisError) -> str:
    """``midas.items[1]`` names the API field ``items[1]``."""
    return error.field.split(".", 1)[1] if "." in error.field else error.field


@transaction.atomic
def questionnaire_record(
    *,
    client: Client,
    by: User,
    instrument: str,
    answered_on: dt.date | None = None,
    request_id: uuid.UUID | None = None,
    **answers: Any,
) -> tuple[QuestionnaireResponse, bool]:
    """Score and keep one questionnaire; fields that do not belong to the instrument are refused.

    A repeated ``request_id`` returns the first response, ``created`` False.
    """
    given = {name: value for name, value in answers.items() if value is not None}
    allowed = _ONLY.get(instrument, set())
    for name in sorted(set(given) - allowed):
        raise ValidationError({name: _("Not part of %(instrument)s.") % {"instrument": instrument}})
    today = client_today(client)
    answered_on = answered_on or today
    if answered_on > today:
        raise ValidationError({"answered_on": _("A questionnaire cannot be answered in the future.")})
    try:
        total, band = _score(instrument, given)
    except clinical.AnalysisError as exc:
        raise ValidationError({_field_of(exc): exc.reason}) from exc

    def create() -> QuestionnaireResponse:
        response = QuestionnaireResponse(
            practice_id=client.practice_id,
            client=client,
            instrument=instrument,
            answered_on=answered_on,
            items={k: v for k, v in given.items() if k != "total"},
            total=total,
            band=band,
            request_id=request_id,
            created_by=by,
            updated_by=by,
        )
        response.full_clean(exclude=["request_id"], validate_constraints=False)
        response.save()
        return response

    return create_once(QuestionnaireResponse.objects.filter(client=client), request_id, create)


@transaction.atomic
def questionnaire_send(*, client: Client, by: User, instrument: str) -> QuestionnaireRequest:
    """Ask the client to fill in a questionnaire from their own page (one open request per kind)."""
    if instrument not in CLIENT_INSTRUMENTS:
        raise ValidationError({"instrument": _("Only the PHQ-4 can be sent to a client to fill in.")})
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).first()
    if not may_process(client=client):
        raise ValidationError({"instrument": _("The client has withdrawn consent to data processing.")})
    if client.user_id is None:
        raise ValidationError({"instrument": _("The client has no login to fill it in with.")})
    if questionnaires_pending(client=client).filter(instrument=instrument).exists():
        raise ValidationError({"instrument": _("This questionnaire is already waiting for the client.")})
    request = QuestionnaireRequest(
        practice_id=client.practice_id, client=client, instrument=instrument, created_by=by, updated_by=by
    )
    request.full_clean()
    request.save()
    return request


def questionnaires_pending(*, client: Client) -> QuerySet[QuestionnaireRequest]:
    return QuestionnaireRequest.objects.filter(
        client=client, response__isnull=True, withdrawn_at__isnull=True
    )


@transaction.atomic
def questionnaire_answer(
    *, request: QuestionnaireRequest, by: User, items: list[int]
) -> QuestionnaireResponse:
    """The client's answers to a questionnaire sent to them, scored by the engine."""
    request = (
        QuestionnaireRequest.objects.select_for_update(no_key=True)
        .select_related("client")
        .get(pk=request.pk)
    )
    if request.response_id is not None or request.withdrawn_at is not None:
        raise ValidationError({"items": _("This questionnaire has already been answered.")})
    response, _created = questionnaire_record(
        client=request.client, by=by, instrument=request.instrument, items=items
    )
    request.response = response
    request.updated_by = by
    request.save(update_fields=["response", "updated_by", "updated_at"])
    return response
