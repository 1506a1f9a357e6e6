"""Patrols (巡查) over HTTP: plans, the day's patrols, on-site check-ins, missed patrols."""

from __future__ import annotations

from datetime import date, timedelta

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.auth import current_actor, require_roles
from ..apidoc import Answer
from ..grid.coords import SYSTEMS, to_wgs84
from ..pagination import PageArgs, paginate
from ..schemas import Id, Int, form_or_json
from ..timeutil import utcnow
from .models import FREQUENCIES, PatrolPlan
from .present import check_in_json, plan_json, slot_json
from .schedule import china_day
from .service import (
    ASSIGNEE_ROLES,
    PLANNER_ROLES,
    CheckInInput,
    PlanChange,
    PlanInput,
    change_plan,
    check_in,
    create_plan,
    day_slots,
    load_plan,
    missed_slots,
    plans_query,
)

blp = Blueprint("patrols", __name__, description="巡查计划 / Patrol plans")


class PlanOut(Answer):
    id = Int(required=True)
    every = fields.String(required=True)
    start_date = fields.String(required=True)
    end_date = fields.String(required=True, allow_none=True)


class PlanPage(Answer):
    items = fields.List(fields.Nested(PlanOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class CheckInOut(Answer):
    id = Int(required=True)
    plan_id = Int(required=True)
    slot_date = fields.String(required=True)
    problem = fields.Boolean(required=True)


class SlotOut(Answer):
    plan = fields.Nested(PlanOut, required=True)
    status = fields.String(required=True)
    check_ins = fields.List(fields.Nested(CheckInOut), required=True)


class DayOut(Answer):
    date = fields.String(required=True)
    items = fields.List(fields.Nested(SlotOut), required=True)


class MissedOut(Answer):
    start = fields.String(required=True, data_key="from")
    end = fields.String(required=True, data_key="to")
    items = fields.List(fields.Nested(SlotOut), required=True)


PLANNERS = PLANNER_ROLES  # supervisors and admins assign (zone-bound ones inside their zones)
ASSIGNEES = ASSIGNEE_ROLES  # grid workers and volunteers walk and check in
READERS = PLANNERS + ASSIGNEES


# Dates a patrol can have: a slot's end (the next midnight) and its UTC instant must exist.
DAYS = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))


class PlanArgs(Schema):
    point_code = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    zone_code = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=80))
    every = fields.String(required=True, validate=validate.OneOf(FREQUENCIES))
    weekday = Int(load_default=None, validate=validate.Range(min=1, max=7))
    start_date = fields.Date(load_default=None, validate=DAYS)
    end_date = fields.Date(load_default=None, validate=DAYS)
    working_days_only = fields.Boolean(load_default=False)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


@blp.route("/patrol-plans", methods=["POST"])
@require_roles(*PLANNERS)
@blp.arguments(PlanArgs)
@blp.alt_response(201, schema=PlanOut, success=True)
def create_patrol_plan(args: dict):
    plan = create_plan(current_actor(), PlanInput(**args), utcnow())
    return plan_json(plan), 201


class PlanChangeArgs(Schema):
    assignee = fields.String(validate=validate.Length(min=1, max=80))
    end_date = fields.Date(allow_none=True, validate=DAYS)
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


@blp.route("/patrol-plans/<int:plan_id>", methods=["PATCH"])
@require_roles(*PLANNERS)
@blp.arguments(PlanChangeArgs)
@blp.alt_response(200, schema=PlanOut, success=True)
@blp.alt_response(409, "CONFLICT")
def change_patrol_plan(args: dict, plan_id: int):
    actor = current_actor()
    change = PlanChange(
        assignee=args.get("assignee"),
        end_date=args.get("end_date"),
        end_date_given="end_date" in args,
        note=args.get("note"),
        note_given="note" in args,
    )
    return plan_json(change_plan(load_plan(plan_id, actor), change, utcnow()))


class PlanListArgs(PageArgs):
    assignee = fields.String(load_default=None, validate=validate.Length(max=80))


@blp.route("/patrol-plans", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(PlanListArgs, location="query")
@blp.alt_response(200, schema=PlanPage, success=True)
def list_patrol_plans(args: dict):
    query = plans_query(current_actor(), args["assignee"])
    return paginate(query, PatrolPlan.id, args, plan_json)


class DayArgs(Schema):
    date = fields.Date(load_default=None, validate=DAYS)
    due = fields.String(load_default=None, validate=validate.OneOf(("today",)))


@blp.route("/patrols", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(DayArgs, location="query")
@blp.alt_response(200, schema=DayOut, success=True)
def list_patrols(args: dict):
    """The patrols of a day (default today, China time): due, done, missed or upcoming."""
    now = utcnow()
    day = args["date"] or china_day(now)
    states = day_slots(current_actor(), day)
    return {"date": day.isoformat(), "items": [slot_json(s, now) for s in states]}


class MissedArgs(Schema):
    start = fields.Date(load_default=None, data_key="from", validate=DAYS)
    end = fields.Date(load_default=None, data_key="to", validate=DAYS)


@blp.route("/patrols/missed", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(MissedArgs, location="query")
@blp.alt_response(200, schema=MissedOut, success=True)
def list_missed(args: dict):
    """Slots that ended without a check-in, in [from, to] (default: the last 7 days)."""
    now = utcnow()
    last: date = args["end"] or china_day(now)
    first: date = args["start"] or last - timedelta(days=6)
    states = missed_slots(current_actor(), first, last, now)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "items": [slot_json(s, now) for s in states],
    }


class CheckInArgs(Schema):
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    coord_sys = fields.String(load_default="wgs84", validate=validate.OneOf(SYSTEMS))
    problem = fields.Boolean(load_default=False)
    report_id = Id(load_default=None)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


def _check_in_input() -> CheckInInput:
    """Multipart (`photo` files and fields; booleans as true/false), or JSON without photos
    (answered with the clear 422 `photo_required`)."""
    data, files = form_or_json(CheckInArgs())
    device = None
    if data["lat"] is not None and data["lon"] is not None:
        device = to_wgs84(data["lat"], data["lon"], data["coord_sys"])
    return CheckInInput(
        files=files,
        device=device,
        problem=data["problem"],
        report_id=data["report_id"],
        note=data["note"],
    )


@blp.route("/patrols/<int:plan_id>/check-in", methods=["POST"])
@require_roles(*ASSIGNEES)
@blp.alt_response(201, schema=CheckInOut, success=True)
def patrol_check_in(plan_id: int):
    """巡查打卡: photos taken on site now; the same place and time checks as 整改 photos."""
    actor = current_actor()
    data = _check_in_input()
    plan = load_plan(plan_id, actor)
    record = check_in(plan, actor, data, utcnow())
    return check_in_json(record), 201
