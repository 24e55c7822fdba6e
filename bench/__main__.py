"""`make bench`: run every bench/bench_*.py in turn and print its table.

Each benchmark reports its figures as ratios against a baseline measured in the same run, so
the numbers mean something on any machine. Targets are stated beside the figures; nothing
here fails a build.
"""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if wanted:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted or s.stem in wanted]
    if not scripts:
        print("no benchmark matched", ", ".join(sorted(wanted)), file=sys.stderr)
        return 2
    status = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        try:
            runpy.run_path(str(script), run_name="__main__")
        except SystemExit as done:  # a script's own `raise SystemExit(main())`
            if done.code not in (None, 0):
                print(f"{script.stem} exited with {done.code}", file=sys.stderr)
                status = 1
        print(f"({script.stem} took {time.perf_counter() - started:.1f} s)", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
