"""Questionnaire results over the JSON API: clinicians and the client themself."""

# No ``from __future__ import annotations`` in this module: django-ninja's ``@paginate`` (``paged``)
# evaluates a view's annotations in its own module, where string annotations fail
# (vitalik/django-ninja#1424).

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from headwise.common.api_access import (
    clinical_reader_for,
    get_clinical_or_own,
    own_client_of,
    paged,
    responses,
    user_of,
)
from headwise.outcomes import services
from headwise.outcomes.models import Instrument, QuestionnaireResponse
from headwise.outcomes.schemas import QuestionnaireIn, QuestionnaireOut

router = Router(tags=["outcomes"])

_RESPONSES = QuestionnaireResponse.objects.select_related("client")


@router.get(
    "/clients/{client_id}/questionnaires",
    response=responses(list[QuestionnaireOut]),
    summary="A client's questionnaire results",
)
@paged
def questionnaires_list(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[QuestionnaireResponse]:
    client = clinical_reader_for(request, client_id)
    return _RESPONSES.filter(client=client).order_by("-answered_on", "-created_at")


@router.post(
    "/clients/{client_id}/questionnaires",
    response={**responses(QuestionnaireOut), 201: QuestionnaireOut},
    summary="Record a questionnaire; the score is computed (a repeated request_id answers 200)",
)
def questionnaire_record(
    request: HttpRequest, client_id: uuid.UUID, payload: QuestionnaireIn
) -> Status[QuestionnaireResponse]:
    client = clinical_reader_for(request, client_id)
    if own_client_of(request) is not None and payload.instrument == Instrument.HIT6:
        raise PermissionDenied  # HIT-6 is licensed: the practice enters its total
    response, created = services.questionnaire_record(client=client, by=user_of(request), **payload.dict())
    return Status(201 if created else 200, response)


@router.get(
    "/questionnaires/{questionnaire_id}",
    response=responses(QuestionnaireOut),
    summary="One questionnaire result",
)
def questionnaire_read(request: HttpRequest, questionnaire_id: uuid.UUID) -> QuestionnaireResponse:
    return get_clinical_or_own(request, _RESPONSES, questionnaire_id)
