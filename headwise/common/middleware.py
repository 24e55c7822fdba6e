"""Every 4xx answer under ``/api/`` in the API's one error shape, also those no route produced.

Django answers an unknown path (404) and ninja a wrong method (405) before any route runs, as
HTML or plain text; this rewrites them as ``{"detail": …, "errors": []}`` (keeping ``Allow``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from headwise.common.api import error_body

_DETAIL = {
    400: "Malformed request",
    401: "Sign in or send a valid token",
    403: "Your role may not do this",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        status = response.status_code
        if (
            not request.path.startswith("/api/")
            or not 400 <= status < 500
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        shaped = HttpResponse(
            json.dumps(error_body(_DETAIL.get(status, "Request refused"))),
            status=status,
            content_type="application/json; charset=utf-8",
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                shaped[header] = response[header]
        return shaped


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer Django's views give (pages, API, charts).

    Any of them may carry a client's data (a page, an API record, a diary chart, an intake link's
    form), so no browser or proxy may keep a copy, e.g. on a shared computer at the front desk.
    It sits outside every middleware that may answer by itself (the API's error shape, CSRF,
    the lockout), so their answers carry it too. Static files (``STATIC_URL``, served by
    WhiteNoise) hold no one's data and stay cacheable. ``Pragma: no-cache`` is for HTTP/1.0
    caches. A view that sets its own Cache-Control is overruled: one rule, in one place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        if "Expires" in response:
            del response["Expires"]
        return response
