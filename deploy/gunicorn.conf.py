"""gunicorn settings for Inspector behind nginx (deploy/nginx/inspector.conf), one per host.

Slow phone uploads never reach gunicorn slowly: nginx buffers each request body whole
(`proxy_request_buffering on`) and each answer (`proxy_buffering on`), so a worker is busy only
for the work itself. Intake is CPU-bound (multipart parsing, hashing, EXIF) with some waiting
(PostgreSQL, fsync or S3), hence processes for the cores and a few threads each.
"""

import multiprocessing
import os

from inspector.memory import keep_large_blocks

# Photo bodies are megabytes: keep freed buffers for the next request instead of faulting them in
# again (inspector/memory.py). Set in the master, inherited by every worker it forks.
keep_large_blocks()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Build the app and the grid index once in the master (wsgi.py): workers fork with it in memory
# (copy-on-write), so a worker respawned after a crash answers its first request at once.
preload_app = os.environ.get("GUNICORN_PRELOAD", "on") != "off"
# A request may take this long (a 9-photo upload on a busy host); nginx waits 90 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (upstream keepalive)
# Recycle workers now and then: image decoding leaves fragmented heaps behind.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
limit_request_line = 8190
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None  # the app logs JSON request lines
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):  # noqa: ANN001, ARG001
    """Each worker opens its own database connections (SQLAlchemy's fork recipe); wsgi.py
    already emptied the pool before the fork, this keeps it so if start-up code changes."""
    if not server.cfg.preload_app:
        return
    from inspector.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
