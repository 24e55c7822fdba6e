"""The cadence rules, on hand-computed cases (headwise.clinical.cadence)."""

from __future__ import annotations

import datetime as dt

import pytest

from headwise.clinical import AnalysisError
from headwise.clinical.cadence import (
    CadenceRules,
    Phase,
    Rule,
    Window,
    evaluate,
    next_session_on,
)

TODAY = dt.date(2026, 3, 31)


def base(recorded: int = 28, migraine: int = 12) -> Window:
    return Window(dt.date(2026, 1, 1), dt.date(2026, 1, 28), recorded, migraine)


def recent(recorded: int = 28, migraine: int = 6) -> Window:
    return Window(TODAY - dt.timedelta(days=27), TODAY, recorded, migraine)


def test_it_moves_on_when_migraine_days_per_recorded_day_have_halved() -> None:
    # baseline 12/28 x 28 = 12.0; recent 6/28 x 28 = 6.0; change 6/12 - 1 = -0.5 exactly.
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(), today=TODAY)
    assert (s.rule, s.suggested) == (Rule.MOVE_ON, Phase.STABILISING)
    assert s.change == pytest.approx(-0.5)
    assert s.changes_phase


def test_it_stays_when_the_fall_is_just_short_of_half() -> None:
    # recent 7/28 -> 7.0 per 28: a fall of 41.7 %, under 50 %.
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(migraine=7), today=TODAY)
    assert (s.rule, s.suggested) == (Rule.STAY, Phase.INTENSIVE)
    assert s.change == pytest.approx(7 / 12 - 1)


def test_it_compares_rates_per_recorded_day_not_raw_counts() -> None:
    # 5 migraine days on 21 recorded days is 6.67 per 28: a fall of 44 %, not the 58 % 5 vs 12 suggests.
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(recorded=21, migraine=5), today=TODAY)
    assert s.rule == Rule.STAY
    assert s.recent.rate == pytest.approx(5 / 21 * 28)
    assert s.change == pytest.approx((5 / 21 * 28) / 12 - 1)


def test_it_says_so_when_the_recent_period_has_too_few_diary_days() -> None:
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(recorded=19, migraine=0), today=TODAY)
    assert (s.rule, s.suggested, s.short) == (Rule.TOO_FEW_DAYS, Phase.INTENSIVE, ("recent",))
    assert s.change is None


def test_it_says_so_when_the_baseline_has_too_few_diary_days() -> None:
    s = evaluate(
        phase=Phase.STABILISING, baseline=base(recorded=10, migraine=9), recent=recent(), today=TODAY
    )
    assert (s.rule, s.short) == (Rule.TOO_FEW_DAYS, ("baseline",))


def test_twenty_recorded_days_are_enough() -> None:
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(recorded=20, migraine=4), today=TODAY)
    assert s.rule == Rule.MOVE_ON  # 4/20 x 28 = 5.6 against 12: -53 %


def test_it_steps_back_on_a_relapse_to_the_baseline_level() -> None:
    s = evaluate(phase=Phase.MAINTENANCE, baseline=base(), recent=recent(migraine=12), today=TODAY)
    assert (s.rule, s.suggested) == (Rule.RELAPSE, Phase.STABILISING)
    assert s.change == pytest.approx(0.0)


def test_it_does_not_step_back_from_intensive() -> None:
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(migraine=14), today=TODAY)
    assert (s.rule, s.suggested) == (Rule.STAY, Phase.INTENSIVE)


def test_it_does_not_move_on_from_maintenance() -> None:
    s = evaluate(phase=Phase.MAINTENANCE, baseline=base(), recent=recent(migraine=1), today=TODAY)
    assert (s.rule, s.suggested) == (Rule.STAY, Phase.MAINTENANCE)


def test_a_baseline_without_migraine_days_gives_nothing_to_compare() -> None:
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(migraine=0), recent=recent(migraine=0), today=TODAY)
    assert (s.rule, s.change) == (Rule.STAY, None)


def test_a_warning_sign_in_maintenance_offers_an_earlier_slot() -> None:
    sign = TODAY - dt.timedelta(days=2)
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(migraine=2),
        today=TODAY,
        warning_dates=frozenset({sign}),
    )
    assert (s.rule, s.suggested, s.warning_on) == (Rule.WARNING_SIGN, Phase.MAINTENANCE, sign)
    assert s.earlier_by == TODAY + dt.timedelta(days=7)
    assert not s.changes_phase


def test_a_warning_sign_counts_even_with_too_few_diary_days() -> None:
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(recorded=5, migraine=0),
        today=TODAY,
        warning_dates=frozenset({TODAY}),
    )
    assert s.rule == Rule.WARNING_SIGN


def test_a_warning_sign_before_the_last_session_or_outside_the_window_offers_nothing() -> None:
    old = TODAY - dt.timedelta(days=7)  # the window is today and the 6 days before
    seen = TODAY - dt.timedelta(days=3)
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(migraine=2),
        today=TODAY,
        warning_dates=frozenset({old, seen}),
        last_session=seen,
    )
    assert s.rule == Rule.STAY


def test_a_warning_sign_outside_maintenance_changes_nothing() -> None:
    s = evaluate(
        phase=Phase.STABILISING,
        baseline=base(),
        recent=recent(migraine=8),
        today=TODAY,
        warning_dates=frozenset({TODAY}),
    )
    assert s.rule == Rule.STAY


def test_a_relapse_outranks_a_warning_sign() -> None:
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(migraine=13),
        today=TODAY,
        warning_dates=frozenset({TODAY}),
    )
    assert s.rule == Rule.RELAPSE


def _days(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    return frozenset(first + dt.timedelta(days=i) for i in range((last - first).days + 1))


def test_the_end_of_an_attack_free_streak_offers_an_earlier_slot() -> None:
    # Migraine on 1 Mar, then recorded days 2-29 Mar without one (28 days), migraine on 30 Mar.
    recorded = _days(dt.date(2026, 3, 1), TODAY)
    migraine = frozenset({dt.date(2026, 3, 1), dt.date(2026, 3, 30)})
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(migraine=2),
        today=TODAY,
        migraine_dates=migraine,
        recorded_dates=recorded,
    )
    assert s.rule == Rule.STREAK_ENDED
    assert s.streak is not None and (s.streak.recorded_days, s.streak.ended_on) == (28, dt.date(2026, 3, 30))


def test_missing_days_do_not_make_a_streak() -> None:
    # The same, but 10 of those days were not recorded: 18 recorded migraine-free days are no streak.
    recorded = _days(dt.date(2026, 3, 1), TODAY) - _days(dt.date(2026, 3, 5), dt.date(2026, 3, 14))
    migraine = frozenset({dt.date(2026, 3, 1), dt.date(2026, 3, 30)})
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(recorded=18, migraine=2),
        today=TODAY,
        migraine_dates=migraine,
        recorded_dates=recorded,
    )
    assert s.rule == Rule.TOO_FEW_DAYS
    assert s.streak is None


def test_switched_off_rules_do_not_fire() -> None:
    rules = CadenceRules(move_on=False, warning_sign=False)
    s = evaluate(phase=Phase.INTENSIVE, baseline=base(), recent=recent(), today=TODAY, rules=rules)
    assert s.rule == Rule.STAY
    s = evaluate(
        phase=Phase.MAINTENANCE,
        baseline=base(),
        recent=recent(migraine=2),
        today=TODAY,
        rules=rules,
        warning_dates=frozenset({TODAY}),
    )
    assert s.rule == Rule.STAY


def test_a_practice_can_ask_for_a_stricter_fall() -> None:
    rules = CadenceRules(move_on_percent=75)
    s = evaluate(
        phase=Phase.STABILISING, baseline=base(), recent=recent(migraine=3), today=TODAY, rules=rules
    )
    assert (s.rule, s.suggested) == (Rule.MOVE_ON, Phase.MAINTENANCE)  # 3 vs 12: -75 %
    s = evaluate(
        phase=Phase.STABILISING, baseline=base(), recent=recent(migraine=4), today=TODAY, rules=rules
    )
    assert s.rule == Rule.STAY


@pytest.mark.parametrize(
    ("name", "value"),
    [("min_recorded_days", 29), ("move_on_percent", 0), ("window_days", 3), ("early_slot_days", True)],
)
def test_rules_out_of_range_are_refused_naming_the_field(name: str, value: int) -> None:
    with pytest.raises(AnalysisError) as caught:
        CadenceRules(**{name: value})
    assert caught.value.field == name


def test_the_next_session_is_the_last_plus_the_interval_never_in_the_past() -> None:
    assert next_session_on(last_session=dt.date(2026, 3, 28), interval_days=7, today=TODAY) == dt.date(
        2026, 4, 4
    )
    assert next_session_on(last_session=dt.date(2026, 3, 1), interval_days=7, today=TODAY) == TODAY
    assert next_session_on(
        last_session=dt.date(2026, 3, 28), interval_days=28, today=TODAY, earlier_by=dt.date(2026, 4, 7)
    ) == dt.date(2026, 4, 7)
