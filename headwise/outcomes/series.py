"""A client's diary as a :class:`headwise.stats.series.DaySeries`, read from the database.

The day states are the clinical engine's (``headwise.clinical.days`` over the diary that
``headwise.diary.selectors.diary_window`` builds through ``clinical_adapter.diary_from_rows``):
the same day definition as the home strip, the month page and the API; nothing is re-derived
here. Session days come from the session records, care phases from the treatment plans. The
number of queries does not grow with the diary's length (tests/outcomes/test_series.py).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence

import numpy as np

from headwise import clinical
from headwise.care.models import TreatmentPlan
from headwise.care.selectors import plans_of_client, sessions_of_client
from headwise.clients.models import Client
from headwise.common import dates
from headwise.diary.localtime import client_today
from headwise.diary.models import Attack
from headwise.diary.selectors import diary_window
from headwise.stats.series import PHASE_BEFORE, PHASE_NO_PLAN, DaySeries

__all__ = ["client_series", "day_phases", "session_days"]


def session_days(*, client: Client, end: dt.date) -> tuple[dt.date, ...]:
    """The local dates of the client's sessions up to ``end``, sorted (one query)."""
    zone = zoneinfo.ZoneInfo(client.time_zone)
    starts = sessions_of_client(client=client).values_list("started_at", flat=True)
    return tuple(sorted({d for d in (clinical.local_date(s, zone) for s in starts) if d <= end}))


def day_phases(
    *, start: dt.date, n_days: int, plans: Iterable[TreatmentPlan], first_session: dt.date | None
) -> tuple[str, ...]:
    """The care phase of each day from ``start``: a plan phase's kind, ``before`` or ``no_plan``.

    A day inside a plan phase (from ``starts_on`` to ``ends_on``, or to the plan's end, or open)
    takes the phase's kind; where phases overlap, the one that started later wins. Any other day
    is ``before`` when it lies before the first session and the first phase, else ``no_plan``.
    """
    phases: list[tuple[dt.date, dt.date | None, str]] = []
    for plan in plans:
        for phase in plan.phases.all():
            phase_end = phase.ends_on or plan.ended_on
            phases.append((phase.starts_on, phase_end, str(phase.kind)))
    phases.sort(key=lambda p: p[0])
    beginnings = [p[0] for p in phases] + ([first_session] if first_session else [])
    care_starts = min(beginnings) if beginnings else None
    labels = np.full(n_days, PHASE_NO_PLAN, dtype=object)
    if care_starts is None:
        labels[:] = PHASE_BEFORE
    else:
        labels[: max(0, min(n_days, (care_starts - start).days))] = PHASE_BEFORE
    for first, last, kind in phases:
        lo = max(0, (first - start).days)
        hi = n_days if last is None else min(n_days, (last - start).days + 1)
        if lo < hi:
            labels[lo:hi] = kind
    return tuple(str(x) for x in labels)


def _align(table: clinical.DayTable, name: str, start: dt.date, n_days: int) -> np.ndarray:
    """The engine's row ``name`` on the columns ``start``..``start + n_days - 1`` (false outside)."""
    out = np.zeros(n_days, dtype=np.bool_)
    if table.n_days == 0:
        return out
    offset = (table.start - start).days
    lo, hi = max(0, offset), min(n_days, offset + table.n_days)
    if lo < hi:
        out[lo:hi] = table.column(name)[lo - offset : hi - offset]
    return out


def _attacks(
    attacks: Sequence[Attack], zone: zoneinfo.ZoneInfo, start: dt.date, n_days: int
) -> tuple[list[int], list[float], list[float]]:
    day, peak, hours = [], [], []
    for a in attacks:
        i = (clinical.local_date(a.started_at, zone) - start).days
        if not 0 <= i < n_days:
            continue  # started before the window: it belongs to the days it started on
        day.append(i)
        peak.append(float("nan") if a.peak_intensity is None else float(a.peak_intensity))
        ended = a.ended_at is not None and a.ended_at > a.started_at
        hours.append((a.ended_at - a.started_at).total_seconds() / 3600 if ended else float("nan"))  # type: ignore[operator]
    return day, peak, hours


def client_series(client: Client, *, start: dt.date | None = None, end: dt.date | None = None) -> DaySeries:
    """The client's days from ``start`` to ``end`` (local dates, inclusive).

    ``end`` defaults to the client's today; ``start`` to the earlier of the first diary day and
    the first session day. Days are the engine's; attacks count on the local day they started
    (an attack across midnight is one attack, on the first day; its migraine and headache days
    are both days). A constant number of queries, whatever the diary's length.
    """
    zone = zoneinfo.ZoneInfo(client.time_zone)
    last = end or client_today(client)
    sessions = session_days(client=client, end=last)
    window_start = start or dates.EARLIEST
    diary, attacks = diary_window(client=client, start=window_start, end=last)
    table = clinical.days(diary)
    if start is None:
        candidates = [d for d in ([table.start] if table.n_days else []) + list(sessions[:1]) if d <= last]
        first = min(candidates) if candidates else last
    else:
        first = start
    n_days = max(0, (last - first).days + 1)
    plans = list(plans_of_client(client=client))
    medication = {}
    for drug_class in clinical.DrugClass:
        column = _align(table, f"medication:{drug_class.value}", first, n_days)
        if column.any():
            medication[drug_class.value] = column
    day, peak, hours = _attacks(attacks, zone, first, n_days)
    return DaySeries(
        start=first,
        recorded=_align(table, "recorded", first, n_days),
        migraine=_align(table, "migraine", first, n_days),
        headache=_align(table, "headache", first, n_days),
        moderate_severe=_align(table, "moderate_severe", first, n_days),
        acute_medication=_align(table, "acute_medication", first, n_days),
        days_lost=_align(table, "days_lost", first, n_days),
        phase=day_phases(
            start=first, n_days=n_days, plans=plans, first_session=sessions[0] if sessions else None
        ),
        medication=medication,
        session_days=sessions,
        attack_day=np.array(day, dtype=np.int64),
        attack_peak=np.array(peak, dtype=np.float64),
        attack_hours=np.array(hours, dtype=np.float64),
    )
