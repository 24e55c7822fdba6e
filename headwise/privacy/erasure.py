"""Erasure and anonymisation of one client, history tables included (docs/privacy.md).

Which rows are the client's is found by walking the models, not listed by hand, so a model added
later is covered: start from the client (and the client's own login), then repeatedly take every
row of every model whose foreign key points at a row already found (an attack's aura symptoms, a
session's follow-up and addenda, a plan's phases…). A model with history (django-simple-history)
is walked through its historical table too, so a record deleted long ago, whose only trace is its
history, is found as well. Then:

* **erase** deletes the live rows and every historical row of each of them;
* **anonymise** keeps the diary's and the sessions' figures (dates, intensities, choices) for the
  practice's statistics, removes the person: name, contact, date of birth (kept as 1 January of
  the year), login, consents signed by name, every free-text field, and every historical row.

Both leave one audit entry (``erase``) that names only the client's opaque id, who, when and the
decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models, transaction

#: Models that are not the client's records even when they point at them: the trail of who did
#: what (it holds ids, never content) and the request that asked for the erasure.
NOT_WALKED = {"audit.auditentry", "audit.audithead", "privacy.erasurerequest"}


def _history_of(model: type[models.Model]) -> type[models.Model] | None:
    for candidate in apps.get_models(include_auto_created=True):
        if getattr(candidate, "instance_type", None) is model and candidate is not model:
            return candidate
    return None


def _live_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if getattr(m, "instance_type", None) is None and m._meta.label_lower not in NOT_WALKED
    ]


def _links(
    model: type[models.Model], user_model: type[models.Model]
) -> Iterable[tuple[str, type[models.Model]]]:
    """(column, target model) of each foreign key worth following from ``model``'s rows.

    Keys to the user model are followed only when named ``user`` (a token's, a device's owner):
    ``created_by`` of a practice's record does not make the record the client's.
    """
    for field in model._meta.concrete_fields:
        target = field.related_model
        if not field.is_relation or target is None or isinstance(target, str):
            continue
        if target is user_model and field.name != "user":
            continue
        yield field.attname, target


def owned_rows(client: Any) -> dict[type[models.Model], set[Any]]:
    """Every row (by primary key) of every model that is ``client``'s, live or only in history."""
    from headwise.accounts.models import User
    from headwise.clients.models import Client

    found: dict[type[models.Model], set[Any]] = {Client: {client.pk}}
    if client.user_id is not None and not hasattr(client.user, "membership"):
        found[User] = {client.user_id}
    live = _live_models()
    histories = {m: _history_of(m) for m in live}
    changed = True
    while changed:
        changed = False
        for model in live:
            for column, target in _links(model, User):
                wanted = found.get(target)
                if not wanted:
                    continue
                pks = set(
                    model._base_manager.filter(**{f"{column}__in": wanted}).values_list("pk", flat=True)
                )
                history = histories[model]
                if history is not None and any(f.attname == column for f in history._meta.concrete_fields):
                    pk_name = model._meta.pk.attname
                    pks |= set(
                        history._base_manager.filter(**{f"{column}__in": wanted}).values_list(
                            pk_name, flat=True
                        )
                    )
                have = found.setdefault(model, set())
                if not pks <= have:
                    have |= pks
                    changed = True
    return {m: pks for m, pks in found.items() if pks}


def _delete_history(found: dict[type[models.Model], set[Any]]) -> int:
    removed = 0
    for model, pks in found.items():
        history = _history_of(model)
        if history is not None:
            removed += history._base_manager.filter(**{f"{model._meta.pk.attname}__in": pks}).delete()[0]
    return removed


def _end_logins(user_id: int | None, email: str) -> None:
    """Sessions and lockout records of the client's login (they name the e-mail address)."""
    if user_id is not None:
        for session in Session.objects.all().iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
                session.delete()
    if email and apps.is_installed("axes"):
        for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            model._base_manager.filter(username__iexact=email).delete()


@transaction.atomic
def erase(client: Any) -> dict[str, int]:
    """Delete every row that is the client's, live and historical. Returns counts per model."""
    found = owned_rows(client)
    user_id, emails = client.user_id, {client.email, getattr(client.user, "email", "")}
    counts = {m._meta.label: len(pks) for m, pks in found.items()}
    # Children first: repeat until every model's rows are gone (PROTECT keys inside the client's
    # own records, e.g. a session's appointment, are then deleted in a later round).
    pending = dict(found)
    for _round in range(len(pending) + 1):
        if not pending:
            break
        for model in list(pending):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk__in=pending[model]).delete()
                del pending[model]
            except models.ProtectedError:
                continue
    if pending:
        raise models.ProtectedError(f"could not erase {sorted(m._meta.label for m in pending)}", set())
    # Deleting wrote a last historical row of each record: remove those too.
    _delete_history(found)
    _delete_diary_change_notes(client.pk)
    for email in emails:
        _end_logins(user_id, email)
    return counts


def _delete_diary_change_notes(client_pk: int) -> None:
    """The notes the diary's triggers wrote while its rows were deleted (ids only, no foreign
    key: headwise.outcomes.models.DiaryChange)."""
    from headwise.outcomes.models import DiaryChange

    DiaryChange.objects.filter(client_id=client_pk).delete()


def _free_text(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.blank
        and not f.primary_key
        and f.name not in {"time_zone", "intake_hash", "rules_version", "language"}
    ]


@transaction.atomic
def anonymise(client: Any) -> dict[str, int]:
    """Keep the figures, remove the person (see the module's docstring)."""
    from headwise.accounts.models import User
    from headwise.clients.models import Client, Consent, IntakeLink

    found = owned_rows(client)
    user_id, emails = client.user_id, {client.email, getattr(client.user, "email", "")}
    counts = {m._meta.label: len(pks) for m, pks in found.items()}
    # Rows that only identify (a login, its tokens and devices, signed consents, e-mailed links).
    for model in list(found):
        identifying = model in (Consent, IntakeLink) or any(
            f.name == "user" and f.related_model is User for f in model._meta.concrete_fields
        )
        if identifying and model is not Client:
            model._base_manager.filter(pk__in=found.pop(model)).delete()
    born = client.date_of_birth
    # update(), not save(): no new historical row is written with the old values.
    Client._base_manager.filter(pk=client.pk).update(
        given_name="Anonymised",
        family_name=str(client.uuid)[:8],
        email="",
        phone="",
        date_of_birth=dt.date(born.year, 1, 1),
        user=None,
        **dict.fromkeys(set(_free_text(Client)) - {"given_name", "family_name", "email", "phone"}, ""),
    )
    for model, pks in found.items():
        if model is Client or model is User:
            continue
        blank = _free_text(model)
        if blank:
            model._base_manager.filter(pk__in=pks).update(**dict.fromkeys(blank, ""))
    if user_id is not None:
        User._base_manager.filter(pk=user_id).delete()
    _delete_history(found | {Client: {client.pk}})
    for email in emails:
        _end_logins(user_id, email)
    return counts
