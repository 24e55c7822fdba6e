"""The ``headwise-diary/1`` interchange format (``docs/diary-format.md``).

Pure: :func:`parse_diary` takes an already-loaded JSON value (a dict) and returns a
:class:`Diary`; :func:`diary_to_dict` builds the dict back (round trip). Errors name the field
path and the record, e.g. ``attacks[3].end: end is before start``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from headwise.clinical.errors import AnalysisError
from headwise.clinical.model import (
    Attack,
    AuraSymptom,
    ClientInfo,
    Diary,
    MedicationIntake,
)

__all__ = ["FORMAT", "parse_diary", "diary_to_dict"]

FORMAT = "headwise-diary/1"
T = TypeVar("T")

_ATTACK_KEYS = frozenset(
    {
        "id",
        "start",
        "end",
        "peak_intensity",
        "side",
        "quality",
        "aggravated_by_activity",
        "nausea",
        "vomiting",
        "photophobia",
        "phonophobia",
        "ended_by_sleep",
        "aura",
        "stopped_activities",
    }
)
_AURA_KEYS = frozenset({"type", "start", "duration_minutes", "spread_gradually", "unilateral", "positive"})
_INTAKE_KEYS = frozenset(
    {
        "id",
        "name",
        "drug_class",
        "substance",
        "taken_at",
        "pain_before",
        "pain_at_2h",
        "relief_at_2h",
        "attack_id",
    }
)
_BOOLS = (
    "aggravated_by_activity",
    "nausea",
    "vomiting",
    "photophobia",
    "phonophobia",
    "ended_by_sleep",
    "stopped_activities",
)


def _obj(value: object, path: str, allowed: frozenset[str], required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise AnalysisError(path, "must be an object")
    for key in value:
        if key not in allowed:
            raise AnalysisError(f"{path}.{key}", "unknown field")
    for key in required:
        if value.get(key) is None:
            raise AnalysisError(f"{path}.{key}", "is required")
    return dict(value)


def _list(value: object, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnalysisError(path, "must be an array")
    return value


def _datetime(value: object, path: str) -> datetime:
    if not isinstance(value, str):
        raise AnalysisError(path, "must be an ISO 8601 date-time string")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise AnalysisError(path, f"{value!r} is not an ISO 8601 date-time") from None
    if dt.utcoffset() is None:
        raise AnalysisError(path, f"{value!r} has no UTC offset")
    return dt


def _date(value: object, path: str) -> date:
    if not isinstance(value, str):
        raise AnalysisError(path, "must be an ISO 8601 date string (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AnalysisError(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _opt(value: object, convert: Callable[[object, str], T], path: str) -> T | None:
    return None if value is None else convert(value, path)


def _record(path: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except AnalysisError as err:
        raise err.within(path) from None


def _aura(value: object, path: str) -> AuraSymptom:
    d = _obj(value, path, _AURA_KEYS, ("type",))
    start = _opt(d.get("start"), _datetime, f"{path}.start")
    minutes = d.get("duration_minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int | float)):
        raise AnalysisError(f"{path}.duration_minutes", "must be a number")
    return _record(
        path,
        lambda: AuraSymptom(
            type=d["type"],
            start=start,
            duration_minutes=minutes,
            spread_gradually=d.get("spread_gradually"),
            unilateral=d.get("unilateral"),
            positive=d.get("positive"),
        ),
    )


def _attack(value: object, path: str) -> Attack:
    d = _obj(value, path, _ATTACK_KEYS, ("id", "start"))
    start = _datetime(d["start"], f"{path}.start")
    end = _opt(d.get("end"), _datetime, f"{path}.end")
    aura_raw = d.get("aura")
    aura = None
    if aura_raw is not None:
        aura = tuple(_aura(a, f"{path}.aura[{i}]") for i, a in enumerate(_list(aura_raw, f"{path}.aura")))
    flags = {k: d.get(k) for k in _BOOLS}
    return _record(
        path,
        lambda: Attack(
            id=d["id"],
            start=start,
            end=end,
            peak_intensity=d.get("peak_intensity"),
            side=d.get("side"),
            quality=d.get("quality"),
            aura=aura,
            **flags,
        ),
    )


def _intake(value: object, path: str) -> MedicationIntake:
    d = _obj(value, path, _INTAKE_KEYS, ("id", "name", "drug_class", "taken_at"))
    taken = _datetime(d["taken_at"], f"{path}.taken_at")
    return _record(
        path,
        lambda: MedicationIntake(
            id=d["id"],
            name=d["name"],
            drug_class=d["drug_class"],
            substance=d.get("substance"),
            taken_at=taken,
            pain_before=d.get("pain_before"),
            pain_at_2h=d.get("pain_at_2h"),
            relief_at_2h=d.get("relief_at_2h"),
            attack_id=d.get("attack_id"),
        ),
    )


def _recorded(value: object, key: str = "recorded") -> frozenset[date]:
    d = _obj(value, key, frozenset({"dates", "ranges"}), ())
    out = {_date(x, f"{key}.dates[{i}]") for i, x in enumerate(_list(d.get("dates"), f"{key}.dates"))}
    for i, r in enumerate(_list(d.get("ranges"), f"{key}.ranges")):
        path = f"{key}.ranges[{i}]"
        rng = _obj(r, path, frozenset({"from", "to"}), ("from", "to"))
        lo, hi = _date(rng["from"], f"{path}.from"), _date(rng["to"], f"{path}.to")
        if hi < lo:
            raise AnalysisError(f"{path}.to", "to is before from")
        out.update(lo + timedelta(days=k) for k in range((hi - lo).days + 1))
    return frozenset(out)


def parse_diary(data: object) -> Diary:
    """Validate a ``headwise-diary/1`` document and return a :class:`Diary`.

    Raises
    ------
    AnalysisError
        Naming the field path and record, e.g. ``attacks[3].end: end is before start``.

    Examples
    --------
    >>> d = parse_diary({"format": "headwise-diary/1",
    ...                  "client": {"time_zone": "Europe/Amsterdam"},
    ...                  "recorded": {"ranges": [{"from": "2026-03-01", "to": "2026-03-07"}]},
    ...                  "attacks": [{"id": "a1", "start": "2026-03-02T08:00+01:00",
    ...                               "end": "2026-03-02T07:00+01:00"}]})
    Traceback (most recent call last):
    ...
    headwise.clinical.errors.AnalysisError: attacks[0].end: end is before start
    """
    d = _obj(
        data,
        "$",
        frozenset({"format", "client", "recorded", "headache", "attacks", "intakes"}),
        ("format", "client"),
    )
    if d["format"] != FORMAT:
        raise AnalysisError("format", f"expected {FORMAT!r}, got {d['format']!r}")
    c = _obj(
        d["client"], "client", frozenset({"time_zone", "birth_date", "migraine_diagnosed"}), ("time_zone",)
    )
    birth = _opt(c.get("birth_date"), _date, "client.birth_date")
    client = _record(
        "client",
        lambda: ClientInfo(c["time_zone"], birth, c.get("migraine_diagnosed")),
    )
    recorded = _recorded(d.get("recorded") or {})
    headache = _recorded(d.get("headache") or {}, "headache")
    attacks = tuple(_attack(a, f"attacks[{i}]") for i, a in enumerate(_list(d.get("attacks"), "attacks")))
    intakes = tuple(_intake(m, f"intakes[{i}]") for i, m in enumerate(_list(d.get("intakes"), "intakes")))
    return Diary(client, recorded, attacks, intakes, headache)


def _iso(value: datetime | date | None, zone: ZoneInfo | None = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and zone is not None:
        return value.astimezone(zone).isoformat()
    return value.isoformat()


def _ranges(days: frozenset[date]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for d in sorted(days):
        if out and date.fromisoformat(out[-1]["to"]) + timedelta(days=1) == d:
            out[-1]["to"] = d.isoformat()
        else:
            out.append({"from": d.isoformat(), "to": d.isoformat()})
    return out


def _aura_dict(s: AuraSymptom, z: ZoneInfo) -> dict[str, Any]:
    return {
        "type": s.type.value,
        "start": _iso(s.start, z),
        "duration_minutes": s.duration_minutes,
        "spread_gradually": s.spread_gradually,
        "unilateral": s.unilateral,
        "positive": s.positive,
    }


def _attack_dict(a: Attack, z: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "start": _iso(a.start, z),
        "end": _iso(a.end, z),
        "peak_intensity": a.peak_intensity,
        "side": None if a.side is None else a.side.value,
        "quality": None if a.quality is None else a.quality.value,
    }
    out.update({k: getattr(a, k) for k in _BOOLS})
    out["aura"] = None if a.aura is None else [_aura_dict(s, z) for s in a.aura]
    return out


def _intake_dict(m: MedicationIntake, z: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.id,
        "name": m.name,
        "drug_class": m.drug_class.value,
        "taken_at": _iso(m.taken_at, z),
        "pain_before": None if m.pain_before is None else m.pain_before.value,
        "pain_at_2h": None if m.pain_at_2h is None else m.pain_at_2h.value,
        "relief_at_2h": m.relief_at_2h,
        "attack_id": m.attack_id,
    }
    if m.substance is not None:  # absent when not known: files stay readable by older readers
        out["substance"] = m.substance.value
    return out


def diary_to_dict(diary: Diary) -> dict[str, Any]:
    """Build the ``headwise-diary/1`` dict for a diary (inverse of :func:`parse_diary`).

    Recorded dates are written as ranges of consecutive dates.

    Examples
    --------
    >>> from headwise.clinical.model import ClientInfo
    >>> d = Diary(ClientInfo("UTC"), frozenset({date(2026, 1, 1), date(2026, 1, 2)}))
    >>> diary_to_dict(d)["recorded"]
    {'ranges': [{'from': '2026-01-01', 'to': '2026-01-02'}]}
    >>> parse_diary(diary_to_dict(d)) == d
    True
    """
    c = diary.client
    return {
        "format": FORMAT,
        "client": {
            "time_zone": c.time_zone,
            "birth_date": _iso(c.birth_date),
            "migraine_diagnosed": c.migraine_diagnosed,
        },
        "recorded": {"ranges": _ranges(diary.recorded_dates)},
        **({"headache": {"ranges": _ranges(diary.headache_dates)}} if diary.headache_dates else {}),
        "attacks": [_attack_dict(a, c.zone) for a in diary.attacks],
        "intakes": [_intake_dict(m, c.zone) for m in diary.intakes],
    }
