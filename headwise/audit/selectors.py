"""Reads of the audit trail: the owner's filtered list and a client's "who looked at my record"."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from headwise.audit.models import AuditAction, AuditEntry
from headwise.audit.services import READS


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str = ""
    client: uuid.UUID | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _day_start(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(zone))


def audit_entries_of(*, practice: Any, filters: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    """The practice's entries, newest first; dates are whole days in the practice's zone."""
    entries = AuditEntry.objects.for_practice(practice).order_by("-seq")
    f = filters or AuditFilter()
    if f.actor_id is not None:
        entries = entries.filter(actor_id=f.actor_id)
    if f.action:
        entries = entries.filter(action=f.action)
    if f.client is not None:
        entries = entries.filter(client=f.client)
    if f.since is not None:
        entries = entries.filter(at__gte=_day_start(f.since, practice.time_zone))
    if f.until is not None:
        entries = entries.filter(at__lt=_day_start(f.until + dt.timedelta(days=1), practice.time_zone))
    return entries


def audit_reads_of_client(*, client: Any) -> QuerySet[AuditEntry]:
    """Who of the practice's staff read, printed or exported this client's record."""
    return (
        AuditEntry.objects.for_practice(client.practice_id)
        .about_client(client.uuid)
        .filter(action__in=sorted(READS))
        .exclude(role__in=["", "client"])
        .order_by("-seq")
    )


def names_of_actors(entries: list[AuditEntry]) -> dict[int, str]:
    """Display names for the staff in ``entries``: the name shown to clients, else the full name."""
    from headwise.accounts.models import User
    from headwise.practice.models import Practitioner

    ids = {e.actor_id for e in entries if e.actor_id is not None}
    names = {u.pk: (u.full_name or u.email) for u in User.objects.filter(pk__in=ids)}
    for user_id, shown in Practitioner.objects.filter(membership__user_id__in=ids).values_list(
        "membership__user_id", "display_name"
    ):
        names[user_id] = shown
    return names


def names_of_clients(*, practice: Any, entries: list[AuditEntry]) -> dict[uuid.UUID, str]:
    from headwise.clients.models import Client

    uuids = {e.client for e in entries if e.client is not None}
    return {
        c.uuid: f"{c.given_name} {c.family_name}".strip()
        for c in Client.objects.for_practice(practice)
        .filter(uuid__in=uuids)
        .only("uuid", "given_name", "family_name")
    }


ACTION_LABELS = dict(AuditAction.choices)
