from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.practice.models import Practice
from headwise.privacy.models import Decision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    keep_until = forms.DateField(
        label=_("Keep until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when keeping: the date the legal duty ends."),
    )
    reason = forms.CharField(
        label=_("Legal ground"),
        required=False,
        max_length=300,
        help_text=_("E.g. 'WGBO art. 7:454: 20 years'. No health details: this stays after the erasure."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked the legal duties to keep these records, and this cannot be undone."),
        required=True,
    )


class PrivacySettingsForm(forms.ModelForm[Practice]):
    class Meta:
        model = Practice
        fields = ("notes_private_to_author", "retention_years")
