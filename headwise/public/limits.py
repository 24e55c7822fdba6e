"""Flood limits of the public booking form, counted in Django's cache.

Two counters, each allowing ``HEADWISE_BOOKING_REQUESTS_PER_WINDOW`` requests per
``HEADWISE_BOOKING_REQUEST_WINDOW_MINUTES``: one per client address (every submission counts,
refused ones too, so a flood of bad posts is held as well) and one per e-mail address (requests
accepted). Keys hold a hash, never the address itself. The counts live in ``CACHES["default"]``:
Django's local-memory cache counts per process, so a deployment with several app processes sets
a shared cache (the database or Redis cache) for the limit to hold across them.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value.strip().lower()}".encode()).hexdigest()
    return f"headwise:booking-request:{kind}:{digest[:32]}"


def _window_seconds() -> int:
    return int(settings.HEADWISE_BOOKING_REQUEST_WINDOW_MINUTES) * 60


def over_limit(kind: str, value: str) -> bool:
    """Whether ``value`` (an address or an e-mail) has used up its requests in this window."""
    return int(cache.get(_key(kind, value), 0)) >= int(settings.HEADWISE_BOOKING_REQUESTS_PER_WINDOW)


def count(kind: str, value: str) -> None:
    """One more request of ``value``; the window starts with the first."""
    key = _key(kind, value)
    if not cache.add(key, 1, timeout=_window_seconds()):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=_window_seconds())


def client_address(meta: dict[str, object]) -> str:
    """The visitor's address as the server saw it (``REMOTE_ADDR``). Behind a reverse proxy,
    the proxy must set it (e.g. gunicorn's ``--forwarded-allow-ips``); a client-sent
    X-Forwarded-For is not trusted, as anyone can forge it."""
    return str(meta.get("REMOTE_ADDR") or "unknown")
