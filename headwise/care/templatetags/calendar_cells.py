"""One calendar cell as HTML, written in Python: a week holds a hundred entries or more, and
Django's template engine resolving a dozen variables for each was half the page's time (the
bench, docs/calendar.md). The markup is the one the template had; every value is escaped."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from headwise.care.calendar import Booked, Entry
from headwise.care.models import AppointmentKind, AppointmentStatus

register = template.Library()

EMPTY = mark_safe('<span class="muted small">—</span>')  # noqa: S308 - a constant


def _appointment(
    e: Entry, a: Booked, *, urls: dict[str, str], day_view: bool, labels: dict[str, Any]
) -> SafeString:
    what = a.service_name if a.service_name is not None else labels["kind"].get(a.kind, a.kind)
    if day_view:
        what = f"{what} · {a.practitioner.display_name}"
    return format_html(
        '<li class="appt st-{}"><a href="{}{}/"><span class="t">{}</span> <span class="who">{}</span> '
        '<span class="what">{}</span> <span class="st">{}</span></a></li>',
        a.status,
        urls["appointment"],
        a.uuid,
        e.span_label,
        a.client,
        what,
        labels["status"].get(a.status, a.status),
    )


def _free(e: Entry, *, urls: dict[str, str], client_query: str, show_who: bool) -> SafeString:
    query = f"{e.query}&{client_query}" if client_query else e.query
    who = f" · {e.who}" if show_who else ""
    link = format_html(
        '<a href="{}?{}"><span class="t">{}</span> {}{}<span class="vh"> — {}</span></a>',
        urls["book"],
        query,
        e.start_label,
        _("free"),
        who,
        _("book this slot"),
    )
    if not e.freed:
        return format_html('<li class="free">{}</li>', link)
    if e.waitlist_fit:
        fit = ngettext("%(n)s on the waiting list fits", "%(n)s on the waiting list fit", e.waitlist_fit) % {
            "n": e.waitlist_fit
        }
    else:
        fit = _("Freed by a cancellation")
    return format_html(
        '<li class="free freed">{} <a class="fit" href="{}?{}">{}</a></li>', link, urls["fit"], e.query, fit
    )


@register.simple_tag
def calendar_cell(
    entries: list[Entry], *, urls: dict[str, str], view: str, by_location: bool, client_query: str = ""
) -> SafeString:
    """The entries of one cell, in time order; a dash when it is empty."""
    if not entries:
        return EMPTY
    labels = {"status": dict(AppointmentStatus.choices), "kind": dict(AppointmentKind.choices)}
    day_view = view == "day"
    show_who = day_view or not by_location
    items = (
        _appointment(e, e.appointment, urls=urls, day_view=day_view, labels=labels)
        if e.appointment is not None
        else _free(e, urls=urls, client_query=client_query, show_who=show_who)
        for e in entries
    )
    return format_html('<ul class="cal-entries">{}</ul>', format_html_join("", "{}", ((i,) for i in items)))
