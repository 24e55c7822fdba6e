"""Calendar feeds and appointment reminders: their writes and reads.

A feed's secret is 32 random bytes (``secrets.token_urlsafe``); only its SHA-256 is stored, so a
copy of the database opens no feed. The secret is returned once, by :func:`feed_create`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.accounts.models import User
from headwise.care.models import Appointment, AppointmentStatus, CalendarFeed
from headwise.clients.models import Client
from headwise.practice.models import Membership, Practice, Practitioner

#: The feed's window: appointments that started up to 90 days ago and start within a year.
FEED_PAST = dt.timedelta(days=90)
FEED_AHEAD = dt.timedelta(days=365)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- reads ----------------------------------------------------------------------------------


def feed_by_token(*, token: str) -> CalendarFeed | None:
    """The live feed a secret opens, or ``None`` (unknown, revoked, or its practitioner or their
    access ended): every such case answers the same 404."""
    return (
        CalendarFeed.objects.select_related("practitioner__membership", "practice")
        .filter(
            token_hash=feed_token_hash(token),
            revoked_at__isnull=True,
            practitioner__is_active=True,
            practitioner__membership__is_active=True,
        )
        .first()
    )


def feed_appointments(*, feed: CalendarFeed, now: dt.datetime | None = None) -> QuerySet[Appointment]:
    """The practitioner's appointments in the feed's window, cancelled ones included."""
    now = now or timezone.now()
    return (
        Appointment.objects.for_practice(feed.practice)
        .filter(
            practitioner=feed.practitioner,
            starts_at__gte=now - FEED_PAST,
            starts_at__lt=now + FEED_AHEAD,
        )
        .select_related("client", "practitioner", "location", "room", "practice")
        .order_by("starts_at")
    )


def feeds_visible_to(*, membership: Membership) -> QuerySet[CalendarFeed]:
    """Live feeds a member may see: an owner all of the practice's, a practitioner their own."""
    feeds = CalendarFeed.objects.for_practice(membership.practice).filter(revoked_at__isnull=True)
    if not membership.is_owner:
        feeds = feeds.filter(practitioner__membership=membership)
    return feeds.select_related("practitioner", "created_by").order_by(
        "practitioner__display_name", "-created_at"
    )


def next_appointment_of(*, client: Client, now: dt.datetime | None = None) -> Appointment | None:
    """The client's next booked appointment that has not ended yet."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(client=client, status=AppointmentStatus.BOOKED, ends_at__gt=now)
        .select_related("practitioner", "location", "room")
        .order_by("starts_at")
        .first()
    )


# --- writes ---------------------------------------------------------------------------------


def _practitioner_of(membership: Membership) -> Practitioner:
    practitioner = Practitioner.objects.filter(membership=membership, is_active=True).first()
    if practitioner is None:
        raise ValidationError({"practitioner": _("Only a practitioner has a calendar feed.")})
    return practitioner


@transaction.atomic
def feed_create(*, membership: Membership, by: User) -> tuple[CalendarFeed, str]:
    """A new feed for the member's own appointments; returns it and its secret (shown once)."""
    practitioner = _practitioner_of(membership)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        practice=membership.practice,
        practitioner=practitioner,
        token_hash=feed_token_hash(token),
        created_by=by,
    )
    feed.full_clean()
    feed.save()
    return feed, token


@transaction.atomic
def feed_revoke(*, feed: CalendarFeed, membership: Membership, by: User) -> CalendarFeed:
    """Revoke a feed: its own practitioner or an owner may. Revoking twice changes nothing."""
    if not membership.is_owner and feed.practitioner.membership_id != membership.pk:
        raise PermissionDenied
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.revoked_by = by
        feed.save(update_fields=["revoked_at", "revoked_by"])
    return feed


@transaction.atomic
def reminder_settings_update(
    *, practice: Practice, by: User, appointment_reminders: bool, appointment_reminder_hours: int | None
) -> Practice:
    """The practice's reminder rule: on or off, and how many hours (1-168) before."""
    if appointment_reminder_hours is None:
        raise ValidationError({"appointment_reminder_hours": _("Give a number of hours.")})
    practice.appointment_reminders = bool(appointment_reminders)
    practice.appointment_reminder_hours = appointment_reminder_hours
    practice.full_clean()
    practice.save(update_fields=["appointment_reminders", "appointment_reminder_hours"])
    return practice
