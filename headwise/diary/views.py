"""The client's diary pages: attack mode, completing an attack, check-ins, the month, history.

Each view parses a form, calls one service or selector and renders. Only the client themself
reaches these pages (``client_required``); another client's attack is a 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from headwise.accounts.access import ClientRequest, client_required
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.common.paging import BadCursorError, bad_cursor_page, cursor_of, keyset_page
from headwise.diary import charts, selectors, services
from headwise.diary.forms import (
    AttackForm,
    AttackStartForm,
    AuraForm,
    CheckInForm,
    IntakeForm,
    IntensityForm,
    ReminderForm,
)
from headwise.diary.localtime import client_today
from headwise.diary.models import ATTACK_FIELDS, AuraSymptom, MedicationIntake

BACKFILL_DAYS = 14
#: Attacks on one page of a client's list of attacks.
ATTACKS_PER_PAGE = 50


_apply_errors = errors_to_form


def _status(form: Form) -> int:
    return 422 if form.errors else 200


def _local_input(value: dt.datetime | None, zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


@client_required
def attack_start(request: ClientRequest) -> HttpResponse:
    """Tap one: the attack is saved (now, or at the time given). Tap two sets its intensity."""
    client = request.client
    initial: dict[str, Any] = {"request_id": uuid.uuid4(), "time_zone": client.time_zone}
    if (day := request.GET.get("day")) is not None:
        initial["started_at_local"] = f"{_day(day).isoformat()}T12:00"
    form = AttackStartForm(request.POST or None, zone=client.time_zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attack, created = services.attack_start(
                client=client,
                by=request.user,
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                request_id=data["request_id"],
                time_zone=data["time_zone"] or client.time_zone,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("diary:attack_intensity", attack_id=attack.uuid)
    open_attack = selectors.open_attack(client=client)
    return render(
        request, "diary/attack_start.html", {"form": form, "open_attack": open_attack}, status=_status(form)
    )


@client_required
def attack_intensity(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id)
    form = IntensityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.attack_update(attack=attack, by=request.user, **form.cleaned_data)
        return redirect(f"{request.path}?saved=1")
    return render(
        request,
        "diary/attack_mode.html",
        {"attack": attack, "form": form, "saved": request.GET.get("saved") == "1", "levels": range(11)},
        status=_status(form),
    )


@client_required
@require_POST
def attack_end(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    """ "It is over": end an open attack now."""
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id)
    try:
        services.attack_update(attack=attack, by=request.user, ended_at=timezone.now().replace(microsecond=0))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Noted: the attack is over. Add the details when you feel up to it."))
    return redirect("diary:attack_detail", attack_id=attack.uuid)


@client_required
def attack_list(request: ClientRequest) -> HttpResponse:
    client = request.client
    # Newest first, the primary key breaking ties the same way: one direction, for the index.
    attacks = selectors.attacks_of(client=client).order_by("-started_at", "-pk")
    try:
        page = keyset_page(
            attacks,
            cursor=cursor_of(request),
            per_page=ATTACKS_PER_PAGE,
            scope=f"attacks:{client.pk}",
            anchors=selectors.attacks_of(client=client, with_deleted=True),
        )
    except BadCursorError:
        return bad_cursor_page(request, reverse("diary:attack_list"))
    return render(request, "diary/attack_list.html", {"page": page, "client": client})


@client_required
def attack_detail(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    """Complete an attack: every question the diagnosis and outcomes need, all optional."""
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id, include_deleted=True)
    initial = {name: getattr(attack, name) for name in ATTACK_FIELDS}
    initial["started_at_local"] = _local_input(attack.started_at, attack.time_zone)
    initial["ended_at_local"] = _local_input(attack.ended_at, attack.time_zone)
    form = AttackForm(request.POST or None, zone=attack.time_zone, initial=initial)
    if request.method == "POST" and attack.deleted_at is None and form.is_valid():
        try:
            services.attack_update(attack=attack, by=request.user, **form.changes())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Saved. The earlier version is kept in the history."))
            return redirect("diary:attack_detail", attack_id=attack.uuid)
    return render(request, "diary/attack_detail.html", _detail_context(attack, form), status=_status(form))


def _detail_context(attack: Any, form: Form, **extra: Any) -> dict[str, Any]:
    return {
        "attack": attack,
        "form": form,
        "aura": attack.aura_symptoms.order_by("started_at", "pk"),
        "intakes": attack.medication_intakes.filter(deleted_at__isnull=True).order_by("taken_at"),
        "aura_form": extra.get("aura_form") or AuraForm(zone=attack.time_zone),
        "intake_form": extra.get("intake_form")
        or IntakeForm(
            zone=attack.time_zone,
            initial={
                "request_id": uuid.uuid4(),
                "taken_at_local": _local_input(attack.started_at, attack.time_zone),
            },
        ),
    }


@client_required
@require_POST
def aura_add(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id)
    form = AuraForm(request.POST, zone=attack.time_zone)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("started_at_")}
        try:
            services.aura_add(attack=attack, by=request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Aura symptom added."))
            return redirect("diary:attack_detail", attack_id=attack.uuid)
    context = _detail_context(
        attack, AttackForm(zone=attack.time_zone, initial=_initial(attack)), aura_form=form
    )
    return render(request, "diary/attack_detail.html", context, status=422)


def _initial(attack: Any) -> dict[str, Any]:
    initial = {name: getattr(attack, name) for name in ATTACK_FIELDS}
    initial["started_at_local"] = _local_input(attack.started_at, attack.time_zone)
    initial["ended_at_local"] = _local_input(attack.ended_at, attack.time_zone)
    return initial


@client_required
@require_POST
def aura_delete(request: ClientRequest, aura_id: uuid.UUID) -> HttpResponse:
    client = request.client
    aura = AuraSymptom.objects.select_related("attack").filter(uuid=aura_id, attack__client=client).first()
    if aura is None:
        raise Http404
    services.aura_delete(aura=aura, by=request.user)
    messages.success(request, _("Aura symptom removed."))
    return redirect("diary:attack_detail", attack_id=aura.attack.uuid)


@client_required
@require_POST
def intake_add(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id)
    form = IntakeForm(request.POST, zone=attack.time_zone)
    if form.is_valid():
        data = form.intake()
        try:
            services.intake_record(client=client, by=request.user, attack=attack, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Medication noted."))
            return redirect("diary:attack_detail", attack_id=attack.uuid)
    context = _detail_context(
        attack, AttackForm(zone=attack.time_zone, initial=_initial(attack)), intake_form=form
    )
    return render(request, "diary/attack_detail.html", context, status=422)


@client_required
@require_POST
def intake_delete(request: ClientRequest, intake_id: uuid.UUID) -> HttpResponse:
    client = request.client
    intake = MedicationIntake.objects.filter(uuid=intake_id, client=client, deleted_at__isnull=True).first()
    if intake is None:
        raise Http404
    services.intake_delete(intake=intake, by=request.user)
    messages.success(request, _("Medication removed."))
    if intake.attack is not None:
        return redirect("diary:attack_detail", attack_id=intake.attack.uuid)
    return redirect("diary:attack_list")


@client_required
@require_POST
def attack_delete(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id)
    services.attack_delete(attack=attack, by=request.user)
    messages.success(request, _("Attack deleted. You can restore it from its page."))
    return redirect("diary:attack_detail", attack_id=attack.uuid)


@client_required
@require_POST
def attack_restore(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id, include_deleted=True)
    try:
        services.attack_restore(attack=attack, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Attack restored."))
    return redirect("diary:attack_detail", attack_id=attack.uuid)


@client_required
def attack_history(request: ClientRequest, attack_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id, include_deleted=True)
    entries = selectors.attack_history(attack=attack)
    return render(request, "diary/attack_history.html", {"attack": attack, "entries": entries})


@client_required
@require_POST
def attack_undo(request: ClientRequest, attack_id: uuid.UUID, history_id: uuid.UUID) -> HttpResponse:
    client = request.client
    attack = selectors.attack_for_client(client=client, attack_id=attack_id, include_deleted=True)
    was_deleted = attack.deleted_at is not None
    try:
        undone = services.attack_undo(attack=attack, history_id=history_id, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        # Say what the undo did: undoing the recording deletes the attack, undoing a deletion
        # restores it.
        is_deleted = undone.deleted_at is not None
        if is_deleted and not was_deleted:
            messages.success(request, _("Attack deleted. You can restore it from its page."))
        elif was_deleted and not is_deleted:
            messages.success(request, _("Attack restored."))
        else:
            messages.success(request, _("Change undone. The undo is in the history too."))
    return redirect("diary:attack_history", attack_id=attack.uuid)


def _day(text: str) -> dt.date:
    day = selectors.parse_day(text)
    if day is None:
        raise Http404
    return day


@client_required
def checkin_today(request: ClientRequest) -> HttpResponse:
    client = request.client
    return redirect("diary:checkin", day=client_today(client).isoformat())


@client_required
def checkin(request: ClientRequest, day: str) -> HttpResponse:
    """One short screen per day, prefilled from the day before where habits carry over."""
    client = request.client
    date = _day(day)
    form = CheckInForm(request.POST or None, initial=selectors.checkin_prefill(client=client, day=date))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.checkin_save(client=client, by=request.user, date=date, **form.answers())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Day saved."))
            if saved.had_headache and not selectors.attacks_on(client=client, day=date):
                return redirect(f"{_url('diary:attack_start')}?day={date.isoformat()}")
            return redirect("web:my_home")
    context = {
        "form": form,
        "date": date,
        "today": client_today(client),
        "attacks": selectors.attacks_on(client=client, day=date),
    }
    return render(request, "diary/checkin.html", context, status=_status(form))


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@client_required
def backfill(request: ClientRequest) -> HttpResponse:
    """The last 14 days on one page: one tap per missing day."""
    client = request.client
    days = selectors.diary_days(client=client, end=client_today(client), days=BACKFILL_DAYS)
    if request.method == "POST":
        missing = {d.date for d in days if not d.recorded}
        answers = {}
        for day in missing:
            value = request.POST.get(f"day-{day.isoformat()}", "")
            if value in ("yes", "no"):
                answers[day] = value == "yes"
        saved = services.checkins_backfill(client=client, by=request.user, answers=answers)
        messages.success(
            request, ngettext("%(n)d day saved.", "%(n)d days saved.", len(saved)) % {"n": len(saved)}
        )
        return redirect("diary:backfill")
    return render(request, "diary/backfill.html", {"days": list(reversed(days))})


@client_required
def month(request: ClientRequest, month: str | None = None) -> HttpResponse:
    client = request.client
    first = selectors.parse_month(month) if month else client_today(client).replace(day=1)
    if first is None or first > client_today(client):
        raise Http404
    view = selectors.month_view(client=client, month=first)
    weekdays = [WEEKDAYS_ABBR[i] for i in range(7)]
    return render(request, "diary/month.html", {"view": view, "client": client, "weekdays": weekdays})


@client_required
def month_chart(request: ClientRequest, month: str) -> HttpResponse:
    client = request.client
    first = selectors.parse_month(month)
    if first is None or first > client_today(client):
        raise Http404
    view = selectors.month_view(client=client, month=first)
    theme = request.user.theme
    response = HttpResponse(charts.month_chart(view, dark=theme == "dark"), content_type="image/svg+xml")
    return response


@client_required
def reminders(request: ClientRequest) -> HttpResponse:
    client = request.client
    initial = {"reminders_enabled": client.reminders_enabled, "reminder_time": client.reminder_time}
    form = ReminderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reminders_set(
                client=client,
                by=request.user,
                enabled=form.cleaned_data["reminders_enabled"],
                at=form.cleaned_data["reminder_time"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Reminder settings saved."))
            return redirect("diary:reminders")
    return render(request, "diary/reminders.html", {"form": form, "client": client}, status=_status(form))
