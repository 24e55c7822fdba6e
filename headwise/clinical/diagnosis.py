"""Diary-level diagnosis suggestions (ICHD-3) and medication-overuse status.

Everything here is a *suggestion for a clinician*, with the evidence that led to it. Day
thresholds are judged per 28-day period with missing days taken into account: a threshold is
met when the recorded days reach it, not met when even every missing day could not reach it,
and unknown otherwise. ">3 months" needs ``chronic_window_periods`` (default 4) full periods,
counted back from the diary's last day (the same window for 1.3, 8.2 and the medication
warnings); a shorter diary gets *insufficient data*, never "no". Definitions and sources:
``docs/clinical-definitions.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np

from headwise.clinical.classify import AttackClassification, AttackType
from headwise.clinical.days import ROW, DayTable, Period, periods
from headwise.clinical.logic import Tri, all3, any3
from headwise.clinical.model import Diary, DrugClass, Substance
from headwise.clinical.params import DEFAULT_PARAMETERS, Parameters

__all__ = [
    "SUGGESTION_LABEL",
    "SuggestionStatus",
    "Suggestion",
    "MedicationClassStatus",
    "MedicationOveruse",
    "suggest_diagnoses",
    "medication_overuse",
    "end_periods",
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
#: ICHD-3 8.2.3.1-8.2.3.3: the non-opioid analgesic sub-forms, by substance.
SUBSTANCE_CODES = {
    Substance.PARACETAMOL: (
        "8.2.3.1",
        "Medication-overuse headache attributed to paracetamol (acetaminophen)",
    ),
    Substance.NSAID: (
        "8.2.3.2",
        "Medication-overuse headache attributed to non-steroidal anti-inflammatory drug (NSAID)",
    ),
    Substance.ACETYLSALICYLIC_ACID: (
        "8.2.3.3",
        "Medication-overuse headache attributed to acetylsalicylic acid",
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
    """Intake days of one drug class in the last 28 diary days (ending on the diary's last
    day: the newest period of :attr:`MedicationOveruse.window`) against its ICHD-3 threshold."""

    drug_class: DrugClass
    threshold: int
    days_last_28: int
    recorded_last_28: int
    status: str  # "below" | "approaching_threshold" | "at_or_above_threshold"


@dataclass(frozen=True, slots=True)
class MedicationOveruse:
    """Per-class status, the 8.2.x suggestions and plain-language warnings.

    ``window`` is the first and last day of the periods 8.2 is judged on (the last
    ``chronic_window_periods`` full 28-day periods counted back from the diary's last day, or
    as many as the diary has); ``last_period`` the 28 days (or fewer) the class statuses and
    warnings count, which are the newest period of ``window``. ``None`` for an empty diary.
    """

    classes: tuple[MedicationClassStatus, ...]
    suggestions: tuple[Suggestion, ...]
    warnings: tuple[str, ...]
    window: tuple[date, date] | None = None
    last_period: tuple[date, date] | None = None


# -- helpers ---------------------------------------------------------------------------------


def _bound(count: int, missing: int, threshold: int) -> Tri:
    """>= threshold with missing days unknown: met, not met, or unknown."""
    if count >= threshold:
        return True
    return None if count + missing >= threshold else False


def end_periods(table: DayTable, p: Parameters) -> tuple[Period, ...]:
    """The full 28-day periods counted back from the diary's last day, oldest first.

    Anchored at the *end*, so the newest days always count; a short remainder at the start of
    the diary is left out.
    """
    if table.n_days == 0:
        return ()
    anchor = table.start + timedelta(days=table.n_days % p.month_days)
    return tuple(q for q in periods(table, anchor=anchor, parameters=p) if q.n_days == p.month_days)


def _window(table: DayTable, p: Parameters) -> tuple[tuple[Period, ...], int]:
    full = end_periods(table, p)
    return full[-p.chronic_window_periods :], len(full)


def _window_words(window: Sequence[Period], p: Parameters) -> str:
    if not window:
        return f"no full {p.month_days}-day period counted back from the last diary day"
    return (
        f"the last {len(window)} full {p.month_days}-day periods counted back from the last diary day "
        f"({window[0].start.isoformat()}..{window[-1].end.isoformat()})"
    )


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


def _why_unknown(classes: Sequence[AttackClassification], kind: AttackType, codes: Sequence[str]) -> str:
    """Why attacks that may be of ``kind`` are not known to be: the unknown criteria, with the
    reason of the first attack for each (e.g. a treated short attack: its untreated duration
    cannot be known)."""
    maybe = [c for c in classes if kind in c.possible_types]
    if not maybe:
        return ""
    parts = []
    for code in codes:
        unknown = [c for c in maybe if c.criterion(code).value is None]
        if unknown:
            first = unknown[0]
            parts.append(
                f"{code} unknown in {len(unknown)} (attack {first.attack_id}: {first.criterion(code).reason})"
            )
    return f"; {len(maybe)} more may meet them: " + "; ".join(parts)


def _long_attacks(classes: Sequence[AttackClassification], p: Parameters) -> list[str]:
    """Attacks with migraine features (1.1 C and D) that lasted longer than 72 h (1.4.1 C1)."""
    return [
        c.attack_id
        for c in classes
        if c.migraine_features is True
        and c.duration_hours is not None
        and c.duration_hours > p.max_duration_hours
    ]


def _migraine(classes: Sequence[AttackClassification], diagnosed: Tri, p: Parameters) -> list[Suggestion]:
    """ICHD-3 1.1 A (>=5 attacks), 1.2 A (>=2), 1.2.1.1 and 1.2.1.2, 1.4.1 status migrainosus,
    and 1.5.1/1.5.2 probable migraine.

    A definite diagnosis beats a probable one (ICHD-3 1.5 E; 2.2 comment).
    """
    ml = _ids(classes, AttackType.MIGRAINE_LIKE)
    mwa = [c for c in classes if c.type is AttackType.MIGRAINE_WITH_AURA]
    prob = [c for c in classes if c.type is AttackType.PROBABLE_MIGRAINE]
    prob_aura = [c.attack_id for c in prob if c.criterion("1.2 B").value is True]
    prob_plain = [c.attack_id for c in prob if c.criterion("1.2 B").value is not True]
    s11 = _count_status(len(ml), _possible(classes, AttackType.MIGRAINE_LIKE), p.migraine_attacks_required)
    s12 = _count_status(len(mwa), _possible(classes, AttackType.MIGRAINE_WITH_AURA), p.aura_attacks_required)
    # Say why only where it matters: when the undecided attacks leave the answer open.
    why11 = (
        _why_unknown(classes, AttackType.MIGRAINE_LIKE, ("1.1 B", "1.1 C", "1.1 D"))
        if s11 is SuggestionStatus.UNKNOWN
        else ""
    )
    why12 = (
        _why_unknown(classes, AttackType.MIGRAINE_WITH_AURA, ("1.2 B", "1.2 C"))
        if s12 is SuggestionStatus.UNKNOWN
        else ""
    )
    out = [
        Suggestion(
            "1.1",
            "Migraine without aura",
            s11,
            f"{len(ml)} attacks meet 1.1 B-D; 1.1 A needs >= {p.migraine_attacks_required}{why11}",
            tuple(f"attack {i}" for i in ml),
        ),
        Suggestion(
            "1.2",
            "Migraine with aura",
            s12,
            f"{len(mwa)} attacks meet 1.2 B-C; 1.2 A needs >= {p.aura_attacks_required}{why12}",
            tuple(f"attack {c.attack_id}" for c in mwa),
        ),
    ]
    if s12 is SuggestionStatus.SUGGESTED:
        out += _typical_aura(mwa, p)
    long = _long_attacks(classes, p)
    out.append(_status_migrainosus(long, s11, s12, diagnosed, p))
    see = f"; {len(long)} attacks lasted > {p.max_duration_hours:g} h: see 1.4.1" if long else ""
    out.append(
        _probable(
            "1.5.1", "Probable migraine without aura", s11, ml, prob_plain, p.migraine_attacks_required, see
        )
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


def _typical_aura(mwa: Sequence[AttackClassification], p: Parameters) -> list[Suggestion]:
    """ICHD-3 1.2.1.1 typical aura with headache and 1.2.1.2 typical aura without headache,
    each needing ``aura_attacks_required`` attacks of its own (both may apply). Without
    headache a clinician must rule out a transient ischaemic attack (ICHD-3 1.2.1.2 comment)."""
    need = p.aura_attacks_required
    out = []
    forms = (
        ("1.2.1.1", "Typical aura with headache", True, ""),
        (
            "1.2.1.2",
            "Typical aura without headache",
            False,
            "; a clinician must rule out a transient ischaemic attack (TIA)",
        ),
    )
    for code, name, with_headache, note in forms:
        sub = [c for c in mwa if c.headache is with_headache]
        counted = _count_status(len(sub), 0, need)
        typical = all3(c.typical_aura for c in sub)
        status = _status(typical) if counted is SuggestionStatus.SUGGESTED else counted
        what = "with" if with_headache else "without"
        kinds = (
            "only visual, sensory and/or speech aura symptoms"
            if typical
            else "motor, brainstem or retinal symptoms recorded or not known"
        )
        reason = f"{len(sub)} attacks of migraine with aura {what} headache; needs >= {need}"
        if sub:
            reason += f"; {kinds}"
        out.append(Suggestion(code, name, status, reason + note, tuple(f"attack {c.attack_id}" for c in sub)))
    return out


def _status_migrainosus(
    long: Sequence[str], s11: SuggestionStatus, s12: SuggestionStatus, diagnosed: Tri, p: Parameters
) -> Suggestion:
    """ICHD-3 1.4.1: an attack typical of the client's migraine (1.4.1 B: the client has 1.1
    and/or 1.2) except that it is unremitting for > 72 h (C1) and debilitating (C2, for the
    clinician to judge)."""
    name = "Status migrainosus"
    if not long:
        return Suggestion(
            "1.4.1", name, SuggestionStatus.NOT_SUGGESTED, f"no attack lasted > {p.max_duration_hours:g} h"
        )
    has_migraine = any3([diagnosed, True if SuggestionStatus.SUGGESTED in (s11, s12) else None])
    status = SuggestionStatus.SUGGESTED if has_migraine else SuggestionStatus.UNKNOWN
    reason = (
        f"{len(long)} attacks with migraine features (1.1 C and D) lasted > {p.max_duration_hours:g} h "
        f"(1.4.1 C1); client has migraine (1.4.1 B): {_word(has_migraine)}; whether the pain or "
        "symptoms were debilitating (1.4.1 C2) is for a clinician"
    )
    return Suggestion("1.4.1", name, status, reason, tuple(f"attack {i}" for i in long))


def _probable(
    code: str,
    name: str,
    definite: SuggestionStatus,
    full: list[str],
    partial: list[str],
    need: int,
    see: str = "",
) -> Suggestion:
    """ICHD-3 1.5: all but one criterion: too few full attacks (A), or enough attacks missing
    one of the attack criteria."""
    if definite is SuggestionStatus.SUGGESTED:
        return Suggestion(code, name, SuggestionStatus.EXCLUDED, "definite diagnosis fits")
    fits = 1 <= len(full) < need or len(full) + len(partial) >= need
    reason = f"{len(full)} attacks meet all attack criteria, {len(partial)} all but one{see}"
    evidence = tuple(f"attack {i}" for i in [*full, *partial])
    status = SuggestionStatus.SUGGESTED if fits else SuggestionStatus.NOT_SUGGESTED
    if definite is SuggestionStatus.UNKNOWN and fits:
        status = SuggestionStatus.UNKNOWN
    return Suggestion(code, name, status, reason, evidence)


def _insufficient(available: int, p: Parameters, what: str = "needs >3 months") -> str:
    return (
        f"{what}: {p.chronic_window_periods} full {p.month_days}-day periods counted back from the "
        f"last diary day; the diary has {available}"
    )


def _chronic_migraine(classes: Sequence[AttackClassification], table: DayTable, p: Parameters) -> Suggestion:
    """ICHD-3 1.3: headache >=15 days/month for >3 months (A), >=5 attacks meeting 1.1 B-D or
    1.2 B-C (B), and >=8 days/month with migraine features or triptan/ergot relief (C).

    A headache day is a day with headache: an aura without headache does not count for A.
    """
    name = "Chronic migraine"
    window, available = _window(table, p)
    a_ev = _period_evidence(window, "headache", "headache days")
    c_ev = _period_evidence(window, "chronic_migraine_feature", "migraine-feature days")
    if available < p.chronic_window_periods:
        return Suggestion(
            "1.3", name, SuggestionStatus.INSUFFICIENT_DATA, _insufficient(available, p), a_ev + c_ev
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
        f"C (>= {p.chronic_migraine_feature_days} migraine-feature days each period): {_word(c)}; "
        f"over {_window_words(window, p)}"
    )
    return Suggestion("1.3", name, status, reason, a_ev + c_ev)


def _word(value: Tri) -> str:
    return {True: "met", False: "not met", None: "unknown"}[value]


# -- tension-type -----------------------------------------------------------------------------


def _band(lo: float, hi: float, low: float | None, high: float | None) -> Tri:
    """Is the rate in ``[low, high)`` when it lies somewhere in ``[lo, hi]``?"""
    inside_lo = (low is None or lo >= low) and (high is None or hi < high)
    outside = (low is not None and hi < low) or (high is not None and lo >= high)
    return True if inside_lo else (False if outside else None)


def _tension(
    classes: Sequence[AttackClassification], table: DayTable, chronic: Suggestion, p: Parameters
) -> list[Suggestion]:
    """ICHD-3 2.1 (< 12 days/year), 2.2 (>= 12 and < 180 days/year, > 3 months) and 2.3
    (>= 180 days/year, > 3 months), in ICHD-3's per-year wording; each needs >= 10 episodes
    fulfilling B-D (2.3: headache on >= 15 days fulfilling B-D).

    All three are judged on one rate, tension-type days per year over the whole diary (with
    missing days as unknown), so two of them are never suggested at once.
    """
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
    days_tth = int(np.count_nonzero(table.column("tension_type")))
    missing = int(np.count_nonzero(~table.column("recorded")))
    lo = days_tth * p.year_days / table.n_days  # multiply first: 12 * 365 / 365 is exactly 12
    hi = (days_tth + missing) * p.year_days / table.n_days
    frequent, chronic_days = p.frequent_tension_days_per_year, p.chronic_tension_days_per_year
    rate = (
        f"{lo:.1f}-{hi:.1f} tension-type days per year over the whole diary "
        f"({table.n_days} days, {missing} missing)"
    )
    bands = {
        "2.1": (_band(lo, hi, None, frequent), f"2.1 needs < {frequent:g} days/year"),
        "2.2": (_band(lo, hi, frequent, chronic_days), f"2.2 needs >= {frequent:g} and < {chronic_days:g}"),
        "2.3": (_band(lo, hi, chronic_days, None), f"2.3 needs >= {chronic_days:g}"),
    }
    long_enough = table.n_days >= p.chronic_window_periods * p.month_days
    out = []
    for code, (value, rule) in bands.items():
        if code != "2.1" and not long_enough and value is not False:
            need_days = p.chronic_window_periods * p.month_days
            why = f"{rate}; {rule} for >3 months: {need_days} days; the diary has {table.n_days}"
            out.append(Suggestion(code, names[code], SuggestionStatus.INSUFFICIENT_DATA, why, evidence))
        else:
            out.append(Suggestion(code, names[code], _status(value), f"{rate}; {rule}", evidence))
    return out


# -- medication overuse -------------------------------------------------------------------------


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
    analgesics (paracetamol, NSAIDs, aspirin, one class) >=15 (8.2.3, with the sub-form
    8.2.3.1-8.2.3.3 when every intake names the same substance); two or more classes, none
    overused alone, together >=10 (8.2.6). 8.2 coexists with 1.3 (give both).

    ">3 months" is the last ``chronic_window_periods`` full 28-day periods counted back from
    the diary's last day; the per-class status and the warnings count the newest of those
    periods (the last 28 days), so both answer over the same days.

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
    >>> mo.last_period
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 28))
    """
    p = parameters
    window, _available = _window(table, p)
    start = max(0, table.n_days - p.month_days)
    last = slice(start, table.n_days)
    rec = int(np.count_nonzero(table.column("recorded")[last]))
    span = (
        (table.start + timedelta(days=start), table.start + timedelta(days=table.n_days - 1))
        if table.n_days
        else None
    )
    where = (
        f"in the {table.n_days - start} days {span[0].isoformat()}..{span[1].isoformat()}"
        if span
        else "in no day"
    )
    classes, warnings = [], []
    for cls, thr in p.overuse_thresholds.items():
        n = int(np.count_nonzero(table.column(f"medication:{cls.value}")[last]))
        status = (
            "at_or_above_threshold" if n >= thr else ("approaching_threshold" if n == thr - 1 else "below")
        )
        classes.append(MedicationClassStatus(cls, thr, n, rec, status))
        if status != "below":
            warnings.append(
                f"{cls.value}: {n} intake days {where} "
                f"({'at or above' if n >= thr else 'one day below'} the ICHD-3 8.2 threshold "
                f"of {thr} days/month)"
            )
    suggestions = _moh_suggestions(table, primary_headache, p)
    judged = (window[0].start, window[-1].end) if window else span
    return MedicationOveruse(tuple(classes), suggestions, tuple(warnings), judged, span)


def _days_in(table: DayTable, rows: Sequence[str], q: Period) -> int:
    """Days in period ``q`` with any of ``rows``."""
    a = (q.start - table.start).days
    idx = [ROW[r] for r in rows]
    return int(np.count_nonzero(np.any(table.flags[idx, a : a + q.n_days], axis=0)))


def _substance_code(table: DayTable, window: Sequence[Period]) -> tuple[str, str] | None:
    """The 8.2.3 sub-form when every non-opioid analgesic day in the window names one and the
    same substance; ``None`` when unknown or mixed (then plain 8.2.3)."""
    row = f"medication:{DrugClass.SIMPLE_ANALGESIC.value}"
    total = sum(q.counts[row] for q in window)
    used = [x for x in Substance if sum(q.counts[f"substance:{x.value}"] for q in window)]
    if total == 0 or len(used) != 1:
        return None
    x = used[0]
    if sum(q.counts[f"substance:{x.value}"] for q in window) != total:
        return None
    return SUBSTANCE_CODES[x]


def _moh_suggestions(table: DayTable, primary: Tri, p: Parameters) -> tuple[Suggestion, ...]:
    window, available = _window(table, p)
    if available < p.chronic_window_periods:
        why = _insufficient(available, p, "needs regular overuse for >3 months")
        out = [
            Suggestion(code, nm, SuggestionStatus.INSUFFICIENT_DATA, why) for code, nm in MOH_CODES.values()
        ]
        out.append(Suggestion("8.2.6", _MULTI, SuggestionStatus.INSUFFICIENT_DATA, why))
        return tuple(out)
    a = _per_period(window, "headache", p.chronic_headache_days)
    base = (
        f"over {_window_words(window, p)}: "
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
        reason = f"{base}; {cls.value} >= {thr} days each period: {_word(overuse)}"
        if cls is DrugClass.SIMPLE_ANALGESIC:
            sub = _substance_code(table, window)
            if sub is not None:
                code, nm = sub
            else:
                reason += "; substance not known or mixed: 8.2.3 without sub-form"
        ev = _period_evidence(window, row, "intake days")
        out.append(Suggestion(code, nm, _status(value), reason, ev))
    out.append(_multiple(table, window, a, primary, single, base, p))
    return tuple(out)


def _multiple(
    table: DayTable,
    window: Sequence[Period],
    a: Tri,
    primary: Tri,
    single: Sequence[Tri],
    base: str,
    p: Parameters,
) -> Suggestion:
    """ICHD-3 8.2.6 B: a combination of two or more classes, none overused alone, taken on
    >=10 days/month together. One class alone is never 8.2.6, however many days (it is that
    class's 8.2.x, or no overuse: a non-opioid analgesic on 10-14 days is below 8.2.3)."""
    names = [c.value for c in p.overuse_thresholds]
    rows = [f"medication:{c}" for c in names]
    per_period: list[Tri] = []
    ev = []
    for q in window:
        together = _days_in(table, rows, q)
        used = [(c, q.counts[r]) for c, r in zip(names, rows, strict=True) if q.counts[r]]
        at_least = _bound(together, q.missing_days, p.multiple_class_threshold)
        combination: Tri = True if len(used) >= 2 else (None if q.missing_days else False)
        per_period.append(all3([at_least, combination]))
        listed = " + ".join(f"{c} {k}" for c, k in used) or "none"
        ev.append(
            f"{q.start.isoformat()}..{q.end.isoformat()}: {listed}: {together} days together "
            f"({q.missing_days} missing)"
        )
    together_all = all3(per_period)
    none_alone = all3(not v if v is not None else None for v in single)
    value = all3([a, primary, together_all, none_alone])
    totals = [(c, sum(q.counts[r] for q in window)) for c, r in zip(names, rows, strict=True)]
    adding = ", ".join(f"{c} {k}" for c, k in totals if k) or "none"
    reason = (
        f"{base}; two or more classes, none overused alone, together >= "
        f"{p.multiple_class_threshold} days each period: {_word(all3([together_all, none_alone]))} "
        f"(intake days in the window: {adding})"
    )
    return Suggestion("8.2.6", _MULTI, _status(value), reason, tuple(ev))


_MULTI = "Medication-overuse headache attributed to multiple drug classes not individually overused"


def suggest_diagnoses(
    diary: Diary,
    classifications: Sequence[AttackClassification],
    table: DayTable,
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> tuple[Suggestion, ...]:
    """All diagnosis suggestions for the diary: 1.1, 1.2, 1.2.1.1, 1.2.1.2, 1.4.1, 1.5.1,
    1.5.2, 1.3, 2.1-2.3 and 8.2.x, each a *suggestion for a clinician* with its evidence
    (ICHD-3, Cephalalgia 2018;38(1):1-211). Chronic migraine and medication overuse coexist
    (ICHD-3 8.2 comment).

    ``classifications`` and ``table`` come from :func:`classify_diary` and :func:`days`.
    """
    p = parameters
    migraine = _migraine(classifications, diary.client.migraine_diagnosed, p)
    chronic = _chronic_migraine(classifications, table, p)
    tension = _tension(classifications, table, chronic, p)
    found = any(s.status is SuggestionStatus.SUGGESTED for s in [*migraine, chronic, *tension])
    primary = any3([diary.client.migraine_diagnosed, True if found else None])
    moh = medication_overuse(table, primary_headache=primary, parameters=p)
    return (*migraine, chronic, *tension, *moh.suggestions)
