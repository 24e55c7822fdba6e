"""Per-request context: the user's language and time zone, their practice or client record."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation


class ActivateUserMiddleware:
    """Activate the signed-in user's language and zone; attach ``membership`` and ``client``.

    ``request.practice`` is the tenant for every query a staff request makes; it is ``None``
    for clients and anonymous visitors, whose reads go through their own client record.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from headwise.accounts.access import attach_identity

        attach_identity(request)
        user = request.user
        previous_language = translation.get_language()
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        response = self.get_response(request)
        if user.is_authenticated:
            # Leave the thread as it was found: whatever runs next on it (another request,
            # a task, a test) starts in its own language, not this user's.
            response.headers.setdefault("Content-Language", user.language)
            translation.activate(previous_language)
        timezone.deactivate()
        return response


#: Paths a signed-in user may reach before the sign-in policy is satisfied.
_POLICY_FREE_PREFIXES = ("/static/", "/favicon.ico", "/logout/", "/i18n/")


class SignInPolicyMiddleware:
    """Idle logout, and two-step sign-in where the practice requires it.

    * A session unused for longer than its limit (``sessions.idle_seconds``) is signed out;
      the last-seen stamp is written at most once a minute, so an active user's session is not
      saved on every request.
    * Staff of a practice that requires two-step sign-in reach nothing but the set-up (no
      authenticator yet) or the code page (authenticator, session not yet verified).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from headwise.accounts import sessions

        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if sessions.is_idle(request):
            return self._signed_out_idle(request)
        sessions.touch(request)
        if not request.path.startswith(_POLICY_FREE_PREFIXES):
            blocked = self._two_factor_gate(request)
            if blocked is not None:
                return blocked
        return self.get_response(request)

    @staticmethod
    def _signed_out_idle(request: HttpRequest) -> HttpResponse:
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Signed out after a period without use; sign in again", "errors": []}, status=401
            )
        messages.info(request, _("You were signed out after a while without use. Please sign in again."))
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = "/login/"
            return response
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")

    @staticmethod
    def _two_factor_gate(request: HttpRequest) -> HttpResponse | None:
        from django.shortcuts import redirect
        from django.urls import reverse

        from headwise.accounts import two_factor

        membership = getattr(request, "membership", None)
        if membership is None or not membership.practice.require_two_factor:
            return None
        if request.user.is_verified():  # type: ignore[union-attr]
            return None
        enrolled = two_factor.is_enrolled(request.user)  # type: ignore[arg-type]
        target = reverse("accounts:login_code") if enrolled else reverse("accounts:two_factor_setup")
        if request.path in {target, reverse("accounts:reauth"), reverse("accounts:two_factor_qr")}:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Your practice requires two-step sign-in; finish it in the browser", "errors": []},
                status=403,
            )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
