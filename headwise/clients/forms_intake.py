"""The intake's and the consent's forms. They only parse: every rule is the service's
(:mod:`headwise.clients.intake`), so the page refuses what the API refuses, in the same words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.dates import MONTHS as MONTHS_NAMES
from django.utils.translation import gettext_lazy as _

from headwise.clients.intake import DOSE_LENGTH, MAX_ROWS, plain_question, screening_rules
from headwise.clients.models import DiagnosedBy, Intake, Pregnancy, TouchSensitivity
from headwise.common.limits import NOTES, SHORT

ANSWER_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Don't know"))]
#: Django's own month names (translated in its catalogue).
MONTHS = [("", _("Month (if you know)")), *[(str(i), name) for i, name in MONTHS_NAMES.items()]]


def question_field(rule_id: str) -> str:
    """The form field of a safety question (a rule id has dots; a field name should not)."""
    return "q_" + rule_id.replace(".", "__")


class IntakeForm(forms.Form):
    migraine_since_year = forms.IntegerField(
        label=_("Since which year have you had migraines?"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    migraine_since_month = forms.TypedChoiceField(
        label=_("And since which month?"), choices=MONTHS, required=False, coerce=int, empty_value=None
    )
    migraine_days_per_month = forms.IntegerField(
        label=_("On how many days in a usual month do you have a migraine?"),
        help_text=_("Your own estimate, 0 to 31. The practice compares your diary with it later."),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    diagnosed_by = forms.ChoiceField(
        label=_("Who diagnosed your migraine?"),
        choices=DiagnosedBy.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    diagnosed_by_other = forms.CharField(
        label=_("If another doctor or clinic: who?"), required=False, max_length=SHORT
    )
    other_conditions = forms.CharField(
        label=_("Other health conditions"),
        help_text=_("For example high blood pressure, epilepsy, depression, a joint problem."),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pregnancy = forms.ChoiceField(
        label=_("Are you pregnant?"), choices=Pregnancy.choices, initial="no", widget=forms.RadioSelect
    )
    pregnancy_weeks = forms.IntegerField(
        label=_("If yes: how many weeks?"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    touch_sensitivity = forms.ChoiceField(
        label=_("How sensitive are you to touch?"),
        choices=TouchSensitivity.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    touch_notes = forms.CharField(
        label=_("What helps you feel comfortable being touched?"),
        help_text=_("For example a blanket, the light dimmed, being told before each contact."),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hopes = forms.CharField(
        label=_("What do you hope for from the sessions?"),
        help_text=_("In your own words."),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = screening_rules()
        for rule in self.rules:
            self.fields[question_field(rule.id)] = forms.ChoiceField(
                label=plain_question(rule), choices=ANSWER_CHOICES, required=False, widget=forms.RadioSelect
            )

    def clean_diagnosed_by(self) -> str:
        return self.cleaned_data.get("diagnosed_by") or ""

    def clean_touch_sensitivity(self) -> str:
        return self.cleaned_data.get("touch_sensitivity") or ""

    def history_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in ("migraine_since_year", "migraine_since_month", "migraine_days_per_month")
        ]

    def diagnosis_fields(self) -> list[forms.BoundField]:
        return [self["diagnosed_by"], self["diagnosed_by_other"]]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[question_field(rule.id)] for rule in self.rules]

    def values(self) -> dict[str, Any]:
        """The service's arguments (rows come from the formsets)."""
        data = self.cleaned_data
        answers = {
            rule.id: data[question_field(rule.id)] for rule in self.rules if data.get(question_field(rule.id))
        }
        return {
            "migraine_since_year": data.get("migraine_since_year"),
            "migraine_since_month": data.get("migraine_since_month"),
            "migraine_days_per_month": data.get("migraine_days_per_month"),
            "diagnosed_by": data.get("diagnosed_by") or "",
            "diagnosed_by_other": data.get("diagnosed_by_other", ""),
            "other_conditions": data.get("other_conditions", ""),
            "pregnancy": data.get("pregnancy"),
            "pregnancy_weeks": data.get("pregnancy_weeks"),
            "touch_sensitivity": data.get("touch_sensitivity") or "",
            "touch_notes": data.get("touch_notes", ""),
            "hopes": data.get("hopes", ""),
            "screening_answers": answers,
        }


def intake_initial(intake: Intake | None) -> dict[str, Any]:
    if intake is None:
        return {"pregnancy": "no"}
    initial: dict[str, Any] = {
        name: getattr(intake, name)
        for name in (
            "migraine_since_year",
            "migraine_since_month",
            "migraine_days_per_month",
            "diagnosed_by",
            "diagnosed_by_other",
            "other_conditions",
            "pregnancy",
            "pregnancy_weeks",
            "touch_sensitivity",
            "touch_notes",
            "hopes",
        )
    }
    for rule_id, answer in intake.screening_answers.items():
        initial[question_field(rule_id)] = answer
    return initial


class MedicineRowForm(forms.Form):
    name = forms.CharField(label=_("Medicine"), required=False, max_length=SHORT)
    dose = forms.CharField(label=_("Dose (if you know it)"), required=False, max_length=DOSE_LENGTH)

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not (data.get("name") or data.get("dose")):
            return None
        return {"name": data.get("name", ""), "dose": data.get("dose", "")}


class InjuryRowForm(forms.Form):
    what = forms.CharField(label=_("What happened"), required=False, max_length=SHORT)
    date = forms.DateField(
        label=_("When (an estimate is fine)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    doctor_seen = forms.ChoiceField(
        label=_("Did a doctor see it?"), choices=ANSWER_CHOICES, required=False, widget=forms.RadioSelect
    )

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not (data.get("what") or data.get("date") or data.get("doctor_seen")):
            return None
        return {
            "what": data.get("what", ""),
            "date": data.get("date") or "",
            "doctor_seen": data.get("doctor_seen") or "",
        }


MedicineRows = formset_factory(MedicineRowForm, extra=2, max_num=MAX_ROWS, absolute_max=MAX_ROWS)
InjuryRows = formset_factory(InjuryRowForm, extra=2, max_num=MAX_ROWS, absolute_max=MAX_ROWS)

#: The formsets of the intake page: (prefix, service field, formset class).
ROWS = (
    ("preventive", "preventive_medication", MedicineRows),
    ("acute", "acute_medication", MedicineRows),
    ("injuries", "head_injuries", InjuryRows),
)


def medicine_initial(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": r.get("name", ""), "dose": r.get("dose", "")} for r in rows]


def injury_initial(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"what": r.get("what", ""), "date": r.get("date", ""), "doctor_seen": r.get("doctor_seen", "")}
        for r in rows
    ]


class ConsentForm(forms.Form):
    agree_treatment = forms.BooleanField(label=_("I agree to the treatment as described."), required=False)
    agree_data = forms.BooleanField(
        label=_("I agree to my health data being kept and processed."), required=False
    )
    typed_name = forms.CharField(
        label=_("Type your full name to accept"),
        max_length=SHORT,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def kinds(self) -> list[str]:
        data = self.cleaned_data
        return [kind for kind in ("treatment", "data") if data.get(f"agree_{kind}")]


class LinkPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            raise ValidationError({"password_again": _("The two passwords differ.")})
        return data
