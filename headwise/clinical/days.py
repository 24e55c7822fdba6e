"""Calendar days and 28-day periods, computed with vectorised NumPy.

A *day* is a local calendar date in the client's time zone (docs/clinical-definitions.md; Leiden
e-diary practice). An attack counts on every local day it touches, so an attack spanning
midnight counts on both days. A day with no entry is *missing*, never headache-free: all
monthly rates are normalised per recorded day (rate = days with X / recorded days x 28).
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from headwise.clinical._cohort import count_periods, mark_runs
from headwise.clinical.classify import AttackClassification, AttackType, classify_attack
from headwise.clinical.errors import AnalysisError
from headwise.clinical.localdays import attack_local_days, local_date
from headwise.clinical.logic import Tri, all3, any3
from headwise.clinical.model import Attack, Diary, DrugClass, MedicationIntake, Substance
from headwise.clinical.params import DEFAULT_PARAMETERS, MigraineDayDefinition, Parameters

__all__ = [
    "ROWS",
    "LINK_HORIZON",
    "DayTable",
    "Period",
    "link_intakes",
    "classify_diary",
    "days",
    "periods",
    "calendar_months",
    "mark_days",
    "cohort_period_counts",
    "merged_attack_count",
]

#: The day categories, one row each in :attr:`DayTable.flags`.
ROWS: tuple[str, ...] = (
    "recorded",
    "headache",
    "migraine",
    "migraine_uncertain",
    "moderate_severe",
    "days_lost",
    "tension_type",
    "chronic_migraine_feature",
    "acute_medication",
    "migraine_specific_medication",
    *(f"medication:{c.value}" for c in DrugClass),
    *(f"substance:{s.value}" for s in Substance),
)
ROW = MappingProxyType({name: i for i, name in enumerate(ROWS)})
#: Rows an attack can mark, in the order of the attack flag matrix.
ATTACK_ROWS: tuple[str, ...] = (
    "headache",
    "migraine",
    "migraine_uncertain",
    "moderate_severe",
    "days_lost",
    "tension_type",
    "chronic_migraine_feature",
)
ATTACK_ROW_IDX = np.array([ROW[r] for r in ATTACK_ROWS], dtype=np.int64)
_MIGRAINE_TYPES = frozenset(
    {AttackType.MIGRAINE_LIKE, AttackType.MIGRAINE_WITH_AURA, AttackType.PROBABLE_MIGRAINE}
)
_TRIPTAN_ERGOT = frozenset({DrugClass.TRIPTAN, DrugClass.ERGOT})

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DayTable:
    """One boolean row per category (:data:`ROWS`) and one column per local day.

    Columns run from ``start`` for ``n_days`` consecutive days. Every category is a subset of
    ``recorded``; ``migraine`` is a subset of ``headache`` except on days with an aura without
    headache (a migraine day, not a headache day: ICHD-3 1.2.1.2, 1.3 A).
    """

    start: date
    flags: BoolArray
    definition: MigraineDayDefinition

    @property
    def n_days(self) -> int:
        """Number of days in the diary's span."""
        return int(self.flags.shape[1])

    def column(self, name: str) -> BoolArray:
        """The boolean row for one category, e.g. ``"migraine"`` or ``"medication:triptan"``."""
        try:
            row: BoolArray = self.flags[ROW[name]]
        except KeyError:
            raise AnalysisError("row", f"unknown day category {name!r}") from None
        return row

    def dates(self) -> list[date]:
        """The local dates of the columns."""
        return [self.start + timedelta(days=i) for i in range(self.n_days)]

    def days_with(self, name: str) -> list[date]:
        """The local dates on which ``name`` is true."""
        return [self.start + timedelta(days=int(i)) for i in np.flatnonzero(self.column(name))]


@dataclass(frozen=True, slots=True)
class Period:
    """Counts over a run of days (a 28-day period or a calendar month).

    ``rates`` are per 28 recorded days (docs/clinical-definitions.md, "month"); ``None`` when
    no day was recorded. ``full_days`` is how many days the period has when whole (28, or the
    calendar month's length); a period cut by the diary's start or end is :attr:`short`, and
    its rate rests on fewer days.
    """

    index: int
    start: date
    end: date
    n_days: int
    recorded_days: int
    counts: Mapping[str, int]
    rates: Mapping[str, float | None]
    full_days: int = 28

    @property
    def short(self) -> bool:
        """Fewer days than a whole period: the diary starts or ends inside it."""
        return self.n_days < self.full_days

    @property
    def completeness(self) -> float:
        """Recorded days / days in the period."""
        return self.recorded_days / self.n_days if self.n_days else 0.0

    @property
    def missing_days(self) -> int:
        """Days without any entry."""
        return self.n_days - self.recorded_days


#: An intake without an attack named is linked to an attack that began at most this long before
#: it (:func:`link_intakes`): what a day's flags can depend on reaches no further back.
LINK_HORIZON = timedelta(days=8)


def link_intakes(diary: Diary) -> dict[str, tuple[MedicationIntake, ...]]:
    """Map attack id -> intakes taken for it.

    An intake with ``attack_id`` goes to that attack; otherwise to the latest-starting attack
    during which it was taken (start <= taken_at <= end; an attack without an end covers the
    rest of its start day). Ties are broken by attack id, so input order never matters.
    """
    ordered = sorted(diary.attacks, key=lambda a: (a.start, a.id))
    starts = [a.start for a in ordered]
    zone = diary.client.zone
    linked: dict[str, list[MedicationIntake]] = {a.id: [] for a in ordered}
    for m in diary.intakes:
        target = m.attack_id or _containing(ordered, starts, m.taken_at, zone)
        if target is not None:
            linked[target].append(m)
    return {k: tuple(v) for k, v in linked.items()}


def _containing(
    ordered: Sequence[Attack], starts: Sequence[datetime], at: datetime, zone: ZoneInfo
) -> str | None:
    i = bisect.bisect_right(starts, at)
    horizon = at - LINK_HORIZON
    while i > 0:
        i -= 1
        a = ordered[i]
        if a.start < horizon:
            return None
        end = a.end
        if end is None:
            if a.start.astimezone(zone).date() == at.astimezone(zone).date():
                return a.id
        elif at <= end:
            return a.id
    return None


def classify_diary(
    diary: Diary, parameters: Parameters = DEFAULT_PARAMETERS
) -> tuple[AttackClassification, ...]:
    """Classify every attack (ICHD-3; see :func:`classify_attack`), sorted by start then id."""
    linked = link_intakes(diary)
    zone = diary.client.zone
    out = []
    for a in sorted(diary.attacks, key=lambda x: (x.start, x.id)):
        age = diary.client.age_on(a.start.astimezone(zone).date())
        out.append(classify_attack(a, age=age, intakes=linked[a.id], parameters=parameters))
    return tuple(out)


def _local_span(attack: Attack, zone: ZoneInfo) -> tuple[date, date]:
    """The attack's first and last local day (:func:`~headwise.clinical.localdays.attack_local_days`)."""
    return attack_local_days(attack.start, attack.end, zone)


#: The first and last local day an attack touches (shared with the cohort path).
local_span = _local_span


def attack_flags(
    attack: Attack,
    cls: AttackClassification,
    intakes: Sequence[MedicationIntake],
    diagnosed: Tri,
    p: Parameters,
) -> tuple[bool, ...]:
    """The per-attack day flags in :data:`ATTACK_ROWS` order (docs/clinical-definitions.md).

    An attack without headache (an aura alone, peak intensity 0) marks no headache day, even
    when it marks a migraine day.
    """
    hours = attack.duration_hours
    if p.migraine_day_definition is MigraineDayDefinition.DEFAULT:
        migraine = _migraine_default(attack, cls, intakes, diagnosed, p)
    else:
        migraine = _migraine_alternative(attack, cls, intakes, diagnosed, p)
    # A headache day needs a headache (not an aura alone) of >=30 min, or one that makes a
    # migraine day (a shorter headache with aura, or treated with a migraine-specific drug).
    long_enough = hours is None or hours * 60 >= p.headache_min_minutes
    headache = cls.headache and (long_enough or migraine is True)
    peak = attack.peak_intensity
    chronic = any3(
        [
            cls.migraine_features,
            cls.aura_features,
            any(m.drug_class in _TRIPTAN_ERGOT and m.effective for m in intakes),
        ]
    )
    return (
        headache,
        migraine is True,
        migraine is None,
        headache and peak is not None and peak >= p.moderate_min_nrs,
        attack.stopped_activities is True,
        cls.type is AttackType.TENSION_TYPE_LIKE,
        chronic is True,
    )


def _probable_clause(cls: AttackClassification, diagnosed: Tri) -> Tri:
    """ICHD-3 1.5 comment: once migraine is diagnosed, probable-migraine attacks count."""
    if cls.type in _MIGRAINE_TYPES:
        kind: Tri = True
    elif AttackType.PROBABLE_MIGRAINE in cls.possible_types:
        kind = None
    else:
        kind = False
    return all3([diagnosed, kind])


def _migraine_default(
    attack: Attack,
    cls: AttackClassification,
    intakes: Sequence[MedicationIntake],
    diagnosed: Tri,
    p: Parameters,
) -> Tri:
    """Default migraine day (van der Arend et al., Cephalalgia 2023).

    Headache >=30 min meeting ICHD-3 1.1 C and D; or aura lasting 5-60 min; or a headache
    treated with a migraine-specific drug (triptan, ergot, gepant) whatever its effect.
    """
    hours = attack.duration_hours
    long_enough: Tri = None if hours is None else hours * 60 >= p.headache_min_minutes
    if attack.aura is None:
        aura: Tri = None
    else:
        aura = any3(
            None
            if s.duration_minutes is None
            else p.aura_min_minutes <= s.duration_minutes <= p.aura_max_minutes
            for s in attack.aura
        )
    specific = any(m.drug_class in p.migraine_specific_classes for m in intakes)
    return any3(
        [
            all3([cls.headache, long_enough, cls.migraine_features]),
            aura,
            cls.headache and specific,
            all3([cls.headache, long_enough, _probable_clause(cls, diagnosed)]),
        ]
    )


def _migraine_alternative(
    attack: Attack,
    cls: AttackClassification,
    intakes: Sequence[MedicationIntake],
    diagnosed: Tri,
    p: Parameters,
) -> Tri:
    """Alternative migraine day (IHS trial guidelines as reported, **verify**).

    Migraine (1.1 C and D, or 1.2 B and C) lasting >=4 h; or a headache treated with a
    migraine-specific drug only if it was effective (moderate/severe -> none/mild at 2 h).
    """
    hours = attack.duration_hours
    long_enough: Tri = None if hours is None else hours >= p.alternative_min_duration_hours
    features = any3([cls.migraine_features, cls.aura_features, _probable_clause(cls, diagnosed)])
    effective = any3(m.effective for m in intakes if m.drug_class in p.migraine_specific_classes)
    return any3([all3([cls.headache, long_enough, features]), cls.headache and effective])


def mark_days(
    n_days: int,
    span_row: IntArray,
    span_first: IntArray,
    span_last: IntArray,
    point_row: IntArray,
    point_day: IntArray,
) -> BoolArray:
    """Build the day matrix from spans and single-day points, without a Python loop per day.

    Spans (an attack's rows over its first..last day, inclusive) are expanded to their days
    with ``np.repeat``; points (recorded days, intakes) by fancy indexing. Then the
    derived rules are applied (:func:`derive_rows`): ``migraine_uncertain`` excludes definite
    migraine days, and every category is a recorded day.

    Examples
    --------
    >>> import numpy as np
    >>> h = ROW["headache"]
    >>> m = mark_days(3, np.array([h]), np.array([0]), np.array([1]),
    ...               np.array([ROW["recorded"]]), np.array([2]))
    >>> m[h].tolist(), m[ROW["recorded"]].tolist()
    ([True, True, False], [True, True, True])
    """
    flags: BoolArray = np.zeros((len(ROWS), n_days), dtype=np.bool_)
    mark_runs(flags, span_row, span_first, span_last, recorded_row=ROW["recorded"])
    flags[point_row, point_day] = True
    flags[ROW["recorded"]][point_day[point_row != ROW["recorded"]]] = True
    return derive_rows(flags)


def derive_rows(flags: BoolArray) -> BoolArray:
    """Apply the rules between rows, in place: ``migraine_uncertain`` excludes definite
    migraine days, and a moderate/severe day is a headache day.

    A migraine day is *not* made a headache day here: an aura without headache is a migraine
    day (van der Arend et al., Cephalalgia 2023) but no headache day (ICHD-3 1.3 A, 8.2 A);
    every other migraine day is a headache day already (:func:`attack_flags`, and an intake
    marks a migraine day only where it marks a headache day).
    """
    flags[ROW["migraine_uncertain"]] &= ~flags[ROW["migraine"]]
    flags[ROW["moderate_severe"]] &= flags[ROW["headache"]]
    return flags


def days(
    diary: Diary,
    parameters: Parameters = DEFAULT_PARAMETERS,
    *,
    classifications: Sequence[AttackClassification] | None = None,
) -> DayTable:
    """Classify every local day of the diary (docs/clinical-definitions.md).

    Parameters
    ----------
    diary
        The diary; dates are local to ``diary.client.time_zone``.
    parameters
        Clinical parameters; ``migraine_day_definition`` selects the migraine-day definition.
    classifications
        Pre-computed :func:`classify_diary` results (computed when omitted).

    Returns
    -------
    DayTable
        From the first to the last recorded or touched day. A medication day counts as a
        headache day when ``medication_day_is_headache_day`` (**verify**, default True).

    Examples
    --------
    >>> from datetime import date, datetime, timezone
    >>> from headwise.clinical.model import ClientInfo
    >>> d = Diary(ClientInfo("UTC"), frozenset({date(2026, 1, 1), date(2026, 1, 3)}),
    ...           (Attack("a", datetime(2026, 1, 1, 23, tzinfo=timezone.utc),
    ...                   datetime(2026, 1, 2, 1, tzinfo=timezone.utc), peak_intensity=5),))
    >>> t = days(d)
    >>> t.column("headache").tolist(), t.column("recorded").tolist()
    ([True, True, False], [True, True, True])
    """
    p = parameters
    zone = diary.client.zone
    classes = classifications if classifications is not None else classify_diary(diary, p)
    by_id = {c.attack_id: c for c in classes}
    linked = link_intakes(diary)
    spans = [_local_span(a, zone) for a in diary.attacks]
    intake_days = [local_date(m.taken_at, zone) for m in diary.intakes]
    every = [*diary.recorded_dates, *diary.headache_dates, *intake_days, *(d for s in spans for d in s)]
    if not every:
        return DayTable(date.min, np.zeros((len(ROWS), 0), dtype=np.bool_), p.migraine_day_definition)
    origin = min(every)
    n_days = (max(every) - origin).days + 1
    o = origin.toordinal()
    flags = np.array(
        [
            attack_flags(a, by_id[a.id], linked[a.id], diary.client.migraine_diagnosed, p)
            for a in diary.attacks
        ],
        dtype=np.bool_,
    ).reshape(len(diary.attacks), len(ATTACK_ROWS))
    which, col = np.nonzero(flags)
    first = np.array([s[0].toordinal() - o for s in spans], dtype=np.int64)
    last = np.array([s[1].toordinal() - o for s in spans], dtype=np.int64)
    point_row, point_day = _points(diary, intake_days, o, linked, p)
    # Every attack records its days, whatever it marks: the client told us about them.
    span_row = np.concatenate((ATTACK_ROW_IDX[col], np.full(first.size, ROW["recorded"], dtype=np.int64)))
    span_first = np.concatenate((first[which], first))
    span_last = np.concatenate((last[which], last))
    matrix = mark_days(n_days, span_row, span_first, span_last, point_row, point_day)
    matrix.setflags(write=False)
    return DayTable(origin, matrix, p.migraine_day_definition)


def _points(
    diary: Diary,
    intake_days: Sequence[date],
    origin: int,
    linked: Mapping[str, Sequence[MedicationIntake]],
    p: Parameters,
) -> tuple[IntArray, IntArray]:
    rows: list[int] = [ROW["recorded"]] * len(diary.recorded_dates)
    cols: list[int] = [d.toordinal() - origin for d in diary.recorded_dates]
    # A check-in that said "headache" makes a headache day (and a recorded one, mark_days).
    rows.extend([ROW["headache"]] * len(diary.headache_dates))
    cols.extend(d.toordinal() - origin for d in diary.headache_dates)
    with_attack = {m.id for ms in linked.values() for m in ms}
    for m, d in zip(diary.intakes, intake_days, strict=True):
        day = d.toordinal() - origin
        marks = [ROW["acute_medication"], ROW[f"medication:{m.drug_class.value}"]]
        if m.substance is not None:
            marks.append(ROW[f"substance:{m.substance.value}"])
        if p.medication_day_is_headache_day:
            marks.append(ROW["headache"])
        if m.drug_class in p.migraine_specific_classes:
            marks.append(ROW["migraine_specific_medication"])
            if m.id not in with_attack and _specific_counts(m, p):
                marks.append(ROW["migraine"])
        if m.drug_class in _TRIPTAN_ERGOT and m.effective:
            marks.append(ROW["chronic_migraine_feature"])
        rows.extend(marks)
        cols.extend([day] * len(marks))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def _specific_counts(m: MedicationIntake, p: Parameters) -> bool:
    """A migraine-specific intake without a recorded attack still marks a migraine day:
    whatever its effect (default definition) or only if effective (alternative)."""
    if p.migraine_day_definition is MigraineDayDefinition.DEFAULT:
        return p.medication_day_is_headache_day
    return bool(m.effective) and p.medication_day_is_headache_day


def _aggregate(
    table: DayTable, bounds: Sequence[int], first_index: int, month: int, full: Sequence[int]
) -> tuple[Period, ...]:
    if table.n_days == 0:
        return ()
    sums = np.add.reduceat(table.flags, np.asarray(bounds), axis=1, dtype=np.int64)
    ends = [*bounds[1:], table.n_days]
    recorded = sums[ROW["recorded"]]
    out = []
    for j, (b, e, whole) in enumerate(zip(bounds, ends, full, strict=True)):
        rec = int(recorded[j])
        counts = {name: int(sums[i, j]) for i, name in enumerate(ROWS) if name != "recorded"}
        rates = {k: (v / rec * month if rec else None) for k, v in counts.items()}
        out.append(
            Period(
                index=first_index + j,
                start=table.start + timedelta(days=b),
                end=table.start + timedelta(days=e - 1),
                n_days=e - b,
                recorded_days=rec,
                counts=MappingProxyType(counts),
                rates=MappingProxyType(rates),
                full_days=whole,
            )
        )
    return tuple(out)


def periods(
    table: DayTable, *, anchor: date | None = None, parameters: Parameters = DEFAULT_PARAMETERS
) -> tuple[Period, ...]:
    """Split the day table into 28-day periods (IHS trial guidelines; docs/clinical-definitions.md).

    Period 0 starts at ``anchor`` (default: the first diary day); periods before the anchor
    (e.g. a baseline before the first session) have negative indices. The first and last
    periods may be shorter than 28 days (:attr:`Period.short`): their rates are per recorded
    day, so they stay comparable, but rest on fewer days.

    Examples
    --------
    >>> import numpy as np
    >>> flags = np.zeros((len(ROWS), 60), dtype=bool)
    >>> flags[ROW["recorded"], :] = True
    >>> flags[ROW["headache"], :7] = True
    >>> ps = periods(DayTable(date(2026, 1, 1), flags, MigraineDayDefinition.DEFAULT))
    >>> [(p.n_days, p.counts["headache"], p.rates["headache"], p.short) for p in ps]
    [(28, 7, 7.0, False), (28, 0, 0.0, False), (4, 0, 0.0, True)]
    """
    length = parameters.month_days
    offset = 0 if anchor is None else (anchor - table.start).days
    lead = offset % length
    bounds = [0, *range(lead if lead else length, table.n_days, length)]
    first_index = (-offset) // length
    return _aggregate(table, bounds, first_index, length, [length] * len(bounds))


def calendar_months(table: DayTable, *, parameters: Parameters = DEFAULT_PARAMETERS) -> tuple[Period, ...]:
    """Split the day table into calendar months; rates are still per 28 recorded days."""
    if table.n_days == 0:
        return ()
    bounds = [0]
    y, m = table.start.year, table.start.month
    while True:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        b = (date(y, m, 1) - table.start).days
        if b >= table.n_days:
            break
        bounds.append(b)
    full = [
        calendar.monthrange(d.year, d.month)[1] for d in (table.start + timedelta(days=b) for b in bounds)
    ]
    return _aggregate(table, bounds, 0, parameters.month_days, full)


def cohort_period_counts(
    diary_days: IntArray,
    span_diary: IntArray,
    span_row: IntArray,
    span_first: IntArray,
    span_last: IntArray,
    point_diary: IntArray,
    point_row: IntArray,
    point_day: IntArray,
    *,
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> tuple[npt.NDArray[np.int64], IntArray]:
    """Day counts per 28-day period for many diaries at once (cohort path, no Python loop).

    All diaries share one day axis: diary ``i`` occupies ``diary_days[i]`` consecutive
    columns, and ``span_first``/``span_last``/``point_day`` are day offsets within the diary.
    Rows are :data:`ROWS` indices (attack rows come from :func:`classify_diary`, which the
    caller may have cached).

    Returns
    -------
    counts : ndarray, shape (len(ROWS), n_periods)
        Days with each category per period; row ``recorded`` holds recorded days.
    period_diary : ndarray, shape (n_periods,)
        The diary each period belongs to (periods are in diary order, then time order).
    """
    offsets = np.concatenate(([0], np.cumsum(diary_days)))
    span_base = offsets[span_diary]
    matrix = mark_days(
        int(offsets[-1]),
        span_row,
        span_base + span_first,
        span_base + span_last,
        point_row,
        offsets[point_diary] + point_day,
    )
    return count_periods(matrix, diary_days, parameters.month_days)


def merged_attack_count(table: DayTable) -> int:
    """Attacks counted as an outcome, merging across short headache-free gaps (off by default).

    Sci Rep 2020;10:3944: migraine days separated by <24 h headache-free belong to one attack,
    and one headache-free day between two migraine days may belong to it. Runs of migraine
    days with at most one recorded non-migraine day between them count as one attack. ICHD-3
    classification never uses this; it always uses the attacks as recorded.

    Examples
    --------
    >>> import numpy as np
    >>> flags = np.zeros((len(ROWS), 7), dtype=bool)
    >>> flags[ROW["recorded"], :] = True
    >>> flags[ROW["migraine"], [0, 2, 5]] = True
    >>> merged_attack_count(DayTable(date(2026, 1, 1), flags, MigraineDayDefinition.DEFAULT))
    2
    """
    idx = np.flatnonzero(table.column("migraine"))
    if idx.size == 0:
        return 0
    return int(1 + np.count_nonzero(np.diff(idx) > 2))
