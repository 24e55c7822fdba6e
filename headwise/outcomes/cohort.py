"""The practice cohort: every client's diary read as whole columns, counted by the clinical
engine's vectorised path, summarised by practitioner, location and phase.

A handful of queries per practice (:func:`cohort_columns`: clients, sessions, check-ins,
attacks, aura symptoms, intakes, plans, phases; then the names of practitioners and
locations), each straight into NumPy arrays (:mod:`headwise.outcomes.columns`); no model
instance, no query and no Python loop per client or per day. The columns feed
:func:`headwise.clinical.cohort_analyse`, which counts migraine days with the same rules as the
per-client :func:`headwise.clinical.days` (a test holds the two to it).

The page (:func:`cohort_report`) reads each client's days as the engine classified them when
they were kept (:mod:`headwise.outcomes.daystate`, :func:`cohort_periods`), and reads the rows
of only the clients whose diary changed since; the numbers are the same (a test holds them
to it).

Definitions (docs/cohort.md)
----------------------------
* **Cohort**: the practice's clients with at least one session record. The *first session*
  is the first session record; its local day (in the client's zone) is day 0.
* **Baseline**: the 28 days before the first session. **Enough data**: the baseline at least
  80% recorded (23 of 28 days), and at least one whole 28-day period after the first session
  has passed, with at least half of the follow-up days recorded.
* **Follow-up** (by practitioner, location, all): the first three 28-day periods after the
  first session that have passed (weeks 1-12), pooled. **By phase**: every passed period
  after the first session, assigned to the plan phase in force on its middle day, pooled
  per client and phase.
* **Diary completeness**: recorded days / days over the passed periods after the first
  session, per client.
* **Dropout** (clients whose first session is at least 56 days ago): a plan still active and
  neither a diary entry nor a session in the last 56 days, or the plan ended within 84 days
  (three periods) of the first session.
* The practitioner and location of a client are those of the first session.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.care.models import PhaseKind, PlanPhase, PlanStatus, SessionRecord, TreatmentPlan
from headwise.clients.models import Client
from headwise.clinical.localdays import EPOCH_ORDINAL, local_day_numbers
from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake
from headwise.outcomes.columns import (
    MISSING,
    DayNumber,
    EpochMicros,
    choice_code,
    in_one_snapshot,
    or_missing,
    read_columns,
    read_day_flags,
    run_reads,
    tri,
)
from headwise.practice.models import Location, Practice, Practitioner
from headwise.stats import cohort as stats

__all__ = [
    "BASELINE_MIN_COMPLETENESS",
    "DROPOUT_QUIET_DAYS",
    "FOLLOW_UP_PERIODS",
    "CohortColumnsRead",
    "CohortFacts",
    "CohortPeriods",
    "CohortReport",
    "CohortRow",
    "cohort_columns",
    "cohort_counts",
    "cohort_periods",
    "cohort_report",
]

MONTH = 28
BASELINE_MIN_COMPLETENESS = 0.8
FOLLOW_UP_MIN_COMPLETENESS = 0.5
FOLLOW_UP_PERIODS = 3
DROPOUT_QUIET_DAYS = 56
EARLY_END_DAYS = 84
DAY_US = 86_400_000_000
EIGHT_DAYS_US = 8 * DAY_US

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_SIDES = ("unilateral", "bilateral")
_QUALITIES = ("pulsating", "pressing", "other")
_DISABILITY = ("none", "half", "missed")
_PAIN = ("none", "mild", "moderate", "severe")
_PHASES: tuple[str, ...] = tuple(k.value for k in PhaseKind)
# The engine's codes for aura types, drug classes and substances: their order in the enums.
_AURA_TYPES: tuple[str, ...] = tuple(t.value for t in clinical.AuraType)
_DRUG_CLASSES: tuple[str, ...] = tuple(c.value for c in clinical.DrugClass)
_SUBSTANCES: tuple[str, ...] = tuple(x.value for x in clinical.Substance)
_ROW = {name: i for i, name in enumerate(clinical.ROWS)}
_PLAN_STATUS: tuple[str, ...] = tuple(s.value for s in PlanStatus)


@dataclass(frozen=True, slots=True)
class CohortFacts:
    """Per client (diary) ``k`` of the cohort: ``client_pk``, ``origin`` (day number of the
    diary's day 0), ``diary_days`` (its length), ``first_session`` and ``today`` (day numbers,
    the client's zone), ``baseline_period`` (index of the baseline among the diary's periods),
    ``data_first`` and ``data_last`` (first and last day with a check-in, attack or intake;
    ``MAX_DAY`` and ``-MAX_DAY`` without any), ``last_activity`` (last day with a diary entry or a
    session), ``practitioner`` and ``location`` (primary keys of the first session's, ``-1``
    unknown), plan facts for the dropout rule; the cohort's plan phases.
    """

    client_pk: IntArray
    origin: IntArray
    diary_days: IntArray
    first_session: IntArray
    today: IntArray
    baseline_period: IntArray
    data_first: IntArray
    data_last: IntArray
    last_activity: IntArray
    practitioner: IntArray
    location: IntArray
    plan_active: npt.NDArray[np.bool_]
    plan_ended_early: npt.NDArray[np.bool_]
    phase_client: IntArray
    phase_kind: IntArray
    phase_start: IntArray
    phase_end: IntArray


@dataclass(frozen=True, slots=True)
class CohortColumnsRead(CohortFacts):
    """What :func:`cohort_columns` read: the cohort's facts and the engine's columns of its
    diaries (diary ``k`` from day ``origin[k]``)."""

    columns: clinical.CohortColumns


def _segments(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Start and end offsets of each of ``n`` groups in the sorted ``keys``."""
    starts = np.searchsorted(keys, np.arange(n), side="left").astype(np.int64)
    ends = np.searchsorted(keys, np.arange(n), side="right").astype(np.int64)
    return starts, ends


def _group_reduce(ufunc: np.ufunc, index: IntArray, values: IntArray, n: int, empty: int) -> IntArray:
    out = np.full(n, empty, dtype=np.int64)
    ufunc.at(out, index, values)
    return out


def _link_by_time(
    intake_diary: IntArray,
    intake_us: IntArray,
    intake_day: IntArray,
    attack_diary: IntArray,
    attack_start: IntArray,
    attack_end: IntArray,
    attack_first: IntArray,
) -> IntArray:
    """:func:`headwise.clinical.link_intakes` for intakes without an attack, vectorised.

    Attacks are sorted by diary, start, id. For each intake: the latest-starting attack of its
    diary that began at or before it, no more than 8 days before, and still ran (taken at or
    before its end; an open attack: taken on its local start day). Steps back one attack at a
    time for all intakes together.
    """
    out = np.full(intake_us.size, -1, dtype=np.int64)
    if intake_us.size == 0 or attack_start.size == 0:
        return out
    lo = int(min(attack_start.min(), intake_us.min()))
    span = int(max(attack_start.max(), intake_us.max())) - lo + 1
    n_diaries = int(max(attack_diary.max(), intake_diary.max())) + 1
    if span * n_diaries >= 2**62:
        raise OverflowError("too many diaries over too long a span for one key")
    akey = attack_diary * span + (attack_start - lo)
    ikey = intake_diary * span + (intake_us - lo)
    position = np.searchsorted(akey, ikey, side="right") - 1
    pending = np.arange(intake_us.size)
    while pending.size:
        j = position[pending]
        ok = j >= 0
        pending, j = pending[ok], j[ok]
        same = (attack_diary[j] == intake_diary[pending]) & (
            attack_start[j] >= intake_us[pending] - EIGHT_DAYS_US
        )
        pending, j = pending[same], j[same]
        t = intake_us[pending]
        end = attack_end[j]
        open_attack = end == MISSING
        inside = np.where(open_attack, attack_first[j] == intake_day[pending], t <= end)
        out[pending[inside]] = j[inside]
        pending = pending[~inside]
        position[pending] -= 1
    return out


def _local_days(micros: IntArray, diary: IntArray, zone_of_diary: IntArray, zones: Sequence[str]) -> IntArray:
    """Local day numbers of instants, each in its diary's zone (one pass per zone)."""
    out = np.zeros(micros.size, dtype=np.int64)
    zone_code = zone_of_diary[diary]
    for code, name in enumerate(zones):
        sel = zone_code == code
        if sel.any():
            out[sel] = local_day_numbers(micros[sel], zoneinfo.ZoneInfo(name))
    return out


def _ymd(days: IntArray) -> tuple[IntArray, IntArray]:
    """(year, month * 100 + day) of day numbers."""
    d = days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month * 100 + day


def _rows_where(table: dict[str, IntArray], keep: npt.NDArray[np.bool_]) -> dict[str, IntArray]:
    """The rows of columns where ``keep`` holds (all of them: no copy)."""
    if keep.all():
        return table
    return {name: column[keep] for name, column in table.items()}


def _read_care(
    practice: Practice, only: Sequence[int] | None
) -> tuple[list[tuple[Any, ...]], dict[str, IntArray], dict[str, IntArray], dict[str, IntArray]]:
    """The cohort's clients (pk, zone, birth, diagnosis), sessions, plans and plan phases (of
    the clients in ``only``, if given)."""
    sessions_qs = _of(SessionRecord.objects.for_practice(practice), only)
    in_cohort = sessions_qs.values("client_id")
    clients = list(
        Client.objects.for_practice(practice)
        .filter(pk__in=in_cohort)
        .order_by("pk")
        .values_list("pk", "time_zone", "date_of_birth", "migraine_diagnosed")
    )
    s = read_columns(
        sessions_qs.order_by("client_id", "started_at", "pk"),
        {
            "client": F("client_id"),
            "start": EpochMicros("started_at"),
            "practitioner": F("practitioner_id"),
            "location": or_missing(F("appointment__location_id")),
        },
    )
    plans = read_columns(
        TreatmentPlan.objects.for_practice(practice).filter(client_id__in=in_cohort).order_by(),
        {
            "client": F("client_id"),
            "status": choice_code("status", _PLAN_STATUS),
            "ended": or_missing(DayNumber("ended_on")),
        },
    )
    phases = read_columns(
        PlanPhase.objects.for_practice(practice)
        .filter(plan__client_id__in=in_cohort)
        .order_by("plan__client_id", "starts_on", "pk"),
        {
            "client": F("plan__client_id"),
            "kind": choice_code("kind", _PHASES),
            "start": DayNumber("starts_on"),
            "end": or_missing(DayNumber("ends_on")),
        },
    )
    return clients, s, plans, phases


def _of(queryset: Any, only: Sequence[int] | None, field: str = "client_id") -> Any:
    return queryset if only is None else queryset.filter(**{f"{field}__in": list(only)})


def _clients_arrays(
    clients: list[tuple[Any, ...]],
) -> tuple[IntArray, list[str], IntArray, IntArray, npt.NDArray[np.int8]]:
    """(pks, zones, zone code of each client, birth day numbers, diagnosis) of the clients."""
    client_pk = np.array([c[0] for c in clients], dtype=np.int64)
    zone_names = [c[1] for c in clients]
    zones = sorted(set(zone_names))
    zone_of = np.searchsorted(np.array(zones, dtype=object), np.array(zone_names, dtype=object)).astype(
        np.int64
    )
    birth = np.array([c[2].toordinal() - EPOCH_ORDINAL if c[2] else MISSING for c in clients], dtype=np.int64)
    diagnosed = np.array([-1 if c[3] is None else int(c[3]) for c in clients], dtype=np.int8)
    return client_pk, zones, zone_of, birth, diagnosed


def _diary_lookup(client_pk: IntArray) -> Any:
    """A function from client keys to diary indexes (``-1``: not in the cohort): one gather
    from a table as long as the largest key; a binary search per row where the keys are too
    sparse."""
    n = client_pk.size
    top = int(client_pk.max()) + 1 if n else 0
    dense = top <= max(1 << 16, 64 * n)
    lookup = np.full(top if dense else 0, -1, dtype=np.int64)
    lookup[client_pk] = np.arange(n, dtype=np.int64)

    def diary_or_none(pks: IntArray) -> IntArray:
        if dense:
            inside = (pks >= 0) & (pks < top)
            return np.where(inside, lookup[np.where(inside, pks, 0)], -1) if n else np.full(pks.size, -1)
        at = np.minimum(np.searchsorted(client_pk, pks), max(n - 1, 0))
        return np.where((n > 0) & (client_pk[at] == pks), at, -1) if n else np.full(pks.size, -1)

    return diary_or_none


def cohort_columns(
    practice: Practice, *, now: dt.datetime | None = None, only: Sequence[int] | None = None
) -> CohortColumnsRead:
    """Read the practice's cohort as columns (a fixed number of queries, whatever its size);
    with ``only``, of those of its clients only."""
    now = now or timezone.now()

    # The reads, in three groups that may run at once on connections sharing one snapshot
    # (run_reads); the cohort's clients are picked out of their rows afterwards.
    def read_care() -> tuple[Any, ...]:
        clients, s, plans, phases = _read_care(practice, only)
        intakes = read_columns(
            _of(
                MedicationIntake.objects.for_practice(practice).filter(deleted_at__isnull=True), only
            ).order_by(),
            {
                "client": F("client_id"),
                "attack": or_missing(F("attack_id")),
                "taken": EpochMicros("taken_at"),
                "drug_class": choice_code("drug_class", _DRUG_CLASSES),
                "substance": choice_code("substance", _SUBSTANCES),
                "before": choice_code("pain_before", _PAIN),
                "after": choice_code("pain_at_2h", _PAIN),
            },
            codes={"drug_class": len(_DRUG_CLASSES), "substance": len(_SUBSTANCES), "before": 4, "after": 4},
        )
        return clients, s, intakes, plans, phases

    def read_checkins() -> dict[str, IntArray]:
        # The longest read: on PostgreSQL one bitmap per client and 32 days (read_day_flags).
        return read_day_flags(
            _of(DailyCheckIn.objects.for_practice(practice), only), "client_id", "date", "had_headache"
        )

    def read_attacks() -> tuple[dict[str, IntArray], dict[str, IntArray]]:
        attacks_qs = _of(Attack.objects.for_practice(practice).filter(deleted_at__isnull=True), only)
        a = read_columns(
            attacks_qs.order_by("client_id", "started_at", "uuid"),
            {
                "pk": F("pk"),
                "client": F("client_id"),
                "start": EpochMicros("started_at"),
                "end": or_missing(EpochMicros("ended_at")),
                # 0-10, -1 not given; anything above 10 (no database check holds it) as 11, which
                # the engine refuses as it would the value itself.
                "peak": Least(Coalesce(F("peak_intensity"), Value(-1)), Value(11)),
                "side": choice_code("side", _SIDES),
                "quality": choice_code("quality", _QUALITIES),
                "aggravated": tri("aggravated_by_activity"),
                "nausea": tri("nausea"),
                "vomiting": tri("vomiting"),
                "photophobia": tri("photophobia"),
                "phonophobia": tri("phonophobia"),
                "had_aura": tri("had_aura"),
                "disability": choice_code("disability", _DISABILITY),
            },
            codes={
                "side": len(_SIDES),
                "quality": len(_QUALITIES),
                **dict.fromkeys(
                    ("aggravated", "nausea", "vomiting", "photophobia", "phonophobia", "had_aura"), 2
                ),
                "disability": len(_DISABILITY),
                "peak": 12,
            },
        )
        aura = read_columns(
            _of(AuraSymptom.objects.for_practice(practice), only, "attack__client_id").order_by(
                "attack_id", "started_at", "pk"
            ),
            {
                "attack": F("attack_id"),
                "type": choice_code("type", _AURA_TYPES),
                "start": or_missing(EpochMicros("started_at")),
                "minutes": or_missing(F("duration_minutes")),
                "spread": tri("spread_gradually"),
                "unilateral": tri("unilateral"),
                "positive": tri("positive"),
            },
            codes={"type": len(_AURA_TYPES), "spread": 2, "unilateral": 2, "positive": 2},
        )
        return a, aura

    (clients, s, intakes, plans, phases), day_flags, (a, aura) = run_reads(
        practice._state.db or "default", [read_care, read_checkins, read_attacks]
    )
    n = len(clients)
    client_pk, zones, zone_of, birth, diagnosed = _clients_arrays(clients)
    diary_or_none = _diary_lookup(client_pk)

    diary_of = diary_or_none  # for rows of the cohort's clients only

    mine = diary_or_none(day_flags["owner"]) >= 0
    checkins = {
        "client": day_flags["owner"][mine],
        "day": day_flags["day"][mine],
        "headache": day_flags["flag"][mine],
    }
    # The practice's attacks, intakes and aura symptoms, kept for the cohort's clients here
    # (a join in the database costs more than a look-up in NumPy on what it reads anyway).
    a = _rows_where(a, diary_or_none(a["client"]) >= 0)
    aura = _rows_where(aura, np.isin(aura["attack"], a["pk"]))
    intakes = _rows_where(intakes, diary_or_none(intakes["client"]) >= 0)
    return _assemble(
        now=now,
        n=n,
        client_pk=client_pk,
        zones=zones,
        zone_of=zone_of,
        birth=birth,
        diagnosed=diagnosed,
        diary_of=diary_of,
        s=s,
        checkins=checkins,
        a=a,
        aura=aura,
        intakes=intakes,
        plans=plans,
        phases=phases,
    )


def _care_facts(
    *,
    now: dt.datetime,
    n: int,
    client_pk: IntArray,
    zones: list[str],
    zone_of: IntArray,
    diary_of: Any,
    s: dict[str, IntArray],
    plans: dict[str, IntArray],
    phases: dict[str, IntArray],
    data_first: IntArray,
    data_last: IntArray,
) -> CohortFacts:
    """The cohort's facts (:class:`CohortFacts`) from its sessions, plans and phases and the
    first and last day of each diary's data: one definition for the read of the rows and for
    the read of the kept day states."""
    now_us = int(now.timestamp() * 1_000_000)
    today = np.zeros(n, dtype=np.int64)
    for code, name in enumerate(zones):
        today[zone_of == code] = local_day_numbers(
            np.array([now_us], dtype=np.int64), zoneinfo.ZoneInfo(name)
        )[0]

    # Sessions: the first per client (sorted by client, start), and the last.
    s_diary = diary_of(s["client"])
    s_start, s_end = _segments(s_diary, n)
    first_s = s_start
    s_day = _local_days(s["start"], s_diary, zone_of, zones)
    first_session = s_day[first_s] if n else np.zeros(0, dtype=np.int64)
    practitioner = s["practitioner"][first_s] if n else np.zeros(0, dtype=np.int64)
    location = (
        np.where(s["location"][first_s] == MISSING, -1, s["location"][first_s])
        if n
        else np.zeros(0, dtype=np.int64)
    )
    last_session = s_day[s_end - 1] if n else np.zeros(0, dtype=np.int64)

    first_data = np.minimum(data_first, first_session)
    lead = np.maximum(1, -((first_data - first_session) // MONTH))  # ceil((fs - first) / 28), at least 1
    origin = first_session - MONTH * lead
    end = np.maximum(np.maximum(today, data_last), first_session)
    diary_days = end - origin + 1

    p_diary = diary_of(plans["client"])
    active = (plans["status"] == _PLAN_STATUS.index(PlanStatus.ACTIVE)) & (plans["ended"] == MISSING)
    ended = (plans["status"] == _PLAN_STATUS.index(PlanStatus.ENDED)) & (plans["ended"] != MISSING)
    early = ended & (plans["ended"] - first_session[p_diary] < EARLY_END_DAYS)
    plan_active = np.bincount(p_diary[active], minlength=n) > 0
    plan_ended_early = (np.bincount(p_diary[early], minlength=n) > 0) & ~plan_active
    return CohortFacts(
        client_pk=client_pk,
        origin=origin,
        diary_days=diary_days,
        first_session=first_session,
        today=today,
        baseline_period=lead - 1,
        data_first=data_first,
        data_last=data_last,
        last_activity=np.maximum(data_last, last_session),
        practitioner=practitioner,
        location=location,
        plan_active=plan_active,
        plan_ended_early=plan_ended_early,
        phase_client=diary_of(phases["client"]),
        phase_kind=phases["kind"],
        phase_start=phases["start"],
        phase_end=phases["end"],
    )


#: "No data" in :attr:`CohortFacts.data_first` and (negated) :attr:`CohortFacts.data_last`.
MAX_DAY = np.iinfo(np.int64).max


def _assemble(
    *,
    now: dt.datetime,
    n: int,
    client_pk: IntArray,
    zones: list[str],
    zone_of: IntArray,
    birth: IntArray,
    diagnosed: npt.NDArray[np.int8],
    diary_of: Any,
    s: dict[str, IntArray],
    checkins: dict[str, IntArray],
    a: dict[str, IntArray],
    aura: dict[str, IntArray],
    intakes: dict[str, IntArray],
    plans: dict[str, IntArray],
    phases: dict[str, IntArray],
) -> CohortColumnsRead:
    # Attacks: local first and last days (an attack ending at 00:00 does not touch the new day).
    a_diary = diary_of(a["client"])
    a_first = _local_days(a["start"], a_diary, zone_of, zones)
    has_end = (a["end"] != MISSING) & (a["end"] > a["start"])
    a_last = a_first.copy()
    if has_end.any():
        a_last[has_end] = _local_days(a["end"][has_end] - 1, a_diary[has_end], zone_of, zones)
    c_diary = diary_of(checkins["client"])
    i_diary = diary_of(intakes["client"])
    i_day = _local_days(intakes["taken"], i_diary, zone_of, zones)

    big = MAX_DAY
    data_first = np.minimum.reduce(
        [
            _group_reduce(np.minimum, c_diary, checkins["day"], n, big),
            _group_reduce(np.minimum, a_diary, a_first, n, big),
            _group_reduce(np.minimum, i_diary, i_day, n, big),
        ]
    )
    data_last = np.maximum.reduce(
        [
            _group_reduce(np.maximum, c_diary, checkins["day"], n, -big),
            _group_reduce(np.maximum, a_diary, a_last, n, -big),
            _group_reduce(np.maximum, i_diary, i_day, n, -big),
        ]
    )
    facts = _care_facts(
        now=now,
        n=n,
        client_pk=client_pk,
        zones=zones,
        zone_of=zone_of,
        diary_of=diary_of,
        s=s,
        plans=plans,
        phases=phases,
        data_first=data_first,
        data_last=data_last,
    )
    origin = facts.origin
    diary_days = facts.diary_days

    # Aura symptom rows of the attacks kept; an attack the client said had no aura has none.
    pk_order = np.argsort(a["pk"], kind="stable")
    sorted_pk = a["pk"][pk_order]
    if sorted_pk.size:
        sym_attack = pk_order[np.minimum(np.searchsorted(sorted_pk, aura["attack"]), sorted_pk.size - 1)]
    else:
        sym_attack = np.zeros(0, dtype=np.int64)
    keep = a["had_aura"][sym_attack] != 0
    sym_attack = sym_attack[keep]
    n_sym = np.bincount(sym_attack, minlength=a["pk"].size)
    aura_code = np.where(a["had_aura"] == 0, 0, np.where(n_sym > 0, 1, -1))
    sym_start = aura["start"][keep]
    sym_minutes = aura["minutes"][keep]
    start_known = sym_start != MISSING
    offset_us = sym_start - a["start"][sym_attack]
    start_s = np.where(start_known, offset_us / 1e6, np.nan)
    minutes = np.where(sym_minutes == MISSING, np.nan, sym_minutes.astype(np.float64))
    end_us = offset_us + np.where(sym_minutes == MISSING, 0, sym_minutes) * 60_000_000
    end_s = np.where(start_known & ~np.isnan(minutes), end_us / 1e6, np.nan)

    # Intakes: the attack they name (if it is kept), else the one they were taken during.
    named = np.full(intakes["attack"].size, -1, dtype=np.int64)
    if sorted_pk.size and intakes["attack"].size:
        at = np.minimum(np.searchsorted(sorted_pk, intakes["attack"]), sorted_pk.size - 1)
        found = sorted_pk[at] == intakes["attack"]
        named[found] = pk_order[at[found]]
    unnamed = named < 0
    named[unnamed] = _link_by_time(
        i_diary[unnamed], intakes["taken"][unnamed], i_day[unnamed], a_diary, a["start"], a["end"], a_first
    )
    before, after = intakes["before"], intakes["after"]
    effective = np.where((before >= 2) & (after >= 0), (after <= 1).astype(np.int64), -1)

    # Ages on each attack's local start date.
    by, bmd = _ymd(np.where(birth == MISSING, 0, birth))
    ay, amd = _ymd(a_first)
    ad = a_diary
    age = np.where(birth[ad] == MISSING, -1, ay - by[ad] - (amd < bmd[ad]).astype(np.int64))

    side, quality = a["side"], a["quality"]
    columns = clinical.CohortColumns(
        diary_days=diary_days,
        diagnosed=diagnosed,
        attack_diary=a_diary,
        attack_first=a_first - origin[a_diary],
        attack_last=a_last - origin[a_diary],
        peak=a["peak"].astype(np.int8),
        duration_s=np.where(a["end"] == MISSING, np.nan, (a["end"] - a["start"]) / 1e6),
        age=age.astype(np.int16),
        unilateral=np.where(side < 0, -1, side == 0).astype(np.int8),
        bilateral=np.where(side < 0, -1, side == 1).astype(np.int8),
        pulsating=np.where(quality < 0, -1, quality == 0).astype(np.int8),
        pressing=np.where(quality < 0, -1, quality == 1).astype(np.int8),
        aggravated=a["aggravated"].astype(np.int8),
        nausea=a["nausea"].astype(np.int8),
        vomiting=a["vomiting"].astype(np.int8),
        photophobia=a["photophobia"].astype(np.int8),
        phonophobia=a["phonophobia"].astype(np.int8),
        stopped_activities=np.where(a["disability"] < 0, -1, a["disability"] == 2).astype(np.int8),
        aura=aura_code.astype(np.int8),
        aura_attack=sym_attack.astype(np.int64),
        aura_type=aura["type"][keep].astype(np.int8),
        aura_start_s=start_s,
        aura_end_s=end_s,
        aura_duration_min=minutes,
        aura_spread=aura["spread"][keep].astype(np.int8),
        aura_unilateral=aura["unilateral"][keep].astype(np.int8),
        aura_positive=aura["positive"][keep].astype(np.int8),
        intake_diary=i_diary,
        intake_day=i_day - origin[i_diary],
        intake_attack=named,
        intake_class=intakes["drug_class"].astype(np.int8),
        intake_effective=effective.astype(np.int8),
        intake_substance=intakes["substance"].astype(np.int8),
        recorded_diary=c_diary,
        recorded_day=checkins["day"] - origin[c_diary],
        recorded_headache=(checkins["headache"] == 1).astype(np.int8),
    )

    return CohortColumnsRead(
        **{name: getattr(facts, name) for name in CohortFacts.__dataclass_fields__}, columns=columns
    )


def _period_start(read: CohortFacts, period_diary: IntArray, period_index: IntArray) -> IntArray:
    out: IntArray = read.origin[period_diary] + MONTH * period_index
    return out


@dataclass(frozen=True, slots=True)
class CohortCounts:
    """Days per 28-day period of every diary (``cohort_analyse``): ``counts`` has one row per
    :data:`headwise.clinical.ROWS` category; ``migraine`` and ``recorded`` are two of them."""

    read: CohortColumnsRead
    counts: IntArray
    migraine: IntArray
    recorded: IntArray
    period_diary: IntArray
    period_index: IntArray

    @property
    def period_start(self) -> IntArray:
        """Day number of each period's first day."""
        return _period_start(self.read, self.period_diary, self.period_index)


def cohort_counts(practice: Practice, *, now: dt.datetime | None = None) -> CohortCounts:
    """Read the practice's cohort and count its days per 28-day period (periods run back and
    forth from each client's first session: period ``baseline_period`` is the baseline)."""
    read = cohort_columns(practice, now=now)
    result = clinical.cohort_analyse(read.columns)
    per_diary = (read.columns.diary_days + MONTH - 1) // MONTH
    first = np.concatenate(([0], np.cumsum(per_diary)))[:-1]
    index = np.arange(result.period_diary.size) - first[result.period_diary]
    return CohortCounts(
        read,
        result.counts,
        result.counts[_ROW["migraine"]],
        result.counts[_ROW["recorded"]],
        result.period_diary,
        index.astype(np.int64),
    )


@dataclass(frozen=True, slots=True)
class CohortPeriods:
    """Migraine days and recorded days per 28-day period of every diary of the cohort, in the
    order of :class:`CohortCounts`; ``classified_now`` clients were classified from their rows
    for this read (their kept day state was not current)."""

    read: CohortFacts
    migraine: IntArray
    recorded: IntArray
    period_diary: IntArray
    period_index: IntArray
    classified_now: int

    @property
    def period_start(self) -> IntArray:
        """Day number of each period's first day."""
        return _period_start(self.read, self.period_diary, self.period_index)


def _count_bits(
    packed: list[bytes], first_day: IntArray, origin: IntArray, base: IntArray, total: int
) -> IntArray:
    """Set bits per period: client ``k``'s bit ``i`` is day ``first_day[k] + i``, in period
    ``base[k] + (day - origin[k]) // 28``. One unpack of all clients' bytes, no loop per day."""
    if not packed:
        return np.zeros(total, dtype=np.int64)
    lengths = np.fromiter((len(b) for b in packed), dtype=np.int64, count=len(packed)) * 8
    bits = np.unpackbits(np.frombuffer(b"".join(packed), dtype=np.uint8))
    pos = np.flatnonzero(bits)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    k = np.searchsorted(starts, pos, side="right") - 1
    period = base[k] + (first_day[k] + (pos - starts[k]) - origin[k]) // MONTH
    return np.bincount(period, minlength=total).astype(np.int64)


#: Above this share of the cohort without a current kept state, the page reads every row
#: (:func:`cohort_counts`, its reads at once) instead of classifying those clients one read
#: after the other.
ROWS_READ_SHARE = 0.5


def cohort_periods(practice: Practice, *, now: dt.datetime | None = None) -> CohortPeriods:
    """The cohort's migraine and recorded days per period, from the kept day states
    (:mod:`headwise.outcomes.daystate`): the states, the waiting notes, the sessions, plans and
    phases in one snapshot, and the clients whose state is not current classified from their
    rows in the same snapshot. The same numbers as :func:`cohort_counts` (a test holds it)."""
    from headwise.outcomes import daystate

    now = now or timezone.now()
    using = practice._state.db or "default"

    def read() -> tuple[Any, ...] | None:
        clients, s, plans, phases = _read_care(practice, None)
        states, _waiting = daystate.read_day_states(practice)
        client_pk = np.array([c[0] for c in clients], dtype=np.int64)
        kept = np.isin(states.client_pk, client_pk)
        need = np.setdiff1d(client_pk, states.client_pk[kept])
        if need.size > ROWS_READ_SHARE * client_pk.size:
            return None
        parts = [states.take(kept)]
        if need.size:
            parts.append(daystate.compute_day_states(practice, need.tolist(), now=now))
        return clients, s, plans, phases, daystate.DayStates.merge(parts), int(need.size)

    got = in_one_snapshot(using, read)
    if got is None:
        counts = cohort_counts(practice, now=now)
        return CohortPeriods(
            counts.read,
            counts.migraine,
            counts.recorded,
            counts.period_diary,
            counts.period_index,
            int(counts.read.client_pk.size),
        )
    clients, s, plans, phases, merged, classified = got
    n = len(clients)
    client_pk, zones, zone_of, _birth, _diagnosed = _clients_arrays(clients)
    if not np.array_equal(merged.client_pk, client_pk):
        raise AssertionError("the kept day states and the cohort's clients differ")
    facts = _care_facts(
        now=now,
        n=n,
        client_pk=client_pk,
        zones=zones,
        zone_of=zone_of,
        diary_of=_diary_lookup(client_pk),
        s=s,
        plans=plans,
        phases=phases,
        data_first=merged.first_day,
        data_last=merged.last_day,
    )
    per_diary = (facts.diary_days + MONTH - 1) // MONTH
    base = np.concatenate(([0], np.cumsum(per_diary)))[:-1].astype(np.int64)
    total = int(per_diary.sum())
    period_diary = np.repeat(np.arange(n, dtype=np.int64), per_diary)
    return CohortPeriods(
        facts,
        _count_bits(merged.migraine, merged.first_day, facts.origin, base, total),
        _count_bits(merged.recorded, merged.first_day, facts.origin, base, total),
        period_diary,
        (np.arange(total) - base[period_diary]).astype(np.int64),
        classified,
    )


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    estimate: float
    low: float
    high: float
    n: int
    k: int | None = None


@dataclass(frozen=True, slots=True)
class CohortRow:
    """One group's numbers (NaN where they cannot be computed); ``dimension`` is ``all``,
    ``practitioner``, ``location`` or ``phase``."""

    dimension: str
    label: str
    n_clients: int
    responders: dict[int, Interval]
    no_baseline: int
    baseline: Interval
    follow_up: Interval
    change: Interval
    completeness: Interval
    dropout: Interval | None


@dataclass(frozen=True, slots=True)
class CohortReport:
    """The cohort page's numbers; ``rows`` in the order the page shows them."""

    n_cohort: int
    n_enough: int
    rows: list[CohortRow] = field(default_factory=list)
    #: Clients classified from their rows for this report (no current kept day state).
    classified_now: int = field(default=0, compare=False, repr=False)


def _interval_from_mean(m: stats.Mean, i: int) -> Interval:
    return Interval(float(m.mean[i]), float(m.low[i]), float(m.high[i]), int(m.n[i]))


def _interval_from_proportion(p: stats.Proportion, i: int) -> Interval:
    return Interval(float(p.estimate[i]), float(p.low[i]), float(p.high[i]), int(p.n[i]), int(p.k[i]))


def _rows(
    dimension: str,
    labels: Sequence[str],
    unit_group: IntArray,
    units: dict[str, IntArray],
    comp_group: IntArray,
    completeness: FloatArray,
    drop_group: IntArray | None,
    dropped: npt.NDArray[np.bool_] | None,
) -> list[CohortRow]:
    g = len(labels)
    out = stats.group_outcomes(
        unit_group,
        g,
        baseline_days=units["baseline_days"],
        baseline_recorded=units["baseline_recorded"],
        follow_days=units["follow_days"],
        follow_recorded=units["follow_recorded"],
    )
    comp = stats.mean_by_group(comp_group, completeness, g)
    drop = (
        None if drop_group is None or dropped is None else stats.proportion_by_group(drop_group, dropped, g)
    )
    rows = []
    for i, label in enumerate(labels):
        rows.append(
            CohortRow(
                dimension=dimension,
                label=label,
                n_clients=int(out.n_clients[i]),
                responders={
                    round(r * 100): _interval_from_proportion(p, i) for r, p in out.responders.items()
                },
                no_baseline=int(out.no_baseline[i]),
                baseline=_interval_from_mean(out.baseline, i),
                follow_up=_interval_from_mean(out.follow_up, i),
                change=_interval_from_mean(out.change, i),
                completeness=_interval_from_mean(comp, i),
                dropout=None if drop is None else _interval_from_proportion(drop, i),
            )
        )
    return rows


def cohort_report(practice: Practice, *, now: dt.datetime | None = None) -> CohortReport:
    """The cohort's outcomes overall and by practitioner, location and phase (module docstring)."""
    counts = cohort_periods(practice, now=now)
    r = counts.read
    n = r.client_pk.size
    pd, pi = counts.period_diary, counts.period_index
    passed = counts.period_start + MONTH - 1 < r.today[pd]
    base = pi == r.baseline_period[pd]
    after = (pi > r.baseline_period[pd]) & passed
    k = pi - r.baseline_period[pd] - 1  # 0 for the first period after the first session
    early = after & (k < FOLLOW_UP_PERIODS)

    base_m = np.bincount(pd[base], weights=counts.migraine[base], minlength=n).astype(np.int64)
    base_r = np.bincount(pd[base], weights=counts.recorded[base], minlength=n).astype(np.int64)
    fol_m = np.bincount(pd[early], weights=counts.migraine[early], minlength=n).astype(np.int64)
    fol_r = np.bincount(pd[early], weights=counts.recorded[early], minlength=n).astype(np.int64)
    fol_n = np.bincount(pd[early], minlength=n) * MONTH
    all_r = np.bincount(pd[after], weights=counts.recorded[after], minlength=n)
    all_n = np.bincount(pd[after], minlength=n) * MONTH
    base_ok = base_r >= BASELINE_MIN_COMPLETENESS * MONTH
    enough = base_ok & (fol_n > 0) & (fol_r >= FOLLOW_UP_MIN_COMPLETENESS * np.maximum(fol_n, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        completeness = np.where(all_n > 0, all_r / np.maximum(all_n, 1), np.nan)
    quiet = r.today - r.last_activity >= DROPOUT_QUIET_DAYS
    at_risk = r.today - r.first_session >= DROPOUT_QUIET_DAYS
    dropped = (r.plan_active & quiet) | r.plan_ended_early

    def units(mask: npt.NDArray[np.bool_]) -> dict[str, IntArray]:
        return {
            "baseline_days": base_m[mask],
            "baseline_recorded": base_r[mask],
            "follow_days": fol_m[mask],
            "follow_recorded": fol_r[mask],
        }

    rows: list[CohortRow] = []
    zero = np.zeros(n, dtype=np.int64)
    has_comp = ~np.isnan(completeness)
    rows += _rows(
        "all",
        [_("All clients")],
        zero[enough],
        units(enough),
        zero[has_comp],
        completeness[has_comp],
        zero[at_risk],
        dropped[at_risk],
    )
    # By practitioner and by location (of the first session).
    names = dict(Practitioner.objects.for_practice(practice).values_list("pk", "display_name"))
    places = dict(Location.objects.for_practice(practice).values_list("pk", "name"))
    for dimension, keys, table in (
        ("practitioner", r.practitioner, names),
        ("location", r.location, places),
    ):
        codes, group = np.unique(keys, return_inverse=True)
        labels = [table.get(int(c), _("Not recorded")) for c in codes]
        order = np.argsort(np.array(labels, dtype=object), kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        group = rank[group.astype(np.int64)]
        labels = [labels[i] for i in order]
        rows += _rows(
            dimension,
            labels,
            group[enough],
            units(enough),
            group[has_comp],
            completeness[has_comp],
            group[at_risk],
            dropped[at_risk],
        )
    rows += _phase_rows(counts, after, base_m, base_r, base_ok)
    return CohortReport(
        n_cohort=n, n_enough=int(enough.sum()), rows=rows, classified_now=counts.classified_now
    )


def _phase_rows(
    counts: CohortPeriods,
    after: npt.NDArray[np.bool_],
    base_m: IntArray,
    base_r: IntArray,
    base_ok: npt.NDArray[np.bool_],
) -> list[CohortRow]:
    """Every passed period after the first session, by the phase in force on its middle day."""
    r = counts.read
    n = r.client_pk.size
    pd = counts.period_diary[after]
    middle = counts.period_start[after] + MONTH // 2 - 1
    labels = [*(str(PhaseKind(k).label) for k in _PHASES), _("No phase recorded")]
    none = len(_PHASES)
    phase = np.full(pd.size, none, dtype=np.int64)
    if r.phase_client.size and pd.size:
        lo = int(min(r.phase_start.min(), middle.min()))
        span = int(max(r.phase_start.max(), middle.max())) - lo + 1
        key = r.phase_client * span + (r.phase_start - lo)
        j = np.searchsorted(key, pd * span + (middle - lo), side="right") - 1
        ok = j >= 0
        jj = np.where(ok, j, 0)
        ok &= (r.phase_client[jj] == pd) & ((r.phase_end[jj] == MISSING) | (r.phase_end[jj] >= middle))
        ok &= r.phase_kind[jj] >= 0
        phase[ok] = r.phase_kind[jj[ok]]
    # Pool per client and phase.
    unit = pd * (none + 1) + phase
    uniq, inverse = np.unique(unit, return_inverse=True)
    m = np.bincount(inverse, weights=counts.migraine[after]).astype(np.int64)
    rec = np.bincount(inverse, weights=counts.recorded[after]).astype(np.int64)
    days = np.bincount(inverse) * MONTH
    client = uniq // (none + 1)
    kind = uniq % (none + 1)
    enough = base_ok[client] & (rec >= FOLLOW_UP_MIN_COMPLETENESS * days)
    del n
    return _rows(
        "phase",
        labels,
        kind[enough],
        {
            "baseline_days": base_m[client[enough]],
            "baseline_recorded": base_r[client[enough]],
            "follow_days": m[enough],
            "follow_recorded": rec[enough],
        },
        kind,
        rec / days,
        None,
        None,
    )
