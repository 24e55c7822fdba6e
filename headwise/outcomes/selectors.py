"""Reads of a client's outcomes: the per-period measures, the responder statuses, the model table.

The numbers come from the pure ``headwise.stats.outcomes`` over the client's
:func:`~headwise.outcomes.series.client_series`; this module only reads and names them for the
pages and the report (docs/outcomes.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from headwise.clients.models import Client
from headwise.diary.localtime import client_today
from headwise.diary.models import MedicationIntake
from headwise.outcomes.series import client_series
from headwise.stats.outcomes import (
    NotAssessable,
    Outcomes,
    PeriodOutcome,
    PeriodTable,
    Responder,
    ResponderStatus,
    period_outcomes,
    period_table,
)
from headwise.stats.series import DaySeries

__all__ = [
    "MEASURE_LABELS",
    "NOT_ASSESSABLE_TEXT",
    "PHASE_LABELS",
    "ClientOutcomes",
    "client_outcomes",
    "measure_label",
]

#: What each measure is called on the pages and in the report.
MEASURE_LABELS: dict[str, Promise] = {
    "migraine_days": _("Migraine days"),
    "headache_days": _("Headache days"),
    "moderate_severe_days": _("Moderate or severe headache days"),
    "acute_medication_days": _("Days with acute medication"),
    "days_lost": _("Days lost to headache"),
    "attacks": _("Attacks"),
    "peak_intensity": _("Mean peak intensity (0–10)"),
    "attack_hours": _("Mean attack duration (hours)"),
}

#: Why a responder status cannot be given, in words for the reader.
NOT_ASSESSABLE_TEXT: dict[NotAssessable, Promise] = {
    NotAssessable.NO_SESSION: _("There is no session yet, so there is no baseline to compare with."),
    NotAssessable.BASELINE_INSUFFICIENT: _(
        "Too few diary days in the weeks before the first session to know the starting level."
    ),
    NotAssessable.BASELINE_ZERO: _(
        "There were no migraine days before the first session, so a reduction cannot be measured."
    ),
    NotAssessable.PERIOD_INSUFFICIENT: _("Too few diary days in this period to compare it."),
}

#: The care phases' names as the outcome pages show them.
PHASE_LABELS: dict[str, Promise] = {
    "before": _("Before care"),
    "baseline": _("Baseline"),
    "intensive": _("Weekly sessions"),
    "stabilising": _("Stabilising"),
    "maintenance": _("Maintenance"),
    "no_plan": _("No plan phase"),
    "treatment": _("Sessions without a plan phase"),
    "period": _("Period"),
}

STATUS_TEXT: dict[ResponderStatus, Promise] = {
    ResponderStatus.RESPONDER: _("reduction reached"),
    ResponderStatus.NON_RESPONDER: _("reduction not reached"),
    ResponderStatus.NOT_ASSESSABLE: _("not assessable"),
}


def measure_label(name: str) -> str:
    """The reader's name of a measure; ``medication_days:<class>`` names the drug class."""
    if name.startswith("medication_days:"):
        drug_class = name.removeprefix("medication_days:")
        choices = dict(MedicationIntake._meta.get_field("drug_class").choices or [])
        return str(_("Days with %(drug_class)s") % {"drug_class": choices.get(drug_class, drug_class)})
    return str(MEASURE_LABELS.get(name, name))


@dataclass(frozen=True)
class ClientOutcomes:
    """One client's outcomes as the pages and the physician's report show them.

    ``outcomes`` holds the baseline and each following 28-day period with every measure, its
    interval, its change from the baseline and the responder statuses; ``table`` the per-period
    arrays the phase model takes (periods before the baseline included).
    """

    client: Client
    today: dt.date
    series: DaySeries
    outcomes: Outcomes
    table: PeriodTable

    @property
    def baseline(self) -> PeriodOutcome | None:
        return self.outcomes.baseline

    @property
    def periods(self) -> tuple[PeriodOutcome, ...]:
        return self.outcomes.periods

    @property
    def baseline_incomplete(self) -> bool:
        return self.outcomes.baseline_incomplete

    def responders(self, threshold: int = 50) -> list[tuple[PeriodOutcome, Responder]]:
        """Each period after the baseline with its responder status at ``threshold`` percent."""
        found = [(p, p.responder(threshold)) for p in self.periods]
        return [(p, r) for p, r in found if r is not None]

    @staticmethod
    def reason_text(responder: Responder) -> str:
        """The status, or why it is not assessable, in the reader's language."""
        if responder.reason is not None:
            return str(NOT_ASSESSABLE_TEXT[responder.reason])
        return str(STATUS_TEXT[responder.status])


def client_outcomes(client: Client, *, baseline_days: int = 28) -> ClientOutcomes:
    """The client's outcomes up to their today: baseline = ``baseline_days`` before the first session."""
    today = client_today(client)
    series = client_series(client, end=today)
    return ClientOutcomes(
        client=client,
        today=today,
        series=series,
        outcomes=period_outcomes(series, baseline_days=baseline_days),
        table=period_table(series, baseline_days=baseline_days),
    )
