"""Reads of a client's diary."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.care.models import SessionRecord
from headwise.clients.models import Client
from headwise.common import dates
from headwise.diary import clinical_adapter
from headwise.diary.history import UNDO_REASON_PREFIX, baseline
from headwise.diary.localtime import client_today, local_day_bounds
from headwise.diary.models import (
    CHECKIN_FIELDS,
    RESTORED_FIELDS,
    Attack,
    AuraSymptom,
    DailyCheckIn,
    MedicationIntake,
    Trigger,
    WarningSign,
)


@dataclass(frozen=True)
class DiaryDay:
    """One local day as the home strip, the back-fill page and the client page show it."""

    date: dt.date
    state: clinical.DayState
    #: The engine's headache row (an aura-only migraine day need not be a headache day).
    headache: bool
    attack_count: int
    #: The day has a check-in (an attack alone also records a day, without one).
    checked_in: bool = False

    @property
    def recorded(self) -> bool:
        return self.state.recorded

    @property
    def had_headache(self) -> bool | None:
        """A headache day or not; ``None`` on a missing day (never assumed free)."""
        return self.headache if self.recorded else None


def attacks_of(*, client: Client, with_deleted: bool = False) -> QuerySet[Attack]:
    """The client's attacks, newest first; deleted ones too when asked (what a list link may name)."""
    attacks = Attack.objects.filter(client=client)
    if not with_deleted:
        attacks = attacks.filter(deleted_at__isnull=True)
    return attacks.order_by("-started_at")


def attacks_touching(*, client: Client, start: dt.date, end: dt.date) -> list[Attack]:
    """The client's attacks touching local days ``start``..``end``, oldest first.

    The query fetches a superset; :func:`headwise.clinical.attack_local_days` decides, so an
    attack ending at exactly 00:00 is not on the new day, here as in the engine.
    """
    zone = zoneinfo.ZoneInfo(client.time_zone)
    window_start, _ = local_day_bounds(start, zone)
    _, window_end = local_day_bounds(end, zone)
    candidates = (
        attacks_of(client=client)
        .filter(started_at__lt=window_end)
        .exclude(ended_at__lt=window_start)
        .order_by("started_at", "pk")
    )
    touching = []
    for attack in candidates:
        first, last = clinical.attack_local_days(attack.started_at, attack.ended_at, zone)
        if first <= end and last >= start:
            touching.append(attack)
    return touching


def diary_days(*, client: Client, end: dt.date, days: int) -> list[DiaryDay]:
    """The last ``days`` diary days up to ``end``: the engine's day states (missing is never free)."""
    start = end - dt.timedelta(days=days - 1)
    zone = zoneinfo.ZoneInfo(client.time_zone)
    diary, attacks = diary_window(client=client, start=start, end=end)
    table = clinical.days(diary)
    touched: dict[dt.date, int] = {}
    for a in attacks:
        for day in clinical.attack_dates(a.started_at, a.ended_at, zone):
            touched[day] = touched.get(day, 0) + 1
    return [
        DiaryDay(
            day,
            clinical.day_state(table, day),
            _flag(table, "headache", day),
            touched.get(day, 0),
            checked_in=day in diary.recorded_dates,
        )
        for day in (start + dt.timedelta(days=i) for i in range(days))
    ]


def day_on(*, client: Client, day: dt.date) -> DiaryDay:
    """One local day's state (:func:`diary_days` for a single day)."""
    return diary_days(client=client, end=day, days=1)[0]


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
        """``future``, or the day's :class:`~headwise.clinical.DayState`."""
        if self.future:
            return "future"
        return clinical.state_of(recorded=self.recorded, headache=self.headache, migraine=self.migraine).value


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
    attacks = attacks_touching(client=client, start=start, end=end)
    aura = list(AuraSymptom.objects.filter(attack__in=[a.pk for a in attacks])) if attacks else []
    # From the first attack's start: a dose taken for it before the window still classifies it.
    since = min([window_start, *(a.started_at for a in attacks)])
    intakes = list(
        MedicationIntake.objects.filter(
            client=client, deleted_at__isnull=True, taken_at__gte=since, taken_at__lt=window_end
        )
    )
    checkins = list(
        DailyCheckIn.objects.filter(client=client, date__gte=start, date__lte=end).values_list(
            "date", "had_headache"
        )
    )
    diary = clinical_adapter.diary_from_rows(
        client, checkins=checkins, attacks=attacks, aura=aura, intakes=intakes
    )
    return diary, attacks


def month_view(*, client: Client, month: dt.date) -> MonthView:
    """A calendar month of the diary: days, summary, attacks and sessions.

    Every day's state comes from ``headwise.clinical`` (docs/diary.md, "What a day is");
    missing days are counted as missing, and every rate the summary states is per recorded day.
    """
    first = month.replace(day=1)
    last = _month_end(first)
    today = client_today(client)
    zone = zoneinfo.ZoneInfo(client.time_zone)
    diary, attacks = diary_window(client=client, start=first, end=last)
    table = clinical.days(diary)
    sessions = _sessions(client, first, last, zone)
    session_days = {clinical.local_date(s.started_at, zone) for s in sessions}
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
        attacks=[a for a in reversed(attacks) if clinical.local_date(a.started_at, zone) >= first],
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
        for day in clinical.attack_dates(a.started_at, a.ended_at, zone):
            if a.peak_intensity is not None:
                peaks[day] = max(peaks.get(day, 0), a.peak_intensity)
    return peaks


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

    Only slow-changing habits carry over; stress, tension and notes are asked fresh. Headache
    is "yes" when the day already is a headache day (an attack or medication that day): the
    page shows what the diary counts.
    """
    same = DailyCheckIn.objects.filter(client=client, date=day).first()
    if same is not None:
        answers = {name: getattr(same, name) for name in CHECKIN_FIELDS}
    else:
        previous = DailyCheckIn.objects.filter(client=client, date__lt=day).order_by("-date").first()
        answers = {} if previous is None else {name: getattr(previous, name) for name in CARRIED_OVER}
    if day_on(client=client, day=day).had_headache:
        answers["had_headache"] = True
    return answers


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
        # Lists of codes (warning signs, triggers) read as their labels, in the page's language.
        labels = dict(_LIST_CHOICES[name].choices) if name in _LIST_CHOICES else {}
        return ", ".join(str(labels.get(v, v)) for v in value)
    return str(value)


_LIST_CHOICES = {"warning_signs": WarningSign, "suspected_triggers": Trigger}


def missing_days(*, client: Client, days: int = 14) -> list[DiaryDay]:
    """The last ``days`` days (today included) that have no entry at all."""
    return [d for d in diary_days(client=client, end=client_today(client), days=days) if not d.recorded]


def attacks_on(*, client: Client, day: dt.date) -> list[Attack]:
    """The client's attacks touching one local day (one spanning midnight is on both days)."""
    return attacks_touching(client=client, start=day, end=day)
