"""The public page's booking request form and the owner's editor of the page's texts."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.common.limits import SHORT
from headwise.public.models import MESSAGE_MAX, PublicPage
from headwise.public.services import PAGE_FIELDS

#: The honeypot: a field people never see (hidden by the style sheet, skipped by the tab key)
#: and bots fill in.
HONEYPOT = "website"


class BookingRequestForm(forms.Form):
    given_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    service = forms.ChoiceField(
        label=_("What would you like to book?"),
        required=False,
        help_text=_("Not sure? The practice will advise you."),
    )
    preferred_times = forms.CharField(
        label=_("When suits you? (optional)"),
        max_length=SHORT,
        required=False,
        help_text=_("For example: weekday mornings, not Wednesdays."),
    )
    message = forms.CharField(
        label=_("A short message (optional)"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX}),
        help_text=_("Please do not send medical details here; the practice asks at the intake."),
    )
    consent_to_contact = forms.BooleanField(
        label=_("The practice may contact me by e-mail or phone about this request."),
        error_messages={"required": _("We can only answer if you agree to be contacted.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, services: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # labels that end in "?" read badly with ":"
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("Not sure yet")))]
        choices += [(str(s.uuid), f"{s.name} ({s.duration_minutes} min)") for s in services]
        self.fields["service"].choices = choices  # type: ignore[attr-defined]
        self.services = {str(s.uuid): s for s in services}

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def service_name(self) -> str:
        chosen = self.services.get(self.cleaned_data.get("service") or "")
        return chosen.name if chosen is not None else ""


class PublicPageForm(forms.ModelForm[PublicPage]):
    class Meta:
        model = PublicPage
        fields: ClassVar = list(PAGE_FIELDS)
        widgets: ClassVar = {
            name: forms.Textarea(attrs={"rows": 4}) for name in PAGE_FIELDS if name != "accepts_requests"
        }
