"""One client's whole analysis, composed once for every page that shows it.

The client's "how am I doing" page, the practitioner's view and the physician's report all call
:func:`client_analysis`, so they show the same numbers: the per-period outcomes
(:func:`headwise.outcomes.selectors.client_outcomes`), the phase comparison
(:func:`headwise.stats.phases.compare_phases`) and the regression-to-the-mean check
(:func:`headwise.stats.rtm.regression_to_mean`). It reads the pure core's results and arranges
them for the templates and the plots; its one sum is that of the periods before the baseline,
which :func:`period_outcomes` leaves out: their day counts, with the same interval
(:func:`garwood_interval` at the client's dispersion), so the usual level is visible beside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from headwise.clients import selectors as client_selectors
from headwise.clients.models import Client
from headwise.outcomes import wording
from headwise.outcomes.plots import PhaseSpan, PlotPeriod
from headwise.outcomes.selectors import client_outcomes
from headwise.stats.errors import AnalysisError
from headwise.stats.outcomes import (
    DAY_MEASURES,
    Mean,
    PeriodOutcome,
    PeriodTable,
    Rate,
    Responder,
    dominant_phase,
    garwood_interval,
    period_bounds,
)
from headwise.stats.phases import BASELINE, BEFORE, TREATMENT_PHASES, PhaseComparison, compare_phases
from headwise.stats.rtm import RtmResult, RtmStatus, regression_to_mean
from headwise.stats.series import DaySeries

BASELINE_DAYS = 28
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
    reference: str = ""
    terms: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    #: (phase, rate ratio, low, high) for each treatment phase against the same reference.
    by_phase: tuple[tuple[str, float, float, float], ...] = ()


@dataclass(frozen=True)
class RtmRow:
    """The regression-to-the-mean check: what the baseline's height alone predicts, and beyond."""

    assessable: bool
    code: str
    usual: float | None = None
    baseline: float | None = None
    #: The before/after ratio (under care over the baseline) regression to the mean alone predicts.
    expected_ratio: float | None = None
    beyond_ratio: float | None = None
    low: float | None = None
    high: float | None = None
    changed_beyond_expected: bool | None = None
    source: str = ""
    #: The naive before/after ratio (under care over the baseline), shown for contrast.
    naive_ratio: float | None = None
    naive_low: float | None = None
    naive_high: float | None = None
    caveats: tuple[str, ...] = ()


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
def _estimate(rate: Rate) -> Estimate:
    return Estimate(rate.per_28, rate.low, rate.high, count=rate.count)


def _mean(mean: Mean) -> Estimate:
    return Estimate(mean.mean, mean.low, mean.high, count=mean.n)


def _analysed_row(p: PeriodOutcome, *, reason_text: Callable[[Responder], str]) -> PeriodRow:
    """A baseline or after period, with every measure as :func:`period_outcomes` gave it."""
    change = p.changes.get("migraine_days")
    responder = p.responder(50)
    return PeriodRow(
        index=p.index,
        kind=p.kind,
        phase=p.phase,
        start=p.start,
        end=p.end,
        days=p.n_days,
        recorded_days=p.recorded_days,
        intensity=_mean(p.means["peak_intensity"]),
        attacks=p.rates["attacks"].count,
        change_percent=change.percent if change else None,
        change_low=change.percent_low if change else None,
        change_high=change.percent_high if change else None,
        responder=_responder_words(responder, reason_text) if responder and p.kind == "after" else "",
        migraine=_estimate(p.rates["migraine_days"]),
        headache=_estimate(p.rates["headache_days"]),
        moderate_severe=_estimate(p.rates["moderate_severe_days"]),
        medication=_estimate(p.rates["acute_medication_days"]),
        days_lost=_estimate(p.rates["days_lost"]),
    )


def _responder_words(responder: Responder, reason_text: Callable[[Responder], str]) -> str:
    return str(_("IHS 50%% responder: %(status)s.") % {"status": reason_text(responder)})


def _earlier_row(
    series: DaySeries, kind: str, lo: int, hi: int, dispersion: Mapping[str, float]
) -> PeriodRow:
    """A period before the baseline (or of a diary without sessions): the same rates and
    intervals (:func:`garwood_interval`, the client's dispersion) from the same day columns."""
    first, last = max(lo, 0), min(hi, series.n_days)
    recorded = int(series.recorded[first:last].sum())

    def rate(measure: str) -> Estimate:
        count = int(series.column(DAY_MEASURES[measure])[first:last].sum())
        if not recorded:
            return Estimate(None, count=count)
        low, high = garwood_interval(count, recorded, dispersion=dispersion.get(measure, 1.0))
        return Estimate(count / recorded * 28, low * 28, min(high * 28, 28.0), count=count)

    inside = (series.attack_day >= first) & (series.attack_day < last)
    peaks = series.attack_peak[inside]
    peaks = peaks[~np.isnan(peaks) & (peaks > 0)]
    return PeriodRow(
        index=0,
        kind=kind,
        phase=kind if kind == "before" else dominant_phase(series.phase[first:last]),
        start=series.start + dt.timedelta(days=lo),
        end=series.start + dt.timedelta(days=hi - 1),
        days=hi - lo,
        recorded_days=recorded,
        intensity=Estimate(float(peaks.mean()) if peaks.size else None, count=int(peaks.size)),
        attacks=int(inside.sum()),
        migraine=rate("migraine_days"),
        headache=rate("headache_days"),
        moderate_severe=rate("moderate_severe_days"),
        medication=rate("acute_medication_days"),
        days_lost=rate("days_lost"),
    )


def _spans(series: DaySeries, baseline: PeriodRow | None) -> list[PhaseSpan]:
    """Runs of days in one phase, the baseline window marked as such."""
    labels = list(series.phase)
    if baseline is not None:
        for i in range((baseline.start - series.start).days, (baseline.end - series.start).days + 1):
            if 0 <= i < len(labels):
                labels[i] = "baseline"
    spans: list[PhaseSpan] = []
    for i, kind in enumerate(labels):
        day = series.start + dt.timedelta(days=i)
        if spans and spans[-1].kind == kind:
            spans[-1] = PhaseSpan(kind, spans[-1].start, day)
        else:
            spans.append(PhaseSpan(kind, day, day))
    return spans


def _model_phases(kinds: Sequence[str], phases: Sequence[str]) -> list[str]:
    """The phase model's labels: before and baseline by position, a plan phase or "treatment" after."""
    return [
        kind if kind in (BEFORE, BASELINE) else (phase if phase in TREATMENT_PHASES else "treatment")
        for kind, phase in zip(kinds, phases, strict=True)
    ]


def usual_migraine_days(client: Client) -> float | None:
    """The migraine days in a usual month the client gave in their submitted intake, if any:
    the usual level the regression-to-the-mean check falls back on without earlier diary."""
    intake = client_selectors.intake_of(client=client)
    if intake is None or intake.submitted_at is None or intake.migraine_days_per_month is None:
        return None
    return float(intake.migraine_days_per_month)


def _models(
    table: PeriodTable, kinds: Sequence[str], *, usual: float | None = None
) -> tuple[PhaseComparison | None, RtmResult | None]:
    """The phase comparison and the regression-to-the-mean check on the same periods, or
    ``None`` where the diary cannot carry them (no period under care, or none before it).
    ``usual`` is the intake's usual monthly migraine days, used only without earlier diary."""
    if "after" not in kinds:
        return None, None
    keep = table.recorded_days > 0
    phases = [ph for ph, k in zip(_model_phases(kinds, table.phase), keep, strict=True) if k]
    days, recorded, index = table.migraine_days[keep], table.recorded_days[keep], np.flatnonzero(keep)
    months = table.month_of_year[keep]
    try:
        comparison = compare_phases(days, recorded, phases, index, month_of_year=months)
    except AnalysisError:
        comparison = None
    try:
        rtm = regression_to_mean(
            days,
            recorded,
            phases,
            index,
            month_of_year=months,
            usual_monthly_migraine_days=usual,
            comparison=comparison,
        )
    except AnalysisError:
        rtm = None
    return comparison, rtm


def _model_row(c: PhaseComparison) -> ModelRow:
    headline = c.treatment
    return ModelRow(
        family=wording.family(c.family),
        family_reason=wording.family_reason(c.family_reason, c.dispersion),
        rate_ratio=headline.estimate if headline else None,
        low=headline.low if headline else None,
        high=headline.high if headline else None,
        periods=c.periods,
        recorded_days=c.recorded_days,
        covariance=wording.covariance(c.covariance, c.autocorrelation),
        reference=wording.reference(c.reference),
        terms=tuple(dict.fromkeys(wording.term(t) for t in c.terms)),  # sin and cos: one "season"
        caveats=tuple(wording.caveat(code) for code in c.caveats),
        by_phase=tuple((wording.phase(r.term), r.estimate, r.low, r.high) for r in c.by_phase),
    )


def _rtm_row(r: RtmResult) -> RtmRow:
    beyond = r.beyond
    expected = r.expected_without_care
    return RtmRow(
        assessable=r.status != RtmStatus.NOT_SEPARABLE and beyond is not None,
        code=r.status,
        usual=r.usual_per_28_days,
        baseline=r.baseline_per_28_days,
        expected_ratio=expected.estimate if expected else None,
        beyond_ratio=beyond.estimate if beyond else None,
        low=beyond.low if beyond else None,
        high=beyond.high if beyond else None,
        changed_beyond_expected=r.changed_beyond_expected,
        source=wording.rtm_source(r.status),
        naive_ratio=r.naive.estimate if r.naive else None,
        naive_low=r.naive.low if r.naive else None,
        naive_high=r.naive.high if r.naive else None,
        caveats=tuple(wording.caveat(code) for code in r.caveats),
    )


def client_analysis(client: Client, *, baseline_days: int = BASELINE_DAYS) -> ClientAnalysis:
    """The client's outcomes, phase comparison and regression-to-the-mean check, composed.

    One read of the diary (:func:`client_outcomes`); the periods before the baseline (or all of
    them, without a session) get the same rates and intervals from the same day columns; the
    phase model and the regression-to-the-mean check run on the outcomes' period table.
    """
    found = client_outcomes(client, baseline_days=baseline_days)
    series, outcomes = found.series, found.outcomes
    first_index = series.index_of(outcomes.first_session) if outcomes.first_session else None
    bounds = period_bounds(series.n_days, first_index, baseline_days=baseline_days) if series.n_days else []
    analysed = iter(p for p in (outcomes.baseline, *outcomes.periods) if p is not None)
    rows: list[PeriodRow] = []
    for kind, lo, hi in bounds:
        if kind in (BASELINE, "after"):
            rows.append(_analysed_row(next(analysed), reason_text=found.reason_text))
        else:
            rows.append(_earlier_row(series, kind, lo, hi, outcomes.dispersion))
    baseline = next((r for r in rows if r.kind == BASELINE), None)
    comparison, rtm = _models(found.table, [k for k, _, _ in bounds], usual=usual_migraine_days(client))
    return ClientAnalysis(
        today=found.today,
        first_session=outcomes.first_session,
        baseline=baseline,
        baseline_complete_enough=baseline is not None and not outcomes.baseline_incomplete,
        rows=rows,
        plot_periods=[_plot(r) for r in rows],
        phases=_spans(series, baseline),
        sessions=list(series.session_days),
        model=_model_row(comparison) if comparison else None,
        rtm=_rtm_row(rtm) if rtm else None,
    )


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
