"""The calendar grid's rows and cells as HTML, written in Python: a week holds a hundred entries
or more, and Django's template engine resolving a dozen variables for each was half the page's
time (the bench, docs/calendar.md); then the rows' loop, with its cells' labels and the tag
called once per cell, was most of what was left of the template's time. The markup is the one
the template had; every value is escaped (``html.escape``, as Django's ``escape``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from headwise.care.calendar import Booked, Entry, Grid
from headwise.care.models import AppointmentKind, AppointmentStatus

register = template.Library()

EMPTY = '<span class="muted small">—</span>'


@dataclass(frozen=True)
class _Words:
    """What every cell of one grid says the same way, translated once per grid."""

    status: dict[str, str]
    kind: dict[str, str]
    free: str
    book: str
    freed: str

    @classmethod
    def now(cls) -> _Words:
        return cls(
            status={k: str(v) for k, v in AppointmentStatus.choices},
            kind={k: str(v) for k, v in AppointmentKind.choices},
            free=escape(_("free")),
            book=escape(_("book this slot")),
            freed=escape(_("Freed by a cancellation")),
        )


def _appointment(e: Entry, a: Booked, *, urls: dict[str, str], day_view: bool, words: _Words) -> str:
    what = a.service_name if a.service_name is not None else words.kind.get(a.kind, a.kind)
    if day_view:
        what = f"{what} · {a.practitioner.display_name}"
    return (
        f'<li class="appt st-{escape(a.status)}">'
        f'<a href="{escape(urls["appointment"])}{escape(str(a.uuid))}/">'
        f'<span class="t">{escape(e.span_label)}</span> <span class="who">{escape(a.client)}</span> '
        f'<span class="what">{escape(what)}</span> '
        f'<span class="st">{escape(words.status.get(a.status, a.status))}</span></a></li>'
    )


def _free(e: Entry, *, urls: dict[str, str], client_query: str, show_who: bool, words: _Words) -> str:
    query = f"{e.query}&{client_query}" if client_query else e.query
    who = f" · {e.who}" if show_who else ""
    link = (
        f'<a href="{escape(urls["book"])}?{escape(query)}"><span class="t">{escape(e.start_label)}</span> '
        f'{words.free}{escape(who)}<span class="vh"> — {words.book}</span></a>'
    )
    if not e.freed:
        return f'<li class="free">{link}</li>'
    if e.waitlist_fit:
        fit = escape(
            ngettext("%(n)s on the waiting list fits", "%(n)s on the waiting list fit", e.waitlist_fit)
            % {"n": e.waitlist_fit}
        )
    else:
        fit = words.freed
    return (
        f'<li class="free freed">{link} <a class="fit" href="{escape(urls["fit"])}?{escape(e.query)}">'
        f"{fit}</a></li>"
    )


def _cell(
    entries: list[Entry],
    *,
    urls: dict[str, str],
    view: str,
    by_location: bool,
    client_query: str,
    words: _Words,
) -> str:
    if not entries:
        return EMPTY
    day_view = view == "day"
    show_who = day_view or not by_location
    items = "".join(
        _appointment(e, e.appointment, urls=urls, day_view=day_view, words=words)
        if e.appointment is not None
        else _free(e, urls=urls, client_query=client_query, show_who=show_who, words=words)
        for e in entries
    )
    return f'<ul class="cal-entries">{items}</ul>'


@register.simple_tag
def calendar_cell(
    entries: list[Entry], *, urls: dict[str, str], view: str, by_location: bool, client_query: str = ""
) -> SafeString:
    """The entries of one cell, in time order; a dash when it is empty."""
    html = _cell(
        entries, urls=urls, view=view, by_location=by_location, client_query=client_query, words=_Words.now()
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


@register.simple_tag
def calendar_rows(
    grid: Grid, *, urls: dict[str, str], by_location: object, client_query: str = ""
) -> SafeString:
    """The grid's body rows: a row head in the week view, then one cell per column."""
    words = _Words.now()
    week = grid.view == "week"
    out = []
    for row in grid.rows:
        out.append("<tr>\n      ")
        if week:
            out.append(f'<th scope="row" class="cal-rowhead">{escape(str(row.label))}</th>')
        out.append("\n      ")
        for column, entries in row.cells:
            label = f"{column.label} · {row.label}" if week and row.label else column.label
            today = ' class="today"' if column.is_today else ""
            cell = _cell(
                entries,
                urls=urls,
                view=grid.view,
                by_location=bool(by_location),
                client_query=client_query,
                words=words,
            )
            out.append(f'<td data-label="{escape(str(label))}"{today}>\n        {cell}\n      </td>')
        out.append("\n    </tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
