"""The vectorised classification equals the scalar one, element by element (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwise.clinical import (
    DEFAULT_PARAMETERS,
    PRECEDENCE,
    ROWS,
    Attack,
    AuraSymptom,
    AuraType,
    ClientInfo,
    Diary,
    DrugClass,
    MedicationIntake,
    MigraineDayDefinition,
    Pain,
    Parameters,
    Quality,
    Side,
    Status,
    Substance,
    classify_diary,
    days,
    link_intakes,
    periods,
)
from headwise.clinical._vectorised import (
    CRITERIA,
    CohortColumns,
    classify_columns,
    cohort_analyse,
    columns_from_diaries,
)
from headwise.clinical.days import ATTACK_ROWS, attack_flags
from headwise.clinical.errors import AnalysisError

BASE = datetime(2026, 3, 1, tzinfo=UTC)
ALTERNATIVE = replace(DEFAULT_PARAMETERS, migraine_day_definition=MigraineDayDefinition.ALTERNATIVE)
DEFINITIONS = (DEFAULT_PARAMETERS, ALTERNATIVE)
CODE = {Status.MET: 1, Status.NOT_MET: 0, Status.UNKNOWN: -1}
tri = st.sampled_from([True, False, None])

# Minutes around every duration boundary: 30 min (headache, 2 B), 2 h, 4 h (1.1 B, alternative
# migraine day), 72 h (1.1 B), 7 days (2 B).
BOUNDARY_MINUTES = [0, 29, 30, 31, 119, 120, 121, 239, 240, 241, 4319, 4320, 4321, 10079, 10080, 10081]
# Aura symptom minutes around 5 and 60 min (1.2 C3) and 72 h (motor).
AURA_MINUTES = [0, 4, 5, 6, 59, 60, 61, 4319, 4320, 4321]


def _minutes(boundaries: list[int], high: int) -> st.SearchStrategy[timedelta]:
    near = st.builds(
        lambda m, s: timedelta(minutes=m, seconds=s),
        st.sampled_from(boundaries),
        st.sampled_from([0, 0, 0, -1, 1]),
    ).filter(lambda t: t >= timedelta(0))
    return near | st.builds(lambda m: timedelta(minutes=m), st.integers(0, high))


@st.composite
def auras(draw: st.DrawFn, start: datetime, end: datetime | None) -> tuple[AuraSymptom, ...] | None:
    kind = draw(st.sampled_from(["none", "unanswered", "symptoms", "symptoms"]))
    if kind == "none":
        return ()
    if kind == "unanswered":
        return None
    out = []
    for _ in range(draw(st.integers(1, 4))):
        duration = draw(st.none() | _minutes(AURA_MINUTES, 200))
        # Starts anywhere near the headache, or exactly at its end, or ending exactly 60 min
        # before its onset (the 1.2 C6 boundaries).
        begin = draw(
            st.none()
            | st.builds(lambda m: start + timedelta(minutes=m), st.integers(-200, 90))
            | st.just(end or start)
            | st.just(start - timedelta(minutes=60) - (duration or timedelta(0)))
        )
        out.append(
            AuraSymptom(
                draw(st.sampled_from(AuraType)),
                begin,
                None if duration is None else duration.total_seconds() / 60,
                spread_gradually=draw(tri),
                unilateral=draw(tri),
                positive=draw(tri),
            )
        )
    return tuple(out)


@st.composite
def attacks(draw: st.DrawFn, ident: str) -> Attack:
    start = BASE + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
    duration = draw(st.none() | _minutes(BOUNDARY_MINUTES, 60 * 80))
    end = None if duration is None else start + duration
    return Attack(
        ident,
        start,
        end,
        peak_intensity=draw(st.none() | st.integers(0, 10)),
        side=draw(st.none() | st.sampled_from(Side)),
        quality=draw(st.none() | st.sampled_from(Quality)),
        aggravated_by_activity=draw(tri),
        nausea=draw(tri),
        vomiting=draw(tri),
        photophobia=draw(tri),
        phonophobia=draw(tri),
        ended_by_sleep=draw(tri),
        aura=draw(auras(start, end)),
        stopped_activities=draw(tri),
    )


@st.composite
def intakes(draw: st.DrawFn, ident: str, atts: tuple[Attack, ...]) -> MedicationIntake:
    pain = st.none() | st.sampled_from(Pain)
    linked = draw(st.none() | st.sampled_from(atts)) if atts else None
    if linked is not None and draw(st.booleans()):
        when, attack_id = linked.start + timedelta(minutes=draw(st.integers(0, 300))), linked.id
    else:
        when, attack_id = BASE + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40))), None
    drug_class = draw(st.sampled_from(DrugClass))
    simple = drug_class is DrugClass.SIMPLE_ANALGESIC
    return MedicationIntake(
        ident,
        "x",
        drug_class,
        when,
        substance=draw(st.none() | st.sampled_from(Substance)) if simple else None,
        pain_before=draw(pain),
        pain_at_2h=draw(pain),
        relief_at_2h=draw(tri),
        attack_id=attack_id,
    )


@st.composite
def diaries(draw: st.DrawFn, prefix: str = "") -> Diary:
    atts = tuple(draw(attacks(f"{prefix}a{i}")) for i in range(draw(st.integers(0, 6))))
    meds = tuple(draw(intakes(f"{prefix}m{i}", atts)) for i in range(draw(st.integers(0, 6))))
    rec = frozenset(BASE.date() + timedelta(days=k) for k in draw(st.sets(st.integers(0, 45), max_size=30)))
    # Born 2008: 17 before its birthday in 2026, 18 after (both 1.1 B age groups).
    birth = draw(st.sampled_from([None, date(2008, 3, 20), date(2009, 1, 1), date(1980, 1, 1)]))
    zone = draw(st.sampled_from(["Europe/Amsterdam", "America/New_York", "UTC"]))
    # Check-ins saying "headache", some on days without any other entry.
    headache = frozenset(
        BASE.date() + timedelta(days=k) for k in draw(st.sets(st.integers(0, 45), max_size=10))
    )
    return Diary(ClientInfo(zone, birth, draw(tri)), rec, atts, meds, headache)


def assert_equal_to_scalar(cohort: list[Diary], p: Parameters) -> None:
    got = classify_columns(columns_from_diaries(cohort), p)
    row_flags = got.row_flags
    i = 0
    for d in cohort:
        by_id = {c.attack_id: c for c in classify_diary(d, p)}
        linked = link_intakes(d)
        for a in d.attacks:
            cls = by_id[a.id]
            where = f"attack {a.id} of {a!r}, intakes {linked[a.id]!r}, client {d.client!r}"
            statuses = [CODE[c.status] for c in cls.criteria]
            assert [c.code for c in cls.criteria] == list(CRITERIA)
            assert [int(got.criteria[k][i]) for k in CRITERIA] == statuses, where
            assert got.types()[i] is cls.type, where
            assert tuple(PRECEDENCE[k] for k in np.flatnonzero(got.possible[i])) == cls.possible_types, where
            flags = attack_flags(a, cls, linked[a.id], d.client.migraine_diagnosed, p)
            assert tuple(row_flags[i].tolist()) == flags, where
            i += 1
    assert i == got.type.size


def assert_counts_equal_to_scalar(cohort: list[Diary], p: Parameters) -> None:
    result = cohort_analyse(columns_from_diaries(cohort), p)
    for k, d in enumerate(cohort):
        mine = result.counts[:, result.period_diary == k]
        ps = periods(days(d, p), parameters=p)
        assert mine.shape[1] == len(ps)
        for j, period in enumerate(ps):
            expected = [period.recorded_days, *(period.counts[name] for name in ROWS[1:])]
            assert mine[:, j].tolist() == expected, (k, j)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(diaries(), min_size=1, max_size=3), st.booleans())
def test_it_classifies_every_attack_exactly_as_the_scalar_path(
    cohort: list[Diary], medication_day_is_headache_day: bool
) -> None:
    cohort = [
        Diary(d.client, d.recorded_dates, *_renamed(d, k), d.headache_dates) for k, d in enumerate(cohort)
    ]
    for definition in DEFINITIONS:
        p = replace(definition, medication_day_is_headache_day=medication_day_is_headache_day)
        assert_equal_to_scalar(cohort, p)
        assert_counts_equal_to_scalar(cohort, p)


def _renamed(d: Diary, k: int) -> tuple[tuple[Attack, ...], tuple[MedicationIntake, ...]]:
    return (
        tuple(replace(a, id=f"d{k}{a.id}") for a in d.attacks),
        tuple(
            replace(m, id=f"d{k}{m.id}", attack_id=None if m.attack_id is None else f"d{k}{m.attack_id}")
            for m in d.intakes
        ),
    )


# --- hand-written boundary cases -------------------------------------------------------------


def _attack(hours: float | None, **kw: object) -> Attack:
    fields: dict[str, object] = {
        "peak_intensity": 7,
        "side": Side.UNILATERAL,
        "quality": Quality.PULSATING,
        "nausea": True,
        "aura": (),
    }
    fields.update(kw)
    end = None if hours is None else BASE + timedelta(hours=hours)
    return Attack("a", BASE, end, **fields)  # type: ignore[arg-type]


def _one(
    attack: Attack, birth: date | None = date(1980, 1, 1), meds: tuple[MedicationIntake, ...] = ()
) -> Diary:
    return Diary(ClientInfo("UTC", birth, True), frozenset({BASE.date()}), (attack,), meds)


TRIPTAN_OK = MedicationIntake(
    "m", "x", DrugClass.TRIPTAN, BASE + timedelta(minutes=5), Pain.SEVERE, Pain.MILD, attack_id="a"
)


@pytest.mark.parametrize(
    ("diary", "b11", "kind"),
    [
        (_one(_attack(4.0)), 1, "migraine_like"),
        (_one(_attack(4.0 - 1 / 3600)), 0, "probable_migraine"),
        (_one(_attack(72.0)), 1, "migraine_like"),
        (_one(_attack(72.0 + 1 / 3600)), 0, "probable_migraine"),
        (_one(_attack(2.0), birth=date(2010, 1, 1)), 1, "migraine_like"),  # 16 years old
        (_one(_attack(2.0), birth=None), -1, "probable_migraine"),  # 2-4 h, age unknown
        (_one(_attack(1.0), meds=(TRIPTAN_OK,)), -1, "probable_migraine"),  # treated: unknown
        (_one(_attack(None)), -1, "probable_migraine"),
    ],
)
def test_it_decides_the_1_1_b_boundaries_like_the_scalar_path(diary: Diary, b11: int, kind: str) -> None:
    got = classify_columns(columns_from_diaries([diary]))
    assert int(got.criteria["1.1 B"][0]) == b11
    assert got.types()[0].value == kind
    for p in DEFINITIONS:
        assert_equal_to_scalar([diary], p)
        assert_counts_equal_to_scalar([diary], p)


def _aura_attack(gap_minutes: int, duration: float = 20.0) -> Attack:
    """Three characteristics met (spread, unilateral, positive); 1.2 C6 decides nothing more."""
    aura = (
        AuraSymptom(
            AuraType.VISUAL,
            BASE - timedelta(minutes=gap_minutes + duration),
            duration,
            spread_gradually=False,
            unilateral=False,
            positive=False,
        ),
        AuraSymptom(
            AuraType.SENSORY,
            BASE - timedelta(minutes=gap_minutes + duration),
            duration,
            spread_gradually=True,
            unilateral=True,
            positive=False,
        ),
    )
    return _attack(5.0, aura=aura, peak_intensity=3, side=Side.BILATERAL, quality=Quality.PRESSING)


@pytest.mark.parametrize(
    ("attack", "c12", "kind"),
    [
        # spread, unilateral, 5-60 min, headache within 60 min: 4 of 6.
        (_aura_attack(60), 1, "migraine_with_aura"),
        # Headache 61 min after the aura: 3 of 6 (still met).
        (_aura_attack(61), 1, "migraine_with_aura"),
        # 4 min symptoms and headache too late: 2 of 6.
        (_aura_attack(61, duration=4.0), 0, "probable_migraine"),
        (_aura_attack(60, duration=4.0), 1, "migraine_with_aura"),
        (_aura_attack(61, duration=61.0), 0, "probable_migraine"),
    ],
)
def test_it_decides_the_aura_boundaries_like_the_scalar_path(attack: Attack, c12: int, kind: str) -> None:
    diary = _one(attack)
    got = classify_columns(columns_from_diaries([diary]))
    assert int(got.criteria["1.2 C"][0]) == c12
    assert got.types()[0].value == kind
    for p in DEFINITIONS:
        assert_equal_to_scalar([diary], p)
        assert_counts_equal_to_scalar([diary], p)


def test_it_handles_a_cohort_without_attacks() -> None:
    empty = Diary(ClientInfo("UTC"))
    result = cohort_analyse(columns_from_diaries([empty, _one(_attack(5.0))]))
    assert result.classification.type.size == 1
    assert result.period_diary.tolist() == [1]
    assert len(ATTACK_ROWS) == result.classification.row_flags.shape[1]


def test_it_names_the_column_of_bad_input() -> None:
    cols = columns_from_diaries([_one(_attack(5.0))])
    fields = {name: getattr(cols, name) for name in cols.__slots__}
    with pytest.raises(AnalysisError, match=r"nausea\[0\]"):
        CohortColumns(**{**fields, "nausea": np.array([2])})
    with pytest.raises(AnalysisError, match="peak: has 2 rows"):
        CohortColumns(**{**fields, "peak": np.array([7, 7])})
    with pytest.raises(AnalysisError, match=r"aura\[0\]"):
        CohortColumns(**{**fields, "aura": np.array([1])})
