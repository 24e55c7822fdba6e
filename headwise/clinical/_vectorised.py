"""Vectorised ICHD-3 attack classification and day counts for cohorts (NumPy, no Python loop).

The same rules as :func:`headwise.clinical.classify.classify_attack` and the day derivation of
:func:`headwise.clinical.days.days`, over columns instead of objects, so that many diaries are
classified and counted in one call. A private module of the clinical package: its entry points
(:class:`CohortColumns`, :func:`columns_from_diaries`, :func:`classify_columns`,
:func:`cohort_analyse`) are exported from :mod:`headwise.clinical`; import them from there.
The results are *equal* to the scalar path element by element (a hypothesis property test
holds them to it); this module adds no rule of its own.

Columnar input (:class:`CohortColumns`)
---------------------------------------
Three-valued features are ``int8`` codes: ``-1`` unknown, ``0`` no, ``1`` yes
(:data:`UNKNOWN`, :data:`NO`, :data:`YES`). Arrays run over diaries, attacks, aura symptoms,
intakes and recorded days; an index column links each row to its diary or attack. Times
are float seconds, because :attr:`Attack.duration_hours` is ``total_seconds() / 3600`` and
seconds reproduce that float bit for bit.

Internally a three-valued value is held as a *rank* (no 0 < unknown 1 < yes 2), so Kleene
conjunction is a minimum, disjunction a maximum and negation ``2 - rank``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from headwise.clinical._cohort import BYTE_BITS, count_periods, or_at, or_runs, unpack_byte_rows
from headwise.clinical.classify import PRECEDENCE, AttackType
from headwise.clinical.days import (
    ATTACK_ROW_IDX,
    ATTACK_ROWS,
    ROW,
    ROWS,
    derive_rows,
    link_intakes,
    local_span,
)
from headwise.clinical.errors import AnalysisError
from headwise.clinical.localdays import local_date
from headwise.clinical.model import AuraType, Diary, DrugClass, Quality, Side, Substance
from headwise.clinical.params import DEFAULT_PARAMETERS, MigraineDayDefinition, Parameters

__all__ = [
    "UNKNOWN",
    "NO",
    "YES",
    "CRITERIA",
    "AURA_TYPES",
    "DRUG_CLASSES",
    "SUBSTANCES",
    "CohortColumns",
    "ColumnClassification",
    "CohortAnalysis",
    "columns_from_diaries",
    "classify_columns",
    "cohort_analyse",
    "cohort_day_rows",
]

UNKNOWN, NO, YES = -1, 0, 1
#: Criterion codes, in the order of :attr:`AttackClassification.criteria`.
CRITERIA: tuple[str, ...] = ("1.1 B", "1.1 C", "1.1 D", "1.2 B", "1.2 C", "1.2.1", "2 B", "2 C", "2 D")
#: ``aura_type`` codes index this tuple; ``type`` codes index :data:`PRECEDENCE`.
AURA_TYPES: tuple[AuraType, ...] = tuple(AuraType)
#: ``intake_class`` codes index this tuple.
DRUG_CLASSES: tuple[DrugClass, ...] = tuple(DrugClass)
#: ``intake_substance`` codes index this tuple (``-1``: not given).
SUBSTANCES: tuple[Substance, ...] = tuple(Substance)

Int8Array = npt.NDArray[np.int8]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_F, _U, _T = 0, 1, 2  # ranks
_TYPE = {t: i for i, t in enumerate(PRECEDENCE)}
_MIGRAINE_TYPES = (AttackType.MIGRAINE_LIKE, AttackType.MIGRAINE_WITH_AURA, AttackType.PROBABLE_MIGRAINE)
_IS_MIGRAINE_TYPE = np.array([t in _MIGRAINE_TYPES for t in PRECEDENCE])
_TYPICAL = np.array([t in (AuraType.VISUAL, AuraType.SENSORY, AuraType.SPEECH) for t in AURA_TYPES])
_MOTOR = AURA_TYPES.index(AuraType.MOTOR)
_SPEECH = AURA_TYPES.index(AuraType.SPEECH)
_TRIPTAN_ERGOT = np.array([c in (DrugClass.TRIPTAN, DrugClass.ERGOT) for c in DRUG_CLASSES])
#: ``recorded`` and the rows an attack marks are rows 0-7: one byte per day holds them, with
#: bit ``ROW[name]`` for each (:func:`~headwise.clinical._cohort.or_runs`,
#: :func:`~headwise.clinical._cohort.unpack_byte_rows`).
BYTE_ROWS: tuple[str, ...] = ROWS[:BYTE_BITS]
if {"recorded", *ATTACK_ROWS} != set(BYTE_ROWS):  # pragma: no cover - a guard on the row order
    raise ImportError("recorded and ATTACK_ROWS must be the first eight rows")
_CLASS_ROW = np.array([ROW[f"medication:{c.value}"] for c in DRUG_CLASSES], dtype=np.int64)
_SUBSTANCE_ROW = np.array([ROW[f"substance:{x.value}"] for x in SUBSTANCES], dtype=np.int64)

# Column groups: (name, dtype, group). Groups share a length.
_TRI = "tri"
_SPEC: tuple[tuple[str, type[np.generic], str, str], ...] = (
    ("diary_days", np.int64, "diary", "count"),
    ("diagnosed", np.int8, "diary", _TRI),
    ("attack_diary", np.int64, "attack", "diary"),
    ("attack_first", np.int64, "attack", "day"),
    ("attack_last", np.int64, "attack", "day"),
    ("peak", np.int8, "attack", "peak"),
    ("duration_s", np.float64, "attack", "seconds"),
    ("age", np.int16, "attack", "age"),
    ("unilateral", np.int8, "attack", _TRI),
    ("bilateral", np.int8, "attack", _TRI),
    ("pulsating", np.int8, "attack", _TRI),
    ("pressing", np.int8, "attack", _TRI),
    ("aggravated", np.int8, "attack", _TRI),
    ("nausea", np.int8, "attack", _TRI),
    ("vomiting", np.int8, "attack", _TRI),
    ("photophobia", np.int8, "attack", _TRI),
    ("phonophobia", np.int8, "attack", _TRI),
    ("stopped_activities", np.int8, "attack", _TRI),
    ("aura", np.int8, "attack", _TRI),
    ("aura_attack", np.int64, "aura", "attack"),
    ("aura_type", np.int8, "aura", "aura_type"),
    ("aura_start_s", np.float64, "aura", "offset"),
    ("aura_end_s", np.float64, "aura", "offset"),
    ("aura_duration_min", np.float64, "aura", "minutes"),
    ("aura_spread", np.int8, "aura", _TRI),
    ("aura_unilateral", np.int8, "aura", _TRI),
    ("aura_positive", np.int8, "aura", _TRI),
    ("intake_diary", np.int64, "intake", "diary"),
    ("intake_day", np.int64, "intake", "day"),
    ("intake_attack", np.int64, "intake", "attack_or_none"),
    ("intake_class", np.int8, "intake", "drug_class"),
    ("intake_effective", np.int8, "intake", _TRI),
    ("intake_substance", np.int8, "intake", "substance"),
    ("recorded_diary", np.int64, "recorded", "diary"),
    ("recorded_day", np.int64, "recorded", "day"),
    ("recorded_headache", np.int8, "recorded", "flag"),
)


@dataclass(frozen=True, slots=True)
class CohortColumns:
    """Diaries as columns: the input of :func:`classify_columns` and :func:`cohort_analyse`.

    Three-valued columns are ``int8``: ``-1`` unknown, ``0`` no, ``1`` yes. Every array is
    one-dimensional; arrays of one group (diary, attack, aura, intake, recorded) have one
    length. Bad input raises :class:`AnalysisError` naming the column and the reason.

    Attributes
    ----------
    diary_days, diagnosed
        Per diary: days in its span (first to last recorded or touched local day, as
        :func:`~headwise.clinical.days.days`), and ``ClientInfo.migraine_diagnosed``.
    attack_diary, attack_first, attack_last
        Per attack: its diary and its first and last local day (offsets in the diary).
    peak
        Peak intensity 0-10, ``-1`` unknown; 0 is an aura without headache.
    duration_s
        ``(end - start).total_seconds()``, NaN when the end is unknown. For an attack ended by
        sleep the end is the waking time (ICHD-3 1.1 note 2), so ``ended_by_sleep`` changes no
        value and has no column.
    age
        Age in whole years on the attack's local start date, ``-1`` unknown (1.1 B: 2-72 h
        under ``adult_age_years``).
    unilateral, bilateral, pulsating, pressing
        ``side == unilateral``, ``side == bilateral``, ``quality == pulsating``,
        ``quality == pressing``, each three-valued (unknown when the side or quality is).
    aggravated, nausea, vomiting, photophobia, phonophobia, stopped_activities
        The attack's answers.
    aura
        ``-1`` aura question not answered, ``0`` no aura, ``1`` aura symptoms recorded (then
        the attack has rows in the aura columns, otherwise none).
    aura_attack, aura_type
        Per aura symptom: its attack and its type (an index into :data:`AURA_TYPES`).
    aura_start_s, aura_end_s
        Seconds from the headache's onset to the symptom's start and end
        (``(s.start - attack.start).total_seconds()``, ``(s.end - attack.start)...``), NaN
        when unknown.
    aura_duration_min
        The symptom's duration in minutes, NaN when unknown.
    aura_spread, aura_unilateral, aura_positive
        Spread gradually, unilateral, positive (ICHD-3 1.2 C).
    intake_diary, intake_day, intake_attack, intake_class, intake_effective
        Per acute-medication intake: its diary, its local day, the attack it is linked to
        (:func:`~headwise.clinical.days.link_intakes`; ``-1`` none), its class (an index into
        :data:`DRUG_CLASSES`) and :attr:`MedicationIntake.effective`.
    intake_substance
        Per intake: :attr:`MedicationIntake.substance` as an index into :data:`SUBSTANCES`,
        ``-1`` not given (ICHD-3 8.2.3.1-8.2.3.3). Optional: ``None`` means not given for any.
    recorded_diary, recorded_day, recorded_headache
        The diary's recorded dates (``Diary.recorded_dates`` and ``Diary.headache_dates``) as
        day offsets, and ``1`` where the check-in said "headache" (a headache day), else ``0``.
    """

    diary_days: IntArray
    diagnosed: Int8Array
    attack_diary: IntArray
    attack_first: IntArray
    attack_last: IntArray
    peak: Int8Array
    duration_s: FloatArray
    age: npt.NDArray[np.int16]
    unilateral: Int8Array
    bilateral: Int8Array
    pulsating: Int8Array
    pressing: Int8Array
    aggravated: Int8Array
    nausea: Int8Array
    vomiting: Int8Array
    photophobia: Int8Array
    phonophobia: Int8Array
    stopped_activities: Int8Array
    aura: Int8Array
    aura_attack: IntArray
    aura_type: Int8Array
    aura_start_s: FloatArray
    aura_end_s: FloatArray
    aura_duration_min: FloatArray
    aura_spread: Int8Array
    aura_unilateral: Int8Array
    aura_positive: Int8Array
    intake_diary: IntArray
    intake_day: IntArray
    intake_attack: IntArray
    intake_class: Int8Array
    intake_effective: Int8Array
    recorded_diary: IntArray
    recorded_day: IntArray
    recorded_headache: Int8Array
    intake_substance: Int8Array | None = None

    def __post_init__(self) -> None:
        if self.intake_substance is None:
            n_intakes = np.asarray(self.intake_class).size
            object.__setattr__(self, "intake_substance", np.full(n_intakes, -1, dtype=np.int8))
        lengths: dict[str, int] = {}
        for name, dtype, group, _kind in _SPEC:
            raw = getattr(self, name)
            arr = np.asarray(raw)
            if arr.ndim != 1:
                raise AnalysisError(name, "must be a one-dimensional array")
            if arr.size and not _fits(arr, dtype):
                raise AnalysisError(name, f"must hold {np.dtype(dtype).name} values")
            arr = arr.astype(dtype, copy=False)
            lengths.setdefault(group, arr.size)
            if arr.size != lengths[group]:
                raise AnalysisError(name, f"has {arr.size} rows, other {group} columns {lengths[group]}")
            object.__setattr__(self, name, arr)
        for name, _dtype, _group, kind in _SPEC:
            self._check(name, kind, lengths)
        n_sym = np.bincount(self.aura_attack, minlength=lengths["attack"])
        bad = np.flatnonzero((self.aura == YES) != (n_sym > 0))
        if bad.size:
            raise AnalysisError(
                f"aura[{int(bad[0])}]", "must be 1 exactly when the attack has aura symptom rows"
            )

    def _check(self, name: str, kind: str, lengths: Mapping[str, int]) -> None:
        arr = getattr(self, name)
        limits: dict[str, tuple[float, float]] = {
            _TRI: (-1, 1),
            "flag": (0, 1),
            "count": (0, np.inf),
            "peak": (-1, 10),
            "age": (-1, np.inf),
            "diary": (0, lengths["diary"] - 1),
            "attack": (0, lengths["attack"] - 1),
            "attack_or_none": (-1, lengths["attack"] - 1),
            "aura_type": (0, len(AURA_TYPES) - 1),
            "drug_class": (0, len(DRUG_CLASSES) - 1),
            "substance": (-1, len(SUBSTANCES) - 1),
            "day": (0, np.inf),
        }
        if kind in limits and arr.size:
            lo, hi = limits[kind]
            bad = np.flatnonzero((arr < lo) | (arr > hi))
            if bad.size:
                raise AnalysisError(
                    f"{name}[{int(bad[0])}]", f"{arr[bad[0]].item()!r} is outside {lo:g}..{hi:g}"
                )
        if kind in ("seconds", "minutes") and arr.size:
            bad = np.flatnonzero(arr < 0)
            if bad.size:
                raise AnalysisError(f"{name}[{int(bad[0])}]", "must be zero or more (NaN: unknown)")
        if kind == "day" and arr.size:
            owner = {"attack_first": self.attack_diary, "attack_last": self.attack_diary}.get(name)
            owner = owner if owner is not None else getattr(self, name.replace("_day", "_diary"))
            bad = np.flatnonzero(arr >= self.diary_days[owner])
            if bad.size:
                raise AnalysisError(f"{name}[{int(bad[0])}]", "is past the diary's last day")
        if name == "attack_last" and arr.size:
            bad = np.flatnonzero(arr < self.attack_first)
            if bad.size:
                raise AnalysisError(f"{name}[{int(bad[0])}]", "is before attack_first")

    @property
    def n_attacks(self) -> int:
        """Number of attacks."""
        return int(self.peak.size)


def _fits(arr: npt.NDArray[Any], dtype: type[np.generic]) -> bool:
    if np.issubdtype(dtype, np.floating):
        return bool(np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating))
    if not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        return False
    info = np.iinfo(np.dtype(dtype))
    return bool(arr.min() >= info.min and arr.max() <= info.max)


@dataclass(frozen=True, slots=True)
class ColumnClassification:
    """:func:`classify_columns` result, one element per attack.

    Attributes
    ----------
    criteria
        Criterion code (:data:`CRITERIA`) -> ``int8`` status: ``1`` met, ``0`` not met,
        ``-1`` unknown.
    type
        Index into :data:`PRECEDENCE` (the attack's :class:`AttackType`).
    possible
        ``(n_attacks, len(PRECEDENCE))``: higher-precedence types unknown answers could make true.
    migraine_features, aura_features
        ICHD-3 1.1 C+D (with a headache) and 1.2 B+C, three-valued codes.
    headache
        Peak intensity not 0.
    row_bits
        ``uint8`` per attack: the day rows it marks, for the migraine-day definition in the
        parameters, as bits: bit ``ROW[name]`` for each of :data:`ATTACK_ROWS` (rows 1-7), and
        bit ``ROW["recorded"]`` (0) always: every attack records its days.
        :attr:`row_flags` unpacks them.
    """

    criteria: Mapping[str, Int8Array]
    type: Int8Array
    possible: BoolArray
    migraine_features: Int8Array
    aura_features: Int8Array
    headache: BoolArray
    row_bits: npt.NDArray[np.uint8]

    def types(self) -> list[AttackType]:
        """The types as :class:`AttackType` members."""
        return [PRECEDENCE[int(i)] for i in self.type]

    @property
    def row_flags(self) -> BoolArray:
        """``(n_attacks, len(ATTACK_ROWS))``: :attr:`row_bits` as one column per attack row."""
        flags: BoolArray = (self.row_bits[:, None] >> ATTACK_ROW_IDX.astype(np.uint8)) & 1 == 1
        return flags


@dataclass(frozen=True, slots=True)
class CohortAnalysis:
    """:func:`cohort_analyse` result: classification plus day counts per 28-day period.

    ``counts`` has shape ``(len(ROWS), n_periods)`` and ``period_diary`` the diary of each
    period, as :func:`~headwise.clinical.days.cohort_period_counts` returns them.
    """

    classification: ColumnClassification
    counts: IntArray
    period_diary: IntArray


# --- three-valued helpers over ranks -------------------------------------------------------


def _rank(codes: npt.NDArray[Any]) -> Int8Array:
    """-1/0/1 codes -> ranks 1/0/2 (``|code| + (code > 0)``, in int8 throughout)."""
    c = np.asarray(codes, dtype=np.int8)
    out: Int8Array = np.abs(c) + (c > 0).view(np.int8)
    return out


def _code(ranks: npt.NDArray[Any]) -> Int8Array:
    """Ranks 0/1/2 -> codes 0/-1/1 (``(rank >> 1) - (rank & 1)``)."""
    r = np.asarray(ranks, dtype=np.int8)
    out: Int8Array = (r >> 1) - (r & 1)
    return out


def _b(mask: npt.NDArray[Any]) -> Int8Array:
    """Booleans -> ranks no 0 / yes 2."""
    out: Int8Array = np.asarray(mask, dtype=np.bool_).view(np.int8) * np.int8(_T)
    return out


def _fold(ufunc: np.ufunc, ranks: Sequence[npt.NDArray[Any]]) -> Int8Array:
    """``ufunc`` over the ranks pairwise, broadcast, without stacking the columns.

    Always a new array: in place after the first pair when that already has the full shape.
    """
    shape = np.broadcast_shapes(*(np.shape(r) for r in ranks))
    first, *rest = ranks
    out: Int8Array = ufunc(first, rest.pop(0), dtype=np.int8) if rest else np.array(first, dtype=np.int8)
    for rank in rest:
        if out.shape == shape:
            ufunc(out, rank, out=out, dtype=np.int8)
        else:
            out = ufunc(out, rank, dtype=np.int8)
    if out.shape != shape:
        out = np.broadcast_to(out, shape).astype(np.int8)
    return out


def _all(*ranks: npt.NDArray[Any]) -> Int8Array:
    """Kleene conjunction: the least rank."""
    return _fold(np.minimum, ranks)


def _any(*ranks: npt.NDArray[Any]) -> Int8Array:
    """Kleene disjunction: the greatest rank."""
    return _fold(np.maximum, ranks)


def _not(rank: npt.NDArray[Any]) -> Int8Array:
    out: Int8Array = (_T - rank).astype(np.int8)
    return out


def _at_least(k: int, *ranks: npt.NDArray[Any]) -> Int8Array:
    """:func:`headwise.clinical.logic.at_least` over ranks.

    With ranks no 0 / unknown 1 / yes 2, ``rank >> 1`` is 1 for yes and ``rank & 1`` is 1 for
    unknown: the counts are sums, without stacking the columns.
    """
    yes = np.zeros(np.broadcast_shapes(*(np.shape(r) for r in ranks)), dtype=np.int8)
    unknown = np.zeros_like(yes)
    for rank in ranks:
        r = np.asarray(rank, dtype=np.int8)
        yes += r >> 1
        unknown += r & 1
    # yes >= k: both terms 1 (rank 2); only yes + unknown >= k: 1 (unknown); else 0.
    out: Int8Array = (yes >= k).view(np.int8) + (yes + unknown >= k).view(np.int8)
    return out


def _group_any(n: int, group: IntArray, ranks: npt.NDArray[Any]) -> Int8Array:
    """Kleene disjunction per group (``any3([])`` is no)."""
    out = np.zeros(n, dtype=np.int8)
    np.maximum.at(out, group, ranks.astype(np.int8))
    return out


def _marked(n: int, index: IntArray) -> BoolArray:
    """``n`` booleans, true at ``index`` (``np.bincount(index, minlength=n) > 0``)."""
    out = np.zeros(n, dtype=np.bool_)
    out[index] = True
    return out


def _group_all(n: int, group: IntArray, ranks: npt.NDArray[Any]) -> Int8Array:
    """Kleene conjunction per group (``all3([])`` is yes)."""
    out = np.full(n, _T, dtype=np.int8)
    np.minimum.at(out, group, ranks.astype(np.int8))
    return out


# --- criteria ------------------------------------------------------------------------------


def _duration_b11(
    c: CohortColumns, hours: FloatArray, unknown_end: BoolArray, success: Int8Array, p: Parameters
) -> Int8Array:
    """ICHD-3 1.1 B: 4-72 h untreated or unsuccessfully treated (2-72 h under 18).

    Mirrors ``classify._duration_b11``, in this order: unknown end -> unknown; > 72 h -> not
    met; at least the age's minimum -> met; age unknown and the duration meets only the
    child's minimum -> unknown; shorter than the minimum and treated with effect yes or unknown
    -> unknown (untreated duration unknown), otherwise not met. Booleans throughout: the rank
    is ``1 + met - not_met`` (NaN compares false, so an unknown end is neither).
    """
    with np.errstate(invalid="ignore"):
        ge_child = hours >= p.child_min_duration_hours
        ge_adult = hours >= p.adult_min_duration_hours
        over = hours > p.max_duration_hours
    known_age = c.age >= 0
    young = known_age & (c.age < p.adult_age_years)
    adult = known_age & ~young
    undecided = ~known_age & ge_child & ~ge_adult
    # Age unknown: the minimum is the child's when the duration reaches it, else the adult's.
    met = (young & ge_child) | (adult & ge_adult) | (~known_age & ~undecided & (ge_child | ge_adult))
    met &= ~over
    not_met = over | (~(met | unknown_end | undecided) & (success == _F))
    out: Int8Array = np.int8(_U) + met.view(np.int8) - not_met.view(np.int8)
    return out


def _aura(c: CohortColumns, n: int, p: Parameters) -> tuple[Int8Array, Int8Array, Int8Array, Int8Array]:
    """ICHD-3 1.2 B, 1.2 C (>=3 of the 6 characteristics of the final text) and 1.2.1.

    Also returns the default migraine day's aura clause (an aura symptom lasting 5-60 min).
    The characteristics are computed for the attacks that have aura symptoms; for the others
    they are what empty groups give (no spread, no succession, every duration met, not
    unilateral, not positive, no headache following an aura: 1 of 6, so 1.2 C not met).
    """
    with_symptoms, g = np.unique(c.aura_attack, return_inverse=True)
    c12_of, typical_of, day_of = _aura_characteristics(c, with_symptoms, g.reshape(-1), p)
    c12 = np.full(n, _F, dtype=np.int8)
    c12[with_symptoms] = c12_of
    all_typical = np.full(n, _T, dtype=np.int8)
    all_typical[with_symptoms] = typical_of
    day_ok = np.full(n, _F, dtype=np.int8)
    day_ok[with_symptoms] = day_of
    typical = _all(c12, all_typical)
    answered, has = c.aura >= 0, c.aura == YES
    b = np.where(answered, _b(has), _U).astype(np.int8)
    c_ = np.where(has, c12, b).astype(np.int8)
    t = np.where(has, typical, b).astype(np.int8)
    day_aura = np.where(answered, day_ok, _U).astype(np.int8)
    return b, c_, t, day_aura


def _aura_characteristics(
    c: CohortColumns, attacks: IntArray, g: IntArray, p: Parameters
) -> tuple[Int8Array, Int8Array, Int8Array]:
    """For the ``attacks`` that have aura symptoms (``g`` maps each symptom to its position in
    ``attacks``): 1.2 C, whether every symptom is typical, and the migraine-day aura clause."""
    n = attacks.size
    n_sym = np.bincount(g, minlength=n)
    spread = _group_any(n, g, _rank(c.aura_spread))
    # >=2 symptoms in succession: two distinct known start times; all known and one -> no.
    known_start = ~np.isnan(c.aura_start_s)
    n_known = np.bincount(g[known_start], minlength=n)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    np.minimum.at(lo, g[known_start], c.aura_start_s[known_start])
    np.maximum.at(hi, g[known_start], c.aura_start_s[known_start])
    distinct = (n_known >= 2) & (lo < hi)
    succession = np.select([n_sym < 2, distinct, n_known == n_sym], [_F, _T, _F], default=_U).astype(np.int8)
    # Each symptom 5-60 min; motor up to 72 h (1.2 C3, note 2).
    d = c.aura_duration_min
    upper = np.where(c.aura_type == _MOTOR, p.motor_aura_max_minutes, p.aura_max_minutes)
    with np.errstate(invalid="ignore"):
        ok = np.where(np.isnan(d), _U, _b((p.aura_min_minutes <= d) & (d <= upper)))
        day_ok = np.where(np.isnan(d), _U, _b((p.aura_min_minutes <= d) & (d <= p.aura_max_minutes)))
    durations = _group_all(n, g, ok)
    unilateral = _group_any(n, g, np.where(c.aura_type == _SPEECH, _T, _rank(c.aura_unilateral)))
    positive = _group_any(n, g, _rank(c.aura_positive))
    # Headache with or within 60 min of the aura (1.2 C6).
    unknown_time = np.bincount(g, weights=np.isnan(c.aura_start_s) | np.isnan(c.aura_end_s), minlength=n) > 0
    start = np.full(n, np.inf)
    end = np.full(n, -np.inf)
    np.fmin.at(start, g, c.aura_start_s)
    np.fmax.at(end, g, c.aura_end_s)
    gap_s = timedelta(minutes=p.aura_headache_gap_minutes).total_seconds()
    duration_s, peak = c.duration_s[attacks], c.peak[attacks]
    with np.errstate(invalid="ignore"):
        ends_before = ~np.isnan(duration_s) & (duration_s < start)
        follows = np.select(
            [peak == 0, unknown_time, end < -gap_s, ends_before], [_F, _U, _F, _F], default=_T
        ).astype(np.int8)
    c12 = _at_least(3, spread, succession, durations, unilateral, positive, follows)
    return c12, _group_all(n, g, _b(_TYPICAL[c.aura_type])), _group_any(n, g, day_ok)


def classify_columns(
    cols: CohortColumns, parameters: Parameters = DEFAULT_PARAMETERS
) -> ColumnClassification:
    """Classify every attack by ICHD-3 and derive its day rows, vectorised.

    Equal, element by element, to :func:`~headwise.clinical.classify.classify_attack` (age
    and linked intakes as :func:`~headwise.clinical.days.classify_diary` passes them) and to
    the per-attack day flags of :func:`~headwise.clinical.days.days` (docs/clinical-definitions.md).
    Types in order of precedence: migraine with aura (1.2 B-C), migraine-like (1.1 B-D),
    tension-type-like (2 B-D), probable migraine (1.5.1/1.5.2), unclassifiable.

    Parameters
    ----------
    cols
        The diaries as columns.
    parameters
        Clinical parameters; ``migraine_day_definition`` selects the migraine-day rows.

    Returns
    -------
    ColumnClassification

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from headwise.clinical.model import Attack, ClientInfo, Diary
    >>> t = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> a = Attack("a1", t, t + timedelta(hours=4), peak_intensity=7, side="unilateral",
    ...            quality="pulsating", nausea=True, aura=())
    >>> c = classify_columns(columns_from_diaries([Diary(ClientInfo("UTC"), attacks=(a,))]))
    >>> c.types()[0].value, int(c.criteria["1.1 B"][0])
    ('migraine_like', 1)
    """
    p = parameters
    c = cols
    n = c.n_attacks
    hours = c.duration_s / 3600.0
    unknown_end = np.isnan(hours)
    headache = c.peak != 0
    h = _b(headache)
    linked = c.intake_attack >= 0
    ig, icls, ieff = c.intake_attack[linked], c.intake_class[linked], _rank(c.intake_effective[linked])
    success = _group_any(n, ig, ieff)

    b11 = _duration_b11(c, hours, unknown_end, success, p)
    moderate = _known_peak(c, c.peak >= p.moderate_min_nrs)
    c11 = _at_least(2, _rank(c.unilateral), _rank(c.pulsating), moderate, _rank(c.aggravated))
    sick = _any(_rank(c.nausea), _rank(c.vomiting))
    light_sound = _all(_rank(c.photophobia), _rank(c.phonophobia))
    d11 = _any(sick, light_sound)
    b12, c12, typical, day_aura = _aura(c, n, p)

    # ICHD-3 2.1-2.2 B-D.
    lo, hi = p.tension_min_minutes / 60.0, p.tension_max_days * 24.0
    with np.errstate(invalid="ignore"):
        b2 = _b(headache & (lo <= hours) & (hours <= hi)) + unknown_end.view(np.int8)
    mild = _known_peak(c, (c.peak >= 1) & (c.peak < p.severe_min_nrs))
    c2 = _at_least(2, _rank(c.bilateral), _rank(c.pressing), mild, _not(_rank(c.aggravated)))
    d2 = _all(_not(sick), _not(light_sound))

    # Types in order of precedence (PRECEDENCE): the first met; unclassifiable always is.
    values = (
        _all(b12, c12),
        _all(h, b11, c11, d11),
        _all(b2, c2, d2),
        _any(_all(h, _at_least(2, b11, c11, d11)), b12),
    )
    # ``none_met``: no type up to this one met; the kind is how many of those are true, and a
    # type is possible when unknown while none before it (nor it) is met.
    kind = np.zeros(n, dtype=np.int8)
    none_met = np.ones(n, dtype=np.bool_)
    possible_t = np.zeros((len(PRECEDENCE), n), dtype=np.bool_)
    for i, v in enumerate(values):
        none_met &= v != _T
        np.logical_and(v == _U, none_met, out=possible_t[i])
        kind += none_met.view(np.int8)
    possible: BoolArray = possible_t.T
    migraine_features = _all(h, c11, d11)
    aura_features = _all(b12, c12)

    # Day rows (days.attack_flags).
    diagnosed = _rank(c.diagnosed[c.attack_diary])
    is_migraine_type = _IS_MIGRAINE_TYPE[kind]
    probable_kind = _b(is_migraine_type) + (
        ~is_migraine_type & possible_t[_TYPE[AttackType.PROBABLE_MIGRAINE]]
    ).view(np.int8)
    probable = _all(diagnosed, probable_kind)
    specific_class = _specific_classes(p)
    with np.errstate(invalid="ignore"):
        min_length_met = hours * 60 >= p.headache_min_minutes  # 30 min by default
        if p.migraine_day_definition is MigraineDayDefinition.DEFAULT:
            long_enough = _b(min_length_met) + unknown_end.view(np.int8)
            specific = _marked(n, ig[specific_class[icls]])
            migraine = _any(
                _all(h, long_enough, migraine_features),
                day_aura,
                _b(headache & specific),
                _all(h, long_enough, probable),
            )
        else:
            long_enough = _b(hours >= p.alternative_min_duration_hours) + unknown_end.view(np.int8)
            features = _any(migraine_features, aura_features, probable)
            sel = specific_class[icls]
            effective = _group_any(n, ig[sel], ieff[sel])
            migraine = _any(_all(h, long_enough, features), np.where(headache, effective, _F))
    # A headache (not an aura alone) of >=30 min, or one that makes a migraine day.
    headache_row = headache & (unknown_end | min_length_met | (migraine == _T))
    relieved = _marked(n, ig[_TRIPTAN_ERGOT[icls] & (ieff == _T)])
    chronic = _any(migraine_features, aura_features, _b(relieved))
    rows = (
        headache_row,
        migraine == _T,
        migraine == _U,
        headache_row & (c.peak >= 0) & (c.peak >= p.moderate_min_nrs),
        c.stopped_activities == YES,
        kind == _TYPE[AttackType.TENSION_TYPE_LIKE],
        chronic == _T,
    )
    row_bits = np.zeros(n, dtype=np.uint8)
    for row, on in zip(ATTACK_ROWS, rows, strict=True):
        row_bits |= on.view(np.uint8) << np.uint8(ROW[row])
    # Every attack records its days, whatever it marks (headwise.clinical.localdays).
    row_bits |= np.uint8(1 << ROW["recorded"])
    criteria = dict(zip(CRITERIA, (b11, c11, d11, b12, c12, typical, b2, c2, d2), strict=True))
    return ColumnClassification(
        criteria=MappingProxyType({k: _code(v) for k, v in criteria.items()}),
        type=kind,
        possible=possible,
        migraine_features=_code(migraine_features),
        aura_features=_code(aura_features),
        headache=headache,
        row_bits=row_bits,
    )


def _specific_classes(p: Parameters) -> BoolArray:
    """Per :data:`DRUG_CLASSES` code: whether the class is migraine-specific."""
    return np.array([x in p.migraine_specific_classes for x in DRUG_CLASSES], dtype=np.bool_)


def _known_peak(c: CohortColumns, mask: BoolArray) -> Int8Array:
    """``mask`` as ranks, unknown where the peak intensity is (``-1``; then ``mask`` is false)."""
    out: Int8Array = _b(mask & (c.peak >= 0)) + (c.peak < 0).view(np.int8)
    return out


def _intake_byte_bits(c: CohortColumns, p: Parameters, specific: BoolArray) -> npt.NDArray[np.uint8]:
    """The rows 0-7 (:data:`BYTE_ROWS`) each intake marks on its day, as bits, as
    :func:`~headwise.clinical.days.days` marks them: recorded; headache when a medication day
    is one; migraine for an unlinked migraine-specific intake that counts; a chronic-migraine
    feature for a triptan or ergot with effect."""
    effective = c.intake_effective == YES
    if p.migraine_day_definition is MigraineDayDefinition.DEFAULT:
        counts = np.full(c.intake_class.size, p.medication_day_is_headache_day)
    else:
        counts = effective & p.medication_day_is_headache_day
    marks = {
        "migraine": specific & (c.intake_attack < 0) & counts,
        "chronic_migraine_feature": _TRIPTAN_ERGOT[c.intake_class] & effective,
    }
    always = (1 << ROW["recorded"]) | (p.medication_day_is_headache_day << ROW["headache"])
    bits = np.full(c.intake_class.size, always, dtype=np.uint8)
    for row, on in marks.items():
        bits |= on.view(np.uint8) << np.uint8(ROW[row])
    return bits


def _mark_intake_rows(flags: BoolArray, c: CohortColumns, at: IntArray, specific: BoolArray) -> None:
    """Mark the medication rows (8 on) of each intake on its day; ``at`` is that day's column."""
    flags[ROW["acute_medication"]][at] = True
    flags[_CLASS_ROW[c.intake_class], at] = True
    flags[ROW["migraine_specific_medication"]][at[specific]] = True
    substance: Int8Array = np.asarray(c.intake_substance, dtype=np.int8)
    given = substance >= 0
    flags[_SUBSTANCE_ROW[substance[given]], at[given]] = True


def cohort_analyse(cols: CohortColumns, parameters: Parameters = DEFAULT_PARAMETERS) -> CohortAnalysis:
    """Classify every attack and count every day category per 28-day period, in one call.

    :func:`classify_columns` then :func:`~headwise.clinical.days.cohort_period_counts`; the
    counts equal :func:`~headwise.clinical.days.periods` of :func:`~headwise.clinical.days.days`
    for each diary (periods anchored on the diary's first day; docs/clinical-definitions.md).

    Rows 0-7 (recorded and the attack rows) are first gathered as one byte per day, each
    attack and intake OR-ing its bits into its days, then unpacked into the day matrix.

    Examples
    --------
    >>> from datetime import date, datetime, timedelta, timezone
    >>> from headwise.clinical.model import Attack, ClientInfo, Diary
    >>> t = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> a = Attack("a1", t, t + timedelta(hours=5), peak_intensity=3, aura=())
    >>> d = Diary(ClientInfo("UTC"), frozenset({date(2026, 3, 1)}), (a,))
    >>> r = cohort_analyse(columns_from_diaries([d]))
    >>> int(r.counts[ROW["headache"], 0]), int(r.counts[ROW["recorded"], 0])
    (1, 2)
    """
    cls, flags = _classified_day_rows(cols, parameters)
    counts, period_diary = count_periods(flags, cols.diary_days, parameters.month_days)
    return CohortAnalysis(cls, counts, period_diary)


def cohort_day_rows(cols: CohortColumns, parameters: Parameters = DEFAULT_PARAMETERS) -> BoolArray:
    """Every day of every diary, classified: shape ``(len(ROWS), diary_days.sum())``, the
    diaries one after the other, each from its day 0; what :func:`cohort_analyse` counts per
    28-day period (the same rows as :func:`~headwise.clinical.days.days` gives each diary).

    Examples
    --------
    >>> from datetime import date, datetime, timedelta, timezone
    >>> from headwise.clinical.model import Attack, ClientInfo, Diary
    >>> t = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> a = Attack("a1", t, t + timedelta(hours=5), peak_intensity=3, aura=())
    >>> d = Diary(ClientInfo("UTC"), frozenset({date(2026, 3, 1)}), (a,))
    >>> rows = cohort_day_rows(columns_from_diaries([d]))
    >>> rows[ROW["recorded"]].tolist(), rows[ROW["headache"]].tolist()
    ([True, True], [False, True])
    """
    return _classified_day_rows(cols, parameters)[1]


def _classified_day_rows(
    cols: CohortColumns, parameters: Parameters
) -> tuple[ColumnClassification, BoolArray]:
    c, p = cols, parameters
    cls = classify_columns(c, p)
    offsets = np.concatenate(([0], np.cumsum(c.diary_days)))
    n_days = int(offsets[-1])
    specific = _specific_classes(p)[c.intake_class]
    at = offsets[c.intake_diary] + c.intake_day
    plane = np.zeros(n_days, dtype=np.uint8)
    base = offsets[c.attack_diary]
    or_runs(plane, base + c.attack_first, base + c.attack_last, cls.row_bits)
    or_at(plane, at, _intake_byte_bits(c, p, specific))
    flags: BoolArray = np.zeros((len(ROWS), n_days), dtype=np.bool_)
    unpack_byte_rows(plane, flags)
    recorded_at = offsets[c.recorded_diary] + c.recorded_day
    flags[ROW["recorded"]][recorded_at] = True
    flags[ROW["headache"]][recorded_at[c.recorded_headache == 1]] = True
    _mark_intake_rows(flags, c, at, specific)
    return cls, derive_rows(flags)


def _tri(value: bool | None) -> int:
    return UNKNOWN if value is None else int(value)


def columns_from_diaries(diaries: Sequence[Diary]) -> CohortColumns:
    """Build the columns from :class:`Diary` objects (plain Python; input preparation).

    Attacks keep each diary's order; intakes are linked with
    :func:`~headwise.clinical.days.link_intakes`, ages and local days are computed as
    :func:`~headwise.clinical.days.classify_diary` and :func:`~headwise.clinical.days.days`
    do.
    """
    col: dict[str, list[Any]] = {name: [] for name, *_ in _SPEC}
    n_attacks = 0
    for k, diary in enumerate(diaries):
        zone = diary.client.zone
        spans = [local_span(a, zone) for a in diary.attacks]
        intake_days = [local_date(m.taken_at, zone) for m in diary.intakes]
        every = [*diary.recorded_dates, *diary.headache_dates, *intake_days, *(d for s in spans for d in s)]
        origin = min(every).toordinal() if every else 0
        col["diary_days"].append(max(every).toordinal() - origin + 1 if every else 0)
        col["diagnosed"].append(_tri(diary.client.migraine_diagnosed))
        index = {a.id: n_attacks + i for i, a in enumerate(diary.attacks)}
        attack_of = {m.id: a for a, ms in link_intakes(diary).items() for m in ms}
        for a, (first, last) in zip(diary.attacks, spans, strict=True):
            age = diary.client.age_on(a.start.astimezone(zone).date())
            col["attack_diary"].append(k)
            col["attack_first"].append(first.toordinal() - origin)
            col["attack_last"].append(last.toordinal() - origin)
            col["peak"].append(-1 if a.peak_intensity is None else a.peak_intensity)
            col["duration_s"].append(np.nan if a.end is None else (a.end - a.start).total_seconds())
            col["age"].append(-1 if age is None else age)
            side, quality = a.side, a.quality
            col["unilateral"].append(_tri(None if side is None else side is Side.UNILATERAL))
            col["bilateral"].append(_tri(None if side is None else side is Side.BILATERAL))
            col["pulsating"].append(_tri(None if quality is None else quality is Quality.PULSATING))
            col["pressing"].append(_tri(None if quality is None else quality is Quality.PRESSING))
            col["aggravated"].append(_tri(a.aggravated_by_activity))
            for name in ("nausea", "vomiting", "photophobia", "phonophobia", "stopped_activities"):
                col[name].append(_tri(getattr(a, name)))
            col["aura"].append(UNKNOWN if a.aura is None else int(bool(a.aura)))
            for s in a.aura or ():
                col["aura_attack"].append(index[a.id])
                col["aura_type"].append(AURA_TYPES.index(s.type))
                start, end = s.start, s.end
                col["aura_start_s"].append(np.nan if start is None else (start - a.start).total_seconds())
                col["aura_end_s"].append(np.nan if end is None else (end - a.start).total_seconds())
                col["aura_duration_min"].append(np.nan if s.duration_minutes is None else s.duration_minutes)
                col["aura_spread"].append(_tri(s.spread_gradually))
                col["aura_unilateral"].append(_tri(s.unilateral))
                col["aura_positive"].append(_tri(s.positive))
        for m, day in zip(diary.intakes, intake_days, strict=True):
            col["intake_diary"].append(k)
            col["intake_day"].append(day.toordinal() - origin)
            owner = attack_of.get(m.id)
            col["intake_attack"].append(-1 if owner is None else index[owner])
            col["intake_class"].append(DRUG_CLASSES.index(m.drug_class))
            col["intake_effective"].append(_tri(m.effective))
            col["intake_substance"].append(-1 if m.substance is None else SUBSTANCES.index(m.substance))
        for d in sorted(diary.recorded_dates | diary.headache_dates):
            col["recorded_diary"].append(k)
            col["recorded_day"].append(d.toordinal() - origin)
            col["recorded_headache"].append(int(d in diary.headache_dates))
        n_attacks += len(diary.attacks)
    arrays = {name: np.array(col[name], dtype=dtype) for name, dtype, *_ in _SPEC}
    return CohortColumns(**arrays)
