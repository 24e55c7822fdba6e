"""After the load run: is every acknowledged write in the database, once, without overlap?

Reads the JSON lines the locust clients wrote (``LOAD_LOG``) and the instant the run began
(printed by prepare.py), then compares with the database:

- every acknowledged attack is there, with its client-generated ``request_id``, exactly once;
- every acknowledged end is stored (``ended_at`` set);
- the load's clients have no attack created since the start that no virtual client sent (a
  duplicate); one sent but unanswered because the run stopped is counted apart;
- no two of their attacks overlap (a self-join, over their whole diary);
- every acknowledged check-in is there;
- the audit trail's hash chain is intact (headwise.audit.verify, what ``headwise audit verify``
  runs), every completed sign-in of the run is in it (``sign_in`` lines of the log against the
  trail's sign-ins since the start, per login), and no two-step code was refused.

Prints a JSON summary; exits 1 if any check fails.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import sys


def main(argv: list[str]) -> int:
    log_path, since_text = argv[0], argv[1]
    since = dt.datetime.fromisoformat(since_text)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from headwise.audit.models import AuditAction, AuditEntry
    from headwise.audit.verify import verify_chain
    from headwise.clients.models import Client
    from headwise.diary.models import Attack, DailyCheckIn

    records = []
    if os.path.exists(log_path):
        with open(log_path, encoding="utf-8") as lines:
            records = [json.loads(line) for line in lines if line.strip()]
    starts = [r for r in records if r["kind"] == "attack_start"]
    ends = [r for r in records if r["kind"] == "attack_end"]
    checkins = [r for r in records if r["kind"] == "checkin"]
    emails = {r["email"] for r in records}
    clients = {c.email: c for c in Client.objects.filter(email__in=emails, user__isnull=False)}
    problems: list[str] = []

    by_uuid = {
        str(a.uuid): a
        for a in Attack.objects.filter(client__in=clients.values(), created_at__gte=since).select_related(
            "client"
        )
    }
    for r in starts:
        found = [
            a for a in Attack.objects.filter(client=clients[r["email"]], request_id=r["request_id"]).all()
        ]
        if len(found) != 1 or str(found[0].uuid) != r["attack"]:
            problems.append(f"attack {r['request_id']} of {r['email']}: {len(found)} rows")
    for r in ends:
        attack = by_uuid.get(r["attack"])
        if attack is None or attack.ended_at is None:
            problems.append(f"end of attack {r['attack']} not stored")
    acked = {r["request_id"] for r in starts}
    tried = {r["request_id"] for r in records if r["kind"] == "attack_try"}
    in_flight = 0
    for attack in by_uuid.values():
        sent = str(attack.request_id) if attack.request_id else None
        if sent in acked:
            continue
        if sent in tried:
            in_flight += 1  # saved while the run was stopping: its answer was never read
        else:
            problems.append(f"{attack.client.email}: attack {attack.uuid} that no virtual client sent")
    created = collections.Counter(a.client.email for a in by_uuid.values())
    table = Attack._meta.db_table
    with connection.cursor() as cursor:
        # Every pair once (a.id < b.id); an open attack counts as going on until now.
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} a JOIN {table} b ON a.client_id = b.client_id "  # noqa: S608 - the model's table
            "AND a.id < b.id WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL "
            "AND a.client_id = ANY(%s) "
            "AND a.started_at < COALESCE(b.ended_at, %s) AND b.started_at < COALESCE(a.ended_at, %s)",
            [[c.pk for c in clients.values()], timezone.now(), timezone.now()],
        )
        overlaps = cursor.fetchone()[0]
    if overlaps:
        problems.append(f"{overlaps} overlapping attack pairs")
    for r in checkins:
        if not DailyCheckIn.objects.filter(client=clients[r["email"]], date=r["date"]).exists():
            problems.append(f"check-in {r['date']} of {r['email']} missing")
    sign_ins = collections.Counter(r["email"] for r in records if r["kind"] == "sign_in")
    audited = collections.Counter(
        AuditEntry.objects.filter(action=AuditAction.SIGN_IN, at__gte=since).values_list(
            "actor__email", flat=True
        )
    )
    for email, count in sign_ins.items():
        if audited[email] < count:
            problems.append(f"{email}: {count} sign-ins, {audited[email]} in the audit trail")
    refused = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_FAILED, at__gte=since).count()
    if refused:
        problems.append(f"{refused} two-step codes refused")
    verdict = verify_chain()
    if verdict.broken is not None:
        problems.append(f"audit chain broken at {verdict.broken}")
    two_step = [r for r in records if r["kind"] == "sign_in" and r.get("steps") == 2]
    summary = {
        "acknowledged_attacks": len(starts),
        "acknowledged_ends": len(ends),
        "acknowledged_checkins": len(checkins),
        "attacks_created": sum(created.values()),
        "saved_in_flight_at_stop": in_flight,
        "overlapping_pairs": overlaps,
        "sign_ins": sum(sign_ins.values()),
        "two_step_sign_ins": len(two_step),
        "code_wait_s_max": max((float(r["waited"]) for r in two_step), default=0.0),
        "codes_refused": refused,
        "audit_entries_checked": verdict.checked,
        "audit_chain_intact": verdict.broken is None,
        "problems": problems[:20],
        "problem_count": len(problems),
    }
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
