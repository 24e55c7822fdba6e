"""bench/compare.py reads each bench's printed table (the diary's and the appointments')."""

from __future__ import annotations

from bench.compare import Result, over, parse

DIARY = """\
diary: 5 years, 1640 check-ins, 480 attacks; 100 interleaved rounds; database sqlite
request (server time, ms)             p50     p95  p95/bare  queries   whole call p50     p95
bare authenticated view (GET)         4.00    5.00      1.00        4             4.50    5.50
attack save: one tap (POST)           8.00   10.00      2.00                      9.00   11.00
month view, this month               12.00   15.00      3.00        8            13.00   16.00
worker RSS after warm-up: nan MB (gunicorn worker serving the pages over HTTP; target < 150 MB)
attack save p95 / bare p95: 2.00 in server time (target <= 1.5); 2.00 for the whole test-client call
"""

APPOINTMENTS = """\
appointments: 746 and 17,854 past, 30 to come in each practice (built in 9.0 s); database sqlite
request (server time, ms)             p50     p95  p50/bare  items  queries
bare staff view                       3.00    4.00      1.00             3
/api/appointments, 746 past          12.00   14.00      4.00     30        5
/api/appointments, 17,854 past       13.50   15.00      4.50     30        5
list/bare at 17,854 past over list/bare at 746: 1.12 (target <= 1.25: flat as the past grows)
"""


def test_it_reads_the_diary_table() -> None:
    result = Result()
    parse(DIARY, result)
    parse(DIARY.replace("12.00   15.00", "16.00   15.00"), result)
    assert result.ratio_name == "p95/bare"
    assert list(result.rows) == [
        "bare authenticated view (GET)",
        "attack save: one tap (POST)",
        "month view, this month",
    ]
    month = result.rows["month view, this month"]
    assert month.p50 == [12.0, 16.0]
    assert month.p95 == [15.0, 15.0]
    assert month.ratio == [3.0, 3.0]
    assert month.p50_bare == [3.0, 4.0]
    assert month.queries == [8, 8]
    assert result.rows["attack save: one tap (POST)"].queries == []
    assert any(n.startswith("attack save p95 / bare") for n in result.notes)


def test_it_reads_the_appointments_table() -> None:
    result = Result()
    parse(APPOINTMENTS, result)
    assert result.ratio_name == "p50/bare"
    assert result.rows["bare staff view"].queries == [3]
    long = result.rows["/api/appointments, 17,854 past"]
    assert (long.p50, long.ratio, long.queries) == ([13.5], [4.5], [5])
    assert result.notes == [
        "list/bare at 17,854 past over list/bare at 746: 1.12 (target <= 1.25: flat as the past grows)"
    ]


def test_new_over_old_is_a_ratio_of_medians() -> None:
    assert over([2.0, 4.0, 6.0], [2.0, 2.0, 2.0]).strip() == "2.00"
    assert over([], [1.0]).strip() == "-"
