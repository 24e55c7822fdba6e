"""Evening diary reminders and open-attack prompts, at each client's local reminder time.

``reminders_due`` finds who is due now (a handful of queries, whatever the number of clients);
``reminder_send`` records the reminder under a unique constraint, then e-mails it, in one
transaction: a reminder is sent at most once per client, diary day and kind, and a failed
e-mail is retried at the next dispatch.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from headwise import clinical
from headwise.clients.models import Client, ClientStatus
from headwise.clients.selectors import processing_allowed
from headwise.diary.localtime import client_today
from headwise.diary.models import Attack, DailyCheckIn, ReminderKind, ReminderSent

#: An attack left open this long gets a prompt to complete it.
OPEN_ATTACK_AFTER = dt.timedelta(hours=3)


@dataclass(frozen=True)
class Due:
    client_uuid: str
    day: dt.date
    kind: str


def base_url() -> str:
    return str(settings.HEADWISE_BASE_URL)


def reminders_due(*, now: dt.datetime | None = None) -> list[Due]:
    """Every reminder due at ``now``: the client's local time is past their reminder time,
    and today has no entry (evening) or an attack is still open (open_attack), and it was not
    sent yet today; never to a client whose data may no longer be processed."""
    now = now or timezone.now()
    # A client who withdrew the consent to processing their data is not contacted (may_process).
    clients = list(
        processing_allowed(
            Client.objects.filter(
                reminders_enabled=True,
                reminder_time__isnull=False,
                status=ClientStatus.ACTIVE,
                user__isnull=False,
                user__is_active=True,
            )
        ).select_related("user")
    )
    local_today = {c.pk: client_today(c, now=now) for c in clients}
    clients = [c for c in clients if _past_reminder_time(c, now)]
    if not clients:
        return []
    days = set(local_today.values())
    ids = [c.pk for c in clients]
    sent = set(
        ReminderSent.objects.filter(client_id__in=ids, date__in=days).values_list("client_id", "date", "kind")
    )
    checked_in = set(
        DailyCheckIn.objects.filter(client_id__in=ids, date__in=days).values_list("client_id", "date")
    )
    recent = Attack.objects.filter(
        client_id__in=ids, deleted_at__isnull=True, started_at__gte=now - dt.timedelta(days=2)
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=now - dt.timedelta(days=2)))
    attacks: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = {}
    for client_id, started, ended in recent.values_list("client_id", "started_at", "ended_at"):
        attacks.setdefault(client_id, []).append((started, ended))
    open_ids = set(
        Attack.objects.filter(
            client_id__in=ids,
            deleted_at__isnull=True,
            ended_at__isnull=True,
            started_at__lte=now - OPEN_ATTACK_AFTER,
        ).values_list("client_id", flat=True)
    )
    due = []
    for c in clients:
        day = local_today[c.pk]
        zone = zoneinfo.ZoneInfo(c.time_zone)
        touched = any(_touches(s, e, zone, day) for s, e in attacks.get(c.pk, []))
        if (c.pk, day) not in checked_in and not touched and (c.pk, day, ReminderKind.EVENING) not in sent:
            due.append(Due(str(c.uuid), day, ReminderKind.EVENING))
        if c.pk in open_ids and (c.pk, day, ReminderKind.OPEN_ATTACK) not in sent:
            due.append(Due(str(c.uuid), day, ReminderKind.OPEN_ATTACK))
    return due


def _touches(start: dt.datetime, end: dt.datetime | None, zone: zoneinfo.ZoneInfo, day: dt.date) -> bool:
    first, last = clinical.attack_local_days(start, end, zone)
    return first <= day <= last


def _past_reminder_time(client: Client, now: dt.datetime) -> bool:
    local = now.astimezone(zoneinfo.ZoneInfo(client.time_zone))
    return client.reminder_time is not None and local.time() >= client.reminder_time


def reminder_send(*, client_uuid: str, day: dt.date, kind: str) -> bool:
    """Record and e-mail one reminder; ``False`` if it was already sent or is no longer due."""
    client = Client.objects.select_related("user").filter(uuid=client_uuid).first()
    if client is None or not client.reminders_enabled or client.user is None:
        return False
    still_due = {(d.day, d.kind) for d in reminders_due() if d.client_uuid == client_uuid}
    if (day, kind) not in still_due:
        return False
    try:
        with transaction.atomic():
            ReminderSent.objects.create(practice_id=client.practice_id, client=client, date=day, kind=kind)
            _mail(client, kind)
    except IntegrityError:
        return False
    return True


def _mail(client: Client, kind: str) -> None:
    user = client.user
    assert user is not None  # noqa: S101 - checked by the caller
    with translation.override(user.language or None):
        context = {
            "client": client,
            "kind": kind,
            "checkin_url": base_url() + reverse("diary:checkin_today"),
            "home_url": base_url() + reverse("web:my_home"),
            "settings_url": base_url() + reverse("diary:reminders"),
        }
        subject = render_to_string("diary/email/reminder_subject.txt", context).strip()
        body = render_to_string("diary/email/reminder.txt", context)
    send_mail(subject, body, None, [client.email or user.email])
