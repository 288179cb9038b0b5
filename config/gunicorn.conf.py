"""gunicorn for `make serve` and production: one worker per CPU unless WEB_CONCURRENCY says otherwise."""

import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
# Pages are rendered by Python, which holds one core per process: more workers than cores only queue.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Recycled now and then, so that a slow leak never grows without bound.
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get("ACCESS_LOG") or None
wsgi_app = "config.wsgi:application"
