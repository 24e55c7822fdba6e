"""Template helpers for the client's home page (owned by the web app, fed by the diary)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import template

from headwise.clients.models import Client
from headwise.diary import selectors
from headwise.diary.localtime import client_today
from headwise.diary.models import Attack, DailyCheckIn

register = template.Library()


@dataclass(frozen=True)
class HomeStatus:
    open_attack: Attack | None
    today_checkin: DailyCheckIn | None
    #: Today as the diary counts it: an attack today makes it a headache day whatever the check-in said.
    today: selectors.DiaryDay
    request_id: uuid.UUID


@register.simple_tag
def diary_home(client: Client) -> HomeStatus:
    """What the home page needs: an attack still open, today's check-in and state, a fresh id."""
    today = client_today(client)
    return HomeStatus(
        open_attack=selectors.open_attack(client=client),
        today_checkin=DailyCheckIn.objects.filter(client=client, date=today).first(),
        today=selectors.day_on(client=client, day=today),
        request_id=uuid.uuid4(),
    )
