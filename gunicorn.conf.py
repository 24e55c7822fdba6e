"""gunicorn's settings for Headwise: ``gunicorn -c gunicorn.conf.py headwise.wsgi:application``.

Threads (``gthread``), not one request per process: a sign-in spends tens of milliseconds in
Argon2 (C code that releases the GIL) and a request waits on the database, so while one thread
does that the other threads of the same process serve diary writes. A burst of sign-ins no
longer holds every worker. Each process keeps a database pool as large as its threads
(headwise/common/dbconfig.py), so no thread waits for a connection.

Environment: ``GUNICORN_WORKERS`` (default: cores + 1), ``GUNICORN_THREADS`` (default 4),
``GUNICORN_BIND`` (default 127.0.0.1:8000), ``GUNICORN_TIMEOUT`` (default 30 s).
See docs/deployment.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# No keep-alive: gthread's keep-alive has a known race that resets a connection the client is
# about to reuse (gunicorn issues #1698, #2676; seen here as "Connection reset by peer" in the
# load run). The reverse proxy in front keeps the clients' connections alive instead.
keepalive = 0
# Recycle a worker now and then so that a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# The app is imported in each worker (no preload): no connection or pool crosses a fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"

# One pool connection per thread, unless told otherwise.
os.environ.setdefault("DATABASE_POOL_MAX", str(threads))
os.environ.setdefault("DATABASE_POOL_MIN", str(min(2, threads)))


def post_worker_init(worker: object) -> None:
    """Pay Django's first-request costs before the worker takes its first request.

    Django imports the URLconf, and with it every view module and the statistics stack they
    import (NumPy, SciPy, statsmodels, matplotlib: about a second of CPU), compiles templates and
    regular expressions and opens the database pool on the first requests a worker serves.
    Without this, the burst of sign-ins at the start of a busy morning pays for it
    (:mod:`headwise.common.warmup`; docs/performance.md).
    """
    from headwise.common.warmup import warm_up

    warm_up()
