"""The pure generator: determinism, the planted effect, trigger associations, missing days."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest

from headwise.clinical import Substance
from headwise.clinical.medicines import substance_for_name
from headwise.clinical.safety import SAFETY_RULES
from headwise.demo.generator import (
    TRIGGERS,
    DemoConfig,
    DemoConfigError,
    DemoData,
    generate,
    phase_of_day,
    simulate_diaries,
)

TODAY = dt.date(2026, 3, 10)


def config(**overrides: object) -> DemoConfig:
    base: dict[str, object] = {"clients": 300, "days": 200, "seed": 3, "today": TODAY, "now_minute": 11 * 60}
    return DemoConfig(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def no_effect() -> DemoData:
    return generate(config(true_effect=1.0))


@pytest.fixture(scope="module")
def half() -> DemoData:
    return generate(config(true_effect=0.5))


def test_it_is_deterministic_for_a_seed() -> None:
    a, b = generate(config(clients=20, days=90)), generate(config(clients=20, days=90))
    other = generate(config(clients=20, days=90, seed=4))
    assert a.truth() == b.truth()
    for name in ("onset", "recorded", "sleep_hours", "stress"):
        np.testing.assert_array_equal(getattr(a.days, name), getattr(b.days, name))
    np.testing.assert_array_equal(a.attacks.start_minute, b.attacks.start_minute)
    assert [len(c.visits) for c in a.care] == [len(c.visits) for c in b.care]
    assert not np.array_equal(a.days.onset, other.days.onset)


def test_it_shows_the_true_effect_in_onset_rates(no_effect: DemoData, half: DemoData) -> None:
    treated = no_effect.days.treated
    assert treated.sum() > 30_000  # enough treated client-days for a tight ratio
    # Same seed, same uniform draws: before therapy the two worlds are identical...
    np.testing.assert_array_equal(no_effect.days.onset[~treated], half.days.onset[~treated])
    # ...after it, care multiplies each day's onset probability by R = 0.5 with the same uniforms,
    # so every onset with care is also one without, and each survives with probability 0.5: the
    # count is Binomial(N, 0.5) given the N onsets of the world without care. (The old generator
    # scaled the hazard before the trigger odds and a 0.95 cap, and realised about 0.56.)
    n = no_effect.days.onset[treated].sum()
    # (Today's attacks after "now" are dropped per world, so today is left out of this check.)
    assert not (half.days.onset[:, :-1] & ~no_effect.days.onset[:, :-1]).any()
    ratio = half.days.onset[treated].sum() / n
    assert abs(ratio - 0.5) < 4 * math.sqrt(0.25 / n)
    # The declared estimand per client is that ratio.
    declared = [p.true_rate_ratio for p in half.clients if p.therapy_start is not None]
    assert declared == pytest.approx([0.5] * len(declared), rel=1e-12)
    # Also for the high-frequency and chronic clients, where the odds scale bent the old ratio most.
    frequent = np.array([p.base_rate >= 8 for p in half.clients])[:, None] & treated
    n = no_effect.days.onset[frequent].sum()
    assert abs(half.days.onset[frequent].sum() / n - 0.5) < 4 * math.sqrt(0.25 / n)


def test_the_effect_can_vary_between_clients_and_with_the_phase() -> None:
    base = config(days=400)
    plain = simulate_diaries(base)
    varied = simulate_diaries(replace(base, true_effect=0.8, effect_sd=0.4, phase_effects=(1.0, 0.8, 0.6)))
    r = varied.phase_ratios  # (clients, 3): the client's R in each phase
    assert r[:, 0].std() > 0.2 and abs(np.log(r[:, 0]).mean() - math.log(0.8)) < 3 * 0.4 / math.sqrt(300)
    np.testing.assert_allclose(r[:, 1], np.clip(0.8 * r[:, 0], 0.05, 5))
    np.testing.assert_allclose(r[:, 2], np.clip(0.6 * r[:, 0], 0.05, 5))
    # Realised: onsets with care = sum over the onsets without care of each day's R (thinning).
    since = np.arange(400)[None, :] - varied.therapy_start[:, None]
    for k in range(3):
        in_phase = (since >= 0) & (phase_of_day(since) == k)
        expected = (plain.onset & in_phase).sum(axis=1) @ r[:, k]
        got = (varied.onset & in_phase).sum()
        assert expected > 1000 and abs(got - expected) < 4 * math.sqrt(expected), k
    # The per-client estimand is the expected ratio over that client's treated days.
    treated = varied.therapy_start < 400
    assert np.all(varied.true_rate_ratio[treated] >= r[treated].min(axis=1) - 1e-12)
    assert np.all(varied.true_rate_ratio[treated] <= r[treated].max(axis=1) + 1e-12)
    assert np.isnan(varied.true_rate_ratio[~treated]).all()


def test_a_later_booking_leaves_diary_periods_before_the_baseline() -> None:
    data = generate(config(booking_after_days=112, days=300))
    for p in data.clients:
        if p.therapy_start is not None:
            assert 112 <= p.therapy_start - p.diary_start <= 112 + 42 or p.therapy_start == 300 - 14


def test_it_builds_in_regression_to_the_mean(no_effect: DemoData) -> None:
    truth = no_effect.truth()
    assert truth["true_effect"] == 1.0
    # Therapy starts after the worst four weeks, so naive before/after "improves" without effect.
    assert truth["summary"]["naive_after_over_baseline_onset_ratio"] < 0.85


def _mantel_haenszel(data: DemoData, k: int, clients: np.ndarray) -> float:
    """Odds ratio of an onset on exposed days, stratified by client."""
    num = den = 0.0
    for i in np.flatnonzero(clients):
        x, y = data.days.exposure[i, :, k], data.days.onset[i]
        n = x.size
        num += (x & y).sum() * (~x & ~y).sum() / n
        den += (x & ~y).sum() * (~x & y).sum() / n
    return num / den


@pytest.mark.parametrize("trigger", ["sleep", "stress", "alcohol", "screen"])
def test_it_plants_the_documented_trigger_association(no_effect: DemoData, trigger: str) -> None:
    k = TRIGGERS.index(trigger)
    has = np.array([trigger in p.triggers for p in no_effect.clients])
    assert has.sum() >= 30
    assert _mantel_haenszel(no_effect, k, has) > 1.7  # true odds ratios are 1.8 to 3.5
    assert 0.85 < _mantel_haenszel(no_effect, k, ~has) < 1.18  # and none for the others
    truth = no_effect.truth()["clients_truth"]
    documented = [any(t["trigger"] == trigger for t in c["triggers"]) for c in truth]
    assert documented == has.tolist()


def test_it_leaves_days_missing_in_runs(no_effect: DemoData) -> None:
    days = no_effect.days
    kept = days.recorded.mean()
    assert 0.6 < kept < 0.95
    runs = [np.diff(np.flatnonzero(row)) for row in days.recorded]
    assert max(int(r.max()) for r in runs if r.size) >= 5  # gaps of several days
    # Attacks are recorded only on kept days; some attacks fell on missing days and are absent.
    assert days.recorded[no_effect.attacks.client, no_effect.attacks.day].all()
    assert no_effect.attacks.client.size < days.onset.sum()
    assert (days.onset & ~days.recorded).any()


def test_it_leaves_some_features_unanswered(no_effect: DemoData) -> None:
    at = no_effect.attacks
    for name in ("nausea", "photophobia", "phonophobia", "aggravated", "side", "quality"):
        values = getattr(at, name)
        assert (values == -1).any() and (values >= 0).mean() > 0.7


def test_it_screens_with_the_clinical_rule_ids(no_effect: DemoData) -> None:
    ids = {r.id for r in SAFETY_RULES}
    outcomes = [p.screening_outcome for p in no_effect.clients]
    assert all(set(p.screening_answers) == ids for p in no_effect.clients)
    assert outcomes.count("refer") == 2 and outcomes.count("caution") >= 10
    assert outcomes.count("cleared") > 0.8 * len(outcomes)
    never = [p for p in no_effect.clients if p.therapy_start is None]
    assert len(never) == 1 and never[0].screening_outcome == "refer" and not never[0].clinician_cleared


def test_it_follows_the_phase_cadence(no_effect: DemoData) -> None:
    for care in no_effect.care:
        attended = [v for v in care.visits if v.status != "booked"]
        for a, b in zip(attended, attended[1:], strict=False):
            lo, hi = care.phases[a.phase].interval
            assert lo <= b.day - a.day <= hi + 2  # a weekend day moves a visit to the Monday after


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("clients", 0),
        ("days", 41),
        ("true_effect", 0.0),
        ("seed", -1),
        ("effect_sd", -0.1),
        ("effect_sd", 1.5),
        ("phase_effects", (1.0, 1.0)),
        ("phase_effects", (1.0, 0.0, 1.0)),
        ("booking_after_days", 27),
        ("booking_after_days", 190),
    ],
)
def test_it_rejects_bad_options(field: str, value: object) -> None:
    with pytest.raises(DemoConfigError) as err:
        generate(config(**{field: value}))
    assert err.value.field == field


@pytest.mark.parametrize("clients", [40, 300])
def test_a_practitioner_and_a_room_hold_one_appointment_at_a_time(clients: int) -> None:
    """As the booking service (and PostgreSQL's constraints) insist; cancelled visits hold no time.
    Past visits keep their day and stay past; visits ahead stay ahead."""
    data = generate(config(clients=clients, seed=11))
    today, now = data.config.days - 1, data.config.now_minute
    held: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
    for profile, care in zip(data.clients, data.care, strict=True):
        for v in care.visits:
            past = v.day < today or (v.day == today and v.minute + v.duration_minutes <= now)
            assert past == (v.status != "booked"), v
            if v.session is not None:
                assert v.minute <= v.session.started_minute <= v.minute + 5
            if v.status == "cancelled":
                continue
            span = (v.day * 1440 + v.minute, v.day * 1440 + v.minute + v.duration_minutes)
            for key in (("practitioner", profile.practitioner, 0), ("room", profile.location, v.room)):
                assert all(span[1] <= s or e <= span[0] for s, e in held.get(key, [])), (key, v)
                held.setdefault(key, []).append(span)


def test_a_simple_analgesic_intake_says_which_one(no_effect: DemoData) -> None:
    it = no_effect.intakes
    assert len(it.substance) == len(it.name) == it.attack.size
    pairs = set(zip(it.drug_class, it.name, it.substance, strict=True))
    for drug_class, name, substance in pairs:
        if drug_class == "simple_analgesic":
            assert substance == substance_for_name(name).value  # type: ignore[union-attr]
        else:
            assert substance == "", (drug_class, name)
    # All three sub-forms of ICHD-3 8.2.3 occur, so the demo shows each.
    assert {s for s in it.substance if s} == {s.value for s in Substance}
    told = {c["acute_medication"]["substance"] for c in no_effect.truth()["clients_truth"]}
    assert told == {None, "paracetamol", "nsaid", "acetylsalicylic_acid"}


def test_simulate_diaries_draws_exactly_what_generate_draws(no_effect: DemoData) -> None:
    sim = simulate_diaries(no_effect.config)
    # generate() then drops today's onsets after "now" (not yet happened); the rest is identical.
    np.testing.assert_array_equal(sim.onset[:, :-1], no_effect.days.onset[:, :-1])
    np.testing.assert_array_equal(sim.recorded, no_effect.days.recorded)
    starts = [
        p.therapy_start if p.therapy_start is not None else no_effect.config.days for p in no_effect.clients
    ]
    np.testing.assert_array_equal(sim.therapy_start, starts)
