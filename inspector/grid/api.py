"""Zones: GeoJSON import, listing and the public point -> grid lookup."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from ..access.auth import public, require_roles
from ..access.roles import ADMIN, STAFF_ROLES
from ..errors import invalid
from ..http import commit
from ..pagination import PageArgs, paginate
from ..schemas import PositionArgs
from .coords import to_wgs84
from .models import LEVELS, Zone
from .service import import_zones, locate, zone_json

blp = Blueprint("zones", __name__, description="网格与区域 / Zones and grids")


class ZoneListArgs(PageArgs):
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))


@blp.route("/zones/import", methods=["POST"])
@require_roles(ADMIN)
def import_zones_view():
    payload = request.get_json(silent=True)
    if payload is None:
        raise invalid("请求体必须是 GeoJSON / body must be GeoJSON")
    count = import_zones(payload)
    commit()
    return {"imported": count}


@blp.route("/zones/locate", methods=["GET"])
@public("上报前定位网格,不含个人信息 / residents place a tip on the grid; no personal data")
@blp.arguments(PositionArgs, location="query")
def locate_view(args: dict):
    lat, lon = to_wgs84(args["lat"], args["lon"], args["coord_sys"])
    return locate(lat, lon, snap_m=current_app.config["SNAP_DISTANCE_M"]).as_json()


@blp.route("/zones", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(ZoneListArgs, location="query")
def list_zones(args: dict):
    query = select(Zone)
    if args["level"]:
        query = query.where(Zone.level == args["level"])
    return paginate(query, Zone.id, args, zone_json)
