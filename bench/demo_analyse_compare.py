"""Before/after figures of ``headwise analyse`` on the demo diaries.

Two steps, so that the same files are analysed by two versions of the engine:

1. ``export OUT_DIR`` (Django; a database holding ``headwise demo-data``): write every demo
   client's whole diary as a ``headwise-diary/1`` file.
2. ``compare BEFORE_ROOT AFTER_ROOT OUT_DIR [BEFORE_DIR]`` (no Django): run ``headwise analyse
   --json`` from each source tree on every file and print how many headache/migraine days and
   which diagnosis suggestions moved. An older engine refuses keys its format did not know yet:
   ``strip OUT_DIR BEFORE_DIR KEY...`` writes copies without them (e.g. ``headache`` and
   ``substance``), which is what the older engine would have been given, and ``compare`` then
   gives the older tree the files in ``BEFORE_DIR`` (same names).

Example (what the closing note of issue 9 used)::

    HEADWISE_VAR_DIR=/tmp/demo HEADWISE_DEMO=1 headwise migrate --noinput
    HEADWISE_VAR_DIR=/tmp/demo HEADWISE_DEMO=1 headwise demo-data --clients 40 --days 400 --seed 7
    HEADWISE_VAR_DIR=/tmp/demo HEADWISE_DEMO=1 python bench/demo_analyse_compare.py export /tmp/diaries
    git archive <old commit> | tar -x -C /tmp/before
    python bench/demo_analyse_compare.py compare /tmp/before . /tmp/diaries
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROWS = ("headache", "migraine", "migraine_uncertain", "moderate_severe", "acute_medication")


def export(out: Path) -> int:
    """Write each demo client's diary, first to last day, as ``<n>.json``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
    import django

    django.setup()
    from headwise.clients.models import Client
    from headwise.clinical import diary_to_dict
    from headwise.diary.models import Attack, DailyCheckIn
    from headwise.diary.selectors import client_today, diary_window

    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for i, client in enumerate(Client.objects.order_by("pk")):
        first = [
            d
            for d in (
                DailyCheckIn.objects.filter(client=client)
                .order_by("date")
                .values_list("date", flat=True)
                .first(),
                Attack.objects.filter(client=client)
                .order_by("started_at")
                .values_list("started_at", flat=True)
                .first(),
            )
            if d is not None
        ]
        if not first:
            continue
        start = min(d if not hasattr(d, "date") else d.date() for d in first)
        diary, _ = diary_window(client=client, start=start, end=client_today(client))
        (out / f"{i:03}.json").write_text(json.dumps(diary_to_dict(diary)))
        n += 1
    print(f"wrote {n} diaries to {out}")
    return 0


def _analyse(root: Path, path: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(  # noqa: S603 - our own interpreter and module, paths we listed
        [sys.executable, "-m", "headwise.analyse_cli", str(path), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def _suggested(data: dict[str, Any]) -> set[str]:
    return {s["code"] for s in data["suggestions"] if s["status"] == "suggested"}


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def strip(files: Path, out: Path, keys: list[str]) -> int:
    """Copy every diary in ``files`` to ``out`` without the given keys, at any depth."""
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(files.glob("*.json"))
    for path in paths:
        data = json.loads(path.read_text())
        (out / path.name).write_text(json.dumps(_without(data, frozenset(keys))))
    print(f"wrote {len(paths)} diaries without {keys} to {out}")
    return 0


def compare(before: Path, after: Path, files: Path, before_files: Path | None = None) -> int:
    """Print per-row day totals before/after and every suggestion that changed."""
    totals = {r: [0, 0] for r in ROWS}
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    per_code: list[Counter[str]] = [Counter(), Counter()]
    transitions: Counter[tuple[str, str, str]] = Counter()
    clients_moved = 0
    paths = sorted(files.glob("*.json"))
    for path in paths:
        old = _analyse(before, path if before_files is None else before_files / path.name)
        new = _analyse(after, path)
        for r in ROWS:
            totals[r][0] += old["days"]["counts"][r]
            totals[r][1] += new["days"]["counts"][r]
        was = {x["code"]: x["status"] for x in old["suggestions"]}
        now = {x["code"]: x["status"] for x in new["suggestions"]}
        for code in sorted(set(was) | set(now)):
            if was.get(code) != now.get(code):
                transitions[(code, was.get(code, "-"), now.get(code, "-"))] += 1
        a, b = _suggested(old), _suggested(new)
        per_code[0].update(a)
        per_code[1].update(b)
        gained.update(b - a)
        lost.update(a - b)
        if a != b:
            clients_moved += 1
            print(f"{path.name}: - {sorted(a - b)}  + {sorted(b - a)}")
    print(f"\n{len(paths)} diaries")
    for r, (x, y) in totals.items():
        print(f"  {r:22} days  before {x:6}  after {y:6}  moved {y - x:+d}")
    print(f"  clients whose suggestions changed: {clients_moved}")
    codes = sorted(set(per_code[0]) | set(per_code[1]))
    for c in codes:
        print(
            f"  {c:8} suggested for {per_code[0][c]:3} before, {per_code[1][c]:3} after "
            f"(+{gained[c]}, -{lost[c]})"
        )
    print("  every status that changed (code: before -> after, clients):")
    for (code, x, y), k in sorted(transitions.items()):
        print(f"    {code:8} {x:22} -> {y:22} {k:3}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "export":
        return export(Path(argv[1]))
    if len(argv) in (4, 5) and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]), Path(argv[3]), Path(argv[4]) if len(argv) == 5 else None)
    if len(argv) >= 4 and argv[0] == "strip":
        return strip(Path(argv[1]), Path(argv[2]), argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
