"""Who may see what. Every view and API route goes through these helpers.

Outsiders get 404, never 403: a user of another practice, or another client, must not even
learn that a record exists. Inside a practice, a role that may not do something gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from headwise.accounts.models import User
    from headwise.clients.models import Client
    from headwise.practice.models import Membership, Practice

F = TypeVar("F", bound=Callable[..., HttpResponse])


class HeadwiseRequest(HttpRequest):
    """A request after the middleware: who is asking, and as whom."""

    user: User
    membership: Membership | None
    practice: Practice | None
    client: Client | None
    htmx: HtmxDetails


class StaffRequest(HeadwiseRequest):
    """What a view behind ``staff_required`` receives: a member of one practice."""

    membership: Membership
    practice: Practice


class ClientRequest(HeadwiseRequest):
    """What a view behind ``client_required`` receives: a client's own login."""

    client: Client


def attach_identity(request: HttpRequest) -> None:
    """Set ``request.membership``, ``request.practice`` and ``request.client``."""
    request.membership = None  # type: ignore[attr-defined]
    request.practice = None  # type: ignore[attr-defined]
    request.client = None  # type: ignore[attr-defined]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return
    from headwise.clients.models import Client
    from headwise.practice.models import Membership

    membership = Membership.objects.select_related("practice").filter(user=user, is_active=True).first()
    if membership is not None:
        request.membership = membership  # type: ignore[attr-defined]
        request.practice = membership.practice  # type: ignore[attr-defined]
        return
    client = Client.objects.select_related("practice").filter(user=user, status="active").first()
    if client is not None:
        request.client = client  # type: ignore[attr-defined]


def _login_or_404(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def staff_required(view: F) -> F:
    """Any active member of a practice; anyone else is told the page does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (redirect := _login_or_404(request)) is not None:
            return redirect
        if request.membership is None:  # type: ignore[attr-defined]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def clinician_required(view: F) -> F:
    """Owners and practitioners: those who may read clinical notes and diaries."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.sees_clinical_records:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_owner(request: HttpRequest) -> None:
    """Inside a practice, only its owners manage staff and locations (403 for others)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_owner:
        raise PermissionDenied


def require_clinician(request: HttpRequest) -> None:
    """Inside a practice, only owners and practitioners read clinical records (403)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.sees_clinical_records:
        raise PermissionDenied


def owner_required(view: F) -> F:
    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.is_owner:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def client_required(view: F) -> F:
    """A client signed in to their own diary."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (redirect := _login_or_404(request)) is not None:
            return redirect
        if request.client is None:  # type: ignore[attr-defined]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
