"""Sign-in throttling: three patterns, each with its own limit, inside django-axes.

Axes counts recent failures for each of ``AXES_LOCKOUT_PARAMETERS`` (here: the e-mail and
address together, the address alone, the e-mail alone), takes the largest count, and locks when
it reaches ``AXES_FAILURE_LIMIT``. Axes' limit is one number; the patterns need different
ones (an office behind one address makes more honest typos across its accounts than one person
does on theirs), so the limit is this callable: it counts each pattern itself and answers a
limit that the largest count reaches exactly when one pattern is over its own threshold.

* one e-mail from one address: ``HEADWISE_LOCK_PAIR_FAILURES`` (5, as before);
* one address, many e-mails (password spraying): ``HEADWISE_LOCK_ADDRESS_FAILURES`` (20);
* one e-mail, many addresses (a botnet guessing one account): ``HEADWISE_LOCK_ACCOUNT_FAILURES``
  (10), but never from an address that signed in to that account successfully within
  ``HEADWISE_KNOWN_ADDRESS_DAYS`` (90): an attacker can pause new addresses on a victim's
  account, not the victim at their usual place.

Every lock ends after the cool-off (``AXES_COOLOFF_TIME``), and a password reset by e-mail,
which works while locked, clears the account's failures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone


def known_address(username: str, ip_address: str) -> bool:
    """Whether ``ip_address`` signed in to ``username`` successfully not long ago."""
    since = timezone.now() - dt.timedelta(days=settings.HEADWISE_KNOWN_ADDRESS_DAYS)
    found = AccessLog.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=since)
    return bool(found.exists())


def counts(request: HttpRequest, credentials: dict[str, Any] | None) -> dict[str, int]:
    """Recent failures of the three patterns for this request (``account`` is 0 from a known address)."""
    username = get_client_username(request, credentials) or ""
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or ""
    since = get_cool_off_threshold(request)
    # One read for the three patterns: the recent failures of this e-mail or this address.
    mine = Q(username=username)
    here = Q(ip_address=ip_address)
    found = {
        name: int(n or 0)
        for name, n in AccessAttempt.objects.filter(mine | here, attempt_time__gte=since)
        .aggregate(
            pair=Sum("failures_since_start", filter=mine & here),
            address=Sum("failures_since_start", filter=here),
            account_raw=Sum("failures_since_start", filter=mine),
        )
        .items()
    }
    if not username:  # no e-mail given: only the address counts
        found["pair"] = found["account_raw"] = 0
    account = found["account_raw"]
    if account and known_address(username, ip_address):
        account = 0
    return {
        "pair": found["pair"],
        "address": found["address"],
        "account": account,
        "account_raw": found["account_raw"],
    }


def over_limit(found: dict[str, int]) -> bool:
    return (
        found["pair"] >= settings.HEADWISE_LOCK_PAIR_FAILURES
        or found["address"] >= settings.HEADWISE_LOCK_ADDRESS_FAILURES
        or found["account"] >= settings.HEADWISE_LOCK_ACCOUNT_FAILURES
    )


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """The limit axes compares its largest count with (see the module's docstring)."""
    found = counts(request, credentials)
    largest = max(found["pair"], found["address"], found["account_raw"])
    if over_limit(found):
        return 1
    return largest + 1
