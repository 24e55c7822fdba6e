"""Fresh authentication: a recent password (and second factor) before security settings.

A sign-in stamps the session with the instant it happened (``mark_fresh``; the
``user_logged_in`` signal does it for every sign-in, the re-authentication page does it again).
``require_fresh_auth`` guards a view: when the stamp is older than ``max_age_minutes`` the user
is sent to the re-authentication page, and back to the page they asked for afterwards.
Views that are reached as API routes call ``is_fresh`` and refuse with 403 instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

F = TypeVar("F", bound=Callable[..., HttpResponse])

#: The session key holding the instant (POSIX seconds) of the last authentication.
AUTH_AT = "headwise.auth_at"


def default_minutes() -> int:
    return int(getattr(settings, "HEADWISE_FRESH_AUTH_MINUTES", 10))


def mark_fresh(request: HttpRequest) -> None:
    """Record that the user proved who they are just now (password, and code if enrolled)."""
    request.session[AUTH_AT] = int(timezone.now().timestamp())


def authenticated_at(request: HttpRequest) -> int | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    value = session.get(AUTH_AT)
    return int(value) if isinstance(value, int | float) else None


def is_fresh(request: HttpRequest, max_age_minutes: int | None = None) -> bool:
    """Whether the signed-in user authenticated within the last ``max_age_minutes``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    stamp = authenticated_at(request)
    if stamp is None:
        return False
    minutes = default_minutes() if max_age_minutes is None else max_age_minutes
    age = timezone.now().timestamp() - stamp
    return 0 <= age <= minutes * 60


def safe_next(request: HttpRequest, candidate: str | None, fallback: str = "/") -> str:
    """``candidate`` if it is a path on this site, else ``fallback`` (no open redirect)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def reauth_url(next_url: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}"


def require_fresh_auth(max_age_minutes: int | None = None) -> Callable[[F], F]:
    """Guard a view: an authentication older than ``max_age_minutes`` asks for it again.

    Anonymous visitors go to the sign-in page. A stale POST is not carried out: the user
    re-authenticates and comes back to the page (a GET), where they submit again. HTMX requests
    get an ``HX-Redirect`` so the whole page moves, not a fragment.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if is_fresh(request, max_age_minutes):
                return view(request, *args, **kwargs)
            target = reauth_url(request.get_full_path())
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)

        return wrapper  # type: ignore[return-value]

    return decorate
