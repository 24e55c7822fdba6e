"""How processes hold database connections (#14): headwise.common.dbconfig."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from headwise.common.dbconfig import POSTGRES, ConfigError, database_options

SQLITE = "django.db.backends.sqlite3"


def test_postgres_uses_the_pool_by_default_and_never_with_conn_max_age() -> None:
    options = database_options(POSTGRES, {})
    assert options["CONN_MAX_AGE"] == 0
    pool = options["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"]) == (2, 4)
    assert "check" not in pool  # Django passes ConnectionPool.check_connection itself, when
    assert options["CONN_HEALTH_CHECKS"] is True  # health checks are on


def test_the_pool_options_are_what_psycopgs_pool_accepts_beside_djangos_own() -> None:
    pool = database_options(POSTGRES, {})["OPTIONS"]["pool"]
    # Django adds check, kwargs, connection_class and open; the rest must be accepted as is.
    made = ConnectionPool("", open=False, check=ConnectionPool.check_connection, **pool)
    assert (made.min_size, made.max_size, made.timeout) == (2, 4, 10)


def test_the_pool_is_sized_by_the_environment() -> None:
    options = database_options(POSTGRES, {"DATABASE_POOL_MIN": "1", "DATABASE_POOL_MAX": "8"})
    assert options["OPTIONS"]["pool"]["max_size"] == 8
    assert options["OPTIONS"]["pool"]["min_size"] == 1


def test_without_the_pool_connections_persist_with_health_checks() -> None:
    options = database_options(POSTGRES, {"DATABASE_POOL": "0", "DATABASE_CONN_MAX_AGE": "120"})
    assert options == {"CONN_MAX_AGE": 120, "CONN_HEALTH_CHECKS": True}
    assert database_options(POSTGRES, {"DATABASE_POOL": "0"})["CONN_MAX_AGE"] == 60


def test_tests_run_without_the_pool_unless_asked() -> None:
    assert "OPTIONS" not in database_options(POSTGRES, {}, testing=True)
    assert "pool" in database_options(POSTGRES, {"DATABASE_POOL": "1"}, testing=True)["OPTIONS"]


def test_pgbouncer_turns_server_side_cursors_off() -> None:
    assert database_options(POSTGRES, {"DATABASE_PGBOUNCER": "1"})["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_sqlite_is_left_alone() -> None:
    assert database_options(SQLITE, {"DATABASE_POOL": "1"}) == {}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_POOL": "perhaps"}, "DATABASE_POOL"),
        ({"DATABASE_POOL_MAX": "many"}, "DATABASE_POOL_MAX"),
        ({"DATABASE_POOL_MIN": "5", "DATABASE_POOL_MAX": "2"}, "DATABASE_POOL_MAX"),
        ({"DATABASE_POOL_MAX": "0"}, "DATABASE_POOL_MAX"),
    ],
)
def test_bad_settings_fail_loudly_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        database_options(POSTGRES, env)
