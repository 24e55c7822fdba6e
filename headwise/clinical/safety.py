"""Safety screen: SNNOOP10 red flags and CST contraindications (docs/clinical-definitions.md section 4).

The rules are data (:func:`builtin_rules`). A practice may switch built-in rules off or add
its own, but never edit a built-in rule silently: a switched-off rule is reported as disabled
in every result, and an added rule may not reuse a built-in id.

Unknown answers never clear a client: an unanswered *refer* or *defer* rule makes the outcome
at least *caution* ("not answered"), and an unanswered *caution* rule makes it *caution*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from headwise.clinical.errors import AnalysisError
from headwise.clinical.params import DEFAULT_PARAMETERS, Parameters

__all__ = [
    "RuleKind",
    "Effect",
    "Outcome",
    "SafetyRule",
    "RuleSet",
    "SafetyReason",
    "SafetyResult",
    "builtin_rules",
    "evaluate_safety",
    "SAFETY_RULES",
    "ONSET_AGE_RULE",
    "HEAD_INJURY_RULE",
]


class RuleKind(StrEnum):
    """Red flag (headache may be secondary) or CST contraindication."""

    RED_FLAG = "red_flag"
    CONTRAINDICATION = "contraindication"


class Effect(StrEnum):
    """What a *yes* does: refer to a physician, treat with caution, or defer treatment."""

    REFER = "refer"
    CAUTION = "caution"
    DEFER = "defer"


class Outcome(StrEnum):
    """Screen outcome: booking allowed, practitioner must acknowledge, or blocked."""

    CLEARED = "cleared"
    CAUTION = "caution"
    REFER = "refer"


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """One screening question with its consequence and source."""

    id: str
    question: str
    kind: RuleKind
    effect: Effect
    source: str
    evidence: str


_SNNOOP = "SNNOOP10: Do et al., Neurology 2019;92:134-144, doi:10.1212/WNL.0000000000006697"
_CST = "CST practice consensus (no medical-society list exists)"
_EXPERT = "expert consensus, observational"
_PRACTICE = "practitioner consensus, no trial evidence"
ONSET_AGE_RULE = "red_flag.older_age_onset"
HEAD_INJURY_RULE = "contraindication.recent_head_injury"


def _rf(key: str, question: str) -> SafetyRule:
    return SafetyRule(f"red_flag.{key}", question, RuleKind.RED_FLAG, Effect.REFER, _SNNOOP, _EXPERT)


def _ci(key: str, question: str, effect: Effect) -> SafetyRule:
    return SafetyRule(f"contraindication.{key}", question, RuleKind.CONTRAINDICATION, effect, _CST, _PRACTICE)


#: The built-in rules, in screening order.
SAFETY_RULES: tuple[SafetyRule, ...] = (
    _rf("systemic", "Systemic symptoms, including fever?"),
    _rf("neoplasm", "A history of cancer (neoplasm)?"),
    _rf("neurological_deficit", "A neurological deficit or reduced consciousness?"),
    _rf("sudden_onset", "Sudden or thunderclap onset (peak within a minute)?"),
    _rf("older_age_onset", "New headache starting at an older age?"),
    _rf("pattern_change", "A change in headache pattern or a recent new headache?"),
    _rf("positional", "Headache that changes with posture (positional)?"),
    _rf("precipitated", "Headache brought on by sneezing, coughing or exercise?"),
    _rf("papilloedema", "Papilloedema?"),
    _rf("progressive", "Progressive or atypical headache?"),
    _rf("pregnancy", "Pregnancy or the puerperium?"),
    _rf("painful_eye", "A painful eye with autonomic features?"),
    _rf("post_traumatic", "Headache that began after a head injury?"),
    _rf("immune", "Immune pathology, such as HIV?"),
    _rf("painkiller_overuse", "Painkiller overuse, or a new drug at headache onset?"),
    _ci("clotting", "Blood clots, DVT, a clotting disorder or anticoagulants?", Effect.CAUTION),
    _ci(
        "brain_injury",
        "Concussion or other brain injury, recent skull fracture or severe head injury?",
        Effect.DEFER,
    ),
    _ci(
        "recent_head_injury",
        "A head injury recently, still within the window for it to settle?",
        Effect.DEFER,
    ),
    _ci("brain_swelling", "Brain swelling?", Effect.REFER),
    _ci("aneurysm", "A cerebral aneurysm?", Effect.REFER),
    _ci(
        "intracranial_pressure",
        "Raised intracranial pressure, hydrocephalus or other CSF build-up?",
        Effect.REFER,
    ),
    _ci("csf_leak", "A CSF leak, including a recent lumbar puncture or epidural?", Effect.REFER),
    _ci("haemorrhage_stroke", "An intracranial haemorrhage or stroke in the last 6 months?", Effect.REFER),
    _ci("recent_surgery", "Recent cranial or spinal surgery?", Effect.REFER),
    _ci("acute_infection", "An acute infection with fever?", Effect.CAUTION),
    _ci("high_risk_pregnancy", "A high-risk pregnancy?", Effect.CAUTION),
)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The built-in rules minus the disabled ones, plus a practice's own.

    Examples
    --------
    >>> rs = builtin_rules().without({"contraindication.clotting"})
    >>> "contraindication.clotting" in {r.id for r in rs.active}
    False
    >>> rs.with_added(SAFETY_RULES[0])
    Traceback (most recent call last):
    ...
    headwise.clinical.errors.AnalysisError: rules.red_flag.systemic: an added rule may not reuse a built-in id
    """

    builtin: tuple[SafetyRule, ...]
    disabled: frozenset[str] = frozenset()
    added: tuple[SafetyRule, ...] = ()

    @property
    def active(self) -> tuple[SafetyRule, ...]:
        """Rules that are evaluated."""
        return tuple(r for r in self.builtin if r.id not in self.disabled) + self.added

    def without(self, ids: Iterable[str]) -> RuleSet:
        """Switch built-in rules off (they are reported as disabled in every result)."""
        ids = frozenset(ids)
        known = {r.id for r in self.builtin}
        for i in sorted(ids - known):
            raise AnalysisError(f"rules.{i}", "no built-in rule with this id")
        return replace(self, disabled=self.disabled | ids)

    def with_added(self, *rules: SafetyRule) -> RuleSet:
        """Add a practice's own rules; ids must be new."""
        taken = {r.id for r in self.builtin} | {r.id for r in self.added}
        for r in rules:
            if r.id in {b.id for b in self.builtin}:
                raise AnalysisError(f"rules.{r.id}", "an added rule may not reuse a built-in id")
            if r.id in taken:
                raise AnalysisError(f"rules.{r.id}", "duplicate rule id")
            taken.add(r.id)
        return replace(self, added=self.added + tuple(rules))


def builtin_rules() -> RuleSet:
    """The built-in rule table (SNNOOP10 red flags and CST contraindications)."""
    return RuleSet(SAFETY_RULES)


@dataclass(frozen=True, slots=True)
class SafetyReason:
    """Why a rule contributed to the outcome (``answer`` is yes or unknown).

    ``text`` is the English wording; ``params`` the facts a reader's own wording needs (for a
    recent head injury: ``injured_on`` as an ISO date, ``days_since``, ``days_left`` and
    ``window_days``).
    """

    rule_id: str
    answer: str
    effect: Effect
    text: str
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SafetyResult:
    """Outcome of the screen, the reasons, and the built-in rules switched off."""

    outcome: Outcome
    reasons: tuple[SafetyReason, ...]
    disabled: tuple[str, ...]


_ANSWERS = {"yes": True, "no": False, "unknown": None, True: True, False: False, None: None}


def _answer(answers: Mapping[str, object], rule_id: str) -> bool | None:
    raw = answers.get(rule_id)
    if raw not in _ANSWERS:
        raise AnalysisError(f"answers.{rule_id}", f"{raw!r} is not yes, no or unknown")
    return _ANSWERS[raw]  # type: ignore[index]


def _onset_age(answer: bool | None, age: int | None, threshold: int) -> bool | None:
    """SNNOOP10 "onset at older age": >50 (SNOOP4, default) or >65 (journal version)."""
    return _either(answer, None if age is None else age > threshold)


def recent_head_injury(
    injuries: Sequence[dt.date], *, today: dt.date, window_days: int
) -> dict[str, str | int] | None:
    """The latest head injury within ``window_days`` of ``today``, with the days left, or None.

    Seed advice for CST practice: after a recent severe head injury, "other massage therapies
    until the injuries have calmed down"; the window is
    :attr:`~headwise.clinical.params.Parameters.head_injury_window_days`. An injury on day
    ``today - window_days + 1`` is within it (one day left); on ``today - window_days`` it is
    not.

    Examples
    --------
    >>> recent_head_injury([dt.date(2026, 11, 20)], today=dt.date(2026, 12, 1), window_days=90)
    {'injured_on': '2026-11-20', 'days_since': 11, 'days_left': 79, 'window_days': 90}
    >>> recent_head_injury([dt.date(2026, 9, 2)], today=dt.date(2026, 12, 1), window_days=90) is None
    True
    """
    for day in injuries:
        if day > today:
            raise AnalysisError("head_injuries", f"{day.isoformat()} is after today")
    if not injuries:
        return None
    latest = max(injuries)
    since = (today - latest).days
    if since >= window_days:
        return None
    return {
        "injured_on": latest.isoformat(),
        "days_since": since,
        "days_left": window_days - since,
        "window_days": window_days,
    }


def _either(answer: bool | None, derived: bool | None) -> bool | None:
    """A derived fact and the answer together: any yes wins, then any no, else unknown."""
    if answer is True or derived is True:
        return True
    if answer is False or derived is False:
        return False
    return None


def evaluate_safety(
    answers: Mapping[str, object],
    *,
    age_at_onset: int | None = None,
    rules: RuleSet | None = None,
    parameters: Parameters = DEFAULT_PARAMETERS,
    head_injuries: Sequence[dt.date] | None = None,
    today: dt.date | None = None,
) -> SafetyResult:
    """Evaluate a screen to *cleared*, *caution* or *refer* (docs/clinical-definitions.md section 4).

    A *yes* on a refer rule (any SNNOOP10 red flag: "refer, do not treat the headache as
    primary") or a defer rule (treatment deferred until a clinician clears it) gives *refer*;
    a *yes* on a caution rule gives *caution*; an unanswered rule gives at least *caution* with
    the reason "not answered". Answers are ``"yes"``/``"no"``/``"unknown"`` (or
    True/False/None) per rule id; a rule missing from ``answers`` is unknown. The age-at-onset
    rule is also answered by ``age_at_onset`` (> ``parameters.red_flag_onset_age``); the
    recent-head-injury rule by ``head_injuries`` (the dates the intake lists, judged on
    ``today`` by :func:`recent_head_injury`; an empty list answers *no* unless the answer says
    *yes*, None leaves it to the answer).

    Examples
    --------
    >>> ids = [r.id for r in SAFETY_RULES]
    >>> evaluate_safety(dict.fromkeys(ids, "no")).outcome.value
    'cleared'
    >>> evaluate_safety({**dict.fromkeys(ids, "no"), "red_flag.sudden_onset": "yes"}).outcome.value
    'refer'
    >>> r = evaluate_safety({**dict.fromkeys(ids, "no"), "red_flag.papilloedema": "unknown"})
    >>> r.outcome.value, r.reasons[0].text
    ('caution', 'not answered: Papilloedema?')
    """
    ruleset = rules or builtin_rules()
    injury: dict[str, str | int] | None = None
    if head_injuries is not None:
        if today is None:
            raise AnalysisError("today", "needed to judge the head injuries' dates")
        injury = recent_head_injury(
            head_injuries, today=today, window_days=parameters.head_injury_window_days
        )
    reasons: list[SafetyReason] = []
    outcome = Outcome.CLEARED
    for rule in ruleset.active:
        value = _answer(answers, rule.id)
        params: dict[str, str | int] = {}
        if rule.id == ONSET_AGE_RULE:
            value = _onset_age(value, age_at_onset, parameters.red_flag_onset_age)
        if rule.id == HEAD_INJURY_RULE and head_injuries is not None:
            value = _either(value, injury is not None)
            params = dict(injury or {})
        if value is False:
            continue
        if value is None:
            reasons.append(SafetyReason(rule.id, "unknown", rule.effect, f"not answered: {rule.question}"))
            outcome = max(outcome, Outcome.CAUTION, key=_RANK.__getitem__)
            continue
        level = Outcome.CAUTION if rule.effect is Effect.CAUTION else Outcome.REFER
        verb = {Effect.REFER: "refer", Effect.DEFER: "defer treatment", Effect.CAUTION: "caution"}[
            rule.effect
        ]
        text = f"{verb}: {rule.question} ({rule.source})"
        reasons.append(SafetyReason(rule.id, "yes", rule.effect, text, params))
        outcome = max(outcome, level, key=_RANK.__getitem__)
    return SafetyResult(outcome, tuple(reasons), tuple(sorted(ruleset.disabled)))


_RANK = {Outcome.CLEARED: 0, Outcome.CAUTION: 1, Outcome.REFER: 2}
