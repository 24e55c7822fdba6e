"""Where each app's API router is mounted. A new router is added here."""

from __future__ import annotations

from ninja import Router


def ROUTERS() -> list[tuple[str, Router]]:  # noqa: N802 - reads as a constant list
    from headwise.accounts.api import router as accounts

    return [
        ("", accounts),
        ("", __import__("headwise.practice.api", fromlist=["router"]).router),
        ("", __import__("headwise.clients.api", fromlist=["router"]).router),
        # avail: before care.api, so /appointments/series is not read as /appointments/{appointment_id}
        ("", __import__("headwise.care.api_schedule", fromlist=["router"]).router),
        ("", __import__("headwise.care.api", fromlist=["router"]).router),
        ("", __import__("headwise.care.api_plan", fromlist=["router"]).router),
        ("", __import__("headwise.outcomes.api", fromlist=["router"]).router),
        ("", __import__("headwise.diary.api", fromlist=["router"]).router),
    ]
