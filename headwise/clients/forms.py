from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from headwise.clients.models import CLINICAL_FIELDS, Client, ClientStatus
from headwise.practice.models import Practice, Practitioner


class ClientForm(forms.ModelForm[Client]):
    class Meta:
        model = Client
        fields: ClassVar = [
            "given_name",
            "family_name",
            "email",
            "phone",
            "date_of_birth",
            "sex",
            "time_zone",
            "assigned_practitioner",
            "migraine_diagnosed",
            "diagnosis_text",
            "age_at_onset",
            "has_aura_history",
            "headache_days_per_month_reported",
            "preventive_medication",
            "acute_medication",
            "recent_head_injury_on",
            "sensitivities",
            "physician_name",
            "physician_contact",
            "notes",
        ]
        widgets: ClassVar = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "recent_head_injury_on": forms.DateInput(attrs={"type": "date"}),
            "preventive_medication": forms.Textarea(attrs={"rows": 2}),
            "acute_medication": forms.Textarea(attrs={"rows": 2}),
            "sensitivities": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, practice: Practice, clinical: bool, **kwargs: Any) -> None:
        """``clinical``: whether the user sees clinical records; if not, the form has none of
        the clinical fields, so it neither shows nor accepts them."""
        super().__init__(*args, **kwargs)
        # The model's rule: only a prospective client (from the public page) may lack it.
        self.fields["date_of_birth"].required = self.instance.status != ClientStatus.PROSPECTIVE
        if not clinical:
            for name in CLINICAL_FIELDS:
                self.fields.pop(name, None)
        self.fields["assigned_practitioner"].queryset = Practitioner.objects.for_practice(  # type: ignore[attr-defined]
            practice
        ).filter(is_active=True)

    # The dates' rules (not in the future, not before 1900) are the model's ``clean``, which
    # the form runs and the API's service too: one rule for both.
