"""Calendars: the practitioner's private feed, an appointment's .ics, and the feed settings page.

The feed route needs no sign-in: its secret is the key. An unknown, revoked or orphaned secret
answers the same 404, and the response is never cached (``Cache-Control: no-store``, which
NoStoreMiddleware sets on every answer).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from headwise.accounts.access import (
    ClientRequest,
    StaffRequest,
    client_required,
    owner_required,
    staff_required,
)
from headwise.care import calendars, ics
from headwise.care.models import Appointment, CalendarFeed
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.practice.models import Practitioner


def _calendar_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = calendars.feed_by_token(token=token)
    if found is None:
        raise Http404
    name = _("Headwise: %(name)s") % {"name": found.practitioner.display_name}
    body = ics.feed_ics(name=name, uid=str(found.uuid), appointments=calendars.feed_appointments(feed=found))
    return _calendar_response(body, filename="headwise.ics")


@require_GET
@staff_required
def appointment_ics(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """The client's copy of an appointment, for the front desk to hand over or send."""
    appointment = get_object_or_404(
        Appointment.objects.for_practice(request.practice).select_related(
            "client", "practitioner", "location", "room", "practice"
        ),
        uuid=appointment_id,
    )
    return _calendar_response(ics.appointment_ics(appointment), filename="appointment.ics")


@require_GET
@client_required
def my_appointment_ics(request: ClientRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.for_practice(request.client.practice)
        .filter(client=request.client)
        .select_related("client", "practitioner", "location", "room", "practice"),
        uuid=appointment_id,
    )
    return _calendar_response(ics.appointment_ics(appointment), filename="appointment.ics")


class ReminderSettingsForm(forms.Form):
    appointment_reminders = forms.BooleanField(
        label=gettext_lazy("E-mail clients a reminder before each appointment"), required=False
    )
    appointment_reminder_hours = forms.IntegerField(
        label=gettext_lazy("Hours before the appointment"),
        min_value=1,
        max_value=168,
        help_text=gettext_lazy(
            "From 1 to 168 (a week). The reminder carries the appointment's calendar file."
        ),
    )


def _page(
    request: StaffRequest, *, reminder_form: ReminderSettingsForm | None = None, new_url: str = ""
) -> HttpResponse:
    membership = request.membership
    practice = request.practice
    form = reminder_form or ReminderSettingsForm(
        initial={
            "appointment_reminders": practice.appointment_reminders,
            "appointment_reminder_hours": practice.appointment_reminder_hours,
        }
    )
    context = {
        "feeds": calendars.feeds_visible_to(membership=membership),
        "is_practitioner": Practitioner.objects.filter(membership=membership, is_active=True).exists(),
        "reminder_form": form if membership.is_owner else None,
        "new_url": new_url,
    }
    return render(request, "care/calendar_settings.html", context, status=422 if form.errors else 200)


@staff_required
def calendar_settings(request: StaffRequest) -> HttpResponse:
    """GET: the page. POST: a new feed, whose URL this one response shows (never again)."""
    if request.method != "POST" or request.POST.get("action") != "create":
        return _page(request)
    try:
        _feed, token = calendars.feed_create(membership=request.membership, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("care_calendar:settings")
    url = request.build_absolute_uri(reverse("care_calendar:feed", kwargs={"token": token}))
    return _page(request, new_url=url)


@require_POST
@staff_required
def feed_revoke(request: StaffRequest, feed_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(
        CalendarFeed.objects.for_practice(request.practice).select_related("practitioner"),
        uuid=feed_id,
        revoked_at__isnull=True,
    )
    calendars.feed_revoke(feed=found, membership=request.membership, by=request.user)
    messages.success(request, _("The feed is revoked: calendars subscribed to it get nothing more."))
    return redirect("care_calendar:settings")


@require_POST
@owner_required
def reminder_settings(request: StaffRequest) -> HttpResponse:
    form = ReminderSettingsForm(request.POST)
    if form.is_valid():
        try:
            calendars.reminder_settings_update(
                practice=request.practice, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Reminder settings saved."))
            return redirect("care_calendar:settings")
    return _page(request, reminder_form=form)
