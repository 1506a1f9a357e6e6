"""Safe retries: a POST carrying `Idempotency-Key` runs once; a retry gets the first answer.

Phones on flaky networks resend. The record is inserted and committed *before* the view runs (a
step owned by the request owner, `http.commit_step`), so the unique constraint (scope, key)
decides between two copies arriving at once on two processes: the loser never runs the view. The
answer is stored in the view's own transaction, so the request owner commits it with the work, or
neither. Then:
  - same key, same request, first one finished  -> the stored answer, header `Idempotent-Replayed`;
  - same key, first one still running            -> 409 `idempotency_in_progress` (retry later);
  - same key, different request                  -> 422 `idempotency_key_reused`.
A request whose work is rolled back (the view raises or answers 4xx/5xx, or the commit loses a
race) releases the key (`http.on_rollback`): it changed nothing, so a retry runs.
Order on a view: `@blp.route` / `@require_roles` / `@idempotent` / `@blp.arguments`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial, wraps
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ApiError, invalid
from ..extensions import db
from ..http import commit_step, on_rollback
from ..timeutil import utcnow
from .auth import current_actor
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
# Long enough to be unguessable (a UUID is 36): anonymous callers share one scope per endpoint.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_\-:.]{16,120}$")
# A claim older than this without an answer belongs to a process that died; a retry may take it.
STALE_AFTER = timedelta(minutes=10)
KEEP_FOR = timedelta(hours=48)


def request_digest() -> str:
    """What makes two requests "the same": method, path and query, and the body's content.

    Multipart bodies are hashed field by field (a resent upload gets a new boundary) and JSON is
    hashed canonically (key order does not matter).
    """
    h = hashlib.sha256()
    h.update(f"{request.method} {request.full_path}\0".encode())
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in sorted(request.form.items(multi=True)):
            h.update(f"f:{name}={value}\0".encode())
        files = sorted(
            request.files.items(multi=True), key=lambda kv: (kv[0], kv[1].filename or "")
        )
        for name, storage in files:
            h.update(f"u:{name}:{storage.filename}:".encode())
            h.update(_file_digest(storage.stream))
    else:
        body = request.get_json(silent=True) if request.is_json else None
        if body is not None:
            h.update(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())
        else:
            h.update(request.get_data())
    return h.hexdigest()


def _file_digest(stream) -> bytes:
    """Hash an upload in chunks (nine 20 MB photos need not sit in memory twice), then rewind."""
    h = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        h.update(chunk)
    stream.seek(0)
    return h.digest()


def _scope() -> str:
    actor = current_actor()
    who = f"a{actor.account_id}" if not actor.anonymous else "anonymous"
    return f"{who}:{request.endpoint}"[:120]


def _replay(record: IdempotencyRecord) -> Response:
    body = record.response_body or ""
    response = Response(body, status=record.status_code, mimetype="application/json")
    if not body:
        response.mimetype = "text/plain"
    response.headers[REPLAY_HEADER] = "true"
    return response


def _claim(scope: str, key: str, digest: str) -> int | Response:
    """Insert the record (committed at once) or answer from the one already there."""
    for _attempt in range(3):
        try:
            return commit_step(lambda: _insert(scope, key, digest))
        except IntegrityError:
            pass  # commit_step rolled back; someone holds the key: look at their record
        found = db.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
        if found is None:
            continue  # the first one failed and released the key meanwhile: claim again
        if found.request_hash != digest:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "同一幂等键已用于不同的请求 / Idempotency-Key already used for a different request",
            )
        if found.status_code is not None:
            return _replay(found)
        if commit_step(partial(_take_over_stale, found.id, utcnow())):
            return found.id
        raise ApiError(
            409,
            "idempotency_in_progress",
            "相同请求正在处理中,请稍后重试 / The same request is still in progress, retry later",
            headers={"Retry-After": "2"},
        )
    raise ApiError(409, "idempotency_in_progress", "请稍后重试 / Retry later")


def _insert(scope: str, key: str, digest: str) -> int:
    record = IdempotencyRecord(scope=scope, key=key, request_hash=digest)
    db.session.add(record)
    db.session.flush()
    return record.id


def _take_over_stale(record_id: int, now: datetime) -> bool:
    """Atomic: only one retry can move an abandoned claim's clock forward and own it."""
    result = db.session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == record_id,
            IdempotencyRecord.status_code.is_(None),
            IdempotencyRecord.created_at < now - STALE_AFTER,
        )
        .values(created_at=now)
    )
    return result.rowcount == 1


def _release(record_id: int) -> None:
    """Forget an unanswered claim (runs after the request's work was rolled back)."""
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.id == record_id, IdempotencyRecord.status_code.is_(None)
        )
    )


def _store(record_id: int, response: Response) -> None:
    """Keep the answer in the view's transaction: committed with its work, or not at all."""
    db.session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id)
        .values(status_code=response.status_code, response_body=response.get_data(as_text=True))
    )


def idempotent(view: Callable) -> Callable:
    """Make a POST view safe to retry with an `Idempotency-Key` header (see module doc)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        key = key.strip()
        if not KEY_PATTERN.match(key):
            raise invalid(
                "Idempotency-Key 须为16–120位字母数字(建议UUID) / "
                "Idempotency-Key must be 16-120 letters, digits, '-', '_', ':' or '.' (a UUID)",
                field=HEADER,
            )
        claimed = _claim(_scope(), key, request_digest())
        if isinstance(claimed, Response):
            return claimed
        on_rollback(lambda: _release(claimed))
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:  # otherwise the owner rolls back and the key is released
            _store(claimed, response)
        return response

    wrapped.idempotent = True
    return wrapped


def purge_idempotency_records(now: datetime | None = None, keep: timedelta = KEEP_FOR) -> int:
    """Forget answers older than `keep` (call from the periodic job); flushes, the caller commits."""
    cutoff = (now or utcnow()) - keep
    result = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)
    )
    return result.rowcount
