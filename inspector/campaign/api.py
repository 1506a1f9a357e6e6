"""Campaign tools over HTTP: point history, points board, camera-point evidence sheet."""

from __future__ import annotations

from datetime import datetime

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.auth import require_roles
from ..access.roles import ADMIN, DISPATCHER, SUPERVISOR
from ..apidoc import HTML, answers_in
from ..errors import invalid
from ..points.service import point_by_code
from ..timeutil import parse_iso, utcnow
from .evidence import evidence_html
from .pointviews import board, camera_view, history
from .schemas import Board, CameraView, PointHistory

blp = Blueprint("campaign", __name__, description="创城迎检 / Campaign tools")

# Who prepares the evaluation: the command centre, the supervision group, the admin.
CAMPAIGN_ROLES = (DISPATCHER, SUPERVISOR, ADMIN)


class PeriodArgs(Schema):
    # "from" is a Python keyword: the query names map to start/end.
    start = fields.String(load_default=None, data_key="from")
    end = fields.String(load_default=None, data_key="to")


class FormatArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "html")))


def _time(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise invalid(f"{name} 须为 ISO 8601 时间 / {name} must be ISO 8601", field=name) from exc


@blp.route("/points/<string:code>/history", methods=["GET"])
@require_roles(*CAMPAIGN_ROLES)
@blp.arguments(PeriodArgs, location="query")
@blp.alt_response(200, schema=PointHistory, success=True)
def point_history(args: dict, code: str):
    point = point_by_code(code)
    start, end = _time(args["start"], "from"), _time(args["end"], "to")
    if start and end and start >= end:
        raise invalid("from 须早于 to / from must be before to", field="from")
    return {"code": point.code, "name": point.name, "items": history(point, start, end)}


@blp.route("/points/board", methods=["GET"])
@require_roles(*CAMPAIGN_ROLES)
@blp.alt_response(200, schema=Board, success=True)
def points_board():
    return {"items": board(utcnow())}


@blp.route("/points/<string:code>/camera", methods=["GET"])
@require_roles(*CAMPAIGN_ROLES)
@blp.arguments(FormatArgs, location="query")
@answers_in(blp, {"application/json": CameraView, "text/html": HTML})
def point_camera(args: dict, code: str):
    point = point_by_code(code)
    if not point.camera:
        raise invalid("该点位不是监控点位 / not a camera point", field="code")
    view = camera_view(point, utcnow())
    if args["format"] == "html":
        return Response(evidence_html(view), mimetype="text/html")
    return view
