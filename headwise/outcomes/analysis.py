"""One client's whole analysis, composed once for every page that shows it.

The client's "how am I doing" page, the practitioner's view and the physician's report all call
:func:`client_analysis`, so they show the same numbers: the per-period outcomes
(:func:`headwise.outcomes.selectors.client_outcomes`), the phase comparison
(:func:`headwise.stats.phases.compare_phases`) and the regression-to-the-mean check
(:func:`headwise.stats.rtm.regression_to_mean`). Nothing here computes a statistic: it reads the
pure core's results and arranges them for the templates and the plots.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.care.models import PlanPhase, SessionRecord
from headwise.clients.models import Client
from headwise.diary import selectors as diary_selectors
from headwise.diary.localtime import client_today
from headwise.diary.models import Attack, DailyCheckIn
from headwise.outcomes.plots import PhaseSpan, PlotPeriod
from headwise.stats import monthly_rate

#: Periods in the report's table (the newest; the plot shows them all).
REPORT_ROWS = 6


@dataclass(frozen=True)
class Estimate:
    """A rate per 28 recorded days (or a mean) with its 95% interval; ``None`` when not computable."""

    value: float | None
    low: float | None = None
    high: float | None = None
    count: int | None = None


@dataclass(frozen=True)
class PeriodRow:
    """One 28-day period as the tables show it."""

    index: int
    kind: str  # "before", "baseline", "after"
    phase: str
    start: dt.date
    end: dt.date
    days: int
    recorded_days: int
    migraine: Estimate
    headache: Estimate
    moderate_severe: Estimate
    medication: Estimate
    days_lost: Estimate
    intensity: Estimate
    attacks: int | None = None
    change_percent: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    responder: str = ""

    @property
    def missing_days(self) -> int:
        return self.days - self.recorded_days

    @property
    def completeness(self) -> int:
        return round(100 * self.recorded_days / self.days) if self.days else 0

    @property
    def rates(self) -> tuple[Estimate, Estimate, Estimate, Estimate]:
        """The tables' per-28-day columns, in order: migraine, headache, medication, days lost."""
        return (self.migraine, self.headache, self.medication, self.days_lost)


@dataclass(frozen=True)
class ModelRow:
    """The phase model's headline, for the practitioner's table and the report."""

    family: str
    family_reason: str
    rate_ratio: float | None
    low: float | None
    high: float | None
    periods: int
    recorded_days: int
    covariance: str = ""
    terms: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class RtmRow:
    """The regression-to-the-mean check: what the baseline's height alone predicts, and beyond."""

    assessable: bool
    code: str
    usual: float | None = None
    baseline: float | None = None
    expected_without_change: float | None = None
    beyond_ratio: float | None = None
    low: float | None = None
    high: float | None = None
    changed_beyond_expected: bool | None = None
    source: str = ""


@dataclass(frozen=True)
class ClientAnalysis:
    """Everything the outcome pages and the report show for one client."""

    today: dt.date
    first_session: dt.date | None
    baseline: PeriodRow | None
    baseline_complete_enough: bool
    rows: list[PeriodRow]
    plot_periods: list[PlotPeriod]
    phases: list[PhaseSpan]
    sessions: list[dt.date]
    model: ModelRow | None
    rtm: RtmRow | None
    notes: list[str] = field(default_factory=list)

    @property
    def latest(self) -> PeriodRow | None:
        """The newest whole 28-day period after the first session (else the newest part of one):
        a period of a few days says little, and the table shows it anyway."""
        after = [r for r in self.rows if r.kind == "after"]
        whole = [r for r in after if r.days >= BASELINE_DAYS]
        found = whole or after
        return found[-1] if found else None

    @property
    def report_rows(self) -> list[PeriodRow]:
        """The periods the report's table has room for: the newest :data:`REPORT_ROWS`."""
        return self.rows[-REPORT_ROWS:]

    @property
    def report_lines(self) -> list[tuple[str, Estimate, Estimate]]:
        """(measure, baseline, latest) for the report's comparison, labelled in the active language."""
        empty = Estimate(None)
        b, last = self.baseline, self.latest

        def pair(name: str) -> tuple[Estimate, Estimate]:
            return (getattr(b, name) if b else empty, getattr(last, name) if last else empty)

        labels = [
            ("migraine", _("Migraine days")),
            ("headache", _("Headache days")),
            ("moderate_severe", _("Moderate or severe headache days")),
            ("medication", _("Days with acute medication")),
            ("days_lost", _("Days lost to headache")),
            ("intensity", _("Worst pain, mean of attacks (0–10)")),
        ]
        return [(str(label), *pair(name)) for name, label in labels]


# --- composition ------------------------------------------------------------------------------
BASELINE_DAYS = 28


def _sessions_and_phases(
    client: Client, *, start: dt.date, today: dt.date
) -> tuple[list[dt.date], list[PhaseSpan]]:
    """Session days (local) and the phases of the client's plans, as spans from ``start``."""
    zone = zoneinfo.ZoneInfo(client.time_zone)
    sessions = sorted(
        {
            clinical.local_date(s.started_at, zone)
            for s in SessionRecord.objects.filter(client=client).only("started_at")
        }
    )
    spans: list[PhaseSpan] = []
    for phase in PlanPhase.objects.filter(plan__client=client).order_by("starts_on"):
        end = phase.ends_on or today
        if spans and spans[-1].end >= phase.starts_on:
            previous = spans[-1]
            spans[-1] = PhaseSpan(previous.kind, previous.start, phase.starts_on - dt.timedelta(days=1))
        spans.append(PhaseSpan(phase.kind, phase.starts_on, min(end, today)))
    return sessions, spans


def _first_day(client: Client, today: dt.date) -> dt.date:
    zone = zoneinfo.ZoneInfo(client.time_zone)
    first_checkin = DailyCheckIn.objects.filter(client=client).aggregate(first=Min("date"))["first"]
    first_attack = Attack.objects.filter(client=client, deleted_at__isnull=True).aggregate(
        first=Min("started_at")
    )["first"]
    candidates = [d for d in (first_checkin, first_attack and clinical.local_date(first_attack, zone)) if d]
    return min([*candidates, today])


def _rate(period: clinical.Period, row: str) -> Estimate:
    count = period.counts[row]
    if not period.recorded_days:
        return Estimate(None, count=count)
    rate = monthly_rate(count, period.recorded_days, period.n_days)
    return Estimate(rate.estimate, rate.low, rate.high, count=count)


def _phase_on(day: dt.date, spans: list[PhaseSpan], first_session: dt.date | None) -> str:
    for span in spans:
        if span.start <= day <= span.end:
            return span.kind
    return "no_plan" if first_session is not None and day >= first_session else "before"


def client_analysis(client: Client, *, baseline_days: int = BASELINE_DAYS) -> ClientAnalysis:
    """The client's outcomes, phase comparison and regression-to-the-mean check, composed."""
    today = client_today(client)
    start = _first_day(client, today)
    sessions, spans = _sessions_and_phases(client, start=start, today=today)
    first_session = sessions[0] if sessions else None
    diary, attacks = diary_selectors.diary_window(client=client, start=start, end=today)
    table = clinical.days(diary)
    anchor = first_session - dt.timedelta(days=baseline_days) if first_session else None
    zone = zoneinfo.ZoneInfo(client.time_zone)
    rows: list[PeriodRow] = []
    for q in clinical.periods(table, anchor=anchor):
        peaks = [
            a.peak_intensity
            for a in attacks
            if a.peak_intensity is not None and q.start <= clinical.local_date(a.started_at, zone) <= q.end
        ]
        kind = "before" if anchor is None or q.end < anchor else ("baseline" if q.index == 0 else "after")
        rows.append(
            PeriodRow(
                index=q.index,
                kind=kind,
                phase="baseline" if kind == "baseline" else _phase_on(q.start, spans, first_session),
                start=q.start,
                end=q.end,
                days=q.n_days,
                recorded_days=q.recorded_days,
                migraine=_rate(q, "migraine"),
                headache=_rate(q, "headache"),
                moderate_severe=_rate(q, "moderate_severe"),
                medication=_rate(q, "acute_medication"),
                days_lost=_rate(q, "days_lost"),
                intensity=Estimate(sum(peaks) / len(peaks) if peaks else None, count=len(peaks)),
            )
        )
    baseline = next((r for r in rows if r.kind == "baseline"), None)
    phases = _with_before(spans, start=start, anchor=anchor, first_session=first_session)
    return ClientAnalysis(
        today=today,
        first_session=first_session,
        baseline=baseline,
        baseline_complete_enough=baseline is not None and baseline.completeness >= 80,
        rows=rows,
        plot_periods=[_plot(r) for r in rows],
        phases=phases,
        sessions=sessions,
        model=None,
        rtm=None,
    )


def _with_before(
    spans: list[PhaseSpan], *, start: dt.date, anchor: dt.date | None, first_session: dt.date | None
) -> list[PhaseSpan]:
    """The plan's phases, with the diary before the baseline and the baseline itself in front."""
    if anchor is None or first_session is None:
        return [PhaseSpan("before", start, start + dt.timedelta(days=10**4)), *spans]
    lead = [PhaseSpan("baseline", anchor, first_session - dt.timedelta(days=1))]
    if start < anchor:
        lead.insert(0, PhaseSpan("before", start, anchor - dt.timedelta(days=1)))
    return [*lead, *(s for s in spans if s.end >= first_session)]


def _plot(row: PeriodRow) -> PlotPeriod:
    return PlotPeriod(
        start=row.start,
        end=row.end,
        phase=row.phase,
        recorded_days=row.recorded_days,
        days=row.days,
        migraine=row.migraine.value,
        migraine_low=row.migraine.low,
        migraine_high=row.migraine.high,
        intensity=row.intensity.value,
        medication=row.medication.value,
    )
