"""gunicorn for `make serve` and production: one worker per CPU unless WEB_CONCURRENCY says otherwise."""

import gc
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
# Pages are rendered by Python, which holds one core per process: more workers than cores only queue.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Recycled now and then, so that a slow leak never grows without bound.
max_requests = 20000
max_requests_jitter = 2000
# The app is imported once, in the master, and each worker forked from it: a recycled worker answers at once
# instead of importing Django and the project for a second while its share of requests waits (a cached
# page's p99 of 0.7 to 1.1 s in the benchmark). Nothing opens a database or cache connection at import.
preload_app = True
accesslog = os.environ.get("ACCESS_LOG") or None
wsgi_app = "config.wsgi:application"


# The preloaded app's objects are frozen before each fork (the gc module's advice for a process that forks
# without exec): a worker's collections then skip the hundred thousand objects it shares with the master. A
# worker's first full collection otherwise walked them all, copying every page it touched (87 to 168 ms,
# measured on a fork of the preloaded app; 3 ms frozen), and stalled the requests it had just taken: cached
# pages' p99 of 126 to 285 ms in the benchmark, with a worker recycled every few seconds.
def pre_fork(server, worker):
    """gunicorn's hook in the master before it forks a worker: freezes what the master holds (gc.freeze)."""
    gc.freeze()
