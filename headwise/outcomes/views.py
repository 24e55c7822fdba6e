"""Questionnaire pages: staff enter MIDAS, PHQ-4 and HIT-6; a client fills in what was sent to them."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from headwise.accounts.access import (
    ClientRequest,
    StaffRequest,
    client_required,
    require_clinician,
    staff_required,
)
from headwise.clients import selectors as client_selectors
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.diary.localtime import client_today
from headwise.outcomes import services
from headwise.outcomes.forms import FORMS, PHQ4_QUESTION, Phq4Form, SendForm
from headwise.outcomes.models import QuestionnaireRequest

_ITEM = re.compile(r"^items\[(\d+)\]$")


def _on_form_fields(exc: ValidationError) -> ValidationError:
    """The engine names ``items[1]``; the form's field is ``item_1``."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {}
    for field, errors in exc.message_dict.items():
        match = _ITEM.match(field)
        renamed[f"item_{match.group(1)}" if match else field] = errors
    return ValidationError(renamed)


@staff_required
def questionnaire_new(request: StaffRequest, client_id: uuid.UUID, instrument: str) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    form_class = FORMS.get(instrument)
    if form_class is None:
        raise Http404
    require_clinician(request)
    form = form_class(request.POST or None, initial={"answered_on": client_today(client)})
    if request.method == "POST" and form.is_valid():
        try:
            response, _created = services.questionnaire_record(
                client=client, by=request.user, instrument=instrument, **form.answers()
            )
        except ValidationError as exc:
            errors_to_form(form, _on_form_fields(exc))
        else:
            messages.success(
                request,
                _("%(name)s saved: score %(total)s.")
                % {"name": response.get_instrument_display(), "total": response.total},
            )
            return redirect("web:client_detail", client_id=client.uuid)
    context = {"client": client, "form": form, "instrument": form_class.instrument}
    return render(request, "outcomes/questionnaire_form.html", context, status=422 if form.errors else 200)


@staff_required
def questionnaire_send(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    require_clinician(request)
    form = SendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_send(
                client=client, by=request.user, instrument=form.cleaned_data["instrument"]
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Sent: the client sees it on their page."))
    elif request.method == "POST":
        messages.error(request, _("Only the PHQ-4 can be sent to a client to fill in."))
    return redirect("web:client_detail", client_id=client.uuid)


@client_required
def my_questionnaire(request: ClientRequest, questionnaire_request_id: uuid.UUID) -> HttpResponse:
    asked = get_object_or_404(
        QuestionnaireRequest.objects.filter(client=request.client, withdrawn_at__isnull=True),
        uuid=questionnaire_request_id,
    )
    if asked.response_id is not None:
        messages.info(request, _("You have already answered this one. Thank you."))
        return redirect("web:my_home")
    form = Phq4Form(request.POST or None, staff=False)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            services.questionnaire_answer(request=asked, by=request.user, items=answers["items"])
        except ValidationError as exc:
            errors_to_form(form, _on_form_fields(exc))
        else:
            messages.success(request, _("Thank you. Your practitioner will see your answers."))
            return redirect("web:my_home")
    context = {"form": form, "asked": asked, "question": PHQ4_QUESTION}
    return render(request, "outcomes/my_questionnaire.html", context, status=422 if form.errors else 200)
