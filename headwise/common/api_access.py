"""The API's shared pieces: the error schema every route declares, the pages of the lists that
grow (``paged``) and PATCH bodies (``changes``).

Who may call which route is decided by the one access module of pages and API,
:mod:`headwise.accounts.access` (re-exported here for the routers); the lookup of ids sent in a
body, ``pick``, is :mod:`headwise.common.services`'s (re-exported too).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from headwise.accounts.access import (
    client_for,
    clinical_client_for,
    clinical_reader_for,
    clinician_or_403,
    get_clinical,
    get_clinical_or_own,
    get_staff,
    get_visible,
    membership_of,
    own_client_of,
    owner_or_403,
    practice_of,
    staff_or_404,
    user_of,
    visible,
    writable_by_client,
)
from headwise.common.services import pick, pick_one

__all__ = [
    "ERRORS",
    "Error",
    "ErrorItem",
    "StablePages",
    "changes",
    "client_for",
    "clinical_client_for",
    "clinical_reader_for",
    "clinician_or_403",
    "get_clinical",
    "get_clinical_or_own",
    "get_staff",
    "get_visible",
    "membership_of",
    "own_client_of",
    "owner_or_403",
    "paged",
    "pick",
    "pick_one",
    "practice_of",
    "responses",
    "staff_or_404",
    "user_of",
    "visible",
    "writable_by_client",
]

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


def changes(payload: Schema, *, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH body sets; null is refused (422 naming the field) unless nullable."""
    fields = payload.dict(exclude_unset=True)
    for name, value in fields.items():
        if value is None and name not in nullable:
            raise ValidationError({name: _("This field cannot be null.")})
    return fields
