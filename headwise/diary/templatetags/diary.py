"""Template helpers for the client's home page (owned by the web app, fed by the diary)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _

from headwise.clients.models import Client
from headwise.diary import selectors
from headwise.diary.localtime import client_today
from headwise.diary.models import Attack

register = template.Library()


@dataclass(frozen=True)
class HomeStatus:
    open_attack: Attack | None
    #: Today has a check-in.
    checked_in: bool
    #: Today as the diary counts it: an attack today makes it a headache day whatever the check-in said.
    today: selectors.DiaryDay
    request_id: uuid.UUID


@register.simple_tag
def diary_home(client: Client, days: Sequence[selectors.DiaryDay] = ()) -> HomeStatus:
    """What the home page needs: an attack still open, today's check-in and state, a fresh id.

    ``days`` is the page's strip of days when it has one: when its last day is today (it is,
    unless midnight passed in between), today is that day and the diary is not read again.
    """
    today = client_today(client)
    day = days[-1] if days and days[-1].date == today else selectors.day_on(client=client, day=today)
    return HomeStatus(
        open_attack=selectors.open_attack(client=client),
        checked_in=day.checked_in,
        today=day,
        request_id=uuid.uuid4(),
    )


@dataclass(frozen=True)
class StripCell:
    """One square of the strip of days (``web/_diary_strip.html``)."""

    date: dt.date
    #: The square's class: ``missing``, ``headache`` (a migraine day too) or ``free``.
    kind: str
    #: What its title says of the day.
    label: str


@register.simple_tag
def strip_cells(days: Sequence[selectors.DiaryDay]) -> list[StripCell]:
    """The strip's squares, decided here rather than by a chain of template conditions on each
    of the 28 days, with the four labels translated once for the strip."""
    labels = {
        "missing": _("no entry"),
        "migraine": _("migraine day"),
        "headache": _("headache"),
        "free": _("no headache"),
    }
    cells = []
    for day in days:
        if not day.recorded:
            kind = said = "missing"
        else:
            migraine = day.state == "migraine"
            kind = "headache" if day.had_headache or migraine else "free"
            said = "migraine" if migraine else kind
        cells.append(StripCell(day.date, kind, labels[said]))
    return cells
