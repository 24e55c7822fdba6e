"""Attack-level ICHD-3 classification: which type an attack resembles, and why.

Every criterion is reported as met, not met or unknown (three-valued; see
:mod:`headwise.clinical.logic`). Criterion A of each diagnosis (the number of attacks) is a
diary-level question and lives in :mod:`headwise.clinical.diagnosis`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from headwise.clinical.logic import Criterion, Status, Tri, all3, any3, at_least, not3, status_of
from headwise.clinical.model import Attack, AuraSymptom, AuraType, MedicationIntake, Quality, Side
from headwise.clinical.params import DEFAULT_PARAMETERS, Parameters

__all__ = ["AttackType", "AttackClassification", "classify_attack", "PRECEDENCE"]


class AttackType(StrEnum):
    """What an attack resembles, in order of precedence (see :data:`PRECEDENCE`)."""

    MIGRAINE_WITH_AURA = "migraine_with_aura"
    MIGRAINE_LIKE = "migraine_like"
    TENSION_TYPE_LIKE = "tension_type_like"
    PROBABLE_MIGRAINE = "probable_migraine"
    UNCLASSIFIABLE = "unclassifiable"


#: ICHD-3 hierarchy: definite diagnoses before probable ones (ICHD-3 2.2 comment: headache
#: fulfilling both 1.5 and 2. is coded as 2.), migraine with aura before the headache features.
PRECEDENCE: tuple[AttackType, ...] = tuple(AttackType)

_TYPICAL = frozenset({AuraType.VISUAL, AuraType.SENSORY, AuraType.SPEECH})
_YES = {True: "yes", False: "no", None: "unknown"}


@dataclass(frozen=True, slots=True)
class AttackClassification:
    """The type of one attack and every criterion behind it.

    Attributes
    ----------
    type
        The highest-precedence type whose criteria are all met (``unclassifiable`` if none).
    possible_types
        Higher-precedence types that unanswered questions could still make true.
    typical_aura
        ICHD-3 1.2.1: only visual, sensory and/or speech symptoms (``None`` if not 1.2).
    migraine_features
        ICHD-3 1.1 C and D both met (used for migraine days and 1.3 C1).
    aura_features
        ICHD-3 1.2 B and C both met (1.3 C2).
    """

    attack_id: str
    type: AttackType
    possible_types: tuple[AttackType, ...]
    criteria: tuple[Criterion, ...]
    duration_hours: float | None
    typical_aura: Tri
    migraine_features: Tri
    aura_features: Tri
    headache: bool

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code, e.g. ``"1.1 B"``."""
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


def _crit(code: str, text: str, value: Tri, reason: str) -> Criterion:
    return Criterion(code, text, status_of(value), reason)


def _eq(value: object, target: object) -> Tri:
    return None if value is None else value == target


def _treatment_success(intakes: Sequence[MedicationIntake]) -> Tri:
    """True if any intake worked, False if all failed, None if unknown; no intakes -> False."""
    return any3(m.effective for m in intakes)


def _duration_b11(
    attack: Attack, age: int | None, intakes: Sequence[MedicationIntake], p: Parameters
) -> Criterion:
    """ICHD-3 1.1 B: attacks last 4-72 h untreated or unsuccessfully treated (2-72 h under 18).

    An attack ended by sleep lasts until waking (ICHD-3 1.1 note 2); its recorded end is the
    waking time. A shorter attack that was treated successfully (or with unknown effect) is
    *unknown*: its untreated duration cannot be known.
    """
    text = "lasts 4-72 h untreated or unsuccessfully treated (2-72 h under 18)"
    hours = attack.duration_hours
    if hours is None:
        return _crit("1.1 B", text, None, "end not recorded")
    sleep = " (ended by sleep: counted until waking)" if attack.ended_by_sleep else ""
    if hours > p.max_duration_hours:
        reason = f"{hours:.2f} h is longer than {p.max_duration_hours:g} h (consider 1.4.1)"
        return _crit("1.1 B", text, False, reason)
    child = p.child_min_duration_hours
    adult = p.adult_min_duration_hours
    if age is None:
        minimum: float | None = child if hours >= child else adult
        if child <= hours < adult:
            minimum = None
    else:
        minimum = child if age < p.adult_age_years else adult
    if minimum is not None and hours >= minimum:
        return _crit("1.1 B", text, True, f"{hours:.2f} h >= {minimum:g} h{sleep}")
    if minimum is None:
        return _crit("1.1 B", text, None, f"{hours:.2f} h: enough under 18, age unknown")
    treated = _treatment_success(intakes) if intakes else False
    if treated is False:
        return _crit("1.1 B", text, False, f"{hours:.2f} h < {minimum:g} h{sleep}")
    return _crit(
        "1.1 B",
        text,
        None,
        f"{hours:.2f} h < {minimum:g} h but treated with effect {_YES[treated]}: untreated duration unknown",
    )


def _features_c11(attack: Attack, p: Parameters) -> Criterion:
    """ICHD-3 1.1 C: >=2 of unilateral, pulsating, moderate/severe, aggravated by activity."""
    peak = attack.peak_intensity
    parts = {
        "unilateral": _eq(attack.side, Side.UNILATERAL),
        "pulsating": _eq(attack.quality, Quality.PULSATING),
        "moderate or severe": None if peak is None else peak >= p.moderate_min_nrs,
        "aggravated by activity": attack.aggravated_by_activity,
    }
    value = at_least(2, parts.values())
    text = ">=2 of: unilateral, pulsating, moderate/severe, aggravated by routine activity"
    return _crit("1.1 C", text, value, _describe(parts))


def _features_d11(attack: Attack) -> Criterion:
    """ICHD-3 1.1 D: nausea and/or vomiting, or photophobia *and* phonophobia."""
    parts = {
        "nausea": attack.nausea,
        "vomiting": attack.vomiting,
        "photophobia": attack.photophobia,
        "phonophobia": attack.phonophobia,
    }
    value = any3([any3([attack.nausea, attack.vomiting]), all3([attack.photophobia, attack.phonophobia])])
    text = ">=1 of: nausea and/or vomiting; photophobia and phonophobia"
    return _crit("1.1 D", text, value, _describe(parts))


def _describe(parts: dict[str, Tri]) -> str:
    return "; ".join(f"{k}: {_YES[v]}" for k, v in parts.items())


def _aura_characteristics(attack: Attack, aura: tuple[AuraSymptom, ...], p: Parameters) -> dict[str, Tri]:
    """The six characteristics of ICHD-3 1.2 C (final text; not the beta's 2-of-4)."""
    return {
        "spreads gradually over >=5 min": any3(s.spread_gradually for s in aura),
        ">=2 symptoms in succession": _succession(aura),
        "each symptom lasts 5-60 min": all3(_symptom_duration_ok(s, p) for s in aura),
        ">=1 symptom unilateral": any3(True if s.type is AuraType.SPEECH else s.unilateral for s in aura),
        ">=1 symptom positive": any3(s.positive for s in aura),
        "headache with or within 60 min": _headache_follows(attack, aura, p),
    }


def _succession(aura: tuple[AuraSymptom, ...]) -> Tri:
    if len(aura) < 2:
        return False
    starts = [s.start for s in aura if s.start is not None]
    if len(set(starts)) >= 2:
        return True
    return False if len(starts) == len(aura) else None


def _symptom_duration_ok(s: AuraSymptom, p: Parameters) -> Tri:
    """ICHD-3 1.2 C3: each symptom 5-60 min; motor symptoms up to 72 h (note 2)."""
    if s.duration_minutes is None:
        return None
    upper = p.motor_aura_max_minutes if s.type is AuraType.MOTOR else p.aura_max_minutes
    return p.aura_min_minutes <= s.duration_minutes <= upper


def _headache_follows(attack: Attack, aura: tuple[AuraSymptom, ...], p: Parameters) -> Tri:
    """ICHD-3 1.2 C6: the aura is accompanied, or followed within 60 min, by headache."""
    if attack.peak_intensity == 0:
        return False
    ends = [s.end for s in aura]
    starts = [s.start for s in aura]
    if any(e is None for e in ends) or any(s is None for s in starts):
        return None
    aura_start = min(s for s in starts if s is not None)
    aura_end = max(e for e in ends if e is not None)
    if attack.start > aura_end + timedelta(minutes=p.aura_headache_gap_minutes):
        return False
    return not (attack.end is not None and attack.end < aura_start)


def _aura_criteria(attack: Attack, p: Parameters) -> tuple[Criterion, Criterion, Criterion]:
    """ICHD-3 1.2 B (>=1 fully reversible aura symptom), 1.2 C (>=3 of 6) and 1.2.1."""
    text_b = ">=1 fully reversible aura symptom (visual, sensory, speech, motor, brainstem, retinal)"
    text_c = ">=3 of the 6 aura characteristics"
    text_t = "typical aura: only visual, sensory and/or speech symptoms"
    aura = attack.aura
    if aura is None:
        why = "aura question not answered"
        return (
            _crit("1.2 B", text_b, None, why),
            _crit("1.2 C", text_c, None, why),
            _crit("1.2.1", text_t, None, why),
        )
    if not aura:
        why = "no aura recorded"
        return (
            _crit("1.2 B", text_b, False, why),
            _crit("1.2 C", text_c, False, why),
            _crit("1.2.1", text_t, False, why),
        )
    types = ", ".join(s.type.value for s in aura)
    parts = _aura_characteristics(attack, aura, p)
    c = at_least(3, parts.values())
    typical = all3([c, all(s.type in _TYPICAL for s in aura)])
    return (
        _crit("1.2 B", text_b, True, f"aura: {types}"),
        _crit("1.2 C", text_c, c, _describe(parts)),
        _crit("1.2.1", text_t, typical, f"aura: {types}"),
    )


def _tension_criteria(attack: Attack, headache: bool, p: Parameters) -> tuple[Criterion, ...]:
    """ICHD-3 2.1-2.2 B-D (episodic tension-type headache), applied to one attack."""
    hours = attack.duration_hours
    lo, hi = p.tension_min_minutes / 60.0, p.tension_max_days * 24.0
    b: Tri = None if hours is None else (headache and lo <= hours <= hi)
    why_b = "end not recorded" if hours is None else f"{hours:.2f} h"
    peak = attack.peak_intensity
    parts = {
        "bilateral": _eq(attack.side, Side.BILATERAL),
        "pressing/tightening (non-pulsating)": _eq(attack.quality, Quality.PRESSING),
        "mild or moderate": None if peak is None else 1 <= peak < p.severe_min_nrs,
        "not aggravated by activity": not3(attack.aggravated_by_activity),
    }
    d = all3(
        [
            not3(any3([attack.nausea, attack.vomiting])),
            not3(all3([attack.photophobia, attack.phonophobia])),
        ]
    )
    d_parts = {
        "nausea or vomiting": any3([attack.nausea, attack.vomiting]),
        "photophobia and phonophobia": all3([attack.photophobia, attack.phonophobia]),
    }
    return (
        _crit("2 B", "lasts 30 min to 7 days", b, why_b if headache else "no headache"),
        _crit(
            "2 C",
            ">=2 of: bilateral, pressing, mild/moderate, not aggravated",
            at_least(2, parts.values()),
            _describe(parts),
        ),
        _crit("2 D", "no nausea or vomiting; at most one of photo-/phonophobia", d, _describe(d_parts)),
    )


def classify_attack(
    attack: Attack,
    *,
    age: int | None = None,
    intakes: Sequence[MedicationIntake] = (),
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> AttackClassification:
    """Classify one attack by ICHD-3 (final text, Cephalalgia 2018;38(1):1-211).

    Types, in order of precedence: migraine with aura (1.2 B-C), migraine-like (1.1 B-D),
    tension-type-like (2 B-D), probable migraine (all but one of 1.1 B-D, or 1.2 B without C;
    ICHD-3 1.5.1/1.5.2), unclassifiable. Criterion E ("not better accounted for") is for the
    clinician.

    Parameters
    ----------
    attack
        The attack as recorded.
    age
        The client's age in years at the attack (2-72 h duration under 18); ``None`` if unknown.
    intakes
        Acute medication taken for this attack (1.1 B: a short attack treated successfully
        has an unknown untreated duration).
    parameters
        Clinical parameters.

    Returns
    -------
    AttackClassification

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> a = Attack("a1", t, t + timedelta(hours=4), peak_intensity=7, side=Side.UNILATERAL,
    ...            quality=Quality.PULSATING, nausea=True, aura=())
    >>> c = classify_attack(a, age=40)
    >>> c.type.value, c.criterion("1.1 B").status.value
    ('migraine_like', 'met')
    >>> b = Attack("a2", t, t + timedelta(hours=3, minutes=59), peak_intensity=7,
    ...            side=Side.UNILATERAL, quality=Quality.PULSATING, nausea=True, aura=())
    >>> classify_attack(b, age=40).type.value
    'probable_migraine'
    """
    p = parameters
    headache = attack.peak_intensity != 0
    b11 = _duration_b11(attack, age, intakes, p)
    c11 = _features_c11(attack, p)
    d11 = _features_d11(attack)
    b12, c12, typical = _aura_criteria(attack, p)
    tension = _tension_criteria(attack, headache, p)
    values = {
        AttackType.MIGRAINE_WITH_AURA: all3([b12.value, c12.value]),
        AttackType.MIGRAINE_LIKE: all3([headache, b11.value, c11.value, d11.value]),
        AttackType.TENSION_TYPE_LIKE: all3(c.value for c in tension),
        # Reached only when the definite types above are not met, so "at least two of three"
        # here is exactly "all but one" (ICHD-3 1.5.1); 1.5.2 is aura (B) without 1.2 C.
        AttackType.PROBABLE_MIGRAINE: any3(
            [all3([headache, at_least(2, [b11.value, c11.value, d11.value])]), b12.value]
        ),
        AttackType.UNCLASSIFIABLE: True,
    }
    chosen, possible = _first_met(values)
    return AttackClassification(
        attack_id=attack.id,
        type=chosen,
        possible_types=possible,
        criteria=(b11, c11, d11, b12, c12, typical, *tension),
        duration_hours=attack.duration_hours,
        typical_aura=typical.value
        if values[AttackType.MIGRAINE_WITH_AURA]
        else (None if values[AttackType.MIGRAINE_WITH_AURA] is None else False),
        migraine_features=all3([headache, c11.value, d11.value]),
        aura_features=all3([b12.value, c12.value]),
        headache=headache,
    )


def _first_met(values: dict[AttackType, Tri]) -> tuple[AttackType, tuple[AttackType, ...]]:
    possible: list[AttackType] = []
    for kind in PRECEDENCE:
        v = values[kind]
        if v is True:
            return kind, tuple(possible)
        if v is None:
            possible.append(kind)
    return AttackType.UNCLASSIFIABLE, tuple(possible)  # pragma: no cover - UNCLASSIFIABLE is True


def status_counts(criteria: Sequence[Criterion]) -> dict[Status, int]:
    """How many criteria are met, not met and unknown."""
    out = dict.fromkeys(Status, 0)
    for c in criteria:
        out[c.status] += 1
    return out
