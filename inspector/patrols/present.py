"""Patrol plans, slots and check-ins as JSON (output shapes of the patrols package)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..access.models import Account
from ..access.roles import ROLE_NAMES_ZH
from ..photos.service import photo_json
from ..timeutil import iso_local
from .models import FREQUENCY_ZH, WEEKDAY_ZH, PatrolCheckIn, PatrolPlan
from .queries import SlotState

STATUS_ZH = {"done": "已巡查", "due": "待巡查", "missed": "漏巡", "upcoming": "未开始"}


def _person(account: Account | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {
        "username": account.username,
        "name": account.display_name,
        "role": account.role,
        "role_name": ROLE_NAMES_ZH.get(account.role, account.role),
    }


def schedule_text(plan: PatrolPlan) -> str:
    """每天 / 每周一 / 每周一次, and 工作日 when days off are skipped."""
    text = FREQUENCY_ZH[plan.every]
    if plan.every == "week":
        text = f"每{WEEKDAY_ZH[plan.weekday]}" if plan.weekday else "每周一次"
    return f"{text}(仅工作日)" if plan.working_days_only else text


def plan_json(plan: PatrolPlan) -> dict[str, Any]:
    target = plan.point if plan.point is not None else plan.zone
    return {
        "id": plan.id,
        "target": "point" if plan.point is not None else "grid",
        "point_code": plan.point.code if plan.point is not None else None,
        "zone_code": plan.zone.code if plan.zone is not None else None,
        "target_name": target.name,
        "grid_code": plan.grid.code,
        "assignee": _person(plan.assignee),
        "every": plan.every,
        "weekday": plan.weekday,
        "schedule_name": schedule_text(plan),
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat() if plan.end_date else None,
        "working_days_only": plan.working_days_only,
        "note": plan.note,
        "created_by": _person(plan.created_by),
        "created_at": iso_local(plan.created_at),
    }


def check_in_json(record: PatrolCheckIn) -> dict[str, Any]:
    return {
        "id": record.id,
        "plan_id": record.plan_id,
        "slot_date": record.slot_date.isoformat(),
        "checked_at": iso_local(record.checked_at),
        "by": _person(record.account),
        "lat": record.lat,
        "lon": record.lon,
        "position_basis": record.position_basis,
        "distance_m": record.distance_m,
        "problem": record.problem,
        "report_id": record.report_id,
        "note": record.note,
        "photos": [photo_json(p, original_allowed=True, public=False) for p in record.photos],
    }


def slot_json(state: SlotState, now: datetime) -> dict[str, Any]:
    status = state.status(now)
    return {
        "plan": plan_json(state.plan),
        "slot": {
            "from": state.slot.first.isoformat(),
            "to": state.slot.last.isoformat(),
            "starts_at": iso_local(state.slot.starts_at),
            "ends_at": iso_local(state.slot.ends_at),
        },
        "status": status,
        "status_name": STATUS_ZH[status],
        "check_ins": [check_in_json(c) for c in state.check_ins],
    }
