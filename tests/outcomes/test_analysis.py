"""The pages and the report show the numbers of the pure core, composed once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from headwise.outcomes.analysis import client_analysis
from headwise.outcomes.report import report_context
from headwise.outcomes.selectors import client_outcomes
from headwise.stats.phases import compare_phases
from headwise.stats.rtm import regression_to_mean
from tests.conftest import PracticeWorld
from tests.outcomes.diary import build_year


@pytest.fixture
def year(world: PracticeWorld) -> dict[str, Any]:
    return build_year(world.client, world.records["practitioner"])


def test_it_shows_the_outcomes_of_period_outcomes_for_the_baseline_and_after(
    world: PracticeWorld, year: dict[str, Any]
) -> None:
    analysis = client_analysis(world.client)
    found = client_outcomes(world.client)
    shown = [r for r in analysis.rows if r.kind in ("baseline", "after")]
    expected = [found.baseline, *found.periods]
    assert len(shown) == len(expected)
    for row, p in zip(shown, expected, strict=True):
        assert p is not None
        assert (row.start, row.end, row.recorded_days) == (p.start, p.end, p.recorded_days)
        rate = p.rates["migraine_days"]
        assert (row.migraine.value, row.migraine.low, row.migraine.high) == (rate.per_28, rate.low, rate.high)
    assert analysis.first_session == year["sessions"][0]


def test_it_counts_the_earlier_periods_from_the_same_days(world: PracticeWorld, year: dict[str, Any]) -> None:
    """Periods before the baseline: the same migraine-day counts as the phase model's table."""
    analysis = client_analysis(world.client)
    table = client_outcomes(world.client).table
    assert [r.start for r in analysis.rows] == list(table.period_start)
    counts = [r.migraine.count for r in analysis.rows]
    assert counts == table.migraine_days.tolist()
    assert [r.recorded_days for r in analysis.rows] == table.recorded_days.tolist()
    assert [r.kind for r in analysis.rows].count("before") >= 6


def test_it_reports_the_phase_model_fitted_on_the_same_periods(
    world: PracticeWorld, year: dict[str, Any]
) -> None:
    analysis = client_analysis(world.client)
    table = client_outcomes(world.client).table
    # The reference call, written out: before/baseline by position, the plan phase after it.
    base = table.phase.index("baseline")
    phases = [
        "before"
        if i < base
        else "baseline"
        if i == base
        else (ph if ph in ("intensive", "stabilising", "maintenance") else "treatment")
        for i, ph in enumerate(table.phase)
    ]
    index = np.arange(len(phases))
    expected = compare_phases(
        table.migraine_days, table.recorded_days, phases, index, month_of_year=table.month_of_year
    )
    rtm = regression_to_mean(
        table.migraine_days, table.recorded_days, phases, index, month_of_year=table.month_of_year
    )
    assert analysis.model is not None and expected.treatment is not None
    assert analysis.model.rate_ratio == pytest.approx(expected.treatment.estimate)
    assert (analysis.model.low, analysis.model.high) == pytest.approx(
        (expected.treatment.low, expected.treatment.high)
    )
    assert analysis.model.periods == expected.periods
    assert analysis.rtm is not None and rtm.beyond is not None
    assert analysis.rtm.assessable
    assert analysis.rtm.beyond_ratio == pytest.approx(rtm.beyond.estimate)
    assert analysis.rtm.usual == pytest.approx(rtm.usual_per_28_days)


def test_the_report_shows_the_pages_numbers(world: PracticeWorld, year: dict[str, Any]) -> None:
    page = client_analysis(world.client)
    report = report_context(world.client)["analysis"]
    assert report == page


def test_it_has_no_model_without_a_session(world: PracticeWorld) -> None:
    world.records["session"].delete()
    analysis = client_analysis(world.client)
    assert analysis.first_session is None
    assert analysis.model is None and analysis.rtm is None
    assert all(r.kind == "period" for r in analysis.rows)


def test_it_says_the_change_cannot_be_separated_without_earlier_diary(world: PracticeWorld) -> None:
    build_year(world.client, world.records["practitioner"], days=200, therapy_days_ago=172)
    analysis = client_analysis(world.client)
    assert [r.kind for r in analysis.rows].count("before") == 0
    assert analysis.rtm is not None and not analysis.rtm.assessable


def test_without_earlier_diary_it_uses_the_usual_level_given_at_intake(
    world: PracticeWorld,
) -> None:
    from django.utils import timezone

    from headwise.clients.models import Intake
    from headwise.stats.rtm import RtmStatus

    build_year(world.client, world.records["practitioner"], days=200, therapy_days_ago=172)
    Intake.objects.create(
        practice=world.practice, client=world.client, migraine_days_per_month=4, submitted_at=timezone.now()
    )
    analysis = client_analysis(world.client)
    assert analysis.rtm is not None
    assert analysis.rtm.code == RtmStatus.INTAKE
    assert analysis.rtm.assessable
    # the usual level is the client's own figure, scaled from a month to 28 days
    assert analysis.rtm.usual is not None and 3.0 < analysis.rtm.usual <= 4.0


def test_an_unsubmitted_intake_gives_no_usual_level(world: PracticeWorld) -> None:
    from headwise.clients.models import Intake
    from headwise.outcomes.analysis import usual_migraine_days

    Intake.objects.create(practice=world.practice, client=world.client, migraine_days_per_month=4)
    assert usual_migraine_days(world.client) is None
