"""Reads of a client's diary."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.care.models import SessionRecord
from headwise.clients.models import Client
from headwise.common import dates
from headwise.diary import clinical_adapter
from headwise.diary.history import UNDO_REASON_PREFIX, baseline
from headwise.diary.localtime import local_day_bounds
from headwise.diary.models import (
    CHECKIN_FIELDS,
    RESTORED_FIELDS,
    Attack,
    AuraSymptom,
    DailyCheckIn,
    MedicationIntake,
)


@dataclass(frozen=True)
class DiaryDay:
    date: dt.date
    recorded: bool
    had_headache: bool | None
    attack_count: int


def client_today(client: Client) -> dt.date:
    """Today's date in the client's own zone: the diary day now."""
    return dt.datetime.now(zoneinfo.ZoneInfo(client.time_zone)).date()


def attacks_of(*, client: Client) -> QuerySet[Attack]:
    return Attack.objects.filter(client=client, deleted_at__isnull=True).order_by("-started_at")


def diary_days(*, client: Client, end: dt.date, days: int) -> list[DiaryDay]:
    """The last ``days`` diary days up to ``end``: recorded or missing, never assumed free.

    Two queries whatever the range: the check-ins, and the attacks that touch it.
    """
    start = end - dt.timedelta(days=days - 1)
    zone = zoneinfo.ZoneInfo(client.time_zone)
    checkins = {c.date: c for c in DailyCheckIn.objects.filter(client=client, date__gte=start, date__lte=end)}
    window_start = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    window_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    touched: dict[dt.date, int] = {}
    for started, ended in (
        attacks_of(client=client)
        .filter(started_at__lt=window_end)
        .exclude(ended_at__lt=window_start)
        .values_list("started_at", "ended_at")
    ):
        first = started.astimezone(zone).date()
        last = (ended or started).astimezone(zone).date()
        day = max(first, start)
        while day <= min(last, end):
            touched[day] = touched.get(day, 0) + 1
            day += dt.timedelta(days=1)
    result = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        checkin = checkins.get(day)
        attack_count = touched.get(day, 0)
        recorded = checkin is not None or attack_count > 0
        had_headache = True if attack_count else (checkin.had_headache if checkin else None)
        result.append(DiaryDay(day, recorded, had_headache, attack_count))
    return result


# --- Month view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    in_month: bool
    future: bool
    recorded: bool
    headache: bool
    migraine: bool
    migraine_uncertain: bool
    medication: bool
    peak: int | None
    session: bool

    @property
    def level(self) -> str:
        """mild / moderate / severe by the worst pain, in the engine's default cut-offs."""
        p = clinical.DEFAULT_PARAMETERS
        if self.peak is None or self.peak == 0:
            return ""
        if self.peak >= p.severe_min_nrs:
            return "severe"
        return "moderate" if self.peak >= p.moderate_min_nrs else "mild"

    @property
    def state(self) -> str:
        if self.future:
            return "future"
        if not self.recorded:
            return "missing"
        if self.migraine:
            return "migraine"
        return "headache" if self.headache else "free"


@dataclass(frozen=True)
class MonthSummary:
    days: int
    recorded: int
    headache_days: int
    migraine_days: int
    uncertain_days: int
    medication_days: int
    days_lost: int
    sessions: int

    @property
    def missing(self) -> int:
        return self.days - self.recorded

    @property
    def completeness(self) -> int:
        return round(100 * self.recorded / self.days) if self.days else 0


@dataclass(frozen=True)
class MonthView:
    month: dt.date
    weeks: list[list[CalendarDay]]
    days: list[CalendarDay]
    summary: MonthSummary
    attacks: list[Attack]
    sessions: list[SessionRecord]
    previous: dt.date
    following: dt.date | None


def parse_month(text: str) -> dt.date | None:
    """``YYYY-MM`` → the first of that month, or ``None`` if it is not a month of the calendar
    Headwise works in (:mod:`headwise.common.dates`)."""
    try:
        first = dt.datetime.strptime(text, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        return None
    return first if dates.in_calendar(first) else None


def parse_day(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` → that day, or ``None`` if it is not a day of Headwise's calendar."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if dates.in_calendar(day) else None


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def diary_window(*, client: Client, start: dt.date, end: dt.date) -> tuple[clinical.Diary, list[Attack]]:
    """The engine's diary for local days ``start``..``end``: four queries whatever the diary's length."""
    zone = zoneinfo.ZoneInfo(client.time_zone)
    window_start, _ = local_day_bounds(start, zone)
    _, window_end = local_day_bounds(end, zone)
    attacks = list(
        attacks_of(client=client)
        .filter(started_at__lt=window_end)
        .filter(Q(ended_at__gt=window_start) | Q(ended_at__isnull=True, started_at__gte=window_start))
        .order_by("started_at")
    )
    aura = list(AuraSymptom.objects.filter(attack__in=[a.pk for a in attacks])) if attacks else []
    intakes = list(
        MedicationIntake.objects.filter(
            client=client, deleted_at__isnull=True, taken_at__gte=window_start, taken_at__lt=window_end
        )
    )
    recorded = DailyCheckIn.objects.filter(client=client, date__gte=start, date__lte=end).values_list(
        "date", flat=True
    )
    diary = clinical_adapter.diary_from_rows(
        client, recorded_dates=recorded, attacks=attacks, aura=aura, intakes=intakes
    )
    return diary, attacks


def month_view(*, client: Client, month: dt.date) -> MonthView:
    """A calendar month of the diary: days, summary, attacks and sessions.

    Migraine days come from ``headwise.clinical`` (CLINICAL.md §2); missing days are counted
    as missing, and every rate the summary states is per recorded day.
    """
    first = month.replace(day=1)
    last = _month_end(first)
    today = client_today(client)
    zone = zoneinfo.ZoneInfo(client.time_zone)
    diary, attacks = diary_window(client=client, start=first, end=last)
    table = clinical.days(diary)
    sessions = _sessions(client, first, last, zone)
    session_days = {s.started_at.astimezone(zone).date() for s in sessions}
    peaks = _peaks(attacks, zone)
    days = [
        _calendar_day(first + dt.timedelta(days=i), table, peaks, session_days, today, in_month=True)
        for i in range((last - first).days + 1)
    ]
    lead = [_blank(first - dt.timedelta(days=first.weekday() - i)) for i in range(first.weekday())]
    trail = [_blank(last + dt.timedelta(days=i + 1)) for i in range(6 - last.weekday())]
    cells = lead + days + trail
    counted = [d for d in days if not d.future]
    summary = MonthSummary(
        days=len(counted),
        recorded=sum(d.recorded for d in counted),
        headache_days=sum(d.headache for d in counted),
        migraine_days=sum(d.migraine for d in counted),
        uncertain_days=sum(d.migraine_uncertain for d in counted),
        medication_days=sum(d.medication for d in counted),
        days_lost=_count(table, "days_lost", first, min(last, today)),
        sessions=len(sessions),
    )
    following = last + dt.timedelta(days=1)
    return MonthView(
        month=first,
        weeks=[cells[i : i + 7] for i in range(0, len(cells), 7)],
        days=days,
        summary=summary,
        attacks=[a for a in reversed(attacks) if a.started_at.astimezone(zone).date() >= first],
        sessions=sessions,
        previous=(first - dt.timedelta(days=1)).replace(day=1),
        following=following if following <= today else None,
    )


def _sessions(client: Client, first: dt.date, last: dt.date, zone: zoneinfo.ZoneInfo) -> list[SessionRecord]:
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(last, zone)
    return list(
        SessionRecord.objects.filter(client=client, started_at__gte=start, started_at__lt=end).order_by(
            "started_at"
        )
    )


def _peaks(attacks: list[Attack], zone: zoneinfo.ZoneInfo) -> dict[dt.date, int]:
    peaks: dict[dt.date, int] = {}
    for a in attacks:
        for day in attack_days(a, zone):
            if a.peak_intensity is not None:
                peaks[day] = max(peaks.get(day, 0), a.peak_intensity)
    return peaks


def attack_days(attack: Attack, zone: zoneinfo.ZoneInfo) -> list[dt.date]:
    """The local days an attack touches: one spanning midnight counts on both."""
    first = attack.started_at.astimezone(zone).date()
    end = attack.ended_at
    last = first if end is None else (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _flag(table: clinical.DayTable, name: str, day: dt.date) -> bool:
    i = (day - table.start).days
    return 0 <= i < table.n_days and bool(table.column(name)[i])


def _count(table: clinical.DayTable, name: str, first: dt.date, last: dt.date) -> int:
    return sum(_flag(table, name, first + dt.timedelta(days=i)) for i in range((last - first).days + 1))


def _calendar_day(
    day: dt.date,
    table: clinical.DayTable,
    peaks: dict[dt.date, int],
    session_days: set[dt.date],
    today: dt.date,
    *,
    in_month: bool,
) -> CalendarDay:
    future = day > today
    return CalendarDay(
        date=day,
        in_month=in_month,
        future=future,
        recorded=not future and _flag(table, "recorded", day),
        headache=not future and _flag(table, "headache", day),
        migraine=not future and _flag(table, "migraine", day),
        migraine_uncertain=not future and _flag(table, "migraine_uncertain", day),
        medication=not future and _flag(table, "acute_medication", day),
        peak=peaks.get(day),
        session=day in session_days,
    )


def _blank(day: dt.date) -> CalendarDay:
    return CalendarDay(day, False, False, False, False, False, False, False, None, False)


# --- Pages' smaller reads -----------------------------------------------------------------------


def attack_for_client(*, client: Client, attack_id: uuid.UUID, include_deleted: bool = False) -> Attack:
    """One of the client's own attacks, or 404."""
    found = Attack.objects.select_related("client").filter(client=client, uuid=attack_id)
    if not include_deleted:
        found = found.filter(deleted_at__isnull=True)
    attack = found.first()
    if attack is None:
        raise Http404
    return attack


def open_attack(*, client: Client) -> Attack | None:
    return attacks_of(client=client).filter(ended_at__isnull=True).first()


def checkin_prefill(*, client: Client, day: dt.date) -> dict[str, object]:
    """Defaults for a day's check-in: that day's answers, or the habits of the last one before it.

    Only slow-changing habits carry over; headache, stress, tension and notes are asked fresh.
    """
    same = DailyCheckIn.objects.filter(client=client, date=day).first()
    if same is not None:
        return {name: getattr(same, name) for name in CHECKIN_FIELDS}
    previous = DailyCheckIn.objects.filter(client=client, date__lt=day).order_by("-date").first()
    if previous is None:
        return {}
    return {name: getattr(previous, name) for name in CARRIED_OVER}


CARRIED_OVER = (
    "sleep_hours",
    "sleep_quality",
    "caffeine_drinks",
    "hydration",
    "screen_hours",
    "menstruating",
)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    history_id: uuid.UUID
    when: dt.datetime
    who: str
    kind: str
    changes: list[Change]
    reason: str
    undoable: bool
    #: For an undo: when the change it undid was made.
    undoes: dt.datetime | None = None


def attack_history(*, attack: Attack) -> list[HistoryEntry]:
    """Every version of an attack, newest first, with what each change changed and who made it."""
    # Never changed: the attack itself is the recorded version (diary.history).
    records = list(attack.history.select_related("history_user").order_by("history_id")) or [baseline(attack)]
    made_at = {record.history_uuid: record.history_date for record in records}
    entries = []
    for i, record in enumerate(records):
        before = records[i - 1] if i else None
        changes = [
            Change(
                name,
                _label(name),
                _shown(before, name),
                _shown(record, name),
            )
            for name in RESTORED_FIELDS
            if before is None
            and getattr(record, name) not in (None, "", [])
            or before is not None
            and getattr(before, name) != getattr(record, name)
        ]
        kind = _("Recorded") if before is None else _("Changed")
        if before is not None and before.deleted_at is None and record.deleted_at is not None:
            kind = _("Deleted")
        elif before is not None and before.deleted_at is not None and record.deleted_at is None:
            kind = _("Restored")
        user = record.history_user
        reason = record.history_change_reason or ""
        undone = reason.removeprefix(UNDO_REASON_PREFIX) if reason.startswith(UNDO_REASON_PREFIX) else None
        entries.append(
            HistoryEntry(
                history_id=record.history_uuid,
                when=record.history_date,
                who=(user.full_name or user.email) if user else _("unknown"),
                kind=kind,
                changes=[c for c in changes if c.field != "deleted_at"],
                reason=reason,
                # Undoing the recording deletes the attack: nothing to undo once it is deleted.
                undoable=bool(changes) and (before is not None or attack.deleted_at is None),
                undoes=made_at.get(uuid.UUID(undone)) if undone else None,
            )
        )
    return list(reversed(entries))


def _label(name: str) -> str:
    return str(getattr(Attack._meta.get_field(name), "verbose_name", name))


def _shown(record: Any, name: str) -> str:
    if record is None:
        return ""
    value = getattr(record, name)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return value.astimezone(zoneinfo.ZoneInfo(record.time_zone)).strftime("%Y-%m-%d %H:%M")
    choices = getattr(Attack._meta.get_field(name), "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def missing_days(*, client: Client, days: int = 14) -> list[DiaryDay]:
    """The last ``days`` days (today included) that have no entry at all."""
    return [d for d in diary_days(client=client, end=client_today(client), days=days) if not d.recorded]


def attacks_on(*, client: Client, day: dt.date) -> list[Attack]:
    """The client's attacks touching one local day (one spanning midnight is on both days)."""
    start, end = local_day_bounds(day, zoneinfo.ZoneInfo(client.time_zone))
    return list(
        attacks_of(client=client)
        .filter(started_at__lt=end)
        .filter(Q(ended_at__gt=start) | Q(ended_at__isnull=True, started_at__gte=start))
        .order_by("started_at")
    )
