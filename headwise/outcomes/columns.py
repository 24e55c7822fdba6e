"""Read whole columns of a queryset straight into NumPy arrays, as 64-bit integers.

Every column is an integer expression evaluated by the database (an instant as microseconds
since the Unix epoch, a date as a day number, a choice or a yes/no/unknown answer as a small
code, NULL as a sentinel), so no model instance and no per-value Python object is made on the
way: on PostgreSQL each column comes as one binary array (``array_send(array_agg(...))``)
parsed by ``np.frombuffer``; elsewhere (SQLite) the rows come through ``values_list`` into one
``np.array``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connections, models
from django.db.models import BigIntegerField, Case, F, Value, When, Window
from django.db.models.expressions import Func
from django.db.models.functions import Cast, Coalesce, RowNumber

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


def read_columns(
    queryset: models.QuerySet[Any], columns: Mapping[str, Any], *, codes: Mapping[str, int] | None = None
) -> dict[str, IntArray]:
    """Evaluate ``columns`` (name -> integer expression) over ``queryset`` in one query.

    The rows come in the queryset's order if it has one (``order_by(...)``), in any order if
    it has none (``order_by()``: the database then need not sort). Every expression must be
    non-NULL (wrap nullable ones in :func:`or_missing`).

    ``codes`` names the columns that hold small codes, each with how many values it has
    (``-1`` to ``n - 1``, as :func:`tri` and :func:`choice_code` make them): the database packs
    them into one integer, a few bits each, and they are unpacked here. Fewer columns, less
    work per row on both sides.
    """
    small = dict(codes or {})
    plain = {name: expr for name, expr in columns.items() if name not in small}
    layout: list[tuple[str, int, int]] = []  # name, shift, bits
    shift = 0
    packed: Any = None
    for name, n in small.items():
        bits = max(1, int(n + 1).bit_length())  # values -1..n-1 stored as 0..n
        if shift + bits > 62:
            raise ValueError("too many coded columns to pack into one integer")
        term = (columns[name] + Value(1)) * Value(1 << shift)
        packed = term if packed is None else packed + term
        layout.append((name, shift, bits))
        shift += bits
    if packed is not None:
        plain["_packed_codes"] = packed
    names = list(plain)
    aliases = {f"_col_{name}": Cast(expr, BigIntegerField()) for name, expr in plain.items()}
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        out = _aggregated_arrays(queryset, aliases, names, connection)
    else:
        rows = list(queryset.annotate(**aliases).values_list(*aliases))
        table = np.array(rows, dtype=np.int64).reshape(len(rows), len(names))
        out = {name: np.ascontiguousarray(table[:, i]) for i, name in enumerate(names)}
    if packed is not None:
        word = out.pop("_packed_codes")
        for name, at, bits in layout:
            out[name] = ((word >> at) & ((1 << bits) - 1)) - 1
    return {name: out[name] for name in columns}


_ARRAY_HEADER = 20  # array_send of a 1-D array: ndim, has-nulls, element type, length, lower bound


def _aggregated_arrays(
    queryset: models.QuerySet[Any], aliases: Mapping[str, Any], names: Sequence[str], connection: Any
) -> dict[str, IntArray]:
    """PostgreSQL: each column as one ``array_send(array_agg(...))`` value, in one row.

    Rows fetched one by one cost several microseconds each in the driver (a COPY too: one
    message per row); one binary array per column costs nothing per row. The order is carried
    by a ``row_number()`` over the queryset's ordering, and applied with ``np.argsort``.
    """
    import psycopg

    ordering = queryset.query.order_by or queryset.model._meta.ordering
    ranked = queryset.annotate(
        **aliases, _col__rank=Window(RowNumber(), order_by=[_order(o) for o in ordering])
    )
    inner, params = ranked.order_by().values_list(*aliases, "_col__rank").query.sql_with_params()
    columns = [*aliases, "_col__rank"]
    select = ", ".join(f'array_send(array_agg(t."{c}"))' for c in columns)
    sql = f"SELECT {select} FROM ({inner}) t"  # noqa: S608 - aliases are ours; values are parameters
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client_side:
        statement = client_side.mogrify(sql, params)
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, binary=True)
        row = cursor.fetchone()
    if connection.queries_logged:  # count it as Django counts its own queries
        connection.queries_log.append({"sql": statement, "time": "0.000"})
    element = np.dtype([("len", ">i4"), ("v", ">i8")])
    arrays = [
        np.zeros(0, dtype=np.int64)
        if value is None
        else np.frombuffer(value, dtype=element, offset=_ARRAY_HEADER)["v"].astype(np.int64)
        for value in (row or [None] * len(columns))
    ]
    if not ordering:
        return dict(zip(names, arrays, strict=True))
    order = np.argsort(arrays[-1], kind="stable")
    return {name: arrays[i][order] for i, name in enumerate(names)}


def _order(term: Any) -> Any:
    if not isinstance(term, str):
        return term
    return F(term[1:]).desc() if term.startswith("-") else F(term).asc()
