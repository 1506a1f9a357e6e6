"""GET /cases, GET /cases/<id>, POST /cases/<id>/<action> (JSON, or multipart with photos)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.actor import Actor
from ..access.auth import current_actor, public, require_roles
from ..access.idempotency import idempotent
from ..access.roles import ROLES
from ..apidoc import body_doc
from ..grid.coords import SYSTEMS, to_wgs84
from ..pagination import PageArgs, page_of, paginate
from ..reports.present import report_json
from ..reports.schemas import ReportOut
from ..schemas import BBox, CoordSysArgs, Id, Int, TrackingArgs, form_or_json
from ..timeutil import utcnow
from .listing import listed_cases
from .models import STATUSES, Case
from .present import case_json, shown_reports
from .queries import case_list
from .schemas import CaseFull, CaseOut
from .service import ActionInput, load_case, perform

blp = Blueprint("cases", __name__, description="案件办理 / Cases")


class CaseListArgs(PageArgs, CoordSysArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    unit_code = fields.String(load_default=None)
    grid_code = fields.String(load_default=None)
    category_code = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=None)
    # Still open (new … rectified): a map of open cases asks once, not once per status.
    open = fields.Boolean(load_default=None)
    # Only cases inside min_lon,min_lat,max_lon,max_lat (read in coord_sys, like lat/lon).
    bbox = BBox(load_default=None)


def _wgs84_bbox(bbox: tuple[float, float, float, float] | None, system: str):  # noqa: ANN202
    """A map's box in its own system -> WGS-84 (the corners; the shift is near-uniform)."""
    if bbox is None or system == "wgs84":
        return bbox
    lat0, lon0 = to_wgs84(bbox[1], bbox[0], system)
    lat1, lon1 = to_wgs84(bbox[3], bbox[2], system)
    return (lon0, lat0, lon1, lat1)


class ActionArgs(Schema):
    note = fields.String(load_default=None, validate=validate.Length(max=2000))
    category_code = fields.String(load_default=None)
    unit_code = fields.String(load_default=None)
    value = Int(load_default=None, validate=validate.Range(min=1, max=1000))
    unit = fields.String(load_default=None, validate=validate.OneOf(("work_hours", "work_days")))
    passed = fields.Boolean(load_default=None)
    into = Id(load_default=None)
    score = Int(load_default=None, validate=validate.Range(min=1, max=5))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    coord_sys = fields.String(load_default="wgs84", validate=validate.OneOf(SYSTEMS))
    token = fields.String(load_default=None)
    # The case version the caller last saw (GET /cases/<id> `version`): stale -> 409 conflict.
    version = Id(load_default=None)


class ActionForm(ActionArgs):
    """Documents the multipart form of an action: the fields plus `photo` files (read from
    request.files by _action_input, never loaded through this schema)."""

    photo = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        metadata={"description": "现场照片 / on-site photos"},
    )


class CaseAnswer(CaseFull):
    """GET /cases/<id> and every action's answer: the case with the reports the caller sees."""

    reports = fields.List(fields.Nested(ReportOut), required=True)


@blp.route("/cases", methods=["GET"])
@require_roles(*ROLES)
@blp.arguments(CaseListArgs, location="query")
@blp.alt_response(200, schema=page_of(CaseOut), success=True)
def list_cases(args: dict):
    actor = current_actor()
    names = ("status", "unit_code", "grid_code", "category_code", "overdue", "open")
    filters = {k: args[k] for k in names}
    query = case_list(actor, **filters, bbox=_wgs84_bbox(args["bbox"], args["coord_sys"]))
    return paginate(
        query,
        Case.id,
        args,
        lambda c: case_json(c, actor, args["coord_sys"], full=False),
        load=listed_cases,
    )


@blp.route("/cases/<int:case_id>", methods=["GET"])
@public("an anonymous reporter follows his case with the tracking token; others by policy")
@blp.arguments(TrackingArgs, location="query")
@blp.alt_response(200, schema=CaseAnswer, success=True)
def get_case(args: dict, case_id: int):
    actor = current_actor()
    case = load_case(case_id, actor, args["token"])
    return _case_answer(case, actor, args["coord_sys"], args["token"])


def _case_answer(case: Case, actor: Actor, coord_sys: str, token: str | None) -> dict[str, Any]:
    """The full case: its own fields, timeline and actions, with the reports the caller sees."""
    body = case_json(case, actor, coord_sys, token=token)
    reports = shown_reports(case, actor, token)
    body["reports"] = [
        report_json(r, actor, coord_sys, with_case=False, token=token) for r in reports
    ]
    return body


def _action_input() -> ActionInput:
    """JSON body, or multipart form with `photo` files (booleans as true/false)."""
    data, files = form_or_json(ActionArgs())
    if request.args.get("token") and not data.get("token"):
        data["token"] = request.args["token"]
    return ActionInput(**data, files=files)


@blp.route("/cases/<int:case_id>/<string:action>", methods=["POST"])
@public(
    "an anonymous reporter rates or reopens with his tracking token; the table decides the rest"
)
@blp.arguments(CoordSysArgs, location="query", as_kwargs=True)
@blp.doc(**body_doc(ActionArgs))  # read by _action_input: JSON, or multipart with photos
@blp.doc(**body_doc(ActionForm, "multipart/form-data"))
@blp.alt_response(200, schema=CaseAnswer, success=True)
@blp.alt_response(403, "FORBIDDEN")  # the transition table refuses this role now
@blp.alt_response(409, "CONFLICT")
@idempotent
def act_on_case(case_id: int, action: str, coord_sys: str):
    actor = current_actor()
    data = _action_input()
    case = load_case(case_id, actor, data.token)
    perform(case, actor, action, data, utcnow())
    return _case_answer(case, actor, coord_sys, data.token)
