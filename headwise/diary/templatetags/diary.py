"""Template helpers for the client's home page (owned by the web app, fed by the diary)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils import dateformat
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


@dataclass(frozen=True)
class MonthCell:
    """One day of the month calendar (``diary/_month_calendar.html``)."""

    in_month: bool
    #: The day's check-in page, when the calendar links its days (the client's own month).
    href: str | None = None
    #: The cell's classes: ``cell``, the day's state, and ``uncertain``, ``session``, ``med``.
    classes: str = ""
    day: int = 0
    #: The worst pain, shown on a headache day only.
    peak: int | None = None
    #: What the cell says of the day in words (the day is not told by colour alone).
    label: str = ""


@register.simple_tag
def month_cells(view: selectors.MonthView, link_days: bool = False) -> list[list[MonthCell]]:
    """The month calendar's cells, decided here rather than by a chain of template conditions
    on each of its 35-42 days: the labels translated once, the check-in link reversed once."""
    states = {
        "migraine": _("migraine day"),
        "headache": _("headache day"),
        "free": _("no headache"),
        "missing": _("no entry"),
    }
    not_yet = _("not yet")
    uncertain = _("could be a migraine day, some answers are missing")
    medication = _("acute medication")
    session = _("therapy session")
    marker = "0001-01-01"
    link = reverse("diary:checkin", kwargs={"day": marker}) if link_days else None
    weeks = []
    for week in view.weeks:
        cells = []
        for d in week:
            if not d.in_month:
                cells.append(MonthCell(in_month=False))
                continue
            state = d.state
            classes = ["cell", state]
            said = [f"{dateformat.format(d.date, 'l j F')}: {states.get(state, not_yet)}"]
            peak = d.peak if d.peak is not None and d.headache else None
            if peak is not None:
                said.append(_("worst pain %(n)s of 10") % {"n": peak})
            if d.migraine_uncertain:
                classes.append("uncertain")
                said.append(uncertain)
            if d.session:
                classes.append("session")
            if d.medication:
                classes.append("med")
                said.append(medication)
            if d.session:
                said.append(session)
            cells.append(
                MonthCell(
                    in_month=True,
                    href=None if link is None else link.replace(marker, d.date.isoformat()),
                    classes=" ".join(classes),
                    day=d.date.day,
                    peak=peak,
                    label=", ".join(said),
                )
            )
        weeks.append(cells)
    return weeks
