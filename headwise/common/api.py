"""The API's shared machinery: authentication, the error shape, the router list.

Errors are JSON of one shape everywhere::

    {"detail": "Invalid input", "errors": [{"field": "started_at", "message": "…"}]}

Authentication is the browser session (with CSRF) or a personal access token sent as
``Authorization: Bearer hw_…``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from headwise.accounts.access import attach_identity
from headwise.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(token_hash=ApiToken.hash_secret(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        attach_identity(request)
        return found.user


def _field_of(loc: Any) -> str:
    """The field an error of ninja's names: ``body`` when the body as a whole is wrong."""
    loc = tuple(loc)
    parts = [str(p) for p in loc[2:] if p not in ("body", "payload", "query", "path")]
    if parts:
        return ".".join(parts)
    if loc[:1] == ("body",):
        return "body"
    named = [str(p) for p in loc[1:] if p not in ("body", "payload", "query", "path")]
    return ".".join(named) if named else "__all__"


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The one shape of every 4xx answer of the API (see :class:`~headwise.common.api_access.Error`)."""
    return {"detail": detail, "errors": errors or []}


def django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": "__all__", "message": str(m)} for m in exc.messages]


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Headwise API",
        version="1",
        description=(
            "Practice, client, care and diary records of one practice. Every route is scoped "
            "to the caller's practice, or, for a client, to their own record; anything else "
            "answers 404."
        ),
        auth=[TokenAuth(), django_auth],
        urls_namespace="api",
    )

    @api.exception_handler(NinjaValidationError)
    def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _field_of(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
        return api.create_response(request, error_body("Invalid input", errors), status=422)

    @api.exception_handler(DjangoValidationError)
    def on_django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        body = error_body("Invalid input", django_errors(exc))
        # avail: a taken slot adds the nearby free slots (headwise.care.services.SlotTaken)
        extra = getattr(exc, "api_extra", None)
        if callable(extra):
            body.update(extra())
        return api.create_response(request, body, status=422)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja's answer to a body that is not JSON
            errors = [{"field": "body", "message": _("The body is not valid JSON.")}]
            return api.create_response(request, error_body("Malformed request", errors), status=400)
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("Not found"), status=404)

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, error_body("Your role may not do this"), status=403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, error_body("Sign in or send a valid token"), status=401)

    from headwise.common.routers import ROUTERS

    for prefix, router in ROUTERS():
        api.add_router(prefix, router)
    return api
