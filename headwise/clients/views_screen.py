"""The safety screen's pages: the questions, the outcome with each reason, acknowledgement,
the clinician's clearance, the referral letter (page and PDF), and the practice's rules.

Views parse, authorise, call one service or selector, render. The refusals are the services'
(the same ones the API answers as 422).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from headwise.accounts.access import (
    StaffRequest,
    clinical_client_for,
    get_clinical,
    get_staff,
    owner_required,
    staff_required,
)
from headwise.clients import selectors, services, texts
from headwise.clients.forms_screen import ClearanceForm, PracticeRuleForm, ScreenForm, ScreenSettingsForm
from headwise.clients.models import PracticeSafetyRule, RuleEffect, SafetyScreening
from headwise.common.pages import errors_to_form, errors_to_messages
from headwise.diary.localtime import client_today

_SCREENINGS = SafetyScreening.objects.select_related(
    "client", "client__practice", "client__user", "acknowledged_by", "cleared_by", "created_by"
)


@staff_required
def screen(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """The questions (every rule in use, pre-filled from the intake) and the screens so far."""
    client = clinical_client_for(request, client_id)
    rules = selectors.safety_rules(practice=request.practice)
    intake = selectors.intake_screen_facts(client=client)
    form = ScreenForm(request.POST or None, rules=rules, initial_answers=intake.answers)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_record(
                client=client, by=request.user, answers=form.answers(), notes=form.cleaned_data["notes"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Safety screen recorded."))
            return redirect("screen:screening", screening_id=screening.uuid)
    context = {
        "client": client,
        "form": form,
        "intake": intake,
        "injuries": [
            (day, (client_today(client) - day).days, seen, what) for day, seen, what in intake.injuries
        ],
        "due": selectors.screen_due(client=client),
        "screenings": selectors.screenings_of(client=client)[:20],
        "disabled": sorted(rules.disabled),
    }
    return render(request, "clients/screen.html", context, status=422 if form.errors else 200)


def _screening_page(request: StaffRequest, screening: SafetyScreening, **extra: object) -> HttpResponse:
    latest = selectors.latest_screening(client=screening.client)
    context = {
        "screening": screening,
        "client": screening.client,
        "reasons": selectors.screening_reasons(screening=screening),
        "blocker": services.screening_blocker(screening),
        "is_latest": latest is not None and latest.pk == screening.pk,
        "due": selectors.screen_due(client=screening.client),
        "clearance_form": extra.pop("clearance_form", None) or ClearanceForm(),
        **extra,
    }
    status = 422 if context["clearance_form"].errors else 200  # type: ignore[attr-defined]
    return render(request, "clients/screening.html", context, status=status)


@staff_required
def screening(request: StaffRequest, screening_id: uuid.UUID) -> HttpResponse:
    """One screen's outcome, each reason in plain words, and what to do about it."""
    return _screening_page(request, get_clinical(request, _SCREENINGS, screening_id))


@require_POST
@staff_required
def acknowledge(request: StaffRequest, screening_id: uuid.UUID) -> HttpResponse:
    found = get_clinical(request, _SCREENINGS, screening_id)
    try:
        services.screening_acknowledge(
            screening=found, by=request.user, rule_id=request.POST.get("rule_id", "")
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Risk acknowledged."))
    return redirect("screen:screening", screening_id=found.uuid)


@require_POST
@staff_required
def clearance(request: StaffRequest, screening_id: uuid.UUID) -> HttpResponse:
    found = get_clinical(request, _SCREENINGS, screening_id)
    form = ClearanceForm(request.POST)
    if form.is_valid():
        try:
            services.screening_clear(
                screening=found,
                by=request.user,
                clinician=form.cleaned_data["clinician"],
                cleared_on=form.cleaned_data["cleared_on"],
                document=form.cleaned_data["document"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Clearance recorded: CST may be booked again."))
            return redirect("screen:screening", screening_id=found.uuid)
    return _screening_page(request, found, clearance_form=form)


def _letter(request: StaffRequest, screening_id: uuid.UUID) -> tuple[selectors.ReferralLetter, str]:
    found = get_clinical(request, _SCREENINGS, screening_id)
    asked = request.GET.get("lang", "")
    fallback = translation.get_language() or "en"
    language = (
        asked if asked in {"en", "nl"} else selectors.letter_language(client=found.client, fallback=fallback)
    )
    with translation.override(language):
        letter = selectors.referral_letter(screening=found, author=request.user, language=language)
    return letter, language


@staff_required
def letter(request: StaffRequest, screening_id: uuid.UUID) -> HttpResponse:
    """The referral letter to the client's physician, printable, in the client's language."""
    found, language = _letter(request, screening_id)
    with translation.override(language):
        body = render_to_string("clients/_letter_body.html", {"letter": found}, request=request)
    return render(
        request, "clients/letter.html", {"letter": found, "body": body, "letter_language": language}
    )


def _letter_css() -> str:
    found = finders.find("clients/letter.css")
    return Path(str(found)).read_text(encoding="utf-8")


@staff_required
def letter_pdf(request: StaffRequest, screening_id: uuid.UUID) -> HttpResponse:
    """The same letter as an A4 PDF (WeasyPrint)."""
    from weasyprint import CSS, HTML

    found, language = _letter(request, screening_id)
    with translation.override(language):
        html = render_to_string("clients/letter_pdf.html", {"letter": found}, request=request)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=_letter_css())])
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"referral-{found.client.family_name}-{found.screening.screened_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name.replace(chr(34), "")}"'
    return response


@owner_required
def rules(request: StaffRequest) -> HttpResponse:
    """The practice's safety rules: switch built-in ones off or on, add its own; the log."""
    practice = request.practice
    form = PracticeRuleForm(request.POST if request.POST.get("action") == "add" else None)
    settings_form = ScreenSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={"rescreen_after_months": practice.rescreen_after_months},
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "settings":
                if settings_form.is_valid():
                    services.screen_settings_update(
                        practice=practice, by=request.user, **settings_form.cleaned_data
                    )
                    messages.success(request, _("Setting saved."))
                    return redirect("screen:rules")
            elif action == "add":
                if form.is_valid():
                    services.practice_rule_add(practice=practice, by=request.user, **form.cleaned_data)
                    messages.success(request, _("Rule added."))
                    return redirect("screen:rules")
            elif action in {"disable", "enable"}:
                services.safety_rule_switch(
                    practice=practice,
                    by=request.user,
                    rule_id=request.POST.get("rule_id", ""),
                    enabled=action == "enable",
                )
                messages.success(
                    request, _("Rule switched on.") if action == "enable" else _("Rule switched off.")
                )
                return redirect("screen:rules")
            elif action == "retire":
                rule = get_staff(
                    request,
                    PracticeSafetyRule.objects.select_related("practice"),
                    uuid.UUID(request.POST.get("rule", "")),
                )
                services.practice_rule_retire(rule=rule, by=request.user)
                messages.success(request, _("Rule taken out of use."))
                return redirect("screen:rules")
            else:
                messages.error(request, _("Choose what to change."))
                return redirect("screen:rules")
        except ValidationError as exc:
            if action in {"add", "settings"}:
                errors_to_form(form if action == "add" else settings_form, exc)
            else:
                errors_to_messages(request, exc)
                return redirect("screen:rules")
        except ValueError:
            messages.error(request, _("No such rule in your practice."))
            return redirect("screen:rules")
    ruleset = selectors.safety_rules(practice=practice)
    context = {
        "builtin": [
            {
                "id": r.id,
                "question": texts.question(r),
                "effect": RuleEffect(r.effect.value).label,
                "source": r.source,
                "off": r.id in ruleset.disabled,
            }
            for r in ruleset.builtin
        ],
        "own": selectors.practice_rules(practice=practice),
        "log": selectors.rule_log(practice=practice)[:100],
        "form": form,
        "settings_form": settings_form,
    }
    status = 422 if form.errors or settings_form.errors else 200
    return render(request, "clients/rules.html", context, status=status)
