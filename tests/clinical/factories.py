"""Small builders for clinical tests (no Django)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from headwise.clinical import Attack, ClientInfo, Diary, DrugClass, MedicationIntake, Quality, Side

AMS = ZoneInfo("Europe/Amsterdam")
START = date(2026, 1, 5)


def at(day: date, hour: int = 8, minute: int = 0, zone: ZoneInfo = AMS) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def migraine(ident: str, start: datetime, hours: float = 6.0, **kw: Any) -> Attack:
    """An attack meeting 1.1 B-D (adult), no aura."""
    fields: dict[str, Any] = {
        "peak_intensity": 7,
        "side": Side.UNILATERAL,
        "quality": Quality.PULSATING,
        "aggravated_by_activity": True,
        "nausea": True,
        "vomiting": False,
        "photophobia": True,
        "phonophobia": True,
        "aura": (),
    }
    fields.update(kw)
    return Attack(ident, start, start.astimezone(UTC) + timedelta(hours=hours), **fields)


def tension(ident: str, start: datetime, hours: float = 3.0, **kw: Any) -> Attack:
    """An attack meeting 2 B-D."""
    fields: dict[str, Any] = {
        "peak_intensity": 3,
        "side": Side.BILATERAL,
        "quality": Quality.PRESSING,
        "aggravated_by_activity": False,
        "nausea": False,
        "vomiting": False,
        "photophobia": False,
        "phonophobia": False,
        "aura": (),
    }
    fields.update(kw)
    return Attack(ident, start, start.astimezone(UTC) + timedelta(hours=hours), **fields)


def intake(ident: str, when: datetime, cls: DrugClass, name: str = "drug", **kw: Any) -> MedicationIntake:
    return MedicationIntake(ident, name, cls, when, **kw)


def days_from(start: date, n: int) -> frozenset[date]:
    return frozenset(start + timedelta(days=i) for i in range(n))


def diary(
    attacks: tuple[Attack, ...] = (),
    intakes: tuple[MedicationIntake, ...] = (),
    recorded: frozenset[date] | None = None,
    *,
    n_days: int = 28,
    zone: str = "Europe/Amsterdam",
    birth: date | None = date(1980, 1, 1),
    diagnosed: bool | None = True,
) -> Diary:
    rec = days_from(START, n_days) if recorded is None else recorded
    return Diary(ClientInfo(zone, birth, diagnosed), rec, attacks, intakes)
