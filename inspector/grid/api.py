"""Zones: GeoJSON import/export, listing, the public point -> grid lookup, coordinate conversion."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..access.auth import public, require_roles
from ..access.roles import ADMIN, STAFF_ROLES
from ..apidoc import Answer, body_doc
from ..errors import invalid
from ..pagination import PageArgs, page_of, paginate
from ..schemas import BBox, Int, PositionArgs
from .address import address_for
from .coords import SYSTEMS, convert, from_wgs84, to_wgs84
from .models import LEVELS, Zone
from .schemas import ConvertOut, FeatureCollection, LocationOut, ZoneOut
from .service import (
    export_zones,
    import_zones_report,
    in_bbox,
    locate,
    zone_geometry,
    zone_json,
)

blp = Blueprint("zones", __name__, description="网格与区域 / Zones and grids")


class ZoneListArgs(PageArgs):
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    bbox = BBox(load_default=None)


class ExportArgs(Schema):
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    # Comma-separated zone codes: a case page draws its one grid, not the whole city.
    code = fields.String(load_default=None, validate=validate.Length(max=4000))
    # What a map shows: only the zones whose extent meets it (/console/map asks per view).
    bbox = BBox(load_default=None)


class LocateArgs(PositionArgs):
    # The grid's outline too (GeoJSON, WGS-84): the phone page draws it when there are no tiles.
    geometry = fields.Boolean(load_default=False)


class ConvertArgs(PositionArgs):
    # `from` is a Python keyword: the query names are from/to, the fields from_sys/to_sys.
    from_sys = fields.String(data_key="from", required=True, validate=validate.OneOf(SYSTEMS))
    to_sys = fields.String(data_key="to", required=True, validate=validate.OneOf(SYSTEMS))


class ZonesImported(Answer):
    """The import's answer (ImportReport.as_json); here, as grid/ must not import Int."""

    imported = Int(required=True)
    created = Int(required=True)
    updated = Int(required=True)
    unchanged = Int(required=True)
    by_level = fields.Dict(keys=fields.String(), values=Int(), required=True)
    repaired = fields.List(fields.Dict(), required=True)


@blp.route("/zones/import", methods=["POST"])
@require_roles(ADMIN)
@blp.doc(**body_doc(FeatureCollection))  # read by import_zones_report itself
@blp.alt_response(200, schema=ZonesImported, success=True)
def import_zones_view():
    """Import a FeatureCollection; answers what was created, updated, left alone and repaired."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise invalid("请求体必须是 GeoJSON / body must be GeoJSON")
    report = import_zones_report(payload)
    return report.as_json()


@blp.route("/zones/export", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.alt_response(200, schema=FeatureCollection, success=True)
def export_zones_view(args: dict):
    codes = [c.strip() for c in (args["code"] or "").split(",") if c.strip()] or None
    return export_zones(args["level"], codes, args["bbox"])


@blp.route("/zones/locate", methods=["GET"])
@public("上报前定位网格,不含个人信息 / residents place a tip on the grid; no personal data")
@blp.arguments(LocateArgs, location="query")
@blp.alt_response(200, schema=LocationOut, success=True)
def locate_view(args: dict):
    """Point -> grid chain. Coordinates are read in coord_sys and answered in it (and WGS-84)."""
    system = args["coord_sys"]
    lat, lon = to_wgs84(args["lat"], args["lon"], system)
    location = locate(lat, lon, snap_m=current_app.config["SNAP_DISTANCE_M"])
    body = location.as_json()
    out_lat, out_lon = from_wgs84(lat, lon, system)
    body["position"] = {"lat": round(out_lat, 7), "lon": round(out_lon, 7), "coord_sys": system}
    body["wgs84"] = {"lat": round(lat, 7), "lon": round(lon, 7)}
    body["address"] = address_for(location, lat, lon)
    if args["geometry"]:
        body["grid"]["geometry"] = zone_geometry(location.grid_id)
    return body


@blp.route("/coords/convert", methods=["GET"])
@public("纯坐标换算,不涉及数据 / pure coordinate arithmetic, no data")
@blp.arguments(ConvertArgs, location="query")
@blp.alt_response(200, schema=ConvertOut, success=True)
def convert_view(args: dict):
    lat, lon = convert(args["lat"], args["lon"], args["from_sys"], args["to_sys"])
    return {"lat": round(lat, 8), "lon": round(lon, 8), "coord_sys": args["to_sys"]}


@blp.route("/zones", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(ZoneListArgs, location="query")
@blp.alt_response(200, schema=page_of(ZoneOut), success=True)
def list_zones(args: dict):
    query = select(Zone)
    if args["level"]:
        query = query.where(Zone.level == args["level"])
    if args["bbox"]:
        query = query.where(in_bbox(args["bbox"]))
    return paginate(query, Zone.id, args, zone_json)
