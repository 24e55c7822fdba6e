from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from headwise.accounts.models import User
from headwise.practice.models import CstStyle, Location, Membership, Practice, Profession, Role


class LocationForm(forms.ModelForm[Location]):
    class Meta:
        model = Location
        fields: ClassVar = [
            "name",
            "street",
            "postal_code",
            "city",
            "region",
            "country",
            "phone",
            "time_zone",
            "slug",  # public: the location's public page address
        ]

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.practice = practice

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Location.objects.for_practice(self.instance.practice).filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This practice already has a location of that name."))
        return name


class StaffForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("First password"), widget=forms.PasswordInput, strip=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    profession = forms.ChoiceField(
        label=_("Profession (practitioners)"), choices=[("", "—"), *Profession.choices], required=False
    )
    cst_style = forms.ChoiceField(label=_("CST style"), choices=CstStyle.choices, initial=CstStyle.INTEGRATED)
    locations = forms.ModelMultipleChoiceField(
        label=_("Works at"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = Location.objects.for_practice(practice)  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Someone already signs in with this e-mail address."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.PRACTITIONER and not data.get("profession"):
            self.add_error("profession", _("A practitioner needs a profession."))
        if data.get("password"):
            try:
                validate_password(
                    data["password"], User(email=data.get("email", ""), full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields: ClassVar = ["role", "is_active"]
        labels: ClassVar = {"is_active": _("May sign in and work in this practice")}
