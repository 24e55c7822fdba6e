"""Two steps every app's services share: changing a record, and creating one a phone may retry.

:func:`apply_changes` is the one way a service sets the fields of an update (the PATCH of the
API, the edit form of a page): a name that is not a field of the record is refused naming it,
``updated_by`` is set, nothing is saved. :func:`update` also validates and saves.

:func:`create_once` makes a create idempotent on ``request_id``: a phone that lost the answer
sends the same request again and gets the first record back, also when the two requests race
(the database's unique constraint on the client and ``request_id`` decides).

:func:`pick` resolves an id sent in a request (a body, a form) within a scoped queryset, and
answers a ValidationError naming the field when it is not there (422 on the API, a form error
on a page).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def _settable(instance: models.Model) -> set[str]:
    names: set[str] = set()
    for field in instance._meta.concrete_fields:
        names.update({field.name, field.attname})
    return names


def refuse_unknown(names: Iterable[str], allowed: Iterable[str]) -> None:
    """A ValidationError naming every name that is not among ``allowed``."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})


def apply_changes(
    instance: M, changes: Mapping[str, Any], *, by: Any = None, allowed: Iterable[str] | None = None
) -> M:
    """Set ``changes`` on ``instance`` (unsaved); unknown names answer a ValidationError naming them."""
    refuse_unknown(changes, allowed if allowed is not None else _settable(instance))
    for name, value in changes.items():
        setattr(instance, name, value)
    if by is not None and hasattr(instance, "updated_by"):
        instance.updated_by = by
    return instance


def update(
    instance: M,
    changes: Mapping[str, Any],
    *,
    by: Any = None,
    allowed: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> M:
    """:func:`apply_changes`, then the model's validation, then save."""
    apply_changes(instance, changes, by=by, allowed=allowed)
    instance.full_clean(exclude=list(exclude) if exclude is not None else None)
    instance.save()
    return instance


def create_once(
    existing: models.QuerySet[M], request_id: uuid.UUID | None, create: Callable[[], M]
) -> tuple[M, bool]:
    """``(record, created)``: the record ``existing`` holds with ``request_id``, else ``create()``."""

    def found() -> M | None:
        return None if request_id is None else existing.filter(request_id=request_id).first()

    if (first := found()) is not None:
        return first, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if (first := found()) is not None:
            return first, False
        raise


def pick(queryset: models.QuerySet[M], *, field: str, record_id: uuid.UUID | None, what: str) -> M | None:
    """Resolve an id sent in a body within an already scoped queryset, or 422 naming ``field``."""
    if record_id is None:
        return None
    found = queryset.filter(uuid=record_id).first()
    if found is None:
        raise ValidationError({field: _("No %(what)s with this id in your practice.") % {"what": what}})
    return found


def pick_one(queryset: models.QuerySet[M], *, field: str, record_id: uuid.UUID, what: str) -> M:
    """Like :func:`pick` for an id that must be given."""
    found = pick(queryset, field=field, record_id=record_id, what=what)
    if found is None:
        raise ValidationError({field: _("This field is required.")})
    return found
