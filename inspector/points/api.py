"""City set-up: evaluation points (测评点位)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..access.auth import require_roles
from ..access.roles import ADMIN, STAFF_ROLES
from ..apidoc import body_doc
from ..grid.schemas import FeatureCollection
from ..pagination import PageArgs, page_of, paginate
from .models import POINT_KINDS, EvaluationPoint
from .schemas import PointOut, PointsImported
from .service import import_points, point_json, upsert_point

blp = Blueprint("points", __name__, description="测评点位 / Evaluation points")


class PointArgs(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(POINT_KINDS))
    unit_code = fields.String(required=True)
    polygon = fields.Dict(required=True)
    camera = fields.Boolean(load_default=False)


@blp.route("/points", methods=["POST"])
@require_roles(ADMIN)
@blp.arguments(PointArgs)
@blp.alt_response(201, schema=PointOut, success=True)
def create_point(args: dict):
    point = upsert_point(**args)
    body = point_json(point)
    return body, 201


@blp.route("/points", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=page_of(PointOut), success=True)
def list_points(args: dict):
    return paginate(select(EvaluationPoint), EvaluationPoint.id, args, point_json)


@blp.route("/points/import", methods=["POST"])
@require_roles(ADMIN)
@blp.doc(**body_doc(FeatureCollection))  # read by import_points itself
@blp.alt_response(200, schema=PointsImported, success=True)
def import_point_file():
    """A GeoJSON FeatureCollection (properties: code, name, kind, unit_code, camera)."""
    from flask import request

    from ..errors import invalid

    body = request.get_json(silent=True)
    if body is None:
        raise invalid("请求体必须是 GeoJSON / body must be GeoJSON")
    return import_points(body)
