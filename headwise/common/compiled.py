"""Queries the ORM defines once and compiles once: for a rule or a row asked on every request.

Building a queryset's SQL (``filter``, ``Exists``, ``OuterRef``, the compiler) costs far more
than SQLite or PostgreSQL take to answer a small query by primary key: ``may_process``, asked
twice on every diary write, spent most of its time there. :class:`CompiledExists` keeps the
rule where it is, written with the ORM, and asks the ORM for its SQL once per database
connection alias; each call then runs that SQL with the one value that changes (a row's id).

How the value's place is found: the queryset is built for two different marker ids and
compiled twice; the SQL must come out the same and the parameters must differ in exactly one
place, which is where the id goes. Anything else (a definition whose SQL depends on the value)
is refused with an error when first used, so a test fails instead of a wrong answer. The
definition may depend on nothing but the id (no clock, no setting read at call time): its SQL
is kept for the life of the process.

:class:`CompiledFirst` does the same for ``build(pk).first()``, the row turned into a model
instance (with its ``select_related`` rows) exactly as the ORM's own iterator does it: the
compiler's column list, its converters and its related-object populators, kept from the one
compilation. The signed-in user's membership or client (``attach_identity``, on every
request) is read this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

#: Two ids no row has (ids are positive), so that they match no constant of a definition.
_MARKERS = (-918_273_645, -546_372_819)


def _place_of_the_id(build: Callable[[int], Any], alias: str, compile_: Callable[[Any, str], Any]) -> Any:
    """Compile ``build`` for both markers; return (first compilation, sql, params, the id's place)."""
    compiled = []
    for marker in _MARKERS:
        compiler, (sql, params) = compile_(build(marker), alias)
        compiled.append((compiler, sql, tuple(params)))
    (compiler, sql, params), (_other, other_sql, other_params) = compiled
    places = [i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b]
    if sql != other_sql or len(places) != 1 or params[places[0]] != _MARKERS[0]:
        raise ValueError("compiled query: the id must be the definition's one varying parameter")
    return compiler, sql, params, places[0]


class CompiledExists:
    """``build(pk).exists()``, with the SQL built by the ORM once per database alias."""

    def __init__(self, build: Callable[[int], QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[str, tuple[str, tuple[Any, ...], int]] = {}

    def _compile(self, alias: str) -> tuple[str, tuple[Any, ...], int]:
        found = self._compiled.get(alias)
        if found is not None:
            return found

        def compile_(queryset: QuerySet[Any], using: str) -> Any:
            query = queryset.query.exists()
            return None, query.get_compiler(using=using).as_sql()

        _compiler, sql, params, place = _place_of_the_id(self.build, alias, compile_)
        found = (sql, params, place)
        self._compiled[alias] = found
        return found

    def __call__(self, pk: int, *, using: str = "default") -> bool:
        sql, params, place = self._compile(using)
        values = list(params)
        values[place] = int(pk)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone() is not None


class _Plan:
    """One compilation of a :class:`CompiledFirst`: its SQL and how a row becomes an instance."""

    def __init__(self, compiler: Any, sql: str, params: tuple[Any, ...], place: int) -> None:
        self.sql, self.params, self.place = sql, params, place
        select, klass_info = compiler.select, compiler.klass_info
        if compiler.annotation_col_map:
            raise ValueError("CompiledFirst: annotations are not supported")
        self.model: type[Model] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, compiler.using)
        #: {column: ([converter, ...], expression)}, the compiler's own (``results_iter``).
        self.converters = compiler.get_converters([s[0] for s in select[0 : compiler.col_count]])


class CompiledFirst:
    """``build(pk).first()``, with the SQL and its row mapping built by the ORM once per alias.

    The same instance the ORM gives (its fields, its ``select_related`` objects attached and
    cached), or ``None``; no annotations, no ``prefetch_related``, no deferred fields.
    """

    def __init__(self, build: Callable[[int], QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[str, _Plan] = {}

    def _compile(self, alias: str) -> _Plan:
        found = self._compiled.get(alias)
        if found is not None:
            return found

        def compile_(queryset: QuerySet[Any], using: str) -> Any:
            prefetch = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            if prefetch or queryset.query.deferred_loading != (frozenset(), True):
                raise ValueError("CompiledFirst: no prefetch_related, defer or only")
            first = (queryset if queryset.ordered else queryset.order_by("pk"))[:1]  # as first() does
            compiler = first.query.get_compiler(using=using)
            return compiler, compiler.as_sql()

        found = _Plan(*_place_of_the_id(self.build, alias, compile_))
        self._compiled[alias] = found
        return found

    def __call__(self, pk: int, *, using: str = "default") -> Any:
        plan = self._compile(using)
        values = list(plan.params)
        values[plan.place] = int(pk)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, values)
            fetched = cursor.fetchone()
        if fetched is None:
            return None
        row = list(fetched)
        for column, (converters, expression) in plan.converters.items():
            value = row[column]
            for converter in converters:
                value = converter(value, expression, connection)
            row[column] = value
        obj = plan.model.from_db(using, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        return obj
