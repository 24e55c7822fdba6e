"""The JSON API: one django-ninja instance, each app contributing its router."""

from __future__ import annotations

from headwise.common.api import build_api

api = build_api()
