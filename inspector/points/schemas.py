"""Answer shapes of evaluation points for the OpenAPI document (points.service; documentation
only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int


class PointOut(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_name = fields.String(required=True)
    unit_code = fields.String(required=True)
    camera = fields.Boolean(required=True)
    polygon = fields.Dict(required=True, metadata={"description": "GeoJSON Polygon"})


class PointsImported(Answer):
    created = Int(required=True)
    updated = Int(required=True)
