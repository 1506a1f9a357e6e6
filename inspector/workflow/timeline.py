"""The case timeline: append-only events, each digest keyed (HMAC-SHA256 with the audit key) and
chained to the previous event's digest; the case's anchor holds the authenticated head.

Why keyed: anyone with write access to the database could recompute a plain SHA-256 chain after
an edit. The audit key (INSPECTOR_AUDIT_KEY, or `instance/audit_key`) lives outside the database,
so an edited event, a recomputed chain or a cut tail no longer verifies. Events written before
revision 0003 keep their plain SHA-256 digests; the migration sealed each case's legacy head in
its anchor under the key (`CaseAnchor.legacy_count`). The digests here are pure, so `audit verify`
(workflow/audit.py) and the tests share them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..access.actor import Actor
from ..errors import ApiError
from ..extensions import db
from ..rows import insert_new
from ..timeutil import as_utc, utcnow
from .models import Case, CaseAnchor, CaseEvent, CaseEventFact

GENESIS = "0" * 64


def event_payload(
    case_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_role: str | None,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
    data: dict[str, Any] | None,
    photo_hashes: Sequence[str],
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "seq": seq,
        "at": as_utc(at).replace(tzinfo=None).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "action": action,
        "from": from_status,
        "to": to_status,
        "note": note,
        "data": data or {},
        "photos": list(photo_hashes),
    }


def event_digest(prev_hash: str, payload: dict[str, Any], key: bytes | None) -> str:
    """HMAC-SHA256 under the audit key; key None is the plain SHA-256 of events before 0003."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = (prev_hash + canonical).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def anchor_mac(key: bytes, case_id: int, count: int, head: str, legacy_count: int) -> str:
    """Authenticates a case's head; migration 0003 writes the same formula for existing cases."""
    message = f"anchor|{case_id}|{count}|{head}|{legacy_count}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    return str(current_app.config["AUDIT_KEY"]).encode()


def anchor_verifies(anchor: CaseAnchor, key: bytes) -> bool:
    expected = anchor_mac(
        key, anchor.case_id, anchor.event_count, anchor.head_hash, anchor.legacy_count
    )
    return hmac.compare_digest(expected, anchor.mac)


def payload_of(event: CaseEvent) -> dict[str, Any]:
    return event_payload(
        event.case_id,
        event.seq,
        event.at,
        event.actor_id,
        event.actor_role,
        event.action,
        event.from_status,
        event.to_status,
        event.note,
        event.data,
        [p.sha256 for p in sorted(event.photos, key=lambda p: p.position)],
    )


def append_event(
    case: Case,
    actor: Actor | None,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    photos: Iterable[Any] = (),
    at: datetime | None = None,
    new_case: bool = False,
    new_rows: Sequence[Any] = (),
) -> CaseEvent:
    """Add the next event of the case and move its anchor, in the caller's transaction.

    The next seq and previous digest come from the anchor, never from the last stored row: a
    timeline whose tail was cut keeps its gap (and the (case_id, seq) unique key still refuses a
    forked history). An anchor that does not verify refuses the append, so new evidence is never
    chained onto a history that may have been altered (and cannot launder it).

    `new_case`: the case row was inserted in this transaction (intake), so it can have neither
    anchor nor event yet (both reference it): the genesis anchor is made without reading, and
    the anchor, the event, its photos and fact are written by `rows.insert_new`, after
    `new_rows` (intake's report, which the photos name), not by the unit of work.
    """
    key = audit_key()
    if new_case:
        if case.id is None:
            db.session.flush()  # the case needs its id
        anchor = _genesis(case)
    else:
        db.session.add_all(new_rows)  # written by the flushes below, as any row
        anchor = _verified_anchor(case, key)
    seq, prev = anchor.event_count + 1, anchor.head_hash
    at = at or utcnow()
    photos = list(photos)
    for position, photo in enumerate(photos):
        photo.position = position
    payload = event_payload(
        case.id,
        seq,
        at,
        actor.account_id if actor else None,
        actor.role if actor else None,
        action,
        from_status,
        to_status,
        note,
        data,
        [p.sha256 for p in photos],
    )
    event = CaseEvent(
        case_id=case.id,
        seq=seq,
        at=at,
        actor_id=payload["actor_id"],
        actor_role=payload["actor_role"],
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        prev_hash=prev,
        hash=event_digest(prev, payload, key),
    )
    event.photos = photos
    fact = CaseEventFact.of(event)  # the statistics' columns of it (models.py)
    anchor.event_count, anchor.head_hash = seq, event.hash
    anchor.mac = anchor_mac(key, case.id, seq, event.hash, anchor.legacy_count)
    if new_case:
        insert_new([*new_rows, anchor, event, *photos, fact])
    else:
        db.session.add_all([event, fact])
    db.session.flush()
    return event


def _verified_anchor(case: Case, key: bytes) -> CaseAnchor:
    """The case's anchor, verified; a genesis one (added) for a case with no event yet."""
    if (anchor := _anchor_of(case)) is None:
        if db.session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id).limit(1)):
            raise _unverifiable(case)
        anchor = _genesis(case)
        db.session.add(anchor)
    elif not anchor_verifies(anchor, key):
        raise _unverifiable(case)
    return anchor


def _genesis(case: Case) -> CaseAnchor:
    """The anchor of a case without events: nothing chained yet."""
    return CaseAnchor(case_id=case.id, event_count=0, head_hash=GENESIS, legacy_count=0)


def _anchor_of(case: Case) -> CaseAnchor | None:
    db.session.flush()  # the case needs its id
    return db.session.get(CaseAnchor, case.id)


def _unverifiable(case: Case) -> ApiError:
    return ApiError(
        409,
        "timeline_unverifiable",
        f"案件 {case.number} 的流水锚点校验失败(被改动、缺失或审计密钥不符),已停止追加,请运行 "
        f"audit verify / the timeline anchor of case {case.number} does not verify (altered, "
        "missing or a different INSPECTOR_AUDIT_KEY); nothing appended, run `audit verify`",
    )
