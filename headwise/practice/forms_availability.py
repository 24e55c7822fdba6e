"""Forms of the availability pages: weekly hours, exceptions, closures, services, offers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.common.limits import SHORT
from headwise.practice.models import Location, Practice, Service, Weekday


def _locations(practice: Practice) -> Any:
    return Location.objects.for_practice(practice).filter(is_active=True).order_by("name")


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateInput(forms.DateInput):
    input_type = "date"


class HoursForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("Location"))
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label=_("Weekday"))
    starts = forms.TimeField(label=_("From"), widget=TimeInput(format="%H:%M"))
    ends = forms.TimeField(label=_("Until"), widget=TimeInput(format="%H:%M"))

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(practice)  # type: ignore[attr-defined]


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        label=_("Location"),
        help_text=_("Empty: away everywhere. Needed when you give hours."),
    )
    starts = forms.TimeField(
        label=_("Works only from"),
        required=False,
        widget=TimeInput(format="%H:%M"),
        help_text=_("Leave both times empty for a day away."),
    )
    ends = forms.TimeField(label=_("Until"), required=False, widget=TimeInput(format="%H:%M"))
    reason = forms.CharField(label=_("Reason"), max_length=SHORT, required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(practice)  # type: ignore[attr-defined]


class ClosureForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DateInput)
    last_day = forms.DateField(label=_("Last day"), widget=DateInput)
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        label=_("Location"),
        help_text=_("Empty: the whole practice."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=SHORT, required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(practice)  # type: ignore[attr-defined]


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = ("name", "appointment_kind", "duration_minutes", "buffer_minutes", "is_active", "position")


class OfferForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Services offered"),
    )
    locations = forms.ModelMultipleChoiceField(
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Works at"),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.for_practice(practice).order_by("position", "name")  # type: ignore[attr-defined]
        self.fields["locations"].queryset = Location.objects.for_practice(practice).order_by("name")  # type: ignore[attr-defined]
