"""Frozen dataclasses for a headache diary: the engine's input.

String codes are exactly the ones the Django models store, so values pass straight through
(``Side("unilateral")``). A ``None`` feature means *not answered* and is treated as unknown,
never as "no".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from headwise.clinical.errors import AnalysisError

__all__ = [
    "Side",
    "Quality",
    "AuraType",
    "DrugClass",
    "Pain",
    "AuraSymptom",
    "Attack",
    "MedicationIntake",
    "ClientInfo",
    "Diary",
]


class Side(StrEnum):
    """Location of the pain."""

    UNILATERAL = "unilateral"
    BILATERAL = "bilateral"


class Quality(StrEnum):
    """Quality of the pain."""

    PULSATING = "pulsating"
    PRESSING = "pressing"
    OTHER = "other"


class AuraType(StrEnum):
    """The six aura symptom types of ICHD-3 1.2 B."""

    VISUAL = "visual"
    SENSORY = "sensory"
    SPEECH = "speech"
    MOTOR = "motor"
    BRAINSTEM = "brainstem"
    RETINAL = "retinal"


class DrugClass(StrEnum):
    """Acute medication classes; ``simple_analgesic`` is paracetamol, NSAIDs and aspirin."""

    TRIPTAN = "triptan"
    ERGOT = "ergot"
    GEPANT = "gepant"
    DITAN = "ditan"
    OPIOID = "opioid"
    SIMPLE_ANALGESIC = "simple_analgesic"
    COMBINATION_ANALGESIC = "combination_analgesic"
    ANTIEMETIC = "antiemetic"
    OTHER = "other"


class Substance(StrEnum):
    """Which non-opioid analgesic was taken, where it matters for ICHD-3 8.2.3.1-8.2.3.3.

    ICHD-3 (Cephalalgia 2018;38:1-211) counts paracetamol, NSAIDs and acetylsalicylic acid as one
    class for the 8.2.3 threshold (>=15 days/month) but names a sub-form for each:
    8.2.3.1 paracetamol (acetaminophen), 8.2.3.2 NSAID (other than acetylsalicylic acid) and
    8.2.3.3 acetylsalicylic acid. ``drug_class`` stays ``simple_analgesic``; ``substance`` says
    which one when the client told us.
    """

    PARACETAMOL = "paracetamol"
    NSAID = "nsaid"
    ACETYLSALICYLIC_ACID = "acetylsalicylic_acid"


class Pain(StrEnum):
    """The IHS 4-point pain scale (IHS acute-trial guideline, Cephalalgia 2019;39:687)."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


def _aware(obj: object, name: str) -> None:
    """Check an aware datetime and store it in UTC.

    Python compares and subtracts datetimes that share a ``tzinfo`` by wall-clock time, which
    is wrong across a DST change; instants are therefore kept in UTC and converted to the
    client's zone only to find local dates.
    """
    value = getattr(obj, name)
    if not isinstance(value, datetime):
        raise AnalysisError(name, "must be a datetime")
    if value.utcoffset() is None:
        raise AnalysisError(name, "must carry a UTC offset (aware datetime)")
    object.__setattr__(obj, name, value.astimezone(UTC))


def _coerce(obj: object, name: str, enum: type[StrEnum], required: bool = False) -> None:
    value = getattr(obj, name)
    if value is None:
        if required:
            raise AnalysisError(name, "is required")
        return
    try:
        object.__setattr__(obj, name, enum(value))
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise AnalysisError(name, f"{value!r} is not one of {allowed}") from None


def _optional_bool(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if value is not None and not isinstance(value, bool):
            raise AnalysisError(name, "must be true, false or null (unknown)")


@dataclass(frozen=True, slots=True)
class AuraSymptom:
    """One aura symptom (ICHD-3 1.2 B-C).

    ``start`` is an aware datetime; ``duration_minutes`` how long the symptom lasted.
    """

    type: AuraType
    start: datetime | None = None
    duration_minutes: float | None = None
    spread_gradually: bool | None = None
    unilateral: bool | None = None
    positive: bool | None = None

    def __post_init__(self) -> None:
        _coerce(self, "type", AuraType, required=True)
        if self.start is not None:
            _aware(self, "start")
        if self.duration_minutes is not None and not self.duration_minutes >= 0:
            raise AnalysisError("duration_minutes", "must be zero or more")
        _optional_bool(self, ("spread_gradually", "unilateral", "positive"))

    @property
    def end(self) -> datetime | None:
        """When the symptom ended, if start and duration are known."""
        if self.start is None or self.duration_minutes is None:
            return None
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class Attack:
    """One headache attack as the client recorded it.

    ``start`` is the onset of the headache, ``end`` its end; for an attack ended by sleep the
    recorded end is the waking time (ICHD-3 1.1 note: duration is reckoned until awakening).
    ``peak_intensity`` is 0-10; 0 means an aura without headache. ``aura`` is ``None`` when
    the question was not answered and ``()`` when the client had no aura.
    """

    id: str
    start: datetime
    end: datetime | None = None
    peak_intensity: int | None = None
    side: Side | None = None
    quality: Quality | None = None
    aggravated_by_activity: bool | None = None
    nausea: bool | None = None
    vomiting: bool | None = None
    photophobia: bool | None = None
    phonophobia: bool | None = None
    ended_by_sleep: bool | None = None
    aura: tuple[AuraSymptom, ...] | None = None
    stopped_activities: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise AnalysisError("id", "must be a non-empty string")
        _aware(self, "start")
        if self.end is not None:
            _aware(self, "end")
            if self.end < self.start:
                raise AnalysisError("end", "end is before start")
        p = self.peak_intensity
        if p is not None and (isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 10):
            raise AnalysisError("peak_intensity", "must be an integer from 0 to 10")
        _coerce(self, "side", Side)
        _coerce(self, "quality", Quality)
        _optional_bool(
            self,
            (
                "aggravated_by_activity",
                "nausea",
                "vomiting",
                "photophobia",
                "phonophobia",
                "ended_by_sleep",
                "stopped_activities",
            ),
        )
        if self.aura is not None:
            object.__setattr__(self, "aura", tuple(self.aura))

    @property
    def duration_hours(self) -> float | None:
        """Duration in hours, or ``None`` when the end was not recorded."""
        if self.end is None:
            return None
        return (self.end - self.start).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True)
class MedicationIntake:
    """One intake of acute medication.

    ``pain_before`` and ``pain_at_2h`` use the IHS 4-point scale; ``relief_at_2h`` may be given
    instead. ``attack_id`` links the intake to an attack; without it the engine links an
    intake to the attack during which it was taken.
    """

    id: str
    name: str
    drug_class: DrugClass
    taken_at: datetime
    pain_before: Pain | None = None
    pain_at_2h: Pain | None = None
    relief_at_2h: bool | None = None
    attack_id: str | None = None
    #: Only for ``simple_analgesic``: which one (:class:`Substance`); ``None`` when unknown.
    substance: Substance | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise AnalysisError("id", "must be a non-empty string")
        _coerce(self, "drug_class", DrugClass, required=True)
        _coerce(self, "substance", Substance)
        if self.substance is not None and self.drug_class is not DrugClass.SIMPLE_ANALGESIC:
            raise AnalysisError("substance", "is given only for a simple_analgesic")
        _aware(self, "taken_at")
        _coerce(self, "pain_before", Pain)
        _coerce(self, "pain_at_2h", Pain)
        _optional_bool(self, ("relief_at_2h",))

    @property
    def effective(self) -> bool | None:
        """Pain freedom or relief at 2 h: moderate/severe before, none/mild at 2 h.

        Source: IHS acute-trial guideline (Cephalalgia 2019;39:687); docs/clinical-definitions.md
        (alternative migraine day: "moderate/severe -> mild/none at 2 h").

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
        >>> MedicationIntake("m1", "sumatriptan", DrugClass.TRIPTAN, t,
        ...                  pain_before=Pain.SEVERE, pain_at_2h=Pain.MILD).effective
        True
        >>> MedicationIntake("m2", "sumatriptan", DrugClass.TRIPTAN, t).effective is None
        True
        """
        if self.pain_before is not None and self.pain_at_2h is not None:
            if self.pain_before in (Pain.NONE, Pain.MILD):
                return None  # relief is undefined when the pain was not moderate or severe
            return self.pain_at_2h in (Pain.NONE, Pain.MILD)
        return self.relief_at_2h


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """What the engine needs to know about the client."""

    time_zone: str
    birth_date: date | None = None
    migraine_diagnosed: bool | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise AnalysisError("time_zone", f"{self.time_zone!r} is not an IANA time zone") from None
        if self.birth_date is not None and (
            isinstance(self.birth_date, datetime) or not isinstance(self.birth_date, date)
        ):
            raise AnalysisError("birth_date", "must be a date")
        _optional_bool(self, ("migraine_diagnosed",))

    @property
    def zone(self) -> ZoneInfo:
        """The client's time zone."""
        return ZoneInfo(self.time_zone)

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day``, or ``None`` when the birth date is unknown."""
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(frozen=True, slots=True)
class Diary:
    """A client's diary: the local dates it was kept, the attacks and the intakes.

    A date is *recorded* when the client told us anything about it: it is in
    ``recorded_dates`` (a check-in) or ``headache_dates``, or an attack or intake touches it;
    any other date in the diary's span is *missing*, never headache-free.
    ``headache_dates`` are the days a check-in said "headache": headache days even without a
    recorded attack (see :mod:`headwise.clinical.localdays`).
    """

    client: ClientInfo
    recorded_dates: frozenset[date] = field(default_factory=frozenset)
    attacks: tuple[Attack, ...] = ()
    intakes: tuple[MedicationIntake, ...] = ()
    headache_dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "recorded_dates", frozenset(self.recorded_dates))
        object.__setattr__(self, "headache_dates", frozenset(self.headache_dates))
        object.__setattr__(self, "attacks", tuple(self.attacks))
        object.__setattr__(self, "intakes", tuple(self.intakes))
        _unique([a.id for a in self.attacks], "attacks")
        _unique([m.id for m in self.intakes], "intakes")
        known = {a.id for a in self.attacks}
        for i, m in enumerate(self.intakes):
            if m.attack_id is not None and m.attack_id not in known:
                raise AnalysisError(f"intakes[{i}].attack_id", f"no attack with id {m.attack_id!r}")


def _unique(ids: list[str], name: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise AnalysisError(f"{name}[{i}].id", f"duplicate id {ident!r}")
        seen.add(ident)
