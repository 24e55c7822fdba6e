"""The audit trail: who saw or changed which record, when, from where. Append only, hash-chained.

Each :class:`AuditEntry` carries the SHA-256 of a canonical serialisation of itself and of the
previous entry's hash (``prev_hash``), so changing or removing an entry after the fact breaks the
chain at that entry; ``headwise audit verify`` walks it. Entries hold no health data: for a change
only the NAMES of the fields changed are kept (the values stay in the history tables).

Entries are written only by :func:`headwise.audit.services.audit_record`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An audit entry may be added, never changed or removed."""


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    PRINT = "print", _("Printed")
    ERASE = "erase", _("Erased")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_IN_LOCKED = "sign_in_locked", _("Sign-in locked out")
    SIGN_OUT = "sign_out", _("Signed out")
    ROLE_CHANGE = "role_change", _("Role changed")
    TOKEN_ISSUE = "token_issue", _("API token issued")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    TWO_FACTOR_ENABLE = "two_factor_enable", _("Two-step sign-in turned on")
    TWO_FACTOR_DISABLE = "two_factor_disable", _("Two-step sign-in turned off")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Two-step code refused")
    TWO_FACTOR_BACKUP_USED = "two_factor_backup_used", _("Backup code used")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    PASSWORD_RESET_REQUEST = "password_reset_request", _("Password reset asked for")
    PASSWORD_RESET_DONE = "password_reset_done", _("Password reset")
    SESSIONS_ENDED = "sessions_ended", _("Signed out everywhere")
    RETENTION_APPLIED = "retention_applied", _("Retention applied")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads only: ``update()`` and ``delete()`` refuse, so no ORM path rewrites the trail."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only")

    def for_practice(self, practice: Any) -> AuditEntryQuerySet:
        return self.filter(practice=practice)

    def about_client(self, client_uuid: Any) -> AuditEntryQuerySet:
        return self.filter(client=client_uuid)


class AuditHead(models.Model):
    """One row: the last entry's number and hash. Locking it serialises writers of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


#: The hash before the first entry.
GENESIS = "0" * 64


class AuditEntry(models.Model):
    # The trail outlives what it names: no foreign-key constraint ties an entry to a practice or
    # user, so removing one neither deletes nor rewrites (nor is blocked by) its entries.
    seq = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    at = models.DateTimeField(_("when"), editable=False, db_index=True)
    practice = models.ForeignKey(
        "practice.Practice",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practice"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (at the time)"), max_length=254, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    client = models.UUIDField(_("client"), null=True, blank=True, db_index=True)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering: ClassVar = ["-seq"]
        indexes: ClassVar = [
            models.Index(fields=["practice", "-seq"], name="audit_practice_seq"),
            models.Index(fields=["client", "-seq"], name="audit_client_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only")

    # --- the chain --------------------------------------------------------------------------

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but ``hash``, in a fixed order and format."""
        payload = {
            "seq": int(self.seq),
            "at": self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "practice": self.practice_id,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "role": self.role,
            "ip": self.ip or "",
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "client": str(self.client) if self.client else "",
            "fields": list(self.fields or []),
            "detail": self.detail or {},
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
