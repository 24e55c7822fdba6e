"""Safety screen (SNNOOP10, CST contraindications) and questionnaire scoring."""

from __future__ import annotations

import pytest

from headwise.clinical import (
    SAFETY_RULES,
    AnalysisError,
    Effect,
    Outcome,
    RuleKind,
    SafetyRule,
    band_hit6,
    builtin_rules,
    evaluate_safety,
    score_midas,
    score_phq4,
)

ALL_NO = {r.id: "no" for r in SAFETY_RULES}


def test_it_clears_when_every_answer_is_no() -> None:
    r = evaluate_safety(ALL_NO, age_at_onset=30)
    assert r.outcome is Outcome.CLEARED
    assert r.reasons == ()


def test_it_refers_on_any_red_flag() -> None:
    for rule in SAFETY_RULES:
        if rule.kind is RuleKind.RED_FLAG:
            assert evaluate_safety({**ALL_NO, rule.id: "yes"}).outcome is Outcome.REFER


def test_it_cautions_on_anticoagulants_and_refers_on_recent_concussion() -> None:
    assert evaluate_safety({**ALL_NO, "contraindication.clotting": "yes"}).outcome is Outcome.CAUTION
    r = evaluate_safety({**ALL_NO, "contraindication.brain_injury": "yes"})
    assert r.outcome is Outcome.REFER
    assert r.reasons[0].effect is Effect.DEFER


def test_it_never_clears_an_unanswered_screen() -> None:
    r = evaluate_safety({})
    assert r.outcome is Outcome.CAUTION
    assert all(x.text.startswith("not answered") for x in r.reasons)


def test_it_applies_the_onset_age_threshold() -> None:
    answers = {**ALL_NO, "red_flag.older_age_onset": "unknown"}
    assert evaluate_safety(answers, age_at_onset=50).outcome is Outcome.CLEARED
    assert evaluate_safety(answers, age_at_onset=51).outcome is Outcome.REFER
    from dataclasses import replace

    from headwise.clinical import DEFAULT_PARAMETERS

    p65 = replace(DEFAULT_PARAMETERS, red_flag_onset_age=65)
    assert evaluate_safety(answers, age_at_onset=60, parameters=p65).outcome is Outcome.CLEARED


def test_it_reports_disabled_rules() -> None:
    rules = builtin_rules().without({"contraindication.clotting"})
    r = evaluate_safety({**ALL_NO, "contraindication.clotting": "yes"}, rules=rules)
    assert r.outcome is Outcome.CLEARED
    assert r.disabled == ("contraindication.clotting",)


def test_it_evaluates_a_practice_rule_and_refuses_a_reused_id() -> None:
    own = SafetyRule(
        "practice.osteoporosis",
        "Severe osteoporosis?",
        RuleKind.CONTRAINDICATION,
        Effect.CAUTION,
        "practice",
        "local",
    )
    r = evaluate_safety({**ALL_NO, own.id: "yes"}, rules=builtin_rules().with_added(own))
    assert r.outcome is Outcome.CAUTION
    with pytest.raises(AnalysisError, match="built-in id"):
        builtin_rules().with_added(
            SafetyRule("red_flag.papilloedema", "?", RuleKind.RED_FLAG, Effect.REFER, "x", "x")
        )


def test_it_rejects_an_answer_that_is_not_yes_no_or_unknown() -> None:
    with pytest.raises(AnalysisError, match=r"answers\.red_flag\.systemic"):
        evaluate_safety({**ALL_NO, "red_flag.systemic": "maybe"})


@pytest.mark.parametrize(
    ("total", "grade"), [(0, "I"), (5, "I"), (6, "II"), (10, "II"), (11, "III"), (20, "III"), (21, "IV")]
)
def test_it_grades_midas(total: int, grade: str) -> None:
    assert score_midas([total, 0, 0, 0, 0]).grade == grade


def test_it_rejects_midas_items_over_90_days_together() -> None:
    with pytest.raises(AnalysisError, match="items 1 and 2"):
        score_midas([60, 31, 0, 0, 0])
    with pytest.raises(AnalysisError, match=r"midas.items\[4\]"):
        score_midas([0, 0, 0, 0, 91])


@pytest.mark.parametrize(
    ("items", "band"),
    [([1, 1, 0, 0], "none"), ([1, 1, 1, 0], "mild"), ([2, 2, 1, 1], "moderate"), ([3, 3, 3, 0], "severe")],
)
def test_it_bands_phq4(items: list[int], band: str) -> None:
    assert score_phq4(items).band == band


def test_it_flags_phq4_subscales_at_3() -> None:
    s = score_phq4([1, 1, 2, 1])
    assert (s.anxiety_positive, s.depression_positive) == (False, True)


def test_it_bands_hit6_and_rejects_impossible_totals() -> None:
    assert band_hit6(36).band == "little_or_none"
    assert band_hit6(78).band == "severe"
    with pytest.raises(AnalysisError, match="hit6.total"):
        band_hit6(35)
