from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def headwise(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    theme = user.theme if user is not None and user.is_authenticated else "system"
    return {
        "theme": theme,
        "membership": getattr(request, "membership", None),
        "practice": getattr(request, "practice", None),
        "own_client": getattr(request, "client", None),
    }
