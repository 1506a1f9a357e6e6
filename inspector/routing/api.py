"""City set-up: routing rules (category x zone -> unit)."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from ..access.auth import require_roles
from ..access.roles import ADMIN, DISPATCHER, SUPERVISOR
from ..categories.service import category_by_code
from ..grid.coords import to_wgs84
from ..grid.service import locate
from ..pagination import PageArgs, page_of, paginate
from ..schemas import PositionArgs
from .models import RoutingRule
from .schemas import DecideOut, RuleOut
from .service import route, rule_json, upsert_rule

blp = Blueprint("routing", __name__, description="分派规则 / Routing rules")


class RuleArgs(Schema):
    category_code = fields.String(required=True)
    zone_code = fields.String(required=True)
    unit_code = fields.String(required=True)


class DecideArgs(PositionArgs):
    category_code = fields.String(required=True)


@blp.route("/routing/decide", methods=["GET"])
@require_roles(ADMIN, DISPATCHER, SUPERVISOR)
@blp.arguments(DecideArgs, location="query")
@blp.alt_response(200, schema=DecideOut, success=True)
def decide_view(args: dict):
    """Which unit a report of this category at this place would go to, and why (a dry run)."""
    category = category_by_code(args["category_code"])
    lat, lon = to_wgs84(args["lat"], args["lon"], args["coord_sys"])
    location = locate(lat, lon, snap_m=current_app.config["SNAP_DISTANCE_M"])
    return {
        "location": location.as_json(),
        "decision": route(category, location, lat, lon).as_json(),
    }


@blp.route("/routing-rules", methods=["POST"])
@require_roles(ADMIN)
@blp.arguments(RuleArgs)
@blp.alt_response(201, schema=RuleOut, success=True)
def create_rule(args: dict):
    rule = upsert_rule(args["category_code"], args["zone_code"], args["unit_code"])
    body = rule_json(rule)
    return body, 201


@blp.route("/routing-rules", methods=["GET"])
@require_roles(ADMIN, DISPATCHER, SUPERVISOR)
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=page_of(RuleOut), success=True)
def list_rules(args: dict):
    return paginate(select(RoutingRule), RoutingRule.id, args, rule_json)
