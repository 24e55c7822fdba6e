"""Cohort kernels: NumPy building blocks of the day matrix (private to the clinical package).

Runs of days (an attack's first..last local day) are marked step by step, bytes per day are
OR-ed together and unpacked into rows, and rows are summed per period. They know nothing of
clinical rules: :mod:`headwise.clinical.days` and :mod:`headwise.clinical._vectorised` give
them rows and bits. Not part of the public API (``headwise.clinical.__all__``); the public
cohort entry points are :func:`~headwise.clinical.days.cohort_period_counts` and
:func:`~headwise.clinical._vectorised.cohort_analyse`, exported from :mod:`headwise.clinical`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

__all__ = ["BYTE_BITS", "count_periods", "mark_runs", "or_at", "or_runs", "run_days", "unpack_byte_rows"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Days of a span marked one step at a time before the rest are expanded with np.repeat.
STEPPED_DAYS = 4
#: Rows one byte per day holds (:func:`or_runs`, :func:`unpack_byte_rows`).
BYTE_BITS = 8

U8Array = npt.NDArray[np.uint8]


def run_days(first: IntArray, last: IntArray) -> Iterator[tuple[IntArray | None, IntArray, IntArray | None]]:
    """The days of the runs ``first..last`` (inclusive), in steps: ``(which, day, repeat)``.

    Day 0 of every run (``which`` None), then day 1 of the runs that have one (``which`` their
    indices), and so on: attacks rarely span more than a day or two, so this beats expanding
    every run up front. Runs still going after ``STEPPED_DAYS`` days come in one last step,
    expanded with ``np.repeat`` (``repeat``: how many days each of ``which`` has in ``day``).
    """
    yield None, first, None
    extra = last - first
    longer = np.flatnonzero(extra > 0)
    for k in range(1, STEPPED_DAYS + 1):
        if longer.size == 0:
            return
        if k < STEPPED_DAYS:
            yield longer, first[longer] + k, None
            longer = longer[extra[longer] > k]
        else:
            lengths = extra[longer] - k + 1
            starts = np.repeat(first[longer] + k - np.cumsum(lengths) + lengths, lengths)
            yield longer, np.arange(int(lengths.sum())) + starts, lengths


def mark_runs(
    flags: BoolArray,
    row: int | IntArray,
    first: IntArray,
    last: IntArray,
    *,
    recorded_row: int | None = None,
) -> None:
    """Set ``flags[row, first..last]`` (inclusive) for every run, in place.

    ``row`` is one row for all runs or one per run; ``recorded_row``, when given, is also
    marked on every day of every run.
    """
    if first.size == 0:
        return
    one_row = np.ndim(row) == 0
    target = flags[int(row)] if one_row else flags  # a view: writing it writes flags
    rows = np.asarray(row)
    recorded = None if recorded_row is None else flags[recorded_row]
    for which, day, repeat in run_days(first, last):
        if one_row:
            target[day] = True
        else:
            r = rows if which is None else rows[which]
            target[r if repeat is None else np.repeat(r, repeat), day] = True
        if recorded is not None:
            recorded[day] = True


def or_runs(plane: U8Array, first: IntArray, last: IntArray, bits: U8Array) -> None:
    """OR each run's ``bits`` into ``plane[first..last]`` (inclusive), in place.

    ``plane`` holds one byte per day; runs may share days (two attacks on
    one day), and their bits combine.
    """
    if first.size == 0:
        return
    for which, day, repeat in run_days(first, last):
        b = bits if which is None else bits[which]
        or_at(plane, day, b if repeat is None else np.repeat(b, repeat))


def or_at(out: U8Array, index: IntArray, values: U8Array) -> None:
    """``np.bitwise_or.at(out, index, values)``: OR each value into ``out[index]``, in place.

    NumPy's ``bitwise_or.at`` has no fast loop (``maximum.at`` and ``add.at`` do); it is
    several times slower than fancy indexing. So this ORs with fancy indexing first, where the
    last of repeated indices wins, then uses ``bitwise_or.at`` only for the values that lost
    (``out[i] | v != out[i]``). Repeated indices are rare (two attacks on one day, two
    intakes on one day).
    """
    out[index] |= values
    now = out[index]
    lost = (now | values) != now
    np.bitwise_or.at(out, index[lost], values[lost])


def unpack_byte_rows(plane: U8Array, flags: BoolArray) -> None:
    """Write bit ``r`` of ``plane`` (one byte per day) into row ``r`` of ``flags``, rows 0-7,
    in place."""
    out = flags.view(np.uint8)
    for row in range(BYTE_BITS):
        np.bitwise_and(plane >> np.uint8(row), np.uint8(1), out=out[row])


def count_periods(
    flags: BoolArray, diary_days: IntArray, length: int
) -> tuple[npt.NDArray[np.int64], IntArray]:
    """Sum each row of a cohort's day matrix over every diary's ``length``-day periods.

    Diary ``i`` occupies ``diary_days[i]`` consecutive columns; its periods start on its first
    day, and the last one may be short. Returns ``(counts, period_diary)``.
    """
    offsets = np.concatenate(([0], np.cumsum(diary_days)))
    per_diary = (diary_days + length - 1) // length
    period_diary = np.repeat(np.arange(len(diary_days)), per_diary)
    first_period = np.concatenate(([0], np.cumsum(per_diary)))[:-1]
    within = np.arange(int(per_diary.sum())) - np.repeat(first_period, per_diary)
    bounds = offsets[:-1][period_diary] + within * length
    if bounds.size == 0:
        return np.zeros((flags.shape[0], 0), dtype=np.int64), period_diary
    # Sum bytes when a period's count fits in one (28 days do): a quarter of the memory traffic.
    small = length <= np.iinfo(np.uint8).max
    summed = flags.view(np.uint8) if small else flags
    counts = np.add.reduceat(summed, bounds, axis=1, dtype=np.uint8 if small else np.int32)
    return counts.astype(np.int64), period_diary
