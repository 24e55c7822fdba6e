"""Forms of the safety screen's pages: the questions, the clearance, the practice's rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise import clinical
from headwise.clients import texts
from headwise.clients.models import RuleEffect
from headwise.common.limits import NOTES, SHORT

ANSWER_CHOICES = (("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not known")))


def field_name(rule_id: str) -> str:
    """A rule id as a form field name (``red_flag.systemic`` → ``rule-red_flag-systemic``)."""
    return "rule-" + rule_id.replace(".", "-")


class ScreenForm(forms.Form):
    """Every rule in use as a yes / no / not known question, pre-filled from the intake."""

    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, rules: clinical.RuleSet, initial_answers: Mapping[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules.active
        notes = self.fields.pop("notes")
        for rule in self.rules:
            self.fields[field_name(rule.id)] = forms.ChoiceField(
                label=texts.question(rule),
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                initial=initial_answers.get(rule.id, "unknown"),
            )
        self.fields["notes"] = notes

    def groups(self) -> list[tuple[str, list[tuple[clinical.SafetyRule, forms.BoundField]]]]:
        """The questions by kind (red flags, contraindications, the practice's own)."""
        out: dict[str, list[tuple[clinical.SafetyRule, forms.BoundField]]] = {}
        for rule in self.rules:
            kind = rule.id.split(".", 1)[0]
            out.setdefault(kind, []).append((rule, self[field_name(rule.id)]))
        return [(str(texts.KINDS.get(k, k)), rows) for k, rows in out.items()]

    def answers(self) -> dict[str, str]:
        return {rule.id: self.cleaned_data[field_name(rule.id)] for rule in self.rules}


class ClearanceForm(forms.Form):
    clinician = forms.CharField(
        label=_("Cleared by (clinician)"),
        max_length=SHORT,
        help_text=_("The physician or specialist who assessed the client, e.g. GP Dr. A. de Vries."),
    )
    cleared_on = forms.DateField(
        label=_("Date of the clearance"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.CharField(
        label=_("Document"),
        max_length=SHORT,
        help_text=_("What the clearance is written in, e.g. GP letter of 3 May, reference 123."),
    )
    notes = forms.CharField(
        label=_("Notes on the clearance"),
        required=False,
        max_length=NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PracticeRuleForm(forms.Form):
    rule_id = forms.CharField(
        label=_("Rule id"),
        max_length=80,
        initial="practice.",
        help_text=_("Starts with practice., e.g. practice.whiplash."),
    )
    question = forms.CharField(label=_("Question"), max_length=300)
    effect = forms.ChoiceField(label=_("What a yes does"), choices=RuleEffect.choices)

    def clean_rule_id(self) -> str:
        """The service's rule for an id, checked here too so every bad field is named at once."""
        from headwise.clients.services import RULE_ID, rule_id_problem

        value: str = self.cleaned_data["rule_id"].strip()
        if not RULE_ID.match(value):
            raise forms.ValidationError(rule_id_problem())
        return value


class ScreenSettingsForm(forms.Form):
    rescreen_after_months = forms.IntegerField(
        label=_("Screen again after a gap of (months)"),
        min_value=1,
        max_value=60,
        help_text=_("A client back after this long without a session or screen is screened again."),
    )
