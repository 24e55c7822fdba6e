"""Template helpers for the client's home page (owned by the web app, fed by the diary)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import template

from headwise.clients.models import Client
from headwise.diary import selectors
from headwise.diary.models import Attack, DailyCheckIn

register = template.Library()


@dataclass(frozen=True)
class HomeStatus:
    open_attack: Attack | None
    today_checkin: DailyCheckIn | None
    request_id: uuid.UUID


@register.simple_tag
def diary_home(client: Client) -> HomeStatus:
    """What the home page needs: an attack still open, today's check-in, a fresh submission id."""
    today = selectors.client_today(client)
    return HomeStatus(
        open_attack=selectors.open_attack(client=client),
        today_checkin=DailyCheckIn.objects.filter(client=client, date=today).first(),
        request_id=uuid.uuid4(),
    )
