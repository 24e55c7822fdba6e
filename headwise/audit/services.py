"""The ONE way to write the audit trail: :func:`audit_record`.

Services and views call it for views, exports, prints, erasures, sign-ins and role changes; the
history hook (:mod:`headwise.audit.signals`) calls it for every create, change and delete of a
model with history. It derives who, from where and which practice from the request when one is
given, and appends the entry to the hash chain under a lock on the chain's head, so two writers
never take the same number or the same previous hash:

* PostgreSQL: ``SELECT … FOR NO KEY UPDATE`` on the one :class:`AuditHead` row;
* SQLite: the database's write lock (Headwise opens SQLite transactions ``IMMEDIATE``).

The entry is written in the caller's transaction: a change that rolls back leaves no entry, and
an entry that cannot be written fails the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from headwise.audit.models import GENESIS, AuditAction, AuditEntry, AuditHead

#: Actions that read: a request that records one of these itself is not logged again as a read.
READS = frozenset({AuditAction.VIEW, AuditAction.PRINT, AuditAction.EXPORT})

#: Detail values are short words and numbers, never free text or health data.
DETAIL_MAX_CHARS = 500


def _ip_of(request: HttpRequest | None) -> str | None:
    """The peer's address as the server saw it. ``X-Forwarded-For`` is not trusted: a
    deployment behind a proxy sets ``REMOTE_ADDR`` from it in the proxy-aware WSGI server."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    return address


def _role_of(request: HttpRequest | None, actor: Any) -> str:
    if request is not None:
        membership = getattr(request, "membership", None)
        if membership is not None and membership.user_id == getattr(actor, "pk", None):
            return str(membership.role)
        if getattr(request, "client", None) is not None:
            return "client"
    if actor is None:
        return ""
    membership = getattr(actor, "membership", None) if _has_membership(actor) else None
    if membership is not None:
        return str(membership.role)
    return ""


def _has_membership(actor: Any) -> bool:
    try:
        return actor.membership is not None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: the actor is not staff
        return False


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    ref = getattr(obj, "uuid", None) or obj.pk
    return obj._meta.label_lower, "" if ref is None else str(ref)


def _client_uuid_of(obj: models.Model | None) -> uuid.UUID | None:
    """The client whose record ``obj`` is, without a query when the client is at hand."""
    if obj is None:
        return None
    from headwise.clients.models import Client

    if isinstance(obj, Client):
        return obj.uuid
    client_id = getattr(obj, "client_id", None)
    if client_id is None:
        return None
    cached = obj._state.fields_cache.get("client")
    if cached is not None:
        return cached.uuid  # type: ignore[no-any-return]
    return Client.objects.filter(pk=client_id).values_list("uuid", flat=True).first()


def _lock_head() -> AuditHead:
    """The chain's head, locked until the caller's transaction ends (rebuilt from the last
    entry when missing, e.g. after a test database was flushed)."""
    head = AuditHead.objects.select_for_update(no_key=True).filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, last_hash = last if last is not None else (0, GENESIS)
    try:
        with transaction.atomic():
            AuditHead.objects.create(pk=1, seq=seq, hash=last_hash)
    except IntegrityError:
        pass  # another writer created it first
    return AuditHead.objects.select_for_update(no_key=True).get(pk=1)


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    practice: Any = None,
    obj: models.Model | None = None,
    client: Any = None,
    fields: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    object_ref: tuple[str, str] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail and return it.

    Parameters
    ----------
    action
        One of :class:`AuditAction` (``view``, ``change``, ``sign_in``, …).
    request
        The request the action came in on: gives the actor (its signed-in user), the address and
        the practice when they are not passed.
    actor
        Who did it, when not the request's user (a sign-in failure has none).
    practice
        The practice the entry belongs to; else the request's, else ``obj``'s. ``None`` for an
        event outside any practice (a failed sign-in for an unknown address).
    obj
        The record concerned; its type and UUID are kept, never its content.
    client
        The client whose record it concerns (a ``Client`` or its UUID); else derived from ``obj``.
    fields
        For a change: the NAMES of the fields changed.
    detail
        A short mapping of words and numbers (never health data), e.g. ``{"format": "csv"}``.
    object_ref
        ``(type, id)`` of the record when the caller has its id but not the object.
    """
    if action not in AuditAction.values:
        raise ValueError(f"action: {action!r} is not an audit action")
    user = getattr(request, "user", None) if request is not None else None
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if practice is None and request is not None:
        practice = getattr(request, "practice", None)
        if practice is None and getattr(request, "client", None) is not None:
            practice = request.client.practice  # type: ignore[attr-defined]
    if practice is None and obj is not None and getattr(obj, "practice_id", None) is not None:
        practice = obj.practice_id  # type: ignore[attr-defined]
    client_uuid = _client_uuid_of(obj) if client is None else getattr(client, "uuid", client)
    object_type, object_id = object_ref if object_ref is not None else _object_ref(obj)
    detail_dict = dict(detail or {})
    if len(repr(detail_dict)) > DETAIL_MAX_CHARS:
        raise ValueError(f"detail: at most {DETAIL_MAX_CHARS} characters, got {len(repr(detail_dict))}")
    actor_label = ""
    if actor is not None:
        actor_label = str(getattr(actor, "email", "") or "")[:254]
    entry = AuditEntry(
        at=timezone.now(),
        practice_id=getattr(practice, "pk", practice),
        actor_id=getattr(actor, "pk", None),
        actor_label=actor_label,
        role=_role_of(request, actor),
        ip=_ip_of(request),
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=client_uuid,
        fields=sorted(set(fields)),
        detail=detail_dict,
    )
    with transaction.atomic():
        head = _lock_head()
        entry.seq = head.seq + 1
        entry.prev_hash = head.hash or GENESIS
        entry.full_clean(exclude=["hash", "practice", "actor"], validate_unique=False)
        entry.hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    if request is not None and action in READS:
        from headwise.audit.reads import mark_audited  # the middleware then adds no second entry

        mark_audited(request)
    return entry
