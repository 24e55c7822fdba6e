from __future__ import annotations

from typing import ClassVar

from django import forms

from headwise.accounts.models import User


class PreferencesForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields: ClassVar = ["full_name", "language", "time_zone", "theme"]
