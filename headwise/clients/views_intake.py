"""The intake pages: the e-mailed link, the form the client fills in at home (or the front desk
with the client), the consent, and withdrawing a consent from the settings.

The link opens a *restricted* session: nobody is signed in; the session holds a grant for one
client's intake and consent pages only, for :data:`services.INTAKE_SESSION` after the link was
used. Every other page treats the visitor as anonymous. Or the client sets a password through the
link and is signed in to their own account as usual.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from headwise.accounts.access import ClientRequest, StaffRequest, client_required, staff_required
from headwise.accounts.models import User
from headwise.clients import selectors, services
from headwise.clients.consent_texts import INTAKE_KINDS
from headwise.clients.forms_intake import (
    ROWS,
    ConsentForm,
    IntakeForm,
    LinkPasswordForm,
    injury_initial,
    intake_initial,
    medicine_initial,
    question_field,
)
from headwise.clients.models import Client, ClientStatus, Consent, IntakeLink

#: The session key of a restricted intake session.
GRANT = "headwise.intake_grant"


# --- who fills in the form ---------------------------------------------------------------


def grant_client(request: HttpRequest) -> Client | None:
    """The client whose intake this restricted session may fill in, or None."""
    grant = request.session.get(GRANT)
    if not isinstance(grant, dict):
        return None
    try:
        until = dt.datetime.fromisoformat(str(grant.get("until")))
        link_id = uuid.UUID(str(grant.get("link")))
    except ValueError:
        request.session.pop(GRANT, None)
        return None
    if until <= timezone.now():
        request.session.pop(GRANT, None)
        return None
    link = IntakeLink.objects.select_related("client", "client__practice").filter(uuid=link_id).first()
    # A prospective client (asked on the public page) fills in the intake before the first visit.
    if link is None or link.client.status == ClientStatus.ARCHIVED:
        request.session.pop(GRANT, None)
        return None
    return link.client


def _filler(request: HttpRequest) -> tuple[Client, User | None] | HttpResponse:
    """The client filling in (from the grant or their own login) and who is signed in, or an answer."""
    client = grant_client(request)
    user = request.user if request.user.is_authenticated else None
    if client is not None:
        return client, user if user is not None and client.user_id == user.pk else None
    own = getattr(request, "client", None)
    if own is not None:
        return own, user
    if user is None:
        return redirect_to_login(request.get_full_path())
    raise Http404


# --- the link ----------------------------------------------------------------------------

#: The answer's status for each reason a link does not open the form.
_LINK_STATUS = {"unknown": 404, "used": 410, "expired": 410, "replaced": 410}


def _link_problem(request: HttpRequest, reason: str) -> HttpResponse:
    status = _LINK_STATUS[reason]
    words = {
        "unknown": _(
            "This link does not open any form. Check that the whole link was copied from the "
            "e-mail, or ask the practice for a new one."
        ),
        "used": _(
            "This link was already used: each link opens the form once. If you have set a "
            "password, sign in; otherwise ask the practice for a new link."
        ),
        "expired": _("This link has expired. Ask the practice to send you a new one."),
        "replaced": _("The practice has sent you a newer link: use the one in the latest e-mail."),
    }[reason]
    return render(request, "clients/link_problem.html", {"words": words, "reason": reason}, status=status)


def link_start(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. Opening it (GET) changes nothing, so a mail scanner cannot use it up;
    the client chooses to open the form, or to set a password first."""
    try:
        link = services.intake_link_check(token)
    except services.LinkError as exc:
        return _link_problem(request, exc.reason)
    form = LinkPasswordForm(request.POST if request.POST.get("action") == "password" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "open":
            try:
                link = services.intake_link_use(token)
            except services.LinkError as exc:
                return _link_problem(request, exc.reason)
            if request.user.is_authenticated and request.user.pk != link.client.user_id:
                logout(request)
            request.session[GRANT] = {
                "link": str(link.uuid),
                "until": (timezone.now() + services.INTAKE_SESSION).isoformat(),
            }
            return redirect("clients_intake:form")
        if action == "password" and form.is_valid():
            try:
                user = services.intake_link_set_password(
                    token=token,
                    password=form.cleaned_data["password"],
                    language=translation.get_language() or "en",
                )
            except services.LinkError as exc:
                return _link_problem(request, exc.reason)
            except ValidationError as exc:
                for message in exc.message_dict.get("password", exc.messages):
                    form.add_error("password", message)
            else:
                if request.user.is_authenticated:
                    logout(request)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your password is set. This is your intake form."))
                return redirect("clients_intake:form")
    context = {"link": link, "client": link.client, "form": form, "days": services.intake_link_days()}
    return render(request, "clients/link_start.html", context, status=422 if form.errors else 200)


# --- the intake form, for the client and for the desk --------------------------------------


def _formsets(data: Any, intake: Any) -> dict[str, BaseFormSet[Any]]:
    sets: dict[str, BaseFormSet[Any]] = {}
    for prefix, field, cls in ROWS:
        rows = getattr(intake, field) if intake is not None else []
        initial = injury_initial(rows) if field == "head_injuries" else medicine_initial(rows)
        sets[prefix] = cls(data, prefix=prefix, initial=initial)
    return sets


def _apply(
    exc: ValidationError, form: Form, sets: dict[str, BaseFormSet[Any]], sent: dict[str, list[int]]
) -> None:
    """Put the service's errors on the field they name (a row's field on its row)."""
    by_field = {p: f for p, f, _cls in ROWS}
    for key, errors in exc.message_dict.items():
        for message in errors:
            placed = False
            for prefix, field in by_field.items():
                if key == field or key.startswith(field + "."):
                    parts = key.split(".")
                    if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(sent[prefix]):
                        row = sets[prefix].forms[sent[prefix][int(parts[1])]]
                        name = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
                        row.add_error(name, message)
                    else:
                        form.add_error(None, message)
                    placed = True
            if placed:
                continue
            if key.startswith("screening_answers."):
                name = question_field(key.removeprefix("screening_answers."))
                form.add_error(name if name in form.fields else None, message)
            else:
                form.add_error(key if key in form.fields else None, message)


def _intake_page(
    request: HttpRequest,
    client: Client,
    *,
    by: User | None,
    at_desk: bool,
    template: str,
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    intake = selectors.intake_of(client=client)
    data = request.POST.copy() if request.method == "POST" else None
    more = data.get("more") if data is not None else None
    if data is not None and more in {p for p, _f, _c in ROWS}:
        # "Add a row": the same answers again, one more empty row, nothing saved.
        key = f"{more}-TOTAL_FORMS"
        try:
            data[key] = str(min(int(data.get(key, "0")) + 1, 20))
        except ValueError:
            data[key] = "1"
    form = IntakeForm(data, initial=intake_initial(intake))
    sets = _formsets(data, intake)
    status = 200
    if data is not None and not more:
        valid = form.is_valid()
        valid = all([fs.is_valid() for fs in sets.values()]) and valid
        if valid:
            values = form.values()
            sent: dict[str, list[int]] = {}
            for prefix, field, _cls in ROWS:
                sent[prefix] = []
                rows = []
                for index, row_form in enumerate(sets[prefix].forms):
                    row = row_form.row()
                    if row is not None:
                        sent[prefix].append(index)
                        rows.append(row)
                values[field] = rows
            try:
                services.intake_submit(client=client, by=by, at_desk=at_desk, **values)
            except ValidationError as exc:
                _apply(exc, form, sets, sent)
            else:
                messages.success(request, _("Thank you: the intake is saved."))
                return redirect(done)
        status = 422
    return render(
        request,
        template,
        {
            **context,
            "client": client,
            "form": form,
            "sets": sets,
            "intake": intake,
            "problems": _problems(form, sets) if status == 422 else [],
        },
        status=status,
    )


def _problems(form: Form, sets: dict[str, BaseFormSet[Any]]) -> list[tuple[str, str]]:
    """(label, element id) of every answer with an error, for the summary at the top of the page."""
    found = [(str(form[name].label), form[name].auto_id or "") for name in form.fields if name in form.errors]
    for rows in sets.values():
        for row in rows.forms:
            for name in row.fields:
                if name in row.errors:
                    found.append((str(row[name].label), row[name].auto_id or ""))
    return found


def intake_form(request: HttpRequest) -> HttpResponse:
    """The client's intake form: through the link's restricted session, or signed in."""
    found = _filler(request)
    if isinstance(found, HttpResponse):
        return found
    client, user = found
    return _intake_page(
        request,
        client,
        by=user,
        at_desk=False,
        template="clients/intake_form.html",
        done=reverse("clients_intake:consent"),
        context={"restricted": user is None},
    )


@staff_required
def desk_intake(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """The intake filled in at the desk with the client (any staff), or read and corrected by a
    clinician. The front desk never reads a submitted intake back (it is clinical)."""
    client = selectors.client_get(practice=request.practice, client_id=client_id)
    intake = selectors.intake_of(client=client)
    if selectors.intake_hidden_from(request.membership, intake):
        return render(request, "clients/intake_hidden.html", {"client": client, "intake": intake}, status=403)
    return _intake_page(
        request,
        client,
        by=request.user,
        at_desk=True,
        template="clients/desk_intake.html",
        done=reverse("web:client_detail", kwargs={"client_id": client.uuid}),
        context={},
    )


@staff_required
@require_POST
def send_link(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = selectors.client_get(practice=request.practice, client_id=client_id)
    try:
        link = services.intake_link_send(client=client, by=request.user)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(
            request,
            _("The intake link is on its way to %(email)s. It works once, until %(until)s.")
            % {
                "email": client.email,
                "until": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
    return redirect("web:client_detail", client_id=client.uuid)


# --- consent -------------------------------------------------------------------------------


def _texts(client: Client) -> list[Any]:
    language = translation.get_language() or "en"
    return [
        services.current_consent_text(practice=client.practice, kind=kind, language=language)
        for kind in INTAKE_KINDS
    ]


def _consent_page(
    request: HttpRequest, client: Client, *, by: User | None, witness: User | None, template: str, done: str
) -> HttpResponse:
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consents_sign(
                client=client,
                kinds=form.kinds(),
                typed_name=form.cleaned_data["typed_name"],
                by=by,
                witnessed_by=witness,
                language=translation.get_language() or "en",
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Thank you: your consent is recorded."))
            return redirect(done)
    standing = selectors.standing_consents(client=client)
    context = {
        "client": client,
        "form": form,
        "texts": _texts(client),
        "standing": {kind: selectors.consent_in_force(c) for kind, c in standing.items()},
    }
    return render(request, template, context, status=422 if form.errors else 200)


def intake_consent(request: HttpRequest) -> HttpResponse:
    found = _filler(request)
    if isinstance(found, HttpResponse):
        return found
    client, user = found
    return _consent_page(
        request,
        client,
        by=user,
        witness=None,
        template="clients/intake_consent.html",
        done=reverse("clients_intake:done"),
    )


def intake_done(request: HttpRequest) -> HttpResponse:
    found = _filler(request)
    if isinstance(found, HttpResponse):
        return found
    client, user = found
    return render(request, "clients/intake_done.html", {"client": client, "restricted": user is None})


@staff_required
def desk_consent(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """Consent given at the desk: the client types their name, the staff member witnesses."""
    client = selectors.client_get(practice=request.practice, client_id=client_id)
    return _consent_page(
        request,
        client,
        by=request.user,
        witness=request.user,
        template="clients/desk_consent.html",
        done=reverse("web:client_detail", kwargs={"client_id": client.uuid}),
    )


@client_required
@require_POST
def consent_withdraw(request: ClientRequest, consent_id: uuid.UUID) -> HttpResponse:
    consent = Consent.objects.filter(client=request.client, uuid=consent_id).select_related("text").first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(consent=consent)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if consent.text.kind == "data":
            messages.success(
                request,
                _(
                    "Consent withdrawn. Headwise no longer processes your health data and sends you no "
                    "reminders; what was recorded before stays in your record."
                ),
            )
        else:
            messages.success(request, _("Consent withdrawn."))
    return redirect("web:preferences")
