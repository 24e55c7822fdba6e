"""Pages. Each view parses, authorises, calls one service or selector, renders."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.accounts.access import (
    ClientRequest,
    HeadwiseRequest,
    StaffRequest,
    client_required,
    owner_required,
    require_owner,
    staff_required,
)
from headwise.accounts.forms import PreferencesForm
from headwise.accounts.views import security_context
from headwise.care.models import Appointment
from headwise.clients import selectors as client_selectors
from headwise.clients import services as client_services
from headwise.clients.forms import ClientForm
from headwise.common.pages import errors_to_form
from headwise.common.paging import BadCursorError, bad_cursor_page, cursor_of, keep_query, keyset_page
from headwise.diary import selectors as diary_selectors
from headwise.diary.localtime import client_today
from headwise.practice import selectors as practice_selectors
from headwise.practice import services as practice_services
from headwise.practice.forms import LocationForm, MembershipForm, StaffForm
from headwise.practice.models import Location, Membership
from headwise.web.desk import desk

#: Clients on one page of the client list.
CLIENTS_PER_PAGE = 50


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page's ``<link rel="icon">`` says."""
    return redirect(static("web/favicon.svg"), permanent=True)


def home(request: HeadwiseRequest) -> HttpResponse:
    if request.membership is not None:
        return redirect("web:staff_home")
    if request.client is not None:
        return redirect("web:my_home")
    if request.user.is_authenticated:
        return render(request, "web/no_access.html", status=403)
    return redirect("web:login")


@login_required
def preferences(request: HeadwiseRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("web:preferences")
    context: dict[str, object] = {"form": form, **security_context(request)}
    if request.client is not None:
        context["consents"] = client_selectors.consents_of(client=request.client)
    return render(request, "web/preferences.html", context, status=422 if form.errors else 200)


@staff_required
def staff_home(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = timezone.localdate()
    appointments = practice_selectors.appointments_on_day(
        practice=practice,
        day=today,
        time_zone=request.user.time_zone,
    )
    clients = keyset_page(
        client_selectors.clients_search(practice=practice),
        cursor=None,
        per_page=CLIENTS_PER_PAGE,
        scope=client_list_scope(practice.pk),
    )
    return render(
        request,
        "web/staff_home.html",
        {"today": today, "appointments": appointments, "page": clients},
    )


def client_list_scope(practice_id: int) -> str:
    """The client list's cursors are good for one practice's list only."""
    return f"clients:{practice_id}"


@staff_required
def client_list(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    archived = request.GET.get("archived") == "1"
    clients = client_selectors.clients_search(
        practice=request.practice, query=query, include_archived=archived
    )
    try:
        page = keyset_page(
            clients,
            cursor=cursor_of(request),
            per_page=CLIENTS_PER_PAGE,
            scope=client_list_scope(request.practice.pk),
            anchors=client_selectors.clients_of(practice=request.practice),
        )
    except BadCursorError:
        return bad_cursor_page(request, reverse("web:client_list"))
    keep = keep_query([("q", query), ("archived", "1" if archived else "")])
    template = "web/_client_rows.html" if request.htmx else "web/client_list.html"
    return render(request, template, {"page": page, "q": query, "archived": archived, "keep": keep})


@staff_required
def client_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = ClientForm(
        request.POST or None,
        practice=practice,
        clinical=request.membership.sees_clinical_records,
        initial={"time_zone": client_services.default_time_zone(practice)},
    )
    if request.method == "POST" and form.is_valid():
        client = client_services.client_create(practice=practice, by=request.user, **form.cleaned_data)
        messages.success(request, _("Client record created."))
        return redirect("web:client_detail", client_id=client.uuid)
    return render(request, "web/client_form.html", {"form": form}, status=422 if form.errors else 200)


@staff_required
def client_edit(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    practice = request.practice
    client = client_selectors.client_get(practice=practice, client_id=client_id)
    form = ClientForm(
        request.POST or None,
        instance=client,
        practice=practice,
        clinical=request.membership.sees_clinical_records,
    )
    if request.method == "POST" and form.is_valid():
        client_services.client_update(client=client, by=request.user, **form.cleaned_data)
        messages.success(request, _("Changes saved; the earlier version is kept in the history."))
        return redirect("web:client_detail", client_id=client.uuid)
    return render(
        request, "web/client_form.html", {"form": form, "client": client}, status=422 if form.errors else 200
    )


@staff_required
def client_detail(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    membership = request.membership
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    context: dict[str, object] = {
        "client": client,
        "age": client.age_on(client_today(client)),
        "appointments": Appointment.objects.filter(client=client)
        .select_related("practitioner", "location")
        .order_by("-starts_at")[:10],
    }
    context.update(desk(client=client, membership=membership))
    if membership.sees_clinical_records:
        context["days"] = diary_selectors.diary_days(client=client, end=client_today(client), days=28)
        context["attacks"] = diary_selectors.attacks_of(client=client)[:10]
    return render(request, "web/client_detail.html", context)


@owner_required
def practice_settings(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    return render(
        request,
        "web/practice_settings.html",
        {
            "locations": practice_selectors.locations_of(practice=practice),
            "staff": practice_selectors.staff_of(practice=practice),
        },
    )


@owner_required
def location_new(request: StaffRequest) -> HttpResponse:
    return _location_form(request, Location())


@staff_required
def location_edit(request: StaffRequest, location_id: uuid.UUID) -> HttpResponse:
    # Look up first, then check the role: another practice's id is 404 for every role.
    location = get_object_or_404(Location.objects.for_practice(request.practice), uuid=location_id)
    require_owner(request)
    return _location_form(request, location)


def _location_form(request: StaffRequest, location: Location) -> HttpResponse:
    form = LocationForm(request.POST or None, instance=location, practice=request.practice)
    if request.method == "POST" and form.is_valid():
        practice_services.location_save(location=form.instance)
        messages.success(request, _("Location saved."))
        return redirect("web:practice_settings")
    return render(
        request,
        "web/location_form.html",
        {"form": form, "location": location},
        status=422 if form.errors else 200,
    )


@owner_required
def staff_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = StaffForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        practice_services.staff_add(practice=practice, **form.cleaned_data)
        messages.success(request, _("Staff member added. They can sign in now."))
        return redirect("web:practice_settings")
    return render(request, "web/staff_form.html", {"form": form}, status=422 if form.errors else 200)


@staff_required
def staff_edit(request: StaffRequest, membership_id: uuid.UUID) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.for_practice(request.practice).select_related("user"), uuid=membership_id
    )
    require_owner(request)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            practice_services.membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Staff member updated."))
            return redirect("web:practice_settings")
    return render(
        request,
        "web/staff_edit.html",
        {"form": form, "member": membership},
        status=422 if form.errors else 200,
    )


@client_required
def my_home(request: ClientRequest) -> HttpResponse:
    client = request.client
    days = diary_selectors.diary_days(client=client, end=client_today(client), days=28)
    return render(
        request,
        "web/my_home.html",
        {
            "client": client,
            "days": days,
            "missing": sum(not d.recorded for d in days),
            "attacks": diary_selectors.attacks_of(client=client)[:10],
        },
    )
