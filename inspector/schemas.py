"""Marshmallow pieces shared by several blueprints (positions, coordinate systems)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .grid.coords import SYSTEMS


class CoordSysArgs(Schema):
    coord_sys = fields.String(load_default="wgs84", validate=validate.OneOf(SYSTEMS))


class TrackingArgs(CoordSysArgs):
    """Reads by a reporter's tracking token (anonymous 随手拍), in the map system asked."""

    token = fields.String(load_default=None)


class PositionArgs(CoordSysArgs):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))

    @validates_schema
    def _finite(self, data, **kwargs):  # noqa: ANN001
        for key in ("lat", "lon"):
            value = data.get(key)
            if value is not None and value != value:  # NaN
                raise ValidationError("不是有效数字 / not a number", key)
