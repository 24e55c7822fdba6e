"""Hooks that write the trail for events that do not pass through a Headwise view."""

from __future__ import annotations


def connect() -> None:
    """Connected from the app's ``ready()``."""
