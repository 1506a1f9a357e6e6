"""逾期上交下一级: an overdue case passes to the unit of its subdistrict (镇/街道).

"到期后不拆的,由所在镇、街道负责整治": when a case is still overdue after its current unit was
escalated (督办) N times, or N hours (clock hours) after its due time, the periodic job
re-dispatches it to the responsible unit of the case's subdistrict zone (`Zone.unit_id` of
`Case.subdistrict_id`), with the reason in the timeline and a new due time from the category's
limit. The settings are the findings batch's when it sets either, else the category's; NULL on
both means never.

Race-safe like every case action: the job claims the case's version before it changes anything,
so a parallel tick (or a unit's 整改 at the same moment) leaves only one winner. Idempotent: a
case the subdistrict unit already holds is never taken over again. Both units get a notice
(kind `takeover`): the new one its deadline, the old one why the case left it.

Flushes only; the job owner (jobs.py) commits per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from ..categories.models import Category
from ..extensions import db
from ..findings.models import FindingBatch
from ..grid.models import Zone
from ..org.models import Unit
from ..timeutil import as_utc
from ..workflow.models import Case, CaseEvent
from ..workflow.service import claim
from ..workflow.signals import start_due_period
from ..workflow.states import CLOCK_RUNNING
from ..workflow.timeline import append_event
from .service import notify_takeover

ACTION = "takeover"
REASON = "逾期未整改,按规定由所在街道接手"


@dataclass(frozen=True)
class Setting:
    after_escalations: int | None
    after_hours: int | None
    source: str  # "batch" | "category"

    def json(self) -> dict[str, Any]:
        return {
            "setting": self.source,
            "after_escalations": self.after_escalations,
            "after_hours": self.after_hours,
        }


def _set(owner: Category | FindingBatch | None) -> bool:
    return owner is not None and (
        owner.takeover_after_escalations is not None or owner.takeover_after_hours is not None
    )


def setting_for(case: Case) -> Setting | None:
    """The batch's settings when it has any (a 问题清单 may be stricter), else the category's."""
    batch = db.session.get(FindingBatch, case.batch_id) if case.batch_id else None
    for owner, source in ((batch, "batch"), (case.category, "category")):
        if _set(owner):
            return Setting(owner.takeover_after_escalations, owner.takeover_after_hours, source)
    return None


def candidates(now: datetime) -> list[int]:
    """Overdue dispatched cases whose category or batch has a takeover setting (plain rows)."""
    configured = or_(
        Category.takeover_after_escalations.is_not(None),
        Category.takeover_after_hours.is_not(None),
        FindingBatch.takeover_after_escalations.is_not(None),
        FindingBatch.takeover_after_hours.is_not(None),
    )
    query = (
        select(Case.id)
        .join(Category, Category.id == Case.category_id)
        .outerjoin(FindingBatch, FindingBatch.id == Case.batch_id)
        .where(Case.status.in_(CLOCK_RUNNING), Case.due_at < now, configured)
        .where(Case.subdistrict_id.is_not(None))
        .order_by(Case.id)
    )
    return list(db.session.scalars(query))


def escalations_of_unit(case: Case) -> int:
    """督办 charged to the case's current unit (the job's and supervisors' alike)."""
    if case.unit is None:
        return 0
    return db.session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == "escalate")
        .where(CaseEvent.data["unit_code"].as_string() == case.unit.code)
    )


def subdistrict_unit(case: Case) -> Unit | None:
    zone = db.session.get(Zone, case.subdistrict_id) if case.subdistrict_id else None
    return zone.unit if zone is not None else None


def trigger(case: Case, setting: Setting, now: datetime) -> dict[str, Any] | None:
    """Why the case passes now ({"trigger": "escalations"|"hours", ...}), or None."""
    if not case.is_overdue(now):
        return None
    due = as_utc(case.due_at)
    if setting.after_hours is not None and as_utc(now) >= due + timedelta(
        hours=setting.after_hours
    ):
        return {"trigger": "hours", "hours_overdue": round((now - due) / timedelta(hours=1), 2)}
    if setting.after_escalations is not None:
        times = escalations_of_unit(case)
        if times >= setting.after_escalations:
            return {"trigger": "escalations", "escalations": times}
    return None


def take_over(case: Case, now: datetime) -> bool:
    """Re-dispatch the case to its subdistrict's unit when its setting says so. Flushes only."""
    now = as_utc(now)
    setting = setting_for(case)
    target = subdistrict_unit(case)
    if setting is None or target is None or target.id == case.unit_id:
        return False
    why = trigger(case, setting, now)
    if why is None:
        return False
    claim(case)  # one winner among parallel ticks and actions; the loser raises before writing
    old = case.unit
    case.unit = target
    case.dispatched_at = now
    limit = case.category
    due = start_due_period(case, now, limit.time_limit_value, limit.time_limit_unit)
    zone = db.session.get(Zone, case.subdistrict_id)
    detail = (
        f"已督办 {why['escalations']} 次"
        if why["trigger"] == "escalations"
        else f"超过处置时限 {setting.after_hours} 小时"
    )
    note = (
        f"{REASON}:{old.name if old else '原责任单位'}{detail}仍未整改,"
        f"转由{zone.name}的{target.name}整改"
    )
    data = {
        "unit_code": target.code,
        "unit_name": target.name,
        "from_unit_code": old.code if old else None,
        "from_unit_name": old.name if old else None,
        "subdistrict_code": zone.code,
        "reason": REASON,
        **why,
        **setting.json(),
        **due,
    }
    append_event(case, None, ACTION, case.status, case.status, note, data, at=now)
    notify_takeover(case, old, zone.name, now)
    return True
