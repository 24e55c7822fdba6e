"""The public page (no sign-in), its booking request form, and the staff pages behind them."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from headwise.accounts.access import StaffRequest, owner_required, require_owner, staff_required
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.practice import selectors as practice_selectors
from headwise.practice.models import Location
from headwise.public import limits, selectors, services, texts
from headwise.public.forms import BookingRequestForm, PublicPageForm
from headwise.public.models import RequestStatus

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _language(request: HttpRequest) -> str:
    """``?lang=`` (also kept by the form), else what the browser or the user's setting asked."""
    asked = request.GET.get("lang") or request.POST.get("lang") or ""
    return asked if asked in LANGUAGES else translation.get_language_from_request(request)


def _page_url(location: Location, name: str, language: str) -> str:
    url = reverse(name, args=[location.practice.slug, location.slug])
    return f"{url}?{urlencode({'lang': language})}"


def public_page(request: HttpRequest, practice_slug: str, location_slug: str) -> HttpResponse:
    location = selectors.public_location(practice_slug=practice_slug, location_slug=location_slug)
    language = _language(request)
    with translation.override(language):
        view = selectors.public_view(location=location)
        form = BookingRequestForm(request.POST or None, services=view.services)
        status = 200
        if request.method == "POST":
            outcome = _receive(request, view, form, language)
            if isinstance(outcome, HttpResponse):
                return outcome
            status = outcome
        context = _context(request, view, language) | {"form": form, "too_many": status == 429}
        return render(request, "public/page.html", context, status=status)


def _receive(
    request: HttpRequest, view: selectors.PublicView, form: BookingRequestForm, language: str
) -> HttpResponse | int:
    """A redirect to the thanks page, or the status to show the form again with."""
    address = limits.client_address(request.META)
    if limits.over_limit("address", address):
        return 429
    limits.count("address", address)
    if not view.page.accepts_requests:
        form.add_error(None, _("This page takes no booking requests; please call or e-mail the practice."))
        return 422
    thanks = redirect(_page_url(view.location, "public:thanks", language))
    if form.is_bot:
        return thanks  # the same answer as a real request: nothing saved, nothing sent
    if not form.is_valid():
        return 422
    data = form.cleaned_data
    try:
        services.booking_request_receive(
            location=view.location,
            given_name=data["given_name"],
            family_name=data["family_name"],
            email=data["email"],
            phone=data["phone"],
            service_name=form.service_name(),
            preferred_times=data["preferred_times"],
            message=data["message"],
            consent_to_contact=data["consent_to_contact"],
            language=language,
        )
    except services.TooManyRequestsError:
        return 429
    except ValidationError as exc:
        errors_to_form(form, exc)
        return 422
    return thanks


def _context(request: HttpRequest, view: selectors.PublicView, language: str) -> dict[str, object]:
    location = view.location
    return {
        "view": view,
        "location": location,
        "public_practice": location.practice,
        "lang": language,
        "intro": view.page.text("intro", language),
        "expect": view.page.text("expect", language),
        "notes": view.page.text("notes", language),
        "texts": texts,
        "switch": [
            (code, name, _page_url(location, "public:page", code))
            for code, name in (("en", "English"), ("nl", "Nederlands"))
        ],
        "page_url": _page_url(location, "public:page", language),
    }


def thanks(request: HttpRequest, practice_slug: str, location_slug: str) -> HttpResponse:
    location = selectors.public_location(practice_slug=practice_slug, location_slug=location_slug)
    language = _language(request)
    with translation.override(language):
        view = selectors.PublicView(location, selectors.page_of(location=location), [], [])
        return render(request, "public/thanks.html", _context(request, view, language))


# --- staff: the page's texts ------------------------------------------------------------------


@owner_required
def page_list(request: StaffRequest) -> HttpResponse:
    locations = practice_selectors.locations_of(practice=request.practice)
    return render(request, "public/page_list.html", {"locations": locations})


@staff_required
def page_edit(request: StaffRequest, location_id: uuid.UUID) -> HttpResponse:
    location = get_object_or_404(Location.objects.for_practice(request.practice), uuid=location_id)
    require_owner(request)
    page = selectors.page_of(location=location)
    form = PublicPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        try:
            services.page_save(location=location, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The public page is saved."))
            return redirect("public:page_edit", location_id=location.uuid)
    preview = reverse("public:page", args=[request.practice.slug, location.slug]) if location.slug else ""
    return render(
        request,
        "public/page_edit.html",
        {"form": form, "location": location, "preview": preview},
        status=422 if form.errors else 200,
    )


# --- staff: the booking requests ----------------------------------------------------------------


@staff_required
def request_list(request: StaffRequest) -> HttpResponse:
    handled = request.GET.get("status") == RequestStatus.HANDLED
    status = RequestStatus.HANDLED if handled else RequestStatus.NEW
    requests = selectors.requests_of(practice=request.practice, status=status)[:200]
    return render(request, "public/request_list.html", {"requests": requests, "handled": handled})


@require_POST
@staff_required
def request_handled(request: StaffRequest, booking_request_id: uuid.UUID) -> HttpResponse:
    booking = selectors.request_get(practice=request.practice, request_id=booking_request_id)
    services.booking_request_handle(request=booking, by=request.user)
    messages.success(request, _("Marked as handled."))
    return redirect("public:requests")


@require_POST
@staff_required
def request_activate(request: StaffRequest, booking_request_id: uuid.UUID) -> HttpResponse:
    booking = selectors.request_get(practice=request.practice, request_id=booking_request_id)
    try:
        services.prospective_activate(client=booking.client, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("web:client_edit", client_id=booking.client.uuid)
    messages.success(request, _("%(name)s is now a client of the practice.") % {"name": booking.client})
    return redirect("web:client_detail", client_id=booking.client.uuid)
