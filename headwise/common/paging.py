"""Keyset paging for the long lists: a page is read from the index, not counted and skipped to.

OFFSET paging reads every row before the page it shows, and its "of N" counts them all: a late
page of a long list costs more the longer the practice's history. Here a page is "the next
``per_page`` rows after this one, in the list's order": the database seeks the list's index to
the row the link names and reads ``per_page + 1`` rows from there (the one extra says whether
there is a next page). No total is counted; the pager says "Previous" and "Next" and nothing it
does not know (docs/performance.md, "Paging").

The list's order is the queryset's ``order_by``, all in one direction and ending with the primary
key (or another unique field, the audit trail's ``seq``), so that ties never repeat or skip a
row. A link's cursor names only the row's primary key, signed for the one list and scope it was
made for (a practice, a client), never the row's sort values: a client's name has no place in an
address that lands in logs and browser history. The row's sort values are read back, by primary
key, from ``anchors`` (the list's tenant-scoped rows). A cursor that was tampered with, made for
another list or another practice, or naming a row no longer there, is a :class:`BadCursorError`,
which the page shows as a 400 (see :func:`bad_cursor_page`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.core import signing
from django.db.models import BooleanField, Expression, F, Field, Model, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)

#: The query parameter that carries a page's cursor.
CURSOR_PARAM = "cursor"

_AFTER, _BEFORE = "a", "b"


class BadCursorError(Exception):
    """The page link's cursor is not one this list made (tampered, truncated, another scope)."""


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    """One page of a list: its rows and the cursors of the pages either side (None: none)."""

    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None
    #: The previous page is the first one (its link carries no cursor).
    previous_is_first: bool = False

    def __iter__(self) -> Iterator[M]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None or self.previous_is_first

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


class _Row(Expression):
    """A row value, ``(a, b, c)``: compared as a whole, PostgreSQL and SQLite seek an index with it."""

    def __init__(self, *parts: Any) -> None:
        super().__init__()
        self.parts = list(parts)

    def get_source_expressions(self) -> list[Any]:
        return self.parts

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.parts = list(exprs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sqls, params = [], []
        for part in self.parts:
            sql, part_params = compiler.compile(part)
            sqls.append(sql)
            params.extend(part_params)
        return "(" + ", ".join(sqls) + ")", params


class _RowCompare(Expression):
    """``(columns) > (values)`` (or ``<``), usable in ``filter()``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, lhs: _Row, op: str, rhs: _Row) -> None:
        super().__init__()
        self.lhs, self.op, self.rhs = lhs, op, rhs

    def get_source_expressions(self) -> list[Any]:
        return [self.lhs, self.rhs]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.lhs, self.rhs = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        rhs_sql, rhs_params = compiler.compile(self.rhs)
        return f"{lhs_sql} {self.op} {rhs_sql}", [*lhs_params, *rhs_params]


def _order_of(queryset: QuerySet[M]) -> tuple[list[str], bool]:
    """The list's sort fields (the pk by its field name) and whether they run descending."""
    order = [str(o) for o in queryset.query.order_by]
    if not order:
        raise ValueError("a keyset page needs an ordered queryset")
    descending = {o.startswith("-") for o in order}
    if len(descending) != 1:
        raise ValueError(f"a keyset page's order runs one way: {order}")
    pk_name = queryset.model._meta.pk.name
    fields = [pk_name if o.lstrip("-") == "pk" else o.lstrip("-") for o in order]
    if not getattr(queryset.model._meta.get_field(fields[-1]), "unique", False):
        raise ValueError(f"a keyset page's order ends with a unique field (the primary key): {order}")
    return fields, descending.pop()


def _signer(scope: str) -> signing.Signer:
    return signing.Signer(salt=f"headwise.paging:{scope}")


def _cursor(scope: str, direction: str, pk: Any) -> str:
    return _signer(scope).sign_object({direction: pk}, compress=True)


def _read_cursor(scope: str, cursor: str) -> tuple[str, Any]:
    try:
        payload = _signer(scope).unsign_object(cursor)
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise BadCursorError(cursor) from exc
    if not isinstance(payload, dict) or len(payload) != 1:
        raise BadCursorError(cursor)
    ((direction, pk),) = payload.items()
    if direction not in (_AFTER, _BEFORE) or not isinstance(pk, int | str):
        raise BadCursorError(cursor)
    return direction, pk


def keyset_page(
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    per_page: int,
    scope: str,
    anchors: QuerySet[M] | None = None,
) -> KeysetPage[M]:
    """The page of ``queryset`` that ``cursor`` names; the first page without one.

    ``scope`` names the list and whose it is (``"clients:<practice id>"``): a cursor is good for
    that scope only. ``anchors`` are the rows a cursor may name (the tenant's rows of the list,
    before any search or filter, so that a link stays good when its row no longer matches one);
    by default ``queryset`` itself. Raises :class:`BadCursorError` for a cursor this list did not make.
    """
    fields, descending = _order_of(queryset)
    if not cursor:
        rows = list(queryset[: per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page]
        return KeysetPage(rows, _cursor(scope, _AFTER, rows[-1].pk) if more else None, None)

    direction, pk = _read_cursor(scope, cursor)
    source = queryset if anchors is None else anchors
    key = source.order_by().filter(pk=pk).values_list(*fields).first()
    if key is None:
        raise BadCursorError(cursor)
    meta = queryset.model._meta
    columns = _Row(*(F(name) for name in fields))
    values = _Row(
        *(
            Value(v, output_field=cast("Field[Any, Any]", meta.get_field(n)))
            for n, v in zip(fields, key, strict=True)
        )
    )
    # After the row in the list's order: ">" when it ascends, "<" when it descends; before it, the other.
    forward = direction == _AFTER
    op = ">" if forward != descending else "<"
    page_rows = queryset.filter(_RowCompare(columns, op, values))
    if not forward:
        page_rows = page_rows.reverse()
    rows = list(page_rows[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if forward:
        next_cursor = _cursor(scope, _AFTER, rows[-1].pk) if more else None
        # There is a previous page: the row the cursor names, at least.
        if not rows:
            return KeysetPage(rows, None, None, previous_is_first=True)
        return KeysetPage(rows, next_cursor, _cursor(scope, _BEFORE, rows[0].pk))
    rows.reverse()
    if not rows:
        return KeysetPage(rows, None, None)
    next_cursor = _cursor(scope, _AFTER, rows[-1].pk)
    if more:
        return KeysetPage(rows, next_cursor, _cursor(scope, _BEFORE, rows[0].pk))
    return KeysetPage(rows, next_cursor, None)


def cursor_of(request: HttpRequest) -> str | None:
    return request.GET.get(CURSOR_PARAM) or None


def bad_cursor_page(request: HttpRequest, list_url: str) -> HttpResponse:
    """A clear 400 for a page link this list did not make, with the way back to its first page."""
    return render(
        request,
        "web/bad_page_link.html",
        {
            "message": _("This page link is not valid: it was changed, or it is out of date."),
            "list_url": list_url,
        },
        status=400,
    )


def keep_query(pairs: Sequence[tuple[str, str]]) -> str:
    """The list's own query (search words, filters) to carry in its page links, url-encoded."""
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in pairs if v and k != CURSOR_PARAM])
