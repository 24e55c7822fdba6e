"""One call for the sign-in events the audit trail keeps (enrolment, reset, sign-out everywhere)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from headwise.accounts.models import User

log = logging.getLogger("headwise.signin")


def record(request: HttpRequest, action: str, *, user: User | None, detail: str = "") -> None:
    """Log a sign-in event: who, what, from which address (never a password or a code)."""
    log.info(
        "%s user=%s ip=%s %s", action, getattr(user, "pk", None), request.META.get("REMOTE_ADDR"), detail
    )
