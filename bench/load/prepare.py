"""Ready the demo practice for the load run (``make load``): logins for the load's clients.

The demo gives only its first three clients a login; the load signs in ``--clients`` of them
(``client1@…`` to ``clientN@…``, all with the demo password, hashed by the hasher the settings
choose now, so that no sign-in of the run pays for a rehash). An attack still open in a load
client's diary is ended an hour after it began (or now), so that the first tap of the run is a
new attack and not an overlap. Prints the instant the run's writes start from: the check
compares only what was written after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models.functions import Least
    from django.utils import timezone

    from headwise.accounts.models import User
    from headwise.clients.models import Client
    from headwise.demo.loader import DOMAIN, PASSWORD, TIME_ZONE, demo_practice
    from headwise.diary.models import Attack

    practice = demo_practice()
    if practice is None:
        print("no demo practice: run `headwise demo-data --clients 1000` first", file=sys.stderr)
        return 2
    hashed = make_password(PASSWORD)
    now = timezone.now()
    with transaction.atomic():
        emails = [f"client{i}@{DOMAIN}" for i in range(1, args.clients + 1)]
        clients = list(Client.objects.for_practice(practice).filter(email__in=emails).select_related("user"))
        if len(clients) < args.clients:
            print(f"the demo practice has {len(clients)} of {args.clients} clients", file=sys.stderr)
            return 2
        for client in clients:
            if client.user is None:
                client.user = User.objects.create(
                    email=client.email, full_name=client.full_name, password=hashed, time_zone=TIME_ZONE
                )
                client.save(update_fields=["user"])
            else:
                User.objects.filter(pk=client.user_id).update(password=hashed)
        # Staff too: their hash is the current hasher's, so the run never measures a rehash.
        User.objects.filter(email__endswith=f"@{DOMAIN}").update(password=hashed)
        Attack.objects.filter(client__in=clients, ended_at__isnull=True).update(
            ended_at=Least(models_f_plus_hour(), now)
        )
    print(now.astimezone(dt.UTC).isoformat())
    return 0


def models_f_plus_hour():  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.db.models import DateTimeField, ExpressionWrapper, F, Value

    return ExpressionWrapper(F("started_at") + Value(dt.timedelta(hours=1)), output_field=DateTimeField())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
