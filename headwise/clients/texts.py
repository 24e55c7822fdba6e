"""The safety screen's words in the reader's language.

The pure core (``headwise.clinical.safety``) keeps its English source strings and imports no
Django; a screening stores rule ids, answers, effects and parameters only. This module is the
one place that turns them into words: every built-in question marked for translation, and a
reason described in plain words (a head injury with its date and the days left).
A practice's own rules are shown as the practice wrote them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from headwise import clinical

#: Every built-in rule's question, translated (``tests/web/test_screen_texts.py`` checks that
#: none is missing).
QUESTIONS: Mapping[str, Promise] = {
    "red_flag.systemic": gettext_lazy("Systemic symptoms, including fever?"),
    "red_flag.neoplasm": gettext_lazy("A history of cancer (neoplasm)?"),
    "red_flag.neurological_deficit": gettext_lazy("A neurological deficit or reduced consciousness?"),
    "red_flag.sudden_onset": gettext_lazy("Sudden or thunderclap onset (peak within a minute)?"),
    "red_flag.older_age_onset": gettext_lazy("New headache starting at an older age?"),
    "red_flag.pattern_change": gettext_lazy("A change in headache pattern or a recent new headache?"),
    "red_flag.positional": gettext_lazy("Headache that changes with posture (positional)?"),
    "red_flag.precipitated": gettext_lazy("Headache brought on by sneezing, coughing or exercise?"),
    "red_flag.papilloedema": gettext_lazy("Papilloedema?"),
    "red_flag.progressive": gettext_lazy("Progressive or atypical headache?"),
    "red_flag.pregnancy": gettext_lazy("Pregnancy or the puerperium?"),
    "red_flag.painful_eye": gettext_lazy("A painful eye with autonomic features?"),
    "red_flag.post_traumatic": gettext_lazy("Headache that began after a head injury?"),
    "red_flag.immune": gettext_lazy("Immune pathology, such as HIV?"),
    "red_flag.painkiller_overuse": gettext_lazy("Painkiller overuse, or a new drug at headache onset?"),
    "contraindication.clotting": gettext_lazy("Blood clots, DVT, a clotting disorder or anticoagulants?"),
    "contraindication.brain_injury": gettext_lazy(
        "Concussion or other brain injury, recent skull fracture or severe head injury?"
    ),
    "contraindication.recent_head_injury": gettext_lazy(
        "A head injury recently, still within the window for it to settle?"
    ),
    "contraindication.brain_swelling": gettext_lazy("Brain swelling?"),
    "contraindication.aneurysm": gettext_lazy("A cerebral aneurysm?"),
    "contraindication.intracranial_pressure": gettext_lazy(
        "Raised intracranial pressure, hydrocephalus or other CSF build-up?"
    ),
    "contraindication.csf_leak": gettext_lazy("A CSF leak, including a recent lumbar puncture or epidural?"),
    "contraindication.haemorrhage_stroke": gettext_lazy(
        "An intracranial haemorrhage or stroke in the last 6 months?"
    ),
    "contraindication.recent_surgery": gettext_lazy("Recent cranial or spinal surgery?"),
    "contraindication.acute_infection": gettext_lazy("An acute infection with fever?"),
    "contraindication.high_risk_pregnancy": gettext_lazy("A high-risk pregnancy?"),
}

KINDS: Mapping[str, Promise] = {
    "red_flag": gettext_lazy("Headache red flags (SNNOOP10)"),
    "contraindication": gettext_lazy("CST contraindications"),
    "practice": gettext_lazy("This practice's own questions"),
}


def question(rule: clinical.SafetyRule) -> str:
    """The rule's question in the active language (a practice's own rule as written)."""
    text = QUESTIONS.get(rule.id)
    return str(text) if text is not None else rule.question


def effect_words(effect: str, answer: str) -> str:
    """What a reason means for the care, in plain words."""
    if answer == "unknown":
        return _("Not answered: ask before any CST.")
    return {
        "refer": _("Refer to a physician: no CST until a clinician has assessed it."),
        "defer": _("Defer CST until a clinician clears it."),
        "caution": _("Caution: adapt the treatment, and acknowledge this risk."),
    }.get(effect, effect)


def _head_injury_words(params: Mapping[str, Any]) -> str:
    injured = dt.date.fromisoformat(str(params["injured_on"]))
    days_left = int(params["days_left"])
    return ngettext(
        "Head injury on %(date)s (%(since)s days ago): other therapies until it has settled; "
        "%(left)s day left of the %(window)s-day window.",
        "Head injury on %(date)s (%(since)s days ago): other therapies until it has settled; "
        "%(left)s days left of the %(window)s-day window.",
        days_left,
    ) % {
        "date": date_format(injured, "j F Y"),
        "since": params["days_since"],
        "left": days_left,
        "window": params["window_days"],
    }


@dataclass(frozen=True, slots=True)
class ReasonView:
    """One stored reason, in words: the question, what it means, and any dated detail."""

    rule_id: str
    answer: str
    effect: str
    question: str
    meaning: str
    detail: str
    params: Mapping[str, Any]


def describe(reason: Mapping[str, Any], *, questions: Mapping[str, str]) -> ReasonView:
    """A stored reason (``{"rule_id", "answer", "effect", "params"}``) in the reader's words.

    ``questions`` gives the words of rules that are not built in (a practice's own); a rule
    known to neither is shown by its id, never dropped.
    """
    rule_id = str(reason["rule_id"])
    params = reason.get("params") or {}
    lazy = QUESTIONS.get(rule_id)
    words = str(lazy) if lazy is not None else questions.get(rule_id, rule_id)
    detail = _head_injury_words(params) if "injured_on" in params else ""
    return ReasonView(
        rule_id=rule_id,
        answer=str(reason["answer"]),
        effect=str(reason["effect"]),
        question=words,
        meaning=effect_words(str(reason["effect"]), str(reason["answer"])),
        detail=detail,
        params=params,
    )
