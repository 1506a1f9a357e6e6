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

A claim whose process died (SIGKILL, OOM, a crashed host) has no answer and nobody to release it.
On PostgreSQL the view's transaction holds the record's row lock while it runs: a retry that can
take the lock at once (NOWAIT) knows the claimant is gone, with its work rolled back, and takes
the claim over. Before, such a key answered 409 for ten minutes (a fault run's dispatches kept
retrying for that long). Each claim is known by its `created_at`: a takeover moves it, so the
first claimant, if it was only slow to take its lock, finds the claim no longer its own and
answers 409 without running the view, and its release cannot delete the new claim. SQLite has no
row locks (and one writer at a time): there a claim is taken over once it is `STALE_AFTER` old.
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
from sqlalchemy.exc import IntegrityError, OperationalError

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


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a NOWAIT lock that someone holds


def _in_progress() -> ApiError:
    return ApiError(
        409,
        "idempotency_in_progress",
        "相同请求正在处理中,请稍后重试 / The same request is still in progress, retry later",
        headers={"Retry-After": "2"},
    )


def _claim(scope: str, key: str, digest: str) -> tuple[int, datetime] | Response:
    """Insert the record (committed at once) or answer from the one already there. A claim is
    (record id, its created_at): the token that tells this claim from a later takeover."""
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
        now = utcnow()
        try:
            if commit_step(partial(_take_over, found.id, now)):
                return found.id, now
        except OperationalError as exc:
            if _sqlstate(exc) != LOCK_NOT_AVAILABLE:
                raise
        raise _in_progress()  # its claimant is at work (or, on SQLite, not yet stale)
    raise _in_progress()


def _insert(scope: str, key: str, digest: str) -> tuple[int, datetime]:
    record = IdempotencyRecord(scope=scope, key=key, request_hash=digest)
    db.session.add(record)
    db.session.flush()
    return record.id, record.created_at


def _row_locks() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _sqlstate(exc: OperationalError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _take_over(record_id: int, now: datetime) -> bool:
    """Own an unanswered claim whose claimant is gone (see module doc). Atomic either way: on
    PostgreSQL the row lock, taken NOWAIT (a claimant at work holds it: OperationalError
    55P03), then moving created_at; on SQLite one UPDATE of a claim older than STALE_AFTER."""
    unanswered = (IdempotencyRecord.id == record_id, IdempotencyRecord.status_code.is_(None))
    if _row_locks():
        held = db.session.execute(
            select(IdempotencyRecord.id).where(*unanswered).with_for_update(nowait=True)
        ).first()
        if held is None:  # answered or released meanwhile: the client's next retry sees which
            return False
    else:
        unanswered += (IdempotencyRecord.created_at < now - STALE_AFTER,)
    result = db.session.execute(update(IdempotencyRecord).where(*unanswered).values(created_at=now))
    return result.rowcount == 1


def _hold(record_id: int, token: datetime) -> None:
    """Start the view's transaction with the claim's row lock (PostgreSQL), held until the
    request owner commits or rolls back, or the connection dies with its process; 409 when a
    retry took the claim over before this request got to it."""
    if not _row_locks():
        return
    try:
        held = db.session.execute(
            select(IdempotencyRecord.id)
            .where(IdempotencyRecord.id == record_id, IdempotencyRecord.created_at == token)
            .with_for_update(nowait=True)
        ).first()
    except OperationalError as exc:
        if _sqlstate(exc) != LOCK_NOT_AVAILABLE:
            raise
        held = None  # a retry holds it: it took the claim over
    if held is None:
        raise _in_progress()


def _release(record_id: int, token: datetime) -> None:
    """Forget an unanswered claim (runs after the request's work was rolled back), only while
    it is still this request's: a takeover's claim is someone else's."""
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.id == record_id,
            IdempotencyRecord.status_code.is_(None),
            IdempotencyRecord.created_at == token,
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
        record_id, token = claimed
        on_rollback(lambda: _release(record_id, token))
        _hold(record_id, token)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:  # otherwise the owner rolls back and the key is released
            _store(record_id, response)
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
