"""Patrol plans and check-ins: a supervisor assigns, the assignee checks in on site.

A check-in must pass the same place and time checks as a unit's after-photo (photos.onsite):
taken inside the point or grid (or within ONSITE_DISTANCE_M of it), and not before the current
slot began (nor more than PHOTO_MAX_AGE_H ago). A refused check-in stores nothing. A check-in
belongs to the slot of the day it is sent: a slot that has passed stays missed, whatever is
sent later ("坚决杜绝临时造假").

Services flush and never commit: the request owner (http.py) or the job (jobs.py) commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ..access.actor import Actor
from ..access.models import Account
from ..access.roles import ADMIN, GRID_WORKER, SUPERVISOR, VOLUNTEER
from ..errors import ApiError, invalid, not_found
from ..extensions import db
from ..geometry import from_geojson_text, metres_to
from ..grid.service import locate, location_of_grid, zone_by_code
from ..photos.onsite import NotBefore, Site, check_on_site, site_photos
from ..photos.service import store_uploads
from ..points.service import point_by_code
from ..reports.models import Report
from ..sla.schedule import official_calendar
from ..timeutil import as_utc, iso_local
from .models import PatrolCheckIn, PatrolPlan
from .queries import SlotState, plans_active, slot_states, visible_plans
from .schedule import Slot, china_day, slot_on

ASSIGNEE_ROLES = (GRID_WORKER, VOLUNTEER)
PLANNER_ROLES = (SUPERVISOR, ADMIN)


def is_workday(day: date) -> bool:
    """The official calendar of the SLA (weekends, holidays, make-up working days)."""
    return official_calendar().is_workday(day)


@dataclass
class PlanInput:
    assignee: str
    every: str
    point_code: str | None = None
    zone_code: str | None = None
    weekday: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    working_days_only: bool = False
    note: str | None = None


def create_plan(actor: Actor, data: PlanInput, now: datetime) -> PatrolPlan:
    """A supervisor (zone-bound: only inside his zones) or an admin assigns a point or a grid."""
    if (data.point_code is None) == (data.zone_code is None):
        raise invalid(
            "须给出 point_code 或 zone_code 之一 / give exactly one of point_code and zone_code",
            field="point_code",
        )
    if data.every == "day" and data.weekday is not None:
        raise invalid("每天巡查不设星期 / weekday is for weekly plans only", field="weekday")
    start = data.start_date or china_day(now)
    if data.end_date is not None and data.end_date < start:
        raise invalid("结束日期早于开始日期 / end_date is before start_date", field="end_date")
    plan = PatrolPlan(
        every=data.every,
        weekday=data.weekday,
        start_date=start,
        end_date=data.end_date,
        working_days_only=data.working_days_only,
        note=data.note,
        created_by_id=actor.account_id,
        created_at=now,
    )
    if data.point_code is not None:
        point = point_by_code(data.point_code)
        inside = from_geojson_text(point.geometry).representative_point()
        plan.point, plan.grid_id = point, locate(inside.y, inside.x, snap_m=50).grid_id
    else:
        zone = zone_by_code(data.zone_code or "")
        if zone.level != "grid":
            raise invalid("巡查区域须为单元网格 / zone_code must be a unit grid", field="zone_code")
        plan.zone, plan.grid_id = zone, zone.id
    if actor.zone_ids and not actor.zone_ids & set(location_of_grid(plan.grid_id).zone_ids):
        raise ApiError(403, "forbidden", "该点位或网格不在您负责的区域内 / outside your zones")
    plan.assignee = _assignee(data.assignee)
    db.session.add(plan)
    db.session.flush()
    return plan


def _assignee(username: str) -> Account:
    account = db.session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        raise invalid(f"账号 {username} 不存在或已停用 / no such active account", field="assignee")
    if account.role not in ASSIGNEE_ROLES:
        raise invalid(
            "巡查只能派给网格员或志愿者 / assignee must be a grid worker or a volunteer",
            field="assignee",
        )
    return account


@dataclass
class PlanChange:
    """What a planner may change on a plan: only what leaves past slots as they were. A plan's
    target and schedule never change (end it and make a new one): the grid's figures for earlier
    weeks were counted against them."""

    assignee: str | None = None
    end_date: date | None = None
    end_date_given: bool = False  # `end_date: null` (runs on) differs from not given
    note: str | None = None
    note_given: bool = False


def change_plan(plan: PatrolPlan, change: PlanChange, now: datetime) -> PatrolPlan:
    """Reassign a plan (a grid worker leaves), end it early or extend it, or rewrite its note.
    Planners only: the route's require_roles, as for create_plan."""
    if not (change.assignee or change.end_date_given or change.note_given):
        raise invalid("没有要修改的内容 / nothing to change", field="assignee")
    if change.end_date_given:
        _set_end(plan, change.end_date, china_day(now))
    if change.assignee:
        plan.assignee = _assignee(change.assignee)
    if change.note_given:
        plan.note = change.note
    db.session.flush()
    return plan


def _set_end(plan: PatrolPlan, end: date | None, today: date) -> None:
    """A new end may not fall before today (past slots stay due, done or missed), nor revive a
    plan that has already ended (its skipped days would turn into missed patrols)."""
    if plan.end_date is not None and plan.end_date < today:
        raise ApiError(
            409,
            "plan_ended",
            f"该计划已于 {plan.end_date.isoformat()} 结束,请新建计划 / the plan has ended; "
            "make a new one",
        )
    if end is not None and end < max(today, plan.start_date):
        raise invalid(
            "结束日期不能早于今天或开始日期,已过去的巡查不可改写 / end_date cannot be before today "
            "or start_date: past patrols stay as they were",
            field="end_date",
        )
    plan.end_date = end


def load_plan(plan_id: int, actor: Actor) -> PatrolPlan:
    """The plan if the caller may see it (its assignee, supervisors of its zones, admins)."""
    plan = db.session.scalar(
        select(PatrolPlan).where(PatrolPlan.id == plan_id, visible_plans(actor))
    )
    if plan is None:
        raise not_found("巡查计划 / Patrol plan")
    return plan


def target_name(plan: PatrolPlan) -> str:
    if plan.point is not None:
        return f"{plan.point.name}({plan.point.code})"
    return f"{plan.zone.name}({plan.zone.code})"


def _site(plan: PatrolPlan) -> Site:
    target = plan.point if plan.point is not None else plan.zone
    shape = from_geojson_text(target.geometry)
    name = "巡查点位" if plan.point is not None else "巡查网格"
    en = "the patrol point" if plan.point is not None else "the patrol grid"
    return Site(lambda here: metres_to(shape, here[0], here[1]), name, en)


@dataclass
class CheckInInput:
    files: list[FileStorage]
    device: tuple[float, float] | None = None  # the phone's position, WGS-84
    problem: bool = False
    report_id: int | None = None
    note: str | None = None


def check_in(plan: PatrolPlan, actor: Actor, data: CheckInInput, now: datetime) -> PatrolCheckIn:
    """The assignee's check-in for today's slot, with photos taken there and then. Flushes."""
    if plan.assignee_id != actor.account_id:
        raise ApiError(403, "forbidden", "只有被派的巡查人员可以打卡 / only the assignee checks in")
    slot = slot_on(plan, china_day(now), is_workday)
    if slot is None:
        raise ApiError(
            409, "no_patrol_due", "今天没有该计划的巡查 / no patrol of this plan is due today"
        )
    report = _own_report(actor, data.report_id)
    uploads = site_photos(data.files, required=True)
    where = check_on_site(uploads, data.device, _site(plan), _not_before(slot, now))
    photos = store_uploads(uploads, actor.account_id)
    record = PatrolCheckIn(
        plan=plan,
        slot_date=slot.first,
        account_id=actor.account_id,
        checked_at=now,
        lat=where.position[0],
        lon=where.position[1],
        position_basis=where.basis,
        distance_m=round(where.distance_m, 1),
        problem=data.problem or report is not None,
        report=report,
        note=data.note,
        photos=photos,
    )
    db.session.add(record)
    db.session.flush()
    return record


def _not_before(slot: Slot, now: datetime) -> NotBefore:
    """The slot's start, or PHOTO_MAX_AGE_H ago if later (a week-long slot wants a fresh photo)."""
    max_age = timedelta(hours=float(current_app.config["PHOTO_MAX_AGE_H"]))
    earliest = max(slot.starts_at, as_utc(now) - max_age)
    shown = iso_local(earliest)
    return NotBefore(
        earliest,
        f"照片拍摄时间早于本次巡查时段({shown} 起),请在现场重新拍摄 / "
        f"photo was taken before this patrol's slot began ({shown})",
    )


def _own_report(actor: Actor, report_id: int | None) -> Report | None:
    """A report the assignee filed about what he found; someone else's answers as missing."""
    if report_id is None:
        return None
    report = db.session.get(Report, report_id)
    if report is None or report.reporter_id != actor.account_id:
        raise invalid("上报不存在 / report_id: no such report of yours", field="report_id")
    return report


def plans_query(actor: Actor, assignee: str | None = None) -> Any:  # noqa: ANN401 - a Select
    query = select(PatrolPlan).where(visible_plans(actor))
    if assignee:
        query = query.where(
            PatrolPlan.assignee_id.in_(select(Account.id).where(Account.username == assignee))
        )
    return query


def day_slots(actor: Actor, day: date) -> list[SlotState]:
    """GET /patrols: the slots of the caller's visible plans that cover `day`."""
    plans = plans_active(visible_plans(actor), day, day)
    return slot_states(plans, day, day, is_workday)


MAX_RANGE_DAYS = 92


def missed_slots(actor: Actor, first: date, last: date, now: datetime) -> list[SlotState]:
    """GET /patrols/missed: slots of the caller's visible plans in [first, last] that ended by
    `now` without a check-in, oldest first."""
    if first > last:
        raise invalid("from 须不晚于 to / from must not be after to", field="from")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise invalid(
            f"查询区间最长 {MAX_RANGE_DAYS} 天 / at most {MAX_RANGE_DAYS} days", field="to"
        )
    plans = plans_active(visible_plans(actor), first, last)
    states = slot_states(plans, first, last, is_workday)
    missed = [s for s in states if s.status(now) == "missed"]
    return sorted(missed, key=lambda s: (s.slot.first, s.plan.id))
