"""The plan page: the phase, what the diary suggests and why, the practitioner's decision, booking."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from headwise.accounts.access import StaffRequest, owner_required, require_clinician, staff_required
from headwise.care import selectors, services
from headwise.care.explain import explain, phase_name, window_line
from headwise.care.forms_plan import BookForm, CadenceRulesForm, DecideForm, PlanStartForm, StatusForm
from headwise.care.models import PHASE_INTERVAL_DAYS, CadenceRuleSet, PhaseKind, TreatmentPlan
from headwise.clients import selectors as client_selectors
from headwise.clients.models import Client
from headwise.clients.services import shown_blocker
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.diary.localtime import client_today, to_utc, zone_of


def _client(request: StaffRequest, client_id: uuid.UUID) -> Client:
    """Look up first (another practice's id is 404), then the role (front desk 403)."""
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    require_clinician(request)
    return client


def _plan(request: StaffRequest, client_id: uuid.UUID, plan_id: uuid.UUID) -> TreatmentPlan:
    client = client_selectors.client_get(practice=request.practice, client_id=client_id)
    plan = get_object_or_404(
        TreatmentPlan.objects.select_related("client", "practitioner"), client=client, uuid=plan_id
    )
    require_clinician(request)
    return plan


def _back(plan_or_client: TreatmentPlan | Client) -> HttpResponse:
    client = plan_or_client.client if isinstance(plan_or_client, TreatmentPlan) else plan_or_client
    return redirect("plan:plan", client_id=client.uuid)


def _page(
    request: StaffRequest,
    client: Client,
    *,
    start_form: PlanStartForm | None = None,
    book_form: BookForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = selectors.active_plan(client=client)
    context: dict[str, Any] = {
        "client": client,
        "plan": plan,
        "past_plans": selectors.plans_of_client(client=client).exclude(pk__in=[plan.pk] if plan else []),
        "intervals": {k: PHASE_INTERVAL_DAYS[PhaseKind(k)] for k in PhaseKind.values},
        "screen_due": client_selectors.screen_due(client=client),
    }
    if plan is None:
        context["start_form"] = start_form or PlanStartForm(
            practice=request.practice,
            initial={"started_on": client_today(client), "practitioner": client.assigned_practitioner},
        )
        return render(request, "care/plan.html", context, status=status)
    if start_form is not None:
        context["start_form"] = start_form
    rules = services.cadence_rules_get(practice=request.practice)
    state = selectors.plan_cadence(plan=plan, rules=rules)
    context.update(
        state=state,
        suggestion=state.suggestion,
        decisions=plan.decisions.select_related("created_by", "from_phase").all()[:10],
        phases=plan.phases.all(),
    )
    if state.suggestion is not None:
        context.update(
            explained=explain(state.suggestion),
            baseline_line=window_line(state.suggestion.baseline, name=_("Baseline, before the plan")),
            recent_line=window_line(state.suggestion.recent, name=_("Recent period")),
        )
    if state.suggestion is not None and state.suggestion.changes_phase and state.phase is not None:
        context["suggested_label"] = phase_name(state.suggestion.suggested)
        context["decide_form"] = DecideForm(
            initial={"phase_id": state.phase.uuid, "to_kind": state.suggestion.suggested.value}
        )
    if state.next_on is not None:
        context["screening"] = client_selectors.latest_screening(client=client)
        context["blocker"] = shown_blocker(client=client, form=book_form)
        context["book_form"] = book_form or BookForm(
            practice=request.practice,
            initial={
                "practitioner_id": plan.practitioner,
                "location_id": plan.practitioner.locations.filter(is_active=True).first(),
                "starts_at_local": _suggested_start(state.next_on, plan),
                "duration_minutes": 60,
            },
        )
    return render(request, "care/plan.html", context, status=status)


def _suggested_start(day: dt.date, plan: TreatmentPlan) -> dt.datetime:
    """09:00 on the suggested day at the practitioner's first location; today, the next whole
    hour but one (never a time already past), or tomorrow at 09:00 once the day is too late."""
    location = plan.practitioner.locations.filter(is_active=True).first()
    zone = zone_of(location.time_zone if location else plan.client.time_zone)
    now = timezone.now().astimezone(zone)
    start = dt.datetime.combine(day, dt.time(9, 0))
    if day <= now.date():
        start = max(
            start, now.replace(tzinfo=None, minute=0, second=0, microsecond=0) + dt.timedelta(hours=2)
        )
        if start.hour >= 19 or start.date() != now.date():
            start = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(9, 0))
    return start


@staff_required
def plan_page(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    return _page(request, _client(request, client_id))


@staff_required
def plan_start(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = _client(request, client_id)
    if request.method != "POST":
        return _back(client)
    form = PlanStartForm(request.POST, practice=request.practice)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_start(
                client=client,
                by=request.user,
                started_on=data["started_on"],
                kind=data["kind"],
                practitioner_id=data["practitioner"].uuid,
                goals=data["goals"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Plan started."))
            return _back(client)
    return _page(request, client, start_form=form, status=422)


@staff_required
def plan_status(request: StaffRequest, client_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    plan = _plan(request, client_id, plan_id)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_status(plan=plan, by=request.user, status=form.cleaned_data["status"])
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Plan updated."))
    elif request.method == "POST":
        messages.error(request, _("Choose pause, resume or end."))
    return _back(plan)


@staff_required
def plan_decide(request: StaffRequest, client_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    plan = _plan(request, client_id, plan_id)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.phase_decide(
                plan=plan,
                by=request.user,
                phase_id=data["phase_id"],
                to_kind=data["to_kind"],
                confirm=data["decision"] == "confirm",
                note=data["note"],
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            if decision.new_phase is not None:
                messages.success(
                    request, _("Phase changed: %(phase)s.") % {"phase": decision.get_to_kind_display()}
                )
            else:
                messages.success(request, _("Suggestion declined; the phase stays as it is."))
    elif request.method == "POST":
        messages.error(request, _("The decision was not understood; nothing changed."))
    return _back(plan)


@staff_required
def plan_book(request: StaffRequest, client_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    plan = _plan(request, client_id, plan_id)
    if request.method != "POST":
        return _back(plan)
    form = BookForm(request.POST, practice=request.practice)
    if form.is_valid():
        data = form.cleaned_data
        try:
            location = data["location_id"]
            starts_at = to_utc(data["starts_at_local"], zone=zone_of(location.time_zone), field="starts_at")
            phase = selectors.current_phase(plan=plan)
            services.appointment_book(
                practice=request.practice,
                by=request.user,
                client_id=plan.client.uuid,
                practitioner_id=data["practitioner_id"].uuid,
                location_id=location.uuid,
                room_id=data["room_id"].uuid if data["room_id"] else None,
                phase_id=phase.uuid if phase else None,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=data["duration_minutes"]),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Session booked."))
            return _back(plan)
    return _page(request, plan.client, book_form=form, status=422)


@owner_required
def cadence_rules(request: StaffRequest) -> HttpResponse:
    rules = services.cadence_rules_get(practice=request.practice)
    form = CadenceRulesForm(request.POST or None, instance=CadenceRuleSet.objects.get(pk=rules.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in selectors.CADENCE_FIELDS}
        try:
            services.cadence_rules_update(practice=request.practice, by=request.user, **changes)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Cadence rules saved; the earlier version is kept in the history."))
            return redirect("plan:cadence_rules")
    history = rules.history.select_related("history_user").all()[:20]
    return render(
        request,
        "care/cadence_rules.html",
        {"form": form, "history": history},
        status=422 if form.errors else 200,
    )
