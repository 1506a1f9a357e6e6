"""Background jobs: on RQ when INSPECTOR_REDIS_URL is set, otherwise in-process after the answer.

A use case asks for work with `later(name, *args)` while it runs; nothing is sent until the
request's transaction has committed (the rows the job reads must exist), and nothing at all
when the answer is an error (its work was rolled back). Then:
  - with Redis: each job goes to the RQ queue `JOBS_QUEUE`; `flask --app inspector jobs worker`
    runs them on any host (deploy/inspector-jobs.service);
  - without Redis (embedded default): they run in this process once the answer has been sent
    (`Response.call_on_close`), so the phone does not wait for them.
A job that never runs (Redis down, process killed) loses nothing: jobs only compute what can be
computed again, and `photos derive` (cron, `tick` timer) catches up on photos without pHash.

Jobs are named in `JOBS` (dotted paths, so this module imports no domain code) and own their
transaction, like CLI commands: commit on success, roll back on failure.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context

from .extensions import db
from .logs import request_id

log = logging.getLogger(__name__)
_PENDING = "_inspector_jobs"

JOBS: dict[str, str] = {
    "after_intake": "inspector.reports.jobs:after_intake",
}


def later(name: str, *args: Any) -> None:  # noqa: ANN401 - job arguments (ints, strings)
    """Run job `name` once this request has committed (see module doc). Outside a request
    (CLI, tests calling services) nothing is scheduled: those callers run what they need."""
    if name not in JOBS:
        raise KeyError(name)
    if has_request_context():
        g.setdefault(_PENDING, []).append((name, args))


def _function(name: str) -> Callable[..., None]:
    module, attr = JOBS[name].split(":")
    return getattr(importlib.import_module(module), attr)


def warm() -> None:
    """Import every job's module now (the worker, before it forks a work horse per job)."""
    for name in JOBS:
        _function(name)


def run(name: str, *args: Any, origin_request: str | None = None) -> None:  # noqa: ANN401
    """Run a job in the current app context, owning its transaction. RQ calls this by path."""
    try:
        _function(name)(*args)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception(
            "job %s%r failed", name, args, extra={"fields": {"origin_request": origin_request}}
        )
        raise
    finally:
        db.session.remove()


def queue(app: Flask):  # noqa: ANN201 - an rq.Queue
    """One queue per app and process: its Redis client keeps a pool of open connections (a new
    client per request cost each photo report a TCP connect). redis-py drops a pool inherited
    across a fork, so a queue made before gunicorn forks its workers is still safe."""
    jobs = app.extensions.get("inspector_jobs_queue")
    if jobs is None:
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(app.config["REDIS_URL"])
        jobs = Queue(app.config["JOBS_QUEUE"], connection=connection)
        app.extensions["inspector_jobs_queue"] = jobs
    return jobs


def warm_queue(app: Flask) -> None:
    """Make the queue and talk to Redis once at start-up (wsgi.py, before gunicorn forks), so
    no worker pays for importing rq and redis-py's lazily imported modules on its first
    report: ~0.3 s of CPU per worker in a surge's first seconds (bench/README.md). Redis may
    be down now: the first report tries again (and falls back, see `_dispatch`)."""
    if not app.config.get("REDIS_URL"):
        return
    try:
        queue(app).connection.ping()
    except Exception:  # noqa: BLE001 - start-up goes on; each report reports its own failure
        log.warning("Redis did not answer at start-up; jobs are queued once it does")


def _dispatch(response: Response) -> Response:
    pending = g.pop(_PENDING, [])
    if not pending or response.status_code >= 400:
        return response
    app = current_app._get_current_object()
    rid = request_id()
    if app.config.get("REDIS_URL"):
        try:
            jobs = queue(app)
            for name, args in pending:
                jobs.enqueue(run, name, *args, origin_request=rid, job_timeout=300)
            return response
        except Exception:  # noqa: BLE001 - the answer stands; `photos derive` catches up
            log.exception("could not enqueue %d jobs; running them here", len(pending))

    def run_here() -> None:
        for name, args in pending:
            # Logged in run(); the next job still runs.
            with app.app_context(), contextlib.suppress(Exception):
                run(name, *args, origin_request=rid)

    response.call_on_close(run_here)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_dispatch)
