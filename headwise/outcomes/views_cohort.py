"""The practice cohort page: owners and practitioners; the front desk is refused (403).

One computation per request (:func:`headwise.outcomes.cohort.cohort_report`); the plot is
drawn in the same request and embedded, so the page and its plot always show the same numbers.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from headwise.accounts.access import StaffRequest, clinician_required
from headwise.outcomes import cohort, tasks
from headwise.outcomes.cohort_chart import cohort_chart


def _number(value: float, digits: int = 1) -> str:
    return formats.number_format(round(value, digits), digits)


def _percent(i: cohort.Interval) -> str:
    if i.n == 0 or math.isnan(i.estimate):
        return "—"
    return _("%(p)s%% (%(low)s–%(high)s%%), %(k)s of %(n)s") % {
        "p": _number(i.estimate * 100, 0),
        "low": _number(i.low * 100, 0),
        "high": _number(i.high * 100, 0),
        "k": i.k,
        "n": i.n,
    }


def _mean(i: cohort.Interval, *, scale: float = 1.0, digits: int = 1, signed: bool = False) -> str:
    if i.n == 0 or math.isnan(i.estimate):
        return "—"
    value = _number(i.estimate * scale, digits)
    if signed and i.estimate > 0:
        value = f"+{value}"
    if math.isnan(i.low):
        return _("%(mean)s (one client: no interval)") % {"mean": value}
    return _("%(mean)s (%(low)s to %(high)s)") % {
        "mean": value,
        "low": _number(i.low * scale, digits),
        "high": _number(i.high * scale, digits),
    }


@dataclass(frozen=True)
class Line:
    label: str
    n_clients: int
    r30: str
    r50: str
    r75: str
    no_baseline: int
    baseline: str
    follow_up: str
    change: str
    completeness: str
    completeness_n: int
    dropout: str | None


@dataclass(frozen=True)
class Table:
    heading: str
    column: str
    lines: list[Line]


def _names() -> dict[str, tuple[str, str]]:
    return {
        "all": (_("All clients"), _("Clients")),
        "practitioner": (_("By practitioner"), _("Practitioner")),
        "location": (_("By location"), _("Location")),
        "phase": (_("By phase"), _("Phase")),
    }


def _tables(report: cohort.CohortReport) -> list[Table]:
    tables: list[Table] = []
    names = _names()
    current = None
    for row in report.rows:
        if row.dimension != current:
            current = row.dimension
            heading, column = names[row.dimension]
            tables.append(Table(heading, column, []))
        tables[-1].lines.append(
            Line(
                label=row.label,
                n_clients=row.n_clients,
                r30=_percent(row.responders[30]),
                r50=_percent(row.responders[50]),
                r75=_percent(row.responders[75]),
                no_baseline=row.no_baseline,
                baseline=_mean(row.baseline),
                follow_up=_mean(row.follow_up),
                change=_mean(row.change, signed=True),
                completeness=_mean(row.completeness, scale=100, digits=0),
                completeness_n=row.completeness.n,
                dropout=None if row.dropout is None else _percent(row.dropout),
            )
        )
    return tables


@clinician_required
def practice_cohort(request: StaffRequest) -> HttpResponse:
    report = cohort.cohort_report(request.practice)
    if report.classified_now:
        # Some diaries changed since their days were kept: keep them, for the next view.
        practice_id = request.practice.pk
        transaction.on_commit(lambda: tasks.refresh_day_states.enqueue(practice_id))
    svg = cohort_chart(report.rows, dark=request.user.theme == "dark")
    context = {
        "report": report,
        "tables": _tables(report),
        "chart": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
        "baseline_percent": round(cohort.BASELINE_MIN_COMPLETENESS * 100),
        "quiet_days": cohort.DROPOUT_QUIET_DAYS,
        "early_days": cohort.EARLY_END_DAYS,
        "periods": cohort.FOLLOW_UP_PERIODS,
    }
    return render(request, "outcomes/cohort.html", context)
