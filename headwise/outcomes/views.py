"""The outcome pages: the client's "how am I doing", the practitioner's view, the report.

Clients reach only their own (``client_required``); staff reach a client of their own practice
(another practice's client is 404), and only owners and practitioners, who read clinical
records (the front desk gets 403). Every page reads one :func:`client_analysis`; nothing is
written.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from headwise.accounts.access import (
    ClientRequest,
    StaffRequest,
    client_required,
    require_clinician,
    staff_required,
)
from headwise.clients.models import Client
from headwise.clients.selectors import client_get
from headwise.outcomes import plots, report
from headwise.outcomes.analysis import client_analysis


def _context(client: Client, theme: str) -> dict[str, object]:
    analysis = client_analysis(client)
    light = plots.cached_drawing(
        "migraine",
        lambda: plots.migraine_figure(
            analysis.plot_periods, sessions=analysis.sessions, phases=analysis.phases
        ),
        analysis.plot_periods,
        analysis.sessions,
        analysis.phases,
    )
    dark = plots.data_uri(plots.dark_variant(light))
    context: dict[str, object] = {"client": client, "analysis": analysis}
    # "system" follows the device: both colourings, the browser picks one (<picture>).
    context["plot"] = dark if theme == "dark" else plots.data_uri(light)
    if theme == "system":
        context["plot_dark"] = dark
    return context


@client_required
def my_outcomes(request: ClientRequest) -> HttpResponse:
    return render(request, "outcomes/my_outcomes.html", _context(request.client, request.user.theme))


def _pdf(client: Client) -> HttpResponse:
    response = HttpResponse(report.report_pdf(client), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="headwise-report-{client.uuid}.pdf"'
    return response


def _printable(client: Client, *, pdf_url: str, back_url: str) -> HttpResponse:
    return HttpResponse(report.report_html(client, pdf_url=pdf_url, back_url=back_url))


@client_required
def my_report(request: ClientRequest) -> HttpResponse:
    return _printable(
        request.client, pdf_url=reverse("outcomes:my_report_pdf"), back_url=reverse("outcomes:my_outcomes")
    )


@client_required
def my_report_pdf(request: ClientRequest) -> HttpResponse:
    return _pdf(request.client)


def _clinical_client(request: StaffRequest, client_id: uuid.UUID) -> Client:
    client = client_get(practice=request.practice, client_id=client_id)
    require_clinician(request)
    return client


@staff_required
def client_outcomes(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = _clinical_client(request, client_id)
    return render(request, "outcomes/client_outcomes.html", _context(client, request.user.theme))


@staff_required
def client_report(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = _clinical_client(request, client_id)
    return _printable(
        client,
        pdf_url=reverse("outcomes:client_report_pdf", args=[client.uuid]),
        back_url=reverse("outcomes:client_outcomes", args=[client.uuid]),
    )


@staff_required
def client_report_pdf(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    return _pdf(_clinical_client(request, client_id))
