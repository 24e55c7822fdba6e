from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from headwise.accounts import two_factor
from headwise.accounts.models import User


class PreferencesForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields: ClassVar = ["full_name", "language", "time_zone", "theme"]


class CodeField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Code from your authenticator app, or a backup code"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        )


class ReauthForm(forms.Form):
    """The password again, and the second factor if the user enrolled one."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.device: Device | None = None
        if two_factor.is_enrolled(user):
            self.fields["code"] = CodeField()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password is None:
            return cleaned
        # Through authenticate(), so a wrong password here counts towards the lockout too.
        user = authenticate(self.request, username=self.user.email, password=password)
        if user is None or user.pk != self.user.pk:
            self.add_error("password", _("That password is not right."))
            return cleaned
        if "code" in self.fields:
            code = cleaned.get("code") or ""
            self.device = two_factor.verify_code(self.user, code)
            if self.device is None:
                self.add_error("code", _("That code is not right, or was used already. Wait for a new one."))
        return cleaned


class CodeForm(forms.Form):
    """The second step of signing in."""

    code = CodeField()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None
        self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code") or "")
        self.device = two_factor.verify_code(self.user, code)
        if self.device is None:
            raise forms.ValidationError(_("That code is not right, or was used already. Wait for a new one."))
        return code


class ConfirmDeviceForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PracticeSecurityForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-step sign-in for all staff"),
        required=False,
        help_text=_("Staff without an authenticator app are sent to set one up before anything else."),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, sending through the task queue; the page answers the same either way."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, request: HttpRequest | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        from headwise.accounts.tasks import send_password_reset

        for user in self.get_users(self.cleaned_data["email"].strip().lower()):
            send_password_reset.enqueue(str(user.uuid))
