"""One call that analyses a whole diary, and its JSON-ready form (``headwise analyse``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from headwise.clinical.classify import AttackClassification
from headwise.clinical.days import (
    ROWS,
    DayTable,
    Period,
    calendar_months,
    classify_diary,
    days,
    merged_attack_count,
    periods,
)
from headwise.clinical.diagnosis import (
    MedicationOveruse,
    Suggestion,
    SuggestionStatus,
    medication_overuse,
    suggest_diagnoses,
)
from headwise.clinical.logic import any3
from headwise.clinical.model import Diary
from headwise.clinical.params import DEFAULT_PARAMETERS, Parameters

__all__ = ["DaySummary", "DiaryAnalysis", "analyse", "analysis_to_dict", "summarise_days"]


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Totals over the whole diary; ``rates`` per 28 recorded days."""

    first_day: date | None
    last_day: date | None
    n_days: int
    recorded_days: int
    completeness: float
    counts: dict[str, int]
    rates: dict[str, float | None]
    attacks_recorded: int
    attacks_merged: int | None


@dataclass(frozen=True, slots=True)
class DiaryAnalysis:
    """Everything ``headwise analyse`` reports for one diary."""

    attacks: tuple[AttackClassification, ...]
    table: DayTable
    summary: DaySummary
    periods: tuple[Period, ...]
    months: tuple[Period, ...]
    suggestions: tuple[Suggestion, ...]
    medication_overuse: MedicationOveruse
    parameters: Parameters


def summarise_days(table: DayTable, *, attacks: int, merge: bool, month: int = 28) -> DaySummary:
    """Whole-diary totals; ``merge`` adds the outcome-only merged attack count."""
    sums = table.flags.sum(axis=1)
    rec = int(sums[0]) if table.n_days else 0
    counts = {name: int(sums[i]) for i, name in enumerate(ROWS) if name != "recorded"}
    return DaySummary(
        first_day=table.start if table.n_days else None,
        last_day=table.dates()[-1] if table.n_days else None,
        n_days=table.n_days,
        recorded_days=rec,
        completeness=rec / table.n_days if table.n_days else 0.0,
        counts=counts,
        rates={k: (v / rec * month if rec else None) for k, v in counts.items()},
        attacks_recorded=attacks,
        attacks_merged=merged_attack_count(table) if merge else None,
    )


def analyse(
    diary: Diary,
    parameters: Parameters = DEFAULT_PARAMETERS,
    *,
    anchor: date | None = None,
    merge_attacks: bool = False,
) -> DiaryAnalysis:
    """Classify attacks, count days and periods, and suggest diagnoses for one diary.

    Examples
    --------
    >>> from headwise.clinical.model import ClientInfo
    >>> a = analyse(Diary(ClientInfo("Europe/Amsterdam"), frozenset({date(2026, 1, 1)})))
    >>> a.summary.recorded_days, a.summary.counts["headache"]
    (1, 0)
    """
    p = parameters
    classes = classify_diary(diary, p)
    table = days(diary, p, classifications=classes)
    suggestions = suggest_diagnoses(diary, classes, table, p)
    found = any(s.status is SuggestionStatus.SUGGESTED for s in suggestions if not s.code.startswith("8."))
    mo = medication_overuse(
        table,
        primary_headache=any3([diary.client.migraine_diagnosed, True if found else None]),
        parameters=p,
    )
    return DiaryAnalysis(
        attacks=classes,
        table=table,
        summary=summarise_days(table, attacks=len(diary.attacks), merge=merge_attacks, month=p.month_days),
        periods=periods(table, anchor=anchor, parameters=p),
        months=calendar_months(table, parameters=p),
        suggestions=suggestions,
        medication_overuse=mo,
        parameters=p,
    )


def _period_dict(q: Period) -> dict[str, Any]:
    return {
        "index": q.index,
        "start": q.start.isoformat(),
        "end": q.end.isoformat(),
        "days": q.n_days,
        "full_days": q.full_days,
        "short": q.short,
        "recorded_days": q.recorded_days,
        "completeness": round(q.completeness, 4),
        "counts": dict(q.counts),
        "rates_per_28_days": {k: None if v is None else round(v, 4) for k, v in q.rates.items()},
    }


def _span(span: tuple[date, date] | None) -> dict[str, str] | None:
    return None if span is None else {"start": span[0].isoformat(), "end": span[1].isoformat()}


def _suggestion_dict(s: Suggestion) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "status": s.status.value,
        "reason": s.reason,
        "evidence": list(s.evidence),
        "label": s.label,
    }


def analysis_to_dict(a: DiaryAnalysis) -> dict[str, Any]:
    """The JSON shape of ``headwise analyse --json`` (documented in docs/clinical-engine.md)."""
    s = a.summary
    return {
        "format": "headwise-analysis/1",
        "migraine_day_definition": a.parameters.migraine_day_definition.value,
        "attacks": [
            {
                "id": c.attack_id,
                "type": c.type.value,
                "possible_types": [t.value for t in c.possible_types],
                "duration_hours": None if c.duration_hours is None else round(c.duration_hours, 4),
                "criteria": [
                    {"code": k.code, "text": k.text, "status": k.status.value, "reason": k.reason}
                    for k in c.criteria
                ],
            }
            for c in a.attacks
        ],
        "days": {
            "first_day": None if s.first_day is None else s.first_day.isoformat(),
            "last_day": None if s.last_day is None else s.last_day.isoformat(),
            "days": s.n_days,
            "recorded_days": s.recorded_days,
            "missing_days": s.n_days - s.recorded_days,
            "completeness": round(s.completeness, 4),
            "counts": s.counts,
            "rates_per_28_days": {k: None if v is None else round(v, 4) for k, v in s.rates.items()},
            "attacks_recorded": s.attacks_recorded,
            "attacks_merged": s.attacks_merged,
        },
        "periods": [_period_dict(q) for q in a.periods],
        "calendar_months": [_period_dict(q) for q in a.months],
        "suggestions": [_suggestion_dict(x) for x in a.suggestions],
        "medication_overuse": {
            "classes": [
                {
                    "drug_class": c.drug_class.value,
                    "threshold_days_per_month": c.threshold,
                    "days_last_28": c.days_last_28,
                    "recorded_last_28": c.recorded_last_28,
                    "status": c.status,
                }
                for c in a.medication_overuse.classes
            ],
            "warnings": list(a.medication_overuse.warnings),
            "window": _span(a.medication_overuse.window),
            "last_period": _span(a.medication_overuse.last_period),
        },
    }
