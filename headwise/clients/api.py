"""Client records, consent and the safety screen over the JSON API."""

# No ``from __future__ import annotations`` in this module: django-ninja's ``@paginate`` (``paged``)
# evaluates a view's annotations in its own module, where string annotations fail
# (vitalik/django-ninja#1424).

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from ninja.responses import Status

from headwise import clinical
from headwise.clients import selectors, services
from headwise.clients.consent_texts import INTAKE_KINDS
from headwise.clients.models import Client, Consent, ConsentText, Intake, SafetyScreening
from headwise.clients.schemas import (
    AcknowledgeIn,
    ClearanceIn,
    ClientIn,
    ClientIntakeIn,
    ClientIntakeOut,
    ClientOut,
    ClientPatch,
    ConsentIn,
    ConsentOut,
    ConsentSignIn,
    ConsentTextIn,
    ConsentTextOut,
    ConsentTextsQuery,
    SafetyRuleOut,
    ScreenDueOut,
    ScreeningIn,
    ScreeningOut,
)
from headwise.common.api_access import (
    client_for,
    clinical_client_for,
    clinical_reader_for,
    get_clinical,
    get_visible,
    membership_of,
    owner_or_403,
    paged,
    pick,
    pick_one,
    practice_of,
    responses,
    staff_or_404,
    user_of,
    writable_by_client,
)
from headwise.common.schemas import QueryIn
from headwise.practice.models import Practitioner

router = Router(tags=["clients"])


class ClientFilter(QueryIn):
    q: str = NinjaField("", max_length=200, description="Words to find in the name or e-mail")
    include_archived: bool = NinjaField(False, description="Also list archived clients")


def _client_fields(request: HttpRequest, payload: Schema) -> dict[str, Any]:
    """Flatten a client body, resolving the practitioner id and guarding the clinical part."""
    fields = payload.dict(exclude_unset=True)
    intake = fields.pop("intake", None)
    if intake:
        if not membership_of(request).sees_clinical_records:  # type: ignore[union-attr]
            raise PermissionDenied
        fields.update(intake)
    if "assigned_practitioner_id" in fields:
        scope = Practitioner.objects.for_practice(practice_of(request))
        fields["assigned_practitioner"] = pick(
            scope,
            field="assigned_practitioner_id",
            record_id=fields.pop("assigned_practitioner_id"),
            what="practitioner",
        )
    return fields


@router.get("/clients", response=responses(list[ClientOut]), summary="Find clients of my practice")
@paged
def clients_list(request: HttpRequest, filters: Query[ClientFilter]) -> QuerySet[Client]:
    practice = practice_of(request)
    return selectors.clients_search(
        practice=practice, query=filters.q, include_archived=filters.include_archived
    )


@router.post("/clients", response=responses(ClientOut, 201), summary="Register a client")
def client_create(request: HttpRequest, payload: ClientIn) -> Status[Client]:
    membership = staff_or_404(request)
    fields = _client_fields(request, payload)
    return Status(201, services.client_create(practice=membership.practice, by=user_of(request), **fields))


@router.get("/clients/{client_id}", response=responses(ClientOut), summary="One client (or my own record)")
def client_read(request: HttpRequest, client_id: uuid.UUID) -> Client:
    return client_for(request, client_id)


@router.patch("/clients/{client_id}", response=responses(ClientOut), summary="Change a client's record")
def client_update(request: HttpRequest, client_id: uuid.UUID, payload: ClientPatch) -> Client:
    client = client_for(request, client_id)
    writable_by_client(request)
    fields = _client_fields(request, payload)
    return services.client_update(client=client, by=user_of(request), **fields)


@router.get("/consent-texts", response=responses(list[ConsentTextOut]), summary="Published consent texts")
def consent_texts_list(request: HttpRequest) -> list[ConsentText]:
    return list(ConsentText.objects.for_practice(practice_of(request)).order_by("kind", "-version"))


@router.post(
    "/consent-texts",
    response=responses(ConsentTextOut, 201),
    summary="Publish a new consent text version (owner)",
)
def consent_text_publish(request: HttpRequest, payload: ConsentTextIn) -> Status[ConsentText]:
    practice = owner_or_403(request).practice
    return Status(201, services.consent_text_publish(practice=practice, **payload.dict()))


@router.get(
    "/clients/{client_id}/consents", response=responses(list[ConsentOut]), summary="A client's consents"
)
@paged
def consents_list(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[Consent]:
    client = client_for(request, client_id)
    return client.consents.select_related("client", "text")


@router.post(
    "/clients/{client_id}/consents", response=responses(ConsentOut, 201), summary="Record a client's consent"
)
def consent_record(request: HttpRequest, client_id: uuid.UUID, payload: ConsentIn) -> Status[Consent]:
    client = client_for(request, client_id)
    writable_by_client(request)
    scope = ConsentText.objects.for_practice(client.practice)
    text = pick_one(scope, field="text_id", record_id=payload.text_id, what="consent text")
    user = user_of(request)
    consent = services.consent_record(
        client=client,
        text=text,
        granted=payload.granted,
        by=user,
        typed_name=payload.typed_name,
        witnessed_by=user,
    )
    return Status(201, consent)


def _language(asked: str | None) -> str:
    return asked or translation.get_language() or "en"


@router.get(
    "/clients/{client_id}/consent-texts",
    response=responses(list[ConsentTextOut]),
    summary="The consent texts the client is asked to accept now (treatment, data)",
)
def consent_texts_current(
    request: HttpRequest, client_id: uuid.UUID, query: Query[ConsentTextsQuery]
) -> list[ConsentText]:
    client = client_for(request, client_id)
    language = _language(query.language)
    return [
        services.current_consent_text(practice=client.practice, kind=kind, language=language)
        for kind in INTAKE_KINDS
    ]


@router.post(
    "/clients/{client_id}/consents/sign",
    response=responses(list[ConsentOut], 201),
    summary="Accept the current consent texts by typing the full name (the client, or at the desk)",
)
def consents_sign(
    request: HttpRequest, client_id: uuid.UUID, payload: ConsentSignIn
) -> Status[list[Consent]]:
    client = client_for(request, client_id)
    user = user_of(request)
    witness = user if membership_of(request) is not None else None
    consents = services.consents_sign(
        client=client,
        kinds=[str(k) for k in payload.kinds],
        typed_name=payload.typed_name,
        by=user,
        witnessed_by=witness,
        language=_language(payload.language),
    )
    return Status(201, consents)


@router.get(
    "/clients/{client_id}/intake",
    response=responses(ClientIntakeOut),
    summary="The client's intake (clinicians, or the client themself)",
)
def intake_read(request: HttpRequest, client_id: uuid.UUID) -> Intake:
    client = clinical_reader_for(request, client_id)
    intake = selectors.intake_of(client=client)
    if intake is None:
        raise Http404
    return intake


@router.put(
    "/clients/{client_id}/intake",
    response=responses(ClientIntakeOut),
    summary="Submit the client's intake (the client; or staff with the client, front desk only once)",
)
def intake_submit(request: HttpRequest, client_id: uuid.UUID, payload: ClientIntakeIn) -> Intake:
    client = client_for(request, client_id)
    membership = membership_of(request)
    if selectors.intake_hidden_from(membership, selectors.intake_of(client=client)):
        raise PermissionDenied
    fields = payload.dict()
    fields["diagnosed_by"] = fields["diagnosed_by"] or ""
    fields["touch_sensitivity"] = fields["touch_sensitivity"] or ""
    fields["head_injuries"] = [dict(row) for row in fields["head_injuries"]]
    return services.intake_submit(
        client=client, by=user_of(request), at_desk=membership is not None, **fields
    )


@router.post(
    "/consents/{consent_id}/withdraw",
    response=responses(ConsentOut),
    summary="Withdraw a consent (staff, or the client themself)",
)
def consent_withdraw(request: HttpRequest, consent_id: uuid.UUID) -> Consent:
    consent = get_visible(request, Consent.objects.select_related("client", "text"), consent_id)
    return services.consent_withdraw(consent=consent)


@router.get(
    "/screening-rules", response=responses(list[SafetyRuleOut]), summary="The safety screen's questions"
)
def screening_rules(request: HttpRequest) -> list[clinical.SafetyRule]:
    membership = staff_or_404(request)
    return list(selectors.safety_rules(practice=membership.practice).active)


@router.get(
    "/clients/{client_id}/screenings",
    response=responses(list[ScreeningOut]),
    summary="A client's safety screenings",
)
@paged
def screenings_list(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[SafetyScreening]:
    client = clinical_client_for(request, client_id)
    return client.screenings.select_related("client", "acknowledged_by", "cleared_by").order_by(
        "-screened_at", "-pk"
    )


@router.get(
    "/clients/{client_id}/screen-due",
    response=responses(ScreenDueOut),
    summary="Whether a new safety screen is due, and why",
)
def screen_due(request: HttpRequest, client_id: uuid.UUID) -> dict[str, object]:
    client = clinical_client_for(request, client_id)
    due = selectors.screen_due(client=client)
    if due is None:
        return {"due": False, "reason": None, "message": None}
    return {"due": True, "reason": due.reason, "message": due.message}


@router.post(
    "/clients/{client_id}/screenings",
    response=responses(ScreeningOut, 201),
    summary="Record a safety screening; the outcome is computed",
)
def screening_record(
    request: HttpRequest, client_id: uuid.UUID, payload: ScreeningIn
) -> Status[SafetyScreening]:
    client = clinical_client_for(request, client_id)
    return Status(201, services.screening_record(client=client, by=user_of(request), **payload.dict()))


_SCREENINGS = SafetyScreening.objects.select_related("client", "acknowledged_by", "cleared_by")


@router.get("/screenings/{screening_id}", response=responses(ScreeningOut), summary="One safety screening")
def screening_read(request: HttpRequest, screening_id: uuid.UUID) -> SafetyScreening:
    return get_clinical(request, _SCREENINGS, screening_id)


@router.post(
    "/screenings/{screening_id}/acknowledge",
    response=responses(ScreeningOut),
    summary="Acknowledge one named risk of a caution (practitioner or owner)",
)
def screening_acknowledge(
    request: HttpRequest, screening_id: uuid.UUID, payload: AcknowledgeIn
) -> SafetyScreening:
    screening = get_clinical(request, _SCREENINGS, screening_id)
    services.screening_acknowledge(screening=screening, by=user_of(request), rule_id=payload.rule_id)
    return get_clinical(request, _SCREENINGS, screening_id)


@router.post(
    "/screenings/{screening_id}/clearance",
    response=responses(ScreeningOut),
    summary="Record a clinician's clearance of a referred client",
)
def screening_clear(request: HttpRequest, screening_id: uuid.UUID, payload: ClearanceIn) -> SafetyScreening:
    screening = get_clinical(request, _SCREENINGS, screening_id)
    services.screening_clear(
        screening=screening,
        by=user_of(request),
        clinician=payload.clinician,
        cleared_on=payload.cleared_on,
        document=payload.document,
        notes=payload.notes,
    )
    return get_clinical(request, _SCREENINGS, screening_id)
