"""Read whole columns of a queryset straight into NumPy arrays, as 64-bit integers.

Every column is an integer expression evaluated by the database (an instant as microseconds
since the Unix epoch, a date as a day number, a choice or a yes/no/unknown answer as a small
code, NULL as a sentinel), so no model instance and no per-value Python object is made on the
way: on PostgreSQL the rows come in their binary form, as a binary ``COPY`` (:func:`copy_binary`)
or as one ``string_agg`` of each row's bytes, parsed by one structured ``np.frombuffer``;
elsewhere (SQLite) through ``values_list`` into one ``np.array``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.db.models.expressions import Func
from django.db.models.functions import Cast, Coalesce

__all__ = [
    "MISSING",
    "DayNumber",
    "EpochMicros",
    "choice_code",
    "or_missing",
    "read_columns",
    "read_day_flags",
    "in_one_snapshot",
    "run_reads",
    "tri",
]

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")

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
        # The seconds of the text without its fraction: strftime('%s') of a fractional time
        # truncates toward zero, a second late before 1970.
        template = (
            "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
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


def _shifted_code(expr: Any, shift: int) -> Any:
    """``(expr + 1) << shift`` in SQL. A ``CASE`` of constants (:func:`tri`,
    :func:`choice_code`) becomes a ``CASE`` of the shifted constants: no arithmetic per row."""
    if (
        isinstance(expr, Case)
        and isinstance(expr.default, Value)
        and all(isinstance(w, When) and isinstance(w.result, Value) for w in expr.cases)
    ):
        return Case(
            *(When(w.condition, then=Value((int(w.result.value) + 1) << shift)) for w in expr.cases),
            default=Value((int(expr.default.value) + 1) << shift),
            output_field=BigIntegerField(),
        )
    return (expr + Value(1)) * Value(1 << shift)


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
        term = _shifted_code(columns[name], shift)
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


# PostgreSQL sends every row as the binary forms of its columns, one after the other, and
# all rows as one ``bytea``: an instant is microseconds and a date days since 2000-01-01.
_KINDS: dict[str, tuple[str, str]] = {  # kind -> (send function, big-endian NumPy type)
    "int8": ("int8send", ">i8"),
    "timestamptz": ("timestamptz_send", ">i8"),
    "date": ("date_send", ">i4"),
    "uuid": ("uuid_send", ">u8,>u8"),  # two unsigned halves: PostgreSQL compares bytewise
    "bool": ("boolsend", "u1"),
}
_KEY_KINDS = {"DateTimeField": "timestamptz", "DateField": "date", "UUIDField": "uuid"}
_PG_EPOCH_DAYS = 10_957
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400_000_000


class _Raw(Func):
    """A column sent as it is stored: no expression per row."""

    template = "%(expressions)s"


class _OrInfinity(Func):
    """A nullable instant or date, NULL sent as ``-infinity`` (the type's least value)."""

    template = "COALESCE(%(expressions)s, '-infinity'::%(type)s)"


class _IsNull(Func):
    """Whether a sort key is NULL (PostgreSQL sorts NULLs last, first when descending)."""

    template = "(%(expressions)s IS NULL)"
    output_field = models.BooleanField()


class _Filled(Func):
    """A nullable sort key with its NULLs filled (they sort by the flag of :class:`_IsNull`)."""

    template = "COALESCE(%(expressions)s, %(fill)s)"


def _postgres_select(expr: Any) -> tuple[Any, str, bool]:
    """The expression to send for a column, its kind, and whether ``-infinity`` means NULL.

    An instant (:class:`EpochMicros`) or a date (:class:`DayNumber`), alone or in
    :func:`or_missing`, is sent as stored, so the conversion is one addition in NumPy instead
    of ``EXTRACT(EPOCH ...)`` (numeric arithmetic) per row. Anything else is a ``bigint``.
    """
    inner, nullable = expr, False
    if isinstance(expr, OrMissing):
        inner, nullable = expr.source_expressions[0], True
    if isinstance(inner, (EpochMicros, DayNumber)):
        field = inner.source_expressions[0]
        kind = "timestamptz" if isinstance(inner, EpochMicros) else "date"
        output: models.Field[Any, Any] = (
            models.DateTimeField() if kind == "timestamptz" else models.DateField()
        )
        if nullable:
            return _OrInfinity(field, type=kind, output_field=output), kind, True
        return _Raw(field, output_field=output), kind, False
    return Cast(expr, BigIntegerField()), "int8", False


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
) -> list[tuple[str, Any, str, bool]]:
    """(alias or column name, expression or None, kind, descending) of the sort keys of
    ``ordering``; where a column read is the key itself, it is not sent twice."""
    keys: list[tuple[str, Any, str, bool]] = []
    query = queryset.query.chain()  # resolving a name may add a join: not to the caller's query
    for i, term in enumerate(ordering):
        if not isinstance(term, str) or term.startswith("?"):
            raise ValueError("read_columns orders by field names only")
        desc = term.startswith("-")
        name = term.lstrip("-")
        same = next((c for c, expr in plain.items() if _same_column(expr, name)), None)
        if same is not None:
            keys.append((same, None, "int8", desc))
            continue
        resolved = F(name).resolve_expression(query)
        target = getattr(resolved, "target", None)
        field = target.target_field if target is not None and target.is_relation else target
        internal = field.get_internal_type() if field is not None else ""
        kind = {"DateTimeField": "timestamptz", "DateField": "date", "UUIDField": "uuid"}.get(
            internal, "int8"
        )
        if target is not None and target.null:
            keys.append((f"_key_{i}_null", _IsNull(F(name)), "bool", desc))
            fill = {"timestamptz": "'-infinity'::timestamptz", "date": "'-infinity'::date"}.get(kind, "0")
            expr: Any = _Filled(F(name), fill=fill, output_field=resolved.output_field)
        else:
            expr = _Raw(F(name), output_field=resolved.output_field)
        if kind == "int8":
            expr = Cast(expr, BigIntegerField())
        keys.append((f"_key_{i}", expr, kind, desc))
    return keys


def _aggregated_arrays(
    queryset: models.QuerySet[Any], plain: Mapping[str, Any], names: Sequence[str], connection: Any
) -> dict[str, IntArray]:
    """PostgreSQL: all rows in their columns' binary forms, parsed with one structured
    ``np.frombuffer``: rows of :data:`_COPY_MIN_FIELDS` columns or more as a binary COPY
    (:func:`copy_binary`), narrower ones as one ``bytea``, the ``string_agg`` of each row's
    bytes.

    Rows fetched one by one through a cursor cost several microseconds each in the driver,
    and an ``array_agg`` per column costs about as much per value as the scan does per row.
    The aggregate costs the server a send and a concatenation per column and row and builds
    the whole result in one backend before it is sent; the COPY costs the send, and the client
    a fraction of a microsecond per row (one message each), while the server goes on. Instants
    and dates travel as stored (:func:`_postgres_select`). The database does not
    sort: the sort keys of the queryset's ordering travel too and are applied with one stable
    ``np.lexsort`` (an instant, a date, an integer or a UUID compares in NumPy as in
    PostgreSQL; NULLs last, first when descending, as PostgreSQL puts them). Every column
    must be non-NULL (the aggregate would drop its row, the COPY send a length of -1: both
    are checked).
    """
    import psycopg

    ordering: Sequence[Any] = queryset.query.order_by or (
        queryset.model._meta.ordering if queryset.query.default_ordering else ()
    )
    selects: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    infinity: dict[str, bool] = {}
    for name in names:
        alias = f"_col_{name}"
        selects[alias], kinds[alias], infinity[name] = _postgres_select(plain[name])
    keys = _sort_keys(queryset, ordering, plain)
    for alias, expr, kind, _desc in keys:
        if expr is not None:
            selects[alias], kinds[alias] = expr, kind
    inner, params = queryset.annotate(**selects).order_by().values_list(*selects).query.sql_with_params()
    fields = [(c, _KINDS[kinds[c]][1]) for c in selects]
    stream = len(fields) >= _COPY_MIN_FIELDS
    if stream:  # each column cast to the type whose binary form is parsed (a no-op where it is)
        outer = ", ".join(f't."{c}"::{kinds[c]}' for c in selects)
        sql = f"SELECT {outer} FROM ({inner}) t"  # noqa: S608 - ours
    else:
        row_bytes = " || ".join(f'{_KINDS[kinds[c]][0]}(t."{c}")' for c in selects)
        sql = f"SELECT string_agg({row_bytes}, ''::bytea), count(*) FROM ({inner}) t"  # noqa: S608 - ours
    connection.ensure_connection()
    # Sound: psycopg's ClientCursor.mogrify quotes each value of ``params`` itself (the ORM's
    # own parameters); nothing is formatted into ``sql`` but the ORM's compiled query.
    with psycopg.ClientCursor(connection.connection) as client_side:
        statement = client_side.mogrify(sql, params)
    if stream:
        rows = parse_copy_binary(copy_binary(connection, statement), fields)
    else:
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(statement, binary=True)
            data, count = cursor.fetchone() or (None, 0)
        rows = np.frombuffer(data or b"", dtype=np.dtype(fields))
        if rows.size != count:
            raise ValueError("a column read is NULL in some row; wrap it in or_missing()")
    if connection.queries_logged:  # count it as Django counts its own queries
        connection.queries_log.append({"sql": statement, "time": "0.000"})
    arrays: dict[str, IntArray] = {}
    for name in names:
        alias = f"_col_{name}"
        arrays[name] = _as_int64(rows[alias], kinds[alias], infinity[name])
    if not keys:
        return arrays
    sort: list[npt.NDArray[Any]] = []
    for alias, expr, kind, desc in keys:
        if expr is None:  # a column read anyway, in an order-preserving form
            parts = [arrays[alias]]
        elif kind == "uuid":
            flip = np.uint64(1 << 63)  # unsigned order as signed
            halves = rows[alias]
            parts = [(halves["f0"] ^ flip).view(np.int64), (halves["f1"] ^ flip).view(np.int64)]
        else:
            parts = [rows[alias].astype(np.int64)]
        sort += [~p if desc else p for p in parts]
    order = _lexsort(sort)
    return {name: a[order] for name, a in arrays.items()}


#: Rows of this many columns or more (sort keys included) come by :func:`copy_binary`; rows of
#: fewer as one ``string_agg``. Measured at 10,000 clients (docs/cohort.md, Speed): for 1-2
#: columns the aggregate is cheaper (the COPY's per-row message costs more than the appends),
#: from 4 on the COPY (no concatenation per column).
_COPY_MIN_FIELDS = 4

#: The start of every binary COPY stream: the signature, 32 bits of flags, the extension length.
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_COPY_HEADER = len(_COPY_SIGNATURE) + 8
_COPY_TRAILER = b"\xff\xff"  # a field count of -1


def copy_layout(fields: Sequence[tuple[str, Any]]) -> np.dtype[Any]:
    """The NumPy type of one row of a binary COPY whose columns are ``fields`` (name, NumPy
    type of the value): a 16-bit field count, then per field a 32-bit length and the value,
    big-endian, unaligned. Fixed-width only: every value non-NULL and of its type's width."""
    spec: list[tuple[str, Any]] = [("_fields", ">i2")]
    for i, (name, kind) in enumerate(fields):
        spec += [(f"_length_{i}", ">i4"), (name, kind)]
    return np.dtype(spec)


def parse_copy_binary(data: Any, fields: Sequence[tuple[str, Any]]) -> npt.NDArray[Any]:
    """The rows of a binary COPY stream (``COPY ... TO STDOUT (FORMAT BINARY)``: header, rows,
    trailer) as one structured array of :func:`copy_layout` (no copy of ``data``).

    Raises ``ValueError`` if the stream is not one, or if any row has another number of fields
    or a value of another width than ``fields`` say (a NULL has the length -1 and no bytes).
    """
    view = memoryview(data).cast("B")
    layout = copy_layout(fields)
    if view.nbytes < _COPY_HEADER + len(_COPY_TRAILER) or view[: len(_COPY_SIGNATURE)] != _COPY_SIGNATURE:
        raise ValueError("not a binary COPY stream")
    extension = int.from_bytes(view[_COPY_HEADER - 4 : _COPY_HEADER], "big")
    start = _COPY_HEADER + extension
    body = view.nbytes - start - len(_COPY_TRAILER)
    if body < 0 or view[view.nbytes - len(_COPY_TRAILER) :] != _COPY_TRAILER or body % layout.itemsize:
        raise ValueError("a column read is NULL in some row, or not of its type; wrap it in or_missing()")
    rows = np.frombuffer(view, dtype=layout, count=body // layout.itemsize, offset=start)
    bad = rows["_fields"] != len(fields)
    for i, (_name, kind) in enumerate(fields):
        bad |= rows[f"_length_{i}"] != np.dtype(kind).itemsize
    if bad.any():
        raise ValueError("a column read is NULL in some row, or not of its type; wrap it in or_missing()")
    return rows


def copy_binary(connection: Any, statement: str) -> bytearray:
    """Run ``COPY (statement) TO STDOUT (FORMAT BINARY)`` on a Django PostgreSQL connection
    (psycopg 3) and return the whole stream.

    The server streams one message per row. They are taken from libpq here in one tight loop
    (``PGconn.get_copy_data``, waiting on the socket, which releases the GIL, only when none is
    buffered) and appended to one buffer: iterating psycopg's ``Copy`` cost about a third more
    (647,190 rows of 6 columns: 0.53 s against 0.40 s). The end of the stream, its result and
    any error are left to psycopg; errors are raised as Django's.
    """
    import selectors

    import psycopg

    raw = connection.connection
    out = bytearray()
    copy_sql = f"COPY ({statement}) TO STDOUT (FORMAT BINARY)"
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor, cursor.copy(copy_sql) as copy:
        pgconn = raw.pgconn
        get = pgconn.get_copy_data
        # The trailer is a message of its own, or with the header where there is no row.
        alone, empty = len(_COPY_TRAILER), _COPY_HEADER + len(_COPY_TRAILER)
        ended = False  # by libpq, before a trailer was seen
        with selectors.DefaultSelector() as selector:
            selector.register(pgconn.socket, selectors.EVENT_READ)
            while True:
                nbytes, message = get(1)
                if nbytes > 0:
                    out += message
                    if nbytes in (alone, empty) and _copy_ended(out, nbytes):
                        break
                elif nbytes == 0:
                    selector.select()
                    pgconn.consume_input()
                else:  # the end without a trailer seen (an error, most likely): its results
                    _end_copy(pgconn)
                    ended = True
                    break
        if not ended and copy.read():  # the end of the COPY, its result, any error: psycopg's
            raise ValueError("data after the end of a binary COPY stream")
    return out


def _copy_ended(out: bytearray, last: int) -> bool:
    """Whether the last message (``last`` bytes) of the stream ``out`` is its trailer."""
    return out.endswith(_COPY_TRAILER) and (last == len(_COPY_TRAILER) or len(out) == last)


def _end_copy(pgconn: Any) -> None:
    """Take the results libpq holds after a COPY ended; raise the first error among them.
    (A stream cut short without an error is refused by :func:`parse_copy_binary`.)"""
    import psycopg
    from psycopg import pq

    error: Exception | None = None
    while (result := pgconn.get_result()) is not None:
        if result.status != pq.ExecStatus.COMMAND_OK and error is None:
            error = psycopg.errors.error_from_result(result)
    if error is not None:
        raise error


def _lexsort(keys: Sequence[IntArray]) -> IntArray:
    """``np.lexsort`` of ``keys`` (most significant first), faster: neighbouring keys whose
    ranges fit together in 62 bits are packed into one integer, and where the first packed
    key has no ties the rest cannot change the order (one ``argsort`` instead of one per key).
    """
    if not keys or keys[0].size == 0:
        return np.zeros(0, dtype=np.int64)
    parts: list[IntArray] = []
    acc: IntArray | None = None
    used = 0
    for key in keys:
        lo = int(key.min())
        bits = (int(key.max()) - lo).bit_length()
        if bits > 62:  # too wide to pack: a key of its own
            if acc is not None:
                parts.append(acc)
                acc, used = None, 0
            parts.append(key)
            continue
        offset = key - lo  # exact: the difference fits
        if acc is not None and used + bits <= 62:
            acc = (acc << bits) | offset
            used += bits
        else:
            if acc is not None:
                parts.append(acc)
            acc, used = offset, bits
    if acc is not None:
        parts.append(acc)
    order: IntArray = np.argsort(parts[0], kind="stable").astype(np.int64)
    if len(parts) == 1:
        return order
    first = parts[0][order]
    if not (first[1:] == first[:-1]).any():
        return order
    full: IntArray = np.lexsort(parts[::-1]).astype(np.int64)
    return full


def _as_int64(values: npt.NDArray[Any], kind: str, infinity_is_missing: bool) -> IntArray:
    """A column as 64-bit integers: an instant as epoch microseconds, a date as a day number
    (``-infinity``, the type's least value, as :data:`MISSING` where it stands for NULL)."""
    out = values.astype(np.int64)
    if kind not in ("timestamptz", "date"):
        return out
    missing = out == (np.iinfo(np.int64 if kind == "timestamptz" else np.int32).min)
    out += _PG_EPOCH_US if kind == "timestamptz" else _PG_EPOCH_DAYS
    if infinity_is_missing and missing.any():
        out[missing] = MISSING
    return out


#: Days per bitmap word of :func:`read_day_flags` (two 32-bit halves of one ``bigint``).
_WORD_DAYS = 32
_WORD_BIAS = 2**21  # day numbers from 1970 - 5,700 years on: positive
_WORD_BITS = 17  # (day + bias) // 32 fits in 17 bits
_WORK_MEM = "64MB"


def read_day_flags(queryset: models.QuerySet[Any], owner: str, date: str, flag: str) -> dict[str, IntArray]:
    """The rows of ``queryset`` as three columns: ``owner`` (an integer field, e.g. a client's
    key), ``day`` (``date`` as a day number) and ``flag`` (a non-NULL boolean field, ``1`` or
    ``0``), in no particular order; rows of one owner and day are one row (flag: any of them).

    On PostgreSQL the database sends one bitmap per owner and 32 days (``GROUP BY`` and
    ``bit_or``: a day's bit, and its flag's bit 32 places up) instead of one value per row, and
    NumPy unpacks them: the same rows in a twentieth of the values. Elsewhere (SQLite) the rows
    come as they are, through :func:`read_columns`.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        out = read_columns(
            queryset.order_by(),
            {
                "owner": F(owner),
                "day": DayNumber(date),
                "flag": Case(
                    When(**{flag: True}, then=Value(1)), default=Value(0), output_field=BigIntegerField()
                ),
            },
        )
        if out["owner"].size == 0:
            return out
        key = (out["owner"] << 24 | (out["day"] + _WORD_BIAS)) * 2 + out["flag"]
        key = np.unique(key)  # one row per owner and day, a flag if any row has it
        pair, last = key // 2, np.ones(key.size, dtype=bool)
        last[:-1] = pair[1:] != pair[:-1]
        key = key[last]
        return {"owner": key >> 25, "day": ((key >> 1) & ((1 << 24) - 1)) - _WORD_BIAS, "flag": key & 1}
    import psycopg

    quoted = connection.ops.quote_name
    try:
        inner, params = (
            queryset.order_by()
            .annotate(_o=F(owner), _d=_Raw(F(date), output_field=models.DateField()), _f=F(flag))
            .values_list("_o", "_d", "_f")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # .none(), or a filter that can match nothing
        return {name: np.zeros(0, dtype=np.int64) for name in ("owner", "day", "flag")}
    day = f"(t.{quoted('_d')} - DATE '1970-01-01' + {_WORD_BIAS})"
    sql = (
        "SELECT string_agg(int8send(g.k) || int8send(g.b), ''::bytea), count(*) FROM ("  # noqa: S608 - ours
        f"SELECT CAST(t.{quoted('_o')} AS bigint) * {1 << _WORD_BITS} + {day} / {_WORD_DAYS} AS k,"
        f" bit_or((CAST(1 AS bigint) << ({day} %% {_WORD_DAYS}))"
        f" | (CAST(t.{quoted('_f')} AS integer)::bigint << ({_WORD_DAYS} + {day} %% {_WORD_DAYS}))) AS b"
        f" FROM ({inner}) t GROUP BY 1) g"
    )
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client_side:
        statement = client_side.mogrify(sql, params)
    # A hash table of the words (about 220 bytes each): with the default 4 MB the planner
    # sorts the 2.8M rows of 10,000 clients instead (measured: 2.8 s against 1.5 s). LOCAL:
    # for this transaction only (or the caller's, if it is inside one).
    # psycopg's own transaction (a savepoint inside one): not a query Django counts.
    raw = connection.connection
    with raw.transaction(), psycopg.Cursor(raw) as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
        cursor.execute(statement, binary=True)
        data, count = cursor.fetchone() or (None, 0)
    if connection.queries_logged:
        connection.queries_log.append({"sql": statement, "time": "0.000"})
    words = np.frombuffer(data or b"", dtype=np.dtype([("k", ">i8"), ("b", ">u8")]))
    if words.size != count:  # pragma: no cover - a NULL owner or date
        raise ValueError("an owner or date is NULL in some row")
    key = words["k"].astype(np.int64)
    # Each half of a word as 32 bits in a row, little end first: bit ``32 * i + d`` of the
    # flat arrays is day ``d`` of word ``i``; one flat index per recorded day.
    both = words["b"].astype("<u8")
    recorded = np.unpackbits(both.astype("<u4").view(np.uint8), bitorder="little")
    flags = np.unpackbits((both >> np.uint64(_WORD_DAYS)).astype("<u4").view(np.uint8), bitorder="little")
    at = np.flatnonzero(recorded)
    row = at >> (_WORD_DAYS.bit_length() - 1)  # at // _WORD_DAYS
    return {
        "owner": (key >> _WORD_BITS)[row],
        "day": ((key & ((1 << _WORD_BITS) - 1)) * _WORD_DAYS - _WORD_BIAS)[row] + (at & (_WORD_DAYS - 1)),
        "flag": flags[at].astype(np.int64),
    }


def run_reads(using: str, reads: Sequence[Callable[[], Any]]) -> list[Any]:
    """Call ``reads`` (functions that only read) and return their results, in order.

    On PostgreSQL, outside a transaction, they run at once: the first on this thread's
    connection in a ``REPEATABLE READ`` transaction that exports its snapshot
    (``pg_export_snapshot()``), each other one on a connection of its own thread that imports
    it (``SET TRANSACTION SNAPSHOT``), so that all see the same committed rows, as one
    transaction would; the query waits on the database release the GIL. The other threads'
    connections are opened for the call, outside any pool, and closed afterwards. Inside a
    transaction (its rows may be uncommitted, which another connection cannot see) and on
    other databases: one after the other.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(reads) < 2:
        return [read() for read in reads]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()

        def in_thread(read: Callable[[], T]) -> T:
            # A connection of its own, never one of the pool: a pool of 4 shared by two pages
            # taking 3 each could leave both waiting for the third.
            options = {k: v for k, v in connection.settings_dict.get("OPTIONS", {}).items() if k != "pool"}
            mine = type(connection)({**connection.settings_dict, "OPTIONS": options}, alias=using)
            connections[using] = mine  # this thread's connection for the alias
            try:
                with transaction.atomic(using=using), mine.cursor() as c:
                    c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    c.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                    return read()
            finally:
                mine.close()

        with ThreadPoolExecutor(max_workers=len(reads) - 1) as pool:
            others = [pool.submit(in_thread, read) for read in reads[1:]]
            first = reads[0]()
            return [first, *(future.result() for future in others)]


def in_one_snapshot(using: str, read: Callable[[], T]) -> T:
    """Call ``read`` (a function that only reads) so that all its queries see one snapshot.

    On PostgreSQL, outside a transaction, in a ``REPEATABLE READ`` transaction of its own
    (read-only); inside a transaction, in that one (the caller's). Elsewhere (SQLite, whose
    transactions read one snapshot) in a transaction.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        return read()
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return read()
