"""``headwise analyse DIARY.json``: analyse a headwise-diary/1 file without a database.

Must not import Django: ``headwise.cli`` dispatches here before any Django set-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any, TextIO

from headwise.clinical import (
    DEFAULT_PARAMETERS,
    AnalysisError,
    DiaryAnalysis,
    MigraineDayDefinition,
    analyse,
    analysis_to_dict,
    parse_diary,
)

__all__ = ["main"]

_SUMMARY_ROWS = (
    "headache",
    "migraine",
    "migraine_uncertain",
    "moderate_severe",
    "acute_medication",
    "migraine_specific_medication",
    "days_lost",
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="headwise analyse",
        description="Analyse a headwise-diary/1 JSON file: ICHD-3 attack types, days, "
        "28-day periods, diagnosis suggestions (for a clinician) and medication overuse.",
    )
    p.add_argument("diary", help="path to a headwise-diary/1 JSON file ('-' for stdin)")
    p.add_argument("--json", action="store_true", help="print JSON (docs/clinical-engine.md)")
    p.add_argument(
        "--migraine-day-definition",
        choices=[d.value for d in MigraineDayDefinition],
        default=MigraineDayDefinition.DEFAULT.value,
        help="default: van der Arend et al. 2023; alternative: IHS trial guideline (>=4 h)",
    )
    p.add_argument(
        "--merge-attacks",
        action="store_true",
        help="also count attacks merged across short headache-free gaps (outcome only)",
    )
    return p


def _load(path: str) -> object:
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _rate(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f}"


def _text(a: DiaryAnalysis, out: TextIO) -> None:
    w = out.write
    w(f"Migraine-day definition: {a.parameters.migraine_day_definition.value}\n\nAttacks\n")
    for c in a.attacks:
        extra = (
            f" (could also be: {', '.join(t.value for t in c.possible_types)})" if c.possible_types else ""
        )
        w(f"  {c.attack_id}: {c.type.value}{extra}\n")
        for k in c.criteria:
            w(f"    {k.code:6} {k.status.value:8} {k.reason}\n")
    s = a.summary
    w(
        f"\nDays {s.first_day} .. {s.last_day}: {s.n_days} days, {s.recorded_days} recorded "
        f"({s.completeness:.0%} complete)\n"
    )
    for row in _SUMMARY_ROWS:
        w(f"  {row:30} {s.counts[row]:5}  {_rate(s.rates[row]):>6} per 28 recorded days\n")
    w(f"  attacks recorded {s.attacks_recorded}")
    w(f", merged for outcome counts {s.attacks_merged}\n" if s.attacks_merged is not None else "\n")
    w("\n28-day periods (days with X / recorded days x 28)\n")
    w("  period  start       days recorded  headache  migraine  medication\n")
    for q in a.periods:
        mark = f"  * short: rests on {q.n_days} of {q.full_days} days" if q.short else ""
        w(
            f"  {q.index:6}  {q.start}  {q.n_days:4} {q.recorded_days:8}  "
            f"{_rate(q.rates['headache']):>8}  {_rate(q.rates['migraine']):>8}  "
            f"{_rate(q.rates['acute_medication']):>10}{mark}\n"
        )
    w("\nDiagnosis suggestions (suggestion for a clinician)\n")
    for g in a.suggestions:
        w(f"  {g.code:6} {g.name}: {g.status.value}\n         {g.reason}\n")
        for e in g.evidence[:8]:
            w(f"         - {e}\n")
        if len(g.evidence) > 8:
            w(f"         - ... and {len(g.evidence) - 8} more\n")
    mo = a.medication_overuse
    last = f"{mo.last_period[0]}..{mo.last_period[1]}" if mo.last_period else "no days"
    judged = f"{mo.window[0]}..{mo.window[1]}" if mo.window else "no days"
    w(
        f"\nMedication overuse (last 28 days {last}, ICHD-3 8.2 thresholds; 8.2 judged on "
        f"{judged}, full 28-day periods counted back from the last diary day)\n"
    )
    for m in a.medication_overuse.classes:
        w(f"  {m.drug_class.value:22} {m.days_last_28:3} / {m.threshold} days  {m.status}\n")
    for warning in a.medication_overuse.warnings:
        w(f"  WARNING: {warning}\n")


def main(argv: list[str] | None = None) -> int:
    """Run ``headwise analyse``; return 0, or 2 for bad input (message on stderr)."""
    args = _parser().parse_args(argv)
    try:
        data = _load(args.diary)
    except OSError as err:
        print(f"headwise analyse: {args.diary}: {err.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as err:
        print(f"headwise analyse: {args.diary}: not JSON: {err}", file=sys.stderr)
        return 2
    try:
        diary = parse_diary(data)
        params = replace(
            DEFAULT_PARAMETERS,
            migraine_day_definition=MigraineDayDefinition(args.migraine_day_definition),
        )
        result = analyse(diary, params, merge_attacks=args.merge_attacks)
    except AnalysisError as err:
        print(f"headwise analyse: {args.diary}: {err}", file=sys.stderr)
        return 2
    if args.json:
        payload: dict[str, Any] = analysis_to_dict(result)
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _text(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
