"""Diary-level diagnosis suggestions (ICHD-3) and medication-overuse status.

Everything here is a *suggestion for a clinician*, with the evidence that led to it. Day
thresholds are judged per 28-day period with missing days taken into account: a threshold is
met when the recorded days reach it, not met when even every missing day could not reach it,
and unknown otherwise. ">3 months" needs ``chronic_window_periods`` (default 4) full periods;
a shorter diary gets *insufficient data*, never "no".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from headwise.clinical.classify import AttackClassification, AttackType
from headwise.clinical.days import ROW, DayTable, Period, periods
from headwise.clinical.logic import Tri, all3, any3
from headwise.clinical.model import Diary, DrugClass
from headwise.clinical.params import DEFAULT_PARAMETERS, Parameters

__all__ = [
    "SUGGESTION_LABEL",
    "SuggestionStatus",
    "Suggestion",
    "MedicationClassStatus",
    "MedicationOveruse",
    "suggest_diagnoses",
    "medication_overuse",
]

SUGGESTION_LABEL = "suggestion for a clinician"

#: ICHD-3 8.2 subtype codes per drug class.
MOH_CODES = {
    DrugClass.ERGOT: ("8.2.1", "Medication-overuse headache attributed to ergotamine"),
    DrugClass.TRIPTAN: ("8.2.2", "Medication-overuse headache attributed to triptan"),
    DrugClass.SIMPLE_ANALGESIC: (
        "8.2.3",
        "Medication-overuse headache attributed to non-opioid analgesic",
    ),
    DrugClass.OPIOID: ("8.2.4", "Medication-overuse headache attributed to opioid"),
    DrugClass.COMBINATION_ANALGESIC: (
        "8.2.5",
        "Medication-overuse headache attributed to combination-analgesic",
    ),
}


class SuggestionStatus(StrEnum):
    """Outcome of one diagnosis suggestion."""

    SUGGESTED = "suggested"
    APPROACHING = "approaching_threshold"
    NOT_SUGGESTED = "not_suggested"
    UNKNOWN = "unknown"
    INSUFFICIENT_DATA = "insufficient_data"
    EXCLUDED = "excluded"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A diagnosis the diary suggests (or not), always for a clinician to confirm."""

    code: str
    name: str
    status: SuggestionStatus
    reason: str
    evidence: tuple[str, ...] = ()
    label: str = SUGGESTION_LABEL


@dataclass(frozen=True, slots=True)
class MedicationClassStatus:
    """Intake days of one drug class in the last 28 diary days against its ICHD-3 threshold."""

    drug_class: DrugClass
    threshold: int
    days_last_28: int
    recorded_last_28: int
    status: str  # "below" | "approaching_threshold" | "at_or_above_threshold"


@dataclass(frozen=True, slots=True)
class MedicationOveruse:
    """Per-class status, the 8.2.x suggestions and plain-language warnings."""

    classes: tuple[MedicationClassStatus, ...]
    suggestions: tuple[Suggestion, ...]
    warnings: tuple[str, ...]


# -- helpers ---------------------------------------------------------------------------------


def _bound(count: int, missing: int, threshold: int) -> Tri:
    """>= threshold with missing days unknown: met, not met, or unknown."""
    if count >= threshold:
        return True
    return None if count + missing >= threshold else False


def _window(table: DayTable, p: Parameters) -> tuple[tuple[Period, ...], int]:
    full = [q for q in periods(table, parameters=p) if q.n_days == p.month_days]
    return tuple(full[-p.chronic_window_periods :]), len(full)


def _per_period(window: Sequence[Period], row: str, threshold: int) -> Tri:
    return all3(_bound(q.counts[row], q.missing_days, threshold) for q in window)


def _period_evidence(window: Sequence[Period], row: str, label: str) -> tuple[str, ...]:
    return tuple(
        f"{q.start.isoformat()}..{q.end.isoformat()}: {q.counts[row]} {label} ({q.missing_days} missing)"
        for q in window
    )


def _status(value: Tri) -> SuggestionStatus:
    if value is None:
        return SuggestionStatus.UNKNOWN
    return SuggestionStatus.SUGGESTED if value else SuggestionStatus.NOT_SUGGESTED


def _count_status(n: int, possible: int, need: int) -> SuggestionStatus:
    if n >= need:
        return SuggestionStatus.SUGGESTED
    if n + possible >= need:
        return SuggestionStatus.UNKNOWN
    return SuggestionStatus.APPROACHING if n == need - 1 else SuggestionStatus.NOT_SUGGESTED


def _ids(classes: Sequence[AttackClassification], kind: AttackType) -> list[str]:
    return [c.attack_id for c in classes if c.type is kind]


def _possible(classes: Sequence[AttackClassification], kind: AttackType) -> int:
    return sum(1 for c in classes if kind in c.possible_types)


# -- migraine ---------------------------------------------------------------------------------


def _migraine(classes: Sequence[AttackClassification], p: Parameters) -> list[Suggestion]:
    """ICHD-3 1.1 A (>=5 attacks), 1.2 A (>=2), 1.2.1, and 1.5.1/1.5.2 probable migraine.

    A definite diagnosis beats a probable one (ICHD-3 1.5 E; 2.2 comment).
    """
    ml = _ids(classes, AttackType.MIGRAINE_LIKE)
    mwa = [c for c in classes if c.type is AttackType.MIGRAINE_WITH_AURA]
    prob = [c for c in classes if c.type is AttackType.PROBABLE_MIGRAINE]
    prob_aura = [c.attack_id for c in prob if c.criterion("1.2 B").value is True]
    prob_plain = [c.attack_id for c in prob if c.criterion("1.2 B").value is not True]
    s11 = _count_status(len(ml), _possible(classes, AttackType.MIGRAINE_LIKE), p.migraine_attacks_required)
    s12 = _count_status(len(mwa), _possible(classes, AttackType.MIGRAINE_WITH_AURA), p.aura_attacks_required)
    out = [
        Suggestion(
            "1.1",
            "Migraine without aura",
            s11,
            f"{len(ml)} attacks meet 1.1 B-D; 1.1 A needs >= {p.migraine_attacks_required}",
            tuple(f"attack {i}" for i in ml),
        ),
        Suggestion(
            "1.2",
            "Migraine with aura",
            s12,
            f"{len(mwa)} attacks meet 1.2 B-C; 1.2 A needs >= {p.aura_attacks_required}",
            tuple(f"attack {c.attack_id}" for c in mwa),
        ),
    ]
    if s12 is SuggestionStatus.SUGGESTED:
        typical = all3(c.typical_aura for c in mwa)
        out.append(
            Suggestion(
                "1.2.1",
                "Migraine with typical aura",
                _status(typical),
                "only visual, sensory and/or speech aura symptoms"
                if typical
                else "motor, brainstem or retinal symptoms recorded or not known",
            )
        )
    out.append(
        _probable("1.5.1", "Probable migraine without aura", s11, ml, prob_plain, p.migraine_attacks_required)
    )
    out.append(
        _probable(
            "1.5.2",
            "Probable migraine with aura",
            s12,
            [c.attack_id for c in mwa],
            prob_aura,
            p.aura_attacks_required,
        )
    )
    return out


def _probable(
    code: str, name: str, definite: SuggestionStatus, full: list[str], partial: list[str], need: int
) -> Suggestion:
    """ICHD-3 1.5: all but one criterion: too few full attacks (A), or enough attacks missing
    one of the attack criteria."""
    if definite is SuggestionStatus.SUGGESTED:
        return Suggestion(code, name, SuggestionStatus.EXCLUDED, "definite diagnosis fits")
    fits = 1 <= len(full) < need or len(full) + len(partial) >= need
    reason = f"{len(full)} attacks meet all attack criteria, {len(partial)} all but one"
    evidence = tuple(f"attack {i}" for i in [*full, *partial])
    status = SuggestionStatus.SUGGESTED if fits else SuggestionStatus.NOT_SUGGESTED
    if definite is SuggestionStatus.UNKNOWN and fits:
        status = SuggestionStatus.UNKNOWN
    return Suggestion(code, name, status, reason, evidence)


def _chronic_migraine(classes: Sequence[AttackClassification], table: DayTable, p: Parameters) -> Suggestion:
    """ICHD-3 1.3: headache >=15 days/month for >3 months (A), >=5 attacks meeting 1.1 B-D or
    1.2 B-C (B), and >=8 days/month with migraine features or triptan/ergot relief (C)."""
    name = "Chronic migraine"
    window, available = _window(table, p)
    a_ev = _period_evidence(window, "headache", "headache days")
    c_ev = _period_evidence(window, "chronic_migraine_feature", "migraine-feature days")
    if available < p.chronic_window_periods:
        return Suggestion(
            "1.3",
            name,
            SuggestionStatus.INSUFFICIENT_DATA,
            f"needs >3 months: {p.chronic_window_periods} full 28-day periods; the diary has {available}",
            a_ev + c_ev,
        )
    a = _per_period(window, "headache", p.chronic_headache_days)
    c = _per_period(window, "chronic_migraine_feature", p.chronic_migraine_feature_days)
    n = sum(1 for k in classes if k.type in (AttackType.MIGRAINE_LIKE, AttackType.MIGRAINE_WITH_AURA))
    b: Tri = True if n >= p.migraine_attacks_required else None
    value = all3([a, b, c])
    status = _status(value)
    near = all3(
        [
            _per_period(window, "headache", p.chronic_headache_days - 1),
            _per_period(window, "chronic_migraine_feature", p.chronic_migraine_feature_days - 1),
        ]
    )
    if value is False and near:
        status = SuggestionStatus.APPROACHING
    reason = (
        f"A (>= {p.chronic_headache_days} headache days each period): {_word(a)}; "
        f"B (>= {p.migraine_attacks_required} migraine attacks; diary has {n}"
        f"{'' if b else ', history may add more'}): {_word(b)}; "
        f"C (>= {p.chronic_migraine_feature_days} migraine-feature days each period): {_word(c)}"
    )
    return Suggestion("1.3", name, status, reason, a_ev + c_ev)


def _word(value: Tri) -> str:
    return {True: "met", False: "not met", None: "unknown"}[value]


# -- tension-type -----------------------------------------------------------------------------


def _tension(
    classes: Sequence[AttackClassification], table: DayTable, chronic: Suggestion, p: Parameters
) -> list[Suggestion]:
    """ICHD-3 2.1 (<1 day/month), 2.2 (1-14 days/month >3 months), 2.3 (>=15, >3 months);
    each needs >=10 episodes fulfilling B-D (2.3: headache on >=15 days fulfilling B-D)."""
    ids = _ids(classes, AttackType.TENSION_TYPE_LIKE)
    n, need = len(ids), p.tension_episodes_required
    evidence = tuple(f"attack {i}" for i in ids)
    names = {
        "2.1": "Infrequent episodic tension-type headache",
        "2.2": "Frequent episodic tension-type headache",
        "2.3": "Chronic tension-type headache",
    }
    if p.chronic_migraine_excludes_tension_type and chronic.status is SuggestionStatus.SUGGESTED:
        why = "ICHD-3 1.3 note 1: chronic migraine excludes tension-type headache"
        return [Suggestion(c, nm, SuggestionStatus.EXCLUDED, why) for c, nm in names.items()]
    episodes = _count_status(n, _possible(classes, AttackType.TENSION_TYPE_LIKE), need)
    if episodes is not SuggestionStatus.SUGGESTED:
        why = f"{n} tension-type-like episodes; ICHD-3 2 A needs >= {need}"
        return [Suggestion(c, nm, episodes, why, evidence) for c, nm in names.items()]
    month = p.month_days
    row = table.column("tension_type")
    missing = int(np.count_nonzero(~table.column("recorded")))
    lo = int(np.count_nonzero(row)) / table.n_days * month
    hi = (int(np.count_nonzero(row)) + missing) / table.n_days * month
    infrequent: Tri = True if hi < 1 else (False if lo >= 1 else None)
    out = [Suggestion("2.1", names["2.1"], _status(infrequent), f"{lo:.1f}-{hi:.1f} days/month", evidence)]
    window, available = _window(table, p)
    if available < p.chronic_window_periods:
        why = f"needs >3 months: {p.chronic_window_periods} full 28-day periods; the diary has {available}"
        out += [
            Suggestion(c, names[c], SuggestionStatus.INSUFFICIENT_DATA, why, evidence) for c in ("2.2", "2.3")
        ]
        return out
    total = sum(q.counts["tension_type"] for q in window)
    gap = sum(q.missing_days for q in window)
    w_lo, w_hi = total / len(window), (total + gap) / len(window)
    frequent: Tri = (
        True
        if w_lo >= 1 and w_hi < p.chronic_headache_days
        else (False if w_hi < 1 or w_lo >= p.chronic_headache_days else None)
    )
    chronic_tth: Tri = (
        True if w_lo >= p.chronic_headache_days else (False if w_hi < p.chronic_headache_days else None)
    )
    rng = f"{w_lo:.1f}-{w_hi:.1f} tension-type days per 28 days over the last {len(window)} periods"
    out.append(Suggestion("2.2", names["2.2"], _status(frequent), rng, evidence))
    out.append(Suggestion("2.3", names["2.3"], _status(chronic_tth), rng, evidence))
    return out


# -- medication overuse -------------------------------------------------------------------------


def _last_28(table: DayTable, p: Parameters) -> slice:
    return slice(max(0, table.n_days - p.month_days), table.n_days)


def medication_overuse(
    table: DayTable,
    *,
    primary_headache: Tri = None,
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> MedicationOveruse:
    """ICHD-3 8.2 medication-overuse headache, counted in days of intake per month.

    A: headache on >=15 days/month in a person with a primary headache disorder
    (``primary_headache``); B: regular overuse for >3 months: ergotamine, triptans, opioids,
    combination analgesics >=10 days/month each (8.2.1, 8.2.2, 8.2.4, 8.2.5); non-opioid
    analgesics (paracetamol, NSAIDs, aspirin, one class) >=15 (8.2.3); several classes none
    overused alone but together >=10 (8.2.6, **verify**). 8.2 coexists with 1.3 (give both).
    Warns when a class is one day below its threshold in the last 28 days.

    Examples
    --------
    >>> import numpy as np
    >>> from datetime import date
    >>> from headwise.clinical.days import ROWS
    >>> from headwise.clinical.params import MigraineDayDefinition
    >>> f = np.zeros((len(ROWS), 28), dtype=bool)
    >>> f[ROW["recorded"]] = True
    >>> f[ROW["medication:triptan"], :9] = True
    >>> mo = medication_overuse(DayTable(date(2026, 1, 1), f, MigraineDayDefinition.DEFAULT))
    >>> [(c.drug_class.value, c.days_last_28, c.status) for c in mo.classes][1]
    ('triptan', 9, 'approaching_threshold')
    """
    p = parameters
    last = _last_28(table, p)
    rec = int(np.count_nonzero(table.column("recorded")[last]))
    classes, warnings = [], []
    for cls, thr in p.overuse_thresholds.items():
        n = int(np.count_nonzero(table.column(f"medication:{cls.value}")[last]))
        status = (
            "at_or_above_threshold" if n >= thr else ("approaching_threshold" if n == thr - 1 else "below")
        )
        classes.append(MedicationClassStatus(cls, thr, n, rec, status))
        if status != "below":
            warnings.append(
                f"{cls.value}: {n} intake days in the last {last.stop - last.start} days "
                f"({'at or above' if n >= thr else 'one day below'} the ICHD-3 8.2 threshold "
                f"of {thr} days/month)"
            )
    suggestions = _moh_suggestions(table, primary_headache, p)
    return MedicationOveruse(tuple(classes), suggestions, tuple(warnings))


def _combined_counts(table: DayTable, window: Sequence[Period], p: Parameters) -> list[int]:
    rows = [ROW[f"medication:{c.value}"] for c in p.overuse_thresholds]
    any_day: npt.NDArray[np.bool_] = np.any(table.flags[rows], axis=0)
    out = []
    for q in window:
        a = (q.start - table.start).days
        out.append(int(np.count_nonzero(any_day[a : a + q.n_days])))
    return out


def _moh_suggestions(table: DayTable, primary: Tri, p: Parameters) -> tuple[Suggestion, ...]:
    window, available = _window(table, p)
    if available < p.chronic_window_periods:
        why = (
            f"needs regular overuse for >3 months: {p.chronic_window_periods} full 28-day "
            f"periods; the diary has {available}"
        )
        out = [
            Suggestion(code, nm, SuggestionStatus.INSUFFICIENT_DATA, why) for code, nm in MOH_CODES.values()
        ]
        out.append(Suggestion("8.2.6", _MULTI, SuggestionStatus.INSUFFICIENT_DATA, why))
        return tuple(out)
    a = _per_period(window, "headache", p.chronic_headache_days)
    base = (
        f"headache >= {p.chronic_headache_days} days each period: {_word(a)}; "
        f"primary headache disorder: {_word(primary)}"
    )
    out, single = [], []
    for cls, thr in p.overuse_thresholds.items():
        row = f"medication:{cls.value}"
        overuse = _per_period(window, row, thr)
        single.append(overuse)
        value = all3([a, primary, overuse])
        code, nm = MOH_CODES.get(cls, ("8.2.8", "Medication-overuse headache attributed to other medication"))
        ev = _period_evidence(window, row, "intake days")
        reason = f"{base}; {cls.value} >= {thr} days each period: {_word(overuse)}"
        out.append(Suggestion(code, nm, _status(value), reason, ev))
    combined = _combined_counts(table, window, p)
    together = all3(
        _bound(n, q.missing_days, p.multiple_class_threshold) for n, q in zip(combined, window, strict=True)
    )
    value = all3([a, primary, together, all3(not v if v is not None else None for v in single)])
    reason = f"{base}; any of the classes >= {p.multiple_class_threshold} days each period: {_word(together)}"
    ev = tuple(
        f"{q.start.isoformat()}: {n} days with any class" for n, q in zip(combined, window, strict=True)
    )
    out.append(Suggestion("8.2.6", _MULTI, _status(value), reason, ev))
    return tuple(out)


_MULTI = "Medication-overuse headache attributed to multiple drug classes not individually overused"


def suggest_diagnoses(
    diary: Diary,
    classifications: Sequence[AttackClassification],
    table: DayTable,
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> tuple[Suggestion, ...]:
    """All diagnosis suggestions for the diary: 1.1, 1.2, 1.2.1, 1.5.1, 1.5.2, 1.3, 2.1-2.3 and
    8.2.x, each a *suggestion for a clinician* with its evidence (ICHD-3, Cephalalgia
    2018;38(1):1-211). Chronic migraine and medication overuse coexist (ICHD-3 8.2 comment).

    ``classifications`` and ``table`` come from :func:`classify_diary` and :func:`days`.
    """
    p = parameters
    migraine = _migraine(classifications, p)
    chronic = _chronic_migraine(classifications, table, p)
    tension = _tension(classifications, table, chronic, p)
    found = any(s.status is SuggestionStatus.SUGGESTED for s in [*migraine, chronic, *tension])
    primary = any3([diary.client.migraine_diagnosed, True if found else None])
    moh = medication_overuse(table, primary_headache=primary, parameters=p)
    return (*migraine, chronic, *tension, *moh.suggestions)
