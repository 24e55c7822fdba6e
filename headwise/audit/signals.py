"""The hooks that turn events outside the views into audit entries, all through audit_record.

* every create, change and delete of a model with history (django-simple-history's
  ``post_create_historical_record``): the NAMES of the fields changed, from the history diff;
  a membership whose role or active flag changes is a ``role_change``; an API token's first
  history row is ``token_issue`` and the one that sets ``revoked_at`` is ``token_revoke``;
* sign-in, failed sign-in and sign-out (Django's auth signals) and lockout (django-axes).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from headwise.audit.models import AuditAction
from headwise.audit.services import audit_record

#: Bookkeeping fields whose change alone is not a change a reader of the trail cares about.
IGNORED_FIELDS = frozenset({"updated_at", "updated_by", "created_at", "created_by"})


def _request() -> Any:
    return getattr(HistoricalRecords.context, "request", None)


def changed_fields(history_instance: Any) -> list[str]:
    """The names of the fields this history row changed against the row before it."""
    # Not ``prev_record``: it orders by ``history_date``, and two saves in one instant (a frozen
    # test clock, a fast script) share one; the history's own number orders them.
    previous = (
        type(history_instance)
        ._default_manager.filter(
            **{history_instance.instance_type._meta.pk.attname: history_instance.instance.pk},
            history_id__lt=history_instance.history_id,
        )
        .order_by("-history_id")
        .first()
    )
    if previous is None:
        return []
    delta = history_instance.diff_against(previous)
    return [name for name in delta.changed_fields if name not in IGNORED_FIELDS]


def on_history(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    kind = history_instance.history_type
    label = instance._meta.label_lower
    fields: list[str] = []
    detail: dict[str, Any] = {}
    if kind == "+":
        action = AuditAction.TOKEN_ISSUE if label == "accounts.apitoken" else AuditAction.CREATE
    elif kind == "-":
        action = AuditAction.DELETE
    else:
        fields = changed_fields(history_instance)
        if not fields:
            return  # saved without a change
        action = AuditAction.CHANGE
        if label == "practice.membership" and {"role", "is_active"} & set(fields):
            action = AuditAction.ROLE_CHANGE
            detail = {"role": str(instance.role), "active": bool(instance.is_active)}
        elif label == "accounts.apitoken" and "revoked_at" in fields and instance.revoked_at:
            action = AuditAction.TOKEN_REVOKE
    request = _request()
    actor = None
    if request is None or not getattr(request.user, "is_authenticated", False):
        actor = history_instance.history_user
    practice = None
    if label == "accounts.apitoken":
        practice = _practice_of(instance.user_id)  # a token belongs to a user, and so to their practice
    audit_record(
        action=action,
        request=request,
        actor=actor,
        practice=practice,
        obj=instance,
        fields=fields,
        detail=detail,
    )


def record_created(instance: Any, by: Any) -> None:
    """The ``create`` entry of a record saved without a history row (the one-tap attack save,
    whose row is its own recorded version until the first change: headwise.diary.history),
    written as :func:`on_history` writes it for a first history row."""
    request = _request()
    actor = None
    if request is None or not getattr(request.user, "is_authenticated", False):
        actor = by
    audit_record(action=AuditAction.CREATE, request=request, actor=actor, obj=instance)


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.SIGN_IN, request=request, actor=user, practice=_practice_of(user))


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return  # nobody was signed in
    audit_record(action=AuditAction.SIGN_OUT, request=request, actor=user, practice=_practice_of(user))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """A failed sign-in names the account only when one exists for the address: an address
    typed by mistake (or a password typed into the address field) is not kept."""
    address = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    user = get_user_model().objects.filter(email=address).first() if address else None
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        request=_anonymous(request),
        actor=user,
        practice=_practice_of(user),
        detail={"known_account": user is not None},
    )


def on_locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    address = (username or "").strip().lower()
    user = get_user_model().objects.filter(email=address).first() if address else None
    audit_record(
        action=AuditAction.SIGN_IN_LOCKED,
        request=_anonymous(request),
        actor=user,
        practice=_practice_of(user),
        detail={"known_account": user is not None},
    )


class _Anonymous:
    """A failed sign-in's request, seen only for its address (its user is nobody yet)."""

    def __init__(self, request: Any) -> None:
        self.META = getattr(request, "META", {})
        self.user = None
        self.membership = None
        self.practice = None
        self.client = None


def _anonymous(request: Any) -> Any:
    return None if request is None else _Anonymous(request)


def _practice_of(user: Any) -> Any:
    if user is None:
        return None
    from headwise.clients.models import Client
    from headwise.practice.models import Membership

    practice_id = Membership.objects.filter(user=user).values_list("practice_id", flat=True).first()
    if practice_id is None:
        practice_id = Client.objects.filter(user=user).values_list("practice_id", flat=True).first()
    return practice_id


def connect() -> None:
    """Connected from the app's ``ready()``."""
    post_create_historical_record.connect(on_history, dispatch_uid="audit-history")
    user_logged_in.connect(on_logged_in, dispatch_uid="audit-logged-in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit-logged-out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="audit-locked-out")
