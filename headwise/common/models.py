"""Building blocks shared by every app's models: UUIDs in URLs, audit fields, practice scope."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from headwise.practice.models import Practice

from headwise.common.limits import NOTES

M = TypeVar("M", bound=models.Model)


def bounded_text(
    verbose_name: Any, *, max_length: int = NOTES, **options: object
) -> models.TextField[str, str]:
    """A free-text field with a maximum length that the model's validation, the pages' forms
    and the API (:mod:`headwise.common.limits`) all hold to; a plain TextField holds it only in
    forms."""
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[MaxLengthValidator(max_length)],
        **options,  # type: ignore[arg-type]
    )


class PracticeQuerySet(models.QuerySet[M]):
    """Every read of practice data starts here: ``Model.objects.for_practice(practice)``."""

    def for_practice(self, practice: Practice) -> PracticeQuerySet[M]:
        return self.filter(practice=practice)


class PracticeScoped(models.Model):
    """A record that belongs to exactly one practice (the tenant)."""

    practice = models.ForeignKey(
        "practice.Practice", on_delete=models.CASCADE, related_name="+", verbose_name=_("practice")
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        abstract = True


class Public(models.Model):
    """A record addressed in URLs by a random UUID, never by its sequential id.

    The uuid is indexed but not unique on its own: a practice's record is unique on
    ``(practice, uuid)`` (:func:`uuid_unique_per_practice`, in each practice-scoped model's
    ``Meta.constraints``), so that a database sharded by practice (Citus) can hold the rule;
    a model that is not practice-scoped (the practice itself) declares ``unique=True`` again.
    The plain index serves the lookups by uuid alone (a task's payload, an e-mailed link, a
    calendar feed's address, a client's own records)."""

    uuid = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)

    class Meta:
        abstract = True


def uuid_unique_per_practice() -> models.UniqueConstraint:
    """A practice-scoped record's public uuid is unique within its practice (``practice_id``
    first, so a distributed PostgreSQL can enforce it on the practice's shard). The name holds
    the app and model (``%(app_label)s_%(class)s``): every model gets its own constraint."""
    return models.UniqueConstraint(fields=["practice", "uuid"], name="%(app_label)s_%(class)s_practice_uuid")


class Audited(models.Model):
    """Who created and last changed a clinical record, and when."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True
