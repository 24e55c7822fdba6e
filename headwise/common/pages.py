"""How a page shows a service's refusal: one helper for forms, one for redirects with a message.

A service raises a ``ValidationError`` keyed by field (the same one the API answers as 422). A
form page puts each message on its field (``started_at`` shows on ``started_at_local`` when the
form asks for a local time), and any message for a field the form does not have on the form as
a whole; a page that redirects shows them as messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


def _by_field(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in errors] for field, errors in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def errors_to_form(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's field errors on ``form``."""
    for field, errors in _by_field(exc).items():
        target = f"{field}_local" if f"{field}_local" in form.fields else field
        for error in errors:
            form.add_error(target if target in form.fields else None, error)


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's errors as messages on the next page."""
    for errors in _by_field(exc).values():
        for error in errors:
            messages.error(request, error)
