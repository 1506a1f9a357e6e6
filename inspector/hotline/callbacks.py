"""12345 回访: a reproducible random sample of closed hotline cases to call back, weighted to
the recent months, and each call's outcome in the case timeline (an unsatisfied answer opens a
follow-up case: the ticket's problem is not solved in the caller's eyes).

Sampling is weighted without replacement (Efraimidis-Spirakis: key = u^(1/w), keep the largest
keys), drawn from a `random.Random(seed)` over the candidates in id order, so the same seed and
the same closed cases give the same list. Without a seed one is drawn and returned, so any
list can be drawn again and shown to an inspector.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from random import Random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access.actor import Actor
from ..errors import ApiError, invalid, not_found
from ..extensions import db
from ..grid.service import location_of_grid
from ..timeutil import CHINA, as_utc, iso_local
from ..workflow.models import Case, CaseEvent
from ..workflow.service import claim
from ..workflow.timeline import append_event
from .service import SOURCE, Ticket, open_ticket_case

OUTCOMES = {
    "satisfied": "满意",
    "basically": "基本满意",
    "unsatisfied": "不满意",
    "unreachable": "无法联系",
}
RECENT_MONTHS = 3  # "weighted to the last three" (domain.md, 12345 practice)
RECENT_WEIGHT = 2.0  # a case closed in the last three months is twice as likely to be drawn


def months_before(now: datetime, months: int) -> datetime:
    """Midnight China time of the same day `months` calendar months earlier (day clamped)."""
    local = as_utc(now).astimezone(CHINA)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    next_first = datetime(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_first - datetime(year, month, 1)).days
    day = min(local.day, last_day)
    return as_utc(datetime(year, month, day, tzinfo=CHINA))


def sample(now: datetime, size: int, months: int, seed: int | None) -> dict[str, Any]:
    seed = secrets.randbelow(2**31) if seed is None else seed
    since = months_before(now, months)
    recent = months_before(now, min(RECENT_MONTHS, months))
    candidates = db.session.scalars(
        select(Case)
        .where(
            Case.source == SOURCE,
            Case.status == "closed",
            Case.closed_at >= since,
            Case.closed_at <= as_utc(now),
        )
        .options(selectinload(Case.unit), selectinload(Case.category))
        .order_by(Case.id)
    ).all()
    rng = Random(seed)
    keyed = []
    for case in candidates:
        weight = RECENT_WEIGHT if as_utc(case.closed_at) >= recent else 1.0
        keyed.append((rng.random() ** (1.0 / weight), case.id, case))
    chosen = [c for _, _, c in sorted(keyed, key=lambda k: (-k[0], k[1]))[:size]]
    chosen.sort(key=lambda c: (as_utc(c.closed_at), c.id), reverse=True)
    called = _last_outcomes([c.id for c in chosen])
    return {
        "seed": seed,
        "size": size,
        "months": months,
        "from": iso_local(since),
        "recent_from": iso_local(recent),
        "population": len(candidates),
        "items": [_item(c, as_utc(c.closed_at) >= recent, called.get(c.id)) for c in chosen],
    }


def _last_outcomes(case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    events = db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action == "callback")
        .order_by(CaseEvent.case_id, CaseEvent.seq)
    ).all()
    return {e.case_id: e.data.get("outcome") for e in events}


def _item(case: Case, recent: bool, outcome: str | None) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "number": case.number,
        "ticket_no": case.ticket_no,
        "closed_at": iso_local(case.closed_at),
        "recent": recent,
        "unit_code": case.unit.code if case.unit else None,
        "category_name": case.category.name if case.category else None,
        "description": case.description,
        "address": case.address,
        "callback_outcome": outcome,
    }


def record(actor: Actor, case_id: int, outcome: str, note: str | None, now: datetime) -> dict:
    """The outcome of one call, in the case timeline; unsatisfied opens a follow-up case."""
    if outcome not in OUTCOMES:
        raise invalid("回访结果无效 / unknown outcome", field="outcome", allowed=list(OUTCOMES))
    case = db.session.get(Case, case_id)
    if case is None or case.source != SOURCE:
        raise not_found("12345工单案件 / Hotline case")
    if case.status != "closed":
        raise ApiError(
            409, "not_closed", "只能回访已办结的工单 / only closed tickets are called back"
        )
    claim(case)
    data: dict[str, Any] = {
        "outcome": outcome,
        "outcome_name": OUTCOMES[outcome],
        "satisfied": outcome in ("satisfied", "basically"),
    }
    follow_up = None
    if outcome == "unsatisfied":
        follow_up = _follow_up(actor, case, note, now)
        data["follow_up_case_id"] = follow_up.id
        data["follow_up_case_number"] = follow_up.number
    append_event(case, actor, "callback", case.status, case.status, note, data, at=now)
    db.session.flush()
    return {"case_id": case.id, **data, "note": note}


def _follow_up(actor: Actor, case: Case, note: str | None, now: datetime) -> Case:
    ticket = Ticket(
        ticket_no=None,  # the follow-up is ours, not a platform ticket
        accepted_at=now,
        text=f"12345回访不满意(原案件 {case.number}):{note or ''}".rstrip(":"),
        address=case.address,
        lat=case.lat,
        lon=case.lon,
        category=case.category,
        category_text=None,
    )
    location = location_of_grid(case.grid_id)
    return open_ticket_case(
        actor,
        ticket,
        location,
        now,
        extra={"follow_up_of": case.id, "original_ticket_no": case.ticket_no},
    )
