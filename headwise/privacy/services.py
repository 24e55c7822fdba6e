"""Privacy rights: export, the erasure request and its decision, retention (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record
from headwise.privacy import erasure
from headwise.privacy.models import Decision, ErasureRequest


def erasure_request(*, client: Any, by: Any, by_client: bool) -> ErasureRequest:
    """Record that the client asks to be erased (an open request is not duplicated)."""
    with transaction.atomic():
        found = ErasureRequest.objects.filter(client=client, done_at__isnull=True, decision="").first()
        if found is not None:
            return found
        request = ErasureRequest(
            practice=client.practice,
            client=client,
            subject=client.uuid,
            requested_at=timezone.now(),
            by_client=by_client,
            requested_by=by,
        )
        request.full_clean()
        request.save()
        return request


def erasure_decide(
    *,
    request: ErasureRequest,
    by: Any,
    decision: str,
    keep_until: dt.date | None = None,
    reason: str = "",
    http_request: Any = None,
) -> ErasureRequest:
    """The owner's decision. Erase or anonymise is carried out at once; keep records the date
    until which the law asks to keep the records (``headwise apply-retention`` erases then)."""
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose erase, anonymise or keep.")
    if decision == Decision.KEEP:
        if keep_until is None:
            errors["keep_until"] = _("Give the date until which the records must be kept.")
        elif keep_until <= timezone.now().date():
            errors["keep_until"] = _("The date must be in the future.")
        if not reason.strip():
            errors["reason"] = _("Name the legal duty that asks to keep the records.")
    if request.done_at is not None or request.client_id is None:
        errors["decision"] = _("This request has already been carried out.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.decision = decision
        request.keep_until = keep_until if decision == Decision.KEEP else None
        request.reason = reason.strip()
        request.decided_by = by
        request.decided_at = timezone.now()
        request.full_clean()
        request.save()
        if decision != Decision.KEEP:
            carry_out(request=request, by=by, http_request=http_request)
    return request


def carry_out(*, request: ErasureRequest, by: Any, http_request: Any = None) -> dict[str, int]:
    """Erase or anonymise the request's client now, and leave the one audit entry."""
    client = request.client
    if client is None:
        raise ValidationError({"decision": _("This request has already been carried out.")})
    mode = Decision.ANONYMISE if request.decision == Decision.ANONYMISE else Decision.ERASE
    with transaction.atomic():
        counts = erasure.anonymise(client) if mode == Decision.ANONYMISE else erasure.erase(client)
        ErasureRequest.objects.filter(pk=request.pk).update(done_at=timezone.now(), client=None)
        audit_record(
            action=AuditAction.ERASE,
            request=http_request,
            actor=by,
            practice=request.practice,
            client=request.subject,
            detail={"decision": str(mode), "records": sum(counts.values())},
        )
    request.refresh_from_db()
    return counts


def last_contact(client: Any) -> dt.datetime:
    """The client's last record: the latest change to any of their records, or their creation."""
    from headwise.care.models import Appointment, SessionRecord
    from headwise.diary.models import Attack, DailyCheckIn

    moments = [client.updated_at, client.created_at]
    for model in (SessionRecord, Appointment, Attack, DailyCheckIn):
        moments.append(model.objects.filter(client=client).aggregate(m=Max("updated_at"))["m"])
    latest: dt.datetime = max(m for m in moments if m is not None)
    return latest


def retention_due(*, practice: Any, now: dt.datetime) -> list[tuple[Any, str]]:
    """The clients of ``practice`` to erase now, with why: their retention period since the last
    contact has passed, or a kept erasure request's date has come."""
    from headwise.clients.models import Client

    due: list[tuple[Any, str]] = []
    years = practice.retention_years
    for client in Client.objects.for_practice(practice).order_by("pk"):
        last = last_contact(client)
        try:
            ends = last.replace(year=last.year + years)
        except ValueError:  # 29 February
            ends = last.replace(year=last.year + years, day=28)
        if ends <= now:
            due.append((client, "retention"))
            continue
        kept = ErasureRequest.objects.filter(
            client=client, decision=Decision.KEEP, done_at__isnull=True, keep_until__lte=now.date()
        ).exists()
        if kept:
            due.append((client, "kept_until"))
    return due


def apply_retention(*, client: Any, why: str) -> dict[str, int]:
    """Erase one client whose records need no longer be kept, by the same path as a request."""
    with transaction.atomic():
        request = ErasureRequest.objects.filter(client=client, done_at__isnull=True).first()
        if request is None:
            request = ErasureRequest(
                practice=client.practice, client=client, subject=client.uuid, requested_at=timezone.now()
            )
        request.decision = Decision.ERASE
        request.reason = request.reason or ("retention period passed" if why == "retention" else "kept until")
        request.decided_at = timezone.now()
        request.save()
        counts = carry_out(request=request, by=None)
    return counts
