"""What each server process does once, before its first request (``gunicorn.conf.py``).

Django does much of its set-up lazily, on the first request that needs it, and in a fresh worker
the first requests are a morning's burst of sign-ins. Measured in one process on the load run's
database (``bench/load/profile_requests.py``'s data, CPU time): the first sign-in page cost
120-200 ms against 45-65 ms warm, and the first sign-in 160 ms against about 60 ms, of which
about 150 ms was the first use of Django's lazily compiled regular expressions (the e-mail and
URL validators' Unicode ranges). :func:`warm_up` pays those costs before the worker takes a
request:

* the URLconf, and with it every view module and the statistics stack they import;
* every template of the project, compiled into the cached loader;
* the validators' regular expressions, the URL patterns' and the reverse look-up (``{% url %}``)
  in every language;
* the password hasher's module;
* the database connection (with a pool: the process's pool, opened and its first connection
  given back).

Nothing here writes anything, and a failure is logged, never raised: a warm-up must not keep a
server from starting.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def _templates() -> int:
    from django.apps import apps
    from django.template import engines

    compiled = 0
    for config in apps.get_app_configs():
        root = Path(config.path) / "templates"
        if not root.is_dir() or not config.name.startswith("headwise"):
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt"}:
                for engine in engines.all():
                    engine.get_template(path.relative_to(root).as_posix())
                compiled += 1
    return compiled


def _patterns(resolver: object) -> int:
    from django.urls import URLResolver

    count = 0
    for entry in getattr(resolver, "url_patterns", []):
        entry.pattern.regex  # noqa: B018 - compiled on first access, per language
        count += 1
        if isinstance(entry, URLResolver):
            count += _patterns(entry)
    return count


def _regexes() -> int:
    from django.conf import settings
    from django.core.validators import EmailValidator, URLValidator
    from django.urls import get_resolver
    from django.utils import translation

    EmailValidator()("warm-up@example.com")
    URLValidator()("https://example.com/warm-up")
    patterns = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            patterns = _patterns(get_resolver())
            get_resolver().reverse_dict  # noqa: B018 - the reverse look-up, built per language
    return patterns


def _database() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=False):
        connection.ensure_connection()
        connection.close()  # with a pool: back into it, open


def warm_up() -> None:
    """Pay Django's first-request costs now (see the module's docstring)."""
    began = time.perf_counter()
    try:
        from django.contrib.auth.hashers import get_hasher
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - importing the views is the point
        get_hasher()
        templates = _templates()
        patterns = _regexes()
        _database()
    except Exception:  # noqa: BLE001 - log it and serve: the first requests are only slower
        logger.exception("warm-up failed; the first requests will pay for it")
        return
    logger.info(
        "warm-up: %d templates, %d URL patterns in %.2f s", templates, patterns, time.perf_counter() - began
    )
