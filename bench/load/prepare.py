"""Ready the demo practice for the load run (``make load``): logins, and two-step sign-in for staff.

The demo gives only its first three clients a login; the load signs in ``--clients`` of them
(``client1@…`` to ``clientN@…``, all with the demo password, hashed by the hasher the settings
choose now, so that no sign-in of the run pays for a rehash). An attack still open in a load
client's diary is ended an hour after it began (or now), so that the first tap of the run is a
new attack and not an overlap.

Two-step sign-in: the practice requires it of its staff (``require_two_factor``), and every
active staff member gets a new authenticator (TOTP), enrolled as a person enrols one: a pending
device (headwise.accounts.two_factor), confirmed with the code it shows now. Their keys (hex,
with step, t0, digits and the time step the confirmation used, which the server will not take
again) are written to ``--totp-out`` as JSON for the locustfile, readable by the owner only.

Prints the instant the run's writes start from: the check compares only what was written after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--totp-out", default="var/load/totp.json", help="where the staff's TOTP keys go")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models.functions import Least
    from django.utils import timezone
    from django_otp.oath import TOTP

    from headwise.accounts import two_factor
    from headwise.accounts.models import User
    from headwise.clients.models import Client
    from headwise.demo.loader import DOMAIN, PASSWORD, TIME_ZONE, demo_practice
    from headwise.diary.models import Attack
    from headwise.practice.models import Membership
    from headwise.practice.services import practice_security_update

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
        practice_security_update(practice=practice, require_two_factor=True)
        keys: dict[str, dict[str, object]] = {}
        staff = Membership.objects.for_practice(practice).filter(is_active=True).select_related("user")
        for membership in staff:
            user = membership.user
            two_factor.disable(user=user)  # a new key each run
            device = two_factor.pending_device(user)
            shown = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
            if two_factor.confirm(user=user, device=device, code=f"{shown:0{device.digits}d}") is None:
                print(f"the authenticator of {user.email} refused its own code", file=sys.stderr)
                return 2
            device.refresh_from_db()
            keys[user.email] = {
                "key": device.key,
                "step": device.step,
                "t0": device.t0,
                "digits": device.digits,
                "last_t": device.last_t,
            }
    out = Path(args.totp_out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.touch(mode=0o600)
    out.write_text(json.dumps(keys, indent=2))
    print(
        f"two-step sign-in required; {len(keys)} staff enrolled: {', '.join(sorted(keys))}", file=sys.stderr
    )
    print(now.astimezone(dt.UTC).isoformat())
    return 0


def models_f_plus_hour():  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.db.models import DateTimeField, ExpressionWrapper, F, Value

    return ExpressionWrapper(F("started_at") + Value(dt.timedelta(hours=1)), output_field=DateTimeField())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
