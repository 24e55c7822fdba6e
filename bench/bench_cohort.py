"""Benchmark the practice cohort's computation from the database (``python -m bench cohort``).

PostgreSQL only (``DATABASE_URL``; skipped with a message otherwise): the cohort page reads
whole columns per practice, and on SQLite that is neither the deployment nor a fair floor.

For each size (``BENCH_COHORT_SIZES``, default ``1000,10000`` clients x 365 days), a demo
practice of 1,000 clients is generated and loaded (``headwise.demo``: executemany in batches
of 2,000, with a progress bar); a larger size adds copies of those clients made inside
PostgreSQL (:func:`clone_clients`): 10,000 clients are ten copies of 1,000 distinct diaries.
Then, interleaved, ``RUNS`` times each:

* **cohort**: :func:`headwise.outcomes.cohort.cohort_report` end to end from the database, as
  the page runs it, with every client's kept day state current
  (:mod:`headwise.outcomes.daystate`, brought up to date once before, timed apart): the
  clients, sessions, plans and phases, the states and the waiting notes, the counts per 28-day
  period, the statistics by practitioner, location and phase;
* **cohort, 1% changed**: the same with a note waiting for 1% of the cohort's clients (as after
  their diaries changed), who are then classified from their rows;
* **every row** (the method before the kept states): the reads of every check-in, attack, aura
  symptom and intake, the columns, the engine's ``cohort_analyse`` (ICHD-3 classification of
  every attack, every day category per 28-day period), the statistics;
* **floor** (the baseline): one SQL read of the headache check-in days (the same binary
  reader, client and day packed in one integer) and one ``np.bincount`` per client and 28-day
  period: the least a count of headache days per period can cost from this database;
* **SQL count**: the same counts as one ``GROUP BY`` query, for reference.

Also measured: the refresh of every client's state, and what the notes' triggers add to a
diary write (an ``UPDATE`` of one check-in in its own transaction, triggers on and off).

Reported: median and best times, the ratio cohort / floor (medians), the queries, and the
peak memory of one cohort run (``tracemalloc``: Python and NumPy allocations; psycopg's copy
buffers are Python bytes). Targets: 10,000 clients under 2 s, within 3x the floor, under 1 GB.

The sizes share one practice: 1,000 generated clients, then for 10,000 nine copies of them
added (not a new practice generated). ``BENCH_COHORT_KEEP=1`` keeps the bench database
(``test_<name>_bench``, never the test database pytest-django makes) after the run and reuses
it, and the practice in it, next time: a practice of the right size is used as it is, a smaller
one gets copies added, a larger one has its copies removed (:func:`drop_copies`), so only the
first run generates (about 10 minutes for 1,000 clients on a loaded machine). The data were
generated relative to the day of that first run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")

RUNS = int(os.environ.get("BENCH_COHORT_RUNS", "5"))
DAYS = 365
#: Distinct generated clients; larger sizes are copies of them made inside PostgreSQL.
GENERATED = 1000


def clone_clients(practice: object, copies: int, progress: object) -> None:
    """Copy the first :data:`GENERATED` clients ``copies`` times with diaries and care, in SQL.

    ``INSERT ... SELECT`` per table, new primary keys drawn from each table's sequence and
    mapped through temporary tables, new UUIDs (``gen_random_uuid()``), no login: the copies
    have the generated clients' distributions and sizes, and load in seconds, not minutes.
    Consents, trigger exposures, follow-ups and questionnaires are not copied (the cohort does
    not read them); the copies' appointments are marked cancelled, so that they do not
    double-book the practitioners (their sessions and locations are copied as they are).
    """
    from django.db import connection

    from headwise.care.models import Appointment, PlanPhase, SessionRecord, TreatmentPlan
    from headwise.clients.models import Client
    from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake

    # (model, the map it makes or None, {fk column: (map, nullable)}, the column that ties it to originals)
    plan = [
        (Client, "m_client", {}, None),
        (Attack, "m_attack", {"client_id": ("m_client", False)}, None),
        (AuraSymptom, None, {"attack_id": ("m_attack", False)}, None),
        (MedicationIntake, None, {"client_id": ("m_client", False), "attack_id": ("m_attack", True)}, None),
        (DailyCheckIn, None, {"client_id": ("m_client", False)}, None),
        (TreatmentPlan, "m_plan", {"client_id": ("m_client", False)}, None),
        (PlanPhase, "m_phase", {"plan_id": ("m_plan", False)}, None),
        (Appointment, "m_appt", {"client_id": ("m_client", False), "phase_id": ("m_phase", True)}, None),
        (SessionRecord, None, {"client_id": ("m_client", False), "appointment_id": ("m_appt", True)}, None),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE originals AS SELECT id FROM clients_client WHERE practice_id = %s"
            " ORDER BY id LIMIT %s",
            [practice.pk, GENERATED],  # type: ignore[attr-defined]
        )
        for _ in range(copies):
            for model, makes, fks, _tie in plan:
                table = model._meta.db_table
                if makes:
                    source = "originals" if model is Client else None
                    cursor.execute(f"DROP TABLE IF EXISTS {makes}")
                    if source:
                        cursor.execute(
                            f"CREATE TEMP TABLE {makes} AS SELECT id AS old, "  # noqa: S608
                            f"nextval(pg_get_serial_sequence('{table}', 'id')) AS new FROM originals"
                        )
                    else:
                        col, (parent, _nullable) = next(iter(fks.items()))
                        cursor.execute(
                            f"CREATE TEMP TABLE {makes} AS SELECT s.id AS old, "  # noqa: S608
                            f"nextval(pg_get_serial_sequence('{table}', 'id')) AS new "
                            f"FROM {table} s JOIN {parent} p ON p.old = s.{col}"
                        )
                    cursor.execute(f"CREATE INDEX ON {makes} (old)")
                columns, values, joins = [], [], []
                for field in model._meta.concrete_fields:
                    c = field.column
                    columns.append(c)
                    if field.primary_key:
                        values.append(
                            "me.new" if makes else f"nextval(pg_get_serial_sequence('{table}', 'id'))"
                        )
                    elif c in fks:
                        parent, nullable = fks[c]
                        alias = f"j_{c}"
                        joins.append(
                            f"{'LEFT ' if nullable else ''}JOIN {parent} {alias} ON {alias}.old = s.{c}"
                        )
                        values.append(f"{alias}.new")
                    elif c == "uuid":
                        values.append("gen_random_uuid()")
                    elif c in ("request_id", "user_id"):
                        values.append("NULL")
                    elif model is Appointment and c == "status":
                        # The copies' bookings would double-book the practitioners and rooms
                        # (an exclusion constraint for all but cancelled ones); the cohort reads
                        # only their location.
                        values.append("'cancelled'")
                    else:
                        values.append(f"s.{c}")
                if makes:
                    joins.insert(0, f"JOIN {makes} me ON me.old = s.id")
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608
                    f"FROM {table} s {' '.join(joins)}"
                )
            progress(GENERATED)  # type: ignore[operator]
        cursor.execute("DROP TABLE originals")


def drop_copies(practice: object, keep: int) -> None:
    """Delete the clients of the practice after its first ``keep`` (by primary key) and
    everything :func:`clone_clients` copied for them, by raw deletes (children first)."""
    from django.db import connection

    from headwise.care.models import Appointment, PlanPhase, SessionRecord, TreatmentPlan
    from headwise.clients.models import Client
    from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake

    client = Client._meta.db_table
    attack = Attack._meta.db_table
    plan = TreatmentPlan._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE gone AS SELECT id FROM {client} WHERE practice_id = %s "  # noqa: S608
            f"ORDER BY id OFFSET %s",
            [practice.pk, keep],  # type: ignore[attr-defined]
        )
        cursor.execute("CREATE INDEX ON gone (id)")
        by_client = "client_id IN (SELECT id FROM gone)"
        steps = [
            (SessionRecord, by_client),
            (Appointment, by_client),
            (PlanPhase, f"plan_id IN (SELECT id FROM {plan} WHERE {by_client})"),  # noqa: S608
            (TreatmentPlan, by_client),
            (DailyCheckIn, by_client),
            (MedicationIntake, by_client),
            (AuraSymptom, f"attack_id IN (SELECT id FROM {attack} WHERE {by_client})"),  # noqa: S608
            (Attack, by_client),
            (Client, "id IN (SELECT id FROM gone)"),
        ]
        for model, where in steps:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}")  # noqa: S608
        cursor.execute("DROP TABLE gone")


def trigger_cost(practice: Any, rounds: int = 5, per_round: int = 200) -> tuple[float, float, int]:
    """Median time of one check-in ``UPDATE`` in its own transaction (autocommit), with the
    notes' triggers on and off (``ALTER TABLE ... DISABLE TRIGGER USER``), interleaved."""
    from django.db import connection

    from headwise.diary.models import DailyCheckIn

    ids = list(
        DailyCheckIn.objects.for_practice(practice).order_by("?").values_list("pk", flat=True)[:per_round]
    )
    times: dict[bool, list[float]] = {True: [], False: []}
    with connection.cursor() as cursor:
        for _ in range(rounds):
            for on in (True, False):
                if not on:
                    cursor.execute("ALTER TABLE diary_dailycheckin DISABLE TRIGGER USER")
                try:
                    for pk in ids:
                        t0 = time.perf_counter()
                        cursor.execute(
                            "UPDATE diary_dailycheckin SET had_headache = had_headache WHERE id = %s", [pk]
                        )
                        times[on].append(time.perf_counter() - t0)
                finally:
                    if not on:
                        cursor.execute("ALTER TABLE diary_dailycheckin ENABLE TRIGGER USER")
    return statistics.median(times[True]), statistics.median(times[False]), len(times[True])


def sizes() -> list[int]:
    raw = os.environ.get("BENCH_COHORT_SIZES", "1000,10000")
    return [int(x) for x in raw.split(",") if x.strip()]


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench_cohort: SKIPPED: set DATABASE_URL to a PostgreSQL server "
            "(e.g. postgres://postgres@127.0.0.1:5432/bench); the cohort bench runs on PostgreSQL only."
        )
        return 0
    import django

    django.setup()
    import numpy as np
    from django.db import connection, transaction
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from tqdm import tqdm

    from headwise import clinical
    from headwise.care.models import SessionRecord
    from headwise.clients.models import Client
    from headwise.demo import generator as g
    from headwise.demo import loader
    from headwise.diary.models import Attack, DailyCheckIn
    from headwise.outcomes import cohort, daystate
    from headwise.outcomes.columns import DayNumber, read_columns, tri
    from headwise.outcomes.models import DiaryChange

    keep = os.environ.get("BENCH_COHORT_KEEP", "") not in ("", "0")
    if keep:  # a name of its own: pytest-django's test database is dropped and made anew
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = test.get("NAME") or f"test_{connection.settings_dict['NAME']}_bench"
    # serialize=False: a kept database may hold millions of rows.
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    print(
        f"database: PostgreSQL {connection.pg_version}, {db_name}"
        f"{' (kept: BENCH_COHORT_KEEP)' if keep else ''}; {RUNS} interleaved runs after one warm-up"
    )
    try:
        results = []
        for n in sizes():
            if n % GENERATED and n > GENERATED:
                raise SystemExit(f"bench_cohort: a size above {GENERATED} must be a multiple of it")
            began = time.perf_counter()
            existing = loader.demo_practice()
            have = 0 if existing is None else Client.objects.for_practice(existing).count()
            usable = existing is not None and (
                have == n or (have >= GENERATED and n >= GENERATED and have % GENERATED == 0)
            )
            if existing is not None and not usable:
                with transaction.atomic():
                    loader.demo_practice_delete(existing)
                existing, have = None, 0
            generated_now = existing is None
            with tqdm(total=n, desc=f"loading {n} clients", unit="client", file=sys.stderr) as bar:
                if existing is None:
                    generated = min(n, GENERATED)
                    config = loader.demo_config(
                        clients=generated, days=DAYS, seed=11, true_effect=1.0, now=timezone.now()
                    )
                    practice = loader.load(g.generate(config), progress=bar.update).practice
                    have = generated
                else:
                    practice = existing
                    bar.update(min(have, n))
                if have > n:
                    with transaction.atomic():
                        drop_copies(practice, n)
                elif have < n:
                    with transaction.atomic():
                        clone_clients(practice, (n - have) // GENERATED, bar.update)
            if have != n or generated_now:  # a new load: the planner's statistics are stale
                with connection.cursor() as cursor:
                    if have > n:  # the copies' dead rows would be scanned by every read
                        cursor.execute("VACUUM (FULL, ANALYZE)")
                    else:
                        cursor.execute("ANALYZE")
            load_s = time.perf_counter() - began
            n_checkins = DailyCheckIn.objects.for_practice(practice).count()
            n_attacks = Attack.objects.for_practice(practice).count()

            # The kept day states, brought up to date once (after a load: every client).
            t0 = time.perf_counter()
            n_states = daystate.refresh_day_states(practice)
            refresh_s = time.perf_counter() - t0
            cohort_pks = list(
                Client.objects.for_practice(practice)
                .filter(pk__in=SessionRecord.objects.for_practice(practice).values("client_id"))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            changed_pks = cohort_pks[:: max(1, len(cohort_pks) // max(1, len(cohort_pks) // 100))][
                : max(1, len(cohort_pks) // 100)
            ]

            def run_cohort(practice: Any = practice) -> object:
                report = cohort.cohort_report(practice)
                assert report.classified_now == 0, report.classified_now
                return report

            def note_changes(practice: Any = practice, pks: list[int] = changed_pks) -> None:
                DiaryChange.objects.bulk_create(
                    [DiaryChange(practice_id=practice.pk, client_id=pk) for pk in pks]
                )

            def drop_notes(practice: Any = practice) -> None:
                DiaryChange.objects.filter(practice_id=practice.pk).delete()

            def run_changed(practice: Any = practice, k: int = len(changed_pks)) -> object:
                report = cohort.cohort_report(practice)
                assert report.classified_now == k, report.classified_now
                return report

            def run_rows(practice: Any = practice) -> object:
                cohort.ROWS_READ_SHARE, share = -1.0, cohort.ROWS_READ_SHARE
                try:
                    return cohort.cohort_report(practice)
                finally:
                    cohort.ROWS_READ_SHARE = share

            def run_floor(practice: Any = practice) -> object:
                packed = read_columns(
                    DailyCheckIn.objects.for_practice(practice).filter(had_headache=True).order_by(),
                    {"day": F("client_id") * 2**24 + DayNumber("date")},
                )["day"]
                client, day = packed // 2**24, packed % 2**24
                if client.size == 0:
                    return np.zeros(0)
                lo = client.min()
                periods = (day - day.min()) // 28
                width = int(periods.max()) + 1
                return np.bincount(
                    (client - lo) * width + periods, minlength=int(client.max() - lo + 1) * width
                )

            def run_sql(practice: Any = practice) -> object:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT client_id, (date - DATE '1970-01-01') / 28, count(*) FROM diary_dailycheckin"
                        " WHERE practice_id = %s AND had_headache GROUP BY 1, 2",
                        [practice.pk],
                    )
                    return cursor.fetchall()

            cases = {
                "cohort": run_cohort,
                "changed": run_changed,
                "rows": run_rows,
                "floor": run_floor,
                "sql": run_sql,
            }
            before_case = {"changed": note_changes}
            after_case = {"changed": drop_notes}
            times: dict[str, list[float]] = {k: [] for k in cases}
            for rounds in range(RUNS + 1):  # the first round a warm-up: caches, the first query plans
                for name, call in cases.items():
                    before_case.get(name, lambda: None)()
                    t0 = time.perf_counter()
                    call()
                    elapsed = time.perf_counter() - t0
                    after_case.get(name, lambda: None)()
                    if rounds:
                        times[name].append(elapsed)
            with CaptureQueriesContext(connection) as captured:
                report = run_cohort()
            # The same numbers as the method before (check-in rows one value each, the reads
            # one after the other): asserted on the bench's data.
            fixed = timezone.now()
            now_report = cohort.cohort_report(practice, now=fixed)
            bitmaps = cohort.read_day_flags

            def rows(queryset: Any, owner: str, date: str, flag: str) -> dict[str, Any]:
                got = read_columns(queryset.order_by(), {"o": F(owner), "d": DayNumber(date), "f": tri(flag)})
                return {"owner": got["o"], "day": got["d"], "flag": got["f"]}

            cohort.read_day_flags = rows  # type: ignore[assignment]
            try:
                with transaction.atomic():
                    before = cohort.cohort_report(practice, now=fixed)
            finally:
                cohort.read_day_flags = bitmaps
            assert repr(before) == repr(now_report), "the cohort differs from the row method's"
            cohort.ROWS_READ_SHARE, share = -1.0, cohort.ROWS_READ_SHARE
            try:
                every_row = cohort.cohort_report(practice, now=fixed)
            finally:
                cohort.ROWS_READ_SHARE = share
            assert repr(every_row) == repr(now_report), "the kept states differ from the rows"
            print(
                "  the report equals the row method's (check-ins one value each, reads one by one) "
                "and the kept states' equal every row's"
            )
            # Where the time goes, once each: the reads into columns, then the engine.
            t0 = time.perf_counter()
            read = cohort.cohort_columns(practice)
            t1 = time.perf_counter()
            clinical.cohort_analyse(read.columns)
            t2 = time.perf_counter()
            split = (t1 - t0, t2 - t1)
            peaks = {}
            for name, call in (("cohort", run_cohort), ("rows", run_rows)):
                tracemalloc.start()
                call()
                _, peaks[name] = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            peak = peaks["cohort"]
            writes = trigger_cost(practice)
            daystate.refresh_day_states(practice)  # the notes of those writes
            med = {k: statistics.median(v) for k, v in times.items()}
            results.append((n, med, times, peak, len(captured), report, load_s, n_checkins, n_attacks))
            print(
                f"\n{n} clients x {DAYS} days: {n_checkins} check-ins, {n_attacks} attacks "
                f"(generated and loaded in {load_s:.0f} s); cohort {report.n_cohort} clients with a session, "  # type: ignore[attr-defined]
                f"{report.n_enough} with enough data"  # type: ignore[attr-defined]
            )
            print(f"  {'':34} {'median s':>9} {'best s':>8}")
            labels = {
                "cohort": "cohort page (states current)",
                "changed": "cohort page, 1% changed",
                "rows": "every row (the method before)",
                "floor": "floor: one read + np.bincount",
                "sql": "SQL GROUP BY count (reference)",
            }
            for k, label in labels.items():
                print(f"  {label:34} {med[k]:9.3f} {min(times[k]):8.3f}")
            print(
                f"  every row, of which once: reads into columns {split[0]:.3f} s, "
                f"engine (cohort_analyse) {split[1]:.3f} s; peak traced memory {peaks['rows'] / 2**20:.0f} MB"
            )
            print(
                f"  ratio cohort / floor: {med['cohort'] / med['floor']:.2f} (target <= 3); "
                f"1% changed / floor: {med['changed'] / med['floor']:.2f}; "
                f"every row / floor: {med['rows'] / med['floor']:.2f}"
            )
            print(f"  queries: {len(captured)}; peak traced memory: {peak / 2**20:.0f} MB (target < 1024 MB)")
            print(
                f"  refresh of the kept states: {n_states} clients in {refresh_s:.2f} s; "
                f"{len(changed_pks)} clients noted for '1% changed'"
            )
            print(
                f"  a diary write (one check-in UPDATE, its own transaction), median of {writes[2]}: "
                f"{writes[0] * 1e3:.2f} ms with the notes' triggers, {writes[1] * 1e3:.2f} ms without "
                f"({writes[0] / writes[1]:.2f}x)"
            )
        for n, med, _times, peak, _q, _r, *_ in results:
            if n == 10_000:
                verdict = (
                    "MET"
                    if med["cohort"] < 2 and med["cohort"] / med["floor"] <= 3 and peak < 2**30
                    else "NOT MET"
                )
                print(
                    f"\n10,000 clients: {med['cohort']:.2f} s (target < 2 s), "
                    f"{med['cohort'] / med['floor']:.2f}x the floor (target <= 3), "
                    f"{peak / 2**20:.0f} MB peak (target < 1 GB): {verdict}"
                )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0, keepdb=keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
