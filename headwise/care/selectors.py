"""Reads of care records: the schedule, plans, sessions and open follow-ups of one practice."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, fields

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from headwise import clinical
from headwise.care.models import (
    FLAG_AFTER_DUE,
    Addendum,
    Appointment,
    AppointmentStatus,
    CadenceRuleSet,
    FollowUp,
    PhaseDecision,
    PhaseDecisionKind,
    PlanPhase,
    PlanStatus,
    SessionRecord,
    TreatmentPlan,
    WaitlistEntry,
    WaitlistStatus,
)
from headwise.care.slots import Slot
from headwise.clients.models import Client, ClientStatus
from headwise.clinical import cadence
from headwise.diary import selectors as diary_selectors
from headwise.diary.localtime import client_today
from headwise.diary.models import Attack, DailyCheckIn
from headwise.practice.models import Location, Practice


def appointments_list(
    *,
    appointments: QuerySet[Appointment],
    day: dt.date | None,
    time_zone: str,
    practitioner_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
) -> QuerySet[Appointment]:
    """Appointments of an already scoped queryset starting on ``day`` (local), else from now on.

    Cancelled appointments are left out.
    """
    found = appointments.exclude(status=AppointmentStatus.CANCELLED)
    if day is None:
        found = found.filter(ends_at__gt=timezone.now())
    else:
        zone = zoneinfo.ZoneInfo(time_zone)
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        found = found.filter(starts_at__gte=start, starts_at__lt=end)
    if practitioner_id is not None:
        found = found.filter(practitioner__uuid=practitioner_id)
    if location_id is not None:
        found = found.filter(location__uuid=location_id)
    if client_id is not None:
        found = found.filter(client__uuid=client_id)
    return found.select_related("client", "practitioner", "location", "room", "phase").order_by("starts_at")


def plans_of_client(*, client: Client) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.filter(client=client)
        .select_related("client", "practitioner")
        .prefetch_related("phases__plan")
        .order_by("-started_on")
    )


def sessions_of_client(*, client: Client) -> QuerySet[SessionRecord]:
    return (
        SessionRecord.objects.filter(client=client)
        .select_related("client", "practitioner", "appointment", "follow_up")
        .order_by("-started_at")
    )


def follow_ups_list(*, practice: Practice, only_open: bool) -> QuerySet[FollowUp]:
    found = FollowUp.objects.for_practice(practice).select_related("session__client")
    if only_open:
        found = found.filter(completed_at__isnull=True)
    return found.order_by("due_at")


# --- the plan's cadence ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCadence:
    """A plan's current phase, what the cadence rules suggest, and when the next session is due."""

    plan: TreatmentPlan
    phase: PlanPhase | None
    today: dt.date
    suggestion: cadence.Suggestion | None
    last_session: dt.date | None
    next_on: dt.date | None
    upcoming: Appointment | None
    declined: PhaseDecision | None


def rules_to_clinical(rules: CadenceRuleSet) -> cadence.CadenceRules:
    """The engine's rules from a practice's row (the one mapping between the two)."""
    return cadence.CadenceRules(**{name: getattr(rules, name) for name in CADENCE_FIELDS})


#: The editable fields of :class:`CadenceRuleSet`, named as in ``cadence.CadenceRules``.
CADENCE_FIELDS = tuple(f.name for f in fields(cadence.CadenceRules))


def current_phase(*, plan: TreatmentPlan) -> PlanPhase | None:
    """The plan's open phase (no end), the latest started if there were ever two."""
    return PlanPhase.objects.filter(plan=plan, ends_on__isnull=True).order_by("-starts_on", "-pk").first()


def active_plan(*, client: Client) -> TreatmentPlan | None:
    """The client's plan that has not ended (active or paused), if any."""
    plan = (
        TreatmentPlan.objects.filter(client=client)
        .exclude(status=PlanStatus.ENDED)
        .select_related("practitioner")
        .order_by("-started_on", "-pk")
        .first()
    )
    if plan is not None:
        plan.client = client  # the instance it was filtered by: not read a second time
    return plan


def _window(table: clinical.DayTable, start: dt.date, end: dt.date) -> cadence.Window:
    if table.n_days == 0 or end < table.start:
        return cadence.Window(start, end, 0, 0)
    lo = max(0, (start - table.start).days)
    hi = max(0, min(table.n_days, (end - table.start).days + 1))
    recorded = table.column("recorded")[lo:hi]
    migraine = table.column("migraine")[lo:hi]
    return cadence.Window(start, end, int(recorded.sum()), int(migraine.sum()))


def _last_session(client: Client, zone: zoneinfo.ZoneInfo) -> dt.date | None:
    """The local day of the client's last session: a session record, or an attended appointment."""
    record = SessionRecord.objects.filter(client=client).order_by("-started_at").first()
    attended = (
        Appointment.objects.filter(client=client, status=AppointmentStatus.ATTENDED)
        .order_by("-starts_at")
        .first()
    )
    instants = [x for x in (record and record.started_at, attended and attended.starts_at) if x]
    return clinical.local_date(max(instants), zone) if instants else None


def _warning_dates(
    client: Client, attacks: list[Attack], *, start: dt.date, end: dt.date, zone: zoneinfo.ZoneInfo
) -> frozenset[dt.date]:
    days = {
        day
        for day, signs in DailyCheckIn.objects.filter(
            client=client, date__gte=start, date__lte=end
        ).values_list("date", "warning_signs")
        if signs
    }
    days |= {clinical.local_date(a.started_at, zone) for a in attacks if a.warning_signs}
    return frozenset(d for d in days if start <= d <= end)


#: The margin a bounded diary read takes beyond the days it answers for: a day's flags depend
#: on the attacks and intakes around it, and an intake links to an attack that began at most
#: ``clinical.LINK_HORIZON`` before it (one more day for local days against instants).
_READ_MARGIN = clinical.LINK_HORIZON + dt.timedelta(days=1)


@dataclass(frozen=True)
class _Days:
    """The day table of a diary read, and the first day it answers for as a read of the whole
    plan would (the days before it are only margin)."""

    table: clinical.DayTable
    attacks: list[Attack]
    trusted_from: dt.date


def _read_days(client: Client, start: dt.date, end: dt.date, trusted_from: dt.date) -> _Days:
    diary, attacks = diary_selectors.diary_window(client=client, start=start, end=end)
    return _Days(clinical.days(diary), attacks, trusted_from)


def _dates(days: _Days, row: str, today: dt.date) -> frozenset[dt.date]:
    return frozenset(d for d in days.table.days_with(row) if days.trusted_from <= d <= today)


def _streak_known(migraine: frozenset[dt.date], since: dt.date, trusted_from: dt.date) -> bool:
    """Whether the streak rule's answer lies within the days read: no migraine day since
    ``since`` (no streak ended), or a migraine day before the first one (where a streak starts)."""
    after = [d for d in migraine if d >= since]
    return not after or any(trusted_from <= d < min(after) for d in migraine)


def plan_cadence(*, plan: TreatmentPlan, rules: CadenceRuleSet, today: dt.date | None = None) -> PlanCadence:
    """Evaluate the practice's cadence rules for ``plan`` on the client's today.

    The baseline is the ``window_days`` before the plan started; the recent period the
    ``window_days`` up to today, but not before the plan's or the current phase's start.
    Migraine and recorded days come from the one day definition (``headwise.clinical.days``).
    A warning sign or a streak that ended before the last session has been seen to already and
    is left out.

    The diary is read from the baseline's start to today only when the plan is young: else the
    baseline and the recent days are read apart (each with a margin, ``_READ_MARGIN``), and
    the days between only when the streak rule needs them (a streak that began before the
    recent days were read), so that the cost does not grow with the plan's age.
    """
    client = plan.client
    zone = zoneinfo.ZoneInfo(client.time_zone)
    today = today or client_today(client)
    phase = current_phase(plan=plan)
    last = _last_session(client, zone)
    upcoming = (
        Appointment.objects.filter(
            client=client, status=AppointmentStatus.BOOKED, starts_at__gte=timezone.now()
        )
        .select_related("practitioner", "location", "room")
        .order_by("starts_at")
        .first()
    )
    if phase is None:
        return PlanCadence(plan, None, today, None, last, None, upcoming, None)
    engine_rules = rules_to_clinical(rules)
    span = dt.timedelta(days=engine_rules.window_days)
    base_start, base_end = plan.started_on - span, plan.started_on - dt.timedelta(days=1)
    # Only days of the current phase: a change just confirmed starts its own count, so the
    # same numbers do not suggest a second step the next day.
    recent_start = max(today - span + dt.timedelta(days=1), plan.started_on, phase.starts_on)
    warning_start = today - dt.timedelta(days=engine_rules.warning_days - 1)
    streak = phase.kind == cadence.Phase.MAINTENANCE and engine_rules.streak_end
    # The first day the rules look at besides the baseline: the recent period, the warning
    # days and, for the streak rule, a streak's length before them.
    near = min(recent_start, warning_start)
    if streak:
        near = min(near, warning_start - dt.timedelta(days=engine_rules.streak_days))
    if near - _READ_MARGIN > base_end + _READ_MARGIN:
        baseline = _read_days(client, base_start, base_end + _READ_MARGIN, base_start)
        recent = _read_days(client, near - _READ_MARGIN, today, near)
        since = max(warning_start, last + dt.timedelta(days=1)) if last is not None else warning_start
        if streak and not _streak_known(_dates(recent, "migraine", today), since, near):
            recent = _read_days(client, base_start, today, dt.date.min)
    else:
        baseline = recent = _read_days(client, base_start, today, dt.date.min)
    suggestion = cadence.evaluate(
        phase=cadence.Phase(phase.kind),
        baseline=_window(baseline.table, base_start, base_end),
        recent=_window(recent.table, recent_start, today),
        today=today,
        rules=engine_rules,
        warning_dates=_warning_dates(client, recent.attacks, start=warning_start, end=today, zone=zone),
        migraine_dates=_dates(recent, "migraine", today),
        recorded_dates=_dates(recent, "recorded", today),
        last_session=last,
    )
    next_on = cadence.next_session_on(
        last_session=last,
        interval_days=phase.interval_days_min,
        today=today,
        earlier_by=suggestion.earlier_by,
    )
    declined = (
        PhaseDecision.objects.filter(
            plan=plan,
            from_phase=phase,
            to_kind=suggestion.suggested,
            decision=PhaseDecisionKind.DECLINED,
        )
        .select_related("created_by")
        .first()
        if suggestion.changes_phase
        else None
    )
    return PlanCadence(plan, phase, today, suggestion, last, next_on, upcoming, declined)


# --- session records: addenda, what the front desk may see, the follow-up before ------------


def session_get(*, practice: Practice, session_id: uuid.UUID) -> SessionRecord | None:
    return (
        SessionRecord.objects.for_practice(practice)
        .select_related("client", "practitioner__membership__user", "location", "room", "appointment")
        .filter(uuid=session_id)
        .first()
    )


def addenda_of(*, session: SessionRecord) -> QuerySet[Addendum]:
    return Addendum.objects.filter(session=session).select_related("author").order_by("created_at", "pk")


def sessions_happened(*, client: Client) -> QuerySet[SessionRecord]:
    """That sessions happened, and only that: date, practitioner and length (what the front
    desk may see; no notes, regions, techniques or sensations are even read)."""
    return (
        SessionRecord.objects.filter(client=client)
        .select_related("practitioner__membership__user")
        .only("uuid", "started_at", "duration_minutes", "practitioner", "client_id", "practice_id")
        .order_by("-started_at")
    )


def follow_up_before(*, client: Client, before: dt.datetime) -> FollowUp | None:
    """The follow-up of the client's last session that began before ``before``: its answers
    belong on the next session's record."""
    return (
        FollowUp.objects.filter(session__client=client, session__started_at__lt=before)
        .select_related("session")
        .order_by("-session__started_at")
        .first()
    )


# --- the 24-hour follow-up: the client's cards, the practitioner's list --------------------

#: A follow-up is offered to the client (card, e-mail) from when it is due until this long after.
ANSWER_WINDOW = dt.timedelta(days=7)


def follow_ups_for_client(*, client: Client, now: dt.datetime | None = None) -> list[FollowUp]:
    """The client's follow-ups to answer now: due, within the answer window, not complete, or
    complete with side effects the client has not yet said have passed."""
    now = now or timezone.now()
    found = (
        FollowUp.objects.filter(
            session__client=client,
            due_at__lte=now,
            due_at__gt=now - ANSWER_WINDOW,
            passed_at__isnull=True,
        )
        .select_related("session__practitioner__membership__user")
        .order_by("due_at")
    )
    return [f for f in found if f.completed_at is None or f.side_effects]


@dataclass(frozen=True)
class FollowUpsToDo:
    unanswered: list[FollowUp]
    flagged: list[FollowUp]


def follow_ups_to_do(
    *, practice: Practice, now: dt.datetime | None = None, limit: int = 200
) -> FollowUpsToDo:
    """The practitioners' list: follow-ups due and not answered, and side effects not passed
    48 hours after the session (``FollowUp.is_flagged``, the one rule)."""
    now = now or timezone.now()
    base = FollowUp.objects.for_practice(practice).select_related(
        "session__client", "session__practitioner__membership__user"
    )
    unanswered = list(base.filter(due_at__lte=now, completed_at__isnull=True).order_by("-due_at")[:limit])
    candidates = base.filter(due_at__lte=now - FLAG_AFTER_DUE, passed_at__isnull=True).order_by("-due_at")[
        : limit * 5
    ]
    flagged = [f for f in candidates if f.is_flagged(now)]
    return FollowUpsToDo(unanswered=[f for f in unanswered if not f.is_flagged(now)], flagged=flagged)


@dataclass(frozen=True)
class FollowUpCounts:
    unanswered: int
    flagged: int


def follow_up_counts(*, practice: Practice, now: dt.datetime | None = None) -> FollowUpCounts:
    """How many follow-ups ``follow_ups_to_do`` would list, without its 200 limit: counted in one
    query, for the staff home's summary (reading the rows cost a busy practice's home hundreds
    of milliseconds). Flagged: ``FollowUp.flagged_q`` and the side effect still not passed."""
    now = now or timezone.now()
    flagged = FollowUp.flagged_q(now)
    found = FollowUp.objects.for_practice(practice).aggregate(
        unanswered=Count("pk", filter=Q(due_at__lte=now, completed_at__isnull=True) & ~flagged),
        flagged=Count("pk", filter=flagged & Q(passed_at__isnull=True)),
    )
    return FollowUpCounts(unanswered=found["unanswered"], flagged=found["flagged"])


# --- waitlist -----------------------------------------------------------------------------


def waitlist_of(*, practice: Practice, statuses: tuple[str, ...] | None = None) -> QuerySet[WaitlistEntry]:
    """The practice's waitlist, first come first (``created_at``, then id)."""
    found = WaitlistEntry.objects.for_practice(practice).select_related(
        "client", "service", "practitioner", "location"
    )
    if statuses is not None:
        found = found.filter(status__in=statuses)
    return found.order_by("created_at", "pk")


def waitlist_entry_fits(
    entry: WaitlistEntry,
    *,
    practitioner_id: int,
    location_id: int,
    service_id: int | None,
    starts_local: dt.datetime,
    ends_local: dt.datetime,
) -> bool:
    """Whether a slot (its local start and end in the location's zone) meets every constraint
    of ``entry``; an empty constraint accepts anything. A slot without a service fits only
    entries that ask for none."""
    day = starts_local.date()
    return (
        (entry.service_id is None or entry.service_id == service_id)
        and (entry.practitioner_id is None or entry.practitioner_id == practitioner_id)
        and (entry.location_id is None or entry.location_id == location_id)
        and (entry.earliest is None or entry.earliest <= day)
        and (entry.latest is None or day <= entry.latest)
        and (not entry.weekdays or day.weekday() in entry.weekdays)
        and (entry.time_from is None or entry.time_from <= starts_local.time())
        and (entry.time_until is None or (ends_local.date() == day and ends_local.time() <= entry.time_until))
    )


def waitlist_fitting(*, practice: Practice, slot: Slot) -> list[WaitlistEntry]:
    """Waiting entries whose constraints the free ``slot`` meets, first come first; clients
    who are archived are left out. Two queries."""
    location = Location.objects.for_practice(practice).filter(pk=slot.location_id).first()
    if location is None:
        return []
    zone = zoneinfo.ZoneInfo(location.time_zone)
    starts_local, ends_local = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    day = starts_local.date()
    candidates = (
        waitlist_of(practice=practice, statuses=(WaitlistStatus.WAITING,))
        .filter(client__status=ClientStatus.ACTIVE)
        .filter(Q(service__isnull=True) | Q(service_id=slot.service_id))
        .filter(Q(practitioner__isnull=True) | Q(practitioner_id=slot.practitioner_id))
        .filter(Q(location__isnull=True) | Q(location_id=slot.location_id))
        .filter(Q(earliest__isnull=True) | Q(earliest__lte=day))
        .filter(Q(latest__isnull=True) | Q(latest__gte=day))
    )
    return [
        entry
        for entry in candidates
        if waitlist_entry_fits(
            entry,
            practitioner_id=slot.practitioner_id,
            location_id=slot.location_id,
            service_id=slot.service_id,
            starts_local=starts_local,
            ends_local=ends_local,
        )
    ]
