"""The cadence engine's suggestion in plain words, in the reader's language.

The engine (``headwise.clinical.cadence``) returns rule ids and numbers; the words are made
here, at render time, so a Dutch reader reads Dutch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from headwise.care.models import PhaseKind
from headwise.clinical import cadence


@dataclass(frozen=True)
class Explained:
    headline: str
    reasons: list[str]


def _day(value: dt.date) -> str:
    return date_format(value, "j M Y")


def _rate(window: cadence.Window) -> str:
    rate = window.rate
    return "—" if rate is None else f"{rate:.1f}"


def window_line(window: cadence.Window, *, name: str) -> str:
    """One period: its dates, migraine days, recorded days and the rate per 28 recorded days."""
    return _(
        "%(name)s (%(start)s – %(end)s): %(migraine)s migraine days on %(recorded)s of %(days)s days "
        "recorded, %(rate)s per 28 recorded days."
    ) % {
        "name": name,
        "start": _day(window.start),
        "end": _day(window.end),
        "migraine": window.migraine_days,
        "recorded": window.recorded_days,
        "days": window.n_days,
        "rate": _rate(window),
    }


def phase_name(phase: cadence.Phase | str) -> str:
    return str(PhaseKind(str(phase)).label)


def explain(s: cadence.Suggestion) -> Explained:
    """The headline and the reasons, each with the numbers the rule used."""
    rules = s.rules
    reasons: list[str] = []
    if s.short:
        for which in s.short:
            window = s.baseline if which == "baseline" else s.recent
            label = (
                _("The baseline before the plan")
                if which == "baseline"
                else _("The recent period (in this phase)")
            )
            reasons.append(
                _(
                    "%(what)s has %(recorded)s recorded days; a comparison needs at least %(needed)s. "
                    "Missing days are not counted as migraine-free."
                )
                % {"what": label, "recorded": window.recorded_days, "needed": rules.min_recorded_days}
            )
    if s.change is not None:
        reasons.append(
            _("Migraine days per 28 recorded days changed by %(change)s%% against the baseline.")
            % {"change": f"{s.change * 100:+.0f}"}
        )
    elif not s.short and not s.baseline.migraine_days:
        reasons.append(_("The baseline had no migraine day, so there is nothing to compare a fall against."))
    if s.rule == cadence.Rule.MOVE_ON:
        headline = _("Suggested: move on to %(phase)s.") % {"phase": phase_name(s.suggested)}
        reasons.append(
            _("Rule: move on when migraine days have fallen by %(percent)s%% or more.")
            % {"percent": rules.move_on_percent}
        )
    elif s.rule == cadence.Rule.RELAPSE:
        headline = _("Suggested: step back to %(phase)s.") % {"phase": phase_name(s.suggested)}
        reasons.append(
            _("Rule: step back when migraine days are at %(percent)s%% of the baseline or above.")
            % {"percent": rules.relapse_percent}
        )
    elif s.rule == cadence.Rule.WARNING_SIGN and s.warning_on and s.earlier_by:
        headline = _("Suggested: an earlier session, by %(day)s.") % {"day": _day(s.earlier_by)}
        reasons.append(
            _(
                "An early warning sign was noted on %(day)s, after the last session "
                "(rule: within %(days)s days)."
            )
            % {"day": _day(s.warning_on), "days": rules.warning_days}
        )
    elif s.rule == cadence.Rule.STREAK_ENDED and s.streak and s.earlier_by:
        headline = _("Suggested: an earlier session, by %(day)s.") % {"day": _day(s.earlier_by)}
        reasons.append(
            _(
                "A streak of %(count)s recorded days without a migraine day ended on %(day)s "
                "(rule: %(needed)s days)."
            )
            % {"count": s.streak.recorded_days, "day": _day(s.streak.ended_on), "needed": rules.streak_days}
        )
    elif s.rule == cadence.Rule.TOO_FEW_DAYS:
        headline = _("No suggestion: too few diary days to compare. The phase stays as it is.")
    else:
        headline = _("No change suggested: stay in %(phase)s.") % {"phase": phase_name(s.phase)}
    return Explained(headline, reasons)
