"""The staff home's card of new booking requests from the public pages."""

from __future__ import annotations

from typing import Any

from django import template

from headwise.practice.models import Membership, Role
from headwise.public import selectors

register = template.Library()


@register.inclusion_tag("public/_requests_card.html")
def booking_requests_card(membership: Membership | None) -> dict[str, Any]:
    """For the front desk and owners (who answer them): how many are new, the latest three."""
    if membership is None or membership.role not in (Role.OWNER, Role.FRONT_DESK):
        return {"show": False}
    practice = membership.practice
    return {
        "show": True,
        "count": selectors.open_request_count(practice=practice),
        "latest": list(selectors.requests_of(practice=practice)[:3]),
    }
