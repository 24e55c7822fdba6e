"""The owner's filters on the audit page (and its CSV export)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.audit.models import AuditAction
from headwise.audit.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    who = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    client = forms.TypedChoiceField(label=_("Client"), required=False, empty_value=None)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, practice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from headwise.clients.models import Client
        from headwise.practice.models import Membership

        staff = Membership.objects.for_practice(practice).select_related("user").order_by("user__email")
        self.fields["who"].choices = [("", _("Everyone"))] + [  # type: ignore[attr-defined]
            (m.user_id, m.user.full_name or m.user.email) for m in staff
        ]
        self.fields["action"].choices = [("", _("Every action")), *AuditAction.choices]  # type: ignore[attr-defined]
        clients = Client.objects.for_practice(practice).only("uuid", "given_name", "family_name")
        self.fields["client"].choices = [("", _("Every client"))] + [  # type: ignore[attr-defined]
            (str(c.uuid), f"{c.family_name}, {c.given_name}") for c in clients
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilter:
        data = self.cleaned_data if self.is_valid() else {}
        import uuid

        client = data.get("client")
        return AuditFilter(
            actor_id=data.get("who"),
            action=data.get("action") or "",
            client=uuid.UUID(client) if client else None,
            since=data.get("since"),
            until=data.get("until"),
        )
