"""The staff home's list of what clients booked, moved or cancelled online."""

from __future__ import annotations

from typing import Any

from django import template

from headwise.care.models import AppointmentStatus
from headwise.care.online import recent_online_changes
from headwise.practice.models import Membership

register = template.Library()


@register.inclusion_tag("care/_online_changes.html")
def online_changes_card(membership: Membership | None) -> dict[str, Any]:
    if membership is None or not membership.practice.online_booking:
        return {"show": False}
    return {
        "show": True,
        "changes": list(recent_online_changes(practice=membership.practice)[:10]),
        "cancelled": AppointmentStatus.CANCELLED,
    }
