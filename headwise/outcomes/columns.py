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
from django.db.models import BigIntegerField, Case, F, Value, When
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


class OrMissing(Coalesce):
    """An integer expression, or :data:`MISSING` where it is NULL (:func:`or_missing`)."""


def or_missing(expression: Any) -> OrMissing:
    """The expression, or :data:`MISSING` where it is NULL."""
    return OrMissing(expression, Value(MISSING), output_field=BigIntegerField())


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
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        out = _aggregated_arrays(queryset, plain, names, connection)
    else:
        aliases = {f"_col_{name}": Cast(expr, BigIntegerField()) for name, expr in plain.items()}
        rows = list(queryset.annotate(**aliases).values_list(*aliases))
        table = np.array(rows, dtype=np.int64).reshape(len(rows), len(names))
        out = {name: np.ascontiguousarray(table[:, i]) for i, name in enumerate(names)}
    if packed is not None:
        word = out.pop("_packed_codes")
        for name, at, bits in layout:
            out[name] = ((word >> at) & ((1 << bits) - 1)) - 1
    return {name: out[name] for name in columns}


# PostgreSQL's binary array (``array_send``): ndim, has-nulls flag, element type, then per
# dimension its length and lower bound, then per element its length (int4) and its bytes.
_ARRAY_HEAD = np.dtype([("ndim", ">i4"), ("nulls", ">i4"), ("oid", ">u4"), ("n", ">i4"), ("lower", ">i4")])
#: Element types read straight from their binary form: OID -> (big-endian dtype, bytes).
_ELEMENT: dict[int, str] = {
    20: ">i8",
    23: ">i4",
    21: ">i2",
    1184: ">i8",
    1114: ">i8",
    1082: ">i4",
    2950: ">u8",
}
_UUID_OID = 2950
_INSTANT_OIDS = (1184, 1114)
#: PostgreSQL counts instants in microseconds and dates in days from 2000-01-01.
_PG_EPOCH_DAYS = 10_957
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400_000_000


class _Raw(Func):
    """A column sent as it is stored (an instant, a date): no expression per row."""

    template = "%(expressions)s"


class _RawOrInfinity(Func):
    """A nullable instant or date, NULL sent as ``-infinity`` (the type's least value)."""

    template = "COALESCE(%(expressions)s, '-infinity'::%(type)s)"


class _IsNull(Func):
    """Whether a sort key is NULL (PostgreSQL sorts NULLs last, first when descending)."""

    template = "(%(expressions)s IS NULL)"
    output_field = models.BooleanField()


def _postgres_select(expr: Any) -> tuple[Any, bool]:
    """The expression to aggregate for a column, and whether it is sent raw (then NULL, as
    ``-infinity``, is the type's least value, read as :data:`MISSING`).

    An instant (:class:`EpochMicros`) or a date (:class:`DayNumber`), alone or in
    :func:`or_missing`, is sent as stored: PostgreSQL keeps an instant as microseconds and a
    date as days since 2000-01-01, so the conversion is one addition in NumPy instead of
    ``EXTRACT(EPOCH ...)`` (numeric arithmetic) per row. Anything else is a ``bigint``.
    """
    inner, nullable = expr, False
    if isinstance(expr, OrMissing):
        inner, nullable = expr.source_expressions[0], True
    if isinstance(inner, (EpochMicros, DayNumber)):
        field = inner.source_expressions[0]
        kind = "timestamptz" if isinstance(inner, EpochMicros) else "date"
        output = models.DateTimeField() if kind == "timestamptz" else models.DateField()
        if nullable:
            return _RawOrInfinity(field, type=kind, output_field=output), True
        return _Raw(field, output_field=output), True
    return Cast(expr, BigIntegerField()), False


def _parse_array(value: bytes | None) -> tuple[int, npt.NDArray[Any]]:
    """One ``array_send`` value as (element OID, values in native order)."""
    if value is None:  # array_agg over no rows
        return 0, np.zeros(0, dtype=np.int64)
    head = np.frombuffer(value, dtype=_ARRAY_HEAD, count=1)[0]
    if int(head["ndim"]) != 1 or int(head["nulls"]) != 0:
        raise ValueError("a column read as an array must be one-dimensional and hold no NULL")
    oid = int(head["oid"])
    if oid not in _ELEMENT:
        raise ValueError(f"cannot read a column of type OID {oid} as an array")
    width = np.dtype(_ELEMENT[oid]).itemsize * (2 if oid == _UUID_OID else 1)
    n = int(head["n"])
    body = np.frombuffer(value, dtype=np.uint8, offset=_ARRAY_HEAD.itemsize)
    values = body.reshape(n, 4 + width)[:, 4:]
    if oid == _UUID_OID:  # two unsigned 64-bit halves, compared bytewise as PostgreSQL does
        return oid, np.ascontiguousarray(values).view(">u8").astype(np.uint64).reshape(n, 2)
    return oid, np.ascontiguousarray(values).view(_ELEMENT[oid]).astype(np.int64).reshape(n)


def _as_int64(oid: int, values: npt.NDArray[Any], raw: bool) -> IntArray:
    """A raw instant or date as epoch microseconds or a day number; ``-infinity`` as MISSING."""
    out = values.astype(np.int64)
    if not raw:
        return out
    least = np.iinfo(np.int64).min if oid in _INSTANT_OIDS else np.iinfo(np.int32).min
    missing = out == least
    out += _PG_EPOCH_US if oid in _INSTANT_OIDS else _PG_EPOCH_DAYS
    if missing.any():
        out[missing] = MISSING
    return out


def _same_column(expr: Any, name: str) -> bool:
    """Whether a column is ``name`` itself, or an order-preserving form of it (never NULL)."""
    if isinstance(expr, F):
        return expr.name == name
    if isinstance(expr, (EpochMicros, DayNumber)):
        source = expr.source_expressions[0]
        return isinstance(source, F) and source.name == name
    return False


def _sort_keys(
    queryset: models.QuerySet[Any], ordering: Sequence[Any], plain: Mapping[str, Any]
) -> list[tuple[str, Any, bool, bool]]:
    """(alias, expression, descending, is-null flag) of the sort keys of ``ordering``; where
    a column read is the key itself, its name instead of an expression (nothing sent twice)."""
    keys: list[tuple[str, Any, bool, bool]] = []
    query = queryset.query.chain()  # resolving a name may add a join: not to the caller's query
    for i, term in enumerate(ordering):
        if not isinstance(term, str) or term.startswith("?"):
            raise ValueError("read_columns orders by field names only")
        desc = term.startswith("-")
        name = term.lstrip("-")
        same = next((c for c, expr in plain.items() if _same_column(expr, name)), None)
        if same is not None:
            keys.append((f"_key_{i}", same, desc, False))
            continue
        resolved = F(name).resolve_expression(query)
        target = getattr(resolved, "target", None)
        if target is not None and target.null:
            keys.append((f"_key_{i}_null", _IsNull(F(name)), desc, True))
            kind = (
                target.target_field.get_internal_type() if target.is_relation else target.get_internal_type()
            )
            zero = {"DateTimeField": "'-infinity'::timestamptz", "DateField": "'-infinity'::date"}
            fill = zero.get(kind, "0")
            keys.append(
                (f"_key_{i}", _Filled(F(name), fill=fill, output_field=resolved.output_field), desc, False)
            )
        else:
            keys.append((f"_key_{i}", _Raw(F(name), output_field=resolved.output_field), desc, False))
    return keys


class _Filled(Func):
    """A nullable sort key with its NULLs filled (they sort by the flag of :class:`_IsNull`)."""

    template = "COALESCE(%(expressions)s, %(fill)s)"


def _aggregated_arrays(
    queryset: models.QuerySet[Any], plain: Mapping[str, Any], names: Sequence[str], connection: Any
) -> dict[str, IntArray]:
    """PostgreSQL: each column as one ``array_send(array_agg(...))`` value, in one row.

    Rows fetched one by one cost several microseconds each in the driver (a COPY too: one
    message per row); one binary array per column costs nothing per row. Instants and dates
    travel in their binary form (:func:`_postgres_select`). The database does not sort: the
    sort keys of the queryset's ordering travel as columns too and are applied with one
    stable ``np.lexsort`` (an instant, a date, an integer or a UUID compares in NumPy as in
    PostgreSQL; NULLs last, first when descending, as PostgreSQL puts them).
    """
    import psycopg

    ordering: Sequence[Any] = queryset.query.order_by or (
        queryset.model._meta.ordering if queryset.query.default_ordering else ()
    )
    selects: dict[str, Any] = {}
    raw: dict[str, bool] = {}
    for name in names:
        selects[f"_col_{name}"], raw[name] = _postgres_select(plain[name])
    keys = _sort_keys(queryset, ordering, plain)
    for alias, expr, _desc, _flag in keys:
        if not isinstance(expr, str):
            selects[alias] = expr
    inner, params = queryset.annotate(**selects).order_by().values_list(*selects).query.sql_with_params()
    select = ", ".join(f'array_send(array_agg(t."{c}"))' for c in selects)
    sql = f"SELECT {select} FROM ({inner}) t"  # noqa: S608 - aliases are ours; values are parameters
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client_side:
        statement = client_side.mogrify(sql, params)
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, binary=True)
        row = cursor.fetchone()
    if connection.queries_logged:  # count it as Django counts its own queries
        connection.queries_log.append({"sql": statement, "time": "0.000"})
    values = list(row or [None] * len(selects))
    arrays: dict[str, IntArray] = {}
    for name, value in zip(names, values, strict=False):
        oid, parsed = _parse_array(value)
        arrays[name] = _as_int64(oid, parsed, raw[name])
    if not keys:
        return arrays
    sort: list[npt.NDArray[Any]] = []
    sent = iter(values[len(names) :])
    for _alias, expr, desc, flag in keys:
        if isinstance(expr, str):  # a column read anyway, in an order-preserving form
            sort.append(~arrays[expr] if desc else arrays[expr])
            continue
        value = next(sent)
        if flag:
            parts = [_bool_array(value)]
        else:
            oid, parsed = _parse_array(value)
            if oid == _UUID_OID:
                parts = [
                    (parsed[:, 0] ^ np.uint64(1 << 63)).view(np.int64),
                    (parsed[:, 1] ^ np.uint64(1 << 63)).view(np.int64),
                ]
            else:
                parts = [parsed.astype(np.int64)]
        sort += [~p if desc else p for p in parts]
    order = np.lexsort(sort[::-1])
    return {name: a[order] for name, a in arrays.items()}


def _bool_array(value: bytes | None) -> IntArray:
    """A binary array of booleans (one byte each) as 0 and 1."""
    if value is None:
        return np.zeros(0, dtype=np.int64)
    head = np.frombuffer(value, dtype=_ARRAY_HEAD, count=1)[0]
    n = int(head["n"])
    body = np.frombuffer(value, dtype=np.uint8, offset=_ARRAY_HEAD.itemsize).reshape(n, 5)
    return body[:, 4].astype(np.int64)
