"""Diary-level suggestions: ICHD-3 1.1 A, 1.2 A, 1.3, 2.x and 8.2 thresholds."""

from __future__ import annotations

from datetime import timedelta

from headwise.clinical import DrugClass, SuggestionStatus, classify_diary, days, suggest_diagnoses
from headwise.clinical.diagnosis import medication_overuse
from tests.clinical.factories import START, at, diary, intake, migraine, tension

S = SuggestionStatus


def _suggest(d):  # type: ignore[no-untyped-def]
    classes = classify_diary(d)
    return {s.code: s for s in suggest_diagnoses(d, classes, days(d, classifications=classes))}


def _attacks(n: int) -> tuple:  # type: ignore[type-arg]
    return tuple(migraine(f"a{i}", at(START + timedelta(days=2 * i))) for i in range(n))


def test_it_suggests_migraine_without_aura_from_5_attacks() -> None:
    s = _suggest(diary(_attacks(5)))
    assert s["1.1"].status is S.SUGGESTED
    assert s["1.1"].label == "suggestion for a clinician"
    assert len(s["1.1"].evidence) == 5
    assert s["1.5.1"].status is S.EXCLUDED


def test_it_warns_at_4_attacks_and_suggests_probable_migraine() -> None:
    s = _suggest(diary(_attacks(4)))
    assert s["1.1"].status is S.APPROACHING
    assert s["1.5.1"].status is S.SUGGESTED


def test_it_says_unknown_when_missing_answers_could_reach_5_attacks() -> None:
    attacks = (
        *_attacks(4),
        migraine("x", at(START + timedelta(days=20)), nausea=None, vomiting=None, photophobia=None),
    )
    assert _suggest(diary(attacks))["1.1"].status is S.UNKNOWN


def test_it_says_insufficient_data_for_chronic_migraine_in_a_short_diary() -> None:
    s = _suggest(diary(_attacks(10), n_days=84))
    assert s["1.3"].status is S.INSUFFICIENT_DATA
    assert "3 months" in s["1.3"].reason


def _chronic(headache_days: int, migraine_days: int = 9, triptan_days: int = 0, para: int = 0, ibu: int = 0):  # type: ignore[no-untyped-def]
    attacks, intakes = [], []
    for k in range(4 * 28):
        day, j = START + timedelta(days=k), k % 28
        if j < migraine_days:
            attacks.append(migraine(f"a{k}", at(day)))
        elif j < headache_days:
            attacks.append(tension(f"a{k}", at(day)))
        if j < triptan_days:
            intakes.append(intake(f"t{k}", at(day, 9), DrugClass.TRIPTAN))
        if triptan_days <= j < triptan_days + para:
            intakes.append(intake(f"p{k}", at(day, 9), DrugClass.SIMPLE_ANALGESIC, "paracetamol"))
        elif para <= j < para + ibu and not triptan_days:
            intakes.append(intake(f"i{k}", at(day, 9), DrugClass.SIMPLE_ANALGESIC, "ibuprofen"))
    return diary(tuple(attacks), tuple(intakes), n_days=4 * 28)


def test_it_suggests_chronic_migraine_at_15_headache_days() -> None:
    assert _suggest(_chronic(15))["1.3"].status is S.SUGGESTED


def test_it_warns_at_14_headache_days() -> None:
    assert _suggest(_chronic(14))["1.3"].status is S.APPROACHING


def test_it_needs_8_migraine_feature_days_for_chronic_migraine() -> None:
    assert _suggest(_chronic(16, migraine_days=8))["1.3"].status is S.SUGGESTED
    assert _suggest(_chronic(16, migraine_days=7))["1.3"].status is S.APPROACHING


def test_it_lets_chronic_migraine_exclude_tension_type_headache() -> None:
    s = _suggest(_chronic(20))
    assert s["2.3"].status is S.EXCLUDED
    assert "1.3 note 1" in s["2.3"].reason


def test_it_suggests_triptan_overuse_at_10_days() -> None:
    s = _suggest(_chronic(15, triptan_days=10))
    assert s["8.2.2"].status is S.SUGGESTED
    assert s["1.3"].status is S.SUGGESTED  # 1.3 and 8.2 coexist


def test_it_does_not_suggest_triptan_overuse_at_9_days_but_warns() -> None:
    d = _chronic(15, triptan_days=9)
    s = _suggest(d)
    assert s["8.2.2"].status is S.NOT_SUGGESTED
    mo = medication_overuse(days(d))
    triptan = next(c for c in mo.classes if c.drug_class is DrugClass.TRIPTAN)
    assert triptan.status == "approaching_threshold"
    assert any("one day below" in w for w in mo.warnings)


def test_it_adds_paracetamol_and_ibuprofen_days_within_one_class() -> None:
    s = _suggest(_chronic(15, para=8, ibu=7))
    assert s["8.2.3"].status is S.SUGGESTED
    s14 = _suggest(_chronic(15, para=8, ibu=6))
    assert s14["8.2.3"].status is S.NOT_SUGGESTED


def test_it_suggests_multiple_class_overuse_when_classes_add_up() -> None:
    s = _suggest(_chronic(15, triptan_days=5, para=5))
    assert s["8.2.2"].status is S.NOT_SUGGESTED
    assert s["8.2.6"].status is S.SUGGESTED


def test_it_treats_missing_days_as_unknown_not_as_headache_free() -> None:
    d = _chronic(14)
    rec = d.recorded_dates - {START + timedelta(days=20 + 28 * k) for k in range(4)}
    s = _suggest(diary(d.attacks, d.intakes, rec))
    assert s["1.3"].status is S.UNKNOWN


def test_it_needs_2_aura_attacks_for_migraine_with_aura() -> None:
    from tests.clinical.test_classify import _aura

    one = (migraine("a", at(START), aura=_aura(4)),)
    two = (*one, migraine("b", at(START + timedelta(days=3)), aura=_aura(4)))
    assert _suggest(diary(one))["1.2"].status is S.APPROACHING
    assert _suggest(diary(one))["1.5.2"].status is S.SUGGESTED
    assert _suggest(diary(two))["1.2"].status is S.SUGGESTED
    assert _suggest(diary(two))["1.2.1.1"].status is S.SUGGESTED
    assert _suggest(diary(two))["1.2.1.2"].status is S.NOT_SUGGESTED


def test_it_suggests_frequent_episodic_tension_type_headache() -> None:
    attacks = tuple(tension(f"t{k}", at(START + timedelta(days=k))) for k in range(0, 4 * 28, 5))
    s = _suggest(diary(attacks, n_days=4 * 28, diagnosed=None))
    assert s["2.2"].status is S.SUGGESTED
    assert s["2.1"].status is S.NOT_SUGGESTED
    assert s["2.3"].status is S.NOT_SUGGESTED
