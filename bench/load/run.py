"""`make load`: the locust mix of issue #14 against gunicorn on PostgreSQL, then the data check.

Steps: migrate ``LOAD_DATABASE_URL``; build the 1,000-client demo practice (``demo-data
--clients 1000 --replace``, unless ``LOAD_KEEP_DATA=1`` and it exists); collect static files;
give the load's 40 clients a login and turn on two-step sign-in for the staff, each with an
authenticator whose key the locustfile reads (prepare.py); start gunicorn (``gunicorn.conf.py``, or
``LOAD_GUNICORN_ARGS``); run locust headless (``-u 50 -r 10 -t $LOAD_TIME``) while sampling
the CPU time and memory of the gunicorn processes and of the PostgreSQL backends of this
database; stop gunicorn; check the database against the acknowledged writes, and the audit chain
(check.py); print
one table per request type and the totals, and write them to ``var/load/report.json``.

CPU per request is (gunicorn CPU + PostgreSQL CPU) / requests. The backends of this database
are sampled every 0.2 s; a backend that lives for one request (no persistent connections)
can end between two samples, so the database CPU is also given for the whole PostgreSQL
server (its processes and their ended children): that figure includes whatever else uses
the server at the same time.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OUT = Path(os.environ.get("LOAD_OUT", ROOT / "var" / "load"))
DB_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_perf")
DB_NAME = DB_URL.rsplit("/", 1)[-1].split("?")[0]
PORT = os.environ.get("LOAD_PORT", "8010")
USERS = os.environ.get("LOAD_USERS", "50")
RATE = os.environ.get("LOAD_RATE", "10")
TIME = os.environ.get("LOAD_TIME", "3m")
CLIENTS = os.environ.get("LOAD_DEMO_CLIENTS", "1000")


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(
        DATABASE_URL=DB_URL,
        SECRET_KEY=e.get("SECRET_KEY", "load-run-only-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HEADWISE_VAR_DIR=str(OUT / "var"),
        PYTHONPATH=str(ROOT),
        LOAD_LOG=str(OUT / "writes.jsonl"),
        # The staff's authenticator keys (prepare.py writes them, the locustfile reads them).
        LOAD_TOTP_KEYS=str(OUT / "totp.json"),
        # One IP signs in 50 people within seconds: the lockout counts failures only, but the
        # run must not depend on it.
        AXES_FAILURE_LIMIT="1000",
    )
    return e


def manage(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def postgres_processes() -> tuple[psutil.Process | None, list[psutil.Process]]:
    master, backends = None, []
    for proc in psutil.process_iter(["name", "cmdline", "ppid"]):
        if proc.info["name"] != "postgres":
            continue
        try:
            parent = psutil.Process(proc.info["ppid"]).name()
        except psutil.Error:
            continue
        if parent != "postgres":
            master = proc
        elif f" {DB_NAME} " in " ".join(proc.info["cmdline"] or []) + " ":
            backends.append(proc)
    return master, backends


def cpu(proc: psutil.Process, children: bool = False) -> float:
    t = proc.cpu_times()
    total = t.user + t.system
    if children:
        total += t.children_user + t.children_system
    return total


class Sampler(threading.Thread):
    """CPU seconds of the gunicorn processes and of this database's backends; worker RSS."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.stop = threading.Event()
        self.app_cpu: dict[int, float] = {}
        self.app_first: dict[int, float] = {}
        self.db_cpu: dict[int, float] = {}
        self.db_first: dict[int, float] = {}
        self.rss_peak: dict[int, int] = {}

    def sample(self) -> None:
        try:
            master = psutil.Process(self.master_pid)
            procs = [master, *master.children(recursive=True)]
        except psutil.Error:
            procs = []
        for proc in procs:
            try:
                used = cpu(proc)
                self.app_first.setdefault(proc.pid, used)
                self.app_cpu[proc.pid] = used
                if proc.pid != self.master_pid:
                    rss = proc.memory_info().rss
                    self.rss_peak[proc.pid] = max(rss, self.rss_peak.get(proc.pid, 0))
            except psutil.Error:
                pass
        for proc in postgres_processes()[1]:
            try:
                used = cpu(proc)
                self.db_first.setdefault(proc.pid, used)
                self.db_cpu[proc.pid] = used
            except psutil.Error:
                pass

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            time.sleep(0.2)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "var").mkdir(exist_ok=True)
    log = OUT / "writes.jsonl"
    log.unlink(missing_ok=True)
    import psycopg

    # LOAD_SKIP_SETUP=1: a repeat run on the database and static files of the previous one.
    skip = os.environ.get("LOAD_SKIP_SETUP") == "1"
    keep = os.environ.get("LOAD_KEEP_DATA") == "1" or skip
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and not keep:
            # Rebuilt from empty: the audit trail is append-only (a trigger refuses deletes),
            # so the previous run's practice cannot be deleted row by row.
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    if not skip:
        print(f"load: migrating {DB_NAME}", flush=True)
        manage("migrate", "--noinput")
        manage("collectstatic", "--noinput", "--verbosity", "0")
    print(
        f"load: demo practice with {CLIENTS} clients ({'kept if there' if keep else 'rebuilt'})", flush=True
    )
    manage(
        "demo-data",
        "--clients",
        CLIENTS,
        "--if-absent" if keep else "--replace",
        "--truth-out",
        str(OUT / "truth.json"),
    )
    prepared = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(ROOT / "bench" / "load" / "prepare.py"),
            "--clients",
            "40",
            "--totp-out",
            env()["LOAD_TOTP_KEYS"],
        ],
        env=env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"load: {prepared.stderr.strip()}", flush=True)
    since = prepared.stdout.strip().splitlines()[-1]
    args = shlex.split(os.environ.get("LOAD_GUNICORN_ARGS", f"-c {ROOT / 'gunicorn.conf.py'}"))
    gunicorn = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
        [str(BIN / "gunicorn"), *args, "--bind", f"127.0.0.1:{PORT}", "headwise.wsgi:application"],
        env=env(),
        cwd=ROOT,
        stdout=open(OUT / "gunicorn.log", "w"),  # noqa: SIM115 - lives as long as the server
        stderr=subprocess.STDOUT,
    )
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    pg_master, _ = postgres_processes()
    pg_before = (
        cpu(pg_master, children=True) + sum(cpu(c) for c in pg_master.children()) if pg_master else 0.0
    )
    sampler = Sampler(gunicorn.pid)
    sampler.sample()
    sampler.start()
    print(f"load: locust -u {USERS} -r {RATE} -t {TIME} against {' '.join(args)}", flush=True)
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - the venv's locust
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--headless",
            "-u",
            USERS,
            "-r",
            RATE,
            "-t",
            TIME,
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(OUT / "locust"),
            "--only-summary",
        ],
        env=env(),
        cwd=ROOT,
        check=False,
    )
    elapsed = time.monotonic() - started
    sampler.sample()
    pg_after = cpu(pg_master, children=True) + sum(cpu(c) for c in pg_master.children()) if pg_master else 0.0
    sampler.stop.set()
    gunicorn.send_signal(signal.SIGTERM)
    try:
        gunicorn.wait(timeout=90)
    except subprocess.TimeoutExpired:
        gunicorn.kill()
        gunicorn.wait()
    check = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "load" / "check.py"), str(log), since],
        env=env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    verdict = (
        json.loads(check.stdout.strip().splitlines()[-1]) if check.stdout.strip() else {"error": check.stderr}
    )
    with open(OUT / "locust_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = int(total["Request Count"]) or 1  # per-request figures of an empty run stay finite
    app_cpu = sum(sampler.app_cpu[p] - sampler.app_first[p] for p in sampler.app_cpu)
    db_cpu = sum(sampler.db_cpu[p] - sampler.db_first[p] for p in sampler.db_cpu)
    report = {
        "gunicorn": " ".join(args),
        "users": USERS,
        "seconds": round(elapsed, 1),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "app_cpu_ms_per_request": round(1000 * app_cpu / requests, 1),
        "db_cpu_ms_per_request_sampled": round(1000 * db_cpu / requests, 1),
        "postgres_server_cpu_ms_per_request": round(1000 * (pg_after - pg_before) / requests, 1),
        "worker_rss_mib": sorted(round(v / 2**20) for v in sampler.rss_peak.values()),
        "writes_since": since,
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "check": verdict,
        "types": [
            {
                "name": r["Name"],
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p50": r["50%"],
                "p95": r["95%"],
                "p99": r["99%"],
            }
            for r in rows
            if r["Name"] != "Aggregated"
        ],
    }
    (OUT / "report.json").write_text(json.dumps(report, indent=2))
    print("\n| request | n | fail | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|")
    for t in report["types"]:
        print(f"| {t['name']} | {t['requests']} | {t['failures']} | {t['p50']} | {t['p95']} | {t['p99']} |")
    all_row = (report["requests"], report["failures"], total["50%"], total["95%"], total["99%"])
    print("| **all** | " + " | ".join(str(v) for v in all_row) + " |")
    for key in (
        "gunicorn",
        "seconds",
        "rps",
        "app_cpu_ms_per_request",
        "db_cpu_ms_per_request_sampled",
        "postgres_server_cpu_ms_per_request",
        "worker_rss_mib",
        "load_average_after",
        "check",
    ):
        print(f"{key}: {report[key]}")
    # No request answered (a server that never came up) is a failed run, not a clean one.
    failed = report["failures"] > 0 or report["requests"] == 0 or verdict.get("problem_count", 1) > 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
