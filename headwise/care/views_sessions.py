"""Pages of the session record, its addenda, the techniques list and the 24-hour follow-up.

Each view parses, authorises, calls one service or selector, renders. The services are the
API's: a page refuses what the API refuses (a locked record, an unknown region), with the
field named and nothing saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from headwise.accounts.access import (
    ClientRequest,
    StaffRequest,
    client_required,
    clinician_required,
    readable_sessions,
    require_clinician,
    require_session_notes,
    staff_required,
)
from headwise.care import selectors, services
from headwise.care.forms import AddendumForm, FollowUpAnswerForm, SessionForm, TechniqueForm, initial_of
from headwise.care.models import Appointment, FollowUp, SessionRecord, Technique
from headwise.clients import selectors as client_selectors
from headwise.clients.models import Client
from headwise.clients.services import shown_blocker
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.practice.models import Practitioner


def _session_or_404(request: StaffRequest, session_id: uuid.UUID) -> SessionRecord:
    """The practice's record (404 for anyone else), then the role (403 for the front desk)."""
    record = selectors.session_get(practice=request.practice, session_id=session_id)
    if record is None:
        raise Http404
    require_clinician(request)
    require_session_notes(request, record)
    return record


@staff_required
def session_list(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """A client's sessions. The front desk sees that they happened (date, practitioner,
    length) and nothing of what is in them."""
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    clinical = request.membership.sees_clinical_records
    readable: set[int] = set()
    if clinical:
        sessions = selectors.sessions_of_client(client=client)
        readable = set(readable_sessions(request, sessions).values_list("pk", flat=True))
    else:
        sessions = selectors.sessions_happened(client=client)
    return render(
        request,
        "care/session_list.html",
        {"client": client, "sessions": list(sessions[:100]), "clinical": clinical, "readable": readable},
    )


def _appointment_of(request: StaffRequest, client: Client) -> Appointment | None:
    raw = request.GET.get("appointment") or request.POST.get("appointment_id")
    if not raw:
        return None
    try:
        wanted = uuid.UUID(str(raw))
    except ValueError:
        return None
    return (
        Appointment.objects.for_practice(request.practice)
        .filter(client=client, uuid=wanted)
        .select_related("location", "room", "practitioner")
        .first()
    )


def _form_page(
    request: StaffRequest,
    *,
    form: SessionForm,
    client: Client,
    record: SessionRecord | None,
    appointment: Appointment | None,
    status: int = 200,
) -> HttpResponse:
    before = record.started_at if record is not None else timezone.now()
    screening = client_selectors.latest_screening(client=client)
    return render(
        request,
        "care/session_form.html",
        {
            "form": form,
            "client": client,
            "record": record,
            "appointment": appointment,
            "previous_follow_up": selectors.follow_up_before(client=client, before=before),
            "screening": screening,
            # Said before the practitioner fills the record in, not only once it is refused.
            "blocker": None if record is not None else shown_blocker(client=client, form=form),
        },
        status=422 if form.errors else status,
    )


@staff_required
def session_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    require_clinician(request)
    appointment = _appointment_of(request, client)
    me = Practitioner.objects.for_practice(request.practice).filter(membership=request.membership).first()
    practitioner = appointment.practitioner if appointment else (me or client.assigned_practitioner)
    initial: dict[str, Any] = {
        "practitioner_id": practitioner.uuid if practitioner else None,
        "style": practitioner.cst_style if practitioner else None,
        "duration_minutes": 60,
        "pressure_grams": 5,
    }
    if appointment is not None:
        initial.update(
            location_id=appointment.location.uuid,
            room_id=appointment.room.uuid if appointment.room else None,
            started_at_local=timezone.localtime(
                appointment.starts_at, timezone=_zone(request.practice.time_zone)
            ).replace(tzinfo=None),
            duration_minutes=max(5, int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)),
        )
    form = SessionForm(request.POST or None, practice=request.practice, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.session_record_create(
                client=client,
                by=request.user,
                appointment_id=appointment.uuid if appointment else None,
                **form.service_fields(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Session recorded. Its 24-hour follow-up is scheduled."))
            return redirect("care:session_detail", session_id=record.uuid)
    return _form_page(request, form=form, client=client, record=None, appointment=appointment)


def _zone(name: str) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


@staff_required
def session_detail(request: StaffRequest, session_id: uuid.UUID) -> HttpResponse:
    record = _session_or_404(request, session_id)
    return _detail(request, record, AddendumForm())


def _detail(request: StaffRequest, record: SessionRecord, addendum_form: AddendumForm) -> HttpResponse:
    return render(
        request,
        "care/session_detail.html",
        {
            "record": record,
            "client": record.client,
            "addenda": selectors.addenda_of(session=record),
            "addendum_form": addendum_form,
            "follow_up": FollowUp.objects.filter(session=record).first(),
            "previous_follow_up": selectors.follow_up_before(client=record.client, before=record.started_at),
            "locked": record.is_locked(),
        },
        status=422 if addendum_form.errors else 200,
    )


@staff_required
def session_edit(request: StaffRequest, session_id: uuid.UUID) -> HttpResponse:
    """Change a record until it locks; after that the page says so and refuses every change
    (the service refuses too, whatever sends it)."""
    record = _session_or_404(request, session_id)
    zone = request.practice.time_zone
    form = SessionForm(
        request.POST or None,
        practice=request.practice,
        initial=initial_of(record, zone),
        kept_techniques=record.techniques,
    )
    if request.method == "POST" and form.is_valid():
        changed = _changed(form)
        fields = {k: v for k, v in form.service_fields().items() if k in changed}
        try:
            services.session_record_update(record=record, by=request.user, **fields)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Session record saved."))
            return redirect("care:session_detail", session_id=record.uuid)
    return _form_page(request, form=form, client=record.client, record=record, appointment=record.appointment)


def _changed(form: SessionForm) -> set[str]:
    names = set(form.changed_data)
    if "started_at_local" in names:
        names.add("started_at")
    return names


@require_POST
@staff_required
def addendum_new(request: StaffRequest, session_id: uuid.UUID) -> HttpResponse:
    record = _session_or_404(request, session_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(session=record, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Addendum added."))
            return redirect(reverse("care:session_detail", kwargs={"session_id": record.uuid}) + "#addenda")
    return _detail(request, record, form)


# --- the practice's list of techniques ----------------------------------------------------


@clinician_required
def techniques(request: StaffRequest) -> HttpResponse:
    form = TechniqueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.technique_add(practice=request.practice, name=form.cleaned_data["name"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Technique added."))
            return redirect("care:techniques")
    return render(
        request,
        "care/techniques.html",
        {"form": form, "techniques": services.techniques_of(practice=request.practice)},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_required
def technique_edit(request: StaffRequest, technique_id: uuid.UUID) -> HttpResponse:
    technique = Technique.objects.for_practice(request.practice).filter(uuid=technique_id).first()
    if technique is None:
        raise Http404
    require_clinician(request)
    action = request.POST.get("action")
    try:
        if action == "rename":
            services.technique_update(technique=technique, name=request.POST.get("name", ""))
        elif action in ("retire", "restore"):
            services.technique_update(technique=technique, is_active=action == "restore")
        else:
            raise ValidationError({"action": _("Choose rename, retire or restore.")})
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The list of techniques is saved."))
    return redirect("care:techniques")


# --- the 24-hour follow-up ----------------------------------------------------------------


@clinician_required
def follow_up_list(request: StaffRequest) -> HttpResponse:
    todo = selectors.follow_ups_to_do(practice=request.practice)
    return render(request, "care/follow_up_list.html", {"todo": todo})


@client_required
def follow_up_answer(request: ClientRequest, follow_up_id: uuid.UUID) -> HttpResponse:
    """The client's two taps. GET shows the card on its own; POST saves one tap."""
    follow_up = (
        FollowUp.objects.filter(session__client=request.client, uuid=follow_up_id)
        .select_related("session__practitioner__membership__user")
        .first()
    )
    if follow_up is None:
        raise Http404
    if request.method == "POST":
        form = FollowUpAnswerForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{field}: {error}")
            return render(request, "care/follow_up_answer.html", {"f": follow_up}, status=422)
        try:
            services.follow_up_answer(follow_up=follow_up, by=request.user, **form.answer())
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return render(request, "care/follow_up_answer.html", {"f": follow_up}, status=422)
        follow_up.refresh_from_db()
        if follow_up.completed_at is not None:
            messages.success(request, _("Thank you. Your practitioner will see your answer."))
        return redirect(reverse("web:my_home") + "#follow-up")
    return render(request, "care/follow_up_answer.html", {"f": follow_up})
