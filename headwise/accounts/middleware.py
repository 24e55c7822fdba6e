"""Per-request context: the user's language and time zone, their practice or client record."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
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
