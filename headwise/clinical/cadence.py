"""The cadence of a phased course of care: which phase the diary suggests, and when to meet next.

A course of craniosacral therapy for migraine is commonly planned in phases: weekly while
migraines are frequent (*intensive*), every 2-3 weeks while they settle (*stabilising*), and
monthly, or earlier at an early warning sign (*maintenance*). Headwise *suggests* a change from
the diary; the practitioner decides. The rules are plain data (:class:`CadenceRules`), edited
per practice; this module only evaluates them.

Counts follow the one day definition (:func:`headwise.clinical.days`): a migraine day is a
local calendar day the engine marks ``migraine``; a day without any entry is *missing*, never
migraine-free. Every comparison is between **rates per 28 recorded days** (migraine days /
recorded days x 28, docs/clinical-definitions.md "month"), and is made only when both periods
have enough recorded days; otherwise the result says so and suggests no change.

The move-on threshold of a 50 % reduction in migraine days mirrors the responder definition of
the IHS guidelines for controlled trials of preventive treatment of episodic migraine
(Diener et al., *Cephalalgia* 2020;40(10):1026-1044, doi:10.1177/0333102420941839). It is a
threshold for a *suggestion*; it says nothing about what caused a change: people often start
care at their worst, and migraine frequency falls back towards its usual level on its own
(regression to the mean).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from headwise.clinical.errors import AnalysisError

__all__ = [
    "Phase",
    "Rule",
    "CadenceRules",
    "DEFAULT_RULES",
    "Window",
    "Streak",
    "Suggestion",
    "evaluate",
    "next_session_on",
]

#: Days a rate is normalised to (docs/clinical-definitions.md, "month").
RATE_DAYS = 28


class Phase(StrEnum):
    """The phases of a plan, in order of decreasing frequency of sessions."""

    INTENSIVE = "intensive"
    STABILISING = "stabilising"
    MAINTENANCE = "maintenance"


_ORDER = (Phase.INTENSIVE, Phase.STABILISING, Phase.MAINTENANCE)


class Rule(StrEnum):
    """Which rule decided the suggestion (stored with a practitioner's decision)."""

    MOVE_ON = "move_on"
    RELAPSE = "relapse"
    WARNING_SIGN = "warning_sign"
    STREAK_ENDED = "streak_ended"
    STAY = "stay"
    TOO_FEW_DAYS = "too_few_days"


@dataclass(frozen=True, slots=True)
class CadenceRules:
    """A practice's cadence rules.

    Attributes
    ----------
    window_days
        Length of the recent period and of the baseline period (days).
    min_recorded_days
        Recorded days each period needs before a comparison is made.
    move_on_percent
        Move on one phase when the recent rate has fallen by at least this much against the
        baseline rate (percent; 50 = halved).
    relapse_percent
        Step back one phase when the recent rate is at least this share of the baseline rate
        (percent; 100 = back to the baseline level or above).
    warning_days
        In maintenance, a warning sign or the end of a streak within this many days (up to
        today) offers an earlier slot.
    streak_days
        Recorded days without a migraine day that count as an attack-free streak.
    early_slot_days
        The earlier slot offered: within this many days from today.
    """

    window_days: int = 28
    min_recorded_days: int = 20
    move_on_percent: int = 50
    relapse_percent: int = 100
    warning_days: int = 7
    streak_days: int = 28
    early_slot_days: int = 7
    move_on: bool = True
    relapse: bool = True
    warning_sign: bool = True
    streak_end: bool = True

    def __post_init__(self) -> None:
        checks = (
            ("window_days", self.window_days, 7, 90),
            ("min_recorded_days", self.min_recorded_days, 1, self.window_days),
            ("move_on_percent", self.move_on_percent, 1, 100),
            ("relapse_percent", self.relapse_percent, 1, 200),
            ("warning_days", self.warning_days, 1, 28),
            ("streak_days", self.streak_days, 1, 365),
            ("early_slot_days", self.early_slot_days, 1, 28),
        )
        for name, value, lo, hi in checks:
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise AnalysisError(name, f"must be an integer from {lo} to {hi}")


DEFAULT_RULES = CadenceRules()


@dataclass(frozen=True, slots=True)
class Window:
    """Migraine days and recorded days over local days ``start``..``end`` (inclusive)."""

    start: dt.date
    end: dt.date
    recorded_days: int
    migraine_days: int

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def rate(self) -> float | None:
        """Migraine days per 28 recorded days; None without a recorded day."""
        if self.recorded_days == 0:
            return None
        return self.migraine_days / self.recorded_days * RATE_DAYS


@dataclass(frozen=True, slots=True)
class Streak:
    """An attack-free streak that a migraine day ended."""

    recorded_days: int
    ended_on: dt.date


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What the rules suggest, with every number they used.

    ``phase`` is the plan's phase now; ``suggested`` the phase the rules suggest (the same
    when no change); ``earlier_by`` the latest day of an earlier slot, when one is offered.
    ``change`` is the relative change of the rate against the baseline (-0.5 = halved), None
    when either period lacks enough recorded days or the baseline had no migraine day.
    """

    rule: Rule
    phase: Phase
    suggested: Phase
    baseline: Window
    recent: Window
    rules: CadenceRules
    change: float | None = None
    warning_on: dt.date | None = None
    streak: Streak | None = None
    earlier_by: dt.date | None = None
    short: tuple[str, ...] = field(default=())

    @property
    def changes_phase(self) -> bool:
        return self.suggested != self.phase


def _enough(window: Window, rules: CadenceRules) -> bool:
    return window.recorded_days >= rules.min_recorded_days


def _step(phase: Phase, by: int) -> Phase:
    return _ORDER[max(0, min(len(_ORDER) - 1, _ORDER.index(phase) + by))]


def _streak_ended(
    migraine_dates: frozenset[dt.date],
    recorded_dates: frozenset[dt.date],
    since: dt.date,
    rules: CadenceRules,
) -> Streak | None:
    """The streak that the first migraine day on or after ``since`` ended, if long enough.

    The streak counts *recorded* days without a migraine day back to the previous migraine day
    (or the start of what is known): missing days are not migraine-free, so they do not count.
    """
    after = sorted(d for d in migraine_dates if d >= since)
    if not after:
        return None
    ended = after[0]
    before = [d for d in migraine_dates if d < ended]
    previous = max(before) if before else None
    count = sum(1 for d in recorded_dates if d < ended and (previous is None or d > previous))
    return Streak(count, ended) if count >= rules.streak_days else None


def evaluate(
    *,
    phase: Phase,
    baseline: Window,
    recent: Window,
    today: dt.date,
    rules: CadenceRules = DEFAULT_RULES,
    warning_dates: frozenset[dt.date] = frozenset(),
    migraine_dates: frozenset[dt.date] = frozenset(),
    recorded_dates: frozenset[dt.date] = frozenset(),
    last_session: dt.date | None = None,
) -> Suggestion:
    """Evaluate the cadence rules for one plan on ``today`` (the client's local date).

    Order: a relapse steps back one phase (not from *intensive*); else, in *maintenance*, a
    warning sign on a day within ``warning_days`` up to today, or the end of an attack-free
    streak of ``streak_days`` recorded days in that time, offers an earlier slot; else a
    reduction of ``move_on_percent`` moves on one phase (not from *maintenance*); else no
    change. A warning sign or a streak's end on or before ``last_session`` (the day of the
    last session) has been seen to and offers nothing. Relapse and move-on compare rates per
    28 recorded days and need ``min_recorded_days`` in both the baseline and the recent period.

    Examples
    --------
    >>> d = dt.date(2026, 3, 1)
    >>> base = Window(d - dt.timedelta(days=56), d - dt.timedelta(days=29), 28, 12)
    >>> now = Window(d - dt.timedelta(days=27), d, 24, 5)
    >>> s = evaluate(phase=Phase.INTENSIVE, baseline=base, recent=now, today=d)
    >>> s.rule.value, s.suggested.value, round(s.change, 3)
    ('move_on', 'stabilising', -0.514)
    """
    short = tuple(name for name, w in (("baseline", baseline), ("recent", recent)) if not _enough(w, rules))
    base_rate, now_rate = baseline.rate, recent.rate
    change = None
    if not short and base_rate and now_rate is not None:
        change = now_rate / base_rate - 1
    stay = Suggestion(Rule.STAY, phase, phase, baseline, recent, rules, change=change, short=short)
    if (
        rules.relapse
        and phase != Phase.INTENSIVE
        and not short
        and recent.migraine_days > 0
        and base_rate is not None
        and now_rate is not None
        and now_rate * 100 >= base_rate * rules.relapse_percent
    ):
        return replace(stay, rule=Rule.RELAPSE, suggested=_step(phase, -1))
    if phase == Phase.MAINTENANCE:
        since = today - dt.timedelta(days=rules.warning_days - 1)
        if last_session is not None:
            since = max(since, last_session + dt.timedelta(days=1))
        earlier_by = today + dt.timedelta(days=rules.early_slot_days)
        seen = sorted(d for d in warning_dates if since <= d <= today)
        if rules.warning_sign and seen:
            return replace(stay, rule=Rule.WARNING_SIGN, warning_on=seen[-1], earlier_by=earlier_by)
        streak = _streak_ended(migraine_dates, recorded_dates, since, rules) if rules.streak_end else None
        if streak is not None and streak.ended_on <= today:
            return replace(stay, rule=Rule.STREAK_ENDED, streak=streak, earlier_by=earlier_by)
    if short:
        return replace(stay, rule=Rule.TOO_FEW_DAYS)
    if (
        rules.move_on
        and phase != Phase.MAINTENANCE
        and change is not None
        and change * 100 <= -rules.move_on_percent
    ):
        return replace(stay, rule=Rule.MOVE_ON, suggested=_step(phase, 1))
    return stay


def next_session_on(
    *, last_session: dt.date | None, interval_days: int, today: dt.date, earlier_by: dt.date | None = None
) -> dt.date:
    """The day the next session falls due: the last session plus the phase's interval.

    Never before today; with an earlier slot offered, no later than ``earlier_by``.

    Examples
    --------
    >>> next_session_on(last_session=dt.date(2026, 3, 1), interval_days=7, today=dt.date(2026, 3, 3))
    datetime.date(2026, 3, 8)
    >>> next_session_on(last_session=None, interval_days=7, today=dt.date(2026, 3, 3))
    datetime.date(2026, 3, 3)
    """
    if interval_days < 1:
        raise AnalysisError("interval_days", "must be at least 1")
    due = today if last_session is None else last_session + dt.timedelta(days=interval_days)
    due = max(due, today)
    if earlier_by is not None:
        due = min(due, earlier_by)
    return due
