"""Days and periods (docs/clinical-definitions.md): midnight, DST, missing days, rates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from headwise.clinical import (
    DEFAULT_PARAMETERS,
    ROWS,
    Attack,
    DrugClass,
    MigraineDayDefinition,
    Pain,
    calendar_months,
    classify_diary,
    cohort_period_counts,
    days,
    mark_days,
    periods,
)
from headwise.clinical._cohort import or_runs, unpack_byte_rows
from headwise.clinical.days import ATTACK_ROWS, ROW, derive_rows
from tests.clinical.factories import AMS, START, at, days_from, diary, intake, migraine, tension

ALT = replace(DEFAULT_PARAMETERS, migraine_day_definition=MigraineDayDefinition.ALTERNATIVE)


def test_it_counts_an_attack_spanning_midnight_on_both_days() -> None:
    t = days(diary((migraine("a", at(START, 22), hours=5),)))
    assert t.days_with("migraine") == [START, START + timedelta(days=1)]


def test_it_does_not_count_the_next_day_when_an_attack_ends_at_midnight() -> None:
    t = days(diary((migraine("a", at(START, 18), hours=6),)))
    assert t.days_with("headache") == [START]


def test_it_uses_the_clients_zone_not_utc() -> None:
    # 23:30 UTC on 5 Jan is 00:30 on 6 Jan in Amsterdam.
    start = datetime(2026, 1, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    t = days(diary((Attack("a", start, start + timedelta(hours=1), peak_intensity=5),)))
    assert t.days_with("headache") == [date(2026, 1, 6)]


def test_it_counts_days_correctly_when_clocks_go_forward() -> None:
    # Europe/Amsterdam, 2026-03-29: 02:00 CET -> 03:00 CEST. 01:30+01:00 to 03:30+02:00 is 1 h.
    start = datetime(2026, 3, 29, 1, 30, tzinfo=AMS)
    end = datetime(2026, 3, 29, 3, 30, tzinfo=AMS)
    a = Attack("a", start, end, peak_intensity=5)
    assert a.duration_hours == 1.0
    d = diary((a,), recorded=days_from(date(2026, 3, 28), 3))
    assert days(d).days_with("headache") == [date(2026, 3, 29)]


def test_it_counts_days_correctly_when_clocks_go_back() -> None:
    # 2026-10-25: 03:00 CEST -> 02:00 CET; 23:00 on the 24th to 05:00 on the 25th is 7 h.
    start = datetime(2026, 10, 24, 23, 0, tzinfo=AMS)
    end = datetime(2026, 10, 25, 5, 0, tzinfo=AMS)
    a = migraine("a", start, hours=7)
    assert a.end is not None
    assert a.end.astimezone(AMS) == end
    assert a.end.astimezone(AMS).utcoffset() == timedelta(hours=1)
    t = days(diary((a,), recorded=days_from(date(2026, 10, 23), 4)))
    assert t.days_with("migraine") == [date(2026, 10, 24), date(2026, 10, 25)]


def test_it_never_treats_a_missing_day_as_headache_free() -> None:
    rec = days_from(START, 28) - {START + timedelta(days=3)}
    t = days(diary((), recorded=rec))
    ps = periods(t)
    assert ps[0].recorded_days == 27
    assert ps[0].missing_days == 1
    assert not t.column("recorded")[3]


def test_it_normalises_rates_per_recorded_day() -> None:
    rec = days_from(START, 14)  # half the period recorded
    attacks = tuple(migraine(f"a{i}", at(START + timedelta(days=i))) for i in range(0, 14, 2))
    t = days(diary(attacks, recorded=rec))
    assert t.n_days == 14
    p = periods(t)[0]
    assert p.counts["migraine"] == 7
    assert p.rates["migraine"] == 7 / 14 * 28


def test_it_counts_a_day_with_an_attack_as_recorded() -> None:
    t = days(diary((migraine("a", at(START + timedelta(days=40))),)))
    assert t.column("recorded")[40]
    assert t.column("recorded").sum() == 29


def test_it_makes_a_medication_day_a_headache_day() -> None:
    m = intake("m", at(START, 12), DrugClass.SIMPLE_ANALGESIC)
    t = days(diary((), (m,)))
    assert t.days_with("headache") == [START]
    assert t.days_with("medication:simple_analgesic") == [START]


def test_it_counts_paracetamol_and_ibuprofen_as_one_class() -> None:
    para = intake("p", at(START, 8), DrugClass.SIMPLE_ANALGESIC, "paracetamol")
    ibu = intake("i", at(START, 14), DrugClass.SIMPLE_ANALGESIC, "ibuprofen")
    t = days(diary((), (para, ibu)))
    assert int(t.column("medication:simple_analgesic").sum()) == 1


def test_it_counts_a_triptan_treated_headache_as_a_migraine_day_by_default() -> None:
    a = tension("t", at(START, 9))
    m = intake("m", at(START, 10), DrugClass.TRIPTAN, pain_before=Pain.MODERATE, pain_at_2h=Pain.MODERATE)
    assert days(diary((a,), (m,))).days_with("migraine") == [START]
    assert days(diary((a,), (m,)), ALT).days_with("migraine") == []


def test_it_counts_an_effective_triptan_under_the_alternative_definition() -> None:
    a = tension("t", at(START, 9))
    m = intake("m", at(START, 10), DrugClass.TRIPTAN, pain_before=Pain.SEVERE, pain_at_2h=Pain.MILD)
    assert days(diary((a,), (m,)), ALT).days_with("migraine") == [START]


def test_it_needs_4_hours_for_the_alternative_migraine_day() -> None:
    short = migraine("a", at(START, 9), hours=3.5)
    assert days(diary((short,))).days_with("migraine") == [START]
    assert days(diary((short,)), ALT).days_with("migraine") == []


def test_it_reports_uncertain_migraine_days_separately() -> None:
    a = migraine("a", at(START), nausea=None, vomiting=None, photophobia=None)
    t = days(diary((a,), diagnosed=False))
    assert t.days_with("migraine") == []
    assert t.days_with("migraine_uncertain") == [START]


def test_it_counts_probable_migraine_as_migraine_once_diagnosed() -> None:
    a = migraine(
        "a",
        at(START),
        hours=3,
        nausea=False,
        photophobia=False,
        peak_intensity=3,
        aggravated_by_activity=False,
    )
    # 1.1 C: unilateral + pulsating; D not met; B not met -> unclassifiable... make D met instead:
    b = migraine("b", at(START + timedelta(days=2)), hours=3)  # probable: B fails
    t_yes = days(diary((a, b), diagnosed=True), ALT)
    assert START + timedelta(days=2) not in t_yes.days_with("migraine")  # alternative needs 4 h
    t = days(diary((b,), diagnosed=None), replace(DEFAULT_PARAMETERS))
    assert t.days_with("migraine") == [START + timedelta(days=2)]  # C and D met (default def)


def test_it_splits_periods_at_an_anchor() -> None:
    t = days(diary(n_days=60))
    ps = periods(t, anchor=START + timedelta(days=10))
    assert [(p.index, p.n_days) for p in ps] == [(-1, 10), (0, 28), (1, 22)]


def test_it_splits_calendar_months() -> None:
    t = days(diary(n_days=60))
    ms = calendar_months(t)
    assert [(m.start, m.n_days) for m in ms] == [
        (date(2026, 1, 5), 27),
        (date(2026, 2, 1), 28),
        (date(2026, 3, 1), 5),
    ]


def test_it_gives_the_same_counts_on_the_cohort_path() -> None:
    attacks = tuple(migraine(f"a{i}", at(START + timedelta(days=3 * i), 22)) for i in range(15))
    d = diary(attacks, (intake("m", at(START, 23), DrugClass.TRIPTAN),), n_days=60)
    t = days(d)
    ps = periods(t)
    classes = classify_diary(d)
    assert len(classes) == 15
    # Rebuild the same matrix from columns.
    span_rows, firsts, lasts = [], [], []
    for row in ("headache", "migraine", "moderate_severe", "chronic_migraine_feature"):
        for a in attacks:
            first = (a.start.astimezone(AMS).date() - START).days
            last = ((a.end or a.start) - timedelta(microseconds=1)).astimezone(AMS).date() - START
            span_rows.append(ROW[row])
            firsts.append(first)
            lasts.append(last.days)
    pts = [(ROW["recorded"], i) for i in range(60)]
    for row in ("acute_medication", "medication:triptan", "migraine_specific_medication", "headache"):
        pts.append((ROW[row], 0))
    counts, owner = cohort_period_counts(
        np.array([t.n_days]),
        np.zeros(len(span_rows), dtype=np.int64),
        np.array(span_rows),
        np.array(firsts),
        np.array(lasts),
        np.zeros(len(pts), dtype=np.int64),
        np.array([p[0] for p in pts]),
        np.array([p[1] for p in pts]),
    )
    assert owner.tolist() == [0, 0, 0]
    for j, p in enumerate(ps):
        for name in ("headache", "migraine", "acute_medication"):
            assert counts[ROWS.index(name), j] == p.counts[name]
        assert counts[ROW["recorded"], j] == p.recorded_days


@given(
    st.lists(
        st.tuples(st.integers(0, len(ROWS) - 1), st.integers(0, 39), st.integers(0, 12)),
        max_size=40,
    ),
    st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.integers(0, 39)), max_size=40),
)
def test_mark_days_marks_exactly_the_days_of_every_span_and_point(
    spans: list[tuple[int, int, int]], points: list[tuple[int, int]]
) -> None:
    """Spans of any length (one day, a few, more than the stepped days) and any overlap."""
    n_days = 60
    expected = np.zeros((len(ROWS), n_days), dtype=bool)
    for row, first, extra in spans:
        for day in range(first, first + extra + 1):
            expected[row, day] = expected[ROW["recorded"], day] = True
    for row, day in points:
        expected[row, day] = expected[ROW["recorded"], day] = True
    as_array = np.array(spans, dtype=np.int64).reshape(-1, 3)
    pts = np.array(points, dtype=np.int64).reshape(-1, 2)
    got = mark_days(
        n_days,
        as_array[:, 0],
        as_array[:, 1],
        as_array[:, 1] + as_array[:, 2],
        pts[:, 0],
        pts[:, 1],
    )
    # mark_days then applies the derived rules; apply them to the expectation too.
    expected[ROW["migraine_uncertain"]] &= ~expected[ROW["migraine"]]
    expected[ROW["moderate_severe"]] &= expected[ROW["headache"]]
    assert np.array_equal(got, expected)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 39),
            st.integers(0, 12),
            st.lists(st.booleans(), min_size=len(ATTACK_ROWS), max_size=len(ATTACK_ROWS)),
        ),
        max_size=30,
    )
)
def test_or_runs_marks_what_the_same_attacks_as_spans_mark(
    attacks: list[tuple[int, int, list[bool]]],
) -> None:
    """Attack rows OR-ed into one byte per day, then unpacked, equal the span path, with attacks
    sharing days and an attack with no row included."""
    n_days = 60
    first = np.array([a[0] for a in attacks], dtype=np.int64)
    last = first + np.array([a[1] for a in attacks], dtype=np.int64)
    row_flags = np.array([a[2] for a in attacks], dtype=bool).reshape(-1, len(ATTACK_ROWS))
    bits = np.zeros(len(attacks), dtype=np.uint8)
    for k, row in enumerate(ATTACK_ROWS):
        bits |= row_flags[:, k].astype(np.uint8) << ROW[row]
    bits |= (bits != 0).astype(np.uint8) << ROW["recorded"]
    plane = np.zeros(n_days, dtype=np.uint8)
    or_runs(plane, first, last, bits)
    got = np.zeros((len(ROWS), n_days), dtype=bool)
    unpack_byte_rows(plane, got)
    which, col = np.nonzero(row_flags)
    rows = np.array([ROW[r] for r in ATTACK_ROWS], dtype=np.int64)[col]
    none = np.zeros(0, dtype=np.int64)
    expected = mark_days(n_days, rows, first[which], last[which], none, none)
    # mark_days applies the derived rules; or_runs leaves them to its caller.
    assert np.array_equal(derive_rows(got), expected)
