"""Attack classification against ICHD-3 1.1, 1.2, 1.5 and 2 (Cephalalgia 2018;38(1):1-211)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from headwise.clinical import AttackType, AuraSymptom, AuraType, DrugClass, Pain, Quality, Side, Status
from headwise.clinical import classify_attack as classify
from tests.clinical.factories import START, at, intake, migraine, tension

T0 = at(START, 9)


def test_it_calls_a_4_hour_attack_migraine_like() -> None:
    c = classify(migraine("a", T0, hours=4), age=30)
    assert c.type is AttackType.MIGRAINE_LIKE
    assert c.criterion("1.1 B").status is Status.MET


def test_it_does_not_call_3_hours_59_minutes_migraine_like() -> None:
    c = classify(migraine("a", T0, hours=4 - 1 / 60), age=30)
    assert c.criterion("1.1 B").status is Status.NOT_MET
    assert c.type is AttackType.PROBABLE_MIGRAINE


def test_it_accepts_2_hours_under_18() -> None:
    assert classify(migraine("a", T0, hours=2), age=17).type is AttackType.MIGRAINE_LIKE
    assert classify(migraine("a", T0, hours=2), age=18).criterion("1.1 B").status is Status.NOT_MET


def test_it_does_not_accept_1_hour_59_minutes_under_18() -> None:
    c = classify(migraine("a", T0, hours=2 - 1 / 60), age=12)
    assert c.criterion("1.1 B").status is Status.NOT_MET


def test_it_leaves_2_to_4_hours_unknown_when_age_is_unknown() -> None:
    c = classify(migraine("a", T0, hours=3), age=None)
    assert c.criterion("1.1 B").status is Status.UNKNOWN
    assert c.type is AttackType.PROBABLE_MIGRAINE
    assert c.possible_types == (AttackType.MIGRAINE_LIKE,)


def test_it_rejects_attacks_longer_than_72_hours() -> None:
    assert classify(migraine("a", T0, hours=72), age=30).criterion("1.1 B").value is True
    assert classify(migraine("a", T0, hours=72.01), age=30).criterion("1.1 B").value is False


def test_it_counts_an_attack_ended_by_sleep_until_waking() -> None:
    # Asleep at 01:00 after onset at 23:00, woke without migraine at 05:00: the recorded end is
    # the waking time, so the attack lasted 6 h (ICHD-3 1.1 note).
    a = migraine("a", T0, hours=6, ended_by_sleep=True)
    c = classify(a, age=30)
    assert c.criterion("1.1 B").value is True
    assert "until waking" in c.criterion("1.1 B").reason


def test_it_leaves_a_short_successfully_treated_attack_unknown() -> None:
    a = migraine("a", T0, hours=2)
    m = intake(
        "m", T0 + timedelta(minutes=10), DrugClass.TRIPTAN, pain_before=Pain.SEVERE, pain_at_2h=Pain.NONE
    )
    c = classify(a, age=30, intakes=[m])
    assert c.criterion("1.1 B").status is Status.UNKNOWN


def test_it_counts_a_short_unsuccessfully_treated_attack_as_short() -> None:
    a = migraine("a", T0, hours=2)
    m = intake("m", T0, DrugClass.SIMPLE_ANALGESIC, pain_before=Pain.SEVERE, pain_at_2h=Pain.SEVERE)
    assert classify(a, age=30, intakes=[m]).criterion("1.1 B").status is Status.NOT_MET


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"side": Side.BILATERAL, "quality": Quality.PRESSING}, Status.MET),
        (
            {"side": Side.BILATERAL, "quality": Quality.PRESSING, "aggravated_by_activity": False},
            Status.NOT_MET,
        ),
        ({"side": Side.BILATERAL, "quality": Quality.PRESSING, "peak_intensity": 3}, Status.NOT_MET),
        ({"side": Side.BILATERAL, "aggravated_by_activity": False}, Status.MET),
        ({"side": None, "quality": None, "aggravated_by_activity": False}, Status.UNKNOWN),
        (
            {"side": None, "quality": Quality.PRESSING, "peak_intensity": 3, "aggravated_by_activity": False},
            Status.NOT_MET,
        ),
        ({"side": None, "quality": Quality.PRESSING, "aggravated_by_activity": False}, Status.UNKNOWN),
    ],
)
def test_it_needs_two_of_four_pain_characteristics(changes: dict[str, object], expected: Status) -> None:
    c = classify(migraine("a", T0, **changes), age=30)
    assert c.criterion("1.1 C").status is expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nausea": False, "vomiting": True, "photophobia": False, "phonophobia": False}, Status.MET),
        ({"nausea": False, "photophobia": True, "phonophobia": False}, Status.NOT_MET),
        ({"nausea": False, "photophobia": True, "phonophobia": None}, Status.UNKNOWN),
        ({"nausea": None, "vomiting": None, "photophobia": False}, Status.UNKNOWN),
        ({"nausea": None, "photophobia": True, "phonophobia": True}, Status.MET),
    ],
)
def test_it_needs_nausea_or_both_photophobia_and_phonophobia(
    changes: dict[str, object], expected: Status
) -> None:
    assert classify(migraine("a", T0, **changes), age=30).criterion("1.1 D").status is expected


def test_it_treats_a_missing_answer_as_unknown_never_as_no() -> None:
    a = migraine("a", T0, nausea=None, vomiting=None, photophobia=None, phonophobia=None)
    c = classify(a, age=30)
    assert c.criterion("1.1 D").status is Status.UNKNOWN
    assert c.type is AttackType.PROBABLE_MIGRAINE
    assert AttackType.MIGRAINE_LIKE in c.possible_types


def test_it_calls_a_bilateral_pressing_mild_attack_tension_type_like() -> None:
    c = classify(tension("t", T0), age=30)
    assert c.type is AttackType.TENSION_TYPE_LIKE


def test_it_prefers_definite_tension_type_over_probable_migraine() -> None:
    # Meets 2 B-D and 2 of 1.1 B-D (B and C: pulsating + aggravated? no) -> TTH wins (ICHD-3 2.2 comment).
    a = tension(
        "t", T0, hours=5, quality=Quality.PULSATING, aggravated_by_activity=False, side=Side.UNILATERAL
    )
    c = classify(a, age=30)
    assert c.criterion("1.1 C").value is True  # unilateral + pulsating
    assert c.type is AttackType.TENSION_TYPE_LIKE


def _aura(n_chars: int) -> tuple[AuraSymptom, ...]:
    """A visual aura meeting exactly ``n_chars`` of the six 1.2 C characteristics
    (spread, duration, positive, unilateral, headache-within-60 in that order)."""
    s = T0 - timedelta(minutes=40)
    order = ["headache", "duration", "spread", "positive", "unilateral"]
    on = set(order[:n_chars])
    return (
        AuraSymptom(
            AuraType.VISUAL,
            start=s if "headache" in on else s - timedelta(hours=5),
            duration_minutes=20 if "duration" in on else 3,
            spread_gradually="spread" in on,
            unilateral="unilateral" in on,
            positive="positive" in on,
        ),
    )


def test_it_needs_three_of_six_aura_characteristics() -> None:
    three = classify(migraine("a", T0, aura=_aura(3)), age=30)
    two = classify(migraine("a", T0, aura=_aura(2)), age=30)
    assert three.criterion("1.2 C").status is Status.MET
    assert three.type is AttackType.MIGRAINE_WITH_AURA
    assert two.criterion("1.2 C").status is Status.NOT_MET
    assert two.type is AttackType.MIGRAINE_LIKE  # the headache still meets 1.1 B-D


def test_it_calls_aura_with_two_characteristics_and_a_tension_headache_probable() -> None:
    a = migraine("a", T0, hours=3, aura=_aura(2), nausea=False, photophobia=False)
    c = classify(a, age=30)
    assert c.criterion("1.2 B").value is True
    assert c.type in {AttackType.PROBABLE_MIGRAINE, AttackType.TENSION_TYPE_LIKE}


def test_it_counts_succession_and_aphasia_as_unilateral() -> None:
    s = T0 - timedelta(minutes=50)
    aura = (
        AuraSymptom(
            AuraType.VISUAL,
            start=s,
            duration_minutes=20,
            spread_gradually=False,
            unilateral=False,
            positive=False,
        ),
        AuraSymptom(
            AuraType.SPEECH,
            start=s + timedelta(minutes=15),
            duration_minutes=20,
            spread_gradually=False,
            positive=False,
        ),
    )
    c = classify(migraine("a", T0, aura=aura), age=30)
    reason = c.criterion("1.2 C").reason
    assert ">=2 symptoms in succession: yes" in reason
    assert ">=1 symptom unilateral: yes" in reason
    assert c.criterion("1.2 C").status is Status.MET  # succession, duration, unilateral, headache


def test_it_allows_motor_aura_up_to_72_hours() -> None:
    s = T0 - timedelta(minutes=30)
    motor = AuraSymptom(AuraType.MOTOR, start=s, duration_minutes=600, spread_gradually=True, unilateral=True)
    c = classify(migraine("a", T0, aura=(motor,)), age=30)
    assert "each symptom lasts 5-60 min: yes" in c.criterion("1.2 C").reason
    assert c.criterion("1.2.1").value is False  # motor aura is not typical aura


def test_it_recognises_typical_aura() -> None:
    c = classify(migraine("a", T0, aura=_aura(4)), age=30)
    assert c.type is AttackType.MIGRAINE_WITH_AURA
    assert c.typical_aura is True


def test_it_leaves_aura_unknown_when_the_question_was_not_answered() -> None:
    c = classify(migraine("a", T0, aura=None), age=30)
    assert c.criterion("1.2 B").status is Status.UNKNOWN
    assert c.type is AttackType.MIGRAINE_LIKE
    assert c.possible_types == (AttackType.MIGRAINE_WITH_AURA,)


def test_it_cannot_call_an_attack_without_an_end_migraine_like() -> None:
    a = migraine("a", T0)
    from dataclasses import replace

    c = classify(replace(a, end=None), age=30)
    assert c.criterion("1.1 B").status is Status.UNKNOWN
