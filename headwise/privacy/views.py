"""Pages for privacy rights: a client's own page, the practice's page for a client, the owner's
confirmation of an erasure, the practice's privacy settings."""

from __future__ import annotations

import time
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from headwise.accounts.access import (
    ClientRequest,
    StaffRequest,
    client_required,
    readable_sessions,
    require_clinician,
    require_owner,
    staff_required,
)
from headwise.accounts.fresh import require_fresh_auth
from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record
from headwise.clients import selectors as client_selectors
from headwise.common.pages import errors_to_form
from headwise.privacy import services
from headwise.privacy.export import export_zip
from headwise.privacy.forms import DecisionForm, PrivacySettingsForm
from headwise.privacy.models import ErasureRequest


def _zip_response(
    request: StaffRequest | ClientRequest, client: object, data: bytes, counts: dict[str, int]
) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="headwise-{client.uuid}.zip"'  # type: ignore[attr-defined]
    return response


# --- the client's own page -----------------------------------------------------------------


@client_required
def my_privacy(request: ClientRequest) -> HttpResponse:
    open_request = ErasureRequest.objects.filter(client=request.client, done_at__isnull=True).first()
    return render(request, "privacy/my_privacy.html", {"client": request.client, "erasure": open_request})


@require_GET
@client_required
@require_fresh_auth()
def my_export(request: ClientRequest) -> HttpResponse:
    started = time.perf_counter()
    data, counts = export_zip(request.client, session_filter=lambda qs: qs)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        obj=request.client,
        detail={
            "format": "zip",
            "records": sum(counts.values()),
            "ms": round((time.perf_counter() - started) * 1000),
        },
    )
    return _zip_response(request, request.client, data, counts)


@require_POST
@client_required
@require_fresh_auth()
def my_erasure_request(request: ClientRequest) -> HttpResponse:
    if request.POST.get("ask") != "erasure":  # the page's button says so; an empty post does nothing
        return redirect("privacy:mine")
    services.erasure_request(client=request.client, by=request.user, by_client=True)
    messages.success(
        request, _("Your request is recorded. The practice will confirm what it may erase and tell you.")
    )
    return redirect("privacy:mine")


# --- the practice's pages -------------------------------------------------------------------


@staff_required
def client_privacy(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    requests = ErasureRequest.objects.for_practice(request.practice).filter(subject=client.uuid)
    return render(request, "privacy/client_privacy.html", {"client": client, "requests": requests})


@require_GET
@staff_required
@require_fresh_auth()
def client_export(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    require_clinician(request)
    started = time.perf_counter()
    data, counts = export_zip(client, session_filter=lambda qs: readable_sessions(request, qs))
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        obj=client,
        detail={
            "format": "zip",
            "records": sum(counts.values()),
            "ms": round((time.perf_counter() - started) * 1000),
        },
    )
    return _zip_response(request, client, data, counts)


@require_POST
@staff_required
def client_erasure_request(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    if request.POST.get("ask") != "erasure":
        return redirect("privacy:client", client_id=client.uuid)
    services.erasure_request(client=client, by=request.user, by_client=False)
    messages.success(request, _("The request is recorded. An owner confirms it."))
    return redirect("privacy:client", client_id=client.uuid)


@staff_required
@require_fresh_auth()
def erasure_confirm(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    require_owner(request)
    found = get_object_or_404(
        ErasureRequest.objects.for_practice(request.practice), client=client, done_at__isnull=True
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_decide(
                request=found,
                by=request.user,
                decision=form.cleaned_data["decision"],
                keep_until=form.cleaned_data["keep_until"],
                reason=form.cleaned_data["reason"],
                http_request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if found.decision == "keep":
                messages.success(
                    request,
                    _("The decision is recorded: the records are kept until %(date)s.")
                    % {"date": found.keep_until},
                )
                return redirect("privacy:client", client_id=client.uuid)
            messages.success(
                request, _("The client's records are erased. The audit trail keeps only that it happened.")
            )
            return redirect("web:client_list")
    return render(
        request,
        "privacy/erasure_confirm.html",
        {
            "client": client,
            "erasure": found,
            "form": form,
            "retention_years": request.practice.retention_years,
        },
        status=422 if form.errors else 200,
    )


@staff_required
@require_fresh_auth()
def practice_privacy(request: StaffRequest) -> HttpResponse:
    require_owner(request)
    form = PrivacySettingsForm(request.POST or None, instance=request.practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            action=AuditAction.CHANGE, request=request, obj=request.practice, fields=sorted(form.changed_data)
        )
        messages.success(request, _("The privacy settings are saved."))
        return redirect("privacy:practice")
    pending = (
        ErasureRequest.objects.for_practice(request.practice)
        .filter(done_at__isnull=True)
        .select_related("client")
    )
    return render(
        request,
        "privacy/practice_privacy.html",
        {"form": form, "pending": pending},
        status=422 if form.errors else 200,
    )
