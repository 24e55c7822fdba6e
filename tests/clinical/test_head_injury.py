"""The recent-head-injury rule: a head injury inside the window defers CST (seed advice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from headwise.clinical import (
    DEFAULT_PARAMETERS,
    HEAD_INJURY_RULE,
    SAFETY_RULES,
    AnalysisError,
    Effect,
    Outcome,
    builtin_rules,
    evaluate_safety,
    recent_head_injury,
)

ALL_NO = {r.id: "no" for r in SAFETY_RULES}
TODAY = dt.date(2026, 12, 1)


def test_it_defers_cst_for_an_injury_eleven_days_ago_with_the_days_left() -> None:
    r = evaluate_safety(ALL_NO, head_injuries=[dt.date(2026, 11, 20)], today=TODAY)
    assert r.outcome is Outcome.REFER
    (reason,) = r.reasons
    assert reason.rule_id == HEAD_INJURY_RULE
    assert reason.effect is Effect.DEFER
    assert dict(reason.params) == {
        "injured_on": "2026-11-20",
        "days_since": 11,
        "days_left": 79,
        "window_days": 90,
    }


def test_it_judges_the_window_edges_by_whole_days() -> None:
    window = DEFAULT_PARAMETERS.head_injury_window_days
    inside = TODAY - dt.timedelta(days=window - 1)
    outside = TODAY - dt.timedelta(days=window)
    assert recent_head_injury([inside], today=TODAY, window_days=window)["days_left"] == 1  # type: ignore[index]
    assert recent_head_injury([outside], today=TODAY, window_days=window) is None
    assert evaluate_safety(ALL_NO, head_injuries=[outside], today=TODAY).outcome is Outcome.CLEARED
    assert recent_head_injury([TODAY], today=TODAY, window_days=window)["days_left"] == window  # type: ignore[index]


def test_it_uses_the_latest_of_several_injuries() -> None:
    injuries = [dt.date(2025, 1, 3), dt.date(2026, 10, 1), dt.date(2024, 6, 1)]
    found = recent_head_injury(injuries, today=TODAY, window_days=90)
    assert found is not None and found["injured_on"] == "2026-10-01" and found["days_since"] == 61


def test_the_window_is_a_parameter() -> None:
    p30 = replace(DEFAULT_PARAMETERS, head_injury_window_days=30)
    injured = [dt.date(2026, 10, 15)]  # 47 days before TODAY
    assert evaluate_safety(ALL_NO, head_injuries=injured, today=TODAY).outcome is Outcome.REFER
    assert (
        evaluate_safety(ALL_NO, head_injuries=injured, today=TODAY, parameters=p30).outcome is Outcome.CLEARED
    )


def test_a_yes_without_a_date_still_defers_and_a_no_cannot_hide_a_dated_injury() -> None:
    yes = evaluate_safety({**ALL_NO, HEAD_INJURY_RULE: "yes"}, head_injuries=[], today=TODAY)
    assert yes.outcome is Outcome.REFER and dict(yes.reasons[0].params) == {}
    dated = evaluate_safety(ALL_NO, head_injuries=[dt.date(2026, 11, 30)], today=TODAY)
    assert dated.outcome is Outcome.REFER


def test_no_injuries_listed_answers_no_and_no_list_leaves_the_answer() -> None:
    unanswered = {k: v for k, v in ALL_NO.items() if k != HEAD_INJURY_RULE}
    assert evaluate_safety(unanswered, head_injuries=[], today=TODAY).outcome is Outcome.CLEARED
    assert evaluate_safety(unanswered).outcome is Outcome.CAUTION


def test_a_disabled_rule_ignores_the_injury_and_reports_itself_disabled() -> None:
    rules = builtin_rules().without({HEAD_INJURY_RULE})
    r = evaluate_safety(ALL_NO, head_injuries=[dt.date(2026, 11, 20)], today=TODAY, rules=rules)
    assert r.outcome is Outcome.CLEARED
    assert r.disabled == (HEAD_INJURY_RULE,)


def test_it_refuses_an_injury_after_today_and_dates_without_today() -> None:
    with pytest.raises(AnalysisError, match="head_injuries"):
        evaluate_safety(ALL_NO, head_injuries=[dt.date(2026, 12, 2)], today=TODAY)
    with pytest.raises(AnalysisError, match="today"):
        evaluate_safety(ALL_NO, head_injuries=[dt.date(2026, 11, 2)])
