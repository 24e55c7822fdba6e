"""Read whole columns of a queryset straight into NumPy arrays, as 64-bit integers.

Every column is an integer expression evaluated by the database (an instant as microseconds
since the Unix epoch, a date as a day number, a choice or a yes/no/unknown answer as a small
code, NULL as a sentinel), so no model instance and no per-value Python object is made on the
way: on PostgreSQL the rows come as one binary ``COPY ... TO STDOUT`` and are parsed by
``np.frombuffer``; elsewhere (SQLite) through ``values_list`` into one ``np.array``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connections, models
from django.db.models import BigIntegerField, Case, Value, When
from django.db.models.expressions import Func
from django.db.models.functions import Cast, Coalesce

__all__ = ["MISSING", "DayNumber", "EpochMicros", "choice_code", "read_columns", "tri", "or_missing"]

IntArray = npt.NDArray[np.int64]

#: The value of a NULL instant, date or number in the arrays.
MISSING = -(2**62)


class EpochMicros(Func):
    """A ``DateTimeField`` as microseconds since 1970-01-01 00:00 UTC (exact on both backends)."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(ROUND(EXTRACT(EPOCH FROM %(expressions)s) * 1000000) AS bigint)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: whole seconds, then the digits.
        template = (
            "(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s, 21, 6) AS INTEGER))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class DayNumber(Func):
    """A ``DateField`` as days since 1970-01-01."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST((%(expressions)s - DATE '1970-01-01') AS bigint)", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(ROUND(julianday(%(expressions)s) - 2440587.5) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


def or_missing(expression: Any) -> Coalesce:
    """The expression, or :data:`MISSING` where it is NULL."""
    return Coalesce(expression, Value(MISSING), output_field=BigIntegerField())


def tri(field: str) -> Case:
    """A nullable boolean as ``1`` yes, ``0`` no, ``-1`` unknown."""
    return Case(
        When(**{field: True}, then=Value(1)),
        When(**{field: False}, then=Value(0)),
        default=Value(-1),
        output_field=BigIntegerField(),
    )


def choice_code(field: str, values: Sequence[str]) -> Case:
    """A text choice as its index in ``values``; ``-1`` for blank or anything else."""
    return Case(
        *(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)),
        default=Value(-1),
        output_field=BigIntegerField(),
    )


def read_columns(queryset: models.QuerySet[Any], columns: Mapping[str, Any]) -> dict[str, IntArray]:
    """Evaluate ``columns`` (name -> integer expression) over ``queryset`` in one query.

    The queryset's own ordering is kept (give it one). Every expression must be non-NULL
    (wrap nullable ones in :func:`or_missing`).
    """
    names = list(columns)
    aliases = {f"_col_{name}": Cast(expr, BigIntegerField()) for name, expr in columns.items()}
    qs = queryset.annotate(**aliases).values_list(*aliases)
    connection = connections[qs.db]
    if connection.vendor == "postgresql":
        table = _copy_binary(qs, connection, len(names))
    else:
        rows = list(qs)
        table = np.array(rows, dtype=np.int64).reshape(len(rows), len(names))
    return {name: np.ascontiguousarray(table[:, i]) for i, name in enumerate(names)}


_HEADER = 19  # PGCOPY signature (11), flags (4), header extension length (4)


def _copy_binary(qs: models.QuerySet[Any], connection: Any, n_columns: int) -> IntArray:
    """The rows of ``qs`` (all ``bigint``, non-NULL) by ``COPY (...) TO STDOUT (FORMAT BINARY)``."""
    import psycopg

    sql, params = qs.query.sql_with_params()
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as cursor:
        statement = f"COPY ({cursor.mogrify(sql, params)}) TO STDOUT (FORMAT BINARY)"
        buffer = bytearray()
        with cursor.copy(statement) as copy:
            for block in copy:
                buffer += block
    if connection.queries_logged:  # count it as Django counts its own queries
        connection.queries_log.append({"sql": statement, "time": "0.000"})
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for i in range(n_columns):
        fields += [(f"len{i}", ">i4"), (f"v{i}", ">i8")]
    row = np.dtype(fields)
    n_rows = (len(buffer) - _HEADER - 2) // row.itemsize
    data = np.frombuffer(buffer, dtype=row, count=n_rows, offset=_HEADER)
    if n_rows and (
        np.any(data["count"] != n_columns) or any(np.any(data[f"len{i}"] != 8) for i in range(n_columns))
    ):
        raise ValueError("COPY returned a NULL or a column that is not bigint")
    out = np.empty((n_rows, n_columns), dtype=np.int64)
    for i in range(n_columns):
        out[:, i] = data[f"v{i}"]
    return out
