"""Each client's classified diary days, kept between page views for the practice cohort.

The cohort page counts migraine days and recorded days per 28-day period for every client of a
practice. Reading every check-in, attack, aura symptom and intake for that on each view costs
most of the page (docs/cohort.md, "Speed"). Instead, each client's days are classified once by
the clinical engine (:func:`headwise.clinical.cohort_day_rows`, the rules the per-client
:func:`headwise.clinical.days` applies) and kept as two bitmaps (:class:`DiaryDayState`):
"recorded" and "migraine day", one bit per local day from the client's first day with data to
the last.

A kept state is used only while it is *current*:

* every insert, update or delete of a check-in, attack, aura symptom or medication intake, and
  every change of a client's time zone, date of birth or diagnosis, leaves a note
  (:class:`DiaryChange`) in its own transaction, written by database triggers, whatever made
  the change (migration ``outcomes/0007``);
* a state is current when its client has no note waiting and its ``engine`` is
  :data:`ENGINE` (a fingerprint of the clinical engine's source: a new engine makes every
  state stale).

The page (:func:`cohort_states`) reads the states and the notes in one snapshot and classifies
the clients whose state is not current from their rows, in the same snapshot; so it shows
what a read of every row would, never a stale number. :func:`refresh_day_states` (the task
worker, ``headwise refresh-day-states``) brings the kept states up to date.

Correctness of the refresh under concurrent writes (PostgreSQL, ``READ COMMITTED``): one
refresh per practice at a time (an advisory lock); in each batch the notes of the chosen
clients are deleted *before* their rows are read, so every note removed is of a change the
rows include (a note and its change commit together, and a later statement sees all that had
committed when the delete began); a change that commits after the delete leaves a note that
stays, and is applied next time. Notes of clients that no longer exist (or left the cohort)
are removed with their state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt
from django.db import connections, transaction
from django.utils import timezone

from headwise import clinical
from headwise.care.models import SessionRecord
from headwise.clients.models import Client
from headwise.outcomes.models import DiaryChange, DiaryDayState
from headwise.practice.models import Practice

__all__ = [
    "ENGINE",
    "DayStates",
    "compute_day_states",
    "read_day_states",
    "refresh_day_states",
]

IntArray = npt.NDArray[np.int64]

#: Bump when what a state holds changes (its bits, their meaning).
STATE_VERSION = 1


def _engine_fingerprint() -> str:
    """A digest of the clinical engine's source and :data:`STATE_VERSION`."""
    digest = hashlib.sha256(f"state {STATE_VERSION}".encode())
    package = resources.files("headwise.clinical")
    for name in sorted(p.name for p in package.iterdir() if p.name.endswith(".py")):
        digest.update(name.encode())
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()[:32]


#: The engine that classifies the kept states; a state of another engine is not current.
ENGINE = _engine_fingerprint()
_ROW = {name: i for i, name in enumerate(clinical.ROWS)}
_BATCH = 2000
_LOCK_CLASS = 0x4857  # "HW": the advisory-lock namespace of the day-state refresh


@dataclass(frozen=True, slots=True)
class DayStates:
    """Classified days of some clients, sorted by ``client_pk``: for client ``k`` the bits of
    days ``first_day[k]`` to ``last_day[k]`` (``np.packbits`` of each row; no data: empty and
    ``first_day`` :data:`~headwise.outcomes.cohort.MAX_DAY`, ``last_day`` its negative)."""

    client_pk: IntArray
    first_day: IntArray
    last_day: IntArray
    recorded: list[bytes]
    migraine: list[bytes]

    def take(self, keep: npt.NDArray[np.bool_]) -> DayStates:
        at = np.flatnonzero(keep)
        return DayStates(
            self.client_pk[at],
            self.first_day[at],
            self.last_day[at],
            [self.recorded[i] for i in at],
            [self.migraine[i] for i in at],
        )

    @staticmethod
    def merge(parts: Sequence[DayStates]) -> DayStates:
        pk = np.concatenate([p.client_pk for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        order = np.argsort(pk, kind="stable")
        first = np.concatenate([p.first_day for p in parts]) if parts else pk
        last = np.concatenate([p.last_day for p in parts]) if parts else pk
        rec = [b for p in parts for b in p.recorded]
        mig = [b for p in parts for b in p.migraine]
        return DayStates(
            pk[order], first[order], last[order], [rec[i] for i in order], [mig[i] for i in order]
        )


def compute_day_states(practice: Practice, only: Sequence[int] | None, *, now: dt.datetime) -> DayStates:
    """Classify the diaries of the practice's cohort clients (those in ``only``, if given) from
    their rows: :func:`~headwise.outcomes.cohort.cohort_columns`, then
    :func:`headwise.clinical.cohort_day_rows`, kept from each client's first to last day with
    data."""
    from headwise.outcomes.cohort import MAX_DAY, cohort_columns

    read = cohort_columns(practice, now=now, only=only)
    rows = clinical.cohort_day_rows(read.columns)
    offsets = np.concatenate(([0], np.cumsum(read.columns.diary_days)))
    has = read.data_first != MAX_DAY
    start = offsets[:-1] + np.where(has, read.data_first - read.origin, 0)
    stop = offsets[:-1] + np.where(has, read.data_last - read.origin + 1, 0)
    recorded, migraine = rows[_ROW["recorded"]], rows[_ROW["migraine"]]
    rec = [np.packbits(recorded[a:b]).tobytes() for a, b in zip(start.tolist(), stop.tolist(), strict=True)]
    mig = [np.packbits(migraine[a:b]).tobytes() for a, b in zip(start.tolist(), stop.tolist(), strict=True)]
    return DayStates(read.client_pk, read.data_first.copy(), read.data_last.copy(), rec, mig)


def read_day_states(practice: Practice) -> tuple[DayStates, IntArray]:
    """The practice's current kept states, and the clients whose kept state is not current
    (a note waits, or another engine classified it); call inside one snapshot."""
    from headwise.outcomes.cohort import MAX_DAY

    # One row per client, not per note (a bulk load leaves one note per row on SQLite).
    waiting = np.array(
        list(
            DiaryChange.objects.filter(practice_id=practice.pk)
            .order_by("client_id")
            .values_list("client_id", flat=True)
            .distinct()
        ),
        dtype=np.int64,
    )
    rows = list(
        DiaryDayState.objects.for_practice(practice)
        .filter(engine=ENGINE)
        .order_by("client_id")
        .values_list("client_id", "first_day", "last_day", "recorded", "migraine")
    )
    pk = np.array([r[0] for r in rows], dtype=np.int64)
    first = np.array([MAX_DAY if r[1] is None else r[1] for r in rows], dtype=np.int64)
    last = np.array([-MAX_DAY if r[2] is None else r[2] for r in rows], dtype=np.int64)
    states = DayStates(pk, first, last, [bytes(r[3]) for r in rows], [bytes(r[4]) for r in rows])
    current = ~np.isin(pk, waiting)
    return states.take(current), waiting


def _lock(practice: Practice) -> None:
    """One refresh of a practice's states at a time (PostgreSQL; SQLite's write transactions
    are one at a time already)."""
    connection = connections[DiaryDayState.objects.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, practice.pk % 2**31])


def refresh_day_states(practice: Practice, *, now: dt.datetime | None = None, batch: int = _BATCH) -> int:
    """Bring the practice's kept states up to date; returns how many clients were classified.

    In batches of ``batch`` clients, each in a transaction: the clients with a waiting note and
    the cohort clients without a current state; their notes removed, then their rows read and
    their states replaced (module docstring).
    """
    done = 0
    while True:
        with transaction.atomic():
            _lock(practice)
            noted = list(
                DiaryChange.objects.filter(practice_id=practice.pk)
                .order_by("client_id")
                .values_list("client_id", flat=True)
                .distinct()[:batch]
            )
            cohort = SessionRecord.objects.for_practice(practice).values("client_id")
            missing = list(
                Client.objects.for_practice(practice)
                .filter(pk__in=cohort)
                .exclude(
                    pk__in=DiaryDayState.objects.for_practice(practice)
                    .filter(engine=ENGINE)
                    .values("client_id")
                )
                .order_by("pk")
                .values_list("pk", flat=True)[: max(0, batch - len(noted))]
            )
            targets = sorted({*noted, *missing})
            if not targets:
                return done
            # Before the rows are read: every note removed here is of a change they include.
            DiaryChange.objects.filter(practice_id=practice.pk, client_id__in=targets).delete()
            states = compute_day_states(practice, targets, now=now or timezone.now())
            stamp = timezone.now()
            DiaryDayState.objects.for_practice(practice).filter(client_id__in=targets).delete()
            DiaryDayState.objects.bulk_create(
                [
                    DiaryDayState(
                        practice=practice,
                        client_id=int(pk),
                        engine=ENGINE,
                        first_day=None if first > 2**31 else int(first),
                        last_day=None if last < -(2**31) else int(last),
                        recorded=rec,
                        migraine=mig,
                        computed_at=stamp,
                    )
                    for pk, first, last, rec, mig in zip(
                        states.client_pk.tolist(),
                        states.first_day.tolist(),
                        states.last_day.tolist(),
                        states.recorded,
                        states.migraine,
                        strict=True,
                    )
                ]
            )
            done += int(states.client_pk.size)
