"""How the web and task processes hold their database connections, read from the environment.

On PostgreSQL a process keeps its connections instead of opening one per request (measured on
the load run of docs/performance.md: 9-15 ms and a new server process each time). Two ways,
chosen by ``DATABASE_POOL``:

- ``DATABASE_POOL=1`` (the default on PostgreSQL): psycopg 3's connection pool (Django 5.1+).
  Each app process holds ``DATABASE_POOL_MIN`` to ``DATABASE_POOL_MAX`` connections; a thread
  takes one for its request and gives it back after. Size ``DATABASE_POOL_MAX`` to the worker's
  threads (gunicorn.conf.py does). A request that finds every connection taken waits up to
  ``DATABASE_POOL_TIMEOUT`` seconds, then fails. With ``CONN_HEALTH_CHECKS`` on, Django gives
  the pool ``check=ConnectionPool.check_connection``: a connection is checked before it is lent, so one
  the server closed is replaced, not handed out.
- ``DATABASE_POOL=0``: Django's persistent connections, one per thread, kept for
  ``DATABASE_CONN_MAX_AGE`` seconds (default 60) with ``CONN_HEALTH_CHECKS``.

Behind PgBouncer in transaction mode set ``DATABASE_PGBOUNCER=1``: server-side cursors are
switched off (a cursor does not survive the end of a transaction there); Django's psycopg
backend already leaves prepared statements off. The pool and CONN_MAX_AGE > 0 cannot be used
together (Django refuses); this module never sets both.

SQLite is left as it is: a file, no connection cost worth pooling.

This module imports nothing from Django so that settings can use it before Django is set up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

POSTGRES = "django.db.backends.postgresql"


class ConfigError(ValueError):
    """A database setting in the environment that cannot be used."""


def _int(env: Mapping[str, str], name: str, default: int, low: int = 0) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < low:
        raise ConfigError(f"{name} must be at least {low}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def database_options(engine: str, env: Mapping[str, str], *, testing: bool = False) -> dict[str, Any]:
    """The keys to merge into ``DATABASES["default"]`` for ``engine`` under ``env``.

    In the test run the pool is off unless ``DATABASE_POOL`` says otherwise: pytest-django
    creates and drops test databases, which a pool's idle connections would hold open.
    """
    if engine != POSTGRES:
        return {}
    pgbouncer = _bool(env, "DATABASE_PGBOUNCER", False)
    pool = _bool(env, "DATABASE_POOL", not testing)
    options: dict[str, Any] = {}
    if pgbouncer:
        options["DISABLE_SERVER_SIDE_CURSORS"] = True
    if pool:
        low = _int(env, "DATABASE_POOL_MIN", 2, low=0)
        high = _int(env, "DATABASE_POOL_MAX", max(low, 4), low=1)
        if high < low:
            raise ConfigError(f"DATABASE_POOL_MAX ({high}) is below DATABASE_POOL_MIN ({low})")
        options["CONN_MAX_AGE"] = 0
        # With health checks on, Django hands the pool ConnectionPool.check_connection.
        options["CONN_HEALTH_CHECKS"] = True
        options["OPTIONS"] = {
            "pool": {
                "min_size": low,
                "max_size": high,
                "timeout": _int(env, "DATABASE_POOL_TIMEOUT", 10, low=1),
                # Connections are recycled after an hour and closed after 10 idle minutes.
                "max_lifetime": 3600,
                "max_idle": 600,
            }
        }
    else:
        options["CONN_MAX_AGE"] = _int(env, "DATABASE_CONN_MAX_AGE", 0 if testing else 60)
        options["CONN_HEALTH_CHECKS"] = True
    return options
