"""Who may call which API route, in one place. Every route of the JSON API uses these helpers.

The rule of the house (see ``headwise.accounts.access``): a caller who is not of the record's
practice, or a client asking for another client's record, gets **404** and learns nothing.
Inside a practice, a role that may not do something gets **403**.

Also here: the error schema every route declares, the lookup of ids sent in a request body
(``pick``), which answers 422 naming the field when the id is not of the caller's practice, and
the pages of the lists that grow (``paged``).
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from headwise.accounts.models import User
from headwise.clients.models import Client
from headwise.practice.models import Membership, Practice

M = TypeVar("M", bound=models.Model)


class ErrorItem(Schema):
    field: str = Field(..., description="The input field at fault, or __all__ for the whole request")
    message: str = Field(..., description="What is wrong with it, in the caller's language")


class Error(Schema):
    """Every 4xx answer: 400 (not JSON), 401, 403, 404, 405 and 422 alike."""

    detail: str = Field(..., description="A short summary: Invalid input, Not found, …")
    errors: list[ErrorItem] = Field(
        ..., description="One entry per invalid field (400 and 422); empty for the others"
    )


ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}

#: The furthest a list may be paged: far beyond any practice's records, inside every database.
MAX_OFFSET = 1_000_000


class StablePages(LimitOffsetPagination):
    """``limit``/``offset`` pages answered as ``{"items": [...], "count": n}``, in a stable order.

    The list's own order, then the primary key: rows that tie (two attacks at one minute, two
    clients of one name) keep their places, so walking the pages neither repeats nor skips one.
    ``limit`` defaults to ``NINJA_PAGINATION_PER_PAGE`` and may not exceed
    ``NINJA_PAGINATION_MAX_LIMIT``, ``offset`` not :data:`MAX_OFFSET` (422 naming the parameter;
    an unbounded number would reach the database and fail there).
    """

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            description="How many to answer",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many to skip")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        return super().paginate_queryset(queryset.order_by(*order, "pk"), pagination, request, **params)


#: Decorates a list route (its ``response`` a ``list[...]``) whose list grows with use.
paged = paginate(StablePages)


def responses(schema: Any, status: int = 200) -> dict[int, Any]:
    """The ``response=`` of a route: its success schema plus the documented error answers."""
    return {status: schema, **ERRORS}


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


def visible(request: HttpRequest, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Rows of a client-owned model the caller may read: the practice's, or the client's own."""
    membership = membership_of(request)
    if membership is not None:
        return queryset.filter(practice=membership.practice)
    own = own_client_of(request)
    if own is not None:
        return queryset.filter(client=own)
    return queryset.none()


def get_visible(request: HttpRequest, queryset: models.QuerySet[M], record_id: uuid.UUID) -> M:
    found = visible(request, queryset).filter(uuid=record_id).first()
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


def pick(queryset: models.QuerySet[M], *, field: str, record_id: uuid.UUID | None, what: str) -> M | None:
    """Resolve an id sent in a body within an already scoped queryset, or 422 naming ``field``."""
    if record_id is None:
        return None
    found = queryset.filter(uuid=record_id).first()
    if found is None:
        raise ValidationError({field: _("No %(what)s with this id in your practice.") % {"what": what}})
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


def get_clinical_or_own(request: HttpRequest, queryset: models.QuerySet[M], record_id: uuid.UUID) -> M:
    """A clinical record the caller may read: a clinician of its practice, or its own client."""
    found = get_visible(request, queryset, record_id)
    if membership_of(request) is not None:
        clinician_or_403(request)
    return found


def pick_one(queryset: models.QuerySet[M], *, field: str, record_id: uuid.UUID, what: str) -> M:
    """Like :func:`pick` for an id that must be given."""
    found = pick(queryset, field=field, record_id=record_id, what=what)
    if found is None:
        raise ValidationError({field: _("This field is required.")})
    return found


def changes(payload: Schema, *, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH body sets; null is refused (422 naming the field) unless nullable."""
    fields = payload.dict(exclude_unset=True)
    for name, value in fields.items():
        if value is None and name not in nullable:
            raise ValidationError({name: _("This field cannot be null.")})
    return fields


def user_of(request: HttpRequest) -> User:
    """The signed-in user; every route is behind authentication, so never anonymous."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user
