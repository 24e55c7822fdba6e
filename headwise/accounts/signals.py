"""Every sign-in, however it happens, starts a fresh, stamped session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest


@receiver(user_logged_in, dispatch_uid="headwise.accounts.start_session")
def start_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    from headwise.accounts import fresh, sessions

    fresh.mark_fresh(request)
    sessions.start(request)
