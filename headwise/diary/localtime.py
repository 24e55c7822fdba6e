"""Wall-clock times in a client's zone, turned into UTC instants without guessing.

Daylight-saving rules (documented in docs/diary.md):

* A local time that does not exist (the spring gap, e.g. 02:30 on 2026-03-29 in
  Europe/Amsterdam) is an error naming the field: the clocks jumped from 02:00 to 03:00.
* A local time that happened twice (the autumn overlap, e.g. 02:30 on 2026-10-25) is an error
  asking which one, unless the caller says: ``fold=0`` the first (summer time), ``fold=1`` the
  second (winter time). The web form then shows that choice; the API accepts an offset.
* An aware value (an API timestamp with an offset) is already an instant and is used as sent.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.common import dates

if TYPE_CHECKING:
    from headwise.clients.models import Client


class AmbiguousTimeError(ValidationError):
    """A wall-clock time that happened twice; the caller should ask which one."""


def zone_of(name: str, *, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError({field: _("%(zone)s is not a known time zone.") % {"zone": name}}) from None


def is_ambiguous(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    naive = value.replace(tzinfo=None)
    return naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset()


def does_not_exist(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    naive = value.replace(tzinfo=None, fold=0)
    return naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive


def to_utc(
    value: dt.datetime, *, zone: zoneinfo.ZoneInfo, field: str, fold: int | None = None
) -> dt.datetime:
    """The UTC instant of ``value``: aware values as sent, naive ones read in ``zone``.

    A value outside the calendar of :mod:`headwise.common.dates` is refused naming ``field``.
    """
    problem = dates.calendar_problem(value)
    if problem is not None:
        raise ValidationError({field: problem})
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(dt.UTC)
    shown = value.strftime("%Y-%m-%d %H:%M")
    if does_not_exist(value, zone):
        raise ValidationError(
            {
                field: _(
                    "%(time)s did not exist in %(zone)s: the clocks went forward that night. "
                    "Choose a time before or after the jump."
                )
                % {"time": shown, "zone": zone.key}
            }
        )
    if is_ambiguous(value, zone):
        if fold not in (0, 1):
            raise AmbiguousTimeError(
                {
                    field: _(
                        "%(time)s happened twice in %(zone)s: the clocks went back that night. "
                        "Say whether you mean the first (summer time) or the second (winter time)."
                    )
                    % {"time": shown, "zone": zone.key}
                }
            )
        return value.replace(tzinfo=zone, fold=fold).astimezone(dt.UTC)
    return value.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


def local_day_bounds(day: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local day begins and the next begins (23 or 25 h on DST days)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone).astimezone(dt.UTC)
    return start, end


def client_today(client: Client, *, now: dt.datetime | None = None) -> dt.date:
    """The client's diary day at ``now`` (default: this instant): the date on their own clock.

    The one "today" of pages, API answers, reminders and services (``docs/diary.md``).
    """
    return clinical.local_date(now or timezone.now(), zoneinfo.ZoneInfo(client.time_zone))
