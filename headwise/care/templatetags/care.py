"""Template helpers of the session pages: labels of stored codes, the client's follow-up
cards on /me/, the practitioners' follow-up summary on the staff home."""

from __future__ import annotations

from typing import Any

from django import template

from headwise.care import selectors
from headwise.care.models import BodyRegion, Sensation, SideEffect

register = template.Library()

_KINDS: dict[str, Any] = {"region": BodyRegion, "sensation": Sensation, "side_effect": SideEffect}


@register.filter
def labels(codes: Any, kind: str) -> str:
    """``["skull_base", "neck"]|labels:"region"`` → "Base of the skull, Neck" (a code the list
    no longer knows is shown as it is stored)."""
    known = _KINDS[kind]
    out = []
    for code in codes or []:
        try:
            out.append(str(known(code).label))
        except ValueError:
            out.append(str(code))
    return ", ".join(out)


@register.inclusion_tag("care/_follow_up_cards.html", takes_context=True)
def follow_up_cards(context: dict[str, Any], client: Any) -> dict[str, Any]:
    return {
        "follow_ups": selectors.follow_ups_for_client(client=client),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("care/_follow_up_summary.html")
def follow_up_summary(membership: Any) -> dict[str, Any]:
    if membership is None or not membership.sees_clinical_records:
        return {"show": False}
    return {"show": True, "counts": selectors.follow_up_counts(practice=membership.practice)}


@register.inclusion_tag("care/_next_appointment.html")
def next_appointment_card(client: Any) -> dict[str, Any]:
    """The client's next booked appointment on /me/, on the location's clock, with its .ics."""
    from headwise.care.appointment_mail import local_when
    from headwise.care.calendars import next_appointment_of

    appointment = next_appointment_of(client=client)
    if appointment is None:
        return {"appointment": None}
    return {"appointment": appointment, **local_when(appointment)}
