"""Forms of the calendar: book a slot (once or weekly × N), move, close, and the waiting list.

Times are read in the location's time zone (``*_local`` fields); the services get UTC instants.
The forms check the shape of the input only; every rule is the services'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.care.models import AppointmentStatus
from headwise.clients.models import Client, ClientStatus
from headwise.common.limits import NOTES
from headwise.practice.models import Location, Practice, Practitioner, Room, Service

#: The longest series booked in one go (the intensive phase is weekly; three months at most).
SERIES_MAX = 12
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time, kept naive: the view reads it in the LOCATION's zone (Django's own
    field would read it in the signed-in user's zone, wrong for a location elsewhere)."""

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        return forms.fields.BaseTemporalField.to_python(self, value)


def _scoped(form: forms.Form, practice: Practice) -> None:
    querysets = {
        "client": Client.objects.for_practice(practice).filter(status=ClientStatus.ACTIVE),
        "service": Service.objects.for_practice(practice).filter(is_active=True),
        "practitioner": Practitioner.objects.for_practice(practice).filter(is_active=True),
        "location": Location.objects.for_practice(practice).filter(is_active=True),
        "room": Room.objects.for_practice(practice).filter(is_active=True).select_related("location"),
    }
    for name, queryset in querysets.items():
        if f"{name}_id" in form.fields:
            form.fields[f"{name}_id"].queryset = queryset  # type: ignore[attr-defined]


class BookingForm(forms.Form):
    client_id = forms.ModelChoiceField(
        label=_("Client"), queryset=Client.objects.none(), to_field_name="uuid"
    )
    service_id = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), to_field_name="uuid"
    )
    practitioner_id = forms.ModelChoiceField(
        label=_("Practitioner"), queryset=Practitioner.objects.none(), to_field_name="uuid"
    )
    location_id = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), to_field_name="uuid"
    )
    room_id = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("No room"),
    )
    starts_at_local = LocalDateTimeField(
        label=_("Starts at (the location's local time)"),
        widget=LocalDateTimeInput(),
        input_formats=LOCAL_FORMATS,
    )
    count = forms.IntegerField(
        label=_("Sessions, weekly"),
        min_value=1,
        max_value=SERIES_MAX,
        initial=1,
        help_text=_(
            "1 books this slot only; more books the same time every week and says which dates were not free."
        ),
    )
    notes = forms.CharField(
        label=_("Notes for the front desk (optional)"),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, practice)


class MoveForm(forms.Form):
    starts_at_local = LocalDateTimeField(
        label=_("New start (the location's local time)"),
        widget=LocalDateTimeInput(),
        input_formats=LOCAL_FORMATS,
    )
    room_id = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("No room"),
    )

    def __init__(self, *args: Any, practice: Practice, location: Location, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room_id"].queryset = Room.objects.for_practice(practice).filter(  # type: ignore[attr-defined]
            location=location, is_active=True
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (AppointmentStatus.CANCELLED, _("Cancelled")),
            (AppointmentStatus.NO_SHOW, _("Did not attend")),
            (AppointmentStatus.ATTENDED, _("Attended")),
        ],
    )
    cancellation_reason = forms.CharField(label=_("Reason for cancelling"), required=False, max_length=200)


class WaitlistForm(forms.Form):
    client_id = forms.ModelChoiceField(
        label=_("Client"), queryset=Client.objects.none(), to_field_name="uuid"
    )
    service_id = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Any"),
    )
    practitioner_id = forms.ModelChoiceField(
        label=_("Practitioner"),
        queryset=Practitioner.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Any practitioner"),
    )
    location_id = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Any location"),
    )
    earliest = forms.DateField(label=_("From"), widget=_DateInput())
    latest = forms.DateField(label=_("Until"), widget=_DateInput(), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days that suit (none ticked: any day)"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_from = forms.TimeField(label=_("Not before"), widget=_TimeInput(), required=False)
    time_until = forms.TimeField(label=_("Ending by"), widget=_TimeInput(), required=False)
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, practice)
