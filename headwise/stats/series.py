"""One client's diary as per-day columns: the input of every per-client statistic.

The day states come from the clinical engine's one day definition (``headwise.clinical.days``;
docs/clinical-definitions.md): a day is a local calendar date in the client's zone, an attack
counts on every local day it touches, and a day the client told us nothing about is *missing*,
never headache-free. :class:`DaySeries` only carries those states; it decides none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from headwise.stats.errors import AnalysisError

__all__ = ["DAY_COLUMNS", "PHASE_BEFORE", "PHASE_NO_PLAN", "BoolArray", "DaySeries", "FloatArray", "IntArray"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: The per-day boolean columns every series holds, besides ``recorded`` and ``medication``.
DAY_COLUMNS: tuple[str, ...] = (
    "migraine",
    "headache",
    "moderate_severe",
    "acute_medication",
    "days_lost",
)
#: Phase label of a day before the client's first plan or session.
PHASE_BEFORE = "before"
#: Phase label of a day after the first session that lies in no plan phase.
PHASE_NO_PLAN = "no_plan"


def _check(array: npt.NDArray[np.generic], name: str, n: int | None) -> None:
    if array.ndim != 1:
        raise AnalysisError(f"{name} must be one-dimensional")
    if n is not None and array.shape[0] != n:
        raise AnalysisError(f"{name} has {array.shape[0]} entries, expected {n}")
    array.setflags(write=False)


def _bools(values: npt.ArrayLike, name: str, n: int | None) -> BoolArray:
    array: BoolArray = np.array(values, dtype=np.bool_)
    _check(array, name, n)
    return array


def _ints(values: npt.ArrayLike, name: str, n: int | None) -> IntArray:
    array: IntArray = np.array(values, dtype=np.int64)
    _check(array, name, n)
    return array


def _floats(values: npt.ArrayLike, name: str, n: int | None) -> FloatArray:
    array: FloatArray = np.array(values, dtype=np.float64)
    _check(array, name, n)
    return array


def _empty_int() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def _empty_float() -> FloatArray:
    return np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class DaySeries:
    """Consecutive local days of one client's diary, from ``start``.

    Attributes
    ----------
    start : date
        The local date of the first column.
    recorded : bool array
        The client told us something about the day (a check-in, an attack or an intake). Every
        other day column is false on a day that is not recorded: a missing day is not a
        headache-free day (IHS guidelines, Diener et al., Cephalalgia 2019;39:687-710).
    migraine, headache, moderate_severe, acute_medication, days_lost : bool arrays
        Migraine day, headache day, moderate or severe headache day, acute-medication day (any
        class) and day lost to headache (activities stopped), as the clinical engine counts them.
    medication : mapping of drug class -> bool array
        Acute-medication days per drug class (e.g. ``"triptan"``).
    phase : tuple of str
        The care phase of each day: ``"before"`` (before the first plan or session), a plan
        phase's kind (``"intensive"``, ``"stabilising"``, ``"maintenance"``), or ``"no_plan"``.
        The baseline is an analysis choice and is marked by the statistics, not here.
    session_days : tuple of date
        Local dates of the sessions, sorted (they may lie outside the series' span).
    attack_day, attack_peak, attack_hours : arrays, one entry per attack
        Index of the local day each attack started on, its peak intensity (0-10; NaN when not
        rated) and its duration in hours (NaN while open or when the end was not recorded).

    Examples
    --------
    >>> s = DaySeries.from_columns(date(2026, 1, 1), recorded=[True, True, False],
    ...                            migraine=[True, False, False], attack_day=[0], attack_peak=[7.0])
    >>> s.n_days, s.attacks.tolist(), s.end
    (3, [1, 0, 0], datetime.date(2026, 1, 3))
    """

    start: date
    recorded: BoolArray
    migraine: BoolArray
    headache: BoolArray
    moderate_severe: BoolArray
    acute_medication: BoolArray
    days_lost: BoolArray
    phase: tuple[str, ...]
    medication: Mapping[str, BoolArray] = field(default_factory=lambda: MappingProxyType({}))
    session_days: tuple[date, ...] = ()
    attack_day: IntArray = field(default_factory=_empty_int)
    attack_peak: FloatArray = field(default_factory=_empty_float)
    attack_hours: FloatArray = field(default_factory=_empty_float)

    def __post_init__(self) -> None:
        recorded = _bools(self.recorded, "recorded", None)
        n = int(recorded.shape[0])
        object.__setattr__(self, "recorded", recorded)
        for name in DAY_COLUMNS:
            column = _bools(getattr(self, name), name, n)
            if np.any(column & ~recorded):
                raise AnalysisError(f"{name} is true on a day that is not recorded")
            object.__setattr__(self, name, column)
        medication = {}
        for drug_class, values in self.medication.items():
            column = _bools(values, f"medication[{drug_class}]", n)
            if np.any(column & ~recorded):
                raise AnalysisError(f"medication[{drug_class}] is true on a day that is not recorded")
            medication[str(drug_class)] = column
        object.__setattr__(self, "medication", MappingProxyType(dict(sorted(medication.items()))))
        if len(self.phase) != n:
            raise AnalysisError(f"phase has {len(self.phase)} days, recorded has {n}")
        object.__setattr__(self, "phase", tuple(str(p) for p in self.phase))
        sessions = tuple(self.session_days)
        if list(sessions) != sorted(sessions):
            raise AnalysisError("session_days must be sorted")
        object.__setattr__(self, "session_days", sessions)
        day = _ints(self.attack_day, "attack_day", None)
        attacks = int(day.shape[0])
        if attacks and (day.min() < 0 or day.max() >= n):
            raise AnalysisError("attack_day must index a day of the series")
        object.__setattr__(self, "attack_day", day)
        for name in ("attack_peak", "attack_hours"):
            values = getattr(self, name)
            if len(values) == 0 and attacks:
                values = np.full(attacks, np.nan)
            object.__setattr__(self, name, _floats(values, name, attacks))

    @classmethod
    def from_columns(
        cls,
        start: date,
        *,
        recorded: npt.ArrayLike,
        migraine: npt.ArrayLike | None = None,
        headache: npt.ArrayLike | None = None,
        moderate_severe: npt.ArrayLike | None = None,
        acute_medication: npt.ArrayLike | None = None,
        days_lost: npt.ArrayLike | None = None,
        phase: tuple[str, ...] | None = None,
        medication: Mapping[str, npt.ArrayLike] | None = None,
        session_days: tuple[date, ...] = (),
        attack_day: npt.ArrayLike = (),
        attack_peak: npt.ArrayLike = (),
        attack_hours: npt.ArrayLike = (),
    ) -> DaySeries:
        """A series from plain sequences; omitted day columns are all false, phase all ``before``."""
        rec = np.asarray(recorded, dtype=np.bool_)
        n = int(rec.shape[0])

        def col(values: npt.ArrayLike | None) -> BoolArray:
            return np.zeros(n, dtype=np.bool_) if values is None else np.asarray(values, dtype=np.bool_)

        return cls(
            start=start,
            recorded=rec,
            migraine=col(migraine),
            headache=col(headache),
            moderate_severe=col(moderate_severe),
            acute_medication=col(acute_medication),
            days_lost=col(days_lost),
            phase=phase if phase is not None else (PHASE_BEFORE,) * n,
            medication={k: col(v) for k, v in (medication or {}).items()},
            session_days=session_days,
            attack_day=np.asarray(attack_day, dtype=np.int64),
            attack_peak=np.asarray(attack_peak, dtype=np.float64),
            attack_hours=np.asarray(attack_hours, dtype=np.float64),
        )

    @property
    def n_days(self) -> int:
        """Number of days in the series."""
        return int(self.recorded.shape[0])

    @property
    def end(self) -> date:
        """The local date of the last column."""
        return self.start + timedelta(days=self.n_days - 1)

    def index_of(self, day: date) -> int:
        """The column of ``day`` (negative or past the end when outside the series)."""
        return (day - self.start).days

    def column(self, name: str) -> BoolArray:
        """A day column by name: one of :data:`DAY_COLUMNS`, ``recorded`` or ``medication:<class>``.

        A drug class never taken in the series reads as all false.
        """
        if name == "recorded" or name in DAY_COLUMNS:
            column: BoolArray = getattr(self, name)
            return column
        if name.startswith("medication:"):
            found = self.medication.get(name.removeprefix("medication:"))
            return found if found is not None else np.zeros(self.n_days, dtype=np.bool_)
        raise AnalysisError(f"unknown day column {name!r}")

    @property
    def attacks(self) -> IntArray:
        """Attacks starting on each day."""
        counts: IntArray = np.bincount(self.attack_day, minlength=self.n_days).astype(np.int64)
        return counts

    @property
    def peak_intensity(self) -> FloatArray:
        """The highest rated peak intensity of the attacks starting on each day (NaN when none)."""
        out = np.full(self.n_days, np.nan)
        rated = ~np.isnan(self.attack_peak)
        np.fmax.at(out, self.attack_day[rated], self.attack_peak[rated])
        return out

    @property
    def attack_duration_hours(self) -> FloatArray:
        """Total hours of the attacks with a known end starting on each day (NaN when none)."""
        timed = ~np.isnan(self.attack_hours)
        total = np.bincount(self.attack_day[timed], self.attack_hours[timed], minlength=self.n_days)
        seen = np.bincount(self.attack_day[timed], minlength=self.n_days) > 0
        return np.where(seen, total, np.nan)

    def session_indices(self) -> IntArray:
        """Columns of the session days (may lie outside ``0..n_days-1``)."""
        return np.array([self.index_of(d) for d in self.session_days], dtype=np.int64)
