"""Who may see what: the one access module. Every page and every API route goes through it.

Outsiders get 404, never 403: a user of another practice, or another client, must not even
learn that a record exists. Inside a practice, a role that may not do something gets 403.

The decorators (``staff_required``, ``clinician_required``, …) guard whole pages; the lookups
(``client_for``, ``get_staff``, ``get_clinical_or_own``, …) find one record for a page or a route
and answer 404 or 403 by the same rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from headwise.common.compiled import CompiledFirst

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from headwise.accounts.models import User
    from headwise.clients.models import Client
    from headwise.practice.models import Membership, Practice, Practitioner

F = TypeVar("F", bound=Callable[..., HttpResponse])
M = TypeVar("M", bound=models.Model)


class HeadwiseRequest(HttpRequest):
    """A request after the middleware: who is asking, and as whom."""

    user: User
    membership: Membership | None
    practice: Practice | None
    client: Client | None
    htmx: HtmxDetails


class StaffRequest(HeadwiseRequest):
    """What a view behind ``staff_required`` receives: a member of one practice."""

    membership: Membership
    practice: Practice


class ClientRequest(HeadwiseRequest):
    """What a view behind ``client_required`` receives: a client's own login."""

    client: Client


def attach_identity(request: HttpRequest) -> None:
    """Set ``request.membership``, ``request.practice`` and ``request.client``."""
    request.membership = None  # type: ignore[attr-defined]
    request.practice = None  # type: ignore[attr-defined]
    request.client = None  # type: ignore[attr-defined]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return
    membership = _membership_of(user.pk)
    if membership is not None:
        request.membership = membership  # type: ignore[attr-defined]
        request.practice = membership.practice  # type: ignore[attr-defined]
        return
    client = _client_of(user.pk)
    if client is not None:
        request.client = client  # type: ignore[attr-defined]


def _active_membership(user_pk: int) -> QuerySet[Any]:
    from headwise.practice.models import Membership

    return Membership.objects.select_related("practice").filter(user_id=user_pk, is_active=True)


def _active_client(user_pk: int) -> QuerySet[Any]:
    from headwise.clients.models import Client

    return Client.objects.select_related("practice").filter(user_id=user_pk, status="active")


# Asked on every request: compiled once (building the two querysets' SQL cost more than
# running them, headwise.common.compiled); the definitions are the two functions above.
_membership_of = CompiledFirst(_active_membership)
_client_of = CompiledFirst(_active_client)


def _login_or_404(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def staff_required(view: F) -> F:
    """Any active member of a practice; anyone else is told the page does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (redirect := _login_or_404(request)) is not None:
            return redirect
        if request.membership is None:  # type: ignore[attr-defined]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def clinician_required(view: F) -> F:
    """Owners and practitioners: those who may read clinical notes and diaries."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.sees_clinical_records:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_owner(request: HttpRequest) -> None:
    """Inside a practice, only its owners manage staff and locations (403 for others)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_owner:
        raise PermissionDenied


def require_clinician(request: HttpRequest) -> None:
    """Inside a practice, only owners and practitioners read clinical records (403)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.sees_clinical_records:
        raise PermissionDenied


def owner_required(view: F) -> F:
    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.is_owner:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def client_required(view: F) -> F:
    """A client signed in to their own diary."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (redirect := _login_or_404(request)) is not None:
            return redirect
        if request.client is None:  # type: ignore[attr-defined]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


# --- lookups of one record, for pages and API routes alike ---------------------------------


def membership_of(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


def own_client_of(request: HttpRequest) -> Client | None:
    return getattr(request, "client", None)


def staff_or_404(request: HttpRequest) -> Membership:
    """The caller's active membership; anyone who is not staff is told the route finds nothing."""
    membership = membership_of(request)
    if membership is None:
        raise Http404
    return membership


def practice_of(request: HttpRequest) -> Practice:
    return staff_or_404(request).practice


def clinician_or_403(request: HttpRequest) -> Membership:
    """Owners and practitioners; front desk gets 403, non-staff 404."""
    membership = staff_or_404(request)
    if not membership.sees_clinical_records:
        raise PermissionDenied
    return membership


def owner_or_403(request: HttpRequest) -> Membership:
    membership = staff_or_404(request)
    if not membership.is_owner:
        raise PermissionDenied
    return membership


def client_for(request: HttpRequest, client_id: uuid.UUID) -> Client:
    """The client if the caller is staff of its practice or is that client; else Http404."""
    from headwise.clients.models import Client

    membership = membership_of(request)
    if membership is not None:
        found = Client.objects.for_practice(membership.practice).filter(uuid=client_id).first()
        if found is not None:
            return found
        raise Http404
    own = own_client_of(request)
    if own is not None and own.uuid == client_id:
        return own
    raise Http404


def clinical_client_for(request: HttpRequest, client_id: uuid.UUID) -> Client:
    """A client whose clinical records only owners and practitioners may read or write.

    Lookup first, role second: an outsider always gets 404, a front desk or the client
    themself gets 403.
    """
    client = client_for(request, client_id)
    if membership_of(request) is None:
        raise PermissionDenied
    clinician_or_403(request)
    return client


def visible(
    request: HttpRequest, queryset: models.QuerySet[M], client_path: str = "client"
) -> models.QuerySet[M]:
    """Rows of a client-owned model the caller may read: the practice's, or the client's own.

    ``client_path`` leads from a row to its client (``attack__client`` for an aura symptom).
    """
    membership = membership_of(request)
    if membership is not None:
        return queryset.filter(practice=membership.practice)
    own = own_client_of(request)
    if own is not None:
        return queryset.filter(**{client_path: own})
    return queryset.none()


def get_visible(
    request: HttpRequest, queryset: models.QuerySet[M], record_id: uuid.UUID, client_path: str = "client"
) -> M:
    found = visible(request, queryset, client_path).filter(uuid=record_id).first()
    if found is None:
        raise Http404
    return found


def get_staff(request: HttpRequest, queryset: models.QuerySet[M], record_id: uuid.UUID) -> M:
    """A record of the caller's practice (staff only), or Http404."""
    found = queryset.filter(practice=practice_of(request), uuid=record_id).first()
    if found is None:
        raise Http404
    return found


def get_clinical(request: HttpRequest, queryset: models.QuerySet[M], record_id: uuid.UUID) -> M:
    """A clinical record of the caller's practice: 404 for outsiders, then 403 for front desk."""
    found = get_staff(request, queryset, record_id)
    clinician_or_403(request)
    return found


def writable_by_client(request: HttpRequest) -> None:
    """Clients read their own plans and appointments; only staff change them."""
    if membership_of(request) is None:
        raise PermissionDenied


def clinical_reader_for(request: HttpRequest, client_id: uuid.UUID) -> Client:
    """A client whose clinical records owners, practitioners and the client themself may read."""
    client = client_for(request, client_id)
    if membership_of(request) is not None:
        clinician_or_403(request)
    return client


def get_clinical_or_own(
    request: HttpRequest, queryset: models.QuerySet[M], record_id: uuid.UUID, client_path: str = "client"
) -> M:
    """A clinical record the caller may read: a clinician of its practice, or its own client."""
    found = get_visible(request, queryset, record_id, client_path)
    if membership_of(request) is not None:
        clinician_or_403(request)
    return found


# --- session notes: the practice may keep them to their author --------------------------------


def may_read_session_notes(membership: Membership | None, record: Any) -> bool:
    """Whether ``membership`` may read (and, while open, edit) a session record's notes.

    The ONE rule for pages and API routes: owners and practitioners do; the front desk never;
    when the practice has ``notes_private_to_author`` on, a practitioner only for the sessions
    they gave (``record.practitioner``), while owners still read all.
    """
    if membership is None or not membership.sees_clinical_records:
        return False
    if membership.is_owner or not membership.practice.notes_private_to_author:
        return True
    return bool(record.practitioner.membership_id == membership.pk)


def require_session_notes(request: HttpRequest, record: Any) -> None:
    """403 unless the caller may read ``record``'s notes (the record was found in their practice)."""
    if not may_read_session_notes(membership_of(request), record):
        raise PermissionDenied


def readable_sessions(request: HttpRequest, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The session records of ``queryset`` whose notes the caller may read (same rule, as a filter)."""
    membership = membership_of(request)
    if membership is None or not membership.sees_clinical_records:
        return queryset.none()
    if membership.is_owner or not membership.practice.notes_private_to_author:
        return queryset
    return queryset.filter(practitioner__membership=membership)


def user_of(request: HttpRequest) -> User:
    """The signed-in user; every route is behind authentication, so never anonymous."""
    from headwise.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


# --- availability (avail) -------------------------------------------------------------------


def may_edit_availability(membership: Membership | None, practitioner: Practitioner) -> bool:
    """Working hours and away days: the owner edits anyone's, a practitioner their own; the
    front desk reads them. The same rule lets a booking go outside working hours
    (``override_hours``)."""
    if membership is None or not membership.is_active or membership.practice_id != practitioner.practice_id:
        return False
    if membership.is_owner:
        return True
    return membership.role == "practitioner" and practitioner.membership_id == membership.pk


def availability_editor_or_403(request: HttpRequest, practitioner: Practitioner) -> Membership:
    """The caller, if :func:`may_edit_availability` lets them edit ``practitioner``'s hours (403
    for other staff; call after looking the practitioner up in the caller's practice)."""
    membership = staff_or_404(request)
    if not may_edit_availability(membership, practitioner):
        raise PermissionDenied
    return membership
