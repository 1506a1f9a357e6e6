"""Missed patrols in the periodic job (`tick`): record each missed slot once and tell the
assignee and the plan's author through the notifications.

Connected to `sla.jobs.tick_ran` (the app factory imports this module). Idempotent: a miss is a
row unique by (plan, slot); a second tick finds it and does nothing, and two ticks at the same
moment race on the unique key, the loser rolls back before its notices are committed. Each miss
is committed on its own, like tick's cases.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..sla.jobs import tick_ran
from ..sla.models import Notification
from ..timeutil import as_utc
from .models import PatrolMiss, PatrolPlan
from .present import schedule_text
from .queries import SlotState, plans_active, slot_states
from .schedule import china_day
from .service import is_workday, target_name

log = logging.getLogger(__name__)

# How far back `tick` looks for ended slots: a week covers a whole-week slot and a tick that did
# not run for days. Older misses still count in lists and indicators; they are not announced.
LOOKBACK = timedelta(days=8)


@tick_ran.connect
def _on_tick(_sender: object, now: datetime) -> dict[str, int]:
    return {"patrols_missed_notified": detect_missed(now)}


def detect_missed(now: datetime) -> int:
    """Announce every slot that ended (by `now`, within LOOKBACK) without a check-in. Commits per
    miss; answers how many were announced by this run."""
    now = as_utc(now)
    first, last = china_day(now - LOOKBACK), china_day(now)
    states = slot_states(plans_active(true(), first, last), first, last, is_workday)
    missed = [s for s in states if s.status(now) == "missed" and s.slot.ends_at > now - LOOKBACK]
    if not missed:
        return 0
    known = set(
        db.session.execute(
            select(PatrolMiss.plan_id, PatrolMiss.slot_date).where(
                PatrolMiss.plan_id.in_({s.plan.id for s in missed}),
                PatrolMiss.slot_date >= min(s.slot.first for s in missed),
            )
        ).all()
    )
    announced = 0
    for state in missed:
        if (state.plan.id, state.slot.first) in known:
            continue
        try:
            _announce(state, now)
            db.session.commit()
        except (IntegrityError, OperationalError) as exc:
            db.session.rollback()
            log.info(
                "tick: patrol miss %s/%s already announced (%s)",
                state.plan.id,
                state.slot.first,
                type(exc).__name__,
            )
            continue
        announced += 1
    return announced


def _announce(state: SlotState, now: datetime) -> None:
    plan: PatrolPlan = state.plan
    miss = PatrolMiss(plan_id=plan.id, slot_date=state.slot.first, detected_at=now)
    db.session.add(miss)
    db.session.flush()  # the unique key decides the race before any notice is written
    days = state.slot.first.isoformat()
    if state.slot.last != state.slot.first:
        days = f"{days} 至 {state.slot.last.isoformat()}"
    who = plan.assignee.display_name or plan.assignee.username
    text = (
        f"漏巡:{who} 未在 {days} 完成 {target_name(plan)} 的巡查({schedule_text(plan)}) / "
        f"missed patrol: {plan.assignee.username} did not check in at "
        f"{target_name(plan)} on {state.slot.first.isoformat()}"
    )
    recipients = [plan.assignee_id]
    if plan.created_by_id and plan.created_by_id != plan.assignee_id:
        recipients.append(plan.created_by_id)
    for account_id in recipients:
        db.session.add(
            Notification(
                kind="patrol_missed",
                recipient="account",
                account_id=account_id,
                patrol_miss_id=miss.id,
                message=text,
                created_at=now,
            )
        )
    db.session.flush()
