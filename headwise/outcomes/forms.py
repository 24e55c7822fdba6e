"""Questionnaire forms: staff enter MIDAS, PHQ-4 and a HIT-6 total; a client fills in the PHQ-4."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from headwise.outcomes.models import Instrument

#: PHQ-4 (Kroenke et al., Psychosomatics 2009;50:613-621), public domain: "Over the last 2 weeks,
#: how often have you been bothered by the following problems?"
PHQ4_QUESTION = _("Over the last 2 weeks, how often have you been bothered by the following problems?")
PHQ4_ITEMS = (
    _("Feeling nervous, anxious or on edge"),
    _("Not being able to stop or control worrying"),
    _("Little interest or pleasure in doing things"),
    _("Feeling down, depressed or hopeless"),
)
PHQ4_ANSWERS = [
    (0, _("Not at all")),
    (1, _("Several days")),
    (2, _("More than half the days")),
    (3, _("Nearly every day")),
]
#: MIDAS: the wording is copyrighted and not shipped; the practice's own form numbers its items.
MIDAS_ITEMS = 5


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class QuestionnaireForm(forms.Form):
    """The base of the three entry forms; each names its instrument and turns its cleaned data
    into the engine's answers (``Phq4Form``, ``MidasForm``, ``Hit6Form``)."""

    instrument: Instrument

    def answers(self) -> dict[str, Any]:
        """The cleaned data as the scoring service takes it; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define answers()")


class Phq4Form(QuestionnaireForm):
    instrument = Instrument.PHQ4

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, text in enumerate(PHQ4_ITEMS):
            self.fields[f"item_{i}"] = forms.TypedChoiceField(
                label=text, choices=PHQ4_ANSWERS, coerce=int, widget=forms.RadioSelect
            )
        if staff:
            self.fields["answered_on"] = forms.DateField(label=_("Answered on"), widget=_DateInput())

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "items": [data[f"item_{i}"] for i in range(len(PHQ4_ITEMS))],
            "answered_on": data.get("answered_on"),
        }


class MidasForm(QuestionnaireForm):
    instrument = Instrument.MIDAS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MIDAS_ITEMS):
            self.fields[f"item_{i}"] = forms.IntegerField(
                label=pgettext_lazy("MIDAS", "Item %(n)s (days, 0–90)") % {"n": i + 1},
                min_value=0,
                max_value=90,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields["headache_days"] = forms.IntegerField(
            label=_("Item A: headache days (0–90, not scored)"), required=False, min_value=0, max_value=90
        )
        self.fields["average_pain"] = forms.IntegerField(
            label=_("Item B: average pain (0–10, not scored)"), required=False, min_value=0, max_value=10
        )
        self.fields["answered_on"] = forms.DateField(label=_("Answered on"), widget=_DateInput())

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "items": [data[f"item_{i}"] for i in range(MIDAS_ITEMS)],
            "headache_days": data.get("headache_days"),
            "average_pain": data.get("average_pain"),
            "answered_on": data["answered_on"],
        }


class Hit6Form(QuestionnaireForm):
    instrument = Instrument.HIT6
    total = forms.IntegerField(
        label=_("HIT-6 total (36–78, from your licensed form)"), min_value=36, max_value=78
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=_DateInput())

    def answers(self) -> dict[str, Any]:
        return {"total": self.cleaned_data["total"], "answered_on": self.cleaned_data["answered_on"]}


FORMS: dict[str, type[QuestionnaireForm]] = {
    Instrument.MIDAS: MidasForm,
    Instrument.PHQ4: Phq4Form,
    Instrument.HIT6: Hit6Form,
}


class SendForm(forms.Form):
    instrument = forms.ChoiceField(choices=[(Instrument.PHQ4, Instrument.PHQ4.label)])
