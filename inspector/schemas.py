"""Marshmallow pieces shared by several blueprints (integers, positions, coordinate systems)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .grid.coords import SYSTEMS
from .input_guard import MAX_INT


class Int(fields.Integer):
    """Every integer a schema reads: it must fit the INTEGER columns it meets (±2^31-1), or
    PostgreSQL raises when the driver casts it. tests/unit/test_input_schemas.py checks that no
    schema uses a plain `fields.Integer`."""

    default_error_messages = {"out_of_range": "数值超出范围 / Number out of range"}

    def _validated(self, value: Any) -> int | None:
        number = super()._validated(value)
        if number is not None and not -MAX_INT <= number <= MAX_INT:
            raise self.make_error("out_of_range")
        return number


class Id(Int):
    """A row id given in a body or query (`into`, `case_id`): 1..2^31-1."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Range(min=1, max=MAX_INT), **kwargs)


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


# 逾期上交下一级 settings of a category or a findings batch (sla/takeover.py); absent: none.
TAKEOVER_ESCALATIONS = Int(load_default=None, allow_none=True, validate=validate.Range(1, 100))
TAKEOVER_HOURS = Int(load_default=None, allow_none=True, validate=validate.Range(1, 24 * 365))


def form_or_json(schema: Schema) -> tuple[dict[str, Any], list]:
    """(arguments, `photo` files) of an action that may carry photos: a multipart form (booleans
    as true/false) or a JSON object (no files). Bad fields are the usual 422 `invalid_input`."""
    from flask import request

    from .errors import invalid

    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raw: Any = request.form.to_dict()
        files = request.files.getlist("photo")
    else:
        raw = request.get_json(silent=True) if request.data else {}
        if not isinstance(raw, dict):
            raise invalid("请求体必须是 JSON 对象 / body must be a JSON object")
        files = []
    try:
        return schema.load(raw, unknown="exclude"), files
    except ValidationError as exc:
        raise invalid("输入内容有误 / Invalid input", fields=exc.messages) from exc


class BBox(fields.String):
    """`bbox=min_lon,min_lat,max_lon,max_lat` (WGS-84, as OGC and GeoJSON order it): what a map
    shows, so it asks only for the grids and cases in view, not the whole city."""

    default_error_messages = {
        "bbox": "bbox 须为 最小经度,最小纬度,最大经度,最大纬度 / bbox is min_lon,min_lat,max_lon,max_lat"
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):  # noqa: ANN202
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            numbers = [float(part) for part in text.split(",")] if len(text) <= 200 else []
        except ValueError:
            numbers = []
        if len(numbers) != 4 or any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
            raise self.make_error("bbox")
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise self.make_error("bbox")
        return (min_lon, min_lat, max_lon, max_lat)
