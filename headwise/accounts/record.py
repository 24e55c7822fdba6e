"""The sign-in events of the audit trail, written through the one writer ``audit_record``.

Never a password, a code or a typed e-mail address: the entry names who (when known), the
action, the address the request came from, and short words or numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

    from headwise.accounts.models import User

__all__ = ["AuditAction", "record"]


def record(
    request: HttpRequest | None,
    action: str,
    *,
    user: User | None,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    practice: Any = None,
) -> None:
    """Append one sign-in event by ``user`` (``None`` when nobody signed in did it)."""
    if (
        practice is None
        and user is not None
        and (request is None or getattr(request, "practice", None) is None)
    ):
        from headwise.practice.models import Membership

        practice = Membership.objects.filter(user=user).values_list("practice_id", flat=True).first()
    audit_record(
        action=action, request=request, actor=user, practice=practice, obj=obj, fields=fields, detail=detail
    )
