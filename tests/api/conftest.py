"""Helpers for the JSON API tests: JSON calls through Django's test client."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient


def call(http: HttpClient, method: str, url: str, body: Any = None, **extra: Any) -> Any:
    """Send ``body`` as JSON with ``method``; return the response."""
    send = getattr(http, method.lower())
    if body is None and method.lower() in ("get", "delete"):
        return send(url, **extra)
    return send(url, body if body is not None else {}, content_type="application/json", **extra)


def fields_of(response: Any) -> list[str]:
    """The field names a 422 answer names."""
    assert response.status_code == 422, (response.status_code, response.content)
    return [e["field"] for e in response.json()["errors"]]
