"""JSON log lines, one object per line, each carrying the request id, the actor and the case.

Several hosts write logs that a collector merges; a request is followed across nginx, the app
and the job worker by its id: `X-Request-ID` from the caller (nginx sets `$request_id`) is kept
when it looks like an id, otherwise one is made; it is echoed in the answer. Each request ends
with one `request` line (method, path, status, duration). Services name the case a request is
about with `note_case` (case actions, intake), so a complaint about case 2026112800042 finds its
lines. INSPECTOR_LOG_FORMAT=text keeps Flask's plain lines (development).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ROOT = "inspector"
_MARK = "_inspector_json"


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def note_case(number: str | None) -> None:
    """Name the case this request is about (its number goes into every later line)."""
    if number and has_request_context():
        g.case_number = number


def _context() -> dict[str, object]:
    if not has_request_context():
        return {}
    fields: dict[str, object] = {"request_id": g.get("request_id")}
    actor = g.get("actor")
    if actor is not None and not actor.anonymous:
        fields["actor"] = actor.username or actor.account_id
        fields["role"] = actor.role
    if g.get("case_number"):
        fields["case"] = g.case_number
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line; `extra=` fields and the request context are merged in."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(_context())
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and test capture replace it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # noqa: ANN001
        pass


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    elapsed = (time.perf_counter() - started) * 1000 if started else None
    logging.getLogger(f"{ROOT}.request").info(
        "request",
        extra={
            "fields": {
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(elapsed, 1) if elapsed is not None else None,
            }
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Register first, so the id exists before anything else of the request logs."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    if str(app.config.get("LOG_FORMAT", "json")).lower() != "json":
        return
    logger = logging.getLogger(ROOT)
    if not any(getattr(h, _MARK, False) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _MARK, True)
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
