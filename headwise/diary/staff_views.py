"""A client's diary as their practitioner sees it: the same month, read-only.

Owners and practitioners of the client's practice only; the front desk gets 403 (clinical
record), anyone else 404 (the client is looked up in the caller's practice first).
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.dates import WEEKDAYS_ABBR

from headwise.accounts.access import StaffRequest, require_clinician, staff_required
from headwise.clients.models import Client
from headwise.clients.selectors import client_get
from headwise.diary import charts, selectors
from headwise.diary.localtime import client_today
from headwise.diary.selectors import MonthView


def _month_of(request: StaffRequest, client_id: uuid.UUID, month: str | None) -> tuple[Client, MonthView]:
    client = client_get(practice=request.practice, client_id=client_id)
    require_clinician(request)
    today = client_today(client)
    first = selectors.parse_month(month) if month else today.replace(day=1)
    if first is None or first > today:
        raise Http404
    return client, selectors.month_view(client=client, month=first)


@staff_required
def client_month(request: StaffRequest, client_id: uuid.UUID, month: str | None = None) -> HttpResponse:
    client, view = _month_of(request, client_id, month)
    weekdays = [WEEKDAYS_ABBR[i] for i in range(7)]
    return render(request, "diary/staff_month.html", {"view": view, "client": client, "weekdays": weekdays})


@staff_required
def client_month_chart(request: StaffRequest, client_id: uuid.UUID, month: str) -> HttpResponse:
    _client, view = _month_of(request, client_id, month)
    svg = charts.month_chart(view, dark=request.user.theme == "dark")
    response = HttpResponse(svg, content_type="image/svg+xml")
    return response
