"""The client's own booking page (/me/booking/) and the owner's online booking settings."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from headwise.accounts.access import ClientRequest, StaffRequest, client_required, owner_required
from headwise.care import online
from headwise.common.pages import errors_to_messages
from headwise.practice.models import Practice
from headwise.practice.services import booking_settings_update


def _starts_at(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError({"starts_at": _("Pick one of the times shown.")})
    return parsed


@client_required
def my_booking(request: ClientRequest) -> HttpResponse:
    client = request.client
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            starts_at = _starts_at(request.POST.get("starts_at", ""))
            if action == "move":
                online.online_move(client=client, starts_at=starts_at)
                messages.success(request, _("Your session is moved."))
            else:
                online.online_book(client=client, starts_at=starts_at)
                messages.success(request, _("Your session is booked."))
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return redirect(f"{request.path}?move=1" if action == "move" else request.path)
        return redirect("online:my_booking")
    state = online.online_state(client=client)
    moving = request.GET.get("move") == "1" and state.upcoming is not None and state.can_change
    return render(request, "care/my_booking.html", {"state": state, "moving": moving, "practice": None})


@client_required
def my_booking_cancel(request: ClientRequest) -> HttpResponse:
    client = request.client
    state = online.online_state(client=client, with_slots=False)
    if not state.enabled:
        raise Http404
    if request.method == "POST":
        try:
            online.online_cancel(client=client)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Your session is cancelled. The practice sees it at once."))
        return redirect("online:my_booking")
    return render(request, "care/my_booking_cancel.html", {"state": state})


class BookingSettingsForm(forms.ModelForm[Practice]):
    class Meta:
        model = Practice
        fields = ("slug", "online_booking", "booking_notice_hours", "cancel_notice_hours")  # noqa: DJ007
        labels = {"slug": gettext_lazy("Web address name of the practice")}  # noqa: RUF012


@owner_required
def booking_settings(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = BookingSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            booking_settings_update(practice=practice, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Online booking settings saved."))
            return redirect("web:practice_settings")
    return render(request, "care/booking_settings.html", {"form": form}, status=422 if form.errors else 200)
