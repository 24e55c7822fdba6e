"""Reads of client records, always within one practice."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from headwise.clients.models import Client, ClientStatus, Consent, ConsentKind, SafetyScreening
from headwise.practice.models import Practice


def client_get(*, practice: Practice, client_id: uuid.UUID) -> Client:
    """The practice's client with that UUID, or 404 (also for another practice's client)."""
    return get_object_or_404(
        Client.objects.for_practice(practice).select_related("assigned_practitioner"),
        uuid=client_id,
    )


def clients_search(
    *, practice: Practice, query: str = "", include_archived: bool = False
) -> QuerySet[Client]:
    clients = Client.objects.for_practice(practice).select_related("assigned_practitioner")
    if not include_archived:
        clients = clients.filter(status=ClientStatus.ACTIVE)
    for word in query.split():
        clients = clients.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(email__icontains=word)
        )
    # The primary key last: a stable order, so that pages of the list neither repeat nor skip.
    return clients.order_by("family_name", "given_name", "pk")


def latest_screening(*, client: Client) -> SafetyScreening | None:
    return SafetyScreening.objects.filter(client=client).order_by("-screened_at").first()


def may_process(*, client: Client) -> bool:
    """Whether Headwise may go on processing the client's data and contacting them.

    The one rule that diary writes, reminders, follow-up e-mails and questionnaires ask: it is
    false once the client's consent to keeping and processing health data is withdrawn (or was
    refused) and not granted again since.
    """
    latest = (
        Consent.objects.filter(client=client, text__kind=ConsentKind.DATA)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if latest is None:
        return True
    return latest.granted and latest.withdrawn_at is None
