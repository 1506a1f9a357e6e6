"""`audit verify`: does the database still tell the story its timelines tell?

Three layers, each closing a way to rewrite history with write access to the database:
1. every case's chain: seq 1..n without gaps, each event linked to the previous digest, each
   digest recomputed (plain SHA-256 for the sealed legacy prefix, HMAC with the audit key after);
2. the anchor: event count and last digest under the key, so a cut tail or a dropped case
   anchor shows;
3. the rows the timeline decides: a case's status, unit, category, merge target, deadline,
   milestone times and counters are replayed from its events. Editing `case.status` without an
   event shows. Reports' ratings are held to their `rate` events by reports/audit.py.

The replay is pure (`replay`), so tests can state by hand what a timeline implies.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..timeutil import as_utc, iso_local
from .models import Case, CaseAnchor, CaseEvent
from .states import TERMINAL
from .timeline import GENESIS, anchor_verifies, audit_key, event_digest, payload_of


@dataclass(frozen=True)
class ChainProblem:
    case_id: int
    seq: int  # 0: the case as a whole (anchor, row fields, ratings)
    problem: str
    case_number: str | None = None
    kind: str = "chain"  # chain | anchor | row (case fields) | rating

    def describe(self) -> str:
        who = f"案件 case {self.case_number or '?'} (id {self.case_id})"
        where = f" 第 {self.seq} 条 event" if self.seq else ""
        return f"{who}{where}: {self.problem}"


@dataclass(frozen=True)
class ChainEvent:
    seq: int
    prev_hash: str
    hash: str
    payload: dict[str, Any]


def verify_chain(
    case_id: int, events: Sequence[ChainEvent], key: bytes, legacy_count: int = 0
) -> list[ChainProblem]:
    """events in seq order. Finds edits, gaps, re-linking and recomputed chains (without the key)."""
    problems = []
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(case_id, event.seq, f"sequence gap: expected {expected_seq}")
            )
        if event.prev_hash != prev:
            problems.append(
                ChainProblem(case_id, event.seq, "prev_hash does not match previous event")
            )
        event_key = None if event.seq <= legacy_count else key
        if not hmac.compare_digest(
            event_digest(event.prev_hash, event.payload, event_key), event.hash
        ):
            problems.append(
                ChainProblem(
                    case_id,
                    event.seq,
                    "内容与摘要不符(被改动,或用其他密钥重算)/ content does not match its keyed digest",
                )
            )
        prev = event.hash
    return problems


def verify_anchor(
    case_id: int, anchor: CaseAnchor | None, events: Sequence[ChainEvent], key: bytes
) -> list[ChainProblem]:
    """The stored head must be authentic and be the real last event: a cut tail shows here."""
    if anchor is None:
        return [ChainProblem(case_id, 0, "流水锚点缺失 / timeline anchor missing", kind="anchor")]
    if not anchor_verifies(anchor, key):
        return [
            ChainProblem(
                case_id, 0, "流水锚点被改动 / timeline anchor altered (MAC fails)", kind="anchor"
            )
        ]
    problems = []
    count = len(events)
    last = events[-1].hash if events else GENESIS
    if count != anchor.event_count:
        problems.append(
            ChainProblem(
                case_id,
                0,
                f"流水条数 {count} 与锚点记录的 {anchor.event_count} 不符(尾部被删?)/ "
                f"{count} events but the anchor counts {anchor.event_count} (tail cut?)",
                kind="anchor",
            )
        )
    elif last != anchor.head_hash:
        problems.append(
            ChainProblem(
                case_id,
                0,
                "最后一条流水与锚点不符 / last event is not the anchored head",
                kind="anchor",
            )
        )
    return problems


# ------------------------------------------------------------------ what a timeline implies


@dataclass
class Expected:
    """The case row as its timeline leaves it. None for a field: the timeline does not say."""

    status: str | None = None
    unit_code: str | None = None
    unit_known: bool = False
    category_code: str | None = None
    category_known: bool = False
    merged_into_id: int | None = None
    due_at: str | None = None  # iso_local, as the events record it
    due_known: bool = False
    filed_at: datetime | None = None
    dispatched_at: datetime | None = None
    rectified_at: datetime | None = None
    closed_at: datetime | None = None
    rework_count: int = 0
    return_count: int = 0
    escalation_level: int = 0


def replay(events: Sequence[CaseEvent]) -> Expected:
    """Walk the events the way workflow/service.py writes them (one rule per action)."""
    exp = Expected()
    for e in events:
        data, at = e.data or {}, as_utc(e.at)
        if "category_code" in data and e.action in ("report", "file"):
            exp.category_code, exp.category_known = data["category_code"], True
        if "due_at" in data:
            exp.due_at, exp.due_known = data["due_at"], True
        action = e.action
        if action == "report" and e.to_status == "filed" or action == "file":
            exp.filed_at = at
        elif action == "takeover":  # 逾期上交下一级 (sla/takeover.py): a new unit and clock
            exp.unit_code, exp.unit_known = data.get("unit_code"), True
            exp.dispatched_at = at
        elif action == "dispatch":
            exp.unit_code, exp.unit_known = data.get("unit_code"), True
            exp.dispatched_at, exp.filed_at = at, exp.filed_at or at
        elif action == "return":
            exp.return_count += 1
        elif action == "rectify":
            exp.rectified_at = at
        elif action == "check" and data.get("passed") is False:
            exp.rework_count += 1
            exp.rectified_at, exp.dispatched_at = None, at
        elif action == "reopen":
            exp.rework_count += 1
            exp.rectified_at, exp.closed_at, exp.dispatched_at = None, None, at
        elif action == "merge" and "into" in data:
            exp.merged_into_id = data["into"]
        elif action == "escalate" and "level" in data:
            exp.escalation_level = data["level"]
        if e.to_status in TERMINAL and e.from_status not in TERMINAL:
            exp.closed_at = at
        if e.to_status is not None:
            exp.status = e.to_status
    return exp


def same_time(a: datetime | None, b: datetime | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and as_utc(a) == as_utc(b))


def compare_case(case: Case, exp: Expected) -> list[str]:
    """Fields of the case row that differ from what its timeline says."""
    found: list[tuple[str, Any, Any]] = []
    if exp.status is not None and case.status != exp.status:
        found.append(("status", case.status, exp.status))
    if exp.unit_known and (case.unit.code if case.unit else None) != exp.unit_code:
        found.append(("unit", case.unit.code if case.unit else None, exp.unit_code))
    if not exp.unit_known and case.unit_id is not None:
        found.append(("unit", case.unit.code if case.unit else case.unit_id, None))
    if exp.category_known:
        code = case.category.code if case.category else None
        if code != exp.category_code:
            found.append(("category", code, exp.category_code))
    if case.merged_into_id != exp.merged_into_id:
        found.append(("merged_into_id", case.merged_into_id, exp.merged_into_id))
    if exp.due_known and iso_local(case.due_at) != exp.due_at:
        found.append(("due_at", iso_local(case.due_at), exp.due_at))
    for name in ("filed_at", "dispatched_at", "rectified_at", "closed_at"):
        stored, expected = getattr(case, name), getattr(exp, name)
        if not same_time(stored, expected):
            found.append((name, iso_local(stored), iso_local(expected)))
    for name in ("rework_count", "return_count", "escalation_level"):
        stored, expected = getattr(case, name) or 0, getattr(exp, name)
        if stored != expected:
            found.append((name, stored, expected))
    return [
        f"案件字段与流水不符 / case row disagrees with its timeline: "
        f"{name} = {stored!r}, 流水为 timeline says {expected!r}"
        for name, stored, expected in found
    ]


# ------------------------------------------------------------------ everything


def verify_all() -> list[ChainProblem]:
    """Check every case (`flask --app inspector audit verify` adds reports/audit.py's ratings)."""
    key = audit_key()
    problems: list[ChainProblem] = []
    cases = db.session.scalars(
        select(Case).order_by(Case.id).options(selectinload(Case.unit), selectinload(Case.category))
    ).all()
    anchors = {a.case_id: a for a in db.session.scalars(select(CaseAnchor))}
    for case in cases:
        events = db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.seq)
            .options(selectinload(CaseEvent.photos))
        ).all()
        chain = [ChainEvent(e.seq, e.prev_hash, e.hash, payload_of(e)) for e in events]
        anchor = anchors.get(case.id)
        legacy = anchor.legacy_count if anchor is not None and anchor_verifies(anchor, key) else 0
        found = verify_chain(case.id, chain, key, legacy)
        found += verify_anchor(case.id, anchor, chain, key)
        rows = compare_case(case, replay(events))
        found += [ChainProblem(case.id, 0, text, kind="row") for text in rows]
        problems += [replace(p, case_number=case.number) for p in found]
    orphans = db.session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id.not_in(select(Case.id)))
    )
    if orphans:
        problems.append(ChainProblem(0, 0, f"{orphans} events belong to no case"))
    return problems
