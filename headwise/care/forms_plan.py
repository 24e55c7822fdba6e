"""Forms of the plan page: start a plan, decide on a phase change, book the next session, the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.care.forms_calendar import LOCAL_FORMATS, LocalDateTimeField, LocalDateTimeInput
from headwise.care.models import CadenceRuleSet, PhaseKind
from headwise.care.selectors import CADENCE_FIELDS
from headwise.common.limits import NOTES
from headwise.practice.models import Location, Practice, Practitioner, Room

#: The lengths a session can be booked for, in minutes (seed: about an hour).
DURATIONS = [(30, "30"), (45, "45"), (60, "60"), (75, "75"), (90, "90")]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PlanStartForm(forms.Form):
    started_on = forms.DateField(label=_("Starts on"), widget=_DateInput())
    kind = forms.ChoiceField(label=_("First phase"), choices=PhaseKind.choices, initial=PhaseKind.INTENSIVE)
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner in charge"), queryset=Practitioner.objects.none(), to_field_name="uuid"
    )
    goals = forms.CharField(
        label=_("Goals in the client's words"),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        field.queryset = Practitioner.objects.for_practice(practice).filter(is_active=True)  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    phase_id = forms.UUIDField(widget=forms.HiddenInput)
    to_kind = forms.ChoiceField(choices=PhaseKind.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("decline", _("Decline"))])
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTES, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("paused", _("Pause")), ("active", _("Resume")), ("ended", _("End"))])


class BookForm(forms.Form):
    """The next session; ``starts_at_local`` is read in the location's time zone."""

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
    # kept naive, as in the calendar's booking form: the view reads it in the location's zone
    starts_at_local = LocalDateTimeField(
        label=_("Starts at (the location's local time)"),
        widget=LocalDateTimeInput(),
        input_formats=LOCAL_FORMATS,
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Length (minutes)"), choices=DURATIONS, coerce=int, initial=60
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scoped = {
            "practitioner_id": Practitioner.objects.for_practice(practice).filter(is_active=True),
            "location_id": Location.objects.for_practice(practice).filter(is_active=True),
            "room_id": Room.objects.for_practice(practice).filter(is_active=True).select_related("location"),
        }
        for name, queryset in scoped.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def suggested_start(self, day: dt.date) -> str:
        return f"{day.isoformat()}T09:00"


class CadenceRulesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CadenceRuleSet
        fields = CADENCE_FIELDS
