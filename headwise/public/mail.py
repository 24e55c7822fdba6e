"""The booking request's confirmation to the visitor, in the language they read the page in."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from headwise.public.models import BookingRequest


def booking_confirmation_mail(*, request_uuid: str) -> bool:
    """Send it; ``False`` when the request is gone (erased before the worker ran)."""
    request = BookingRequest.objects.select_related("practice", "location").filter(uuid=request_uuid).first()
    if request is None:
        return False
    with translation.override(request.language):
        context = {"request": request, "practice": request.practice, "location": request.location}
        subject = render_to_string("public/email/request_received_subject.txt", context).strip()
        body = render_to_string("public/email/request_received.txt", context)
    send_mail(subject, body, None, [request.email])
    return True
