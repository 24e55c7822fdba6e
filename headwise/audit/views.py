"""The owner's audit page and CSV export; a client's list of who viewed their record."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from headwise.accounts.access import ClientRequest, StaffRequest, client_required, owner_required
from headwise.audit import selectors
from headwise.audit.forms import AuditFilterForm
from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record
from headwise.common.paging import CURSOR_PARAM, BadCursorError, bad_cursor_page, cursor_of, keyset_page
from headwise.common.spreadsheet import spreadsheet_safe
from headwise.practice.models import Role

PER_PAGE = 50
ROLE_LABELS = {**dict(Role.choices)}


@owner_required
@require_GET
def audit_page(request: StaffRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, practice=request.practice)
    entries = selectors.audit_entries_of(practice=request.practice, filters=form.filters())
    try:
        page = keyset_page(
            entries,
            cursor=cursor_of(request),
            per_page=PER_PAGE,
            scope=f"audit:{request.practice.pk}",
            anchors=selectors.audit_entries_of(practice=request.practice),
        )
    except BadCursorError:
        return bad_cursor_page(request, reverse("audit:audit_page"))
    rows = page.rows
    keep = request.GET.copy()
    keep.pop(CURSOR_PARAM, None)
    return render(
        request,
        "audit/audit_page.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "actors": selectors.names_of_actors(rows),
            "clients": selectors.names_of_clients(practice=request.practice, entries=rows),
            "keep": keep.urlencode(),
            "query": request.GET.urlencode(),
            "role_labels": ROLE_LABELS,
        },
        status=422 if form.errors else 200,
    )


CSV_HEADER = [
    "number",
    "at_utc",
    "who",
    "role",
    "address",
    "action",
    "record_type",
    "record",
    "client",
    "fields",
    "hash",
]


@owner_required
@require_GET
def audit_export(request: StaffRequest) -> HttpResponse:
    """The filtered trail as CSV (UTC times, field names only); the export is itself an entry."""
    form = AuditFilterForm(request.GET or None, practice=request.practice)
    if form.errors:
        return HttpResponse(str(form.errors.as_text()), status=422, content_type="text/plain; charset=utf-8")
    entries = selectors.audit_entries_of(practice=request.practice, filters=form.filters())
    f = form.filters()
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        client=f.client,
        detail={"of": "audit", "format": "csv", "rows": entries.count()},
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="headwise-audit-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for e in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                e.seq,
                e.at.astimezone(dt.UTC).isoformat(),
                spreadsheet_safe(e.actor_label),  # a person's name or e-mail
                e.role,
                e.ip or "",
                e.action,
                e.object_type,
                e.object_id,
                e.client or "",
                " ".join(e.fields or []),
                e.hash,
            ]
        )
    return response


@client_required
@require_GET
def my_record_views(request: ClientRequest) -> HttpResponse:
    entries = selectors.audit_reads_of_client(client=request.client)
    try:
        page = keyset_page(
            entries, cursor=cursor_of(request), per_page=PER_PAGE, scope=f"record-views:{request.client.pk}"
        )
    except BadCursorError:
        return bad_cursor_page(request, reverse("audit:my_record_views"))
    rows = page.rows
    return render(
        request,
        "audit/my_record_views.html",
        {
            "page": page,
            "rows": rows,
            # One client's reads of their own record: a count over that client's entries only,
            # which does not grow with the practice's history.
            "total": entries.count(),
            "actors": selectors.names_of_actors(rows),
            "role_labels": ROLE_LABELS,
        },
    )
