"""The words for the codes of the pure statistics, in the reader's language.

:mod:`headwise.stats.phases` and :mod:`headwise.stats.rtm` return codes, never prose; the pages
and the report say them with these functions. An unknown code is shown as it is (a new code in
the pure core must not break a page), and tests/outcomes/test_wording.py checks that every code
the core defines has its words here.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from headwise.outcomes.selectors import PHASE_LABELS
from headwise.stats.phases import Caveat
from headwise.stats.rtm import RtmCaveat, RtmStatus

CAVEATS: dict[str, Promise] = {
    Caveat.REFERENCE_IS_SELECTED_BASELINE: gettext_lazy(
        "No diary before the baseline: the reference is the month that made the client start, so the "
        "ratio includes regression to the mean and cannot be separated from it."
    ),
    Caveat.BASELINE_MODELLED_SEPARATELY: gettext_lazy(
        "The baseline month has a term of its own; the reference is the diary before it."
    ),
    Caveat.FEW_PERIODS: gettext_lazy("Fewer than 3 periods on one side: the interval rests on few months."),
    Caveat.TREND_DROPPED: gettext_lazy(
        "Too few periods to tell a slow drift from a change at the start of care: no time trend, so "
        "a drift would show as change."
    ),
    Caveat.TREND_ADJUSTED: gettext_lazy("Adjusted for a linear time trend."),
    Caveat.SEASON_NOT_MODELLED: gettext_lazy("Less than a year of periods: seasons are not adjusted for."),
    Caveat.MENSTRUAL_NOT_MODELLED: gettext_lazy("Menstrual timing is not adjusted for."),
    Caveat.OVERDISPERSED: gettext_lazy(
        "Months vary more than chance alone would make them; the interval is widened for it."
    ),
    Caveat.NOT_CONVERGED: gettext_lazy("The model could not be fitted to these periods: no ratio."),
    Caveat.OBSERVATIONAL: gettext_lazy(
        "One person's diary and no comparison group: other changes at the same time (medication, "
        "season, work, sleep) could explain a change as well as the care."
    ),
    Caveat.EMPTY_PERIODS_DROPPED: gettext_lazy("Periods without a recorded day were left out."),
    RtmCaveat.NOT_SEPARABLE: gettext_lazy(
        "The change since the baseline may be, in part or whole, regression to the mean."
    ),
    RtmCaveat.NEEDS_PERIODS_WITHOUT_SESSIONS: gettext_lazy(
        "Only a comparison with periods without sessions (a diary kept before care, or a pause) could "
        "separate the two."
    ),
    RtmCaveat.USUAL_LEVEL_SELF_REPORTED: gettext_lazy(
        "The usual level is the client's own estimate at intake, not measured; its uncertainty is not "
        "in the interval."
    ),
    RtmCaveat.ASSUMES_STABLE_USUAL_LEVEL: gettext_lazy("The usual level is assumed not to drift."),
    RtmCaveat.NAIVE_IS_OPTIMISTIC: gettext_lazy(
        "A naive before/after comparison treats months as independent and compares with the selected "
        "month: its interval is too narrow and leans towards improvement."
    ),
}

RTM_SOURCES: dict[str, Promise] = {
    RtmStatus.DIARY: gettext_lazy("measured on the diary before the baseline"),
    RtmStatus.INTAKE: gettext_lazy("as reported at intake"),
    RtmStatus.NOT_SEPARABLE: gettext_lazy("no earlier data"),
}


def caveat(code: str) -> str:
    return str(CAVEATS.get(code, code))


def rtm_source(status: str) -> str:
    return str(RTM_SOURCES.get(status, status))


def family(code: str) -> str:
    names = {
        "poisson": _("Poisson GLM with an offset"),
        "quasi-poisson": _("quasi-Poisson GLM with an offset"),
    }
    return str(names.get(code, code))


def family_reason(code: str, dispersion: float) -> str:
    values = {"d": f"{dispersion:.2f}"}
    reasons = {
        "pearson_dispersion_above_1": _(
            "The months vary more than a Poisson count would (Pearson dispersion %(d)s): the interval "
            "is widened by it."
        ),
        "pearson_dispersion_consistent_with_1": _(
            "The months vary as a Poisson count would (Pearson dispersion %(d)s)."
        ),
    }
    return str(reasons[code] % values) if code in reasons else code


def covariance(code: str, autocorrelation: float) -> str:
    if code == "quasi_poisson_sandwich_ar1_working_correlation_t":
        return str(
            _("sandwich interval with an AR(1) correlation between neighbouring months (%(r)s), Student's t")
            % {"r": f"{autocorrelation:.2f}"}
        )
    return code


def reference(code: str) -> str:
    names = {"before": _("the diary before the baseline"), "baseline": _("the baseline month")}
    return str(names.get(code, code))


def term(code: str) -> str:
    names = {
        "intercept": _("intercept"),
        "baseline": _("baseline month"),
        "treatment": _("under care"),
        "trend": _("time trend"),
        "season_sin": _("season"),
        "season_cos": _("season"),
        "menstrual": _("menstruation"),
    }
    return str(names.get(code, code))


def phase(code: str) -> str:
    """A phase's name: the outcomes' phase labels ("treatment" is care without a plan phase)."""
    return str(PHASE_LABELS.get(code, code))
