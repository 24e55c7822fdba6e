"""The availability pages (owner and practitioners): weekly hours per location, days away,
closures, services and who offers them. The front desk reads them. Views parse, authorise,
call one service, render; the rules are the services' (docs/scheduling.md)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from headwise.accounts.access import StaffRequest, may_edit_availability, require_owner, staff_required
from headwise.common.pages import errors_to_form
from headwise.practice import services
from headwise.practice.forms_availability import ClosureForm, ExceptionForm, HoursForm, OfferForm, ServiceForm
from headwise.practice.models import (
    AvailabilityException,
    Closure,
    Practice,
    Practitioner,
    Service,
    WorkingHours,
)


def _today(practice: Practice) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(practice.time_zone)).date()


def _editor(request: StaffRequest, practitioner: Practitioner) -> None:
    if not may_edit_availability(request.membership, practitioner):
        raise PermissionDenied


@staff_required
def index(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    service_form = ServiceForm(request.POST or None, prefix="service")
    closure_form = ClosureForm(request.POST or None, practice=practice, prefix="closure")
    status = 200
    if request.method == "POST":
        require_owner(request)
        if "service-name" in request.POST and service_form.is_valid():
            try:
                services.service_add(practice=practice, **service_form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(service_form, exc)
            else:
                messages.success(request, _("Service added."))
                return redirect("availability:index")
        elif "closure-first_day" in request.POST and closure_form.is_valid():
            try:
                services.closure_add(practice=practice, **closure_form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(closure_form, exc)
            else:
                messages.success(request, _("Closure added."))
                return redirect("availability:index")
        status = 422
    practitioners = (
        Practitioner.objects.for_practice(practice)
        .filter(is_active=True)
        .prefetch_related("services", "locations")
        .order_by("display_name")
    )
    today = _today(practice)
    return render(
        request,
        "practice/availability.html",
        {
            "practitioners": [(p, may_edit_availability(request.membership, p)) for p in practitioners],
            "services": Service.objects.for_practice(practice).order_by("position", "name"),
            "closures": Closure.objects.for_practice(practice)
            .filter(last_day__gte=today)
            .select_related("location")
            .order_by("first_day"),
            "service_form": service_form if request.membership.is_owner else None,
            "closure_form": closure_form if request.membership.is_owner else None,
        },
        status=status,
    )


@staff_required
def practitioner_page(request: StaffRequest, practitioner_id: uuid.UUID) -> HttpResponse:
    practice = request.practice
    practitioner = get_object_or_404(Practitioner.objects.for_practice(practice), uuid=practitioner_id)
    may_edit = may_edit_availability(request.membership, practitioner)
    hours_form = HoursForm(request.POST or None, practice=practice, prefix="hours")
    exception_form = ExceptionForm(request.POST or None, practice=practice, prefix="exception")
    offer_form = OfferForm(
        request.POST or None,
        practice=practice,
        prefix="offer",
        initial={"services": practitioner.services.all(), "locations": practitioner.locations.all()},
    )
    status = 200
    if request.method == "POST":
        _editor(request, practitioner)
        try:
            if "hours-weekday" in request.POST and hours_form.is_valid():
                services.working_hours_add(practitioner=practitioner, **hours_form.cleaned_data)
                messages.success(request, _("Working hours added."))
                return redirect("availability:practitioner", practitioner.uuid)
            if "exception-date" in request.POST and exception_form.is_valid():
                services.exception_add(practitioner=practitioner, **exception_form.cleaned_data)
                messages.success(request, _("Exception added."))
                return redirect("availability:practitioner", practitioner.uuid)
            if "offer-submitted" in request.POST:
                require_owner(request)
                if offer_form.is_valid():
                    services.practitioner_offer_set(
                        practitioner=practitioner,
                        services=offer_form.cleaned_data["services"],
                        locations=offer_form.cleaned_data["locations"],
                    )
                    messages.success(request, _("Services and locations saved."))
                    return redirect("availability:practitioner", practitioner.uuid)
        except ValidationError as exc:
            form = hours_form if "hours-weekday" in request.POST else exception_form
            errors_to_form(form, _renamed(exc))
        status = 422
    hours = (
        WorkingHours.objects.for_practice(practice)
        .filter(practitioner=practitioner)
        .select_related("location")
        .order_by("location__name", "weekday", "starts")
    )
    exceptions = (
        AvailabilityException.objects.for_practice(practice)
        .filter(practitioner=practitioner, date__gte=_today(practice))
        .select_related("location")
        .order_by("date", "starts")
    )
    return render(
        request,
        "practice/availability_practitioner.html",
        {
            "practitioner": practitioner,
            "may_edit": may_edit,
            "hours": hours,
            "exceptions": exceptions,
            "hours_form": hours_form,
            "exception_form": exception_form,
            "offer_form": offer_form if request.membership.is_owner else None,
        },
        status=status,
    )


def _renamed(exc: ValidationError) -> ValidationError:
    """The services name ``location_id``; the forms' field is ``location``."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {("location" if k == "location_id" else k): v for k, v in exc.message_dict.items()}
    )


@require_POST
@staff_required
def hours_delete(request: StaffRequest, working_hours_id: uuid.UUID) -> HttpResponse:
    hours = get_object_or_404(WorkingHours.objects.for_practice(request.practice), uuid=working_hours_id)
    _editor(request, hours.practitioner)
    services.working_hours_delete(hours=hours)
    messages.success(request, _("Working hours removed."))
    return redirect("availability:practitioner", hours.practitioner.uuid)


@require_POST
@staff_required
def exception_delete(request: StaffRequest, exception_id: uuid.UUID) -> HttpResponse:
    exception = get_object_or_404(
        AvailabilityException.objects.for_practice(request.practice), uuid=exception_id
    )
    _editor(request, exception.practitioner)
    services.exception_delete(exception=exception)
    messages.success(request, _("Exception removed."))
    return redirect("availability:practitioner", exception.practitioner.uuid)


@require_POST
@staff_required
def closure_delete(request: StaffRequest, closure_id: uuid.UUID) -> HttpResponse:
    closure = get_object_or_404(Closure.objects.for_practice(request.practice), uuid=closure_id)
    require_owner(request)
    services.closure_delete(closure=closure)
    messages.success(request, _("Closure removed."))
    return redirect("availability:index")


@staff_required
def service_edit(request: StaffRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_object_or_404(Service.objects.for_practice(request.practice), uuid=service_id)
    require_owner(request)
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=service.pk))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.service_update(service=service, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Service saved."))
                return redirect("availability:index")
        return render(request, "practice/service_form.html", {"form": form, "service": service}, status=422)
    return render(request, "practice/service_form.html", {"form": form, "service": service})
