"""Sessions: idle logout, sign-out everywhere, and ending a person's access at once.

One definition of a session's idle limit (``idle_seconds``) and of "end every session and
token of this user" (``end_access``), used by the middleware, the settings page and the
membership service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

if TYPE_CHECKING:
    from django.http import HttpRequest

    from headwise.accounts.models import User

#: The session key holding the last instant (POSIX seconds) the user was seen.
SEEN_AT = "headwise.seen_at"


def idle_seconds(request: HttpRequest) -> int:
    """How long this session may sit unused: staff (or anyone not a client) 30 min, clients 7 days."""
    if getattr(request, "client", None) is not None and getattr(request, "membership", None) is None:
        return int(settings.HEADWISE_CLIENT_IDLE_MINUTES) * 60
    return int(settings.HEADWISE_STAFF_IDLE_MINUTES) * 60


def start(request: HttpRequest) -> None:
    """A new sign-in: stamp it seen now and give the session its lifetime.

    Clients keep their session across browser restarts for their idle period (a diary used
    mid-migraine on one's own phone should not ask for a password each time); staff sessions
    end when the browser closes and after their idle period, whichever comes first.
    """
    from headwise.accounts.access import attach_identity

    now = int(timezone.now().timestamp())
    request.session[SEEN_AT] = now
    if getattr(request, "membership", None) is None and getattr(request, "client", None) is None:
        attach_identity(request)
    if getattr(request, "client", None) is not None and getattr(request, "membership", None) is None:
        request.session.set_expiry(idle_seconds(request) + settings.HEADWISE_SEEN_EVERY_SECONDS)
    else:
        request.session.set_expiry(0)


def is_idle(request: HttpRequest) -> bool:
    """Whether the session sat unused longer than its limit (a session without a stamp is not)."""
    seen = request.session.get(SEEN_AT)
    if not isinstance(seen, int | float):
        return False
    return timezone.now().timestamp() - seen > idle_seconds(request)


def touch(request: HttpRequest) -> None:
    """Stamp the session seen now, at most once a minute (the session is written only then)."""
    now = int(timezone.now().timestamp())
    seen = request.session.get(SEEN_AT)
    if not isinstance(seen, int | float) or now - seen >= settings.HEADWISE_SEEN_EVERY_SECONDS:
        request.session[SEEN_AT] = now


@transaction.atomic
def end_sessions(*, user: User) -> None:
    """Every session of ``user`` signed in before now is refused on its next request."""
    from headwise.accounts.models import User

    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def revoke_tokens(*, user: User) -> int:
    """Revoke every usable API token of ``user``; answer how many."""
    from headwise.accounts.models import ApiToken

    return ApiToken.objects.usable().filter(user=user).update(revoked_at=timezone.now())


@transaction.atomic
def end_access(*, user: User, reason: str, practice: Any = None) -> None:
    """Sessions and tokens end at once (membership deactivated, access withdrawn).

    The audit entry names the user whose access ended as its record; the change that caused
    it (the membership's) has its own entry with its author.
    """
    from headwise.accounts.record import AuditAction, record

    end_sessions(user=user)
    count = revoke_tokens(user=user)
    detail = {"reason": reason, "tokens_revoked": count}
    record(None, AuditAction.SESSIONS_ENDED, user=None, obj=user, practice=practice, detail=detail)
