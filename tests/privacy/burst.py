"""Run by the backup tests in their own process: build a practice, or write a burst of diary days.

``python -m tests.privacy.burst world`` builds the test world; ``… burst N`` records N check-ins
of a new client, one transaction each, printing each acknowledged date.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")

import django  # noqa: E402

django.setup()

from tests import factories as f  # noqa: E402
from tests.conftest import build_world  # noqa: E402


def main() -> None:
    if sys.argv[1] == "world":
        build_world("Alpha")
        return
    count = int(sys.argv[2])
    world_client = f.ClientFactory(given_name="Burst")
    start = dt.date(2020, 1, 1)
    for i in range(count):
        f.DailyCheckInFactory(
            client=world_client, practice=world_client.practice, date=start + dt.timedelta(days=i)
        )
        print(i, flush=True)  # noqa: T201 - acknowledged to the test


if __name__ == "__main__":
    main()
