"""A query the ORM defines once and compiles once: for a rule asked on every request.

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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

#: Two ids no row has (ids are positive), so that they match no constant of a definition.
_MARKERS = (-918_273_645, -546_372_819)


class CompiledExists:
    """``build(pk).exists()``, with the SQL built by the ORM once per database alias."""

    def __init__(self, build: Callable[[int], QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[str, tuple[str, tuple[Any, ...], int]] = {}

    def _compile(self, alias: str) -> tuple[str, tuple[Any, ...], int]:
        found = self._compiled.get(alias)
        if found is not None:
            return found
        compiled = []
        for marker in _MARKERS:
            query = self.build(marker).query.exists()
            compiled.append(query.get_compiler(using=alias).as_sql())
        (sql, params), (other_sql, other_params) = compiled
        places = [i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b]
        if sql != other_sql or len(places) != 1 or params[places[0]] != _MARKERS[0]:
            raise ValueError("CompiledExists: the id must be the definition's one varying parameter")
        found = (sql, tuple(params), places[0])
        self._compiled[alias] = found
        return found

    def __call__(self, pk: int, *, using: str = "default") -> bool:
        sql, params, place = self._compile(using)
        values = list(params)
        values[place] = int(pk)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone() is not None
