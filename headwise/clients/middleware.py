"""The diary's pages refuse every write once the client withdrew the data consent.

The diary's services refuse too (:func:`headwise.clients.services.require_processing`, which the
API answers as 422); this answers the pages before any form is parsed, with a page that says why
and how to go on, instead of a form error on whichever field came first. The rule is the one of
:func:`headwise.clients.selectors.may_process`. Deleting an entry, and the reminder settings,
stay open: a client who stopped processing may still remove what they recorded or switch off
reminders.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from headwise.clients.selectors import may_process

#: Diary pages that stay writable without the data consent.
OPEN = frozenset({"reminders", "attack_delete", "intake_delete", "aura_delete"})


class ProcessingConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = getattr(request, "client", None)
        if client is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if (
                match is not None
                and match.app_name == "diary"
                and match.url_name not in OPEN
                and not may_process(client=client)
            ):
                return render(request, "clients/processing_stopped.html", status=403)
        return self.get_response(request)
