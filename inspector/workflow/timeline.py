"""The case timeline: append-only events, each hashed together with the previous event's hash.

`event_digest` and `verify_chain` are pure, so `audit verify` and the tests share them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..access.actor import Actor
from ..extensions import db
from ..timeutil import as_utc, utcnow
from .models import Case, CaseEvent

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


def event_digest(prev_hash: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


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
) -> CaseEvent:
    """Add the next event of the case; the (case_id, seq) unique key refuses a forked history."""
    db.session.flush()  # the case needs its id
    last = db.session.execute(
        select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
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
        hash=event_digest(prev, payload),
    )
    event.photos = photos
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    case_id: int
    seq: int
    problem: str


def verify_chain(
    case_id: int, events: Sequence[tuple[int, str, str, dict[str, Any]]]
) -> list[ChainProblem]:
    """events: (seq, prev_hash, hash, payload) in seq order. Finds edits, gaps and re-linking."""
    problems = []
    prev = GENESIS
    for expected_seq, (seq, prev_hash, stored, payload) in enumerate(events, start=1):
        if seq != expected_seq:
            problems.append(ChainProblem(case_id, seq, f"sequence gap: expected {expected_seq}"))
        if prev_hash != prev:
            problems.append(ChainProblem(case_id, seq, "prev_hash does not match previous event"))
        if event_digest(prev_hash, payload) != stored:
            problems.append(ChainProblem(case_id, seq, "content does not match its hash"))
        prev = stored
    return problems


def verify_all() -> list[ChainProblem]:
    """Check every case's chain (used by `flask --app inspector audit verify`)."""
    problems: list[ChainProblem] = []
    case_ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    for case_id in case_ids:
        events = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
        problems += verify_chain(
            case_id, [(e.seq, e.prev_hash, e.hash, payload_of(e)) for e in events]
        )
    orphans = db.session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id.not_in(select(Case.id)))
    )
    if orphans:
        problems.append(ChainProblem(0, 0, f"{orphans} events belong to no case"))
    return problems
