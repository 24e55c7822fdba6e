"""Writes of the public page: its texts, and the booking requests visitors send.

:func:`booking_request_receive` answers the visitor the same whether or not the e-mail belongs
to a client: it links the request to that client (or to the prospective client of an earlier
request) without saying so, and creates a prospective client otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.accounts.models import User
from headwise.clients import services as client_services
from headwise.clients.models import Client, ClientStatus
from headwise.common.services import apply_changes
from headwise.practice.models import Location
from headwise.public import limits
from headwise.public.models import BookingRequest, PublicPage, RequestStatus
from headwise.public.selectors import page_of

PAGE_FIELDS = ("intro_en", "intro_nl", "expect_en", "expect_nl", "notes_en", "notes_nl", "accepts_requests")


class TooManyRequestsError(Exception):
    """The client address or the e-mail address has sent its requests for this window."""


@transaction.atomic
def page_save(*, location: Location, by: User, **fields: Any) -> PublicPage:
    page = apply_changes(page_of(location=location), fields, allowed=PAGE_FIELDS)
    page.updated_by = by
    page.full_clean()
    page.save()
    return page


def _client_for(
    *, location: Location, given_name: str, family_name: str, email: str, phone: str
) -> tuple[Client, bool]:
    """The practice's client with this e-mail (an active one first, else any but archived),
    or a new prospective client; and whether it already existed."""
    known = (
        Client.objects.for_practice(location.practice)
        .filter(email__iexact=email)
        .exclude(status=ClientStatus.ARCHIVED)
        .order_by("status", "pk")  # "active" sorts before "prospective"
        .first()
    )
    if known is not None:
        return known, known.status == ClientStatus.ACTIVE
    client = Client(
        practice=location.practice,
        given_name=given_name,
        family_name=family_name,
        email=email,
        phone=phone,
        status=ClientStatus.PROSPECTIVE,
        time_zone=location.time_zone,
        reminders_enabled=False,
    )
    client.full_clean()
    client.save()
    return client, False


@transaction.atomic
def booking_request_receive(
    *,
    location: Location,
    given_name: str,
    family_name: str,
    email: str,
    phone: str = "",
    service_name: str = "",
    preferred_times: str = "",
    message: str = "",
    consent_to_contact: bool,
    language: str = "en",
) -> BookingRequest:
    """Record a visitor's request for the front desk and queue their confirmation e-mail.

    Raises :class:`TooManyRequestsError` when the e-mail address has used up its requests for the
    window (the caller counts and checks the client address before the form is read), and
    ValidationError naming the field for bad input; nothing is saved then.
    """
    from headwise.public import tasks

    if not consent_to_contact:
        raise ValidationError({"consent_to_contact": _("We can only answer if you agree to be contacted.")})
    email = email.strip()
    if limits.over_limit("email", email):
        raise TooManyRequestsError
    client, existing = _client_for(
        location=location, given_name=given_name, family_name=family_name, email=email, phone=phone
    )
    request = BookingRequest(
        practice=location.practice,
        location=location,
        client=client,
        name=f"{given_name} {family_name}".strip(),
        email=email,
        phone=phone,
        service_name=service_name,
        preferred_times=preferred_times,
        message=message,
        consent_to_contact=True,
        language="nl" if language == "nl" else "en",
        existing_client=existing,
    )
    request.full_clean()
    request.save()
    limits.count("email", email)
    # The database task backend stores the task in this transaction: both or neither.
    tasks.send_booking_confirmation.enqueue(str(request.uuid))
    return request


@transaction.atomic
def booking_request_handle(*, request: BookingRequest, by: User) -> BookingRequest:
    """Mark the request handled (by whom, when); a handled one stays as it was."""
    locked = BookingRequest.objects.select_for_update(no_key=True).get(pk=request.pk)
    if locked.status == RequestStatus.HANDLED:
        return locked
    locked.status = RequestStatus.HANDLED
    locked.handled_at = timezone.now()
    locked.handled_by = by
    locked.save(update_fields=["status", "handled_at", "handled_by"])
    return locked


@transaction.atomic
def prospective_activate(*, client: Client, by: User) -> Client:
    """Make a prospective client an active client of the practice (the record's own rules
    apply: the date of birth is needed then)."""
    if client.status != ClientStatus.PROSPECTIVE:
        raise ValidationError({"status": _("Only a prospective client can be made active.")})
    return client_services.client_update(client=client, by=by, status=ClientStatus.ACTIVE)
