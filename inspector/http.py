"""The owner of each request's transaction (as indico's request handler is): views never commit.

`OwnedApp.dispatch_request` runs the view, then commits when the answer is below 400 and rolls
back otherwise; an exception (ApiError, a lost race) reaches the error handlers, which roll back
through `rollback`. A commit that loses a race (unique key, stale version) raises
IntegrityError/StaleDataError, which the error handlers answer as 409 `conflict` - the same
answer as when a flush loses it. Services and views only flush.

Two kinds of work must not share the answer's fate, and are owned here as well:
  - `commit_step`: a short step committed at once, *before* the view's work (the
    Idempotency-Key claim, which other processes must see while the view runs);
  - `on_rollback`: a step that runs in a short transaction of its own after the request's work
    was rolled back (the failed-login counter under a 401, releasing an Idempotency-Key claim).
  - `apart`: one small write on a connection of its own, committed at once, which the
    request's transaction neither sees nor waits for (the day's case-number counter: held
    until the request commits, its row lock queued every intake behind the one before).
Jobs (`inspector/sla/jobs.py`, the background job runner `inspector/jobs.py`) and CLI commands
(`inspector/cli.py`) own their transactions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, has_app_context
from sqlalchemy import Connection, text

from .extensions import db
from .formdata import InspectorRequest
from .jsonio import OrjsonProvider

T = TypeVar("T")
log = logging.getLogger(__name__)
_STEPS = "_inspector_on_rollback"


class OwnedApp(Flask):
    """Flask whose every view runs in one transaction owned by the request (see module doc)."""

    request_class = InspectorRequest  # photo uploads parsed in memory (formdata.py)
    json_provider_class = OrjsonProvider  # answers encoded by orjson (jsonio.py)

    def dispatch_request(self) -> Any:  # noqa: ANN401 - whatever the view returns
        return finish(super().dispatch_request())


def finish(rv: Any) -> Response:  # noqa: ANN401
    """Commit the view's work when its answer is below 400; roll it back otherwise."""
    response = current_app.make_response(rv)
    if response.status_code < 400:
        db.session.commit()
        g.pop(_STEPS, None)  # committed: nothing to undo
    else:
        rollback()
    return response


def rollback() -> None:
    """Undo the request's work, then run the `on_rollback` steps, each committed on its own."""
    db.session.rollback()
    steps: list[Callable[[], None]] = g.pop(_STEPS, []) if has_app_context() else []
    for step in steps:
        try:
            step()
            db.session.commit()
        except Exception:  # one failed step must not hide the answer or skip the others
            db.session.rollback()
            log.exception("on_rollback step failed")


def on_rollback(step: Callable[[], None]) -> None:
    """Run `step` in a short transaction of its own if this request's work is rolled back."""
    g.setdefault(_STEPS, []).append(step)


def commit_step(work: Callable[[], T]) -> T:
    """Run `work` and commit it now, ahead of the view's work (which starts after it)."""
    try:
        result = work()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def apart(work: Callable[[Connection], T], *, wait_for_disk: bool = True) -> T:
    """Run `work` in a short transaction on another connection and commit it now, whatever
    becomes of the caller's transaction (see module doc). Keep it to rows nobody's transaction
    holds: the caller's own open transaction may not wait on it.

    `wait_for_disk=False` (PostgreSQL): the commit does not wait for its WAL flush. Only for work
    whose loss in a crash is harmless, e.g. a counter whose value matters only to a later commit:
    that commit's flush writes this one's WAL record, which comes before it, as well."""
    with db.engine.connect() as connection:
        if not wait_for_disk and connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL synchronous_commit = off"))
        result = work(connection)
        connection.commit()
    return result
