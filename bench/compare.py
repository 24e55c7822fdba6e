"""Same-run comparison of a bench between an older ref and the current code.

``.venv/bin/python -m bench.compare [--ref 61a67f6] [--rounds 3] [--runs N] diary appointments``

The old ref is checked out into a temporary git worktree (``git worktree add --detach``, removed
afterwards). Each round runs every chosen bench once for the old and once for the current code,
alternately (old, new, new, old, ... so neither side always runs first), each in its own
subprocess with its own PYTHONPATH (the worktree's root first) and the same interpreter and
environment. Two runs made at different times on a shared machine compare the machine's load
as much as the code; runs interleaved in one session put the same load on both sides.

Each ref runs its own ``bench/bench_<name>.py`` if it has one; a bench the old ref lacks is
copied from the current code into the old worktree (the output says which). The bench module
is loaded (not run as ``__main__``) so that ``--runs``/``--warmup`` can shorten it the same way
on both sides, and the diary bench's gunicorn worker-memory probe (a minute of migrate and demo
data, and not a server time) is skipped unless ``--worker-rss`` is given.

The table gives, per request, the median over the rounds of each run's p50 and p95 server time
(ms), of the bench's own ratio column (p95/bare for the diary, p50/bare for the appointments),
of p50/bare computed from the run's p50s, the query count, and new/old for each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run inside the child: load the bench as a module, shorten it if asked, run its main().
_CHILD = r"""
import importlib.util, math, os, sys
path, runs, warmup, rss = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
spec = importlib.util.spec_from_file_location("bench_under_compare", path)
module = importlib.util.module_from_spec(spec)
sys.modules["bench_under_compare"] = module
spec.loader.exec_module(module)
if runs != "-":
    module.RUNS = int(runs)
if warmup != "-":
    module.WARMUP = int(warmup)
if rss == "0" and hasattr(module, "worker_rss_mb"):
    module.worker_rss_mb = lambda: (math.nan, math.nan)
module.main()
"""


@dataclass
class Row:
    p50: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    ratio: list[float] = field(default_factory=list)
    p50_bare: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)


@dataclass
class Result:
    rows: dict[str, Row] = field(default_factory=dict)
    ratio_name: str = ""
    notes: list[str] = field(default_factory=list)


def parse(output: str, into: Result) -> None:
    """Add one run's table (the bench's printed rows) to ``into``."""
    lines = output.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("request (server time"))
    except StopIteration:
        raise RuntimeError("no table in the bench's output:\n" + output) from None
    into.ratio_name = lines[start][34:].split()[2]
    run: list[tuple[str, float, float, float, int | None]] = []
    for line in lines[start + 1 :]:
        name, rest = line[:34].strip(), line[34:].split()
        try:
            p50, p95, ratio = (float(x) for x in rest[:3])
        except ValueError:
            break
        if len(rest) < 3:
            break
        # diary: p50 p95 ratio [queries] whole-p50 whole-p95; appointments: p50 p95 ratio [items] queries
        queries: int | None = None
        if into.ratio_name == "p95/bare":
            queries = int(rest[3]) if len(rest) == 6 else None
        elif len(rest) >= 4:
            queries = int(rest[-1])
        run.append((name, p50, p95, ratio, queries))
    bare_p50 = run[0][1]
    for name, p50, p95, ratio, queries in run:
        row = into.rows.setdefault(name, Row())
        row.p50.append(p50)
        row.p95.append(p95)
        row.ratio.append(ratio)
        row.p50_bare.append(p50 / bare_p50)
        if queries is not None:
            row.queries.append(queries)
    for line in lines:
        if line.startswith(("list/bare at", "attack save p95 / bare", "audit ON")):
            into.notes.append(line)


def run_bench(python: str, tree: Path, script: Path, args: argparse.Namespace) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings_test")
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own files
        [
            python,
            "-c",
            _CHILD,
            str(script),
            str(args.runs) if args.runs else "-",
            str(args.warmup) if args.warmup is not None else "-",
            "1" if args.worker_rss else "0",
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fmt(values: list[float], spec: str = "7.2f") -> str:
    return format(statistics.median(values), spec) if values else "-".rjust(int(spec.split(".")[0]))


def over(new: list[float], old: list[float]) -> str:
    if not new or not old or statistics.median(old) == 0:
        return "    -"
    return f"{statistics.median(new) / statistics.median(old):5.2f}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("benches", nargs="*", default=["diary", "appointments"])
    parser.add_argument("--ref", default="61a67f6", help="the older ref (default 61a67f6, before #14)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=0, help="timed rounds in each bench")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--worker-rss", action="store_true", help="keep the diary's gunicorn memory probe")
    parser.add_argument("--raw", action="store_true", help="also print each run's own output")
    args = parser.parse_args(argv)

    python = sys.executable
    old_tree = Path(tempfile.mkdtemp(prefix="bench-before-"))
    old_tree.rmdir()
    subprocess.run(  # noqa: S603
        ["git", "worktree", "add", "--detach", str(old_tree), args.ref],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    head = subprocess.run(  # noqa: S603
        ["git", "describe", "--always", "--dirty"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        print(f"same-run comparison: old = {args.ref} (worktree {old_tree}), new = {head} ({ROOT})")
        print(f"load average at start: {load()}")
        scripts: dict[str, tuple[Path, Path]] = {}
        for name in args.benches:
            new_script = ROOT / "bench" / f"bench_{name}.py"
            if not new_script.exists():
                print(f"no bench {new_script}", file=sys.stderr)
                return 2
            old_script = old_tree / "bench" / f"bench_{name}.py"
            if old_script.exists():
                print(f"{name}: each ref runs its own bench/bench_{name}.py")
            else:
                shutil.copy(new_script, old_script)
                print(f"{name}: {args.ref} has no bench/bench_{name}.py; the current one is copied into it")
            scripts[name] = (old_script, new_script)
        results = {(name, side): Result() for name in args.benches for side in ("old", "new")}
        for round_ in range(args.rounds):
            order = ("old", "new") if round_ % 2 == 0 else ("new", "old")
            for name, (old_script, new_script) in scripts.items():
                for side in order:
                    tree, script = (old_tree, old_script) if side == "old" else (ROOT, new_script)
                    print(f"  round {round_ + 1}/{args.rounds}: {name} {side}", flush=True)
                    output = run_bench(python, tree, script, args)
                    if args.raw:
                        print("    " + output.replace("\n", "\n    "), flush=True)
                    parse(output, results[(name, side)])
        print(f"load average at end: {load()}")
        for name in args.benches:
            old, new = results[(name, "old")], results[(name, "new")]
            r = old.ratio_name
            print(f"\n=== {name}: medians of {args.rounds} runs each, server time ms ===")
            print(
                f"{'request':34} {'p50 old':>7} {'new':>7} {'n/o':>5}  {'p95 old':>7} {'new':>7} {'n/o':>5}"
                f"  {r + ' old':>12} {'new':>6} {'n/o':>5}  {'p50/bare old':>12} {'new':>6} {'n/o':>5}"
                f"  {'queries old':>11} {'new':>4}"
            )
            for row_name, n in new.rows.items():
                o = old.rows.get(row_name, Row())
                print(
                    f"{row_name:34} {fmt(o.p50)} {fmt(n.p50)} {over(n.p50, o.p50)}  "
                    f"{fmt(o.p95)} {fmt(n.p95)} {over(n.p95, o.p95)}  "
                    f"{fmt(o.ratio, '12.2f')} {fmt(n.ratio, '6.2f')} {over(n.ratio, o.ratio)}  "
                    f"{fmt(o.p50_bare, '12.2f')} {fmt(n.p50_bare, '6.2f')} {over(n.p50_bare, o.p50_bare)}  "
                    f"{fmt([float(q) for q in o.queries], '11.0f')} "
                    f"{fmt([float(q) for q in n.queries], '4.0f')}"
                )
            for side, result in (("old", old), ("new", new)):
                for note in result.notes:
                    print(f"  {side}: {note}")
    finally:
        subprocess.run(  # noqa: S603
            ["git", "worktree", "remove", "--force", str(old_tree)],  # noqa: S607
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
