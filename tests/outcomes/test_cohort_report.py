"""The cohort report's numbers against a plain loop over its clients (an independent
computation of eligibility, pooling, groups and intervals from the same period counts)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.utils import timezone
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from headwise.demo import generator as g
from headwise.demo import loader
from headwise.outcomes import cohort
from headwise.practice.models import Practitioner

pytestmark = pytest.mark.django_db


def test_the_report_equals_a_loop_over_the_clients() -> None:
    config = loader.demo_config(clients=40, days=240, seed=21, true_effect=1.0, now=timezone.now())
    practice = loader.load(g.generate(config)).practice
    counts = cohort.cohort_counts(practice)
    report = cohort.cohort_report(practice)
    r = counts.read
    per_client: dict[int, dict[str, float]] = {}
    dropped, at_risk = [], []
    for k in range(r.client_pk.size):
        rows = [
            (int(i), int(m), int(rec), int(start))
            for i, m, rec, start, d in zip(
                counts.period_index,
                counts.migraine,
                counts.recorded,
                counts.period_start,
                counts.period_diary,
                strict=True,
            )
            if d == k
        ]
        today = int(r.today[k])
        base = [x for x in rows if x[0] == r.baseline_period[k]][0]
        after = [x for x in rows if x[0] > r.baseline_period[k] and x[3] + 27 < today]
        first3 = after[:3]
        days = 28 * len(first3)
        rec = sum(x[2] for x in first3)
        if base[2] >= 23 and first3 and rec >= days / 2:
            b = base[1] / base[2] * 28
            f = sum(x[1] for x in first3) / rec * 28
            per_client[k] = {"b": b, "f": f}
        if today - r.first_session[k] >= 56:
            at_risk.append(k)
            quiet = today - r.last_activity[k] >= 56
            dropped.append(bool((r.plan_active[k] and quiet) or r.plan_ended_early[k]))
    everyone = report.rows[0]
    assert everyone.dimension == "all" and everyone.n_clients == len(per_client) == report.n_enough
    changes = np.array([v["f"] - v["b"] for v in per_client.values()])
    assert everyone.change.estimate == pytest.approx(changes.mean())
    low, high = DescrStatsW(changes).tconfint_mean(alpha=0.05)
    assert (everyone.change.low, everyone.change.high) == pytest.approx((low, high))
    with_base = [v for v in per_client.values() if v["b"] > 0]
    k50 = sum((v["b"] - v["f"]) / v["b"] >= 0.5 - 1e-12 for v in with_base)
    assert (everyone.responders[50].k, everyone.responders[50].n) == (k50, len(with_base))
    lo, hi = proportion_confint(k50, len(with_base), alpha=0.05, method="wilson")
    assert (everyone.responders[50].low, everyone.responders[50].high) == pytest.approx((lo, hi))
    assert everyone.dropout is not None
    assert (everyone.dropout.k, everyone.dropout.n) == (sum(dropped), len(at_risk))
    # By practitioner: the same clients, split by their first session's practitioner.
    names = dict(Practitioner.objects.filter(practice=practice).values_list("pk", "display_name"))
    for row in (x for x in report.rows if x.dimension == "practitioner"):
        mine = [k for k in per_client if names.get(int(r.practitioner[k])) == row.label]
        assert row.n_clients == len(mine)
        if mine:
            expected = np.mean([per_client[k]["f"] - per_client[k]["b"] for k in mine])
            assert row.change.estimate == pytest.approx(expected)
        else:
            assert math.isnan(row.change.estimate)
    # Every client with enough data counts once in every dimension but phase.
    for dimension in ("practitioner", "location"):
        assert sum(x.n_clients for x in report.rows if x.dimension == dimension) == everyone.n_clients
